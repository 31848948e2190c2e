"""Streaming a delimited file with checks that name the file, line and column of any problem.

Shared by the readers of simple tabular sources (tidy CSV, WDI, DESTA, BACI world exports,
the Advanced Guide panel). The fast path lets PyArrow parse typed columns; only when PyArrow
rejects a value is the file scanned again, row by row, to find the line to report.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from bilat.errors import DataFormatError, UnknownCodeError
from bilat.sources._io import BOM, open_binary

#: PyArrow reads this many bytes per batch: big enough to be fast, small enough to stay in memory.
BLOCK_SIZE = 8 << 20

_CONVERSION = re.compile(r"CSV column #(\d+): CSV conversion error to (\w+): invalid value '(.*)'")


@dataclass(frozen=True)
class Layout:
    """The columns a reader needs from a file, with their Arrow types, and where the header is."""

    columns: dict[str, pa.DataType]
    #: lines before the header (the WDI download has a preamble)
    skip_rows: int = 0
    fix: str = ""

    @property
    def header_line(self) -> int:
        """1-based line number of the header."""
        return self.skip_rows + 1


def header_fields(path: Path, text: str, skip_rows: int = 0) -> list[str]:
    """The column names on the header line of ``text`` (the file's first kilobytes)."""
    lines = text.splitlines()
    if len(lines) <= skip_rows or not lines[skip_rows].strip():
        raise DataFormatError(path, "the file is empty (no header line)", line=skip_rows + 1)
    return next(csv.reader([lines[skip_rows]]))


def check_columns(
    path: Path,
    found: Sequence[str],
    required: Sequence[str],
    *,
    line: int | None = 1,
    fix: str = "",
) -> None:
    """DataFormatError naming the first missing column, what was found, and a close match."""
    spare = [f for f in found if f not in required]  # a renamed column is one nobody asked for
    for name in required:
        if name not in found:
            close = difflib.get_close_matches(name, spare, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            shown = ", ".join(found[:25]) + (" …" if len(found) > 25 else "")
            raise DataFormatError(
                path,
                f"missing column {name!r} (found: {shown}){hint}",
                line=line,
                column=name,
                fix=fix or "rename the column or give the right --format / --map",
            )


def batches(path: Path, layout: Layout) -> Iterator[tuple[int, pa.RecordBatch]]:
    """``(line of the first row, batch)`` for the layout's columns, streamed from the file."""
    names = list(layout.columns)
    read = pacsv.ReadOptions(skip_rows=layout.skip_rows, block_size=BLOCK_SIZE)
    convert = pacsv.ConvertOptions(
        column_types=layout.columns, include_columns=names, strings_can_be_null=False
    )
    line = layout.header_line + 1
    rows = 0
    stream = open_binary(path)
    try:
        try:
            reader = pacsv.open_csv(stream, read_options=read, convert_options=convert)
            for batch in reader:
                if batch.num_rows:
                    yield line, batch
                    line += batch.num_rows
                    rows += batch.num_rows
        except pa.ArrowInvalid as exc:
            raise _explain(path, layout, exc) from exc
        except (EOFError, zlib.error, OSError) as exc:
            raise DataFormatError(
                path, f"damaged or truncated file ({exc})", line=line, fix="download it again"
            ) from exc
    finally:
        stream.close()
    if rows == 0:
        raise DataFormatError(path, "no data rows after the header", line=layout.header_line)


def _explain(path: Path, layout: Layout, exc: pa.ArrowInvalid) -> DataFormatError:
    """Turn PyArrow's parse error into one naming the line and column, by scanning the file."""
    message = str(exc)
    if "invalid UTF8" in message:
        line = _first_line(path, lambda raw, row: not _is_utf8(raw))
        return DataFormatError(
            path, "the file is not UTF-8 encoded", line=line, fix="re-save it as UTF-8"
        )
    match = _CONVERSION.search(message)
    if match:
        # "CSV column #k" counts the file's columns, not the ones asked for
        index, kind, value = int(match.group(1)), match.group(2), match.group(3)
        header = _header(path, layout.skip_rows)
        column = header[index] if index < len(header) else None
        line = _first_line(path, lambda raw, row: _cell(row, index) == value, layout.skip_rows)
        what = "a number" if kind in ("double", "float", "int64", "int32", "int16") else kind
        return DataFormatError(
            path,
            f"{value!r} is not {what}",
            line=line,
            column=column,
            fix="correct or remove the value",
        )
    if "straddl" in message:
        from bilat.sources._csv_stream import long_line_error

        return long_line_error(path)
    if "Expected" in message and "columns" in message:
        quote = open_quote_line(path)
        if quote is not None:
            return DataFormatError(
                path,
                "a quoted field opened on this line is not closed before the next lines "
                "(a missing closing quote, or a line break inside quotes)",
                line=quote,
                fix="close the quote, or remove the line break from the field",
            )
        width = len(_header(path, layout.skip_rows))
        line = _first_line(path, lambda raw, row: len(row) != width, layout.skip_rows)
        return DataFormatError(
            path,
            f"wrong number of fields ({message.split(':', 1)[-1].strip()[:80]})",
            line=line,
            fix=f"each line needs {width} comma-separated fields",
        )
    return DataFormatError(path, f"cannot be parsed as CSV ({message[:300]})", fix=layout.fix)


def open_quote_line(path: Path, skip_rows: int = 0) -> int | None:
    """The line where a quoted field starts that runs on past the line's end, or None.

    A line with an odd number of double quotes opens (or closes) a field spanning lines;
    publishers' files have none, so the first such line is where the file went wrong.
    """
    with open_binary(path) as fh:
        for number, raw in enumerate(fh, start=1):
            if number > skip_rows + 1 and raw.count(b'"') % 2:
                return number
    return None


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _cell(row: list[str], position: int) -> str | None:
    return row[position] if position < len(row) else None


def _header(path: Path, skip_rows: int) -> list[str]:
    with open_binary(path) as fh:
        text = io.TextIOWrapper(fh, encoding="utf-8", errors="replace", newline="")
        for _ in range(skip_rows):
            text.readline()
        return next(csv.reader([text.readline().lstrip("\ufeff")]), [])


def _first_line(
    path: Path, bad: Callable[[bytes, list[str]], bool], skip_rows: int = 0
) -> int | None:
    """1-based number of the first data line (after the header) for which ``bad`` holds."""
    with open_binary(path) as fh:
        for number, raw in enumerate(fh, start=1):
            if number == 1 and raw.startswith(BOM):
                raw = raw[len(BOM) :]
            if number <= skip_rows + 1:
                continue
            row = next(csv.reader([raw.decode("utf-8", errors="replace")]), [])
            if bad(raw, row):
                return number
    return None


def constant(value: str | bool | None, n: int) -> pa.Array:
    """A column of ``n`` copies of ``value`` (string, or bool), without a Python list."""
    kind = pa.bool_() if isinstance(value, bool) else pa.string()
    return pa.repeat(pa.scalar(value, kind), n)


def first_true(mask: pa.Array | pa.ChunkedArray) -> int | None:
    """Index of the first True in a boolean array (nulls count as False), or None."""
    mask = pc.fill_null(mask, False)
    if not pc.any(mask).as_py():
        return None
    return int(pc.index(mask, True).as_py())


def require_values(
    path: Path,
    batch: pa.RecordBatch,
    first_line: int,
    column: str,
    *,
    non_negative: bool = False,
    allow_empty: bool = False,
) -> None:
    """DataFormatError at the first empty (unless allowed) or negative (if asked) value, or
    (with ``non_negative``: an amount) one that is not finite."""
    values = batch.column(column)
    i = None if allow_empty else first_true(pc.is_null(values, nan_is_null=True))
    if i is not None:
        raise DataFormatError(
            path,
            "the value is empty",
            line=first_line + i,
            column=column,
            fix="fill it in or drop the row",
        )
    if non_negative:
        i = first_true(pc.less(values, 0))
        if i is not None:
            raise DataFormatError(
                path,
                f"negative value {values[i].as_py()!r}",
                line=first_line + i,
                column=column,
                fix="trade values and quantities cannot be negative",
            )
        from bilat.sources._csv_stream import check_finite

        check_finite(path, values, column, lambda i: first_line + i)


def year_column(path: Path, batch: pa.RecordBatch, line: int, column: str) -> pa.Array:
    """Years as int16; DataFormatError at the first empty, fractional or implausible year."""
    values = batch.column(column)
    require_values(path, batch, line, column)
    bad = pc.or_(
        pc.not_equal(pc.floor(values), values),
        pc.or_(pc.less(values, 1900), pc.greater(values, 2100)),
    )
    i = first_true(bad)
    if i is not None:
        raise DataFormatError(
            path,
            f"{values[i].as_py()!r} is not a year",
            line=line + i,
            column=column,
            fix="use four-digit years",
        )
    return pc.cast(values, pa.int16())


class CountryCodes:
    """Country codes of one file normalised to ISO3 through ``bilat.reference.countries``.

    ``overrides`` are a source's own spellings (e.g. GeoDist's ``ROM``) mapped before the lookup.
    Results are cached, since a file repeats the same few hundred codes millions of times.
    """

    def __init__(self, path: Path, overrides: dict[str, str] | None = None):
        self.path = path
        self.overrides = dict(overrides or {})
        self._iso3: dict[str, str] = {}
        self._country: dict[str, bool] = {}

    def normalise(
        self, batch: pa.RecordBatch, column: str, first_line: int, *, upper: bool = False
    ) -> tuple[pa.Array, pa.Array]:
        """``(ISO3 codes, is-a-country flags)`` for ``column``; DataFormatError if unknown."""
        from bilat.reference import countries

        values = batch.column(column)
        i = first_true(pc.is_null(values))
        if i is not None:
            raise DataFormatError(
                self.path, "the country code is empty", line=first_line + i, column=column
            )
        if upper:
            values = pc.utf8_upper(pc.utf8_trim_whitespace(values))
        encoded = values.dictionary_encode()
        distinct = encoded.dictionary.to_pylist()
        todo = [v for v in distinct if v not in self._iso3]
        if todo:
            found = countries.lookup_many([self.overrides.get(v, v) for v in todo])
            for raw in todo:
                iso3 = found.get(self.overrides.get(raw, raw))
                if iso3 is None:
                    self._unknown(raw, values, column, first_line)
                self._iso3[raw] = iso3
                self._country[raw] = countries.is_country(iso3)
        iso3 = pa.array([self._iso3[v] for v in distinct], pa.string()).take(encoded.indices)
        flags = pa.array([self._country[v] for v in distinct], pa.bool_()).take(encoded.indices)
        return iso3, flags

    def _unknown(self, raw: str, values: pa.Array, column: str, first_line: int) -> None:
        from bilat.reference import countries

        try:
            countries.lookup(raw)
            suggestions: list[str] = []
        except UnknownCodeError as exc:
            suggestions = exc.suggestions
        hint = f"; did you mean {', '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        i = first_true(pc.equal(values, raw))
        raise DataFormatError(
            self.path,
            f"unknown country code {raw!r}{hint}",
            line=None if i is None else first_line + i,
            column=column,
            fix="use ISO3 codes (see bilat.reference.countries)",
        )
