"""Flows, growth, ranks and targets on small hand-made tables, checked by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from bilat.errors import InputError, NoDataError, UnknownCodeError
from bilat.ledger.economies import Economy, resolve
from bilat.ledger.flows import bilateral_flows
from bilat.ledger.growth import cagr, describe_multiple, growth, growth_between
from bilat.ledger.ranks import partner_rank, top_partners
from bilat.ledger.targets import track


def rec(year, x, m, v, **kw):
    return {"year": year, "exporter": x, "importer": m, "value_usd": v, **kw}


def test_reconciled_flows_turnover_and_balance(make_flows):
    t = make_flows(
        [rec(2016, "RUS", "KOR", 10.0), rec(2016, "KOR", "RUS", 4.0), rec(2016, "RUS", "CHN", 99.0)]
    )
    r = bilateral_flows(t, "RUS", "KOR")
    assert r.value(2016, "exports") == 10.0
    assert r.value(2016, "imports") == 4.0
    assert r.value(2016, "turnover") == 14.0
    assert r.value(2016, "balance") == 6.0
    assert r.basis == "reconciled"
    assert "RUS" in repr(r) and "<table>" in r._repr_html_()
    assert list(r.to_frame().columns[:2]) == ["year", "period"]


def test_reporter_data_own_report_with_mirror_beside_it(make_flows):
    t = make_flows(
        [
            rec(2015, "RUS", "KOR", 100.0, reported_by="exporter", flow="X"),  # RUS says
            rec(2015, "RUS", "KOR", 108.0, reported_by="importer", flow="M"),  # KOR says
            rec(2015, "KOR", "RUS", 20.0, reported_by="exporter", flow="X"),  # KOR says
            rec(2015, "KOR", "RUS", 21.0, reported_by="importer", flow="M"),  # RUS says
            rec(2015, "RUS", "KOR", 7.0, reported_by="exporter", flow="RX"),  # re-export: ignored
        ]
    )
    r = bilateral_flows(t, "RUS", "KOR")
    row = r.to_frame().iloc[0]
    # the default: each flow as its importer declared it (KOR's 108, RUS's 21), the
    # exporters' declarations beside them
    assert (row.exports, row.imports) == (108.0, 21.0)
    assert (row.exports_as_exported, row.imports_as_exported) == (100.0, 20.0)
    assert (row.exports_reported_by, row.imports_reported_by) == ("importer (B)", "importer (A)")
    assert bilateral_flows(t, "RUS", "KOR", basis="exporter").value(2015, "exports") == 100.0
    assert bilateral_flows(t, "KOR", "RUS").value(2015, "exports") == 21.0
    # one rule for both directions: the same turnover whichever side is named first
    assert bilateral_flows(t, "KOR", "RUS").value(2015, "turnover") == 129.0
    assert r.value(2015, "turnover") == 129.0


def test_auto_falls_back_to_mirror_where_a_did_not_report(make_flows):
    t = make_flows(
        [
            rec(2016, "RUS", "KOR", 10.0, reported_by="exporter"),
            rec(2016, "KOR", "RUS", 4.0, reported_by="exporter"),
        ]
    )
    r = bilateral_flows(t, "RUS", "KOR")
    assert r.value(2016, "turnover") == 14.0
    assert r.to_frame().imports_reported_by.iloc[0] == "exporter (B)"


def test_group_sums_members_and_excludes_intra_group_trade(make_flows):
    eaeu = Economy.group("EAEU", {2014: {"RUS", "KAZ", "BLR"}, 2015: {"RUS", "KAZ", "BLR", "ARM"}})
    t = make_flows(
        [
            rec(2014, "RUS", "KOR", 10.0),
            rec(2014, "ARM", "KOR", 1.0),
            rec(2014, "KAZ", "RUS", 50.0),
            rec(2015, "RUS", "KOR", 10.0),
            rec(2015, "ARM", "KOR", 1.0),
            rec(2015, "KOR", "KAZ", 3.0),
        ]
    )
    r = bilateral_flows(t, eaeu, "KOR")
    assert r.value(2014, "exports") == 10.0  # ARM joined in 2015
    assert r.value(2015, "exports") == 11.0
    assert r.value(2015, "imports") == 3.0
    # RUS with EAEU: trade with the other members only
    r2 = bilateral_flows(t, "RUS", eaeu, years=[2014])
    assert r2.value(2014, "imports") == 50.0


def test_half_year_from_months_and_period_on_period_growth(make_flows):
    rows = [
        rec(y, "RUS", "KOR", float(m + (y - 2015) * 10), period=f"M{m:02d}")
        for y in (2015, 2016)
        for m in range(1, 13)
    ]
    t = make_flows(rows)
    r = bilateral_flows(t, "RUS", "KOR", frequency="half")
    h1_2015 = sum(range(1, 7))  # 21
    h1_2016 = sum(m + 10 for m in range(1, 7))  # 81
    assert r.value(2015, "exports", "H1") == h1_2015
    assert r.value(2016, "exports", "H1") == h1_2016
    g = growth(t, "RUS", "KOR", measure="exports", frequency="half").to_frame()
    row = g[(g.year == 2016) & (g.period == "H1")].iloc[0]
    assert row["pct_change"] == pytest.approx(81 / 21 - 1)
    annual = bilateral_flows(t, "RUS", "KOR")
    assert annual.value(2015, "exports") == sum(range(1, 13))
    # every month is there, but no flow KOR→RUS is in the data at all: incomplete, and said
    assert (annual.to_frame().missing == "KOR→RUS").all()
    assert not annual.to_frame().complete.any()


def test_partial_year_is_flagged_incomplete(make_flows):
    t = make_flows(
        [rec(2017, "RUS", "KOR", 5.0, period="M01"), rec(2017, "RUS", "KOR", 6.0, period="M02")]
    )
    r = bilateral_flows(t, "RUS", "KOR")
    assert r.value(2017, "exports") == 11.0
    assert not r.to_frame().complete.iloc[0]


def test_cagr_multiple_and_growth_between(make_flows):
    assert cagr(100, 200, 4) == pytest.approx(2**0.25 - 1)
    assert describe_multiple(2.01).startswith("doubled")
    t = make_flows([rec(2012, "RUS", "KOR", 100.0), rec(2016, "RUS", "KOR", 150.0)])
    g = growth_between(t, "RUS", "KOR", 2012, 2016, measure="exports").to_frame().iloc[0]
    assert g.cagr == pytest.approx(1.5**0.25 - 1)
    with pytest.raises(InputError):
        cagr(0, 1, 2)


def test_ranks_exclude_non_country_partners_and_share(make_flows):
    t = make_flows(
        [
            rec(2016, "RUS", "CHN", 50.0),
            rec(2016, "RUS", "KOR", 20.0),
            rec(2016, "JPN", "RUS", 30.0),
            rec(2016, "RUS", "UNS", 1000.0, non_country=True),
        ]
    )
    r = partner_rank(t, "RUS", "KOR", years=2016)
    row = r.to_frame().iloc[0]
    assert (row["rank"], row.partners) == (3, 3)
    assert row.share == pytest.approx(20 / 100)
    top = top_partners(t, "RUS", 2016, n=2).to_frame()
    assert list(top.partner) == ["CHN", "JPN"]
    assert partner_rank(t, "RUS", "KOR", years=2016, by="exports").rank(2016) == 2


def test_rank_of_a_group_as_a_bloc(make_flows):
    bloc = Economy.group("XX", {2016: {"CHN", "JPN"}})
    t = make_flows(
        [
            rec(2016, "RUS", "CHN", 50.0),
            rec(2016, "RUS", "KOR", 60.0),
            rec(2016, "JPN", "RUS", 30.0),
        ]
    )
    row = partner_rank(t, "RUS", bloc, years=2016).to_frame().iloc[0]
    assert (row["rank"], row.value) == (1, 80.0)


def test_target_tracker_by_hand():
    s = pd.Series({2016: 15.33e9, 2017: 18e9, 2018: 21e9})
    r = track(s, 30e9, 2020, 2016)
    assert r.required_cagr == pytest.approx((30 / 15.33) ** 0.25 - 1)
    assert r.actual_cagr == pytest.approx((21 / 15.33) ** 0.5 - 1)
    # Hand OLS of ln(v) on (year - 2016)
    import numpy as np

    x, y = np.array([0.0, 1, 2]), np.log([15.33e9, 18e9, 21e9])
    beta = ((x - x.mean()) * (y - y.mean())).sum() / ((x - x.mean()) ** 2).sum()
    alpha = y.mean() - beta * x.mean()
    assert r.projection == pytest.approx(math.exp(alpha + 4 * beta))
    assert r.projection_low < r.projection < r.projection_high
    assert r.verdict == ("on track" if r.projection >= 30e9 else "off track")
    assert r.reach_year == 2016 + math.ceil((math.log(30e9) - alpha) / beta)
    assert r.progress == pytest.approx((21 - 15.33) / (30 - 15.33))


def test_target_met_and_not_enough_data():
    assert track(pd.Series({2016: 10.0, 2018: 21.0}), 20.0, 2020, 2016).verdict == "met"
    r = track(pd.Series({2012: 5.0, 2016: 10.0}), 20.0, 2020, 2016)
    assert r.verdict == "not enough data" and math.isnan(r.projection)
    assert track(pd.Series({2016: 10.0, 2021: 15.0}), 20.0, 2020, 2016).verdict == "off track"


def test_inputs_are_checked(make_flows):
    t = make_flows([rec(2016, "RUS", "KOR", 1.0)])
    with pytest.raises(InputError):
        bilateral_flows(t, "RUS", "RUS")
    with pytest.raises(InputError):
        bilateral_flows(t, "RUS", "KOR", basis="both")
    with pytest.raises(NoDataError):
        bilateral_flows(t, "RUS", "KOR", source="nope")
    with pytest.raises(UnknownCodeError) as err:
        resolve("Narnia")
    assert "Narnia" in str(err.value)


def test_names_and_aliases_resolve():
    assert resolve("South Korea").code == "KOR"
    assert resolve("Korea, Rep.").code == "KOR"
    assert resolve("Russian Federation").code == "RUS"
    assert resolve("RUS.05000").kind == "region"
