"""Fixtures for opportunity tests: canonical flow rows built from short tuples."""

from __future__ import annotations

import ibis
import pandas as pd
import pytest

from bilat.schema import FLOWS_SCHEMA


def canonical(rows: list[dict]) -> pd.DataFrame:
    """A canonical flows frame: defaults for every column a row does not give."""
    defaults = {
        "year": 2019,
        "period": "A",
        "hs_revision": "HS92",
        "quantity": None,
        "quantity_unit": None,
        "flow": "X",
        "reported_by": "reconciled",
        "non_country": False,
        "source": "baci",
        "release": "r1",
    }
    frame = pd.DataFrame([{**defaults, **r} for r in rows]).reindex(columns=FLOWS_SCHEMA.names)
    frame["year"] = frame.year.astype("int16")
    frame["value_usd"] = frame.value_usd.astype(float)
    frame["quantity"] = frame.quantity.astype(float)
    frame["non_country"] = frame.exporter.eq("WLD") | frame.importer.eq("WLD")
    return frame


def flow(exporter: str, importer: str, product: str, value: float, **kw: object) -> dict:
    """One row: exporter → importer, product (HS code or TOTAL), value in USD."""
    return {
        "exporter": exporter,
        "importer": importer,
        "product": product,
        "value_usd": value,
        **kw,
    }


@pytest.fixture
def make_flows():
    """Builder of an ibis memtable of canonical flows from ``flow(...)`` rows."""
    return lambda rows: ibis.memtable(canonical(rows))
