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
from bilat.schema import AGTPA_COVARIATES, AGTPA_PANEL_SCHEMA, FLOWS_SCHEMA, MANUFACTURING
from bilat.sources import _csv_stream as cs
from bilat.sources.base import Reader
from bilat.sources.geodist import read_dta

HEADER = ("exporter", "importer", "pair_id", "year", "trade")
REQUIRED = ("exporter", "importer", "year", "trade")
RELEASE = "2016"
MILLION = 1e6


class AgtpaReader(Reader):
    """The Advanced Guide panel (trade in USD millions) → the ``flows`` table."""

    format: ClassVar[str] = "agtpa"
    table: ClassVar[str] = "flows"
    header = HEADER
    source, dataset, release = "agtpa", "applications", RELEASE
    #: the panel holds intranational flows (exporter = importer) on purpose: GE needs them
    domestic_flows: ClassVar[bool] = True

    def batches(self, path: Path) -> Iterator[pa.RecordBatch]:
        """Validated flows in FLOWS_SCHEMA (trade × 1e6 to USD), streamed."""
        path = Path(path)
        for batch, year, (exporter, exporter_ok), (importer, importer_ok) in _checked(path):
            n = batch.num_rows

            yield pa.RecordBatch.from_arrays(
                [
                    year,
                    cs.constant("A", n),
                    exporter,
                    importer,
                    cs.constant(MANUFACTURING, n),
                    cs.constant(None, n),
                    pc.multiply(batch.column("trade"), MILLION),
                    pa.nulls(n, pa.float64()),
                    cs.constant(None, n),
                    cs.constant("X", n),
                    cs.constant("reconciled", n),
                    pc.invert(pc.and_(exporter_ok, importer_ok)),
                    cs.constant("agtpa", n),
                    cs.constant(RELEASE, n),
                ],
                schema=FLOWS_SCHEMA,
            )


class AgtpaPanelReader(Reader):
    """The Advanced Guide panel with its covariates → the ``agtpa_panel`` table (trade in USD
    millions, as the book's estimations use it): the book's replications read it from the
    store (``bilat.scenarios.book``)."""

    format: ClassVar[str] = "agtpa-panel"
    table: ClassVar[str] = "agtpa_panel"
    header = HEADER
    source, dataset, release = "agtpa", "applications", RELEASE

    def options(self) -> str:
        """The same file also fills ``flows`` (``AgtpaReader``): a distinct identity, so that
        adding it for the panel is not taken for the flows already added."""
        return "table=agtpa_panel"

    def batches(self, path: Path) -> Iterator[pa.RecordBatch]:
        """The panel in AGTPA_PANEL_SCHEMA, streamed; the checks of :func:`read_panel`."""
        path = Path(path)
        # the codes are checked (known countries), and kept as the book writes them
        for batch, year, _, _ in _checked(path, ("pair_id", *AGTPA_COVARIATES)):
            n = batch.num_rows
            names = batch.schema.names
            pair = batch.column("pair_id") if "pair_id" in names else pa.nulls(n, pa.float64())
            columns = {
                "exporter": batch.column("exporter"),
                "importer": batch.column("importer"),
                "pair_id": pc.cast(pair, pa.int64()),
                "year": year,
                "trade": batch.column("trade"),
                **{
                    c: batch.column(c) if c in names else pa.nulls(n, pa.float64())
                    for c in AGTPA_COVARIATES
                },
                "source": cs.constant("agtpa", n),
                "release": cs.constant(RELEASE, n),
            }
            yield pa.RecordBatch.from_arrays(
                [columns[f.name] for f in AGTPA_PANEL_SCHEMA], schema=AGTPA_PANEL_SCHEMA
            )


def _checked(
    path: Path, extra: tuple[str, ...] = ()
) -> Iterator[
    tuple[pa.RecordBatch, pa.Array, tuple[pa.Array, pa.Array], tuple[pa.Array, pa.Array]]
]:
    """``(batch, years, (exporters, is country), (importers, is country))``, every row checked:
    trade present and not negative, whole years, known country codes. ``extra``: numeric
    columns read too, where the file has them."""
    layout = _layout(path)
    types = {
        "exporter": pa.string(),
        "importer": pa.string(),
        "year": pa.float64(),
        "trade": pa.float64(),
        **{c: pa.float64() for c in extra if c in layout.columns},
    }
    codes = cs.CountryCodes(path)
    for start, batch in cs.iter_batches(path, layout, types, **cs.TABULAR):
        locate = layout.locator(start)
        cs.require_values(path, batch, "trade", locate, non_negative=True)
        year = cs.year_column(path, batch, "year", locate)
        exporters = codes.normalise(batch, "exporter", locate, upper=True)
        importers = codes.normalise(batch, "importer", locate, upper=True)
        yield batch, year, exporters, importers


def panel_frame(table: pa.Table) -> pd.DataFrame:
    """The ``agtpa_panel`` store table as :func:`read_panel` returns the file: the file's
    columns (covariates the file lacked left out), ``year`` and ``pair_id`` int64."""
    frame = table.drop_columns(["source", "release"]).to_pandas()
    empty = [c for c in AGTPA_COVARIATES if frame[c].isna().all()]
    frame = frame.drop(columns=empty)
    frame["year"] = frame["year"].astype("int64")
    for column in ("exporter", "importer"):
        frame[column] = frame[column].astype("string")
    if frame["pair_id"].notna().all():
        frame["pair_id"] = frame["pair_id"].astype("int64")
    else:
        frame = frame.drop(columns=["pair_id"])
    return frame


def _layout(path: Path) -> cs.Layout:
    layout = cs.sniff_layout(path, delimiters=",")
    cs.check_columns(path, layout.columns, REQUIRED)
    return layout


def read_panel(path: str | Path) -> pd.DataFrame:
    """The whole panel with its covariates; ``year`` int, ``trade`` still in USD millions."""
    path = Path(path)
    layout = _layout(path)
    types = {
        c: pa.string() if c in ("exporter", "importer") else pa.float64() for c in layout.columns
    }
    batches = [batch for _, batch in cs.iter_batches(path, layout, types, **cs.TABULAR)]
    table = pa.Table.from_batches(batches)
    return _tidy_panel(path, table.to_pandas())


def read_dta_panel(path: str | Path) -> pd.DataFrame:
    """One of the book's Stata files (``Chapter1Application1.dta`` …) with lower-case column names.

    The book's files spell covariates in capitals (``DIST``, ``CNTG``, ``RTA``); they are
    lower-cased so that the same code runs on the CSV panel and on the ``.dta`` files.
    """
    path = Path(path)
    frame = read_dta(path)
    frame.columns = [c.lower() for c in frame.columns]
    cs.check_columns(path, list(frame.columns), REQUIRED, line=None)
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
