"""The acceptance facts through the real store (bilat's own readers) and through the CLI."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from bilat.cli.main import app
from bilat.ledger.flows import bilateral_flows
from bilat.ledger.mirror import mirror_gaps
from bilat.ledger.ranks import partner_rank

pytestmark = pytest.mark.bundle


def test_facts_through_the_store(bundle_store, comtrade_frame):
    r = bilateral_flows(bundle_store, "RUS", "KOR", years=[2016])
    assert r.value(2016, "turnover") == pytest.approx(15_326_241_792)
    assert partner_rank(bundle_store, "RUS", "KOR", years=2016).rank(2016) == 6
    raw = comtrade_frame[(comtrade_frame.year == 2015) & (comtrade_frame["product"] == "27")]
    kor_m = raw[(raw.exporter == "RUS") & (raw.importer == "KOR") & (raw.flow == "M")]
    gap = mirror_gaps(bundle_store, "RUS", "KOR", years=2015).gap(2015, "RUS→KOR", "27")
    rus_x = raw[(raw.exporter == "RUS") & (raw.importer == "KOR") & (raw.flow == "X")]
    assert gap == kor_m.value_usd.sum() - rus_x.value_usd.sum()


def test_cli_commands(bundle_store, tmp_path):
    runner = CliRunner()
    store = ["--store", str(bundle_store.root)]
    out = runner.invoke(
        app, ["flows", "RUS", "Korea, Rep.", "--year", "2016", "--format", "json", *store]
    )
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)["rows"]
    assert rows[0]["turnover"] == pytest.approx(15_326_241_792)
    out = runner.invoke(app, ["rank", "RUS", "KOR", "--year", "2016", "--format", "csv", *store])
    assert out.exit_code == 0 and "\n2016,6," in out.output
    out = runner.invoke(
        app,
        ["target", "RUS", "KOR", "--value", "30e9", "--by", "2020", "--base-year", "2016", *store],
    )
    assert "not enough data" in out.output and "needs 18.3 % a year" in out.output
    page = tmp_path / "r.html"
    out = runner.invoke(
        app, ["report", "RUS", "KOR", "--format", "html", "--out", str(page), *store]
    )
    assert out.exit_code == 0, out.output
    assert page.stat().st_size > 1_000_000  # Plotly inlined


def test_cli_unknown_country_gets_a_suggestion(bundle_store):
    out = CliRunner().invoke(app, ["flows", "Rusia", "KOR", "--store", str(bundle_store.root)])
    assert out.exit_code == 2
    assert "Rusia" in out.output and "RUS" in out.output
