"""UN Comtrade in the current API layout (comtradeapi.un.org v1): JSON response or CSV download.

Both carry the same fields (``reporterCode``, ``reporterISO``, ``flowCode``, ``partnerCode``,
``partner2Code``, ``classificationCode``, ``cmdCode``, ``customsCode``, ``mosCode``, ``motCode``,
``qty``, ``netWgt``, ``cifvalue``, ``fobvalue``, ``primaryValue`` ...). Decisions:

- Only the totals are kept when a download holds breakdowns: ``partner2Code`` 0, ``motCode`` 0,
  ``customsCode`` C00 and ``mosCode`` 0 (a missing field counts as the total). The breakdown rows
  repeat the same trade, so keeping them would count it twice or more.
- Flows M/X/RM/RX are kept; the processing and domestic/foreign sub-flows (MIP, XIP, MOP, XOP,
  DX, FM) are parts of M and X and are dropped for the same reason. Any other code is an error.
- ``value_usd`` = ``primaryValue`` (CIF for imports, FOB for exports, in US dollars).
- ``quantity`` = ``qty`` in ``qtyUnitAbbr``; when the unit is N/A (code -1) or qty is missing,
  the net weight in kg if it is positive (the API writes 0 for an unknown weight).
- ``freqCode`` A -> period ``A``; M -> ``M01``..``M12``; the year is ``refYear``.
- Source ``comtrade``; release ``api`` (the API stamps no release on its data). Dataset:
  ``api-<freq>-<reporters>-<digest>``, the digest covering the (reporter, partner, flow, product)
  combinations of the file, so that a new download of the same query replaces the old one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import pyarrow as pa
import pyarrow.compute as pc

from bilat.errors import DataFormatError
from bilat.schema import FLOWS_SCHEMA
from bilat.sources import _comtrade as ct
from bilat.sources import _csv_stream as cs
from bilat.sources._io import head_bytes, open_binary, read_all_checked
from bilat.sources.base import FileInfo, Reader

#: Fields bilat reads, with their Arrow types.
FIELDS: dict[str, pa.DataType] = {
    "typeCode": pa.string(),
    "freqCode": pa.string(),
    "refYear": pa.int32(),
    "refMonth": pa.int32(),
    "period": pa.string(),
    "reporterCode": pa.int32(),
    "reporterISO": pa.string(),
    "flowCode": pa.string(),
    "partnerCode": pa.int32(),
    "partnerISO": pa.string(),
    "partner2Code": pa.int32(),
    "classificationCode": pa.string(),
    "cmdCode": pa.string(),
    "customsCode": pa.string(),
    "mosCode": pa.string(),
    "motCode": pa.int32(),
    "qtyUnitCode": pa.int32(),
    "qtyUnitAbbr": pa.string(),
    "qty": pa.float64(),
    "netWgt": pa.float64(),
    "primaryValue": pa.float64(),
}
REQUIRED = [
    "freqCode",
    "period",
    "reporterCode",
    "flowCode",
    "partnerCode",
    "classificationCode",
    "cmdCode",
    "primaryValue",
]
_SIGNATURE = frozenset({"reporterCode", "partnerCode", "flowCode", "cmdCode", "primaryValue"})
KEPT_FLOWS = {"M": "M", "X": "X", "RM": "RM", "RX": "RX"}
SUB_FLOWS = {"MIP", "XIP", "MOP", "XOP", "DX", "FM"}

Locate = Callable[[int], int | None]


class ComtradeApiReader(Reader):
    """Reads Comtrade API data: a JSON response (``{"data": [...]}``) or the CSV download."""

    format: ClassVar[str] = "comtrade-api"
    table: ClassVar[str] = "flows"
    signature = _SIGNATURE
    domestic_flows: ClassVar[bool] = ct.DOMESTIC_FLOWS

    def sniff(self, path: Path, head: bytes) -> bool:
        """True for an API JSON response or a CSV whose header has the API's field names."""
        text = head.decode("utf-8", errors="replace").lstrip()
        if text.startswith("{"):
            return '"data"' in text and ('"reporterCode"' in text or '"primaryValue"' in text)
        return super().sniff(path, head)

    def info(self, path: Path) -> FileInfo:
        """Source ``comtrade``, release ``api``, dataset named after the query the file answers."""
        path = Path(path)
        digest = hashlib.sha256()
        freqs: set[str] = set()
        reporters: set[str] = set()
        keys: set[tuple[Any, ...]] = set()
        for batch in self.batches(path):
            freqs.update(pc.unique(pc.equal(batch.column("period"), "A")).to_pylist())
            reporters.update(pc.unique(_reporters(batch)).to_pylist())
            cols = [
                batch.column(c).to_pylist() for c in ("exporter", "importer", "flow", "product")
            ]
            keys.update(zip(*cols, strict=True))
        for key in sorted(keys):
            digest.update("|".join(key).encode())
        freq = "a" if freqs == {True} else "m" if freqs == {False} else "am"
        names = sorted(reporters)
        who = "+".join(names) if len(names) <= 3 else f"{len(names)}reporters"
        dataset = f"api-{freq}-{who}-{digest.hexdigest()[:8]}"
        return FileInfo(self.table, "comtrade", dataset, "api", self.format)

    def batches(self, path: Path) -> Iterator[pa.RecordBatch]:
        """Validated flows in the canonical schema (totals only), streamed for CSV."""
        path = Path(path)
        if _is_json(path):
            yield from _json_batches(path)
            return
        layout = cs.sniff_layout(path)
        cs.check_columns(path, layout.columns, REQUIRED, fix=ct.PUBLISHER_HEADER)
        for start, batch in cs.iter_batches(path, layout, FIELDS):
            out = _normalise(path, batch, lambda i, s=start: cs.line_of_row(path, layout, s + i))
            if out.num_rows:
                yield out


def _reporters(batch: pa.RecordBatch) -> pa.Array:
    exports = pc.equal(batch.column("reported_by"), "exporter")
    return pc.if_else(exports, batch.column("exporter"), batch.column("importer"))


def _is_json(path: Path) -> bool:
    return head_bytes(path, 64).lstrip().startswith(b"{")


# ---------------------------------------------------------------- JSON


def _json_batches(path: Path, chunk: int = 65_536) -> Iterator[pa.RecordBatch]:
    raw = read_all_checked(open_binary(path), path).getvalue()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataFormatError(
            path, "text is not UTF-8 (wrong encoding)", line=line, fix="Save the file as UTF-8"
        ) from exc
    try:
        body = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataFormatError(
            path,
            f"not valid JSON ({exc.msg}; truncated download?)",
            line=exc.lineno,
            fix="Download it again",
        ) from exc
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise DataFormatError(path, 'no "data" list: not a Comtrade API response')
    if body.get("error"):
        raise DataFormatError(path, f"the API returned an error: {body['error']}")
    records: list[dict[str, Any]] = body["data"]
    if not records:
        raise DataFormatError(path, 'the "data" list is empty (the query matched nothing)')
    present = set().union(*(r.keys() for r in records[:100]))
    missing = [f for f in REQUIRED if f not in present]
    if missing:
        raise DataFormatError(
            path,
            f"records lack the field {missing[0]!r} (found: {', '.join(sorted(present))})",
            line=_json_record_lines(text, [0])[0],
            column=missing[0],
            fix="Download with the API's standard field names",
        )
    lines: dict[int, int | None] = {}

    def locate_in(start: int) -> Locate:
        def locate(i: int) -> int | None:
            if start + i not in lines:
                lines[start + i] = _json_record_lines(text, [start + i])[0]
            return lines[start + i]

        return locate

    for start in range(0, len(records), chunk):
        part = records[start : start + chunk]
        batch = _json_to_batch(path, part, locate_in(start))
        out = _normalise(path, batch, locate_in(start))
        if out.num_rows:
            yield out


def _json_to_batch(path: Path, records: list[dict[str, Any]], locate: Locate) -> pa.RecordBatch:
    arrays, names = [], []
    for name, typ in FIELDS.items():
        values = [r.get(name) for r in records]
        if all(v is None for v in values) and name not in REQUIRED:
            continue
        try:
            if pa.types.is_string(typ):
                arr = pa.array([None if v is None else str(v) for v in values], typ)
            else:
                arr = pa.array(values, typ)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError) as exc:
            i = next(k for k, v in enumerate(values) if not _fits(v, typ))
            raise DataFormatError(
                path,
                f"{values[i]!r} is not a number",
                line=locate(i),
                column=name,
                fix="Correct or remove the value",
            ) from exc
        arrays.append(arr)
        names.append(name)
    return pa.RecordBatch.from_arrays(arrays, names=names)


def _fits(value: Any, typ: pa.DataType) -> bool:
    if value is None:
        return True
    if isinstance(value, bool):
        return False
    if pa.types.is_integer(typ):
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    return isinstance(value, int | float)


def _json_record_lines(text: str, wanted: list[int]) -> list[int | None]:
    """Lines where the records ``wanted`` (indexes into ``data``) begin (slow; errors only)."""
    targets, out = set(wanted), {}
    depth, in_str, esc, line, seen = 0, False, False, 1, -1
    for ch in text:
        if ch == "\n":
            line += 1
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
            continue
        if ch == '"':
            in_str = True
        elif ch in "{[":
            depth += 1
            if ch == "{" and depth == 3:  # response object > data list > record
                seen += 1
                if seen in targets:
                    out[seen] = line
                    if len(out) == len(targets):
                        break
        elif ch in "}]":
            depth -= 1
    return [out.get(i) for i in wanted]


# ---------------------------------------------------------------- shared normalisation


def _normalise(path: Path, batch: pa.RecordBatch, locate: Locate) -> pa.RecordBatch:
    batch = _totals_only(path, batch, locate)
    n = batch.num_rows
    if n == 0:
        return _empty()
    names = set(batch.schema.names)

    def col(name: str, typ: pa.DataType | None = None) -> pa.Array:
        if name in names:
            return batch.column(name)
        return pa.nulls(n, typ or FIELDS[name])

    if "typeCode" in names:
        ct.map_codes(
            col("typeCode"),
            {"C": "C", "": ""},
            path=path,
            column="typeCode",
            locate=locate,
            problem=lambda v: (
                f"typeCode {v!r} is services trade, not goods",
                "Download goods trade (typeCode C)",
            ),
        )
    _check_value(path, batch, locate)
    year, period = _periods(
        path, col("freqCode"), col("period"), col("refYear"), col("refMonth"), locate
    )
    flow = batch.column("flowCode")
    quantities = _quantities(col)
    fields = ct.API_FIELDS
    return ct.comtrade_flows(col, fields, flow, year, period, quantities, "api", path, locate)


def _empty() -> pa.RecordBatch:
    return pa.RecordBatch.from_pylist([], schema=FLOWS_SCHEMA)


def _totals_only(path: Path, batch: pa.RecordBatch, locate: Locate) -> pa.RecordBatch:
    """Drop breakdown rows (second partner, transport mode, customs procedure, sub-flows)."""
    names = set(batch.schema.names)
    flow = pc.utf8_upper(pc.utf8_trim_whitespace(pc.fill_null(batch.column("flowCode"), "")))
    known = pc.is_in(flow, pa.array(sorted(KEPT_FLOWS.keys() | SUB_FLOWS)))
    cs.refuse_first(
        path,
        pc.invert(known),
        flow,
        "flowCode",
        locate,
        "unknown flowCode {value}",
        "Expected M, X, RM or RX",
    )
    keep = pc.is_in(flow, pa.array(sorted(KEPT_FLOWS)))
    for name, total in (
        ("partner2Code", 0),
        ("motCode", 0),
        ("customsCode", "C00"),
        ("mosCode", "0"),
    ):
        if name in names:
            column = batch.column(name)
            if pa.types.is_string(column.type):
                column = pc.utf8_upper(pc.utf8_trim_whitespace(column))
            keep = pc.and_(keep, pc.fill_null(pc.equal(column, total), True))
    batch = batch.set_column(batch.schema.get_field_index("flowCode"), "flowCode", flow)
    return batch.filter(keep)


def _check_value(path: Path, batch: pa.RecordBatch, locate: Locate) -> None:
    values = batch.column("primaryValue")
    for mask, problem in (
        (pc.is_null(values, nan_is_null=True), "the value is missing"),
        (pc.less(values, 0), "negative value {value}"),
    ):
        cs.refuse_first(path, mask, values, "primaryValue", locate, problem, "Correct the value")
    cs.check_finite(path, values, "primaryValue", locate)


def _period_parts(text: str) -> tuple[str, int, int] | None:
    """``("A", 2015, 0)`` for ``2015``, ``("M", 2015, 3)`` for ``201503``; None otherwise."""
    text = text.strip()
    if len(text) == 4 and text.isdigit():
        return "A", int(text), 0
    if len(text) == 6 and text.isdigit() and 1 <= int(text[4:]) <= 12:
        return "M", int(text[:4]), int(text[4:])
    return None


def _periods(
    path: Path,
    freq: pa.Array,
    period: pa.Array,
    ref_year: pa.Array,
    ref_month: pa.Array,
    locate: Locate,
) -> tuple[pa.Array, pa.Array]:
    """``(year, period)`` from freqCode and period, checked against refYear/refMonth."""
    freq = pc.utf8_upper(pc.fill_null(freq, ""))

    def part(i: int, typ: pa.DataType) -> pa.Array:
        return ct.by_distinct(period, lambda t: (_period_parts(t) or (None,) * 3)[i], typ)

    kind, year, month = part(0, pa.string()), part(1, pa.int32()), part(2, pa.int32())
    annual = pc.fill_null(pc.equal(kind, "A"), False)
    ok = pc.and_(
        pc.fill_null(pc.equal(freq, kind), False),
        pc.and_(
            pc.fill_null(pc.equal(ref_year, year), True),
            # refMonth is 52 (or 99) for annual data in the API
            pc.or_(annual, pc.fill_null(pc.equal(ref_month, month), True)),
        ),
    )
    bad = cs.first_true(pc.invert(ok))
    if bad is not None:
        raise DataFormatError(
            path,
            f"bad period {period[bad].as_py()!r} for freqCode {freq[bad].as_py()!r} "
            f"(refYear {ref_year[bad].as_py()}, refMonth {ref_month[bad].as_py()})",
            line=locate(bad),
            column="period",
            fix="Expected YYYY with freqCode A, or YYYYMM with freqCode M",
        )
    label = pc.if_else(
        annual,
        "A",
        pc.binary_join_element_wise("M", pc.utf8_lpad(pc.cast(month, pa.string()), 2, "0"), ""),
    )
    return year, label


def _quantities(col: Callable[..., pa.Array]) -> tuple[pa.Array, pa.Array]:
    """qty in qtyUnitAbbr when there is a unit, else a positive net weight in kg."""
    qty, unit, code, weight = col("qty"), col("qtyUnitAbbr"), col("qtyUnitCode"), col("netWgt")
    no_unit = pc.or_(
        pc.fill_null(pc.equal(code, -1), False),
        pc.or_(pc.is_null(unit), pc.is_in(pc.utf8_upper(unit), pa.array(["N/A", "NA", ""]))),
    )
    has_qty = pc.and_(pc.is_valid(qty), pc.invert(no_unit))
    has_weight = pc.fill_null(pc.greater(weight, 0), False)
    n = len(qty)
    quantity = pc.if_else(has_qty, qty, pc.if_else(has_weight, weight, pa.nulls(n, pa.float64())))
    units = pc.if_else(has_qty, unit, pc.if_else(has_weight, "kg", pa.nulls(n, pa.string())))
    return quantity, units
