"""``--engine spark`` on the ledger commands and ``bilat report``: same figures as DuckDB."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from bilat.cli.main import app
from bilat.store import Store
from tests.engines.test_spark_engine import _penppml_csv

pytestmark = pytest.mark.spark

ROWS = [
    (2015, "RUS", "KOR", 8.0),
    (2015, "KOR", "RUS", 3.0),
    (2016, "RUS", "KOR", 10.0),
    (2016, "KOR", "RUS", 4.0),
    (2016, "RUS", "CHN", 50.0),
    (2016, "JPN", "RUS", 12.0),
]


@pytest.fixture(scope="module")
def small_store(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli-engine")
    Store(root / "store").ingest([_penppml_csv(root / "trade.csv", ROWS)])
    return root / "store"


def test_flows_and_rank_on_spark(small_store, spark):
    runner = CliRunner()
    args = ["--store", str(small_store), "--engine", "spark", "--format", "json"]
    out = runner.invoke(app, ["flows", "RUS", "KOR", "--year", "2016", *args])
    assert out.exit_code == 0, out.output
    row = json.loads(out.output)["rows"][0]
    assert (row["exports"], row["imports"], row["turnover"]) == (10.0, 4.0, 14.0)
    # partners of RUS in 2016 by turnover: CHN 50, JPN 12, KOR 14 → KOR 2nd
    out = runner.invoke(app, ["rank", "RUS", "KOR", "--year", "2016", *args])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["rows"][0]["rank"] == 2


def test_report_json_is_the_same_on_both_engines(small_store, spark):
    runner = CliRunner()
    docs = {}
    for engine in ("duckdb", "spark"):
        args = ["--store", str(small_store), "--engine", engine, "--format", "json"]
        out = runner.invoke(app, ["report", "RUS", "KOR", *args])
        assert out.exit_code == 0, out.output
        docs[engine] = json.loads(out.output)
    assert docs["duckdb"]["flows"] == docs["spark"]["flows"]
    assert docs["duckdb"] == docs["spark"]


def test_unknown_engine_is_a_clean_error(small_store):
    out = CliRunner().invoke(
        app, ["flows", "RUS", "KOR", "--store", str(small_store), "--engine", "polars"]
    )
    assert out.exit_code == 2
    assert "polars" in out.output and "duckdb, spark" in out.output
