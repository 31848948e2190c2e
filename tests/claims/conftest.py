"""Fixtures for claim tests: small canonical flow tables, and the bundle's penppml totals."""

from __future__ import annotations

from pathlib import Path

import ibis
import pandas as pd
import pytest

from bilat.schema import FLOWS_SCHEMA
from bilat.settings import bundle_path

CORPUS = Path(__file__).parent / "corpus"
HELDOUT = Path(__file__).parent / "heldout"

_DEFAULTS = {
    "period": "A",
    "product": "TOTAL",
    "hs_revision": None,
    "quantity": None,
    "quantity_unit": None,
    "flow": "X",
    "reported_by": "exporter",
    "non_country": False,
    "source": "test",
    "release": "r1",
}


def canonical_flows(records: list[dict]) -> ibis.Table:
    """Ibis memtable of canonical flows from short dicts (year, exporter, importer, value_usd)."""
    frame = pd.DataFrame([{**_DEFAULTS, **r} for r in records]).reindex(columns=FLOWS_SCHEMA.names)
    frame["year"] = frame.year.astype("int16")
    frame["value_usd"] = frame.value_usd.astype(float)
    frame["quantity"] = frame.quantity.astype(float)
    frame["non_country"] = frame.non_country.astype(bool)
    return ibis.memtable(frame)


@pytest.fixture(scope="session")
def penppml_flows() -> ibis.Table:
    """The bundle's penppml totals (1964-2016, every 4th year), read with pandas, as flows."""
    root = bundle_path()
    path = root / "flows/penppml/trade.csv.gz"
    if not path.exists():
        pytest.skip(f"data bundle not found at {root} (set BILAT_BUNDLE)")
    raw = pd.read_csv(path, usecols=["exp", "imp", "time", "export"])
    records = pd.DataFrame(
        {
            "year": raw.time.astype("int16"),
            "exporter": raw.exp,
            "importer": raw.imp,
            "value_usd": raw.export.astype(float),
        }
    )
    frame = records.assign(**{**_DEFAULTS, "source": "penppml", "release": "penppml-0.2.4"})
    # UNS (unspecified) is a partner code in penppml, never a country
    frame["non_country"] = frame.exporter.isin(["UNS", "WLD"]) | frame.importer.isin(["UNS", "WLD"])
    return ibis.memtable(frame.reindex(columns=FLOWS_SCHEMA.names))
