"""The panel of Yotov, Piermartini, Monteiro and Larch (2016), *An Advanced Guide to Trade Policy
Analysis: The Structural Gravity Model* (WTO/UNCTAD), as CSV and as the book's Stata files.

``agtpa_applications.csv.gz``: ``exporter,importer,pair_id,year,trade,dist,cntg,lang,clny,rta,
rta_lag3…rta_lead4``; 69 countries, 1986–2006, ``trade`` in **millions of USD**, including
intranational flows (exporter = importer: domestic sales, needed by structural gravity).

As a ``flows`` table: source ``agtpa``, dataset ``applications``, release ``2016`` (the book's
edition), product ``MANUF``, flow ``X``, ``reported_by`` ``reconciled`` (the authors' assembled
panel), value_usd = trade × 1e6. The book's trade is **manufacturing** trade (the only sector with
comparable domestic-sales data), not all goods, so its product is ``MANUF`` and never ``TOTAL``:
otherwise the ledger would take it for a country's total trade.

For the scenarios layer, :func:`read_panel` returns the whole panel with its covariates and
:func:`read_dta_panel` reads the book's ``.dta`` files with the same column conventions.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from bilat.errors import DataFormatError
from bilat.schema import FLOWS_SCHEMA, MANUFACTURING
from bilat.sources import _tabular
from bilat.sources._io import text_head
from bilat.sources.base import FileInfo
from bilat.sources.geodist import read_dta

HEADER = ("exporter", "importer", "pair_id", "year", "trade")
REQUIRED = ("exporter", "importer", "year", "trade")
RELEASE = "2016"
MILLION = 1e6


class AgtpaReader:
    """The Advanced Guide panel (trade in USD millions) → the ``flows`` table."""

    format: ClassVar[str] = "agtpa"
    table: ClassVar[str] = "flows"
    #: the panel holds intranational flows (exporter = importer) on purpose: GE needs them
    domestic_flows: ClassVar[bool] = True

    def sniff(self, path: Path, head: bytes) -> bool:
        """True for the header ``exporter,importer,pair_id,year,trade,…``."""
        first = head.decode("utf-8", "replace").lstrip("\ufeff").partition("\n")[0]
        return tuple(f.strip().strip('"') for f in first.split(","))[: len(HEADER)] == HEADER

    def info(self, path: Path) -> FileInfo:
        """Source ``agtpa``, dataset ``applications``, release ``2016``."""
        return FileInfo("flows", "agtpa", "applications", RELEASE, self.format)

    def batches(self, path: Path) -> Iterator[pa.RecordBatch]:
        """Validated flows in FLOWS_SCHEMA (trade × 1e6 to USD), streamed."""
        path = Path(path)
        found = _tabular.header_fields(path, text_head(path))
        _tabular.check_columns(path, found, REQUIRED)
        layout = _tabular.Layout(
            {
                "exporter": pa.string(),
                "importer": pa.string(),
                "year": pa.float64(),
                "trade": pa.float64(),
            }
        )
        codes = _tabular.CountryCodes(path)
        for line, batch in _tabular.batches(path, layout):
            _tabular.require_values(path, batch, line, "trade", non_negative=True)
            year = _tabular.year_column(path, batch, line, "year")
            exporter, exporter_ok = codes.normalise(batch, "exporter", line, upper=True)
            importer, importer_ok = codes.normalise(batch, "importer", line, upper=True)
            n = batch.num_rows

            yield pa.RecordBatch.from_arrays(
                [
                    year,
                    _tabular.constant("A", n),
                    exporter,
                    importer,
                    _tabular.constant(MANUFACTURING, n),
                    _tabular.constant(None, n),
                    pc.multiply(batch.column("trade"), MILLION),
                    pa.nulls(n, pa.float64()),
                    _tabular.constant(None, n),
                    _tabular.constant("X", n),
                    _tabular.constant("reconciled", n),
                    pc.invert(pc.and_(exporter_ok, importer_ok)),
                    _tabular.constant("agtpa", n),
                    _tabular.constant(RELEASE, n),
                ],
                schema=FLOWS_SCHEMA,
            )


def read_panel(path: str | Path) -> pd.DataFrame:
    """The whole panel with its covariates; ``year`` int, ``trade`` still in USD millions."""
    path = Path(path)
    found = _tabular.header_fields(path, text_head(path))
    _tabular.check_columns(path, found, REQUIRED)
    layout = _tabular.Layout(
        {c: pa.string() if c in ("exporter", "importer") else pa.float64() for c in found}
    )
    table = pa.Table.from_batches([batch for _, batch in _tabular.batches(path, layout)])
    return _tidy_panel(path, table.to_pandas())


def read_dta_panel(path: str | Path) -> pd.DataFrame:
    """One of the book's Stata files (``Chapter1Application1.dta`` …) with lower-case column names.

    The book's files spell covariates in capitals (``DIST``, ``CNTG``, ``RTA``); they are
    lower-cased so that the same code runs on the CSV panel and on the ``.dta`` files.
    """
    path = Path(path)
    frame = read_dta(path)
    frame.columns = [c.lower() for c in frame.columns]
    _tabular.check_columns(path, list(frame.columns), REQUIRED, line=None)
    return _tidy_panel(path, frame)


def _tidy_panel(path: Path, frame: pd.DataFrame) -> pd.DataFrame:
    """Years as int, codes as strings; DataFormatError on a fractional year or negative trade."""
    years = frame["year"]
    bad = years.isna() | (years != years.round())
    if bad.any():
        row = int(bad.to_numpy().argmax())
        raise DataFormatError(
            path, f"{years.iloc[row]!r} is not a year", line=row + 2, column="year"
        )
    negative = frame["trade"] < 0
    if negative.any():
        row = int(negative.to_numpy().argmax())
        raise DataFormatError(
            path, f"negative trade {frame['trade'].iloc[row]!r}", line=row + 2, column="trade"
        )
    frame = frame.copy()
    frame["year"] = years.astype("int64")
    for column in ("exporter", "importer"):
        frame[column] = frame[column].astype("string")
    if "pair_id" in frame.columns:
        frame["pair_id"] = frame["pair_id"].astype("int64")
    return frame
