"""The DuckDB engine: one in-memory connection per store state, with a view per table.

The views read the serving copy (``bilat.store.serving``) when it holds exactly the live files,
else the live Parquet files. A ``StoreSession`` (``bilat.store.session``) opens one connection
per manifest state and runs the ledger's queries on it; this module knows how to open it, how
to run a compiled query on it, and how to turn DuckDB's Arrow result into the pandas frame Ibis
would give.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from bilat.schema import TABLE_SCHEMAS
from bilat.store import constants as const
from bilat.store import manifest as mf
from bilat.store import serving as serving_copy

if TYPE_CHECKING:
    import ibis
    import ibis.expr.types as ir

NAME = "duckdb"


def connect(root: Path, manifest: mf.Manifest) -> tuple[ibis.BaseBackend, Path | None]:
    """An Ibis DuckDB backend with one temporary view per store table over ``manifest``'s
    live data, and the serving copy to look for again when it is not built yet (else None).

    ``parquet_metadata_cache`` makes DuckDB keep the Parquet footers: a connection kept for a
    store state then answers a pair's look-ups without reading them again.
    """
    import ibis

    con = ibis.duckdb.connect()
    con.raw_sql("SET parquet_metadata_cache = true")
    copy = serving_copy.path_for(root, manifest) if manifest.partitions else None
    served = serving_copy.attach(con.con, copy) if copy is not None else set()
    # without a copy (being built, or not wanted), look for it again on each use; a copy there
    # but unreadable is not waited for
    wait = None if served or copy is None or copy.exists() else copy
    for name, schema in TABLE_SCHEMAS.items():
        groups = [(c, [str(root / f) for f in files]) for c, files in manifest.live_groups(name)]
        if name in served:
            cols = ", ".join(f'"{c}"' for c in serving_copy.columns(name))
            con.raw_sql(f'CREATE TEMP VIEW "{name}" AS SELECT {cols} FROM serving."{name}"')
        elif groups:
            # one read per group of files, their constant columns as literals
            con.raw_sql(f'CREATE TEMP VIEW "{name}" AS {const.union_sql(schema, groups)}')
        else:
            con.create_table(name, schema=ibis.Schema.from_pyarrow(schema), temp=True)
    return con, wait


def with_parameters(sql: str, stand_ins: tuple[str, ...]) -> str | None:
    """``sql`` with each stand-in string literal (``'zz-economy-a'`` …) made a bound parameter
    ``$1``, ``$2`` …, or None when a stand-in does not appear as a plain literal.

    Done once per compiled query: the values are then bound by DuckDB at each run
    (``run_sql(..., params)``), never pasted into the SQL text.
    """
    out = sql
    for n, stand_in in enumerate(stand_ins, 1):
        literal = "'" + stand_in.replace("'", "''") + "'"
        if literal not in out:
            return None
        out = out.replace(literal, f"${n}")
    return out


def run_sql(
    backend: ibis.BaseBackend, sql: str, expr: ir.Table, params: list[object] | None = None
) -> pd.DataFrame:
    """Run compiled SQL on the connection, with ``params`` bound to its ``$1, $2 …``; the
    frame has ``expr``'s column types."""
    con = backend.con  # type: ignore[attr-defined]
    if params:
        return to_pandas(expr, con.sql(sql, params=params).to_arrow_table())
    return to_pandas(expr, con.sql(sql).to_arrow_table())


def to_pandas(expr: ir.Table, table: object) -> pd.DataFrame:
    """Arrow result to pandas with the expression's types, as ibis's DuckDB backend does."""
    import pyarrow.types as pat
    from ibis.backends.duckdb.converter import DuckDBPandasData
    from ibis.formats.pandas import PandasData

    def plain(col: object) -> bool:
        t = col.type  # type: ignore[attr-defined]
        if pat.is_integer(t) or pat.is_boolean(t):
            return not col.null_count  # type: ignore[attr-defined]  # NULLs would turn them to floats
        return pat.is_floating(t) or pat.is_string(t) or pat.is_large_string(t)

    if all(plain(c) for c in table.columns):  # type: ignore[attr-defined]
        # the ledger's usual result (numbers and codes): Arrow's own conversion already gives
        # the types ibis would, at a fraction of the cost
        return table.to_pandas()  # type: ignore[attr-defined]
    cols = {}
    for name, col in zip(table.column_names, table.columns, strict=True):  # type: ignore[attr-defined]
        if pat.is_dictionary(col.type):
            col = col.cast(col.type.value_type)
        if pat.is_nested(col.type) or (col.null_count and not pat.is_floating(col.type)):
            cols[name] = col.to_pylist()
        else:
            # numpy-backed (floats with NULLs become NaN), never Arrow-backed: a report then
            # iterates and groups plain arrays
            cols[name] = col.to_pandas(types_mapper=None)
    schema = expr.schema()
    # DuckDB's conversion of its own types, then the generic one ibis ends every result with
    return PandasData.convert_table(
        DuckDBPandasData.convert_table(pd.DataFrame(cols), schema), schema
    )
