"""The acceptance facts on the real bundle, each checked against the raw files read with pandas."""

from __future__ import annotations

import pandas as pd
import pytest

from bilat.ledger.flows import bilateral_flows
from bilat.ledger.indices import complementarity, grubel_lloyd, hhi, rca, trade_intensity
from bilat.ledger.mirror import mirror_gaps
from bilat.ledger.ranks import partner_rank, top_partners
from bilat.ledger.targets import target_tracker

pytestmark = pytest.mark.bundle


def test_2016_rus_kor_turnover(bundle_flows):
    r = bilateral_flows(bundle_flows, "RUS", "Korea, Rep.", years=[2016])
    assert r.value(2016, "exports") / 1e9 == pytest.approx(10.558, abs=5e-4)
    assert r.value(2016, "imports") / 1e9 == pytest.approx(4.768, abs=5e-4)
    assert r.value(2016, "turnover") / 1e9 == pytest.approx(15.33, abs=5e-3)
    assert r.provenance.source == "penppml"


def test_korea_sixth_among_russias_partners_2016(bundle_flows, penppml_frame):
    top = top_partners(bundle_flows, "RUS", 2016, n=6).to_frame()
    assert list(top.partner) == ["CHN", "DEU", "NLD", "BLR", "ITA", "KOR"]
    assert partner_rank(bundle_flows, "RUS", "KOR", years=2016).rank(2016) == 6
    # UNS is a partner in the raw data and is not counted
    raw = penppml_frame[(penppml_frame.year == 2016) & (penppml_frame.exporter == "RUS")]
    assert "UNS" in set(raw.importer)
    assert "UNS" not in set(top_partners(bundle_flows, "RUS", 2016, n=300).to_frame().partner)


def test_target_30bn_by_2020(bundle_flows):
    r = target_tracker(bundle_flows, "RUS", "KOR", 30e9, 2020, 2016)
    assert r.required_cagr == pytest.approx(0.183, abs=5e-4)
    assert r.doubling_cagr == pytest.approx(0.189, abs=5e-4)
    assert r.verdict == "not enough data"
    assert r.reach_year is None and "no data after 2016" in str(r).lower()


def _raw_comtrade_2015_hs27(root):
    raw = pd.read_csv(
        root / "flows/comtrade_legacy/hs27/comtrade_hs27_2015.csv.gz", encoding="utf-8-sig"
    )

    def pick(rep, par, flow):
        hit = raw[
            (raw["Reporter ISO"] == rep) & (raw["Partner ISO"] == par) & (raw["Trade Flow"] == flow)
        ]
        return float(hit["Trade Value (US$)"].sum())

    return pick


def test_2015_hs27_mirror_gap_matches_raw_comtrade(bundle_flows, bundle_root):
    pick = _raw_comtrade_2015_hs27(bundle_root)
    kor_imports, rus_exports = pick("KOR", "RUS", "Import"), pick("RUS", "KOR", "Export")
    r = mirror_gaps(bundle_flows, "RUS", "KOR", years=2015)
    t = r.to_frame().set_index(["direction", "product"])
    row = t.loc[("RUS→KOR", "27")]
    assert row.importer_reported == kor_imports
    assert row.exporter_reported == rus_exports
    assert r.gap(2015, "RUS→KOR", "27") == kor_imports - rus_exports


def test_rca_on_bundle(bundle_flows, baci_world_frame):
    r = rca(bundle_flows, "RUS", 2016)
    assert r.provenance.source == "baci-world"
    w = baci_world_frame[baci_world_frame.year == 2016]
    w = w[w.exporter.str.len() == 3]
    rus = w[w.exporter == "RUS"].groupby("product").value_usd.sum()
    world = w.groupby("product").value_usd.sum()
    expected = (rus["27"] / rus.sum()) / (world["27"] / world.sum())
    got = r.to_frame().set_index("code").rca["27"]
    assert got == pytest.approx(expected, rel=2e-3)  # world may drop a few non-country exporters
    assert got > 5  # Russia's fuel specialisation


def test_complementarity_on_bundle(bundle_flows, comtrade_frame):
    r = complementarity(bundle_flows, "RUS", "KOR", 2016)
    c = comtrade_frame[(comtrade_frame.year == 2016)]
    x = (
        c[(c.exporter == "RUS") & (c.importer == "WLD") & (c.flow == "X")]
        .groupby("product")
        .value_usd.sum()
    )
    m = (
        c[(c.importer == "KOR") & (c.exporter == "WLD") & (c.flow == "M")]
        .groupby("product")
        .value_usd.sum()
    )
    expected = 100 * (1 - (m / m.sum() - x / x.sum()).abs().sum() / 2)
    assert r.value == pytest.approx(expected)


def test_trade_intensity_on_bundle(bundle_flows, penppml_frame):
    p = penppml_frame[(penppml_frame.year == 2016)]
    x_ab = p[(p.exporter == "RUS") & (p.importer == "KOR")].value_usd.sum()
    x_a = p[(p.exporter == "RUS") & (p.importer != "RUS")].value_usd.sum()
    m_b = p[(p.importer == "KOR") & (p.exporter != "KOR")].value_usd.sum()
    expected = (x_ab / x_a) / (m_b / p.value_usd.sum())
    assert trade_intensity(bundle_flows, "RUS", "KOR", 2016).value == pytest.approx(expected)


def test_grubel_lloyd_and_hhi_on_bundle(bundle_flows, comtrade_frame, penppml_frame):
    # the default basis: each flow as its importer reports it (KOR's imports from RUS, RUS's
    # imports from KOR), read from the raw Comtrade rows
    ci = comtrade_frame[(comtrade_frame.year == 2016) & (comtrade_frame.flow == "M")]
    x = ci[(ci.exporter == "RUS") & (ci.importer == "KOR")].groupby("product").value_usd.sum()
    m = ci[(ci.exporter == "KOR") & (ci.importer == "RUS")].groupby("product").value_usd.sum()
    gl = 1 - ((x - m).abs().sum() / (x + m).sum())
    result = grubel_lloyd(bundle_flows, "RUS", "KOR", 2016)
    assert result.value == pytest.approx(gl)
    # two chapters of 96: computed, but flagged in the headline
    assert result.groups == 2 and "PARTIAL: HS 27, 44 only" in str(result).splitlines()[0]
    s = x / x.sum()
    assert hhi(bundle_flows, "RUS", 2016, by="product", partner="KOR").value == pytest.approx(
        (s**2).sum()
    )
    p = penppml_frame[(penppml_frame.year == 2016) & (penppml_frame.exporter == "RUS")]
    p = p[~p.non_country & (p.value_usd > 0)]
    share = p.value_usd / p.value_usd.sum()
    assert hhi(bundle_flows, "RUS", 2016, by="market").value == pytest.approx(
        (share**2).sum(), rel=1e-6
    )
