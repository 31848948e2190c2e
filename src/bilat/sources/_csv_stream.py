"""Streaming a delimited file in Arrow batches, with errors naming the file, line and column.

The one CSV stack of the readers (Comtrade, Russian customs, tidy CSV, WDI, DESTA, BACI world
exports, the Advanced Guide panel; BACI's byte-range reader shares its error finding). The fast
path reads with PyArrow's CSV reader (native gzip, typed columns, bounded memory). When
something is wrong, a slow second pass with the ``csv`` module finds the exact line to report,
so the common case pays nothing for good error messages.

A reader sniffs the file's :class:`Layout` (:func:`sniff_layout`), checks its header
(:func:`check_columns`), streams typed batches (:func:`iter_batches`) and checks values with
:func:`require_values`, :func:`year_column` and :class:`CountryCodes`, each locating a bad row
through a ``locate(i)`` callable: :meth:`Layout.line` (fast, for files without quoted line
breaks) or :func:`line_of_row` (exact).
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import itertools
import os
import re
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from bilat.errors import DataFormatError, UnknownCodeError
from bilat.sources._bounds import MAX_USD
from bilat.sources._io import BOM, Bounded, decompressed_limit, head_bytes, open_binary

#: Bytes per block read by PyArrow: big enough for speed, small enough to bound memory.
BLOCK_SIZE = 8 << 20

#: PyArrow's message for a value its column type cannot hold: (column #, type, value)
CONVERSION = re.compile(
    r"In CSV column #(\d+): CSV conversion error to (\w+): invalid value '(.*)'"
)


#: What a located check is given: the batch's row index -> the file's line (or None).
Locate = Callable[[int], int | None]


@dataclass(frozen=True)
class Layout:
    """How a delimited file is laid out: its header (column names, in order), delimiter, and
    the lines before the header (the WDI download has a preamble)."""

    columns: tuple[str, ...]
    delimiter: str = ","
    skip_rows: int = 0

    @property
    def header_line(self) -> int:
        """1-based line number of the header."""
        return self.skip_rows + 1

    def line(self, row: int) -> int:
        """Line of data row ``row`` (0-based) when no quoted field spans lines (fast)."""
        return self.skip_rows + 2 + row

    def locator(self, start: int) -> Locate:
        """``locate(i)`` for row ``i`` of a batch whose first row is data row ``start`` (fast)."""
        return lambda i: self.line(start + i)


#: How the readers of simple tabular sources (tidy CSV, WDI, DESTA, BACI world exports, the
#: Advanced Guide) read their files: PyArrow's spellings of a missing number ("NA", "NaN" …,
#: as R and spreadsheets write them), and an empty text cell kept as "" (checked as a code).
TABULAR: dict[str, Any] = {"nulls": None, "empty_strings_null": False}


def sniff_layout(
    path: Path, head: bytes | None = None, *, skip_rows: int = 0, delimiters: str = ",\t;"
) -> Layout:
    """Delimiter (the most frequent of ``delimiters`` on the header line) and header names."""
    head = head_bytes(path) if head is None else head
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    lines = text.splitlines()
    first = lines[skip_rows] if len(lines) > skip_rows else ""
    if not first.strip():
        raise DataFormatError(path, "the file is empty (no header line)", line=skip_rows + 1)
    delimiter = max(delimiters, key=first.count)
    names = next(csv.reader([first], delimiter=delimiter))
    return Layout(tuple(n.strip() for n in names), delimiter, skip_rows)


def header_fields(head: bytes) -> list[str]:
    """The comma-separated names on the first line of ``head``, unquoted (for sniffing)."""
    first = head.decode("utf-8", "replace").lstrip("\ufeff").partition("\n")[0]
    return [f.strip().strip('"') for f in first.split(",")]


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


def magic(path: Path) -> bytes:
    """The file's first four bytes (gzip ``1f 8b``, zip ``PK\\x03\\x04``)."""
    with open(path, "rb") as fh:
        return fh.read(4)


def open_arrow(path: Path) -> Any:
    """A stream of the file's decompressed bytes that PyArrow reads fast: gzip decompressed
    natively (much faster than Python's gzip), bounded; a zip's one member through ``_io``."""
    head = magic(path)
    if head[:2] == b"\x1f\x8b":
        native = pa.input_stream(str(path), compression="gzip")
        # counted as it is read: a file that expands past the bound is refused
        return pa.PythonFile(Bounded(native, decompressed_limit(path), path), mode="r")
    if head == b"PK\x03\x04":
        return open_binary(path)
    return pa.input_stream(str(path), compression=None)


@contextmanager
def _native_stream(path: Path) -> Iterator[Any]:
    stream = open_arrow(path)
    try:
        yield stream
    finally:
        stream.close()


# ---------------------------------------------------------------- byte ranges of a plain file
# PyArrow's streaming CSV reader parses on one core: a big plain file is cut at line ends into
# byte ranges that are parsed side by side (BACI's reader does; see ``bilat.sources.baci``).


def line_ranges(path: Path, parts: int, min_bytes: int) -> list[tuple[int, int]] | None:
    """Byte ranges cutting a plain (uncompressed, unzipped) file at line ends into ``parts``
    pieces; None for compressed files and files under ``min_bytes``."""
    if parts < 2:
        return None
    size = path.stat().st_size
    if size < min_bytes or magic(path)[:2] == b"\x1f\x8b" or magic(path) == b"PK\x03\x04":
        return None
    cuts = [0]
    with open(path, "rb") as fh:
        for k in range(1, parts):
            fh.seek(max(size * k // parts, cuts[-1]))
            fh.readline()  # to the start of the next line
            cuts.append(fh.tell())
    cuts.append(size)
    return [(a, b) for a, b in itertools.pairwise(cuts) if b > a]


def open_range(path: Path, start: int, end: int) -> Any:
    """A stream of bytes ``start``..``end`` of a plain file, read as it is parsed (not
    memory-mapped: mapped pages would count against the reader's memory)."""
    return pa.PythonFile(_ByteRange(path, start, end), mode="r")


def lines_before(path: Path, offset: int) -> int:
    """Line ends in the first ``offset`` bytes of a plain file (for error line numbers)."""
    count = 0
    with open(path, "rb") as fh:
        while offset > 0:
            chunk = fh.read(min(offset, 16 << 20))
            if not chunk:
                break
            count += chunk.count(b"\n")
            offset -= len(chunk)
    return count


class _ByteRange(io.RawIOBase):
    """Bytes ``start``..``end`` of a file as a readable stream (``os.pread``: no shared offset)."""

    def __init__(self, path: Path, start: int, end: int) -> None:
        self._fd = os.open(path, os.O_RDONLY)
        self._pos, self._end = start, end

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        want = min(len(buffer), self._end - self._pos)
        if want <= 0:
            return 0
        data = os.pread(self._fd, want, self._pos)
        buffer[: len(data)] = data
        self._pos += len(data)
        return len(data)

    def close(self) -> None:
        if not self.closed:
            os.close(self._fd)
        super().close()


def iter_batches(
    path: Path,
    layout: Layout,
    column_types: dict[str, pa.DataType],
    *,
    block_size: int | None = None,
    nulls: Sequence[str] | None = ("",),
    empty_strings_null: bool = True,
) -> Iterator[tuple[int, pa.RecordBatch]]:
    """``(index of the batch's first data row, batch)`` of the typed columns, streamed.

    ``nulls`` are the spellings of a missing value: by default only an empty cell ("NA" is
    Namibia's ISO2 code); None takes PyArrow's list ("NA", "NaN", "null" …), for files whose
    text columns are codes that cannot be spelt so. ``empty_strings_null`` False keeps an
    empty text cell as "" (the readers of simple tabular sources check it as a code).
    """
    include = [c for c in column_types if c in layout.columns]
    read = pcsv.ReadOptions(
        block_size=block_size or BLOCK_SIZE,
        column_names=list(layout.columns),
        skip_rows=layout.skip_rows + 1,
    )
    parse = pcsv.ParseOptions(delimiter=layout.delimiter)
    options: dict[str, Any] = {} if nulls is None else {"null_values": list(nulls)}
    convert = pcsv.ConvertOptions(
        column_types={c: column_types[c] for c in include},
        include_columns=include,
        strings_can_be_null=empty_strings_null,
        quoted_strings_can_be_null=True,  # a quoted "" in a number column is missing too
        **options,
    )
    start = 0
    with _native_stream(path) as stream:
        try:
            reader = pcsv.open_csv(
                stream, read_options=read, parse_options=parse, convert_options=convert
            )
            for batch in reader:
                if batch.num_rows:
                    yield start, batch
                    start += batch.num_rows
        except pa.ArrowInvalid as exc:
            raise _explain(path, layout, column_types, exc) from exc
        except (EOFError, OSError, zlib.error) as exc:
            raise DataFormatError(
                path,
                f"damaged or truncated file after {start:,} data rows ({exc})",
                line=layout.line(start),
                fix="Download it again",
            ) from exc
    if start == 0:
        raise DataFormatError(
            path, "the file has a header but no data rows", line=layout.header_line + 1
        )


def _explain(
    path: Path, layout: Layout, column_types: dict[str, pa.DataType], exc: pa.ArrowInvalid
) -> DataFormatError:
    """Turn a PyArrow parse error into one naming the line and column (slow second pass)."""
    msg = str(exc)
    m = CONVERSION.search(msg)
    if "invalid UTF8" in msg:
        line = _first_undecodable_line(path)
        return DataFormatError(
            path,
            "text is not UTF-8 (wrong encoding; Windows-1251 or Latin-1?)",
            line=line,
            fix="Save the file as UTF-8, e.g. `iconv -f cp1251 -t utf-8`",
        )
    if m:
        # "CSV column #k" counts the file's columns, not the ones asked for
        column = layout.columns[int(m.group(1))]
        bad = m.group(3)
        line, value = first_row_where(path, layout, column, lambda v: v.strip() == bad.strip())
        kind = column_types.get(column, pa.float64())
        what = "a number" if pa.types.is_integer(kind) or pa.types.is_floating(kind) else kind
        return DataFormatError(
            path,
            f"{value!r} is not {what}",
            line=line,
            column=column,
            fix="Correct or remove the value",
        )
    if "Expected" in msg and "columns" in msg:
        quote = open_quote_line(path, layout.skip_rows)
        if quote is not None:
            return DataFormatError(
                path,
                "a quoted field opened on this line is not closed before the next lines "
                "(a missing closing quote, or a line break inside quotes)",
                line=quote,
                fix="Close the quote, or remove the line break from the field",
            )
        line = first_ragged_line(path, layout)
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


#: Opens the decompressed bytes again for a slow pass (a zip member, a byte range …).
Opener = Callable[[], BinaryIO]


@contextmanager
def _text_rows(path: Path | str, layout: Layout, opener: Opener | None = None) -> Iterator[Any]:
    """CSV rows after the header (``line_num`` counts the file's lines, preamble included)."""
    raw = opener() if opener is not None else open_binary(path)
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
    try:
        rows = csv.reader(text, delimiter=layout.delimiter)
        for _ in range(layout.skip_rows + 1):
            next(rows, None)
        yield rows
    finally:
        text.close()


def first_row_where(
    path: Path | str,
    layout: Layout,
    column: str,
    predicate: Callable[[str], bool],
    opener: Opener | None = None,
) -> tuple[int | None, str]:
    """Line number and value of the first data row whose ``column`` satisfies ``predicate``."""
    idx = layout.columns.index(column)
    with _text_rows(path, layout, opener) as rows:
        try:
            for row in rows:
                if idx < len(row) and predicate(row[idx]):
                    return rows.line_num, row[idx]
        except (EOFError, OSError, zlib.error):  # the damage is reported by the fast path
            return None, ""
    return None, ""


def line_of_row(path: Path, layout: Layout, row_index: int) -> int | None:
    """Line number (1 = header) of data row ``row_index`` (0-based), quoted newlines included."""
    with _text_rows(path, layout) as rows:
        for i, _ in enumerate(rows):
            if i == row_index:
                return rows.line_num
    return None


def first_ragged_line(path: Path | str, layout: Layout, opener: Opener | None = None) -> int | None:
    """Line of the first data row whose number of fields is not the header's."""
    with _text_rows(path, layout, opener) as rows:
        try:
            for row in rows:
                if row and len(row) != len(layout.columns):
                    return rows.line_num
        except (EOFError, OSError, zlib.error):
            return None
    return None


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


def refuse_first(
    path: Path | str,
    mask: pa.Array | pa.ChunkedArray,
    values: pa.Array | pa.ChunkedArray,
    column: str,
    locate: Locate,
    problem: str,
    fix: str = "",
) -> None:
    """DataFormatError at the first row where ``mask`` holds (nulls: no), naming its line and
    column; ``{value}`` in ``problem`` becomes that row's value (as repr)."""
    i = first_true(mask)
    if i is not None:
        value = values[i].as_py()
        raise DataFormatError(
            path, problem.format(value=repr(value)), line=locate(i), column=column, fix=fix
        )


def constant(value: str | bool | None, n: int) -> pa.Array:
    """A column of ``n`` copies of ``value`` (string, or bool), without a Python list."""
    kind = pa.bool_() if isinstance(value, bool) else pa.string()
    return pa.repeat(pa.scalar(value, kind), n)


def require_values(
    path: Path,
    batch: pa.RecordBatch,
    column: str,
    locate: Locate,
    *,
    non_negative: bool = False,
    allow_empty: bool = False,
) -> None:
    """DataFormatError at the first empty (unless allowed) or negative (if asked) value, or
    (with ``non_negative``: an amount) one that is not finite."""
    values = batch.column(column)
    if not allow_empty:
        missing = pc.is_null(values, nan_is_null=True)
        refuse_first(
            path,
            missing,
            values,
            column,
            locate,
            "the value is missing (an empty cell)",
            "Every row needs a value: fill it in or drop the row",
        )
    if non_negative:
        refuse_first(
            path,
            pc.less(values, 0),
            values,
            column,
            locate,
            "negative value {value}",
            "Trade values and quantities are zero or more",
        )
        check_finite(path, values, column, locate)


def check_numbers(
    path: Path,
    layout: Layout,
    batch: pa.RecordBatch,
    start: int,
    column: str,
    *,
    required: bool,
) -> None:
    """:func:`require_values` of an amount, the bad row located exactly (:func:`line_of_row`)."""
    require_values(
        path,
        batch,
        column,
        lambda i: line_of_row(path, layout, start + i),
        non_negative=True,
        allow_empty=not required,
    )


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
    refuse_first(
        path,
        pc.and_(bad, pc.is_valid(values)),
        values,
        column,
        locate,
        f"{{value}} is not a finite amount (at most {limit:.0e} USD)",
        "Correct the value; a huge number is usually a unit or export error",
    )


def year_column(path: Path, batch: pa.RecordBatch, column: str, locate: Locate) -> pa.Array:
    """Years as int16; DataFormatError at the first empty, fractional or implausible year."""
    values = batch.column(column)
    require_values(path, batch, column, locate)
    bad = pc.or_(
        pc.not_equal(pc.floor(values), values),
        pc.or_(pc.less(values, 1900), pc.greater(values, 2100)),
    )
    refuse_first(path, bad, values, column, locate, "{value} is not a year", "use four-digit years")
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
        self, batch: pa.RecordBatch, column: str, locate: Locate, *, upper: bool = False
    ) -> tuple[pa.Array, pa.Array]:
        """``(ISO3 codes, is-a-country flags)`` for ``column``; DataFormatError if unknown."""
        from bilat.reference import countries

        values = batch.column(column)
        i = first_true(pc.is_null(values))
        if i is not None:
            raise DataFormatError(
                self.path, "the country code is empty", line=locate(i), column=column
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
                    self._unknown(raw, values, column, locate)
                self._iso3[raw] = iso3
                self._country[raw] = countries.is_country(iso3)
        iso3 = pa.array([self._iso3[v] for v in distinct], pa.string()).take(encoded.indices)
        flags = pa.array([self._country[v] for v in distinct], pa.bool_()).take(encoded.indices)
        return iso3, flags

    def _unknown(self, raw: str, values: pa.Array, column: str, locate: Locate) -> None:
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
            line=None if i is None else locate(i),
            column=column,
            fix="use ISO3 codes (see bilat.reference.countries)",
        )
