"""Korea in Russia and Russia in Korea from what the bundle holds, checked against the raw files.

The expected numbers are read from the bundle's raw files with pandas (not through bilat):
supply from BACI's exports-to-world table (HS2), demand and actual exports from the UN Comtrade
chapter files (27, 44; the importer's world row, the exporter's own report), ease from penppml's
2016 totals. Russia's imports of the other 94 chapters are not in the bundle: they must be
reported missing, not estimated.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from bilat.cli.main import app
from bilat.opportunities import opportunities

pytestmark = pytest.mark.bundle
YEAR = 2016


def _baci_share(root: Path, exporter: str, chapter: str) -> float:
    raw = pd.read_csv(
        root / "flows/baci_hs2_world_exports/baci_hs92_exporter_hs2_2011_2020.csv.gz",
        dtype={"k": str},
    )
    k = raw[(raw.t == YEAR) & (raw.k == chapter)]
    return float(k[k.i_iso3c == exporter].v.sum() / k.v.sum())


def _comtrade(root: Path, chapter: str, reporter: str, flow: str, partner: str) -> float:
    raw = pd.read_csv(
        root / f"flows/comtrade_legacy/hs{chapter}/comtrade_hs{chapter}_{YEAR}.csv.gz",
        encoding="utf-8-sig",
        dtype={"Commodity Code": str},
    )
    hit = raw[
        (raw["Reporter ISO"] == reporter)
        & (raw["Trade Flow"] == flow)
        & (raw["Partner ISO"] == partner)
        & (raw["Commodity Code"] == chapter)
    ]
    assert len(hit) == 1
    return float(hit["Trade Value (US$)"].iloc[0])


def _ease(root: Path, a: str, b: str) -> float:
    raw = pd.read_csv(root / "flows/penppml/trade.csv.gz", usecols=["exp", "imp", "time", "export"])
    y = raw[(raw.time == YEAR) & (raw.exp != raw.imp)]
    x_ab = y[(y.exp == a) & (y.imp == b)].export.sum()
    x_a, m_b, x_w = y[y.exp == a].export.sum(), y[y.imp == b].export.sum(), y.export.sum()
    return float((x_ab / x_a) / (m_b / x_w))


@pytest.fixture(scope="module")
def kor_in_rus(bundle_store):
    return opportunities(bundle_store, "KOR", "RUS", year=YEAR)


@pytest.fixture(scope="module")
def rus_in_kor(bundle_store):
    return opportunities(bundle_store, "Russia", "South Korea", year=YEAR)


@pytest.mark.parametrize("chapter", ["27", "44"])
def test_russia_in_korea_from_the_raw_files(bundle, rus_in_kor, chapter):
    r = rus_in_kor
    share = _baci_share(bundle, "RUS", chapter)
    demand = _comtrade(bundle, chapter, "KOR", "Import", "WLD")
    actual = _comtrade(bundle, chapter, "RUS", "Export", "KOR")
    ease = _ease(bundle, "RUS", "KOR")
    assert r.ease.value == pytest.approx(ease, rel=1e-9)
    assert r.ease.x_ab == pytest.approx(10.558e9, rel=1e-3)  # the README's RUS→KOR 2016
    assert r.value(chapter, "share") == pytest.approx(share, rel=1e-9)
    assert r.value(chapter, "demand") == pytest.approx(demand, rel=1e-9)
    assert r.value(chapter, "actual") == pytest.approx(actual, rel=1e-9)
    potential = demand * share * ease
    assert r.value(chapter, "potential") == pytest.approx(potential, rel=1e-9)
    assert r.value(chapter, "untapped") == pytest.approx(max(potential - actual, 0), rel=1e-9)


def test_korea_in_russia_from_the_raw_files(bundle, kor_in_rus):
    r = kor_in_rus
    share = _baci_share(bundle, "KOR", "27")
    demand = _comtrade(bundle, "27", "RUS", "Import", "WLD")
    actual = _comtrade(bundle, "27", "KOR", "Export", "RUS")
    ease = _ease(bundle, "KOR", "RUS")
    assert r.ease.x_ab == pytest.approx(4.768e9, rel=1e-3)  # the README's KOR→RUS 2016
    assert r.value("27", "potential") == pytest.approx(demand * share * ease, rel=1e-9)
    assert r.value("27", "actual") == pytest.approx(actual, rel=1e-9)
    # Korea sells Russia more fuel (refined products) than its world share predicts.
    assert actual > demand * share * ease and r.value("27", "untapped") == 0


@pytest.mark.parametrize("which", ["kor_in_rus", "rus_in_kor"])
def test_missing_product_detail_is_reported(request, which):
    r = request.getfixturevalue(which)
    assert r.digits == 2 and r.missing_inputs == ()
    assert set(r.ranked.code) == {"27", "44"}
    assert len(r.incomplete) == 94  # BACI has 96 chapters; Comtrade only 27 and 44
    assert set(r.incomplete.missing) == {"demand, actual"}
    assert r.incomplete.potential.isna().all()
    used = {i.name: i for i in r.inputs}
    assert (used["supply"].source, used["demand"].source, used["ease"].source) == (
        "baci",
        "comtrade",
        "penppml",
    )
    assert "covers 2 products (27, 44)" in used["demand"].note
    assert "94 of 96 products lack an input" in str(r)


def test_finer_levels_and_later_years_say_what_is_missing(bundle_store):
    from bilat.errors import NoDataError

    with pytest.raises(NoDataError, match="level='hs2'"):
        opportunities(bundle_store, "KOR", "RUS", level="hs6", year=YEAR)
    r = opportunities(bundle_store, "RUS", "KOR", year=2019)  # BACI goes on, Comtrade stops
    assert [i.name for i in r.missing_inputs] == ["demand", "actual"]
    ease = {i.name: i for i in r.inputs}["ease"]
    assert ease.year == 2016 and "nearest year" in ease.note


def test_cli_json_csv_and_sections(bundle_store, tmp_path):
    runner = CliRunner()
    base = ["opportunities", "RUS", "KOR", "--year", "2016", "--store", str(bundle_store.root)]
    r = runner.invoke(app, [*base, "--format", "json", "--top", "5"])
    assert r.exit_code == 0, r.output
    got = json.loads(r.output)
    assert [row["code"] for row in got["rows"][:2]] == ["27", "44"] and len(got["rows"]) == 5
    assert got["ease"]["year"] == 2016
    out = tmp_path / "o.csv"
    r = runner.invoke(app, [*base, "--format", "csv", "--out", str(out)])
    assert r.exit_code == 0, r.output
    frame = pd.read_csv(out, dtype={"code": str})
    assert len(frame) == 96 and frame.code.iloc[0] == "27"
    r = runner.invoke(app, [*base, "--by", "section"])
    assert r.exit_code == 0 and "Mineral products" in r.output
    r = runner.invoke(app, [*base, "--format", "html", "--by", "basket"])
    assert r.exit_code == 0 and "<table" in r.output
    r = runner.invoke(app, [*base, "--top", "3"])
    assert r.exit_code == 0 and "demand: KOR's imports" in r.output
