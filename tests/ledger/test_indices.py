"""Each index against a hand computation on a small table; composition and mirror by hand."""

from __future__ import annotations

import numpy as np
import pytest

from bilat.errors import InputError, NotCoveredError
from bilat.ledger.composition import composition
from bilat.ledger.indices import complementarity, grubel_lloyd, hhi, rca, trade_intensity
from bilat.ledger.mirror import mirror_gaps


def rec(year, x, m, v, product="TOTAL", **kw):
    return {"year": year, "exporter": x, "importer": m, "value_usd": v, "product": product, **kw}


# A three-country world, product detail at HS chapter level, reconciled (BACI-like).
WORLD = [
    rec(2016, "RUS", "KOR", 80.0, "27"),
    rec(2016, "RUS", "KOR", 20.0, "44"),
    rec(2016, "RUS", "CHN", 100.0, "27"),
    rec(2016, "KOR", "RUS", 30.0, "87"),
    rec(2016, "KOR", "RUS", 10.0, "27"),
    rec(2016, "KOR", "CHN", 60.0, "87"),
    rec(2016, "CHN", "KOR", 50.0, "44"),
    rec(2016, "CHN", "RUS", 50.0, "87"),
]


def test_rca_by_hand(make_flows):
    r = rca(make_flows(WORLD), "RUS", 2016)
    t = r.to_frame().set_index("code")
    # RUS exports 180 of 27, 20 of 44 (total 200); world: 27 -> 190, 44 -> 70, 87 -> 140 (400)
    assert t.loc["27", "rca"] == pytest.approx((180 / 200) / (190 / 400))
    assert t.loc["44", "rca"] == pytest.approx((20 / 200) / (70 / 400))
    assert t.loc["87", "rca"] == 0
    assert "RCA" in r.formula and r.provenance.source == "test"


def test_complementarity_by_hand(make_flows):
    r = complementarity(make_flows(WORLD), "RUS", "KOR", 2016)
    # RUS export shares: 27 .9, 44 .1
    # KOR import shares (RUS 80 + 20, CHN 50): 27 80/150, 44 70/150
    diff = abs(80 / 150 - 0.9) + abs(70 / 150 - 0.1)
    assert r.value == pytest.approx(100 * (1 - diff / 2))


def test_trade_intensity_needs_all_goods(make_flows):
    # three chapters are not all goods: a share of "total" exports from them would be wrong
    with pytest.raises(NotCoveredError, match="no all-goods data") as err:
        trade_intensity(make_flows(WORLD), "RUS", "KOR", 2016, source="test")
    assert "HS 27, 44, 87 only" in str(err.value)


def test_trade_intensity_uses_totals_when_present(make_flows):
    rows = [
        rec(2016, "RUS", "KOR", 10.0),
        rec(2016, "RUS", "CHN", 30.0),
        rec(2016, "CHN", "KOR", 40.0),
        rec(2016, "KOR", "CHN", 20.0),
    ]
    r = trade_intensity(make_flows(rows), "RUS", "KOR", 2016)
    assert r.value == pytest.approx((10 / 40) / (50 / 100))


def test_grubel_lloyd_by_hand(make_flows):
    r = grubel_lloyd(make_flows(WORLD), "RUS", "KOR", 2016)
    t = r.to_frame().set_index("code")
    assert t.loc["27", "gl"] == pytest.approx(1 - abs(80 - 10) / 90)
    assert t.loc["44", "gl"] == 0 and t.loc["87", "gl"] == 0
    gross = 80 + 10 + 20 + 30
    assert r.value == pytest.approx((gross - 70 - 20 - 30) / gross)


def test_hhi_by_product_and_by_market(make_flows):
    t = make_flows(WORLD)
    by_product = hhi(t, "RUS", 2016, by="product", partner="KOR")
    assert by_product.value == pytest.approx(0.8**2 + 0.2**2)
    assert by_product.partial and by_product.groups == 2
    assert "PARTIAL: HS 27, 44, 87 only" in by_product.headline
    # concentration over partners is a total question: three chapters do not answer it
    with pytest.raises(NotCoveredError):
        hhi(t, "RUS", 2016, by="market", source="test")
    totals = make_flows([rec(2016, "RUS", "KOR", 5.0), rec(2016, "RUS", "CHN", 5.0)])
    by_market = hhi(totals, "RUS", 2016, by="market")
    assert by_market.value == pytest.approx(0.5**2 + 0.5**2)
    assert not by_market.partial and by_market.to_dict()["value"] == by_market.value
    with pytest.raises(InputError):
        hhi(t, "RUS", 2016, by="product")


def test_composition_levels_shares_and_baskets(make_flows):
    rows = [
        rec(2015, "RUS", "KOR", 60.0, "270900"),
        rec(2015, "RUS", "KOR", 40.0, "271111"),
        rec(2016, "RUS", "KOR", 90.0, "270900"),
        rec(2016, "RUS", "KOR", 10.0, "440710"),
    ]
    t = make_flows(rows)
    ch = composition(t, "RUS", "KOR", level="chapter").to_frame()
    c27 = ch[(ch.year == 2016) & (ch.code == "27")].iloc[0]
    assert (c27.value, c27.share, c27.change) == (90.0, 0.9, -10.0)
    hd = composition(t, "RUS", "KOR", level="heading", years=2015).to_frame().set_index("code")
    assert hd.loc["2711", "share"] == 0.4
    sec = composition(t, "RUS", "KOR", level="section", years=2016).to_frame().set_index("code")
    assert sec.loc["V", "value"] == 90.0 and sec.loc["IX", "value"] == 10.0
    b = composition(t, "RUS", "KOR", level="basket", baskets={"gas": ["2711"], "wood": ["44"]})
    got = b.to_frame().set_index(["year", "code"]).value
    assert got[(2015, "gas")] == 40.0 and got[(2016, "wood")] == 10.0
    assert b.top(1, 2015).code.iloc[0] == "gas"


def test_composition_order_ties_gaps_and_top_by_hand(make_flows):
    rows = [
        rec(2014, "RUS", "KOR", 50.0, "440710"),
        rec(2014, "RUS", "KOR", 30.0, "270900"),
        rec(2015, "RUS", "KOR", 20.0, "270900"),
        rec(2015, "RUS", "KOR", 20.0, "030389"),  # tied with 270900: code order breaks the tie
        rec(2015, "RUS", "KOR", 5.0, "870323"),
        rec(2016, "RUS", "KOR", 60.0, "440710"),  # no 2015 row: change on its 2014 row
        rec(2016, "RUS", "KOR", 40.0, "270900"),
    ]
    t = composition(make_flows(rows), "RUS", "KOR", level="product").to_frame()
    assert list(zip(t.year, t.code, strict=True)) == [
        (2014, "440710"),
        (2014, "270900"),
        (2015, "030389"),
        (2015, "270900"),
        (2015, "870323"),
        (2016, "440710"),
        (2016, "270900"),
    ]
    by = t.set_index(["year", "code"])
    assert by.loc[(2015, "270900"), "share"] == pytest.approx(20 / 45)
    assert by.loc[(2015, "270900"), "change"] == -10.0
    assert by.loc[(2015, "270900"), "pct_change"] == pytest.approx(20 / 30 - 1)
    assert by.loc[(2016, "440710"), "change"] == 10.0  # 60 against 2014's 50
    assert np.isnan(by.loc[(2015, "030389"), "change"])  # first year of the code
    assert by.loc[(2016, "270900"), "total"] == 100.0
    top = composition(make_flows(rows), "RUS", "KOR", level="product", top=1).to_frame()
    assert list(zip(top.year, top.code, strict=True)) == [
        (2014, "440710"),
        (2015, "030389"),
        (2016, "440710"),
    ]
    assert top.share.tolist() == pytest.approx([50 / 80, 20 / 45, 60 / 100])


def test_baskets_finer_than_the_data_are_not_available_not_zero(make_flows):
    rows = [rec(2015, "RUS", "KOR", 80.0, "27"), rec(2015, "RUS", "KOR", 20.0, "44")]
    baskets = {"gas": ["2711"], "wood": ["44"], "fuels": ["2711", "27"]}
    t = composition(make_flows(rows), "RUS", "KOR", level="basket", baskets=baskets).to_frame()
    t = t.set_index("code")
    # heading 2711 cannot be told apart inside chapter 27: unknown, not 0
    assert np.isnan(t.loc["gas", "value"]) and "not available" in t.loc["gas", "description"]
    assert t.loc["wood", "value"] == 20.0
    # chapter 27 still counts; the finer code is said to be left out
    assert t.loc["fuels", "value"] == 80.0 and "partial" in t.loc["fuels", "description"]


def test_mirror_gap_by_hand(make_flows):
    rows = [
        rec(2015, "RUS", "KOR", 100.0, "27", reported_by="exporter", flow="X"),
        rec(2015, "RUS", "KOR", 107.0, "27", reported_by="importer", flow="M"),
        rec(2015, "KOR", "RUS", 10.0, "27", reported_by="exporter", flow="X"),
        rec(2015, "KOR", "RUS", 8.0, "27", reported_by="importer", flow="M"),
    ]
    r = mirror_gaps(make_flows(rows), "RUS", "KOR")
    assert r.gap(2015, "RUS→KOR", "27") == 7.0
    t = r.to_frame().set_index("direction")
    assert t.loc["RUS→KOR", "gap_pct"] == pytest.approx(0.07)
    assert t.loc["RUS→KOR", "assessment"] == "within the usual CIF/FOB margin"
    assert t.loc["KOR→RUS", "gap_pct"] == pytest.approx(-0.2)
    assert "CIF" in str(r)
