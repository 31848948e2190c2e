"""Read the Advanced Guide's application data (until bilat.sources.agtpa lands, plain pandas)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bilat.errors import DataFormatError
from bilat.settings import bundle_path

AGTPA_COLUMNS = (
    "exporter",
    "importer",
    "pair_id",
    "year",
    "trade",
    "dist",
    "cntg",
    "lang",
    "clny",
    "rta",
)


def read_agtpa(path: str | Path | None = None) -> pd.DataFrame:
    """The book's 69-country panel (1986–2006, USD millions, with intranational flows)."""
    try:  # the sources layer's reader, when present
        from bilat.sources import agtpa  # type: ignore[attr-defined]

        return agtpa.read_panel(path) if path else agtpa.read_panel()
    except (ImportError, AttributeError, TypeError):
        pass
    p = (
        Path(path)
        if path
        else bundle_path() / "gravity" / "advanced_guide" / "agtpa_applications.csv.gz"
    )
    frame = pd.read_csv(p)
    missing = [c for c in AGTPA_COLUMNS if c not in frame.columns]
    if missing:
        raise DataFormatError(p, f"missing columns {missing}", fix="use agtpa_applications.csv.gz")
    frame["year"] = frame["year"].astype(int)
    frame["pair_id"] = frame["pair_id"].astype(int)
    return frame
