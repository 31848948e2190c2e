"""Fixtures for ledger tests: a canonical-row builder, and the bundle's flows read with pandas."""

from __future__ import annotations

import ibis
import pandas as pd
import pytest

from bilat.schema import FLOWS_SCHEMA
from tests.ledger.bundle_fixtures import (  # noqa: F401  (fixtures for this folder)
    DEFAULTS,
    baci_world_frame,
    bundle_flows,
    bundle_root,
    comtrade_frame,
    penppml_frame,
)


def canonical(records: list[dict]) -> pd.DataFrame:
    """Canonical flows frame from short dicts (year, exporter, importer, value_usd …)."""
    frame = pd.DataFrame([{**DEFAULTS, **r} for r in records])
    frame = frame.reindex(columns=FLOWS_SCHEMA.names)
    frame["year"] = frame.year.astype("int16")
    frame["value_usd"] = frame.value_usd.astype(float)
    frame["quantity"] = frame.quantity.astype(float)
    frame["non_country"] = frame.non_country.astype(bool)
    return frame


@pytest.fixture
def make_flows():
    """Builder of an ibis memtable of canonical flow rows from short dicts."""
    return lambda records: ibis.memtable(canonical(records))
