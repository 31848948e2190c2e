"""USD sums are the same whatever order the engine adds the rows in (issue 17, the profile JSON
test of tests/api/test_one_json_shape.py that failed now and then in the clean-clone CI).

The cause: DuckDB adds a large table's row groups on several threads and combines their float
partial sums in the order the threads finish, so the world's imports behind the trade
intensity came out 13,920,448,325,156.203 or …207 from run to run, and the API's profile
(computed on a worker thread) differed from the CLI's in the last digits. The ledger now sums
USD as exact decimals (``ledger._data.usd_sum``).
"""

from __future__ import annotations

import gzip
import math

import ibis
import pandas as pd
import pytest

from bilat.ledger._data import usd_sum
from bilat.ledger.indices import trade_intensity

# Floats whose sum depends on the order they are added in: 1e16 + 1 rounds to 1e16.
ORDER_MATTERS = [1e16, 1.0, -1e16, 1.0]


@pytest.mark.parametrize("values", [ORDER_MATTERS, ORDER_MATTERS[::-1]])
def test_usd_sum_is_exact_in_any_order(values):
    con = ibis.duckdb.connect()
    t = ibis.memtable(pd.DataFrame({"value_usd": values}))
    # the rows in this order, one thread: a float sum gives 1.0 one way and 0.0 the other
    assert con.execute(t.value_usd.sum()) in (0.0, 1.0)
    assert con.execute(t.aggregate(s=usd_sum(t.value_usd))).s.iloc[0] == 2.0
    # NULL, not 0, when no row counts (a direction nobody reported)
    none = t.aggregate(s=usd_sum(t.value_usd, where=t.value_usd > 1e17))
    assert pd.isna(con.execute(none).s.iloc[0])


@pytest.mark.bundle
def test_world_imports_of_the_intensity_are_the_exact_sum(bundle_store, bundle):
    """M_W of the 2016 trade intensity is every penppml flow of 2016 between two countries,
    summed exactly (math.fsum of the source file's column), the same on every fresh session."""
    with gzip.open(bundle / "flows" / "penppml" / "trade.csv.gz", "rt") as f:
        raw = pd.read_csv(f, usecols=["exp", "imp", "time", "export"])
    rows = raw[(raw.time == 2016) & (raw.exp != raw.imp)]
    exact = math.fsum(rows.export)
    from bilat.store import Store

    seen = {
        float(trade_intensity(Store(bundle_store.root).session, "RUS", "KOR", 2016).table.m_w[0])
        for _ in range(8)
    }
    assert seen == {exact}
