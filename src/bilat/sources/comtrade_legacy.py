"""UN Comtrade bulk CSV in the legacy comtrade.un.org layout (``Trade Value (US$)`` ...).

Normalisation choices, each a documented decision:

- ``Trade Flow`` Import/Export/Re-Export/Re-Import -> flow M/X/RX/RM. For X and RX the reporter
  is the exporter (``reported_by="exporter"``); for M and RM the reporter is the importer.
- ``Classification`` H0..H6 -> HS92..HS22; ``HS`` (as reported) -> no revision. SITC (S1..S4)
  and BEC files are rejected: the flows table holds HS products only.
- ``Period`` 2015 -> ``A``; 201503 -> ``M03`` (monthly bulk files).
- Values are US dollars as published (not thousands).
- ``quantity`` is ``Qty`` in ``Qty Unit`` (as the API's abbreviation, e.g. ``kg``); when ``Qty`` is
  empty and ``Netweight (kg)`` is given, the net weight is used with unit ``kg``.
- Partner ``WLD`` (World) and Comtrade's special areas are kept with ``non_country=True``; blank
  ISO codes fall back to the numeric code (see ``bilat.sources._comtrade``).
- Release: the legacy files carry none, so every file is release ``legacy``. Dataset: ``hs27``
  from a name like ``comtrade_hs27_2015.csv.gz`` (any suffix, so ``comtrade_hs44_44`` is still
  ``hs44``), else ``bulk-<classification>`` such as ``bulk-h4``; the years come from the data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

import pyarrow as pa
import pyarrow.compute as pc

from bilat.errors import DataFormatError
from bilat.sources import _comtrade as ct
from bilat.sources import _csv_stream as cs
from bilat.sources import _lines
from bilat.sources.base import FileInfo, Reader

VALUE = "Trade Value (US$)"
NETWEIGHT = "Netweight (kg)"
#: The columns bilat reads, with the types PyArrow parses them as.
COLUMNS: dict[str, pa.DataType] = {
    "Classification": pa.string(),
    "Year": pa.int32(),
    "Period": pa.string(),
    "Trade Flow": pa.string(),
    "Reporter Code": pa.int32(),
    "Reporter ISO": pa.string(),
    "Partner Code": pa.int32(),
    "Partner ISO": pa.string(),
    "Commodity Code": pa.string(),
    "Qty Unit Code": pa.int32(),
    "Qty Unit": pa.string(),
    "Qty": pa.float64(),
    NETWEIGHT: pa.float64(),
    VALUE: pa.float64(),
}
REQUIRED = [c for c in COLUMNS if c not in ("Qty Unit Code", "Qty Unit", "Qty", NETWEIGHT)]
#: Columns whose presence identifies the layout when sniffing.
_SIGNATURE = frozenset({"Classification", "Trade Flow", "Reporter ISO", "Partner ISO", VALUE})

FLOW_CODES = {"import": "M", "export": "X", "re-export": "RX", "re-import": "RM"}
_NAME = re.compile(r"comtrade_(hs\d+)", re.IGNORECASE)


class ComtradeLegacyReader(Reader):
    """Reads legacy Comtrade bulk CSV (plain, .gz or .zip; UTF-8 with or without a BOM)."""

    format: ClassVar[str] = "comtrade-legacy"
    table: ClassVar[str] = "flows"
    signature = _SIGNATURE
    domestic_flows: ClassVar[bool] = ct.DOMESTIC_FLOWS

    def info(self, path: Path) -> FileInfo:
        """Source ``comtrade``, dataset ``hs27`` (name) or ``bulk-h4``, release ``legacy``."""
        path = Path(path)
        match = _NAME.search(path.name)
        if match:
            dataset = match.group(1).lower()
        else:
            layout = _layout(path)
            first = next(cs.iter_batches(path, layout, {"Classification": pa.string()}))[1]
            dataset = f"bulk-{(first.column(0)[0].as_py() or 'unknown').lower()}"
        return FileInfo(self.table, "comtrade", dataset, "legacy", self.format)

    def batches(self, path: Path) -> Iterator[pa.RecordBatch]:
        """Validated flows in the canonical schema, streamed batch by batch."""
        path = Path(path)
        layout = _layout(path)
        for start, batch in cs.iter_batches(path, layout, COLUMNS):
            if batch.num_rows:
                # line of the first row, for the store's messages (exact unless a quoted
                # field above holds a line break)
                yield _lines.tag(_normalise(path, layout, start, batch), start + 2)


def _layout(path: Path) -> cs.Layout:
    layout = cs.sniff_layout(path)
    cs.check_columns(path, layout.columns, REQUIRED, fix=ct.PUBLISHER_HEADER)
    return layout


def _normalise(path: Path, layout: cs.Layout, start: int, batch: pa.RecordBatch) -> pa.RecordBatch:
    def locate(i: int) -> int | None:
        return cs.line_of_row(path, layout, start + i)

    col = batch.column
    cs.check_numbers(path, layout, batch, start, VALUE, required=True)
    for name in ("Qty", NETWEIGHT):
        if name in batch.schema.names:
            cs.check_numbers(path, layout, batch, start, name, required=False)

    year, period = _periods(path, col("Year"), col("Period"), locate)
    flow = ct.map_codes(
        pc.utf8_lower(pc.utf8_trim_whitespace(pc.fill_null(col("Trade Flow"), ""))),
        FLOW_CODES,
        path=path,
        column="Trade Flow",
        locate=locate,
        problem=lambda v: (
            f"unknown trade flow {v!r}",
            "Expected Import, Export, Re-Export or Re-Import",
        ),
    )
    quantities = _quantities(batch)
    fields = ct.LEGACY_FIELDS
    return ct.comtrade_flows(col, fields, flow, year, period, quantities, "legacy", path, locate)


def _period_label(text: str) -> str | None:
    """``A`` for ``2015``, ``M03`` for ``201503``; None if neither."""
    text = text.strip()
    if len(text) == 4 and text.isdigit():
        return "A"
    if len(text) == 6 and text.isdigit() and 1 <= int(text[4:]) <= 12:
        return "M" + text[4:]
    return None


def _periods(
    path: Path, year: pa.Array, period: pa.Array, locate: Callable[[int], int | None]
) -> tuple[pa.Array, pa.Array]:
    """``(year, period)``: 2015 -> (2015, "A"); 201503 -> (2015, "M03"); else an error."""
    label = ct.by_distinct(period, _period_label, pa.string())
    period_year = ct.by_distinct(
        period, lambda t: int(t.strip()[:4]) if t.strip()[:4].isdigit() else None, pa.int32()
    )
    ok = pc.and_(pc.is_valid(label), pc.equal(period_year, year))
    bad = pc.index(pc.fill_null(ok, False), False).as_py()
    if bad >= 0:
        raise DataFormatError(
            path,
            f"bad period {period[bad].as_py()!r} for year {year[bad].as_py()}",
            line=locate(bad),
            column="Period",
            fix="Expected YYYY (annual) or YYYYMM (monthly) in the row's year",
        )
    return year, label


def _quantities(batch: pa.RecordBatch) -> tuple[pa.Array, pa.Array]:
    """Qty in its unit, else net weight in kg, else nothing."""
    n = batch.num_rows
    names = batch.schema.names
    null_f = pa.nulls(n, pa.float64())
    null_s = pa.nulls(n, pa.string())
    qty = batch.column("Qty") if "Qty" in names else null_f
    weight = batch.column(NETWEIGHT) if NETWEIGHT in names else null_f
    if "Qty Unit Code" in names:
        unit_codes = pc.fill_null(batch.column("Qty Unit Code"), 1)
        enc = pc.dictionary_encode(unit_codes)
        units = [ct.QTY_UNITS.get(code) for code in enc.dictionary.to_pylist()]
        unit = pc.take(pa.array(units, pa.string()), enc.indices)
    elif "Qty Unit" in names:
        # code 1 "No Quantity" means the reporter gave none
        raw = batch.column("Qty Unit")
        unit = pc.if_else(pc.equal(pc.utf8_lower(raw), "no quantity"), null_s, raw)
    else:
        unit = null_s
    has_qty = pc.and_(pc.is_valid(qty), pc.is_valid(unit))
    has_weight = pc.is_valid(weight)
    quantity = pc.if_else(has_qty, qty, pc.if_else(has_weight, weight, null_f))
    quantity_unit = pc.if_else(has_qty, unit, pc.if_else(has_weight, "kg", null_s))
    return quantity, quantity_unit
