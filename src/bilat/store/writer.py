"""Stream validated batches into per-year Parquet files in a private staging folder.

Flows are also summed, while they stream, into the derived tables ``pair_totals`` and
``pair_chapters`` (see ``bilat.schema``); each is staged beside its year's detail file and
made live in the same manifest swap, so the two can never disagree.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bilat.errors import DataFormatError
from bilat.schema import DERIVED_SCHEMAS, SCHEMAS, SUMMED, TOTAL

# Rows buffered per year before they are written: at ~100 bytes a row this bounds memory to a
# few hundred MB whatever the file's size.
ROW_GROUP_ROWS = 1_000_000
# Rows per Parquet row group on disk: small enough that DuckDB's min/max statistics skip all
# but a pair's few row groups, large enough that a full scan stays fast (measured in
# benchmarks/README.md, "Report (ledger)").
PRUNE_ROWS = 8_192
DERIVED_PRUNE_ROWS = 8_192
# Columns that queries filter on: only they get min/max statistics (the rest cost time).
STATS = ["year", "period", "exporter", "importer", "product", "flow", "reported_by", "source"]
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


def _is_text(t: pa.DataType) -> bool:
    return pa.types.is_string(t) or pa.types.is_large_string(t)


def _plain(schema: pa.Schema) -> pa.Schema:
    """The schema with dictionary-encoded text columns as plain strings."""
    return pa.schema(
        [pa.field(f.name, pa.string(), f.nullable) if _dict_text(f.type) else f for f in schema]
    )


def _dict_text(t: pa.DataType) -> bool:
    return pa.types.is_dictionary(t) and _is_text(t.value_type)


class _Sums:
    """``pair_totals`` / ``pair_chapters`` of one year's flows, written as the detail streams.

    Each flushed chunk of detail is summed and its sums appended (sorted by pair) to the
    derived file at once, so memory stays bounded by the chunk. A pair whose rows straddle two
    chunks gets one row per chunk: every query sums, so the figures are the same.
    """

    def __init__(self, detail_path: Path) -> None:
        self.paths = {n: detail_path.with_name(f"{n}-{detail_path.name}") for n in DERIVED_SCHEMAS}
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.rows: dict[str, int] = {name: 0 for name in DERIVED_SCHEMAS}

    def add(self, table: pa.Table) -> None:
        """Sum one chunk of detail (text columns dictionary-encoded) and append the sums.

        One pass over the detail, by pair and "code" (the chapter, or TOTAL for all-goods
        rows); pair_totals is then summed from that much smaller table.
        """
        product = table.column("product").combine_chunks()
        code = _map_text(
            product,
            lambda d: pc.if_else(pc.equal(d, TOTAL), TOTAL, pc.utf8_slice_codeunits(d, 0, 2)),
        )
        base = table.select(_KEYS[:4] + _KEYS[5:] + ["value_usd"]).append_column("product", code)
        by_code = _sum(base, "count")
        is_total = pc.equal(by_code.column("product"), TOTAL)
        chapters = by_code.filter(pc.invert(is_total))
        summed = pc.if_else(is_total, TOTAL, SUMMED)
        totals = _sum(
            by_code.set_column(by_code.schema.get_field_index("product"), "product", summed), "sum"
        )
        for name, t in (("pair_totals", totals), ("pair_chapters", chapters)):
            if t.num_rows:
                self._write(name, t)

    def _write(self, name: str, part: pa.Table) -> None:
        schema = DERIVED_SCHEMAS[name]
        # no sort needed: the chunk was sorted by pair, and a single-threaded group-by keeps
        # groups in order of first appearance
        part = part.select(schema.names).cast(schema)
        if name not in self.writers:
            self.writers[name] = pq.ParquetWriter(
                self.paths[name],
                schema,
                compression="zstd",
                store_schema=False,
                use_dictionary=[f.name for f in schema if _is_text(f.type)],
            )
        self.writers[name].write_table(part, row_group_size=DERIVED_PRUNE_ROWS)
        self.rows[name] += part.num_rows

    def close(self) -> tuple[tuple[str, Path, int], ...]:
        """Close the derived files (an empty one where the detail had no such rows)."""
        for name in DERIVED_SCHEMAS:
            if name in self.writers:
                self.writers.pop(name).close()
            else:
                pq.write_table(DERIVED_SCHEMAS[name].empty_table(), self.paths[name])
        return tuple((n, self.paths[n], self.rows[n]) for n in DERIVED_SCHEMAS)

    def abort(self) -> None:
        for w in self.writers.values():
            w.close()


def _map_text(col: pa.Array, fn) -> pa.Array:
    """``fn`` applied to a text column; on a dictionary column only to its (few) distinct values."""
    if not isinstance(col, pa.DictionaryArray):
        return fn(col)
    mapped = fn(col.dictionary)
    if not _is_text(mapped.type):
        return mapped.take(col.indices)
    # re-encode, so that equal results share one code and group together
    enc = pc.dictionary_encode(mapped)
    return pa.DictionaryArray.from_arrays(enc.indices.take(col.indices), enc.dictionary)


def _text_as_plain(t: pa.Table) -> pa.Table:
    return t.cast(_plain(t.schema)) if any(_dict_text(f.type) for f in t.schema) else t


def _sum(t: pa.Table, rows: str) -> pa.Table:
    """Group by the derived keys, value_usd summed; ``rows="count"`` counts detail rows,
    ``"sum"`` adds up detail_rows. Text comes out as plain strings.

    Key columns with one value in the chunk (year, source, release, flow … usually) are left
    out of the hashing and put back after: most of a group-by's cost is per key column.
    """
    t = t.unify_dictionaries()
    keys = [k for k in _KEYS if k in t.column_names]
    const = {k: t.column(k)[0] for k in keys if t.num_rows and _single(t.column(k))}
    vary = [k for k in keys if k not in const] or keys[:1]
    second = ("value_usd", "count") if rows == "count" else ("detail_rows", "sum")
    g = t.group_by(vary, use_threads=False).aggregate([("value_usd", "sum"), second])
    for k, v in const.items():
        if k not in vary:
            g = g.append_column(t.schema.field(k), pa.repeat(v, g.num_rows).cast(v.type))
    names = {"value_usd_sum": "value_usd", "value_usd_count": "detail_rows"}
    names["detail_rows_sum"] = "detail_rows"
    return _text_as_plain(g.rename_columns([names.get(c, c) for c in g.column_names]))


def _single(col: pa.ChunkedArray) -> bool:
    """True when the column holds one value (no nulls) throughout."""
    if col.null_count:
        return False
    if pa.types.is_dictionary(col.type):  # unified: every chunk shares one dictionary
        if col.num_chunks and len(col.chunk(0).dictionary) == 1:
            return True
        col = pa.chunked_array([c.indices for c in col.chunks], pa.int32())
    mm = pc.min_max(col).as_py()
    return mm["min"] == mm["max"]


def _encoded(table: pa.Table) -> pa.Table:
    """Text columns dictionary-encoded: few distinct values, so grouping, sorting and writing
    them costs a hash per row once instead of string work in each step."""
    for i, f in enumerate(table.schema):
        if _is_text(f.type):
            table = table.set_column(i, f.name, pc.dictionary_encode(table.column(i)))
    return table.unify_dictionaries()


class _YearSink:
    def __init__(self, path: Path, schema: pa.Schema, derive: bool):
        self.path, self.schema = path, schema
        self.pending: list[pa.RecordBatch] = []
        self.pending_rows = 0
        self.rows = 0
        self.first_year: int | None = None
        self.last_year: int | None = None
        self.writer: pq.ParquetWriter | None = None
        self.in_schema: pa.Schema | None = None
        self.writer_schema: pa.Schema | None = None
        self.sums = _Sums(path) if derive else None

    def add(self, batch: pa.RecordBatch) -> None:
        if "year" in batch.schema.names:
            mm = pc.min_max(batch.column("year")).as_py()
            if mm["min"] is not None:
                lo, hi = self.first_year, self.last_year
                self.first_year = mm["min"] if lo is None else min(lo, mm["min"])
                self.last_year = mm["max"] if hi is None else max(hi, mm["max"])
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
        if self.sums is not None:
            table = _clustered(_encoded(table))
            self.sums.add(table)
        if self.writer is None:
            self.writer_schema = table.schema
            self.writer = pq.ParquetWriter(
                self.path,
                table.schema,
                compression="zstd",
                # no Arrow schema in the file: readers see plain strings, as in SCHEMAS
                store_schema=False,
                write_statistics=[c for c in STATS if c in table.schema.names],
                # only text: trying dictionaries on values and quantities costs time, gains little
                use_dictionary=[f.name for f in table.schema if _dict_text(f.type)],
            )
        if table.schema != self.writer_schema:
            table = table.cast(self.writer_schema)
        self.writer.write_table(table, row_group_size=PRUNE_ROWS)
        self.rows += table.num_rows

    def close(self) -> None:
        self.flush()
        if self.writer is None:  # no rows: still a valid, empty file
            pq.write_table(self.schema.empty_table(), self.path, compression="zstd")
        else:
            self.writer.close()

    def derived(self) -> tuple[tuple[str, Path, int], ...]:
        """Close the derived tables' files; (table, path, rows) of each."""
        return () if self.sums is None else self.sums.close()

    def abort(self) -> None:
        if self.writer is not None:
            self.writer.close()
        if self.sums is not None:
            self.sums.abort()


def _clustered(table: pa.Table) -> pa.Table:
    """The rows sorted by (exporter, importer), keeping the input order within a pair.

    With rows of one pair together, each row group's min/max statistics span a narrow range of
    codes and a pair's look-up reads one or two row groups per year. Input already in that
    order (a re-ingested store extract, say) is left as it is; sources sorted by their own
    numeric codes (BACI, Comtrade) are not, because ISO3 order differs.
    """
    exporter = _alphabetical(table.column("exporter"))
    importer = _alphabetical(table.column("importer"))
    key = exporter * (int(importer.max(initial=0)) + 1) + importer
    if len(key) < 2 or bool(np.all(key[1:] >= key[:-1])):
        return table
    return table.take(pa.array(np.argsort(key, kind="stable")))


def _alphabetical(col: pa.ChunkedArray) -> np.ndarray:
    """Each row's code as its rank in alphabetical order (int64), via the column's dictionary."""
    arr = col.combine_chunks()
    if not isinstance(arr, pa.DictionaryArray):
        arr = pc.dictionary_encode(arr)
    rank = pc.rank(arr.dictionary, sort_keys="ascending", tiebreaker="dense")
    return rank.take(arr.indices).to_numpy().astype(np.int64)


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


def stage(
    batches: Iterable[pa.RecordBatch], table: str, staging: Path, origin: Path
) -> list[StagedPart]:
    """Write ``batches`` of ``table`` into ``staging``, one Parquet file per year (flows) or one."""
    schema = SCHEMAS[table]
    staging.mkdir(parents=True, exist_ok=True)
    by_year = table in _PARTITIONED_BY_YEAR
    sinks: dict[int | None, _YearSink] = {}
    try:
        for raw in batches:
            batch = conform(raw, schema, origin)
            if batch.num_rows == 0:
                continue
            if not by_year:
                _sink(sinks, None, staging, schema, False).add(batch)
                continue
            years = batch.column("year")
            uniq = pc.unique(years).to_pylist()
            if len(uniq) == 1:
                _sink(sinks, uniq[0], staging, schema, True).add(batch)
                continue
            for y in uniq:
                _sink(sinks, y, staging, schema, True).add(batch.filter(pc.equal(years, y)))
        for s in sinks.values():
            s.close()
        derived = {y: s.derived() for y, s in sinks.items()}
    except BaseException:
        for s in sinks.values():
            s.abort()
        raise
    ordered = sorted(sinks.items(), key=lambda kv: -1 if kv[0] is None else kv[0])
    return [
        StagedPart(
            year=y,
            rows=s.rows,
            path=s.path,
            first_year=s.first_year,
            last_year=s.last_year,
            derived=derived[y],
        )
        for y, s in ordered
    ]


def _sink(
    sinks: dict[int | None, _YearSink],
    year: int | None,
    staging: Path,
    schema: pa.Schema,
    derive: bool,
) -> _YearSink:
    if year not in sinks:
        name = f"{'all' if year is None else year}-{uuid.uuid4().hex[:12]}.parquet"
        sinks[year] = _YearSink(staging / name, schema, derive)
    return sinks[year]
