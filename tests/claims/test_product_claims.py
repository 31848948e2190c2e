"""Product claims: product words resolved to HS codes and checked on the detail that covers them.

Expected figures are read from the raw Comtrade files of the bundle with pandas.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bilat.claims import check


def _raw(bundle: Path, chapter: int, year: int) -> pd.DataFrame:
    path = bundle / "flows/comtrade_legacy" / f"hs{chapter}" / f"comtrade_hs{chapter}_{year}.csv.gz"
    raw = pd.read_csv(path, encoding="utf-8-sig", dtype={"Commodity Code": str})
    return raw[raw["Commodity Code"] == str(chapter)]


def _value(raw: pd.DataFrame, reporter: str, partner: str, flow: str) -> float:
    hit = raw[
        (raw["Reporter ISO"] == reporter)
        & (raw["Partner ISO"] == partner)
        & (raw["Trade Flow"] == flow)
    ]
    return float(hit["Trade Value (US$)"].sum())


@pytest.mark.bundle
def test_a_chapter_claim_is_checked_on_that_chapter(bundle_store, bundle):
    text = "Russia's exports of mineral fuels to South Korea were $7.4 billion in 2016."
    c = check(text, data=bundle_store, published="2017-03-01").checks[0]
    assert c.claim.product == "mineral fuels"
    rus_x = _value(_raw(bundle, 27, 2016), "RUS", "KOR", "Export")  # Russia's own report
    assert rus_x == pytest.approx(7.41e9, rel=1e-3)
    assert c.verdict == "supported" and c.used.figure == pytest.approx(rus_x)
    assert "HS 27" in c.used.reading and "mineral fuels → HS 27" in c.reason
    # both sides: Korea's import report of the same flow is beside it
    kor_m = _value(_raw(bundle, 27, 2016), "KOR", "RUS", "Import")
    assert {round(s.figure) for s in c.sides} == {round(rus_x), round(kor_m)}


@pytest.mark.bundle
def test_a_product_change_uses_the_products_in_both_years(bundle_store, bundle):
    text = "Exports of wood from Russia to Korea rose 10 percent in 2016."
    c = check(text, data=bundle_store, published="2017-03-01").checks[0]
    assert c.claim.product == "wood" and c.claim.base == "2015"
    # the default basis: Korea (a reporter) as importer
    v1 = _value(_raw(bundle, 44, 2016), "KOR", "RUS", "Import")
    v0 = _value(_raw(bundle, 44, 2015), "KOR", "RUS", "Import")
    assert c.used.figure == pytest.approx((v1 / v0 - 1) * 100)
    assert c.verdict == "contradicted"  # about +2 %, not +10 %


@pytest.mark.bundle
def test_a_claim_finer_than_the_data_says_which_level_exists(bundle_store):
    text = "Russia's LNG exports to South Korea were $2 billion in 2016."
    c = check(text, data=bundle_store, published="2017-03-01").checks[0]
    assert c.claim.product == "LNG"
    assert c.verdict == "no data"
    assert "271111" in c.reason and "HS 27, 44 only" in c.reason
    # a product claim never falls back to all goods
    assert c.used is None
