"""Russia's customs statistics by region (Federal Customs Service layout): a region as one side.

Columns: ``DIRECTION`` (EXP/IMP), ``PERIOD`` (MM/YYYY), ``COUNTRY`` (partner, ISO2), ``HS``
(TN VED code, up to 10 digits), ``UM`` (quantity unit), ``VALUE`` (USD), ``NETWEIGHT`` (kg),
``QUANTITY``, ``REGION`` ("05000 - PRIMORSKY TERRITORY"), ``REGION_S`` ("05-FAR EASTERN FEDERAL
DISTRICT"); tab- or comma-separated. Decisions:

- The Russian side is the region, coded ``RUS.<region id>`` (``RUS.05000``): the exporter for EXP
  (flow X, ``reported_by="exporter"``), the importer for IMP (flow M, ``reported_by="importer"``).
- ``product`` is the first 6 digits of the TN VED code (the HS subheading; TN VED's digits 7-10 are
  the EAEU's own); shorter codes (2 or 4 digits) are kept as they are, and a code with an odd
  number of digits regains the leading zero a spreadsheet dropped. Rows are not summed: several
  10-digit lines can share one HS6 code.
- ``hs_revision`` follows the TN VED edition in force that year: HS02 to 2006, HS07 2007-2011,
  HS12 2012-2016, HS17 2017-2021, HS22 from 2022.
- ``quantity`` is ``QUANTITY`` in ``UM`` when both are given, else ``NETWEIGHT`` in kg.
- Source ``ru-customs``; release ``fcs`` (the files carry none); dataset ``regions-<ids>`` from the
  regions the file covers, so a new download for the same regions and year replaces the old one.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

import pyarrow as pa
import pyarrow.compute as pc

from bilat.errors import DataFormatError, UnknownCodeError
from bilat.reference import countries
from bilat.schema import REGIONS_SCHEMA
from bilat.sources import _comtrade as ct
from bilat.sources import _csv_stream as cs
from bilat.sources.base import FileInfo, Reader

SOURCE, RELEASE = "ru-customs", "fcs"
COLUMNS: dict[str, pa.DataType] = {
    "DIRECTION": pa.string(),
    "PERIOD": pa.string(),
    "COUNTRY": pa.string(),
    "HS": pa.string(),
    "UM": pa.string(),
    "VALUE": pa.float64(),
    "NETWEIGHT": pa.float64(),
    "QUANTITY": pa.float64(),
    "REGION": pa.string(),
    "REGION_S": pa.string(),
}
REQUIRED = ["DIRECTION", "PERIOD", "COUNTRY", "HS", "VALUE", "REGION"]
FLOW_CODES = {"EXP": "X", "IMP": "M"}
#: First year of each TN VED edition and the HS revision it is built on.
TNVED_EDITIONS = ((2022, "HS22"), (2017, "HS17"), (2012, "HS12"), (2007, "HS07"), (0, "HS02"))

_REGION = re.compile(r"^\s*(\d+)\s*-\s*(.*\S)\s*$")

Locate = Callable[[int], int | None]


class RuCustomsReader(Reader):
    """Reads the Federal Customs Service's regional trade files (CSV or TSV, plain/.gz/.zip)."""

    format: ClassVar[str] = "ru-customs"
    table: ClassVar[str] = "flows"
    signature = frozenset(REQUIRED)
    #: several TN VED 10-digit lines share one HS6 code: their rows are parts of one flow,
    #: summed by every query (see the module's decisions), so a repeated key is not an error
    repeats_flows: ClassVar[bool] = True

    def info(self, path: Path) -> FileInfo:
        """Source ``ru-customs``, release ``fcs``, dataset named after the regions covered."""
        ids = sorted(r.split(".", 1)[1] for r in regions(path).column("region").to_pylist())
        if len(ids) <= 3:
            dataset = "regions-" + "+".join(ids)
        else:
            digest = hashlib.sha256("|".join(ids).encode()).hexdigest()[:8]
            dataset = f"regions-{len(ids)}-{digest}"
        return FileInfo(self.table, SOURCE, dataset, RELEASE, self.format)

    def batches(self, path: Path) -> Iterator[pa.RecordBatch]:
        """Validated flows in the canonical schema, streamed batch by batch."""
        path = Path(path)
        layout = _layout(path)
        for start, batch in cs.iter_batches(path, layout, COLUMNS):
            yield _normalise(path, layout, start, batch)


def regions(path: str | Path) -> pa.Table:
    """The regions a file covers, in REGIONS_SCHEMA (``RUS.05000``, name, federal district)."""
    path = Path(path)
    layout = _layout(path)
    types = {"REGION": pa.string(), "REGION_S": pa.string()}
    seen: dict[str, tuple[str, str | None, str | None]] = {}
    for start, batch in cs.iter_batches(path, layout, types):
        pairs = (
            pa.table(
                {
                    "REGION": batch.column("REGION"),
                    "REGION_S": batch.column("REGION_S")
                    if "REGION_S" in batch.schema.names
                    else pa.nulls(batch.num_rows, pa.string()),
                }
            )
            .group_by(["REGION", "REGION_S"])
            .aggregate([])
        )
        for region, district in zip(
            pairs.column("REGION").to_pylist(), pairs.column("REGION_S").to_pylist(), strict=True
        ):
            code, name = _split(path, layout, start, batch, "REGION", region)
            d_code, d_name = (
                _split(path, layout, start, batch, "REGION_S", district)
                if district
                else (None, None)
            )
            if code in seen and seen[code][1] not in (None, d_code) and d_code is not None:
                raise DataFormatError(
                    path,
                    f"region {region!r} is given two federal districts ({seen[code][1]}, {d_code})",
                    column="REGION_S",
                    fix="Each region belongs to one district",
                )
            if code not in seen or seen[code][1] is None:
                seen[code] = (name, d_code, d_name)
    rows = sorted(seen.items())
    return pa.table(
        {
            "region": [f"RUS.{c}" for c, _ in rows],
            "country": ["RUS"] * len(rows),
            "name": [v[0] for _, v in rows],
            "district": [v[1] for _, v in rows],
            "district_name": [v[2] for _, v in rows],
            "source": [SOURCE] * len(rows),
            "release": [RELEASE] * len(rows),
        },
        schema=REGIONS_SCHEMA,
    )


def _layout(path: Path) -> cs.Layout:
    layout = cs.sniff_layout(path)
    cs.check_columns(path, layout.columns, REQUIRED, fix=ct.PUBLISHER_HEADER)
    return layout


def _split(
    path: Path, layout: cs.Layout, start: int, batch: pa.RecordBatch, column: str, value: str | None
) -> tuple[str, str]:
    """``("05000", "PRIMORSKY TERRITORY")`` from ``"05000 - PRIMORSKY TERRITORY"``."""
    m = _REGION.match(value or "")
    if m is None:
        i = cs.first_true(pc.fill_null(pc.equal(batch.column(column), value), True))
        raise DataFormatError(
            path,
            f"{value!r} is not '<code> - <name>'",
            line=cs.line_of_row(path, layout, start + (i or 0)),
            column=column,
            fix="Expected e.g. '05000 - PRIMORSKY TERRITORY'",
        )
    return m.group(1), m.group(2)


def _normalise(path: Path, layout: cs.Layout, start: int, batch: pa.RecordBatch) -> pa.RecordBatch:
    def locate(i: int) -> int | None:
        return cs.line_of_row(path, layout, start + i)

    names = set(batch.schema.names)
    cs.check_numbers(path, layout, batch, start, "VALUE", required=True)
    for name in ("NETWEIGHT", "QUANTITY"):
        if name in names:
            cs.check_numbers(path, layout, batch, start, name, required=False)
    flow = ct.map_codes(
        pc.utf8_upper(pc.utf8_trim_whitespace(pc.fill_null(batch.column("DIRECTION"), ""))),
        FLOW_CODES,
        path=path,
        column="DIRECTION",
        locate=locate,
        problem=lambda v: (f"unknown DIRECTION {v!r}", "Expected EXP or IMP"),
    )
    year, period = _periods(path, batch.column("PERIOD"), locate)
    partner, partner_nc = _partners(path, batch.column("COUNTRY"), locate)
    region = _region_codes(path, layout, start, batch)
    exports = pc.equal(flow, "X")
    quantity, unit = _quantities(batch)
    return ct.reported_flows(
        exports=exports,
        reporter=region,
        partner=partner,
        non_country=partner_nc,
        source=SOURCE,
        release=RELEASE,
        year=year,
        period=period,
        product=_products(path, batch.column("HS"), locate),
        hs_revision=_hs_revision(year),
        value_usd=batch.column("VALUE"),
        quantity=quantity,
        quantity_unit=unit,
        flow=flow,
    )


def _month(text: str) -> tuple[int, str] | None:
    """``(2016, "M03")`` from ``"03/2016"`` or ``"3/2016"``; None if not MM/YYYY."""
    month, _, year = text.strip().partition("/")
    if not (month.isdigit() and year.isdigit() and len(year) == 4 and 1 <= int(month) <= 12):
        return None
    return int(year), f"M{int(month):02d}"


def _periods(path: Path, period: pa.Array, locate: Locate) -> tuple[pa.Array, pa.Array]:
    """``(2016, "M03")`` from ``"03/2016"`` (or ``"3/2016"``)."""
    label = ct.by_distinct(period, lambda t: (_month(t) or (0, None))[1], pa.string())
    cs.refuse_first(
        path,
        pc.is_null(label),
        period,
        "PERIOD",
        locate,
        "bad period {value}",
        "Expected MM/YYYY, e.g. 03/2016",
    )
    year = ct.by_distinct(period, lambda t: (_month(t) or (None, None))[0], pa.int32())
    return year, label


def _partners(path: Path, codes: pa.Array, locate: Locate) -> tuple[pa.Array, pa.Array]:
    """ISO3 codes and non-country flags for the ISO2 ``COUNTRY`` column."""
    text = pc.utf8_upper(pc.utf8_trim_whitespace(pc.fill_null(codes, "")))
    enc = pc.dictionary_encode(text)
    iso3, flags = [], []
    for pos, code in enumerate(enc.dictionary.to_pylist()):
        try:
            if not code:
                raise UnknownCodeError("country code", "(blank)")
            found = countries.lookup(code)
        except UnknownCodeError as exc:
            line = locate(pc.index(enc.indices, pos).as_py())
            raise UnknownCodeError(
                "country code",
                code or "(blank)",
                exc.suggestions,
                where=f"{path}, line {line}, column 'COUNTRY'",
            ) from None
        iso3.append(found)
        flags.append(not countries.is_country(found))
    return (
        pc.take(pa.array(iso3, pa.string()), enc.indices),
        pc.take(pa.array(flags, pa.bool_()), enc.indices),
    )


def _region_codes(path: Path, layout: cs.Layout, start: int, batch: pa.RecordBatch) -> pa.Array:
    """``RUS.<id>`` for each row's ``REGION``."""
    enc = pc.dictionary_encode(pc.fill_null(batch.column("REGION"), ""))
    out = [
        "RUS." + _split(path, layout, start, batch, "REGION", value or None)[0]
        for value in enc.dictionary.to_pylist()
    ]
    return pc.take(pa.array(out, pa.string()), enc.indices)


def _hs6(code: str) -> str | None:
    """First 6 digits of a TN VED code (2 or 4 digits kept); a lost leading zero restored."""
    code = code.strip()
    if len(code) % 2:
        code = "0" + code
    return code[:6] if code.isdigit() and len(code) in (2, 4, 6, 8, 10) else None


def _products(path: Path, codes: pa.Array, locate: Locate) -> pa.Array:
    """HS6 (first 6 digits of a TN VED code); 2- and 4-digit codes kept; lost zero restored."""
    out = ct.by_distinct(codes, _hs6, pa.string())
    bad = cs.first_true(pc.is_null(out))
    if bad is not None:
        raise UnknownCodeError(
            "TN VED / HS product code",
            codes[bad].as_py() or "(blank)",
            where=f"{path}, line {locate(bad)}, column 'HS'",
        )
    return out


def _hs_revision(year: pa.Array) -> pa.Array:
    out = pa.nulls(len(year), pa.string())
    for first, revision in reversed(TNVED_EDITIONS):
        out = pc.if_else(pc.greater_equal(year, first), revision, out)
    return out


def _quantities(batch: pa.RecordBatch) -> tuple[pa.Array, pa.Array]:
    """QUANTITY in UM when both are given, else NETWEIGHT in kg, else nothing."""
    n = batch.num_rows
    names = batch.schema.names
    qty = batch.column("QUANTITY") if "QUANTITY" in names else pa.nulls(n, pa.float64())
    unit = batch.column("UM") if "UM" in names else pa.nulls(n, pa.string())
    unit = pc.utf8_trim_whitespace(unit)
    weight = batch.column("NETWEIGHT") if "NETWEIGHT" in names else pa.nulls(n, pa.float64())
    has_qty = pc.and_(pc.is_valid(qty), pc.fill_null(pc.not_equal(unit, ""), False))
    has_weight = pc.is_valid(weight)
    quantity = pc.if_else(has_qty, qty, pc.if_else(has_weight, weight, pa.nulls(n, pa.float64())))
    units = pc.if_else(has_qty, unit, pc.if_else(has_weight, "kg", pa.nulls(n, pa.string())))
    return quantity, units
