"""Streaming a delimited file in Arrow batches, with errors naming the file, line and column.

The fast path reads with PyArrow's CSV reader (native gzip, typed columns, bounded memory). When
something is wrong, a slow second pass with the ``csv`` module finds the exact line to report,
so the common case pays nothing for good error messages.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import re
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from bilat.errors import DataFormatError
from bilat.sources._bounds import MAX_USD
from bilat.sources._io import BOM, Bounded, decompressed_limit, head_bytes, open_binary

#: Bytes per block read by PyArrow: big enough for speed, small enough to bound memory.
BLOCK_SIZE = 8 << 20

_CONVERSION = re.compile(
    r"In CSV column #(\d+): CSV conversion error to (\w+): invalid value '(.*)'"
)


@dataclass(frozen=True)
class Layout:
    """How a delimited file is laid out: its delimiter and header (column names, in order)."""

    delimiter: str
    columns: tuple[str, ...]


def sniff_layout(path: Path, head: bytes | None = None) -> Layout:
    """Delimiter (comma, tab or semicolon) and header names of a delimited file."""
    head = head_bytes(path) if head is None else head
    text = head.decode("utf-8", errors="replace")
    first = text.splitlines()[0] if text.strip() else ""
    if not first.strip():
        raise DataFormatError(path, "the file is empty (no header line)", line=1)
    delimiter = max(",\t;", key=first.count)
    names = next(csv.reader([first], delimiter=delimiter))
    return Layout(delimiter, tuple(n.strip() for n in names))


def require_columns(path: Path, layout: Layout, required: list[str]) -> None:
    """DataFormatError listing what was found when a required column is missing or renamed."""
    found = set(layout.columns)
    for name in required:
        if name in found:
            continue
        close = difflib.get_close_matches(name, layout.columns, n=1, cutoff=0.6)
        hint = f"; {close[0]!r} looks like it was renamed from {name!r}" if close else ""
        raise DataFormatError(
            path,
            f"missing column {name!r}{hint} (found: {', '.join(layout.columns)})",
            line=1,
            column=name,
            fix="Restore the publisher's original header",
        )


@contextmanager
def _native_stream(path: Path) -> Iterator[Any]:
    # PyArrow decompresses gzip natively (much faster than Python's gzip); zip goes through _io.
    with open(path, "rb") as fh:
        magic = fh.read(4)
    if magic[:2] == b"\x1f\x8b":
        native = pa.input_stream(str(path), compression="gzip")
        # counted as it is read: a file that expands past the bound is refused
        stream = pa.PythonFile(Bounded(native, decompressed_limit(path), path), mode="r")
    elif magic == b"PK\x03\x04":
        stream = open_binary(path)
    else:
        stream = pa.input_stream(str(path), compression=None)
    try:
        yield stream
    finally:
        stream.close()


def iter_batches(
    path: Path,
    layout: Layout,
    column_types: dict[str, pa.DataType],
    *,
    block_size: int = BLOCK_SIZE,
) -> Iterator[tuple[int, pa.RecordBatch]]:
    """``(index of the batch's first data row, batch)`` of the typed columns, streamed."""
    include = [c for c in column_types if c in layout.columns]
    read = pcsv.ReadOptions(block_size=block_size, column_names=list(layout.columns), skip_rows=1)
    parse = pcsv.ParseOptions(delimiter=layout.delimiter)
    convert = pcsv.ConvertOptions(
        column_types={c: column_types[c] for c in include},
        include_columns=include,
        strings_can_be_null=True,
        # only empty cells are missing: "NA" is Namibia's ISO2 code
        null_values=[""],
        quoted_strings_can_be_null=True,
    )
    start = 0
    with _native_stream(path) as stream:
        try:
            reader = pcsv.open_csv(
                stream, read_options=read, parse_options=parse, convert_options=convert
            )
            for batch in reader:
                yield start, batch
                start += batch.num_rows
        except pa.ArrowInvalid as exc:
            raise _explain(path, layout, column_types, exc) from exc
        except (EOFError, OSError, zlib.error) as exc:
            raise DataFormatError(
                path,
                f"damaged or truncated file after {start:,} data rows ({exc})",
                fix="Download it again",
            ) from exc
    if start == 0:
        raise DataFormatError(path, "the file has a header but no data rows", line=2)


def _explain(
    path: Path, layout: Layout, column_types: dict[str, pa.DataType], exc: pa.ArrowInvalid
) -> DataFormatError:
    """Turn a PyArrow parse error into one naming the line and column (slow second pass)."""
    msg = str(exc)
    m = _CONVERSION.search(msg)
    if "invalid UTF8" in msg:
        line = _first_undecodable_line(path)
        return DataFormatError(
            path,
            "text is not UTF-8 (wrong encoding; Windows-1251 or Latin-1?)",
            line=line,
            fix="Save the file as UTF-8, e.g. `iconv -f cp1251 -t utf-8`",
        )
    if m:
        column = layout.columns[int(m.group(1))]
        bad = m.group(3)
        line, value = first_row_where(path, layout, column, lambda v: v.strip() == bad.strip())
        kind = (
            "number" if pa.types.is_floating(column_types.get(column, pa.float64())) else "integer"
        )
        return DataFormatError(
            path,
            f"{value!r} is not a {kind}",
            line=line,
            column=column,
            fix="Correct or remove the value",
        )
    if "Expected" in msg and "columns" in msg:
        from bilat.sources._tabular import open_quote_line

        quote = open_quote_line(path)
        if quote is not None:
            return DataFormatError(
                path,
                "a quoted field opened on this line is not closed before the next lines "
                "(a missing closing quote, or a line break inside quotes)",
                line=quote,
                fix="Close the quote, or remove the line break from the field",
            )
        line = _first_ragged_line(path, layout)
        return DataFormatError(
            path,
            f"wrong number of fields ({msg.split(':', 1)[-1].strip()[:80]})",
            line=line,
            fix=f"Each line needs {len(layout.columns)} fields separated by {layout.delimiter!r}",
        )
    if "straddl" in msg:
        return long_line_error(path)
    return DataFormatError(path, f"cannot be parsed ({msg[:200]})")


def long_line_error(path: Path | str, stream: BinaryIO | None = None) -> DataFormatError:
    """The error for a line too long to be a row (PyArrow's "straddling object" error)."""
    from bilat.sources._bounds import MAX_LINE

    found = long_line(path, stream)
    line = found[0] if found else None
    size = f" (over {MAX_LINE / 1e6:,.0f} MB)" if found else ""
    return DataFormatError(
        path,
        f"a line is longer than any row of a trade table can be{size}: a binary, damaged or "
        "wrongly delimited file (one without line breaks?)",
        line=line,
        fix="check that this is the CSV file the publisher distributes (plain text, one row "
        "per line); re-download it if it is damaged",
    )


def long_line(path: Path | str, stream: BinaryIO | None = None) -> tuple[int, int] | None:
    """(line number, length in bytes) of the first line over ``MAX_LINE`` bytes, or None."""
    from bilat.sources._bounds import MAX_LINE

    fh = stream if stream is not None else open_binary(path)
    try:
        number, length = 1, 0
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            start = 0
            while True:
                end = chunk.find(b"\n", start)
                if end < 0:
                    length += len(chunk) - start
                    break
                length += end - start
                if length > MAX_LINE:
                    return number, length
                number, length, start = number + 1, 0, end + 1
            if length > MAX_LINE:
                return number, length
    finally:
        fh.close()
    return None


# ---------------------------------------------------------------- slow path: find the line


@contextmanager
def _text_rows(path: Path, layout: Layout) -> Iterator[Any]:
    raw = open_binary(path)
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
    try:
        yield csv.reader(text, delimiter=layout.delimiter)
    finally:
        text.close()


def first_row_where(
    path: Path, layout: Layout, column: str, predicate: Callable[[str], bool]
) -> tuple[int | None, str]:
    """Line number and value of the first data row whose ``column`` satisfies ``predicate``."""
    idx = layout.columns.index(column)
    with _text_rows(path, layout) as rows:
        next(rows, None)
        for row in rows:
            if idx < len(row) and predicate(row[idx]):
                return rows.line_num, row[idx]
    return None, ""


def line_of_row(path: Path, layout: Layout, row_index: int) -> int | None:
    """Line number (1 = header) of data row ``row_index`` (0-based), quoted newlines included."""
    with _text_rows(path, layout) as rows:
        next(rows, None)
        for i, _ in enumerate(rows):
            if i == row_index:
                return rows.line_num
    return None


def _first_ragged_line(path: Path, layout: Layout) -> int | None:
    with _text_rows(path, layout) as rows:
        next(rows, None)
        for row in rows:
            if row and len(row) != len(layout.columns):
                return rows.line_num
    return None


def _first_undecodable_line(path: Path) -> int | None:
    decoder = codecs.getincrementaldecoder("utf-8")()
    stream: BinaryIO = open_binary(path)
    try:
        for n, raw in enumerate(stream, start=1):
            if n == 1 and raw.startswith(BOM):
                raw = raw[len(BOM) :]
            try:
                decoder.decode(raw)
            except UnicodeDecodeError:
                return n
    finally:
        stream.close()
    return None


# ---------------------------------------------------------------- vectorised checks


def first_true(mask: pa.Array | pa.ChunkedArray) -> int | None:
    """Index of the first True in a boolean array (nulls count as False), else None."""
    i = pc.index(pc.fill_null(mask, False), True).as_py()
    return None if i < 0 else i


def check_numbers(
    path: Path,
    layout: Layout,
    batch: pa.RecordBatch,
    start: int,
    column: str,
    *,
    required: bool,
) -> None:
    """DataFormatError at the first missing (when ``required``) or negative value of ``column``."""
    values = batch.column(column)
    if required:
        i = first_true(pc.is_null(values, nan_is_null=True))
        if i is not None:
            raise DataFormatError(
                path,
                "the value is missing",
                line=line_of_row(path, layout, start + i),
                column=column,
                fix="Every row needs a value",
            )
    i = first_true(pc.less(values, 0))
    if i is not None:
        raise DataFormatError(
            path,
            f"negative value {values[i].as_py()!r}",
            line=line_of_row(path, layout, start + i),
            column=column,
            fix="Values must be zero or more",
        )
    check_finite(path, values, column, lambda i: line_of_row(path, layout, start + i))


def check_finite(
    path: Path,
    values: pa.Array,
    column: str,
    locate: Callable[[int], int | None],
    limit: float = MAX_USD,
) -> None:
    """DataFormatError at the first value that is not a finite amount up to ``limit`` (inf,
    nan, an overflow such as 1e309): stored, it would print as inf or read as "no data"."""
    bad = pc.invert(pc.less_equal(pc.abs(values), limit))  # nan compares false: bad too
    i = first_true(pc.and_(bad, pc.is_valid(values)))
    if i is not None:
        raise DataFormatError(
            path,
            f"{values[i].as_py()!r} is not a finite amount (at most {limit:.0e} USD)",
            line=locate(i),
            column=column,
            fix="Correct the value; a huge number is usually a unit or export error",
        )
