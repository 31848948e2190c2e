"""One JSON shape of each result for the CLI and the API (issue 17 item 6): `bilat report
--format json` and `/api/profile` answer the same document; `bilat flows --format json` and
`/api/flows` the same result."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from bilat.cli.main import app

pytestmark = pytest.mark.bundle


def _cli(*args: str, store) -> dict:
    out = CliRunner().invoke(app, [*args, "--format", "json", "--store", str(store.root)])
    assert out.exit_code == 0, out.output
    return json.loads(out.stdout)


# The two once differed now and then in their last digits (the trade intensity's world imports,
# a float sum DuckDB's threads added in varying order): tests/ledger/test_exact_sums.py.
def test_profile_json_is_the_api_answer(client, bundle_store):
    api = client.get("/api/profile", params={"a": "RUS", "b": "KOR", "from": 2012, "to": 2016})
    assert api.status_code == 200, api.text
    cli = _cli("report", "RUS", "KOR", "--from", "2012", "--to", "2016", store=bundle_store)
    body = api.json()
    body.pop("products", None)
    body.pop("charts", None)
    assert body == cli
    # the summary's headline values, in both
    assert cli["summary"]["items"]["rank_b_in_a"]["rank"] == 6  # bundle README: 6th in 2016
    assert cli["summary"]["items"]["turnover"]["value"] == pytest.approx(15.33e9, rel=1e-3)


def test_flows_json_is_the_api_answer(client, bundle_store):
    api = client.get("/api/flows", params={"a": "RUS", "b": "KOR", "year": 2016})
    assert api.status_code == 200, api.text
    cli = _cli("flows", "RUS", "KOR", "--year", "2016", store=bundle_store)
    assert api.json() == cli
    assert cli["rows"][0]["exports"] == pytest.approx(10.558e9, rel=1e-3)
