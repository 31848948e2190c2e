"""Stream validated batches into per-year Parquet files in a private staging folder.

Columns the reader says hold one value throughout the file (``constants``) are checked on
every chunk and written once, in the file's metadata and the manifest, not on every row (see
``bilat.store.constants``). Flows are also summed, while they stream, into the derived tables
``pair_totals``, ``pair_chapters`` and ``economy_totals`` (see ``bilat.schema``); each is
staged beside its year's detail file and made live in the same manifest swap, so they can
never disagree.
"""

from __future__ import annotations

import uuid
from collections import deque
from collections.abc import Collection, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bilat.errors import DataFormatError
from bilat.schema import DERIVED_SCHEMAS, SCHEMAS, SUMMED, TOTAL
from bilat.sources._bounds import MAX_USD
from bilat.store import constants as const
from bilat.store.duplicates import FlowKeys

# Rows buffered per year before they are sorted, summed and written: this bounds memory
# whatever the file's size. 2^19 rather than 1M: a chunk's columns (4 MB each) stay in cache
# through the sort and the sums, and the writers start and finish sooner (10M BACI rows:
# ~12 % less CPU and ~15 % less time than with 1M, measured side by side; 2^18 no better).
ROW_GROUP_ROWS = 524_288
# Rows per Parquet row group on disk, and per data page inside it. A page index (min/max per
# page) is written too: DuckDB reads only the pages whose exporter/importer range holds a pair,
# so a pair's look-up decodes a few 4,096-row pages per year instead of whole row groups, while
# row groups stay large enough that their per-group cost (in writing, and in every scan) is
# small. Measured in benchmarks/README.md, "Report (ledger)".
PRUNE_ROWS = 131_072
DERIVED_PRUNE_ROWS = 131_072
PAGE_ROWS = 4_096
# Codec of the numeric columns: LZ4 costs ~40 % less CPU to write than zstd (and less to read)
# for files ~25 % larger; text is dictionary-encoded and left uncompressed. HS6 products too:
# a 131k-row group holds a few thousand distinct codes, so their dictionary pays.
NUMBERS = "lz4"
# Values handed to the Parquet encoder at a time (1,024 by default): fewer, larger calls
# (~0.36 CPU s saved per 10M rows; a row group still ends at PRUNE_ROWS).
WRITE_BATCH_ROWS = 65_536
# Columns that queries filter on: only they get min/max statistics (the rest cost time).
# Not product: in a row group sorted by pair its codes span the whole range, so its min/max
# would skip nothing, and string min/max cost ~0.7 CPU s per 10M rows. (A file that keeps
# period, flow … once, as constants, has no such columns: the views filter on the literals.)
STATS = ["year", "period", "exporter", "importer", "flow", "reported_by", "source"]
# Tables too small to be worth one file per year.
_PARTITIONED_BY_YEAR = {"flows"}
_KEYS = [f.name for f in DERIVED_SCHEMAS["pair_totals"]][:-2]


@dataclass(frozen=True)
class StagedPart:
    """A Parquet file written to staging, before it is made live; ``derived`` files beside it."""

    year: int | None
    rows: int
    path: Path
    first_year: int | None = None
    last_year: int | None = None
    derived: tuple[tuple[str, Path, int], ...] = ()
    # the detail's constant columns (a derived file has those of them in its schema)
    constants: tuple[tuple[str, str], ...] = ()
    # kinds of product code in the detail: HS digits as '2', '4', '6', other codes as they are
    codes: tuple[str, ...] = ()


def _is_text(t: pa.DataType) -> bool:
    return pa.types.is_string(t) or pa.types.is_large_string(t)


def _dict_text(t: pa.DataType) -> bool:
    return pa.types.is_dictionary(t) and _is_text(t.value_type)


class _Background:
    """Parquet writes run in worker threads ("lanes", one thread each, in order) while the
    next chunk is prepared.

    Arrow's Parquet encoder releases the GIL, so on two cores encoding the detail overlaps
    with encoding the derived tables, sorting and summing the next chunk and the reader's
    parsing. At most ``depth`` writes wait per lane, which bounds memory to a few chunks; a
    failed write is raised at the next ``submit`` or at ``drain``.
    """

    def __init__(self, lanes: tuple[str, ...] = ("detail", "derived"), depth: int = 2) -> None:
        self.pools = {
            lane: ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"bilat-write-{lane}")
            for lane in lanes
        }
        self.depth = depth
        self.pending: dict[str, deque[Future]] = {lane: deque() for lane in lanes}

    def submit(self, lane: str, fn, *args) -> None:
        """Run ``fn(*args)`` in ``lane``'s thread, after that lane's earlier writes."""
        waiting = self.pending[lane]
        while len(waiting) >= self.depth:
            waiting.popleft().result()
        waiting.append(self.pools[lane].submit(fn, *args))

    def drain(self) -> None:
        """Wait for every write; the first failure is raised."""
        try:
            for waiting in self.pending.values():
                while waiting:
                    waiting.popleft().result()
        finally:
            for waiting in self.pending.values():
                waiting.clear()

    def shutdown(self) -> None:
        """Wait for the writes without raising (after a failure elsewhere), stop the threads."""
        for waiting in self.pending.values():
            for f in waiting:
                f.exception()
            waiting.clear()
        for pool in self.pools.values():
            pool.shutdown(wait=True)


class _Sums:
    """``pair_totals`` / ``pair_chapters`` of one year's flows, written as the detail streams.

    Each flushed chunk of detail (sorted by pair) is summed and its sums appended to the
    derived file at once, so memory stays bounded by the chunk. Rows with equal keys are
    summed where they are adjacent (runs): a pair whose rows straddle two chunks, or come
    back later in a chunk, gets one row per run; every query sums, so the figures are the same.
    """

    def __init__(
        self, detail_path: Path, background: _Background, constants: dict[str, str]
    ) -> None:
        self.paths = {n: detail_path.with_name(f"{n}-{detail_path.name}") for n in DERIVED_SCHEMAS}
        self.constants = {n: const.for_schema(constants, s) for n, s in DERIVED_SCHEMAS.items()}
        # keys that vary from row to row: the constants are the same in every sum
        self.keys = [k for k in _KEYS if k not in constants]
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.rows: dict[str, int] = {name: 0 for name in DERIVED_SCHEMAS}
        self.background = background
        # the product codes seen, for the partition's coverage: the digits of HS codes, and
        # the codes that are not HS (TOTAL, MANUF) — from each chunk's small dictionary
        self.codes: set[str] = set()
        self._seen_dictionary: object = None

    def add(self, table: pa.Table) -> None:
        """Sum one chunk of detail (text dictionary-encoded, sorted by pair) and append the sums.

        One pass over the detail by pair and "code" (the chapter, or TOTAL for all-goods
        rows), then pair_totals from that much smaller table, both as sums over runs of equal
        integer keys (dictionary indices): no strings are hashed or compared per row.
        """
        product = table.column("product").combine_chunks()
        self._note_codes(product)
        # HS codes roll up to their chapter; TOTAL and non-HS aggregates (MANUF) stay as they are
        code = _map_text(
            product,
            lambda d: pc.if_else(
                pc.match_substring_regex(d, "^[0-9]{2}"), pc.utf8_slice_codeunits(d, 0, 2), d
            ),
        )
        keys = {
            k: (code if k == "product" else table.column(k).combine_chunks()) for k in self.keys
        }
        value = table.column("value_usd").to_numpy()
        starts = _run_starts(list(keys.values()))
        by_code = {k: col.take(pa.array(starts)) for k, col in keys.items()}
        sums = np.add.reduceat(value, starts)
        counts = np.diff(np.append(starts, len(value)))

        code_index = by_code["product"].indices.to_numpy()
        is_total_code = pc.equal(code.dictionary, TOTAL).to_numpy(zero_copy_only=False)
        is_chapter_code = pc.match_substring_regex(code.dictionary, "^[0-9]{2}$")
        is_total = is_total_code[code_index]
        keep = is_chapter_code.to_numpy(zero_copy_only=False)[code_index]
        if keep.any():
            chapters = {k: c.filter(pa.array(keep)) for k, c in by_code.items()}
            self._write("pair_chapters", chapters, sums[keep], counts[keep])

        # pair_totals: product is TOTAL for the source's own totals, SUMMED for product detail
        flag = pa.DictionaryArray.from_arrays(
            pa.array(is_total.astype(np.int32)), pa.array([SUMMED, TOTAL])
        )
        rest = [c for k, c in by_code.items() if k != "product"] + [flag]
        t_starts = _run_starts(rest)
        totals = {
            k: (flag if k == "product" else c).take(pa.array(t_starts)) for k, c in by_code.items()
        }
        t_sums, t_counts = np.add.reduceat(sums, t_starts), np.add.reduceat(counts, t_starts)
        self._write("pair_totals", totals, t_sums, t_counts)
        # every row again under each of its two economies, sorted by economy, so that all of
        # A's trade (as exporter or importer) is one run of rows
        n = len(t_sums)
        economy = pc.dictionary_encode(
            pa.concat_arrays(
                [totals["exporter"].cast(pa.string()), totals["importer"].cast(pa.string())]
            )
        )
        twice = {k: pa.concat_arrays([c, c]) for k, c in totals.items()}
        order = np.lexsort(
            (
                _alphabetical(twice["importer"]),
                _alphabetical(twice["exporter"]),
                _alphabetical(economy),
            )
        )
        take = pa.array(order)
        by_economy = {"economy": economy.take(take), **{k: c.take(take) for k, c in twice.items()}}
        idx = order % n
        self._write("economy_totals", by_economy, t_sums[idx], t_counts[idx])

    def _note_codes(self, product: pa.Array) -> None:
        """Add the chunk's kinds of product code: '6' for six-digit HS codes …, or the code."""
        d = product.dictionary if pa.types.is_dictionary(product.type) else pc.unique(product)
        if d is self._seen_dictionary:  # readers share one dictionary across chunks
            return
        self._seen_dictionary = d
        digits = pc.match_substring_regex(d, "^[0-9]+$")
        lengths = pc.unique(pc.utf8_length(d.filter(digits)))
        self.codes |= {str(n) for n in lengths.to_pylist()}
        self.codes |= set(pc.unique(d.filter(pc.invert(digits))).to_pylist())

    def _write(self, name: str, keys: dict, value: np.ndarray, rows: np.ndarray) -> None:
        schema = const.stored(DERIVED_SCHEMAS[name], self.constants[name])
        columns = [keys[f.name] for f in schema if f.name in keys]
        columns += [pa.array(value, pa.float64()), pa.array(rows, pa.int64())]
        # text stays dictionary-encoded (cheaper to write); without the Arrow schema in the
        # file, readers see plain strings as in DERIVED_SCHEMAS
        fields = [
            pa.field(f.name, c.type, f.nullable) for f, c in zip(schema, columns, strict=True)
        ]
        part = pa.Table.from_arrays(columns, schema=pa.schema(fields))
        if name not in self.writers:
            self.writers[name] = pq.ParquetWriter(
                self.paths[name],
                part.schema,
                # as the detail: RLE packs the dictionary indices, LZ4 the numbers
                compression={
                    f.name: "none" if _dict_text(f.type) else NUMBERS for f in part.schema
                },
                store_schema=False,
                write_statistics=[*STATS, "product", "economy"],
                use_dictionary=[f.name for f in schema if _is_text(f.type)],
                write_batch_size=WRITE_BATCH_ROWS,
                write_page_index=True,
                max_rows_per_page=PAGE_ROWS,
            )
            self.writers[name].add_key_value_metadata(const.metadata(self.constants[name]))
        elif part.schema != self.writers[name].schema:
            part = part.cast(self.writers[name].schema)
        self.background.submit("derived", self.writers[name].write_table, part, DERIVED_PRUNE_ROWS)
        self.rows[name] += part.num_rows

    def close(self) -> tuple[tuple[str, Path, int], ...]:
        """Close the derived files (an empty one where the detail had no such rows)."""
        self.background.drain()
        for name in DERIVED_SCHEMAS:
            if name in self.writers:
                self.writers.pop(name).close()
            else:
                _write_empty(DERIVED_SCHEMAS[name], self.constants[name], self.paths[name])
        return tuple((n, self.paths[n], self.rows[n]) for n in DERIVED_SCHEMAS)

    def abort(self) -> None:
        for w in self.writers.values():
            w.close()


def _write_empty(schema: pa.Schema, constants: dict[str, str], path: Path) -> None:
    """A valid Parquet file of no rows, with the columns and metadata of a written one."""
    empty = const.stored(schema, constants).empty_table()
    pq.write_table(empty.replace_schema_metadata(const.metadata(constants)), path)


def _run_starts(columns: list[pa.Array]) -> np.ndarray:
    """Row numbers where any of ``columns`` differs from the row before (0 included), int64."""
    n = len(columns[0])
    change = np.zeros(n, dtype=bool)
    if n:
        change[0] = True
    for col in columns:
        if isinstance(col, pa.DictionaryArray) and len(col.dictionary) == 1:
            continue  # one value throughout (the constant source, release, flow ...)
        c = _integers(col)
        if n and c.dtype.kind in "iu" and c.min() == c.max():
            continue  # one number throughout (the year of a year's file)
        change[1:] |= c[1:] != c[:-1]
    return np.flatnonzero(change)


def _integers(col: pa.Array) -> np.ndarray:
    """The column as integers that are equal where the values are: dictionary indices for text."""
    if isinstance(col, pa.DictionaryArray):
        return col.indices.to_numpy()
    if not _is_text(col.type):
        return col.to_numpy(zero_copy_only=False)
    return pc.dictionary_encode(col).indices.to_numpy()


def _codecs(schema: pa.Schema) -> dict[str, str]:
    """Per column: none for dictionary-encoded text (RLE packs its indices), NUMBERS else."""
    return {f.name: "none" if _dict_text(f.type) else NUMBERS for f in schema}


def _map_text(col: pa.Array, fn) -> pa.Array:
    """``fn`` applied to a text column; on a dictionary column only to its (few) distinct values."""
    if not isinstance(col, pa.DictionaryArray):
        col = pc.dictionary_encode(col)
    mapped = fn(col.dictionary)
    if not _is_text(mapped.type):
        return mapped.take(col.indices)
    # re-encode, so that equal results share one code and sum together
    enc = pc.dictionary_encode(mapped)
    return pa.DictionaryArray.from_arrays(enc.indices.take(col.indices), enc.dictionary)


def _encoded(table: pa.Table) -> pa.Table:
    """Text columns dictionary-encoded: few distinct values, so grouping, sorting and writing
    them costs a hash per row once instead of string work in each step."""
    for i, f in enumerate(table.schema):
        if _is_text(f.type):
            table = table.set_column(i, f.name, pc.dictionary_encode(table.column(i)))
    return table.unify_dictionaries()


class _YearSink:
    def __init__(
        self,
        path: Path,
        schema: pa.Schema,
        derive: bool,
        background: _Background,
        constants: dict[str, str],
        origin: Path,
    ):
        self.path, self.schema = path, schema
        self.constants, self.origin = constants, origin
        self.pending: list[pa.RecordBatch] = []
        self.pending_rows = 0
        self.rows = 0
        self.first_year: int | None = None
        self.last_year: int | None = None
        self.writer: pq.ParquetWriter | None = None
        self.in_schema: pa.Schema | None = None
        self.writer_schema: pa.Schema | None = None
        self.background = background
        self.sums = _Sums(path, background, constants) if derive else None

    def add(self, batch: pa.RecordBatch) -> None:
        if "year" in batch.schema.names:
            year = batch.column("year").to_numpy(zero_copy_only=False)
            if len(year):
                lo, hi = int(year.min()), int(year.max())
                self.first_year = lo if self.first_year is None else min(self.first_year, lo)
                self.last_year = hi if self.last_year is None else max(self.last_year, hi)
        self.pending.append(batch)
        self.pending_rows += batch.num_rows
        if self.pending_rows >= ROW_GROUP_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        if self.in_schema is None:
            self.in_schema = self.pending[0].schema
        table = pa.Table.from_batches(
            [b if b.schema == self.in_schema else b.cast(self.in_schema) for b in self.pending]
        )
        self.pending, self.pending_rows = [], 0
        if self.constants:
            _check_constants(table, self.constants, self.origin)
            table = table.drop_columns(list(self.constants))
        if self.sums is not None:
            table = _clustered(_encoded(table))
            self.sums.add(table)
        if self.writer is None:
            self.writer_schema = table.schema
            encoded = [f.name for f in table.schema if _dict_text(f.type)]
            self.writer = pq.ParquetWriter(
                self.path,
                table.schema,
                # dictionary indices are runs of few values (the table is sorted by pair, most
                # text is constant): RLE already packs them, compression on top only costs time
                compression={
                    f.name: "none" if f.name in encoded else NUMBERS for f in table.schema
                },
                # no Arrow schema in the file: readers see plain strings, as in SCHEMAS
                store_schema=False,
                write_statistics=[c for c in STATS if c in table.schema.names],
                # only text: trying dictionaries on values and quantities costs time, gains little
                use_dictionary=encoded,
                write_batch_size=WRITE_BATCH_ROWS,
                write_page_index=True,
                max_rows_per_page=PAGE_ROWS,
            )
            self.writer.add_key_value_metadata(const.metadata(self.constants))
        if table.schema != self.writer_schema:
            table = table.cast(self.writer_schema)
        self.background.submit("detail", self.writer.write_table, table, PRUNE_ROWS)
        self.rows += table.num_rows

    def close(self) -> None:
        self.flush()
        self.background.drain()
        if self.writer is None:  # no rows: still a valid, empty file
            _write_empty(self.schema, self.constants, self.path)
        else:
            self.writer.close()

    def derived(self) -> tuple[tuple[str, Path, int], ...]:
        """Close the derived tables' files; (table, path, rows) of each."""
        return () if self.sums is None else self.sums.close()

    def codes(self) -> tuple[str, ...]:
        """The kinds of product code the partition holds ('2', '6', 'TOTAL', 'MANUF' …)."""
        return () if self.sums is None else tuple(sorted(self.sums.codes))

    def abort(self) -> None:
        if self.writer is not None:
            self.writer.close()
        if self.sums is not None:
            self.sums.abort()


def _check_constants(table: pa.Table, constants: dict[str, str], origin: Path) -> None:
    """Each constant column holds its one value on every row (else the reader was wrong)."""
    for name, value in constants.items():
        found = set()
        for chunk in table.column(name).chunks:
            one = isinstance(chunk, pa.DictionaryArray) and len(chunk.dictionary) == 1
            found.update((chunk.dictionary if one else pc.unique(chunk)).to_pylist())
        if found - {value}:
            raise DataFormatError(
                origin,
                f"the reader said every row holds {value!r}; found {sorted(map(str, found))[:5]}",
                column=name,
                fix="This is a bug in the reader: report it with the file",
            )


def _clustered(table: pa.Table) -> pa.Table:
    """The rows sorted by (exporter, importer), keeping the input order within a pair.

    With rows of one pair together and pairs in order, each page's min/max statistics span
    one or two exporters and a narrow range of importers, and a pair's look-up reads a page or
    two per year (with importers left in a source's own order, e.g. BACI's numeric codes, a
    look-up reads every page of the exporter: ~2.5x the time, measured). Sources arrive
    grouped by pair, so the chunk is cut into runs of one pair, the runs (a few thousand, not
    a million rows) are ranked alphabetically through the dictionaries, and the rows moved
    once. Input already in order is left as it is.
    """
    n = table.num_rows
    if n < 2:
        return table
    exporter = _encoded_array(table.column("exporter"))
    importer = _encoded_array(table.column("importer"))
    ex, im = exporter.indices.to_numpy(), importer.indices.to_numpy()
    change = np.empty(n, dtype=bool)
    change[0] = True
    np.not_equal(ex[1:], ex[:-1], out=change[1:])
    change[1:] |= im[1:] != im[:-1]
    starts = np.flatnonzero(change)
    ex_rank = _ranks(exporter.dictionary)[ex[starts]]
    im_rank = _ranks(importer.dictionary)[im[starts]]
    run_keys = ex_rank * (int(im_rank.max(initial=0)) + 1) + im_rank
    if bool(np.all(run_keys[1:] >= run_keys[:-1])):
        return table
    order = np.argsort(run_keys, kind="stable")
    lengths = np.diff(np.append(starts, n))[order]
    first = starts[order]
    # output row p in sorted run r (which starts at output row offset[r]) is input row
    # first[r] + p - offset[r]
    offset = np.cumsum(lengths) - lengths
    rows = np.arange(n, dtype=np.int64) + np.repeat(first - offset, lengths)
    return pa.Table.from_arrays([_reordered(c, rows) for c in table.columns], schema=table.schema)


def _encoded_array(col: pa.ChunkedArray) -> pa.DictionaryArray:
    """One dictionary-encoded array of a text column."""
    arr = col.combine_chunks()
    return arr if isinstance(arr, pa.DictionaryArray) else pc.dictionary_encode(arr)


def _ranks(dictionary: pa.Array) -> np.ndarray:
    """Each dictionary value's rank in alphabetical order (int64)."""
    return (
        pc.rank(dictionary, sort_keys="ascending", tiebreaker="dense").to_numpy().astype(np.int64)
    )


def _reordered(col: pa.ChunkedArray, rows: np.ndarray) -> pa.Array:
    """``col[rows]``, through numpy where the values are one plain buffer (and a bitmap)."""
    arr = col.combine_chunks()
    if pa.types.is_boolean(arr.type) and not arr.null_count:
        return pa.Array.from_buffers(arr.type, len(rows), [None, _bits_at(arr, 1, rows)])
    if arr.null_count:
        if not pa.types.is_floating(arr.type):
            return arr.take(pa.array(rows))
        # the values under a null are kept too: any number, the validity bit says it is null
        width = arr.type.bit_width // 8
        values = np.frombuffer(arr.buffers()[1], f"f{width}", len(arr), arr.offset * width)
        buffers = [_bits_at(arr, 0, rows), pa.py_buffer(np.take(values, rows))]
        return pa.Array.from_buffers(arr.type, len(rows), buffers)
    if isinstance(arr, pa.DictionaryArray):
        if len(arr.dictionary) == 1:
            return arr  # one value throughout: any order is the same
        indices = arr.indices.to_numpy()[rows]
        return pa.DictionaryArray.from_arrays(pa.array(indices), arr.dictionary, safe=False)
    if pa.types.is_integer(arr.type) or pa.types.is_floating(arr.type):
        values = arr.to_numpy()
        if pa.types.is_integer(arr.type) and values.min() == values.max():
            return arr  # one value throughout (the year of a year's chunk)
        return pa.array(values[rows], arr.type)
    return arr.take(pa.array(rows))


def _bits_at(arr: pa.Array, buffer: int, rows: np.ndarray) -> pa.Buffer:
    """Bitmap ``buffer`` of ``arr`` (0: validity, 1: boolean values) at ``rows``: unpacked,
    gathered and packed with numpy (~3x faster than Arrow's take on a bitmap)."""
    raw = np.frombuffer(arr.buffers()[buffer], dtype=np.uint8)
    bits = np.unpackbits(raw, bitorder="little", count=arr.offset + len(arr))[arr.offset :]
    return pa.py_buffer(np.packbits(np.take(bits, rows), bitorder="little"))


def _alphabetical(col: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Each row's code as its rank in alphabetical order (int64), via the column's dictionary."""
    arr = _encoded_array(col) if isinstance(col, pa.ChunkedArray) else col
    if not isinstance(arr, pa.DictionaryArray):
        arr = pc.dictionary_encode(arr)
    return _ranks(arr.dictionary)[arr.indices.to_numpy()]


def conform(batch: pa.RecordBatch, schema: pa.Schema, origin: Path) -> pa.RecordBatch:
    """The batch with exactly the table's columns and types; a reader bug becomes a clear error.

    Text columns may come dictionary-encoded (same values, cheaper to write and group): they
    are kept so, and read back as plain strings.
    """
    missing = [f.name for f in schema if f.name not in batch.schema.names]
    if missing:
        raise DataFormatError(origin, f"reader produced no column(s) {', '.join(missing)}")
    cols, fields = [], []
    for f in schema:
        col = batch.column(batch.schema.get_field_index(f.name))
        if _is_text(f.type) and _dict_text(col.type):
            if col.type.index_type != pa.int32():
                col = col.cast(pa.dictionary(pa.int32(), pa.string()))
        elif col.type != f.type:
            col = col.cast(f.type)
        if not f.nullable and col.null_count:
            raise DataFormatError(origin, f"{col.null_count} empty value(s)", column=f.name)
        cols.append(col)
        fields.append(pa.field(f.name, col.type, f.nullable))
    return pa.RecordBatch.from_arrays(cols, schema=pa.schema(fields))


def _check_amounts(batch: pa.RecordBatch, origin: Path) -> None:
    """Every value a finite amount (the readers check with line numbers; this catches what
    one missed, e.g. an overflow in a unit conversion): inf would print as inf and as null."""
    span = pc.min_max(batch.column("value_usd"))
    low, high = span["min"].as_py(), span["max"].as_py()
    if low is None or (low >= 0 and high <= MAX_USD):
        return
    bad = low if not low >= 0 else high
    raise DataFormatError(
        origin,
        f"value {bad!r} USD is not a finite amount of at most {MAX_USD:.0e}",
        column="value_usd",
        fix="Check the file's values and the unit they are converted with",
    )


def stage(
    batches: Iterable[pa.RecordBatch],
    table: str,
    staging: Path,
    origin: Path,
    constants: Mapping[str, str] | None = None,
    *,
    repeats: bool = False,
    domestic: bool | Collection[str] = False,
) -> list[StagedPart]:
    """Write ``batches`` of ``table`` into ``staging``, one Parquet file per year (flows) or one.

    ``constants``: text columns that hold one value on every row of the file (the reader's
    ``constants``); each is checked and stored once per file instead of on each row.
    Flows: a flow that appears twice is refused unless ``repeats`` (a format whose rows are
    parts of a flow, to be summed), and one with exporter = importer unless ``domestic`` (a
    gravity panel's intranational flows: True, or the flow codes that may); see
    ``bilat.store.duplicates``.
    """
    schema = SCHEMAS[table]
    fixed = const.for_schema(constants, schema)

    def sink(year: int | None) -> _YearSink:
        if year not in sinks:
            name = f"{'all' if year is None else year}-{uuid.uuid4().hex[:12]}.parquet"
            sinks[year] = _YearSink(staging / name, schema, by_year, background, fixed, origin)
        return sinks[year]

    staging.mkdir(parents=True, exist_ok=True)
    by_year = table in _PARTITIONED_BY_YEAR
    sinks: dict[int | None, _YearSink] = {}
    background = _Background()
    # a flow that appears twice in the file would be counted twice: refused (see duplicates)
    keys = FlowKeys(origin, unique=not repeats, domestic=domestic) if table == "flows" else None
    try:
        for raw in batches:
            batch = conform(raw, schema, origin)
            if batch.num_rows == 0:
                continue
            if keys is not None:
                keys.add(raw)
                _check_amounts(batch, origin)
            if not by_year:
                sink(None).add(batch)
                continue
            years = batch.column("year")
            span = pc.min_max(years)  # cheaper than hashing every row for a batch of one year
            if span["min"] == span["max"]:
                sink(span["min"].as_py()).add(batch)
                continue
            for y in pc.unique(years).to_pylist():
                sink(y).add(batch.filter(pc.equal(years, y)))
        if keys is not None:
            keys.check()
        for s in sinks.values():
            s.close()
        derived = {y: s.derived() for y, s in sinks.items()}
    except BaseException:
        background.shutdown()  # no write may still be running when the files are closed
        for s in sinks.values():
            s.abort()
        raise
    background.shutdown()
    ordered = sorted(sinks.items(), key=lambda kv: -1 if kv[0] is None else kv[0])
    return [
        StagedPart(
            year=y,
            rows=s.rows,
            path=s.path,
            first_year=s.first_year,
            last_year=s.last_year,
            derived=derived[y],
            constants=tuple(sorted(fixed.items())),
            codes=s.codes(),
        )
        for y, s in ordered
    ]
