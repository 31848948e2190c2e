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
from bilat.sources._io import BOM
from bilat.sources.base import FileInfo

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
#: Bytes of CSV per parsed block: large blocks parse fastest; one is ~500k rows, ~50 MB in memory.
BLOCK_SIZE = 16 << 20
# BACI writes a missing quantity as blank or as "NA" right-aligned with spaces ("          NA").
_NULLS = ["", "NA", "NaN", *(" " * n + "NA" for n in range(1, 24))]
_NAME = re.compile(r"BACI_(HS\d{2})_(?:Y(\d{4})_)?V(\d{6}[a-z]?)", re.IGNORECASE)
_CONVERSION = re.compile(r"In CSV column #(\d+): CSV conversion error to \w+: invalid value '(.*)'")
_FIRST_LINE = 2  # line number of the first data row (line 1 is the header)
# A 6-digit HS code read as a number: chapters 01-97, plus 999999 (commodities not specified).
_MIN_HS6, _MAX_HS6 = 10000, 999999


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
            return zipfile.ZipFile(self.path).open(self.member)
        magic = _magic(self.path)
        if magic[:2] == b"\x1f\x8b":
            return pa.input_stream(str(self.path), compression="gzip")
        return pa.input_stream(str(self.path), compression=None)

    def open_bytes(self) -> Any:
        """A Python binary stream of the decompressed text (the slow path for error lines)."""
        if self.member is not None:
            return zipfile.ZipFile(self.path).open(self.member)
        if _magic(self.path)[:2] == b"\x1f\x8b":
            import gzip

            return gzip.open(self.path, "rb")
        return open(self.path, "rb")

    def head(self, n: int = 4096) -> bytes:
        """First ``n`` decompressed bytes; DataFormatError when the compression is damaged."""
        try:
            with self.open_bytes() as fh:
                return fh.read(n)
        except (EOFError, OSError, zlib.error, zipfile.BadZipFile) as exc:
            raise DataFormatError(
                self.label, f"damaged or truncated file ({exc})", fix="Download it again"
            ) from exc


def _magic(path: Path) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(4)


def _is_zip(path: Path) -> bool:
    return _magic(path) == b"PK\x03\x04"


# ---------------------------------------------------------------- code tables


@dataclass
class _Countries:
    """BACI country number -> ISO3 and non-country flag, as lookup arrays indexed by the number."""

    release_table: dict[int, str] = field(default_factory=dict)  # from the zip's own file
    codes: list[str | None] = field(default_factory=lambda: [None] * 1000)
    non_country: list[bool] = field(default_factory=lambda: [True] * 1000)
    resolved: np.ndarray = field(default_factory=lambda: np.zeros(1000, dtype=bool))
    unknown: dict[int, list[str]] = field(default_factory=dict)
    codes_arr: pa.Array | None = None
    flags_arr: pa.Array | None = None

    def learn(self, numbers: np.ndarray) -> None:
        """Resolve the numbers not seen yet (a handful per file) and refresh the lookup arrays."""
        from bilat.reference import countries

        new = [int(n) for n in numbers if not self.resolved[n]]
        if not new and self.codes_arr is not None:
            return
        for n in new:
            self.resolved[n] = True
            iso3 = self.release_table.get(n)
            if iso3 is None:
                try:
                    iso3 = countries.from_numeric(n, scheme="baci")
                except UnknownCodeError as exc:
                    self.unknown[n] = exc.suggestions
                    continue
            self.codes[n] = iso3
            self.non_country[n] = not countries.is_country(iso3)
        self.codes_arr = pa.array(self.codes, type=pa.string())
        self.flags_arr = pa.array(self.non_country, type=pa.bool_())


@dataclass
class _Products:
    """HS6 code (as a number) -> zero-padded string, through a lookup array over 0..999999."""

    listed: frozenset[int] | None = None  # the zip's product list, when it has one
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


class BaciReader:
    """Reads CEPII BACI yearly CSVs (plain, gzipped, or the release zip) into canonical flows."""

    format: ClassVar[str] = "baci"
    table: ClassVar[str] = "flows"

    def sniff(self, path: Path, head: bytes) -> bool:
        """True for BACI's header ``t,i,j,k,v,q``, or a zip named like a BACI release."""
        if head:
            first = head.removeprefix(BOM).split(b"\n", 1)[0].decode("utf-8", "replace")
            return [c.strip().strip('"') for c in first.split(",")] == list(COLUMNS)
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

    def __init__(self, block_size: int = BLOCK_SIZE, prefetch: int = 2):
        self.block_size, self.prefetch = block_size, prefetch

    def batches(self, path: Path) -> Iterator[pa.RecordBatch]:
        """Validated canonical flow batches (USD, ISO3, 6-digit HS) of every year in the file."""
        path = Path(path)
        info = self.info(path)
        countries, products = _Countries(), _Products()
        parts = self._parts(path, countries, products)

        def produce() -> Iterator[pa.RecordBatch]:
            for part in parts:
                yield from _PartReader(part, info, countries, products, self.block_size).batches()

        # parse and validate in a thread while the caller writes the previous batches: the heavy
        # work on both sides is Arrow C++ that releases the GIL, so the two overlap on 2 cores
        if self.prefetch <= 0:
            yield from produce()
        else:
            yield from prefetched(produce(), self.prefetch)

    def _parts(self, path: Path, countries: _Countries, products: _Products) -> list[_Part]:
        if not path.exists():
            raise DataFormatError(path, "no such file", fix="Check the path")
        if path.stat().st_size == 0:
            raise DataFormatError(path, "the file is empty", fix="Download it again")
        if not _is_zip(path):
            parsed = parse_name(path.name)
            return [_Part(path, None, parsed[1] if parsed else None)]
        try:
            with zipfile.ZipFile(path) as zf:
                names = zf.namelist()
                countries.release_table = _release_countries(zf, str(path))
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
        return parts


class _PartReader:
    """Streams and validates one yearly CSV; keeps the running row count for line numbers."""

    def __init__(
        self, part: _Part, info: FileInfo, countries: _Countries, products: _Products, block: int
    ):
        self.part, self.info, self.countries, self.products = part, info, countries, products
        self.block = block
        self.rows = 0
        self._constants: dict[str, pa.Array] = {}
        # code -> (first line, column) where it appears
        self._unknown_countries: dict[int, tuple[int, str]] = {}
        self._unknown_products: dict[int, tuple[int, str]] = {}

    # -------------------------------------------------------------- stream
    def batches(self) -> Iterator[pa.RecordBatch]:
        header = self._check_header()
        read = pacsv.ReadOptions(block_size=self.block, use_threads=True)
        convert = pacsv.ConvertOptions(
            column_types=COLUMNS, include_columns=list(COLUMNS), null_values=_NULLS
        )
        stream = self.part.open_arrow()
        try:
            reader = pacsv.open_csv(stream, read_options=read, convert_options=convert)
            for raw in reader:
                out = self._normalise(raw)
                self.rows += raw.num_rows
                if out is not None:
                    yield out
        except pa.ArrowInvalid as exc:
            raise self._explain(exc, header) from exc
        except (EOFError, OSError, zlib.error, zipfile.BadZipFile) as exc:
            raise DataFormatError(
                self.part.label,
                f"damaged or truncated file after {self.rows:,} data rows ({exc})",
                line=self.rows + _FIRST_LINE,
                fix="Download it again",
            ) from exc
        finally:
            stream.close()
        self._raise_unknown()
        if self.rows == 0:
            raise DataFormatError(
                self.part.label, "the file has a header but no data rows", line=_FIRST_LINE
            )

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
        self._check_not_negative(v, "v")
        self._check_not_negative(q, "q")

        exporter, ex_flag = self._countries(i, "i")
        importer, im_flag = self._countries(j, "j")
        product = self._products(k)
        if self._unknown_countries or self._unknown_products:
            return None  # keep scanning to list every unknown code, but write nothing

        # v is thousands of USD; rounding to 1e-3 USD removes the binary noise of the product
        # (1.005 * 1000 = 1004.9999999999999) and keeps every digit BACI publishes
        value = pc.round(pc.multiply(v, 1000.0), 3)
        columns = {
            "year": t,
            "period": self._constant("A", n),
            "exporter": exporter,
            "importer": importer,
            "product": product,
            "hs_revision": self._constant(self.info.dataset, n),
            "value_usd": value,
            "quantity": q,
            "quantity_unit": self._constant("t", n),
            "flow": self._constant("X", n),
            "reported_by": self._constant("reconciled", n),
            "non_country": pc.or_(ex_flag, im_flag),
            "source": self._constant("baci", n),
            "release": self._constant(self.info.release, n),
        }
        return pa.RecordBatch.from_arrays(list(columns.values()), schema=FLOWS_SCHEMA)

    def _constant(self, value: str, n: int) -> pa.Array:
        # one long array per value, sliced (zero-copy) to each batch's length
        arr = self._constants.get(value)
        if arr is None or len(arr) < n:
            arr = pa.repeat(pa.scalar(value, pa.string()), max(n, 1 << 20))
            self._constants[value] = arr
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

    def _check_not_negative(self, col: pa.Array, name: str) -> None:
        low = pc.min(col).as_py()
        if low is not None and low < 0:
            self._fail_at(
                pc.less(col, 0),
                col,
                name,
                "negative value {value}",
                "Values and quantities are >= 0",
            )

    def _countries(self, col: pa.Array, name: str) -> tuple[pa.Array, pa.Array]:
        """ISO3 codes and non-country flags for a column of BACI numbers, via lookup arrays."""
        nums = col.to_numpy()
        if int(nums.min()) < 0 or int(nums.max()) > 999:
            outside = (nums < 0) | (nums > 999)
            self._note_unknown(self._unknown_countries, col, nums[outside], name)
            nums = nums[~outside]
        seen = np.flatnonzero(np.bincount(nums, minlength=1000))
        self.countries.learn(seen)
        bad = [n for n in seen if self.countries.codes[n] is None]
        if bad:
            self._note_unknown(self._unknown_countries, col, np.array(bad), name)
        if self._unknown_countries:
            return col, col  # nothing will be written: only the codes matter now
        return self.countries.codes_arr.take(col), self.countries.flags_arr.take(col)

    def _products(self, col: pa.Array) -> pa.Array:
        """Zero-padded HS6 strings ("010121") for a column of product codes read as numbers."""
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
        pos = self.products.position[nums]
        if (pos < 0).any():
            bad = self.products.learn(np.unique(nums[pos < 0]))
            if bad:
                self._note_unknown(self._unknown_products, col, np.array(bad), "k")
            pos = self.products.position[nums]
        return self.products.arr.take(pa.array(np.maximum(pos, 0)))

    # -------------------------------------------------------------- errors
    def _note_unknown(
        self, into: dict[int, tuple[int, str]], col: pa.Array, codes: np.ndarray, column: str
    ) -> None:
        """Remember each unknown code with the first line and column where it appears."""
        for code in np.unique(codes):
            code = int(code)
            if code not in into:
                row = pc.index(col, pa.scalar(code, col.type)).as_py()
                into[code] = (self.rows + row + _FIRST_LINE, column)

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
            known = [f"{c:06d}" for c in sorted(self.products.listed or ())]
            listed = "; ".join(
                f"{code:06d} (line {line}{_hint(f'{code:06d}', known)})"
                for code, (line, _) in items
            )
            raise DataFormatError(
                label,
                f"{len(items)} product code(s) not in the release's product list: {listed}",
                line=items[0][1][0],
                column="k",
                fix="Check the HS revision of the file against the product_codes file",
            )

    def _country_hint(self, code: int) -> str:
        suggestions = self.countries.unknown.get(code)
        if suggestions:
            return f"; did you mean {suggestions[0]}?"
        known = [str(n) for n in range(1000) if self.countries.codes[n] is not None]
        return _hint(str(code), known)

    def _fail_at(
        self, mask: pa.Array, values: pa.Array, column: str, problem: str, fix: str
    ) -> None:
        """Raise at the first row where ``mask`` is true, naming its line and value."""
        row = pc.index(pc.fill_null(mask, True), True).as_py()
        value = values[row].as_py()
        raise DataFormatError(
            self.part.label,
            problem.format(value=value),
            line=self.rows + row + _FIRST_LINE,
            column=column,
            fix=fix,
        )

    def _explain(self, exc: pa.ArrowInvalid, header: list[str]) -> DataFormatError:
        """A PyArrow parse error turned into one naming the line and column (slow second pass)."""
        msg = str(exc)
        label = self.part.label
        m = _CONVERSION.search(msg)
        if m:
            column = header[int(m.group(1))]
            bad = m.group(2)
            line = self._find_line(lambda row: _field(row, header, column) == bad.strip())
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
            line = self._find_line(lambda row: len(row) != width)
            return DataFormatError(
                label,
                f"wrong number of fields ({msg.split(':', 1)[-1].strip()[:80]}); a line cut short "
                "means the file is truncated",
                line=line,
                fix=f"Each line needs {width} comma-separated fields; download the file again",
            )
        if "UTF8" in msg or "UTF-8" in msg:
            return DataFormatError(label, "wrong encoding: not UTF-8 text", fix="Save it as UTF-8")
        return DataFormatError(label, f"cannot be parsed ({msg[:200]})")

    def _find_line(self, predicate: Callable[[list[str]], bool]) -> int | None:
        """Line number of the first data row for which ``predicate`` holds (error path only)."""
        with self.part.open_bytes() as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
            rows = csv.reader(text)
            next(rows, None)
            try:
                for row in rows:
                    if row and predicate(row):
                        return rows.line_num
            except (EOFError, OSError, zlib.error):
                return None
        return None


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


@dataclass(frozen=True)
class _Failure:
    error: BaseException


def _field(row: list[str], header: list[str], column: str) -> str:
    idx = header.index(column)
    return row[idx].strip() if idx < len(row) else ""


def _hint(code: str, known: list[str]) -> str:
    close = difflib.get_close_matches(code, known, n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else ""
