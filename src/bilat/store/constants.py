"""Columns that hold one value throughout a file: stored once per file, not on every row.

A reader may say which text columns of a file hold one value throughout (BACI: its source,
release, HS revision, flow, period …). The store then writes those columns once, in the
manifest's partition and in the Parquet file's key-value metadata (``bilat.constants``), instead
of on every row: the Parquet encoder's per-row pass over each such column cost ~0.4 CPU s per
10 million BACI rows. Every reader of the store's files puts them back: the DuckDB views and
the serving copy as SQL literals, Spark as literal columns, ``read_file`` for PyArrow.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

import pyarrow as pa

#: Key of the Parquet key-value metadata entry that lists a file's constant columns (JSON).
METADATA_KEY = "bilat.constants"


def for_schema(constants: Mapping[str, str] | None, schema: pa.Schema) -> dict[str, str]:
    """The constants that are text columns of ``schema`` (a derived table has fewer columns)."""
    if not constants:
        return {}
    text = {f.name for f in schema if pa.types.is_string(f.type)}
    return {c: v for c, v in constants.items() if c in text}


def stored(schema: pa.Schema, constants: Mapping[str, str]) -> pa.Schema:
    """The columns a file of ``schema`` holds on its rows: all but the constants."""
    return pa.schema([f for f in schema if f.name not in constants])


def metadata(constants: Mapping[str, str]) -> dict[str, str]:
    """The Parquet key-value metadata that records ``constants`` in the file itself."""
    return {METADATA_KEY: json.dumps(dict(sorted(constants.items())))}


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def select_list(schema: pa.Schema, constants: Mapping[str, str]) -> str:
    """SQL select list of ``schema``'s columns in order, the constants as text literals."""
    return ", ".join(
        f'{_literal(constants[f.name])}::VARCHAR AS "{f.name}"'
        if f.name in constants
        else f'"{f.name}"'
        for f in schema
    )


#: Files that share their constants: ``[(constants, [file, …]), …]``.
Groups = list[tuple[dict[str, str], list[str]]]


def grouped(files: Iterable[tuple[str, Mapping[str, str]]]) -> Groups:
    """Files with the same constants together, in a stable order."""
    groups: dict[tuple[tuple[str, str], ...], list[str]] = {}
    for file, constants in files:
        groups.setdefault(tuple(sorted(constants.items())), []).append(file)
    return [(dict(key), sorted(paths)) for key, paths in sorted(groups.items())]


def union_sql(schema: pa.Schema, groups: Groups) -> str:
    """One DuckDB query over every group's Parquet files, each with its constants put back."""
    parts = []
    for constants, files in groups:
        listed = ", ".join(_literal(f) for f in files)
        parts.append(f"SELECT {select_list(schema, constants)} FROM read_parquet([{listed}])")
    return "\nUNION ALL\n".join(parts)


def of_file(path: str | Path) -> dict[str, str]:
    """The constants recorded in a Parquet file's metadata (empty for a file that has none)."""
    import pyarrow.parquet as pq  # here: the serving path's SQL helpers above need none of it

    raw = (pq.ParquetFile(path).metadata.metadata or {}).get(METADATA_KEY.encode())
    return json.loads(raw) if raw else {}


def read_file(path: str | Path, schema: pa.Schema) -> pa.Table:
    """A store file read with PyArrow, its constant columns put back, in ``schema``'s order."""
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    constants = of_file(path)
    columns = [
        pa.repeat(pa.scalar(constants[f.name], f.type), table.num_rows)
        if f.name in constants
        else table.column(f.name).cast(f.type)
        for f in schema
    ]
    return pa.Table.from_arrays(columns, schema=schema)
