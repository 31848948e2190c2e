"""``bilat products search`` and ``--products`` on the ledger commands, over real Comtrade files.

The store holds the bundle's Comtrade chapters 27 and 44 for 2015 (Russia and Korea both report);
expected values are summed from the raw CSV with pandas.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from bilat.cli.main import app

pytestmark = pytest.mark.bundle
YEAR = 2015


@pytest.fixture(scope="module")
def chapters_store(bundle, tmp_path_factory):
    from bilat.store import Store

    store = Store(tmp_path_factory.mktemp("chapters-store"))
    legacy = bundle / "flows" / "comtrade_legacy"
    store.ingest([legacy / f"hs{ch}" / f"comtrade_hs{ch}_{YEAR}.csv.gz" for ch in (27, 44)])
    return store


def _raw(bundle, chapter: int) -> pd.DataFrame:
    path = (
        bundle
        / "flows"
        / "comtrade_legacy"
        / f"hs{chapter}"
        / f"comtrade_hs{chapter}_{YEAR}.csv.gz"
    )
    return pd.read_csv(path, encoding="utf-8-sig", dtype={"Commodity Code": str})


def _run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_products_search_json():
    out = _run("products", "search", "liquefied natural gas", "--format", "json", "--limit", "3")
    assert out.exit_code == 0, out.output
    body = json.loads(out.stdout)
    assert body["matches"][0]["code"] == "271111"
    assert body["matches"][0]["revision"] == "HS22"
    text = _run("products", "search", "liquified natual gas").stdout
    assert text.splitlines()[1].split()[0] == "271111"


def test_composition_by_name_keeps_the_product_and_echoes(bundle, chapters_store):
    raw = _raw(bundle, 27)
    # the default basis: the importer's report (Korea's imports from Russia), docs/coverage.md
    rus_x = raw[
        (raw["Reporter ISO"] == "KOR")
        & (raw["Partner ISO"] == "RUS")
        & (raw["Trade Flow"] == "Import")
        & (raw["Commodity Code"] == "27")
    ]["Trade Value (US$)"].sum()
    store = ["--store", str(chapters_store.root)]
    common = ["composition", "RUS", "KOR", "--year", str(YEAR), "--format", "json", *store]
    out = _run(*common, "--products", "mineral fuels")
    assert out.exit_code == 0, out.output
    assert "mineral fuels → HS 27 (Mineral fuels" in out.stderr
    body = json.loads(out.stdout)
    assert [r["code"] for r in body["rows"]] == ["27"]
    assert body["rows"][0]["value"] == pytest.approx(rus_x)
    # the share keeps the all-goods total of the source (27 and 44) as denominator
    full = json.loads(_run(*common).stdout)
    assert body["rows"][0]["share"] == pytest.approx(
        next(r for r in full["rows"] if r["code"] == "27")["share"]
    )
    assert {r["code"] for r in full["rows"]} == {"27", "44"}
    assert any("products selected: mineral fuels → HS 27" in n for n in body["notes"])


def test_codes_and_names_together_and_finer_than_the_data(chapters_store):
    store = ["--store", str(chapters_store.root)]
    base = ["composition", "RUS", "KOR", "--year", str(YEAR), "--format", "json", *store]
    out = _run(*base, "--products", "27, wood")
    assert out.exit_code == 0, out.output
    assert {r["code"] for r in json.loads(out.stdout)["rows"]} == {"27", "44"}
    assert "wood → HS 44" in out.stderr
    finer = _run(*base, "--products", "4403")
    assert finer.exit_code == 2
    assert "the data are at 2 digits" in finer.stderr and "chapter 44" in finer.stderr


def test_ambiguous_name_is_an_error_with_candidates(chapters_store):
    out = _run(
        "mirror",
        "RUS",
        "KOR",
        "--year",
        str(YEAR),
        "--products",
        "parts",
        "--store",
        str(chapters_store.root),
    )
    assert out.exit_code == 2
    assert "ambiguous" in out.stderr and "8708" in out.stderr


def test_mirror_by_name(bundle, chapters_store):
    raw = _raw(bundle, 44)
    kor_m = raw[
        (raw["Reporter ISO"] == "KOR")
        & (raw["Partner ISO"] == "RUS")
        & (raw["Trade Flow"] == "Import")
        & (raw["Commodity Code"] == "44")
    ]["Trade Value (US$)"].sum()
    out = _run(
        "mirror",
        "RUS",
        "KOR",
        "--year",
        str(YEAR),
        "--products",
        "timber",
        "--format",
        "json",
        "--store",
        str(chapters_store.root),
    )
    assert out.exit_code == 0, out.output
    rows = json.loads(out.stdout)["rows"]
    assert {r["product"] for r in rows} == {"44"}
    rus_kor = next(r for r in rows if r["direction"] == "RUS→KOR")
    assert rus_kor["importer_reported"] == pytest.approx(kor_m)


def test_products_convert_says_merge():
    out = _run("products", "convert", "smartphones", "--to", "HS12")
    assert out.exit_code == 0, out.output
    assert "HS22 851713 → HS12 851712" in out.stdout and "merged there with" in out.stdout


def test_report_and_opportunities_take_products(chapters_store):
    store = ["--store", str(chapters_store.root)]
    out = _run(
        "report",
        "RUS",
        "KOR",
        "--year",
        str(YEAR),
        "--products",
        "mineral fuels",
        "--format",
        "json",
        *store,
    )
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    sections = doc["sections"]
    for name in ("composition_exports", "composition_imports", "mirror"):
        codes = {r.get("code", r.get("product")) for r in sections[name]["rows"]}
        assert codes == {"27"}, name
    # the store holds chapters 27 and 44 only: the report's flows are of the products asked,
    # labelled; without --products total trade is not covered (docs/coverage.md)
    assert "in HS 27 only" in doc["flows"]["title"]
    full = _run("report", "RUS", "KOR", "--year", str(YEAR), "--format", "json", *store)
    assert full.exit_code == 1 and "no all-goods data" in full.output
    opp = _run(
        "opportunities",
        "RUS",
        "KOR",
        "--year",
        str(YEAR),
        "--products",
        "wood",
        "--format",
        "json",
        *store,
    )
    assert opp.exit_code == 0, opp.output
    assert [r["code"] for r in json.loads(opp.stdout)["rows"]] == ["44"]


@pytest.fixture(scope="module")
def hs12_store(tmp_path_factory):
    """A store from a small tidy CSV this test writes: KOR->RUS 2016 at 6 digits, HS 2012."""
    from bilat.sources.tidy import TidyReader, read_mapping_from_cli
    from bilat.store import Store

    root = tmp_path_factory.mktemp("hs12")
    path = root / "hs12.csv"
    path.write_text(
        "o,d,y,k,v\nKOR,RUS,2016,851712,100\nKOR,RUS,2016,851770,5\nKOR,RUS,2016,271111,50\n"
    )
    mapping = read_mapping_from_cli("exporter=o,importer=d,year=y,product=k,value_usd=v")
    reader = TidyReader(mapping, unit=1.0, source="mine", release="t", hs_revision="HS12")
    store = Store(root / "store")
    store.ingest([path], reader=reader)
    return store


def test_a_hs2022_name_on_hs2012_data_says_the_merge(hs12_store):
    # smartphones are HS22 8517.13; HS 2012 had all mobile phones in 8517.12
    base = ["composition", "KOR", "RUS", "--year", "2016", "--level", "product", "--format"]
    store = ["--store", str(hs12_store.root)]
    out = _run(*base, "json", *store, "--products", "smartphones")
    assert out.exit_code == 0, out.output
    assert "smartphones → HS 851713" in out.stderr
    assert "HS22 851713 → HS12 851712 (merged there with HS22 851714" in out.stderr
    rows = json.loads(out.stdout)["rows"]
    assert [(r["code"], r["value"]) for r in rows] == [("851712", 100.0)]
    assert rows[0]["share"] == pytest.approx(100 / 155)  # of all goods in the file
    notes = json.loads(out.stdout)["notes"]
    assert any("merged there with" in n for n in notes)
    lng = _run(*base, "json", *store, "--products", "LNG")
    assert [r["code"] for r in json.loads(lng.stdout)["rows"]] == ["271111"]
    assert "→ HS12" not in lng.stderr  # one-to-one: nothing to say
