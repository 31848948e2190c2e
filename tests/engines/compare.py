"""Comparing a result computed on two engines: same rows, same columns, same values."""

from __future__ import annotations

import pandas as pd

# Floats may differ in the last bits: Spark and DuckDB add a column's values in different
# orders (per partition, per thread). 1e-12 relative is far below any figure bilat prints.
RTOL = 1e-12


def _canonical_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in a fixed order (by every column that sorts), so engines' row order does not matter."""
    keys = [
        c
        for c in frame.columns
        if frame[c].map(lambda v: isinstance(v, str | int | float | bool) or v is None).all()
    ]
    out = frame.reset_index(drop=True)
    if keys and len(out) > 1:
        out = out.sort_values(keys, na_position="last", kind="stable").reset_index(drop=True)
    return out


def assert_same(left: pd.DataFrame, right: pd.DataFrame, what: str = "") -> None:
    """Two engines' frames hold the same rows (order aside), columns and values (floats to RTOL)."""
    assert list(left.columns) == list(right.columns), f"{what}: columns differ"
    assert len(left) == len(right), f"{what}: {len(left)} rows against {len(right)}"
    pd.testing.assert_frame_equal(
        _canonical_order(left),
        _canonical_order(right),
        check_exact=False,
        rtol=RTOL,
        check_dtype=False,  # int32 counts from one engine equal int64 from the other
        obj=what or "result",
    )
