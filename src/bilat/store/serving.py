"""The serving copy: the store's live tables in one DuckDB database file, for fast look-ups.

The Parquet files and the manifest are the store. The serving copy is an index built from them
after each change and named by the live files it holds, so a reader uses it only when it holds
exactly the files of the manifest the reader sees; otherwise the reader queries the Parquet
files, which give the same answers more slowly. DuckDB's own tables spare a question the
opening of every year's Parquet file (~0.3 ms per file and column even when its statistics
exclude everything), which is most of a pair look-up's time.

The copy always holds pair_totals and economy_totals (totals, ranks, the source choice: the
look-ups every question starts with) and the macro, distance, agreement and region tables. The
flows detail and pair_chapters are held only while small (≤ ``LARGE_ROWS`` live rows each);
beyond that they stay in their Parquet files, each sorted by pair, whose row-group statistics
skip all but a pair's rows. Decided by measurement (benchmarks/README.md, "End to end"): for a
10M-row BACI file pair_chapters alone is 3.3M rows and 2.0 of the copy's 2.2 CPU seconds; on the
50M-row store the copy went from 1.1 GB to 40 MB (disk 2.3× → 1.05× the Parquet store) and the
report's warm CPU time did not grow (best of 7, three alternating runs at load 5: 0.13–0.22 s
with everything in the copy, 0.09–0.12 s without), its answers identical. Small detail in many
files is the other way round: the demo store's 60 Comtrade year files (1.45M rows) answered a
new pair's API profile in 4–5.5 s from Parquet against 2.3–3.1 s from the copy.

A new copy is made from the previous one (copied, the rows of replaced files deleted, the new
files' rows added) in a temporary file renamed into place when complete, so readers never see a
partial copy and a killed build leaves the store as it was. Readers attach a copy read-only and
never write to it; a copy that is not current is deleted by the next build.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import uuid
from pathlib import Path

from bilat.schema import TABLE_SCHEMAS
from bilat.store import constants as const
from bilat.store import manifest as mf

log = logging.getLogger(__name__)

FOLDER = "serving"
SUFFIX = ".duckdb"
# DuckDB's working memory while building (the build streams Parquet row groups into it).
BUILD_MEMORY = "512MB"
# Rows per DuckDB row group (its default is 122,880): a pair's rows of one year are a short run
# (each Parquet file is sorted by pair), so small groups let the min/max skip all but a few
# (a pair's 25 years: ~7 ms with 16,384, ~14 ms with the default, measured on 50M rows).
ROW_GROUP_ROWS = 16_384
# Rebuild from the Parquet files, instead of updating the previous copy, once the rows deleted
# from it (kept in the file by DuckDB) outnumber half the live ones.
COMPACT_AT = 0.5

TABLES = TABLE_SCHEMAS
#: Tables the copy holds only while they have at most LARGE_ROWS live rows (see above).
LARGE = ("flows", "pair_chapters")
LARGE_ROWS = 2_000_000


def served(manifest: mf.Manifest) -> set[str]:
    """The tables a copy of ``manifest``'s data holds."""
    rows: dict[str, int] = {}
    for p in manifest.partitions.values():
        rows[p.table] = rows.get(p.table, 0) + p.rows
    return {t for t in TABLES if t not in LARGE or rows.get(t, 0) <= LARGE_ROWS}


def fingerprint(manifest: mf.Manifest) -> str:
    """What identifies the live data: a digest of every live Parquet file's path (every write
    gets a file name of its own, never reused, so the paths name the content)."""
    files = sorted(p.file for p in manifest.partitions.values() if p.table in TABLES)
    return hashlib.sha256("\n".join(files).encode()).hexdigest()[:20]


def path_for(root: Path, manifest: mf.Manifest) -> Path:
    """Where the serving copy of ``manifest``'s data is (whether or not it exists)."""
    return root / FOLDER / f"{fingerprint(manifest)}{SUFFIX}"


def current(root: Path, manifest: mf.Manifest) -> Path | None:
    """The serving copy holding exactly ``manifest``'s live files, or None."""
    path = path_for(root, manifest)
    return path if path.exists() and manifest.partitions else None


def attach(con: object, path: Path) -> set[str]:
    """Attach the serving copy at ``path`` (``path_for`` the manifest the caller reads) to a
    DuckDB connection, read-only, as ``serving``; returns the tables it holds, empty when there
    is no usable copy there."""
    if not path.exists():
        return set()
    quoted = str(path).replace("'", "''")
    try:
        con.execute(f"ATTACH '{quoted}' AS serving (READ_ONLY)")  # type: ignore[attr-defined]
        names = con.execute(  # type: ignore[attr-defined]
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'serving'"
        ).fetchall()
    except Exception as exc:  # a copy this DuckDB cannot read: the Parquet files answer
        log.warning("serving copy %s not used (%s); run `bilat data index`", path, exc)
        return set()
    return {n for (n,) in names if n in TABLES}


def columns(name: str) -> list[str]:
    """The columns of a table, in the store's order."""
    return list(TABLES[name].names)


def build(root: Path, manifest: mf.Manifest) -> Path | None:
    """Make the serving copy of ``manifest``'s live files (the caller holds the store's write
    lock); returns its path, None for an empty store. Older copies are deleted."""
    folder = root / FOLDER
    if not manifest.partitions:
        _clear(folder, keep=None)
        return None
    target = path_for(root, manifest)
    if target.exists():
        if _readable(target):
            _clear(folder, keep=target)
            return target
        target.unlink()  # damaged: built again below (readers that have it open keep it)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f"tmp-{uuid.uuid4().hex}{SUFFIX}"
    try:
        _fill(tmp, root, manifest, _base(folder))
        os.replace(tmp, target)
        mf._fsync_dir(folder)
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            leftover.unlink(missing_ok=True)
    _clear(folder, keep=target)
    return target


def _readable(path: Path) -> bool:
    """True when ``path`` opens as a serving copy."""
    import duckdb

    try:
        con = duckdb.connect(str(path), read_only=True)
    except Exception:
        return False
    try:
        return _held(con) is not None
    finally:
        con.close()


def _base(folder: Path) -> Path | None:
    """The newest complete copy, to update rather than build from nothing."""
    copies = [p for p in folder.glob(f"*{SUFFIX}") if not p.name.startswith("tmp-")]
    return max(copies, key=lambda p: p.stat().st_mtime_ns) if copies else None


def _fill(tmp: Path, root: Path, manifest: mf.Manifest, base: Path | None) -> None:
    keep = served(manifest)
    parts = {p.file: p for p in manifest.partitions.values() if p.table in keep}
    live = {file: p.table for file, p in parts.items()}
    con, held = _update_base(tmp, base, live) if base is not None else (None, None)
    if con is None:  # build from nothing
        con = _open(tmp)
        con.execute("CREATE TABLE _parts (id INTEGER, tbl VARCHAR, file VARCHAR)")
        con.execute("CREATE TABLE _meta (deleted BIGINT)")
        con.execute("INSERT INTO _meta VALUES (0)")
        held = {}
    assert held is not None
    try:
        con.execute("BEGIN")
        gone = {f: i for f, (i, _t) in held.items() if f not in live}
        for table in sorted({t for _i, t in held.values()}):
            ids = [i for f, (i, t) in held.items() if t == table and f in gone]
            if ids:
                n = con.execute(
                    f'DELETE FROM "{table}" WHERE _part IN ({", ".join(map(str, ids))})'
                ).fetchone()
                con.execute("UPDATE _meta SET deleted = deleted + ?", [n[0] if n else 0])
        if gone:
            con.execute(f"DELETE FROM _parts WHERE id IN ({', '.join(map(str, gone.values()))})")
        next_id = max((i for i, _t in held.values()), default=-1) + 1
        tables = {t for _i, t in held.values()}
        for file, table in sorted(live.items()):
            if file in held:
                continue
            # the file's constant columns (stored once, not on its rows) as literals
            cols = const.select_list(TABLES[table], parts[file].constants)
            src = str(root / file).replace("'", "''")
            if table not in tables:
                con.execute(
                    f'CREATE TABLE "{table}" AS SELECT {cols}, 0::INTEGER AS _part '
                    f"FROM read_parquet('{src}') LIMIT 0"
                )
                tables.add(table)
            con.execute(
                f"INSERT INTO \"{table}\" SELECT {cols}, {next_id} FROM read_parquet('{src}')"
            )
            con.execute("INSERT INTO _parts VALUES (?, ?, ?)", [next_id, table, file])
            next_id += 1
        for table in tables - set(live.values()):
            con.execute(f'DROP TABLE "{table}"')  # every file of it removed
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())


def _update_base(tmp: Path, base: Path, live: dict) -> tuple[object, dict | None]:
    """``base`` copied to ``tmp`` and opened, with the files it holds; (None, None) when it
    cannot be read or is not worth updating (then ``tmp`` is gone)."""
    con = None
    try:
        shutil.copyfile(base, tmp)
        con = _open(tmp)
        held = _held(con)
        if held is not None and not _stale(con, held, live):
            return con, held
    except Exception as exc:  # unreadable (a broken file, another DuckDB's format): rebuild
        log.info("serving copy %s not reused (%s): building anew", base, exc)
    if con is not None:
        con.close()  # type: ignore[attr-defined]
    tmp.unlink(missing_ok=True)
    return None, None


def _open(path: Path) -> object:
    """A DuckDB connection writing to the database file ``path``."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{BUILD_MEMORY}'")
    # rows of one Parquet row group stay together (each group is sorted by pair), and the
    # groups of a file load in parallel
    con.execute("SET preserve_insertion_order = false")
    quoted = str(path).replace("'", "''")
    con.execute(f"ATTACH '{quoted}' AS copy (ROW_GROUP_SIZE {ROW_GROUP_ROWS})")
    con.execute("USE copy")
    return con


def _held(con: object) -> dict[str, tuple[int, str]] | None:
    """The files a copy holds: {file: (id, table)}, or None when it is not a serving copy."""
    try:
        rows = con.execute("SELECT file, id, tbl FROM _parts").fetchall()  # type: ignore[attr-defined]
    except Exception:
        return None
    return {f: (i, t) for f, i, t in rows}


def _stale(con: object, held: dict, live: dict) -> bool:
    """True when updating the copy would cost more than building anew: none of its files is
    still live, or the rows deleted from it outnumber ``COMPACT_AT`` of the rows it holds."""
    try:
        deleted = con.execute("SELECT deleted FROM _meta").fetchone()[0]  # type: ignore[attr-defined]
    except Exception:
        return True
    kept = sum(1 for f in held if f in live)
    if not kept:
        return True
    if not deleted:
        return False
    total = 0
    for table in {t for _i, t in held.values()}:
        total += con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # type: ignore[attr-defined]
    return deleted > COMPACT_AT * max(total, 1)


def _clear(folder: Path, keep: Path | None) -> None:
    """Delete every copy but ``keep`` (readers that attached one keep reading it: POSIX)."""
    if not folder.exists():
        return
    for p in folder.iterdir():
        if p != keep:
            p.unlink(missing_ok=True)
