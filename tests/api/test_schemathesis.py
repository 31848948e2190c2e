"""schemathesis against the served OpenAPI schema: no request it generates gets a 5xx answer.

schemathesis's pytest plugin does not run under pytest 9 (it reads a private ``_nodeid``), so
each operation's strategy is driven by hypothesis directly: same cases, same calls. Bounded to a
few examples per operation so the run stays well under a minute.
"""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402

pytestmark = pytest.mark.bundle
EXAMPLES = 20


@pytest.fixture(scope="module")
def operations(bundle_store):
    from bilat.api import create_app

    # few, small scenario runs: generated jobs must not keep a core busy after the test
    app = create_app(bundle_store.root, query_timeout=60, max_draws=4, max_pending_jobs=2)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return {r.ok().label: r.ok() for r in schema.get_all_operations()}


def test_schema_lists_every_endpoint(operations):
    assert {
        "GET /api/flows",
        "GET /api/rank",
        "GET /api/composition",
        "GET /api/indices/{index}",
        "GET /api/mirror",
        "GET /api/target",
        "GET /api/profile",
        "POST /api/claims/check",
        "GET /api/scenarios",
        "POST /api/scenarios/jobs",
        "GET /api/scenarios/jobs/{job_id}",
        "GET /api/economies",
    } <= set(operations)


def _fuzz(label: str, operation, failures: list[str]) -> None:
    @given(operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        response = case.call()
        if response.status_code >= 500:
            failures.append(
                f"{label} {case.path_parameters} {case.query} {case.body!r} -> "
                f"{response.status_code}: {response.text[:300]}"
            )

    run()


def test_no_server_errors(operations):
    failures: list[str] = []
    for label, operation in sorted(operations.items()):
        _fuzz(label, operation, failures)
    assert not failures, "\n".join(failures)
