"""CEPII BACI: reconciled bilateral trade by HS6 product, one CSV per year (``t,i,j,k,v,q``).

BACI publishes ``BACI_HS92_Y2019_V202201.csv`` files (``v`` in thousands of USD, ``q`` in tonnes,
``i``/``j`` ISO numeric codes with BACI's own exceptions: 842 USA, 251 FRA, 699 IND, 757 CHE,
490 "Other Asia, n.e.s.") alone, gzipped, or inside the release zip ``BACI_HS92_V202201.zip``
next to ``country_codes_V202201.csv`` and ``product_codes_HS92_V202201.csv``.

Files are streamed with PyArrow's CSV reader (typed columns, bounded memory) and every batch is
validated with vectorised compute; codes are mapped through lookup arrays indexed by the numeric
code, never row by row. When something is wrong, a slow second pass finds the line to report.
"""

from __future__ import annotations

import csv
import difflib
import functools
import io
import queue
import re
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from bilat.errors import DataFormatError, UnknownCodeError
from bilat.schema import FLOWS_SCHEMA, HS_REVISIONS
from bilat.sources import _csv_stream as cs
from bilat.sources import _lines
from bilat.sources._bounds import MAX_QUANTITY, MAX_USD
from bilat.sources._io import BOM, check_zip_member
from bilat.sources.base import FileInfo, Reader

#: BACI's columns, in the order of its files, with the types they are read as.
COLUMNS: dict[str, pa.DataType] = {
    "t": pa.int16(),
    "i": pa.int16(),
    "j": pa.int16(),
    "k": pa.int32(),  # HS6 code written as a number by some releases (10121 = "010121")
    "v": pa.float64(),  # thousands of USD
    "q": pa.float64(),  # tonnes
}
_MEANING = {
    "t": "year",
    "i": "exporter (BACI country code)",
    "j": "importer (BACI country code)",
    "k": "product (HS6 code)",
    "v": "value (thousands of USD)",
    "q": "quantity (tonnes)",
}
#: Bytes of CSV per parsed block (~130k rows); PyArrow reads ~35 blocks ahead: this bounds memory.
BLOCK_SIZE = 4 << 20
# BACI writes a missing quantity as blank or as "NA" right-aligned with spaces ("          NA").
_NULLS = ["", "NA", "NaN", *(" " * n + "NA" for n in range(1, 24))]
_NAME = re.compile(r"BACI_(HS\d{2})_(?:Y(\d{4})_)?V(\d{6}[a-z]?)", re.IGNORECASE)
_FIRST_LINE = 2  # line number of the first data row (line 1 is the header)
# PyArrow's streaming CSV reader parses on one core: a plain file at least this big is cut at
# line ends into PARSERS byte ranges parsed side by side (10M rows: 1.6 -> 0.9 s wall, 2 cores)
SPLIT_BYTES = 64 << 20
PARSERS = 2
# A 6-digit HS code read as a number: chapters 01-97, plus 999999 (commodities not specified).
_MIN_HS6, _MAX_HS6 = 10000, 999999
# Unknown codes listed in one message (each is located by a scan of its batch)
_MAX_UNKNOWN = 20


def parse_name(name: str) -> tuple[str, int | None, str] | None:
    """(HS revision, year or None for a release zip, release) from a BACI file name."""
    m = _NAME.search(name)
    if not m:
        return None
    rev = m.group(1).upper()
    return rev, int(m.group(2)) if m.group(2) else None, m.group(3).lower()


# ---------------------------------------------------------------- where the bytes come from


@dataclass(frozen=True)
class _Part:
    """One yearly CSV: a file on disk, or a member of the release zip."""

    path: Path
    member: str | None
    year: int | None

    @property
    def label(self) -> str:
        """How error messages name it: the file, or ``archive.zip:member.csv``."""
        return f"{self.path}:{self.member}" if self.member else str(self.path)

    def open_arrow(self) -> Any:
        """A stream PyArrow reads natively where it can (plain and gzip files)."""
        if self.member is not None:
            return self._open_member()
        return cs.open_arrow(self.path)

    def ranges(self, parts: int, min_bytes: int) -> list[tuple[int, int]] | None:
        """Byte ranges cutting a plain file at line ends (``_csv_stream.line_ranges``)."""
        return None if self.member is not None else cs.line_ranges(self.path, parts, min_bytes)

    def open_range(self, start: int, end: int) -> Any:
        """A stream of bytes ``start``..``end`` of a plain file."""
        return cs.open_range(self.path, start, end)

    def lines_before(self, offset: int) -> int:
        """Line ends in the first ``offset`` bytes of a plain file (for error line numbers)."""
        return cs.lines_before(self.path, offset)

    def open_bytes(self) -> Any:
        """A Python binary stream of the decompressed text (the slow path for error lines)."""
        if self.member is not None:
            return self._open_member()
        if cs.magic(self.path)[:2] == b"\x1f\x8b":
            import gzip

            return gzip.open(self.path, "rb")
        return open(self.path, "rb")

    def _open_member(self) -> Any:
        # the member keeps the archive's file open until it is itself closed
        with zipfile.ZipFile(self.path) as zf:
            check_zip_member(self.path, zf.getinfo(self.member or ""))
            return zf.open(self.member or "")

    def head(self, n: int = 4096) -> bytes:
        """First ``n`` decompressed bytes; DataFormatError when the compression is damaged."""
        try:
            with self.open_bytes() as fh:
                return fh.read(n)
        except (EOFError, OSError, zlib.error, zipfile.BadZipFile) as exc:
            raise DataFormatError(
                self.label, f"damaged or truncated file ({exc})", fix="Download it again"
            ) from exc


def _is_zip(path: Path) -> bool:
    return cs.magic(path) == b"PK\x03\x04"


# ---------------------------------------------------------------- code tables


class _Countries:
    """BACI country number -> ISO3 and non-country flag, as lookup arrays indexed by the number.

    Numbers are resolved when first seen (a few hundred per file): the release zip's own table
    first, then bilat's BACI numbering (``countries.from_numeric(n, scheme="baci")``). The ISO3
    dictionary holds every code bilat knows, so it is the same for every batch and every file.
    """

    def __init__(self, release_table: dict[int, str] | None = None):
        from bilat.reference import countries

        self.release_table = dict(release_table or {})
        values = sorted(countries.all_codes() | set(self.release_table.values()))
        self.where = {c: k for k, c in enumerate(values)}
        self.dictionary = pa.array(values, type=pa.string())
        self.non_country = np.array([not countries.is_country(c) for c in values], dtype=bool)
        self.position = np.full(1000, -1, dtype=np.int32)  # number -> position; -1 unknown
        self.resolved = np.zeros(1000, dtype=bool)
        self.unknown: dict[int, list[str]] = {}  # number -> suggestions

    def learn(self, numbers: np.ndarray) -> None:
        """Resolve numbers not seen before; those bilat does not know stay at position -1."""
        from bilat.reference import countries

        for n in (int(x) for x in numbers if not self.resolved[x]):
            self.resolved[n] = True
            iso3 = self.release_table.get(n)
            if iso3 is None:
                try:
                    iso3 = countries.from_numeric(n, scheme="baci")
                except UnknownCodeError as exc:
                    self.unknown[n] = exc.suggestions
                    continue
            if iso3 not in self.where:  # cannot happen unless the reference tables disagree
                self.unknown[n] = [f"{iso3} (not a code bilat knows)"]
                continue
            self.position[n] = self.where[iso3]


@dataclass
class _Products:
    """HS6 code (as a number) -> zero-padded string, through a lookup array over 0..999999."""

    # the zip's product list, when it has one (else the revision's chapters, see _Chapters)
    listed: frozenset[int] | _Chapters | None = None
    list_name: str = "the release's product list"
    position: np.ndarray = field(default_factory=lambda: np.full(1_000_000, -1, dtype=np.int32))
    strings: list[str] = field(default_factory=list)
    arr: pa.Array = field(default_factory=lambda: pa.array([], type=pa.string()))

    def learn(self, numbers: np.ndarray) -> list[int]:
        """Add codes not seen yet; returns those not in the release's product list (unknown)."""
        bad = [int(n) for n in numbers if self.listed is not None and int(n) not in self.listed]
        fresh = [int(n) for n in numbers if self.position[n] < 0 and int(n) not in bad]
        for n in fresh:
            self.position[n] = len(self.strings)
            self.strings.append(f"{n:06d}")
        if fresh:
            self.arr = pa.array(self.strings, type=pa.string())
        return bad


class _Chapters:
    """The HS6 numbers of chapters 01–97 but 77, plus 999999, as a set-like object (a code
    list of a million numbers would cost ~60 MB)."""

    def __contains__(self, code: object) -> bool:
        if not isinstance(code, int):
            return False
        chapter = code // 10_000
        return code == _MAX_HS6 or (1 <= chapter <= 97 and chapter != 77)

    def __len__(self) -> int:
        return 96 * 10_000 + 1

    def __iter__(self) -> Iterator[int]:
        for chapter in range(1, 98):
            if chapter != 77:
                yield from range(chapter * 10_000, (chapter + 1) * 10_000)
        yield _MAX_HS6


def _revision_chapters(revision: str) -> tuple[Any, str]:
    """The HS6 codes (as numbers) whose chapter exists in the revision: 01–97 but 77 (reserved)
    in every revision, plus 999999 (not specified); and how messages name the rule.

    Without the release's product list, a code's chapter is what can be checked for sure: 98
    and 99 are national chapters that no HS revision has (``990199`` is no HS92 code).
    """
    return _Chapters(), f"the chapters of {revision} (01–97 but 77)"


def _read_small_csv(data: bytes) -> list[dict[str, str]]:
    text = data.decode("utf-8-sig", errors="replace")  # names may be Latin-1; only codes matter
    return [
        {k.strip(): (v or "").strip() for k, v in row.items()}
        for row in csv.DictReader(io.StringIO(text))
    ]


def _member(zf: zipfile.ZipFile, prefix: str) -> str | None:
    """The zip member whose file name starts with ``prefix`` (e.g. ``country_codes``)."""
    return next((n for n in zf.namelist() if Path(n).name.lower().startswith(prefix)), None)


def _release_countries(zf: zipfile.ZipFile, label: str) -> dict[int, str]:
    """Number -> ISO3 from the zip's ``country_codes_V*.csv`` (blank/N/A codes left to bilat)."""
    member = _member(zf, "country_codes")
    if member is None:
        return {}
    rows = _read_small_csv(zf.read(member))
    num_col = next((c for c in ("country_code",) if rows and c in rows[0]), None)
    iso_col = next((c for c in ("iso_3digit_alpha", "country_iso3") if rows and c in rows[0]), None)
    if num_col is None or iso_col is None:
        raise DataFormatError(
            f"{label}:{member}",
            "no columns country_code and iso_3digit_alpha "
            f"(found: {', '.join(rows[0]) if rows else '-'})",
            line=1,
            fix="Use the country codes file of the BACI release",
        )
    out = {}
    for row in rows:
        iso3 = row[iso_col].upper()
        if row[num_col].isdigit() and re.fullmatch(r"[A-Z]{3}", iso3):
            out[int(row[num_col])] = iso3
    return out


def _release_products(zf: zipfile.ZipFile) -> frozenset[int] | None:
    """The HS6 codes of the zip's ``product_codes_HS*_V*.csv`` (as numbers), if it has one."""
    member = _member(zf, "product_codes")
    if member is None:
        return None
    rows = _read_small_csv(zf.read(member))
    return frozenset(int(r["code"]) for r in rows if r.get("code", "").isdigit())


# ---------------------------------------------------------------- the reader


class BaciReader(Reader):
    """Reads CEPII BACI yearly CSVs (plain, gzipped, or the release zip) into canonical flows."""

    format: ClassVar[str] = "baci"
    table: ClassVar[str] = "flows"

    def __init__(
        self,
        block_size: int = BLOCK_SIZE,
        prefetch: int = 2,
        dictionary: bool = True,
        parsers: int = PARSERS,
        split_bytes: int = SPLIT_BYTES,
    ):
        """Block size (bytes of CSV), batches parsed ahead, dictionary-encoded text columns, and
        how many byte ranges a plain file of at least ``split_bytes`` is parsed in at once."""
        self.parsers, self.split_bytes = parsers, split_bytes
        # dictionary=True: exporter, importer, product and the constant text columns come as
        # pa.dictionary(pa.int32(), pa.string()): the same values, which the store keeps encoded
        # (no hashing of every row when writing Parquet); False gives FLOWS_SCHEMA exactly
        self.block_size, self.prefetch, self.dictionary = block_size, prefetch, dictionary

    def sniff(self, path: Path, head: bytes) -> bool:
        """True for BACI's header ``t,i,j,k,v,q``, or a zip named like a BACI release."""
        if head:
            return cs.header_fields(head.removeprefix(BOM)) == list(COLUMNS)
        return parse_name(Path(path).name) is not None and _is_zip(Path(path))

    def info(self, path: Path) -> FileInfo:
        """HS revision (dataset) and release from the name, e.g. ``BACI_HS92_Y2019_V202201``."""
        parsed = parse_name(Path(path).name)
        if parsed is None or parsed[0] not in HS_REVISIONS:
            raise DataFormatError(
                path,
                "the file name does not say which HS revision and release it holds",
                fix="Keep BACI's own file name, e.g. BACI_HS92_Y2019_V202201.csv or "
                "BACI_HS92_V202201.zip",
            )
        rev, _, release = parsed
        return FileInfo(table="flows", source="baci", dataset=rev, release=release, format="baci")

    def constants(self, path: Path) -> dict[str, str]:
        """The columns that hold one value on every row of the file (the store keeps them once)."""
        return file_constants(self.info(path))

    def batches(self, path: Path) -> Iterator[pa.RecordBatch]:
        """Validated canonical flow batches (USD, ISO3, 6-digit HS) of every year in the file."""
        path = Path(path)
        info = self.info(path)
        products = _Products()
        parts, release_table = self._parts(path, products)
        if products.listed is None:  # no release product list: the revision's chapters
            products.listed, products.list_name = _revision_chapters(info.dataset)
        countries = _Countries(release_table)

        def produce() -> Iterator[pa.RecordBatch]:
            for part in parts:
                yield from _PartReader(
                    part,
                    info,
                    countries,
                    products,
                    self.block_size,
                    self.dictionary,
                    self.parsers,
                    self.split_bytes,
                ).batches()

        # parse and validate in a thread while the caller writes the previous batches: the heavy
        # work on both sides is Arrow C++ that releases the GIL, so the two overlap on 2 cores
        if self.prefetch <= 0:
            yield from produce()
        else:
            yield from prefetched(produce(), self.prefetch)

    def _parts(self, path: Path, products: _Products) -> tuple[list[_Part], dict[int, str]]:
        """The yearly CSVs in ``path`` and the zip's own country table (empty when it has none)."""
        if not path.exists():
            raise DataFormatError(path, "no such file", fix="Check the path")
        if path.stat().st_size == 0:
            raise DataFormatError(path, "the file is empty", fix="Download it again")
        if not _is_zip(path):
            parsed = parse_name(path.name)
            return [_Part(path, None, parsed[1] if parsed else None)], {}
        try:
            with zipfile.ZipFile(path) as zf:
                names = zf.namelist()
                release_table = _release_countries(zf, str(path))
                products.listed = _release_products(zf)
        except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:
            raise DataFormatError(
                path, f"damaged or truncated zip archive ({exc})", fix="Download it again"
            ) from exc
        parts = []
        for name in sorted(names):
            parsed = parse_name(Path(name).name)
            if parsed and parsed[1] is not None and name.lower().endswith(".csv"):
                parts.append(_Part(path, name, parsed[1]))
        if not parts:
            raise DataFormatError(
                path,
                f"the zip holds no BACI yearly file (found: {', '.join(names[:6]) or 'nothing'})",
                fix="Expected members like BACI_HS92_Y2019_V202201.csv",
            )
        return parts, release_table


class _PartReader:
    """Streams and validates one yearly CSV; keeps the running row count for line numbers."""

    def __init__(
        self,
        part: _Part,
        info: FileInfo,
        countries: _Countries,
        products: _Products,
        block: int,
        dictionary: bool = False,
        parsers: int = PARSERS,
        split_bytes: int = SPLIT_BYTES,
    ):
        self.part, self.info, self.countries, self.products = part, info, countries, products
        self.block, self.dictionary, self.parsers = block, dictionary, parsers
        self.split_bytes = split_bytes
        self.rows = 0
        # line number of this reader's first data row (a later byte range's is found on demand)
        self._first_line: Callable[[], int] = lambda: _FIRST_LINE
        # the code tables are shared by the readers of a file's byte ranges
        self._tables_lock = threading.Lock()
        # code -> (first line, column) where it appears
        self._unknown_countries: dict[int, tuple[int, str]] = {}
        self._unknown_products: dict[int, tuple[int, str]] = {}
        # byte offset where a byte range's reader starts (None: at the top of the file)
        self._start_byte: int | None = None

    # -------------------------------------------------------------- stream
    def batches(self) -> Iterator[pa.RecordBatch]:
        header = self._check_header()
        ranges = self.part.ranges(self.parsers, self.split_bytes)
        if ranges is None or len(ranges) < 2:
            yield from self._stream(self.part.open_arrow(), header, None)
        else:
            # each byte range parsed and validated in a thread of its own; the batches come in
            # turn (their order does not matter to the store)
            twins = [self] + [self._twin(start) for start, _ in ranges[1:]]
            streams = [
                prefetched(
                    twin._stream(
                        self.part.open_range(*rng),
                        header,
                        None if k == 0 else header,
                        len(ranges),
                    ),
                    2,
                )
                for k, (twin, rng) in enumerate(zip(twins, ranges, strict=True))
            ]
            yield from _in_turn(streams)
            for twin in twins[1:]:
                self.rows += twin.rows
                for mine, theirs in (
                    (self._unknown_countries, twin._unknown_countries),
                    (self._unknown_products, twin._unknown_products),
                ):
                    for code, where in theirs.items():
                        mine[code] = min(mine.get(code, where), where)
        self._raise_unknown()
        if self.rows == 0:
            raise DataFormatError(
                self.part.label, "the file has a header but no data rows", line=_FIRST_LINE
            )

    def _twin(self, start: int) -> _PartReader:
        """A reader for the byte range from ``start``, sharing this one's tables and lock."""
        twin = _PartReader(
            self.part, self.info, self.countries, self.products, self.block, self.dictionary
        )
        twin._tables_lock = self._tables_lock
        twin._first_line = functools.cache(lambda: self.part.lines_before(start) + 1)
        twin._start_byte = start
        return twin

    def _stream(
        self, stream: Any, header: list[str], names: list[str] | None, ways: int = 1
    ) -> Iterator[pa.RecordBatch]:
        """Validated batches of one stream: the whole file, or one of ``ways`` byte ranges
        (``names`` given: it has no header line)."""
        # side by side, each reader parses smaller blocks: PyArrow reads a fixed number of
        # blocks ahead, so the memory held stays that of one reader
        block = self.block // ways if ways > 1 else self.block
        read = pacsv.ReadOptions(block_size=block, use_threads=True, column_names=names)
        convert = pacsv.ConvertOptions(
            column_types=COLUMNS, include_columns=list(COLUMNS), null_values=_NULLS
        )
        try:
            reader = pacsv.open_csv(stream, read_options=read, convert_options=convert)
            for raw in reader:
                out = self._normalise(raw)
                if out is not None:
                    # where the rows are, should the store find one of them repeated
                    out = (
                        _lines.tag(out, self.rows + _FIRST_LINE)
                        if self._start_byte is None
                        else _lines.tag_bytes(out, self._start_byte, self.rows)
                    )
                self.rows += raw.num_rows
                if out is not None:
                    yield out
        except pa.ArrowInvalid as exc:
            raise self._explain(exc, header) from exc
        except (EOFError, OSError, zlib.error, zipfile.BadZipFile) as exc:
            raise DataFormatError(
                self.part.label,
                f"damaged or truncated file after {self.rows:,} data rows ({exc})",
                line=self.rows + self._first_line(),
                fix="Download it again",
            ) from exc
        finally:
            stream.close()

    def _check_header(self) -> list[str]:
        head = self.part.head()
        label = self.part.label
        if not head:
            raise DataFormatError(label, "the file is empty", fix="Download it again")
        if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:200]:
            raise DataFormatError(
                label,
                "wrong encoding: the file is UTF-16 or binary, not a UTF-8 / ASCII CSV",
                line=1,
                fix="Use the CSV as CEPII publishes it, or save it as UTF-8",
            )
        first = head.removeprefix(BOM).split(b"\n", 1)[0].rstrip(b"\r")
        try:
            text = first.decode("utf-8")
        except UnicodeDecodeError:
            raise DataFormatError(
                label,
                "the first line is not UTF-8 text: not a BACI CSV (wrong encoding or binary)",
                line=1,
                fix="Give a BACI_HSxx_Yyyyy_Vrrrrrr.csv file (plain, .gz or the release .zip)",
            ) from None
        found = [c.strip().strip('"') for c in text.split(",")]
        for name in COLUMNS:
            if name not in found:
                close = difflib.get_close_matches(name, found, n=1, cutoff=0.5)
                hint = f"; is {close[0]!r} the renamed {name!r}?" if close else ""
                raise DataFormatError(
                    label,
                    f"missing column {name!r} ({_MEANING[name]}){hint}; found columns: "
                    f"{', '.join(repr(c) for c in found[:12])}",
                    line=1,
                    column=name,
                    fix="A BACI file has the header t,i,j,k,v,q; for other formats give --format",
                )
        return found

    # -------------------------------------------------------------- per batch
    def _normalise(self, raw: pa.RecordBatch) -> pa.RecordBatch | None:
        """The batch in the canonical schema after every check; None while collecting errors."""
        n = raw.num_rows
        t, i, j, k, v, q = (raw.column(c) for c in COLUMNS)
        for name, col in (("t", t), ("i", i), ("j", j), ("k", k), ("v", v)):
            if col.null_count:
                self._fail_at(
                    pc.is_null(col), col, name, "the value is missing", "Every row needs one"
                )
        self._check_year(t)
        self._check_not_negative(v, "v", required=True)
        self._check_not_negative(q, "q")

        with self._tables_lock:  # another byte range's reader may be learning codes
            exporter = self._countries(i, "i")
            importer = self._countries(j, "j")
            product = self._products(k)
            products = self.products.arr  # grows only: earlier positions stay valid
        if exporter is None or importer is None or product is None:
            return None  # keep scanning to list every unknown code, but write nothing
        flag = self.countries.non_country  # np.take: ~2x faster than fancy indexing here
        non_country = np.take(flag, exporter) | np.take(flag, importer)

        # v is thousands of USD; rounding to 1e-3 USD removes the binary noise of the product
        # (1.005 * 1000 = 1004.9999999999999) and keeps every digit BACI publishes
        value = pc.round(pc.multiply(v, 1000.0), 3)
        columns = {
            "year": t,
            "exporter": self._text(exporter, self.countries.dictionary),
            "importer": self._text(importer, self.countries.dictionary),
            "product": self._text(product, products),
            "value_usd": value,
            "quantity": q,
            "non_country": pa.array(non_country),
            **{k: self._constant(v, n) for k, v in file_constants(self.info).items()},
        }
        arrays = [columns[name] for name in FLOWS_SCHEMA.names]
        if not self.dictionary:
            return pa.RecordBatch.from_arrays(arrays, schema=FLOWS_SCHEMA)
        return pa.RecordBatch.from_arrays(arrays, names=FLOWS_SCHEMA.names)

    def _text(self, positions: np.ndarray, values: pa.Array) -> pa.Array:
        """The strings at ``positions`` in ``values``, dictionary-encoded or plain."""
        indices = pa.array(positions)
        if self.dictionary:
            return pa.DictionaryArray.from_arrays(indices, values, safe=False)  # in range
        return values.take(indices)

    def _constant(self, value: str, n: int) -> pa.Array:
        """``value`` repeated ``n`` times: a zero-copy slice of one long array per value."""
        arr = _repeated(value, self.dictionary)
        if len(arr) < n:
            arr = _repeated(value, self.dictionary, n)
        return arr.slice(0, n)

    def _check_year(self, t: pa.Array) -> None:
        year = self.part.year
        if year is None:
            return
        mm = pc.min_max(t)
        if mm["min"].as_py() != year or mm["max"].as_py() != year:
            self._fail_at(
                pc.not_equal(t, year),
                t,
                "t",
                f"year {{value}} in a file of year {year} (from its name)",
                "Check that the file was not renamed or concatenated with another year",
            )

    def _check_not_negative(self, col: pa.Array, name: str, required: bool = False) -> None:
        if len(col) == 0:
            return
        # numpy's min over the value buffer is ~30x faster than pc.min; slots under a null hold
        # no defined value, so a negative there is confirmed with the null-aware pc.min
        raw = np.frombuffer(
            col.buffers()[1], dtype=np.float64, count=len(col), offset=col.offset * 8
        )
        low, high = raw.min(), raw.max()
        # v is thousands of USD (q tonnes): at most MAX_USD dollars once multiplied; inf, nan
        # and 1e308 (x 1000 = inf) are not amounts
        limit = MAX_USD / 1000 if name == "v" else MAX_QUANTITY
        if (not high <= limit and (pc.max(col).as_py() or 0) > limit) or np.isinf(low):
            self._fail_at(
                pc.invert(pc.less_equal(pc.abs(col), limit)),
                col,
                name,
                "{value!r} is not a finite amount (at most "
                + (f"{limit:.0e} thousand USD)" if name == "v" else f"{limit:.0e} tonnes)"),
                "Correct the value; a huge number is usually an export or unit error",
            )
        if low >= 0:
            return
        if required and np.isnan(low):  # "nan" parses as a number: a value that is not there
            self._fail_at(pc.is_nan(col), col, name, "the value is missing (NaN)", "Fill it in")
        low = pc.min(col).as_py()
        if low is not None and low < 0:
            self._fail_at(
                pc.less(col, 0),
                col,
                name,
                "negative value {value}",
                "Values and quantities are >= 0",
            )

    def _countries(self, col: pa.Array, name: str) -> np.ndarray | None:
        """Positions of the column's BACI numbers among the ISO3 codes; None if any is unknown."""
        nums = col.to_numpy()
        if int(nums.min()) < 0 or int(nums.max()) > 999:
            outside = (nums < 0) | (nums > 999)
            self._note_unknown(self._unknown_countries, col, nums[outside], name)
            nums = nums[~outside]
        positions = np.take(self.countries.position, nums)
        if (positions < 0).any():
            self.countries.learn(np.unique(nums[positions < 0]))
            positions = np.take(self.countries.position, nums)
        if (positions < 0).any():
            self._note_unknown(self._unknown_countries, col, nums[positions < 0], name)
        if self._unknown_countries:
            return None  # nothing will be written: only the codes matter now
        return positions

    def _products(self, col: pa.Array) -> np.ndarray | None:
        """Positions of the column's HS6 codes among the zero-padded strings ("010121")."""
        nums = col.to_numpy()
        lo, hi = int(nums.min()), int(nums.max())
        if lo < _MIN_HS6 or hi > _MAX_HS6:
            self._fail_at(
                pc.or_(pc.less(col, _MIN_HS6), pc.greater(col, _MAX_HS6)),
                col,
                "k",
                "malformed product code {value}: not a 6-digit HS code",
                "BACI products are HS6 codes such as 010121",
            )
        positions = np.take(self.products.position, nums)
        if (positions < 0).any():
            bad = self.products.learn(np.unique(nums[positions < 0]))
            if bad:
                self._note_unknown(self._unknown_products, col, np.array(bad), "k")
            positions = np.take(self.products.position, nums)
        if self._unknown_products:
            return None
        # the dictionary only grows, so earlier batches' positions stay valid; a writer
        # unifies the dictionaries of a row group's batches before writing it
        return positions

    # -------------------------------------------------------------- errors
    def _note_unknown(
        self, into: dict[int, tuple[int, str]], col: pa.Array, codes: np.ndarray, column: str
    ) -> None:
        """Remember each unknown code with the first line and column where it appears."""
        for code in np.unique(codes)[:_MAX_UNKNOWN]:
            code = int(code)
            if len(into) >= _MAX_UNKNOWN:
                break  # enough to report; finding the line of each costs a scan
            if code not in into:
                row = pc.index(col, pa.scalar(code, col.type)).as_py()
                into[code] = (self.rows + row + self._first_line(), column)

    def _raise_unknown(self) -> None:
        label = self.part.label
        if self._unknown_countries:
            items = sorted(self._unknown_countries.items(), key=lambda kv: kv[1])
            listed = "; ".join(
                f"{code} (column {col!r}, line {line}{self._country_hint(code)})"
                for code, (line, col) in items
            )
            raise DataFormatError(
                label,
                f"{len(items)} unknown BACI country code(s): {listed}",
                line=items[0][1][0],
                column=items[0][1][1],
                fix="Use the release zip (its country_codes file maps every number) or check "
                "the codes against BACI's country_codes.csv",
            )
        if self._unknown_products:
            items = sorted(self._unknown_products.items(), key=lambda kv: kv[1])
            # close matches only among a release's list (a few thousand codes)
            listed = self.products.listed or ()
            known = [f"{c:06d}" for c in sorted(listed)] if len(listed) < 100_000 else []
            listed = "; ".join(
                f"{code:06d} (line {line}{_hint(f'{code:06d}', known)})"
                for code, (line, _) in items
            )
            raise DataFormatError(
                label,
                f"{len(items)} product code(s) not in {self.products.list_name}: {listed}",
                line=items[0][1][0],
                column="k",
                fix="Check the HS revision of the file (its name says which) against the "
                "product_codes file of the release",
            )

    def _country_hint(self, code: int) -> str:
        suggestions = self.countries.unknown.get(code)
        if suggestions:
            return f"; did you mean {suggestions[0]}?"
        known = [str(n) for n in np.flatnonzero(self.countries.position >= 0)]  # seen so far
        return _hint(str(code), known)

    def _fail_at(
        self, mask: pa.Array, values: pa.Array, column: str, problem: str, fix: str
    ) -> None:
        """Raise at the first row where ``mask`` is true, naming its line and value."""
        row = pc.index(pc.fill_null(mask, False), True).as_py()
        value = values[row].as_py()
        raise DataFormatError(
            self.part.label,
            problem.format(value=value),
            line=self.rows + row + self._first_line(),
            column=column,
            fix=fix,
        )

    def _explain(self, exc: pa.ArrowInvalid, header: list[str]) -> DataFormatError:
        """A PyArrow parse error turned into one naming the line and column (slow second pass)."""
        msg = str(exc)
        label = self.part.label
        layout = cs.Layout(tuple(header))
        m = cs.CONVERSION.search(msg)
        if m:
            column = header[int(m.group(1))]
            bad = m.group(3)
            line, _ = cs.first_row_where(
                label, layout, column, lambda v: v.strip() == bad.strip(), self.part.open_bytes
            )
            if column in ("i", "j") and re.fullmatch(r"-?\d+", bad.strip()):
                problem = f"unknown BACI country code {bad.strip()}"
            elif column == "k":
                problem = f"malformed product code {bad!r}: not a 6-digit HS code"
            elif "\ufffd" in bad or not bad.isascii():
                problem = f"{bad!r} is not a number: wrong encoding?"
            else:
                problem = f"{bad!r} is not a number ({_MEANING.get(column, column)})"
            return DataFormatError(
                label, problem, line=line, column=column, fix="Correct the value"
            )
        if "Expected" in msg and "columns" in msg:
            width = len(header)
            line = cs.first_ragged_line(label, layout, self.part.open_bytes)
            return DataFormatError(
                label,
                f"wrong number of fields ({msg.split(':', 1)[-1].strip()[:80]}); a line cut short "
                "means the file is truncated",
                line=line,
                fix=f"Each line needs {width} comma-separated fields; download the file again",
            )
        if "straddl" in msg:
            return cs.long_line_error(label, self.part.open_bytes())
        if "UTF8" in msg or "UTF-8" in msg:
            return DataFormatError(label, "wrong encoding: not UTF-8 text", fix="Save it as UTF-8")
        return DataFormatError(label, f"cannot be parsed ({msg[:200]})")


def file_constants(info: FileInfo) -> dict[str, str]:
    """BACI's columns that are the same on every row of a file: annual, reconciled exports in
    tonnes, of one HS revision and release."""
    return {
        "period": "A",
        "hs_revision": info.dataset,
        "quantity_unit": "t",
        "flow": "X",
        "reported_by": "reconciled",
        "source": "baci",
        "release": info.release,
    }


@functools.lru_cache(maxsize=64)
def _repeated(value: str, dictionary: bool, size: int = 1 << 18) -> pa.Array:
    """A long array of one string, built from buffers (``pa.repeat`` is ~100x slower)."""
    if dictionary:
        zeros = pa.array(np.zeros(size, dtype=np.int32))
        return pa.DictionaryArray.from_arrays(zeros, pa.array([value], pa.string()), safe=False)
    data = value.encode()
    offsets = np.arange(0, (size + 1) * len(data), len(data), dtype=np.int32)[: size + 1]
    return pa.StringArray.from_buffers(size, pa.py_buffer(offsets), pa.py_buffer(data * size))


_DONE = object()


def prefetched(items: Iterator[Any], depth: int) -> Iterator[Any]:
    """The items of ``items``, produced by a worker thread up to ``depth`` ahead of the consumer.

    Errors raised by the producer are raised here, in the consumer; when the consumer stops early
    (an exception, ``close()``), the worker stops at its next item and closes the producer.
    """
    slots: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                slots.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for item in items:
                if not put(item):
                    break
            else:
                put(_DONE)
        except BaseException as exc:  # handed over to the consumer, which re-raises it
            put(_Failure(exc))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    worker = threading.Thread(target=work, name="bilat-baci-reader", daemon=True)
    worker.start()
    try:
        while True:
            item = slots.get()
            if item is _DONE:
                return
            if isinstance(item, _Failure):
                raise item.error
            yield item
    finally:
        stop.set()
        worker.join()


def _in_turn(streams: list[Iterator[Any]]) -> Iterator[Any]:
    """The items of several iterators, one from each in turn until all are done; closing this
    (or an error in one) closes them all."""
    live = list(streams)
    try:
        while live:
            for it in list(live):
                try:
                    yield next(it)
                except StopIteration:
                    live.remove(it)
    finally:
        for it in streams:
            close = getattr(it, "close", None)
            if close is not None:
                close()


@dataclass(frozen=True)
class _Failure:
    error: BaseException


def _hint(code: str, known: list[str]) -> str:
    close = difflib.get_close_matches(code, known, n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else ""
