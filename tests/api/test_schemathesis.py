"""schemathesis against the served OpenAPI schema: no request it generates gets a 5xx answer.

schemathesis's pytest plugin does not run under pytest 9 (it reads a private ``_nodeid``), so
each operation's strategy is driven by hypothesis directly: same cases, same calls.

``EXAMPLES`` cases per operation (~25 s for the 12 operations on the shared 2-core machine),
then, for each POST operation, ``NONSTANDARD`` bodies the schema generates with one value
swapped for what strict JSON does not allow (NaN, Infinity, -Infinity, 1e999, a lone surrogate
in a string or a key), sent as Python's ``json.dumps`` writes them: each must get a 4xx whose
body is strict JSON (issue 20: these were 500s).
"""

from __future__ import annotations

import copy
import json

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402

pytestmark = pytest.mark.bundle
EXAMPLES = 100
NONSTANDARD = 100


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


# what strict JSON has no token for, as Python's json module writes (and reads) it
ODD_NUMBERS = [float("nan"), float("inf"), float("-inf")]
ODD_TEXT = ['"\\ud800"', '"a\\udfff b"']


def _swap(body: object, pick: int, value: object) -> object:
    """``body`` with its ``pick``-th value (depth first, modulo the count) replaced."""
    spots: list[tuple[object, object]] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for k in node:
                spots.append((node, k))
                walk(node[k])
        elif isinstance(node, list):
            for i in range(len(node)):
                spots.append((node, i))
                walk(node[i])

    walk(body)
    if not spots:
        return value
    parent, key = spots[pick % len(spots)]
    parent[key] = value  # type: ignore[index]
    return body


def _encode(body: object, odd: object) -> bytes:
    text = json.dumps(body, allow_nan=True)
    if odd == "1e999":
        return text.replace('"__ODD__"', "1e999").encode()
    if isinstance(odd, str):
        return text.replace('"__ODD__"', odd).encode()
    return text.encode()


def test_non_standard_json_bodies_get_4xx(operations):
    failures: list[str] = []
    for label, operation in sorted(operations.items()):
        if label.startswith("POST "):
            _odd_bodies(label, operation, failures)
    assert not failures, "\n".join(failures[:20])


def _odd_bodies(label: str, operation, failures: list[str]) -> None:
    """``NONSTANDARD`` generated bodies of ``operation``, each with one value made odd."""
    from fastapi.testclient import TestClient
    from hypothesis import strategies as st

    client = TestClient(operation.schema.app)

    odd_values = [*ODD_NUMBERS, "1e999", *ODD_TEXT, "key"]

    @given(operation.as_strategy(), st.integers(0, 50), st.sampled_from(odd_values))
    @settings(
        max_examples=NONSTANDARD,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case, pick, odd):
        body = copy.deepcopy(case.body) if isinstance(case.body, dict | list) else {}
        if odd == "key":  # a lone surrogate as a key
            raw = json.dumps({**(body if isinstance(body, dict) else {}), "__K__": 1})
            content = raw.replace('"__K__"', '"\\udc00"').encode()
        else:
            marker = odd if isinstance(odd, float) else "__ODD__"
            content = _encode(_swap(body, pick, marker), odd)
        response = client.post(
            case.formatted_path, content=content, headers={"content-type": "application/json"}
        )
        ok = 400 <= response.status_code < 500
        try:
            json.loads(response.text, parse_constant=_refuse)
        except ValueError:
            ok = False
        if not ok:
            failures.append(
                f"{label} {content[:200]!r} -> {response.status_code}: {response.text[:300]}"
            )

    run()


def _refuse(token: str) -> None:
    raise ValueError(f"answer holds {token}: not strict JSON")
