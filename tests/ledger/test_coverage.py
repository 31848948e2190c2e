"""Coverage: every figure comes from data that cover the question, or is a not-covered answer.

Expected values are worked out from the raw bundle files with pandas (``penppml_frame``,
``comtrade_frame``) or by hand on small stores the tests write themselves.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from bilat.cli.main import app
from bilat.errors import InputError, NoDataError, NotCoveredError
from bilat.ledger.composition import composition
from bilat.ledger.flows import bilateral_flows
from bilat.ledger.indices import complementarity, grubel_lloyd, hhi
from bilat.ledger.ranks import partner_rank, top_partners
from bilat.sources.tidy import TidyReader
from bilat.store import Store

runner = CliRunner()


def _pair_total(frame: pd.DataFrame, a: str, b: str, year: int) -> float:
    y = frame[frame.year == year]
    ab = y[(y.exporter == a) & (y.importer == b)].value_usd.sum()
    ba = y[(y.exporter == b) & (y.importer == a)].value_usd.sum()
    return float(ab + ba)


# ------------------------------------------------------------------ the bundle store's cases
@pytest.mark.bundle
def test_two_chapters_are_never_total_trade(bundle_store, penppml_frame):
    with pytest.raises(NotCoveredError) as err:
        bilateral_flows(bundle_store, "RUS", "KOR", years=[2017])
    e = err.value
    assert "no all-goods data" in e.question and "2017" in e.question
    assert any("comtrade: HS 27, 44 only" in x for x in e.exists)
    assert "--products 27,44" in e.hint
    (near,) = e.nearest  # 2016, the nearest covered year, from penppml
    assert near["year"] == 2016 and near["source"] == "penppml"
    assert near["value"] == pytest.approx(_pair_total(penppml_frame, "RUS", "KOR", 2016))
    # no fake collapse year by year: 2012 and 2016 are figures, 2013–2015 are not covered
    for year in range(2012, 2017):
        if year in (2012, 2016):
            got = bilateral_flows(bundle_store, "RUS", "KOR", years=[year]).value(year)
            assert got == pytest.approx(_pair_total(penppml_frame, "RUS", "KOR", year))
        else:
            with pytest.raises(NotCoveredError):
                bilateral_flows(bundle_store, "RUS", "KOR", years=[year])


@pytest.mark.bundle
def test_a_span_keeps_its_gaps_and_names_them(bundle_store):
    r = bilateral_flows(bundle_store, "RUS", "KOR", years=range(2010, 2018))
    assert list(r.table.year) == [2012, 2016]
    assert any(
        "not covered (no figure shown): 2010–2011, 2013–2015, 2017" in n for n in r.provenance.notes
    )
    assert r.provenance.products == "all goods"


@pytest.mark.bundle
def test_partial_figures_only_on_request_and_labelled(bundle_store, comtrade_frame):
    r = bilateral_flows(bundle_store, "RUS", "KOR", years=[2017], products="27,44")
    assert "in HS 27, 44 only" in r.title and r.provenance.products == "HS 27, 44"
    # each flow as its importer reported it: KOR's imports from RUS, RUS's imports from KOR
    c = comtrade_frame[(comtrade_frame.year == 2017) & (comtrade_frame.flow == "M")]
    x = c[(c.exporter == "RUS") & (c.importer == "KOR")].value_usd.sum()
    m = c[(c.exporter == "KOR") & (c.importer == "RUS")].value_usd.sum()
    assert r.value(2017, "exports") == pytest.approx(x)
    assert r.value(2017, "turnover") == pytest.approx(x + m)
    # the same turnover whichever side is named first (2015: the case)
    ab = bilateral_flows(bundle_store, "RUS", "KOR", years=[2015], products="27,44")
    ba = bilateral_flows(bundle_store, "KOR", "RUS", years=[2015], products="27,44")
    assert ab.value(2015) == ba.value(2015)
    assert ab.value(2015, "balance") == -ba.value(2015, "balance")


def _rank(frame: pd.DataFrame, a: str, b: str, year: int) -> int:
    """B's rank among A's country partners by turnover, counted from the raw rows."""
    y = frame[(frame.year == year) & ~frame.non_country]
    out = y[y.exporter == a].groupby("importer").value_usd.sum()
    inn = y[y.importer == a].groupby("exporter").value_usd.sum()
    turnover = out.add(inn, fill_value=0.0).drop(a, errors="ignore")
    return int((turnover > turnover[b]).sum()) + 1


@pytest.mark.bundle
def test_ranks_need_all_goods_with_partners(bundle_store, penppml_frame):
    with pytest.raises(NotCoveredError) as err:
        top_partners(bundle_store, "KOR", 2017, n=5)
    assert any("exports to the world only" in x for x in err.value.exists)
    with pytest.raises(NotCoveredError) as err:
        partner_rank(bundle_store, "RUS", "KOR", years=2014)
    near = {n["year"]: n["value"] for n in err.value.nearest}
    # penppml's ranks around 2014, counted from its raw rows (README: 6th in 2016)
    assert near == {y: _rank(penppml_frame, "RUS", "KOR", y) for y in (2012, 2016)}
    assert near[2016] == 6
    top = top_partners(bundle_store, "KOR", 2017, n=3, products="27,44")
    assert "in HS 27, 44 only" in top.title


@pytest.mark.bundle
def test_composition_of_partial_data(bundle_store, comtrade_frame, penppml_frame):
    baskets = composition(bundle_store, "RUS", "KOR", years=2016, level="basket")
    t = baskets.table.set_index("code")
    for sector in ("agriculture", "fisheries", "railways"):  # no chapter of theirs is held
        assert math.isnan(t.loc[sector, "value"]) and "not covered" in t.loc[sector, "description"]
    chapters = composition(bundle_store, "RUS", "KOR", years=2016).table.set_index("code")
    # share of HS 27 in all of Russia's exports to Korea: RUS's own report of chapter 27 over
    # penppml's (exporter-reported) all-goods total, both sides' reports alike
    c = comtrade_frame[(comtrade_frame.year == 2016) & (comtrade_frame.reported_by == "exporter")]
    x27 = c[(c.exporter == "RUS") & (c.importer == "KOR") & (c["product"].str[:2] == "27")]
    p = penppml_frame[(penppml_frame.year == 2016)]
    total = p[(p.exporter == "RUS") & (p.importer == "KOR")].value_usd.sum()
    assert chapters.loc["27", "share"] == pytest.approx(x27.value_usd.sum() / total)
    assert 0.69 < chapters.loc["27", "share"] < 0.71  # the "about 70 %"


@pytest.mark.bundle
def test_indices_say_how_many_groups_and_flag_partial_data(bundle_store):
    for r in (
        complementarity(bundle_store, "RUS", "KOR", 2016),
        grubel_lloyd(bundle_store, "RUS", "KOR", 2016),
        hhi(bundle_store, "RUS", 2016, by="product", partner="KOR"),
    ):
        assert r.groups == 2 and r.partial
        assert "over 2 groups; PARTIAL: HS 27, 44 only" in str(r).splitlines()[0]
        assert r.to_dict()["partial"] is True and r.to_dict()["groups"] == 2


@pytest.mark.bundle
def test_a_missing_direction_is_incomplete_and_named(bundle_store, penppml_frame):
    r = bilateral_flows(bundle_store, "RUS", "KOR", years=[1992])
    row = r.table.iloc[0]
    assert not row.complete and row.missing == "RUS→KOR"  # Russia reports from 1996
    assert math.isnan(row.turnover) and math.isnan(row.balance)
    kor = penppml_frame[(penppml_frame.year == 1992) & (penppml_frame.exporter == "KOR")]
    assert row.imports == pytest.approx(kor[kor.importer == "RUS"].value_usd.sum())
    world = bilateral_flows(bundle_store, "RUS", "WLD", years=[2016]).table.iloc[0]
    assert world.missing == "WLD→RUS" and math.isnan(world.turnover)  # exports only


@pytest.mark.bundle
def test_a_basis_the_source_cannot_give_is_an_error(bundle_store):
    for basis in ("reconciled", "importer"):
        with pytest.raises(InputError, match="holds exporter reports only; use one of auto, "):
            bilateral_flows(bundle_store, "RUS", "KOR", years=[2016], basis=basis)  # type: ignore[arg-type]
    out = runner.invoke(
        app, ["flows", "RUS", "KOR", "--year", "2016", "--basis", "reconciled",
              "--store", str(bundle_store.root)]
    )  # fmt: skip
    assert out.exit_code == 2 and "not available from penppml" in out.output


@pytest.mark.bundle
def test_groups_before_they_existed_and_regions_without_data(bundle_store):
    with pytest.raises(NotCoveredError, match=r"EAEU had no members in 2012 \(membership from"):
        bilateral_flows(bundle_store, "EAEU", "KOR", years=[2012])
    with pytest.raises(NotCoveredError, match="regional customs data"):
        bilateral_flows(bundle_store, "RUS.05000", "KOR", years=[2012])


@pytest.mark.bundle
def test_cli_not_covered_has_its_exit_code_and_json(bundle_store):
    store = ["--store", str(bundle_store.root)]
    out = runner.invoke(app, ["flows", "RUS", "KOR", "--year", "2017", "--format", "json", *store])
    assert out.exit_code == 1
    body = json.loads(out.output)
    assert body["status"] == "not_covered" and body["nearest"][0]["year"] == 2016
    out = runner.invoke(app, ["rank", "KOR", "--year", "2017", "--top", "5", *store])
    assert out.exit_code == 1 and "not covered" in out.output
    out = runner.invoke(app, ["data", "list", *store])
    assert "every 4th year, 1964–2016" in out.output and "HS 27 only" in out.output


@pytest.mark.bundle
def test_profile_has_one_reference_year(bundle_store):
    from bilat.report import profile

    p = profile(bundle_store, "RUS", "KOR", years=range(1996, 2017))
    assert p.year == 2016
    point_in_time = ("composition_exports", "sectors", "grubel_lloyd", "mirror", "rca_a")
    for name in point_in_time:
        section = p.sections[name]
        assert set(section.provenance.years) == {2016}, name


@pytest.mark.bundle
def test_claims_about_uncovered_years_are_no_data_with_context(bundle_store, penppml_frame):
    from bilat.claims import check

    text = "Trade between Russia and South Korea reached $24 billion in 2014."
    c = check(text, data=bundle_store, published="2015-03-01").checks[0]
    assert c.verdict == "no data"
    assert "2012: 24.57 bn" in c.reason and "2016: 15.33 bn" in c.reason
    assert _pair_total(penppml_frame, "RUS", "KOR", 2012) == pytest.approx(24.57e9, rel=1e-3)
    # a 2016 claim is checked on 2016 itself
    c = check("Trade between Russia and South Korea was $15.3 billion in 2016.", data=bundle_store)
    assert c.checks[0].verdict == "supported" and "2016" in c.checks[0].used.reading


# ------------------------------------------------------------------ small stores of our own
def _tidy(tmp: Path, name: str, rows: list[tuple], **kw) -> Path:
    path = tmp / f"{name}.csv"
    lines = ["exporter,importer,year,value_usd,product"]
    lines += [",".join(str(v) for v in r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _add(store: Store, path: Path, source: str, reported_by: str = "reconciled") -> None:
    mapping = {
        "exporter": "exporter",
        "importer": "importer",
        "year": "year",
        "value_usd": "value_usd",
        "product": "product",
    }
    reader = TidyReader(mapping, source=source, dataset=path.stem, release="1",
                        reported_by=reported_by)  # fmt: skip
    store.ingest([path], reader=reader)


def test_a_store_of_two_chapters_refuses_totals_ranks_and_shares(tmp_path):
    store = Store(tmp_path / "s")
    rows = [
        ("RUS", "KOR", 2016, 100.0, "270900"),
        ("KOR", "RUS", 2016, 30.0, "440710"),
        ("RUS", "CHN", 2016, 50.0, "270900"),
    ]
    _add(store, _tidy(tmp_path, "two", rows), "extract")
    cov = store.coverage()[("extract", 2016)]
    assert cov.products == "partial" and cov.chapters == {"27", "44"} and cov.digits == (6,)
    with pytest.raises(NotCoveredError, match="no all-goods data"):
        bilateral_flows(store, "RUS", "KOR", years=[2016])
    with pytest.raises(NotCoveredError):
        partner_rank(store, "RUS", "KOR", years=2016)
    with pytest.raises(NotCoveredError):
        hhi(store, "RUS", 2016, by="market")
    r = bilateral_flows(store, "RUS", "KOR", years=[2016], products=("27", "44"))
    assert r.value(2016) == 130.0 and "in HS 27, 44 only" in r.title
    assert str(r.provenance).startswith("extract (release 1, 2016; HS 27, 44")
    c = composition(store, "RUS", "KOR", years=2016, direction="turnover").table
    assert set(c.code) == {"27", "44"} and c.share.sum() == pytest.approx(1.0)
    # a code finer than the data's chapters is not covered by them: asked, refused
    with pytest.raises(NotCoveredError):
        bilateral_flows(store, "RUS", "KOR", years=[2016], products="87")


def test_a_store_with_one_direction(tmp_path):
    store = Store(tmp_path / "s")
    # exporter-reported totals, only KOR declares: KOR→RUS is there, RUS→KOR is nobody's
    _add(store, _tidy(tmp_path, "kor", [("KOR", "RUS", 2016, 40.0, "TOTAL")]), "one", "exporter")
    row = bilateral_flows(store, "RUS", "KOR", years=[2016]).table.iloc[0]
    assert row.imports == 40.0 and math.isnan(row.exports)
    assert row.missing == "RUS→KOR" and not row.complete and math.isnan(row.turnover)
    with pytest.raises(NoDataError, match="RUS→KOR not reported"):
        bilateral_flows(store, "RUS", "KOR", years=[2016]).value(2016)


def test_a_store_of_every_fourth_year(tmp_path):
    store = Store(tmp_path / "s")
    rows = [(e, i, y, v, "TOTAL") for y in (2008, 2012, 2016) for e, i, v in
            (("RUS", "KOR", 10.0 * y), ("KOR", "RUS", 1.0 * y))]  # fmt: skip
    _add(store, _tidy(tmp_path, "q4", rows), "q4")
    listed = store.datasets().set_index("source").loc["q4"]
    assert listed.years == "every 4th year, 2008–2016" and listed.products == "all goods"
    r = bilateral_flows(store, "RUS", "KOR", years=range(2008, 2017))
    assert list(r.table.year) == [2008, 2012, 2016]
    assert r.value(2012) == 11.0 * 2012
    with pytest.raises(NotCoveredError) as err:
        bilateral_flows(store, "RUS", "KOR", years=[2014])
    assert [n["year"] for n in err.value.nearest] == [2012, 2016]
    with pytest.raises(NotCoveredError):  # the figure of a year the result does not hold
        r.value(2013)


def test_two_sources_with_different_product_scopes(tmp_path):
    store = Store(tmp_path / "s")
    totals = [("RUS", "KOR", y, 1000.0, "TOTAL") for y in (2015, 2016)]
    totals += [("KOR", "RUS", y, 400.0, "TOTAL") for y in (2015, 2016)]
    _add(store, _tidy(tmp_path, "tot", totals), "all")
    detail = [("RUS", "KOR", y, 600.0, "270900") for y in (2015, 2016, 2017)]
    _add(store, _tidy(tmp_path, "hs27", detail), "part")
    r = bilateral_flows(store, "RUS", "KOR", years=[2016])
    assert r.provenance.source == "all" and r.value(2016) == 1400.0
    with pytest.raises(NotCoveredError) as err:  # 2017: only the chapter-27 source
        bilateral_flows(store, "RUS", "KOR", years=[2017])
    assert any(x.startswith("part: HS 27 only, 2017") for x in err.value.exists)
    c = composition(store, "RUS", "KOR", years=2016).table.iloc[0]
    # the chapter's share of the all-goods total of the same year and side: 600 / 1000
    assert c.code == "27" and c.share == pytest.approx(0.6) and c.total == 1000.0
    c17 = composition(store, "RUS", "KOR", years=2017)
    # no all-goods total in 2017: shares of covered trade, and labelled so
    assert c17.table.share.iloc[0] == 1.0 and "HS 27 only" in c17.formula


# ------------------------------------------------------------------ the sweep
SWEEP = ("RUS", "KOR", "CHN", "USA", "DEU", "JPN", "IND", "EAEU", "EU", "RUS.05000")


def _check_total(store: Store, result, what: str) -> None:
    """Every year of a total figure comes from an all-goods source-year of its provenance."""
    scopes = store.coverage()
    assert result.provenance.products == "all goods", what
    years = result.table.year if "year" in result.table else result.provenance.years
    for y in set(int(v) for v in years):
        scope = scopes[(result.provenance.source, y)]
        assert scope.all_goods, (what, y, scope.describe())


@pytest.mark.bundle
@pytest.mark.slow
def test_every_verb_answers_from_covering_data_or_says_not_covered(bundle_store):
    from bilat.ledger.growth import growth
    from bilat.ledger.indices import trade_intensity
    from bilat.ledger.mirror import mirror_gaps

    scopes = bundle_store.coverage()
    answered = refused = 0
    for i, a in enumerate(SWEEP):
        b = SWEEP[(i + 1) % len(SWEEP)] if a != "RUS.05000" else "KOR"
        for year in range(1990, 2021):
            calls = {
                "flows": (bilateral_flows, (a, b), {"years": [year]}),
                "rank": (partner_rank, (a, b), {"years": year}),
                "top": (top_partners, (a, year), {"n": 5}),
                "intensity": (trade_intensity, (a, b, year), {}),
                "hhi-market": (hhi, (a, year), {"by": "market"}),
                "composition": (composition, (a, b), {"years": year}),
                "growth": (growth, (a, b), {"years": [year - 4, year]}),
                "mirror": (mirror_gaps, (a, b), {"years": year}),
                "grubel-lloyd": (grubel_lloyd, (a, b, year), {}),
            }
            for verb, (fn, args, kw) in calls.items():
                what = f"{verb} {a} {b} {year}"
                try:
                    r = fn(bundle_store, *args, **kw)
                except NoDataError:  # not covered (or no data at all): a correct answer
                    refused += 1
                    continue
                answered += 1
                if verb in ("composition", "mirror"):
                    for y in set(int(v) for v in r.table.year):
                        scope = scopes[(r.provenance.source, y)]
                        if not scope.all_goods:  # partial detail: said in the title
                            assert scope.describe().removesuffix(" only") in r.title, what
                elif verb == "grubel-lloyd":
                    scope = scopes[(r.provenance.source, year)]
                    assert r.partial == (not scope.all_goods), what  # flagged in its headline
                else:
                    _check_total(bundle_store, r, what)
                if verb == "flows":
                    row = r.table.iloc[0]
                    if math.isnan(row.turnover):
                        assert row.missing, what  # a figure left out says which direction
    assert answered > 100 and refused > 100  # both kinds of answer occur in the sweep
