"""Stream validated batches into per-year Parquet files in a private staging folder."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bilat.errors import DataFormatError
from bilat.schema import SCHEMAS

# Rows buffered per year before a row group is written: large row groups read fast, and
# at ~100 bytes a row this bounds memory to a few hundred MB whatever the file's size.
ROW_GROUP_ROWS = 1_000_000
# Tables too small to be worth one file per year.
_PARTITIONED_BY_YEAR = {"flows"}


@dataclass(frozen=True)
class StagedPart:
    """A Parquet file written to staging, before it is made live."""

    year: int | None
    rows: int
    path: Path
    first_year: int | None = None
    last_year: int | None = None


class _YearSink:
    def __init__(self, path: Path, schema: pa.Schema):
        self.path, self.schema = path, schema
        self.pending: list[pa.RecordBatch] = []
        self.pending_rows = 0
        self.rows = 0
        self.first_year: int | None = None
        self.last_year: int | None = None
        self.writer: pq.ParquetWriter | None = None

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
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.path, self.schema, compression="zstd")
        table = pa.Table.from_batches(self.pending, schema=self.schema)
        self.writer.write_table(table, row_group_size=max(table.num_rows, 1))
        self.rows += table.num_rows
        self.pending, self.pending_rows = [], 0

    def close(self) -> None:
        self.flush()
        if self.writer is None:  # no rows: still a valid, empty file
            pq.write_table(self.schema.empty_table(), self.path, compression="zstd")
        else:
            self.writer.close()


def conform(batch: pa.RecordBatch, schema: pa.Schema, origin: Path) -> pa.RecordBatch:
    """The batch with exactly the table's columns and types; a reader bug becomes a clear error."""
    missing = [f.name for f in schema if f.name not in batch.schema.names]
    if missing:
        raise DataFormatError(origin, f"reader produced no column(s) {', '.join(missing)}")
    cols = []
    for f in schema:
        col = batch.column(batch.schema.get_field_index(f.name))
        if col.type != f.type:
            col = col.cast(f.type)
        if not f.nullable and col.null_count:
            raise DataFormatError(origin, f"{col.null_count} empty value(s)", column=f.name)
        cols.append(col)
    return pa.RecordBatch.from_arrays(cols, schema=schema)


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
                _sink(sinks, None, staging, schema).add(batch)
                continue
            years = batch.column("year")
            uniq = pc.unique(years).to_pylist()
            if len(uniq) == 1:
                _sink(sinks, uniq[0], staging, schema).add(batch)
                continue
            for y in uniq:
                _sink(sinks, y, staging, schema).add(batch.filter(pc.equal(years, y)))
        for s in sinks.values():
            s.close()
    except BaseException:
        for s in sinks.values():
            if s.writer is not None:
                s.writer.close()
        raise
    ordered = sorted(sinks.items(), key=lambda kv: -1 if kv[0] is None else kv[0])
    return [
        StagedPart(year=y, rows=s.rows, path=s.path, first_year=s.first_year, last_year=s.last_year)
        for y, s in ordered
    ]


def _sink(sinks: dict[int | None, _YearSink], year: int | None, staging: Path, schema: pa.Schema):
    if year not in sinks:
        name = f"{'all' if year is None else year}-{uuid.uuid4().hex[:12]}.parquet"
        sinks[year] = _YearSink(staging / name, schema)
    return sinks[year]
