"""``StoreSession``: the one object the ledger, claims, opportunities, scenarios, CLI and API read
the store through.

A session owns the query engine's connection (DuckDB by default, or Spark), runs the queries,
and holds every cache the readers keep: compiled SQL, source choices, the claim checker's
verifier, a pair's every-year flows. All of them belong to one state of the store: on each use
the session checks the manifest file (one ``stat``), and when another process has changed the
store (``bilat data add``) the connection and every cache are dropped, so a long-lived
``bilat serve`` answers from the new data.

``Store(path).session`` gives a store's session; ``session_of(x)`` turns what a caller passed
(a ``Store``, a session, or an Ibis flows table from a notebook or a test) into one, once, at the
boundary of a public ledger function.
"""

from __future__ import annotations

import abc
import os
import sys
import threading
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

from cachetools import LRUCache

from bilat.errors import InputError
from bilat.schema import DERIVED_SCHEMAS, TABLE_SCHEMAS, TOTAL
from bilat.store import manifest as mf
from bilat.store import serving as serving_copy
from bilat.store.engines import engine_setting, execute

if TYPE_CHECKING:
    from collections.abc import Mapping

    import ibis
    import ibis.expr.types as ir
    import pandas as pd
    from pyspark.sql import SparkSession

    from bilat.reference.hs import HsTables
    from bilat.store.coverage import YearScope
    from bilat.store.store import Store

    Scopes = Mapping[tuple[str, int], YearScope]

T = TypeVar("T")


def _duck():
    from bilat.store.engines import duckdb

    return duckdb


def _is_ibis_table(data: object) -> bool:
    """Is ``data`` an Ibis table? Without importing ibis when nothing has (then it is not)."""
    if "ibis" not in sys.modules:
        return False
    import ibis.expr.types as ir

    return isinstance(data, ir.Table)


MANIFEST = "manifest.json"

#: answers kept per store state (source choices, summaries, a pair's every-year flows, the
#: claim checker's verifier …); least recently used dropped first
ANSWERS_KEPT = 1024
#: compiled SQL kept per store state
COMPILED_KEPT = 512


class SessionOwner(abc.ABC):
    """What has a session of its own: a ``Store`` (``Store(path).session``)."""

    @property
    @abc.abstractmethod
    def session(self) -> StoreSession:
        """The owner's session."""


class StoreSession:
    """One store read through one engine, with the caches of its current state.

    ``generation`` is the manifest's; every cache is emptied when the manifest changes on disk.
    One session serves one thread at a time for queries (DuckDB connections are not shared
    between threads; the API gives each worker thread its own); the caches are locked.
    """

    def __init__(
        self,
        store: Store | None,
        *,
        engine: str | None = None,
        flows: ir.Table | None = None,
        spark: SparkSession | None = None,
        master: str | None = None,
        location: str | None = None,
    ) -> None:
        self.store = store
        self.root: Path | None = store.root if store is not None else None
        self.engine = engine_setting(engine or (store.engine if store is not None else None))
        self._flows = flows  # a session over one in-memory flows table (no store)
        self._spark, self._master, self._location = spark, master, location
        self._lock = threading.RLock()
        self._stamp: tuple[int, ...] | None = None
        self._manifest: mf.Manifest | None = None
        self._backend: ibis.BaseBackend | None = None
        self._serving_wait: Path | None = None
        self._tables: dict[str, ir.Table] = {}
        self._answers: LRUCache[Hashable, Any] = LRUCache(maxsize=ANSWERS_KEPT)
        self._compiled: LRUCache[Hashable, str] = LRUCache(maxsize=COMPILED_KEPT)
        self.hits = 0
        self.misses = 0

    @classmethod
    def of_table(cls, flows: ir.Table) -> StoreSession:
        """A session over an Ibis flows table (a notebook's or a test's): its coverage is
        derived from its rows; it has no store, no derived tables and one state."""
        return cls(None, engine="duckdb", flows=flows)

    def __repr__(self) -> str:
        if self.store is None:
            return "<StoreSession over an in-memory flows table>"
        return f"<StoreSession {str(self.root)!r} on {self.engine}, generation {self.generation}>"

    # ------------------------------------------------------------------ state
    def _sync(self) -> mf.Manifest | None:
        """The manifest of the store's current state; a changed file drops every cache.

        One ``stat`` per call: the manifest is rewritten by an atomic rename on every change,
        so a new inode, size or time means a new state (read and parsed only then).
        """
        if self.store is None:
            return None
        path = self.root / MANIFEST  # type: ignore[operator]
        try:
            st = os.stat(path)
            stamp: tuple[int, ...] = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        except FileNotFoundError:
            stamp = ()
        with self._lock:
            if stamp != self._stamp or self._manifest is None:
                m = self.store.manifest
                if self._manifest is not None and m is not self._manifest:
                    self._drop()  # new bytes: another state of the store
                self._manifest, self._stamp = m, stamp
            return self._manifest

    def _drop(self) -> None:
        """Forget the connection and every answer (the store changed)."""
        self._backend, self._serving_wait, self._tables = None, None, {}
        self._answers.clear()
        self._compiled.clear()

    @property
    def manifest(self) -> mf.Manifest:
        """The store's manifest as of now (InputError for a session over a table)."""
        m = self._sync()
        if m is None:
            raise InputError("an in-memory flows table has no store manifest; open a Store")
        return m

    @property
    def generation(self) -> int:
        """The manifest generation (0 for a session over a table); it changes with the data."""
        m = self._sync()
        return 0 if m is None else int(m.generation)

    @property
    def serving_copy(self) -> Path | None:
        """The serving copy holding exactly the live data, or None (queries read Parquet)."""
        if self.store is None:
            return None
        return serving_copy.current(self.root, self.manifest)  # type: ignore[arg-type]

    # ------------------------------------------------------------------ engine
    @property
    def backend(self) -> ibis.BaseBackend:
        """The Ibis backend with one view per store table over the live data.

        One connection per store state, kept while the store is unchanged (and renewed once
        when the serving copy appears): DuckDB then caches the Parquet footers and the serving
        copy's blocks.
        """
        if self.store is None:
            raise InputError("an in-memory flows table has no store backend; open a Store")
        m = self.manifest
        with self._lock:
            if (
                self._backend is not None
                and self._serving_wait is not None
                and self._serving_wait.exists()
            ):
                self._drop()  # the serving copy of this state is now built: use it
            if self._backend is None:
                if self.engine == "spark":
                    from bilat.store.engines.spark import store_backend

                    # the same tables over the same live files, as Spark temporary views
                    self._backend = store_backend(
                        self.root,  # type: ignore[arg-type]
                        m,
                        session=self._spark,
                        master=self._master,
                        location=self._location,
                    )
                else:
                    self._backend, self._serving_wait = _duck().connect(self.root, m)  # type: ignore[arg-type]
            return self._backend

    @property
    def derived_ready(self) -> bool:
        """True when every flows partition has each derived table (pair_totals …) beside it.

        Decided from the manifest alone. Stores written before the derived tables existed
        answer False until re-ingested; the ledger then queries the detail instead.
        """
        m = self._sync()
        return m is not None and mf.derived_complete(m)

    def table(self, name: str) -> ir.Table:
        """The Ibis expression of a table: flows, macro, distances, agreements, regions, or
        the derived pair_totals, pair_chapters and economy_totals."""
        if name not in TABLE_SCHEMAS:
            tables = ", ".join(TABLE_SCHEMAS)
            raise InputError(f"no table {name!r} in the store; tables are {tables}")
        if self.store is None:
            if name == "flows":
                return self._flows  # type: ignore[return-value]
            raise InputError(f"an in-memory flows table has no {name!r} table; open a Store")
        backend = self.backend
        with self._lock:
            # one expression per table and connection: ibis asks the engine for the schema
            if name not in self._tables:
                self._tables[name] = backend.table(name)
            return self._tables[name]

    def derived(self, name: str) -> ir.Table | None:
        """A derived table (pair_totals …) when it is built for every flows partition, else None."""
        if name not in DERIVED_SCHEMAS:
            raise InputError(
                f"{name!r} is not a derived table; they are {', '.join(DERIVED_SCHEMAS)}"
            )
        return self.table(name) if self.derived_ready else None

    def run(self, expr: ir.Table) -> pd.DataFrame:
        """Execute a table expression into pandas; on DuckDB the SQL of an expression already
        compiled in this state is reused, as a prepared statement would be.

        Compiling is most of a small query's cost, and the pieces of a report (or a claim
        checker's many questions) ask the same queries again. Other engines, and expressions
        over in-memory tables (which ibis registers first), are executed by ibis; what an engine
        cannot run is an EngineError naming it.
        """
        sql = self.compiled(expr)
        if sql is None:
            return execute(expr)
        return _duck().run_sql(self.backend, sql, expr)

    def compiled(self, expr: ir.Table, key: Hashable | None = None) -> str | None:
        """The DuckDB SQL of ``expr`` (kept per state under ``key``, default the expression),
        or None when this session does not run it as SQL (Spark, in-memory tables)."""
        import ibis.expr.operations as ops

        if self.engine != "duckdb" or self.store is None:
            return None
        self._sync()
        k = ("sql", expr.op() if key is None else key)
        with self._lock:
            sql = self._compiled.get(k)
        if sql is not None:
            return sql
        if expr.op().find(ops.InMemoryTable):
            return None
        sql = str(self.backend.compile(expr))
        with self._lock:
            self._compiled[k] = sql
        return sql

    def prepared(self, expr: ir.Table, key: Hashable, stand_ins: tuple[str, ...]) -> str | None:
        """The DuckDB SQL of ``expr`` with its ``stand_ins`` (string literals standing for the
        values of a question) as bound parameters ``$1, $2 …``, kept per state under ``key``;
        None when the session does not run SQL or a stand-in is not a plain literal. Run it with
        ``run_sql(sql, expr, params)``: a prepared statement, compiled once per question shape."""
        sql = self.compiled(expr, key)
        return None if sql is None else _duck().with_parameters(sql, stand_ins)

    def run_sql(self, sql: str, expr: ir.Table, params: list[object] | None = None) -> pd.DataFrame:
        """Run SQL compiled from ``expr`` (``compiled``) with bound ``params`` ($1, $2 …) on
        this session's DuckDB connection; the frame has ``expr``'s column types."""
        return _duck().run_sql(self.backend, sql, expr, params)

    def interrupt(self) -> None:
        """Stop the query running on this session's DuckDB connection (a server's timeout)."""
        backend = self._backend
        if backend is not None and self.engine == "duckdb":
            backend.con.interrupt()  # type: ignore[attr-defined]

    # ------------------------------------------------------------------ caches
    def remember(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, kept for this state of the store under ``key`` (errors are not kept).

        The readers' caches all live here: a key names the kind of answer first
        (``("choice", …)``, ``("claims.verifier",)``), and everything is forgotten when the
        store changes.
        """
        self._sync()
        with self._lock:
            try:
                value = self._answers[key]
            except KeyError:
                pass
            else:
                self.hits += 1
                return value  # type: ignore[no-any-return]
            self.misses += 1
        value = compute()
        with self._lock:
            self._answers[key] = value
        return value

    # ------------------------------------------------------------------ coverage
    def partition_coverage(self) -> dict[str, list[dict]]:
        """Per-year coverage of every live flows partition (key → list of per-year dicts).

        Recorded at ingestion; for partitions of a store written before bilat recorded it, it
        is derived from their live files once per state (nothing is written).
        """
        m = self.manifest
        root = self.root
        assert root is not None

        def build() -> dict[str, list[dict]]:
            from bilat.store.coverage import of_files

            out: dict[str, list[dict]] = {}
            for key, p in m.partitions.items():
                if p.table != "flows":
                    continue
                if p.coverage:
                    out[key] = p.coverage
                    continue
                totals = m.partitions.get(key.replace("flows/", "pair_totals/", 1))
                chapters = m.partitions.get(key.replace("flows/", "pair_chapters/", 1))
                if totals is None or chapters is None:
                    out[key] = []
                    continue
                out[key] = of_files(root / p.file, root / totals.file, root / chapters.file)
            return out

        return self.remember(("partition_coverage",), build)

    def coverage(self) -> Scopes:
        """What each flows source covers, per ``(source, year)`` (its datasets merged); for a
        session over a table, derived from its rows by the same rules."""
        if self.store is None:
            return self.remember(("coverage",), self._table_coverage)
        m = self.manifest

        def build() -> Scopes:
            from bilat.store.coverage import year_scopes

            per_part = self.partition_coverage()
            return year_scopes(
                (p.source, p.dataset, p.release, per_part.get(k, []))
                for k, p in m.partitions.items()
                if p.table == "flows"
            )

        return self.remember(("coverage",), build)

    def _table_coverage(self) -> Scopes:
        from bilat.store.coverage import of_tables, year_scopes

        """Coverage of the in-memory flows table (detail rows), by source and year."""
        import pyarrow as pa

        t = self._flows
        assert t is not None
        keys = ["year", "period", "exporter", "importer", "flow", "reported_by", "non_country"]
        cols = [*keys, "source", "release"]
        product = t["product"]
        totals = execute(
            t.select(*cols, product=(product == TOTAL).ifelse(TOTAL, "SUM")).distinct()
        )
        # of the chapters only which ones each source holds per year (of_tables reads no more)
        chapters = execute(
            t.filter(product.re_search("^[0-9]{2,}$"))
            .select("source", "release", "year", product=product.substr(0, 2))
            .distinct()
        )
        codes = execute(t.select("source", "product").distinct())
        entries = []
        for (source, release), frame in totals.groupby(["source", "release"]):
            ch = chapters[(chapters.source == source) & (chapters.release == release)]
            cov = of_tables(
                pa.Table.from_pandas(frame, preserve_index=False),
                pa.Table.from_pandas(ch, preserve_index=False),
                codes[codes.source == source]["product"].astype(str),
            )
            entries.append((str(source), "", str(release), cov))
        return year_scopes(entries)

    # ------------------------------------------------------------------ the store's own
    def hs_tables(self) -> HsTables | None:
        """This store's HS descriptions and revision concordances (``bilat.reference.hs``),
        kept for its current state, or None (no store, or none ingested: the bundle's
        folder answers then). Passed as ``tables=`` to the HS look-ups, so that two stores
        in one process each convert with their own."""
        if self.store is None:
            return None
        from bilat.store.reference import hs_tables

        return hs_tables(self.store)

    def datasets(self) -> pd.DataFrame:
        """One row per (table, source, dataset, release), as ``Store.datasets``."""
        if self.store is None:
            raise InputError("an in-memory flows table has no datasets listing; open a Store")
        return self.store.datasets()


class SparkStore(StoreSession):
    """A store read by Spark: same manifest, same files, same table names, on ``session`` (a
    SparkSession; default one for ``master``, else ``BILAT_SPARK_MASTER``), reading the files
    from ``location`` (default ``BILAT_SPARK_LOCATION``, else the store's folder)."""

    def __init__(
        self,
        store: Store,
        *,
        session: SparkSession | None = None,
        master: str | None = None,
        location: str | None = None,
    ) -> None:
        super().__init__(store, engine="spark", spark=session, master=master, location=location)

    def __repr__(self) -> str:
        from bilat.store.engines import spark_master

        return f"SparkStore({self.store!r}, master={spark_master(self._master)!r})"


#: What the ledger and its readers receive: a store session.
Data: TypeAlias = StoreSession
#: What a public ledger function accepts from its caller, turned into a session at once.
DataLike: TypeAlias = "Store | StoreSession | ir.Table"

# Sessions over in-memory tables, by the table's expression: a notebook asking several
# questions of one table derives its coverage once.
_TABLE_SESSIONS: LRUCache[object, StoreSession] = LRUCache(maxsize=32)
_TABLE_LOCK = threading.Lock()


def session_of(data: DataLike) -> StoreSession:
    """The session of what a caller passed: a session as is, a ``Store``'s own session, or a
    session over an Ibis flows table; InputError naming the type otherwise."""
    if isinstance(data, StoreSession):
        return data
    if isinstance(data, SessionOwner):
        return data.session
    if _is_ibis_table(data):
        key = data.op()
        with _TABLE_LOCK:
            hit = _TABLE_SESSIONS.get(key)
            if hit is None:
                hit = _TABLE_SESSIONS[key] = StoreSession.of_table(data)
        return hit
    raise InputError(
        f"expected a bilat Store, a StoreSession or an ibis flows table, got "
        f"{type(data).__name__}; open one with bilat.store.Store(path)"
    )


__all__ = ["Data", "DataLike", "SessionOwner", "SparkStore", "StoreSession", "session_of"]
