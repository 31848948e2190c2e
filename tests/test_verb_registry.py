"""The verb registry (``bilat.ledger.verbs``) makes the CLI's ledger commands and the API's
ledger routes (issue 17 item 3): a verb registered here appears as a real Typer command and a
real FastAPI route, both answering the same figure; an index added to the registry is accepted
by ``--index`` and ``/api/indices/{index}``. No mocks: the apps are built as ``bilat`` and
``bilat serve`` build theirs, over the bundle store.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

from bilat.ledger import verbs as registry
from bilat.ledger.verbs import SOURCE, A, B, Param, Verb

pytestmark = pytest.mark.bundle


def _turnover(s, a, b, *, year, source):
    """A toy verb: the pair's turnover in one year, as the flows ledger gives it."""
    from bilat.ledger.flows import bilateral_flows

    return bilateral_flows(s, a, b, years=(year,), source=source)


TOY = Verb(
    "toy-turnover",
    "Turnover of A with B in one year (a test's verb).",
    (
        A,
        B,
        Param("year", int, help="The year.", description="The year.", bounds={"ge": 1900}),
        SOURCE,
    ),
    _turnover,
)


@pytest.fixture
def toy():
    registry.register(TOY)
    try:
        yield TOY
    finally:
        registry.unregister(TOY.name)


def _at(store) -> list[str]:
    return ["--format", "json", "--store", str(store.root)]


def _cli_app() -> typer.Typer:
    """A Typer app with the registry's commands, as ``bilat.cli.ledger.register`` adds them."""
    from bilat.cli import verbs as cli_verbs

    app = typer.Typer()
    cli_verbs.register(app)
    return app


def test_a_registered_verb_is_a_command_and_a_route(toy, bundle_store):
    from fastapi.testclient import TestClient

    from bilat.api import create_app

    cli = CliRunner().invoke(
        _cli_app(),
        ["toy-turnover", "RUS", "KOR", "--year", "2016", *_at(bundle_store)],
    )
    assert cli.exit_code == 0, cli.output
    with TestClient(create_app(bundle_store.root)) as client:
        api = client.get("/api/toy-turnover", params={"a": "RUS", "b": "KOR", "year": 2016})
        assert api.status_code == 200, api.text
        # the parameter's bounds and the route's description come from the registry too
        low = client.get("/api/toy-turnover", params={"a": "RUS", "b": "KOR", "year": 1800})
        assert low.status_code == 422
        op = client.get("/openapi.json").json()["paths"]["/api/toy-turnover"]["get"]
        assert op["description"] == TOY.summary
    body = json.loads(cli.stdout)
    assert api.json() == body
    # bundle README: in 2016 KOR→RUS 4.768 bn, RUS→KOR 10.558 bn, turnover 15.33 bn
    assert body["rows"][0]["turnover"] == pytest.approx(15.33e9, rel=1e-3)
    help_text = CliRunner().invoke(_cli_app(), ["toy-turnover", "--help"]).stdout
    assert "Turnover of A with B in one year" in help_text and "--year" in help_text


def test_without_the_verb_neither_appears(bundle_store):
    from fastapi.testclient import TestClient

    from bilat.api import create_app

    cli = CliRunner().invoke(_cli_app(), ["toy-turnover", "RUS", "KOR"])
    assert cli.exit_code != 0 and "No such command" in cli.output
    with TestClient(create_app(bundle_store.root)) as client:
        assert client.get("/api/toy-turnover", params={"a": "RUS", "b": "KOR"}).status_code == 404


def test_an_index_added_to_the_registry_is_asked_by_both(bundle_store):
    """``register_index``: the CLI's --index and the API's path accept it at once."""
    from fastapi.testclient import TestClient

    from bilat.api import create_app

    def imports_of_a(s, a, b, year, source):  # concentration of A's imports from B
        from bilat.ledger import indices

        return indices.hhi(s, a, year, by="product", partner=b, direction="imports", source=source)

    registry.register_index("toy-hhi", imports_of_a)
    try:
        cli = CliRunner().invoke(
            _cli_app(),
            ["indices", "RUS", "KOR", "--year", "2016", "--index", "toy-hhi", *_at(bundle_store)],
        )
        assert cli.exit_code == 0, cli.output
        with TestClient(create_app(bundle_store.root)) as client:
            api = client.get("/api/indices/toy-hhi", params={"a": "RUS", "b": "KOR", "year": 2016})
            assert api.status_code == 200, api.text
            schema = client.get("/openapi.json").json()["paths"]["/api/indices/{index}"]["get"]
            index = next(p for p in schema["parameters"] if p["name"] == "index")
            assert "toy-hhi" in index["schema"]["enum"]
        assert api.json() == json.loads(cli.stdout)
        assert 0 < api.json()["value"] <= 1
    finally:
        registry.unregister_index("toy-hhi")
    assert "toy-hhi" not in registry.INDICES


def test_the_registry_imports_no_heavy_library():
    code = (
        "import sys, bilat.ledger.verbs, bilat.cli.verbs;"
        "print(sorted({'pandas', 'ibis', 'duckdb', 'pyarrow'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_vocabularies_are_defined_once():
    """The CLI's help and the API's Literal read the same tuple (ledger.vocabulary)."""
    from bilat.ledger import vocabulary as v

    flows = registry.verb("flows")
    frequency = next(p for p in flows.params if p.name == "frequency")
    assert frequency.vocabulary == v.FREQUENCIES == ("annual", "half", "quarter", "month")
    assert frequency.help == "annual, half, quarter or month."


def test_every_verb_names_its_result_type():
    """``Verb.result`` is a LedgerResult class of the ledger (the API's LedgerOut shape)."""
    import bilat.ledger.composition
    import bilat.ledger.flows
    import bilat.ledger.indices
    import bilat.ledger.mirror
    import bilat.ledger.ranks
    import bilat.ledger.targets  # noqa: F401  (each defines its result class)
    from bilat.ledger.results import LedgerResult

    def names(cls: type) -> set[str]:
        return {cls.__name__}.union(*(names(c) for c in cls.__subclasses__()))

    known = names(LedgerResult)
    assert {v.result for v in registry.verbs()} <= known
    assert {v.name for v in registry.verbs()} >= {
        "flows", "rank", "composition", "indices", "mirror", "target"
    }  # fmt: skip
