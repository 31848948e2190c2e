"""The serving copy (a DuckDB database of the live tables) always holds exactly the live data.

Expected rows are read straight from the Parquet files the manifest lists, with pyarrow,
after each kind of change; the copy's rows must equal them, queries must read the copy when
it is current and the Parquet files otherwise, and a broken or stale copy never changes an
answer.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from bilat.schema import DERIVED_SCHEMAS, SCHEMAS
from bilat.store import Store, serving
from tests.store.test_store import ROWS, baci_csv

TABLES = {**SCHEMAS, **DERIVED_SCHEMAS}


def parquet_rows(store: Store, table: str) -> pd.DataFrame:
    """The table's live rows, read with pyarrow from the files the manifest lists; the
    columns a file stores once (its constants, in the manifest) put back on its rows."""
    parts = [p for p in store.manifest.partitions.values() if p.table == table]
    if not parts:
        return pd.DataFrame()
    frames = []
    for p in parts:
        frame = pq.read_table(store.root / p.file).to_pandas()
        for column, value in p.constants.items():
            frame[column] = value
        frames.append(frame[list(TABLES[table].names)])
    return _sorted(pd.concat(frames, ignore_index=True))


def copy_rows(path: Path, table: str) -> pd.DataFrame:
    """The table's rows in a serving copy, read with a DuckDB connection of its own."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = {r[0] for r in con.sql("SELECT table_name FROM duckdb_tables()").fetchall()}
        if table not in names:
            return pd.DataFrame()
        cols = ", ".join(f'"{c}"' for c in serving.columns(table))
        return _sorted(con.sql(f'SELECT {cols} FROM "{table}"').to_df())
    finally:
        con.close()


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    df = df.astype({c: object for c in df.columns if df[c].dtype.kind not in "fiub"})
    return df.sort_values(list(df.columns)).reset_index(drop=True)


def assert_copy_is_live(store: Store) -> Path:
    path = store.serving_copy
    assert path is not None and path.exists()
    for table in TABLES:
        want, got = parquet_rows(store, table), copy_rows(path, table)
        assert len(want) == len(got), table
        if len(want):
            pd.testing.assert_frame_equal(got, want, check_dtype=False, obj=table)
    # only the current copy is kept
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]
    return path


def reads_copy(store: Store) -> bool:
    """True when the store's economy_totals view reads the serving copy."""
    con = store.backend.con
    [(sql,)] = con.sql(
        "SELECT sql FROM duckdb_views() WHERE view_name = 'economy_totals' AND temporary"
    ).fetchall()
    return "serving" in sql


def flows_usd(store: Store) -> float:
    """All flows' value, from pair_totals (read from the copy when it is current)."""
    return float(store.table("pair_totals").value_usd.sum().execute())


def test_ingest_builds_a_copy_equal_to_the_parquet_files(tmp_path):
    store = Store(tmp_path / "store")
    store.ingest([baci_csv(tmp_path, 2016, "202201")])
    assert_copy_is_live(store)
    assert reads_copy(store)
    # the three rows of ROWS, thousands of USD to USD
    assert flows_usd(store) == pytest.approx(sum(r[4] for r in ROWS) * 1000)


def test_copy_follows_added_replaced_and_removed_years(tmp_path):
    store = Store(tmp_path / "store")
    store.ingest([baci_csv(tmp_path, 2016, "202201"), baci_csv(tmp_path, 2017, "202201")])
    first = assert_copy_is_live(store)
    # a newer release of 2017 with one row: the copy is updated from the previous one
    newer = [(2017, 643, 410, 270900, 10.0, 1.0)]
    store.ingest([baci_csv(tmp_path, 2017, "202301", rows=newer)])
    second = assert_copy_is_live(store)
    assert second != first and not first.exists()
    assert flows_usd(store) == pytest.approx((sum(r[4] for r in ROWS) + 10.0) * 1000)
    store.remove("baci", year=2016)
    assert_copy_is_live(store)
    assert flows_usd(store) == pytest.approx(10_000.0)
    store.remove("baci")
    assert store.serving_copy is None
    assert not list((store.root / serving.FOLDER).iterdir())


def test_without_a_copy_queries_read_parquet_and_pick_the_copy_up_when_built(tmp_path):
    store = Store(tmp_path / "store")
    store.ingest([baci_csv(tmp_path, 2016, "202201")], serving=False)
    assert store.serving_copy is None
    assert not reads_copy(store)
    expected = sum(r[4] for r in ROWS) * 1000
    assert flows_usd(store) == pytest.approx(expected)
    # built by another process (as `bilat data index` would): this store's next query uses it
    other = Store(store.root)
    other.build_serving_copy()
    assert reads_copy(store)
    assert flows_usd(store) == pytest.approx(expected)


def test_broken_or_stale_copies_never_change_an_answer(tmp_path):
    store = Store(tmp_path / "store")
    store.ingest([baci_csv(tmp_path, 2016, "202201")])
    path = assert_copy_is_live(store)
    expected = flows_usd(store)
    # a current copy that is not a database (disk trouble, another DuckDB's format …)
    path.write_bytes(b"not a duckdb file" * 100)
    reader = Store(store.root)
    assert not reads_copy(reader)
    assert flows_usd(reader) == pytest.approx(expected)
    # `bilat data index` replaces the damaged copy
    Store(store.root).build_serving_copy()
    assert_copy_is_live(store)
    assert reads_copy(Store(store.root))
    # a left-over temporary file and a stale copy: ignored by readers, cleared by the next build
    (path.parent / "tmp-0123.duckdb").write_bytes(b"partial")
    (path.parent / "00000000000000000000.duckdb").write_bytes(b"stale")
    path.unlink()
    assert not reads_copy(Store(store.root))
    assert flows_usd(Store(store.root)) == pytest.approx(expected)
    Store(store.root).build_serving_copy()
    assert_copy_is_live(store)
    assert reads_copy(Store(store.root))


def test_killed_build_leaves_the_store_readable_and_the_next_build_succeeds(tmp_path):
    store = Store(tmp_path / "store")
    rows = [(2016, 643, 410, 100000 + k, 1.0 + k, None) for k in range(200_000)]
    store.ingest([baci_csv(tmp_path, 2016, "202201", rows=rows)], serving=False)
    expected = flows_usd(store)
    script = textwrap.dedent(
        f"""
        from bilat.store import Store
        Store({str(store.root)!r}).build_serving_copy()
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE)
    folder = store.root / serving.FOLDER
    deadline = time.monotonic() + 60
    # kill once the build has started writing its temporary database
    while time.monotonic() < deadline and proc.poll() is None:
        if folder.exists() and any(p.name.startswith("tmp-") for p in folder.iterdir()):
            break
        time.sleep(0.005)
    assert proc.poll() is None, f"the build ended before it could be killed: {proc.stderr.read()}"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    reader = Store(store.root)
    assert reader.serving_copy is None and not reads_copy(reader)
    assert flows_usd(reader) == pytest.approx(expected)
    reader.build_serving_copy()
    assert_copy_is_live(reader)
    assert flows_usd(Store(store.root)) == pytest.approx(expected)


def test_large_detail_stays_in_parquet_and_answers_alike(tmp_path, monkeypatch):
    """Beyond LARGE_ROWS live rows the flows detail and pair_chapters are not copied; the
    store reads them from the Parquet files, with the same answers."""
    src = baci_csv(tmp_path, 2016, "202201")
    small = Store(tmp_path / "small")
    small.ingest([src])
    monkeypatch.setattr(serving, "LARGE_ROWS", 2)  # ROWS: 3 detail rows
    large = Store(tmp_path / "large")
    large.ingest([src])
    con = duckdb.connect(str(large.serving_copy), read_only=True)
    held = {n for (n,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    con.close()
    assert {"pair_totals", "economy_totals"} <= held
    assert not held & {"flows", "pair_chapters"}
    assert reads_copy(large)
    for table in ("flows", "pair_chapters", "pair_totals"):
        want = small.table(table).to_pandas().sort_values(["exporter", "importer", "product"])
        got = large.table(table).to_pandas().sort_values(["exporter", "importer", "product"])
        pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True))
