"""On the whole bundle, totals never come from the Advanced Guide's manufacturing-only panel."""

from __future__ import annotations

import gzip

import pytest

from bilat.ledger.flows import bilateral_flows
from bilat.ledger.ranks import partner_rank

pytestmark = pytest.mark.bundle


def _penppml(bundle, exp: str, imp: str, year: int) -> float:
    with gzip.open(bundle / "flows/penppml/trade.csv.gz", "rt") as fh:
        for line in fh:
            e, i, t, v = line.split(",")[:4]
            if (e, i, t) == (exp, imp, str(year)):
                return float(v)
    raise AssertionError("row not in the raw file")


def test_totals_for_a_pair_in_both_panels_come_from_penppml(bundle, bundle_store):
    # KOR and USA are in the Advanced Guide panel (manufacturing, every year 1986–2006) too
    res = bilateral_flows(bundle_store, "KOR", "USA", years=[2000, 2004])
    assert res.provenance.source == "penppml"
    got = res.to_frame().set_index("year").exports
    assert got[2000] == pytest.approx(_penppml(bundle, "KOR", "USA", 2000))
    assert got[2004] == pytest.approx(_penppml(bundle, "KOR", "USA", 2004))


def test_rank_over_a_span_uses_a_source_that_has_the_pair(bundle_store):
    # RUS is not in the Advanced Guide panel; the rank must still be found for every year
    res = partner_rank(bundle_store, "KOR", "RUS", years=list(range(1996, 2017)))
    frame = res.to_frame()
    assert res.provenance.source == "penppml"
    assert frame.year.tolist() == [1996, 2000, 2004, 2008, 2012, 2016]
    # from the raw file with pandas: CHN, USA, JPN, VNM, HKG, SGP, TWN, DEU, AUS, then RUS
    assert int(frame.set_index("year").loc[2016, "rank"]) == 10
