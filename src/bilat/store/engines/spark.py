"""The store's tables on Spark: an Ibis PySpark backend over the same live Parquet files.

DuckDB reads the store's Parquet files on one machine; this module gives the ledger the same
tables (same names, same canonical schemas) on a ``SparkSession``, in local mode for tests or
on a cluster that can read the files (a shared filesystem, HDFS, or ``s3a://`` where the store
folder is copied).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from bilat.errors import BilatError, StoreError
from bilat.store.engines import spark_location, spark_master

if TYPE_CHECKING:
    import ibis
    from pyspark.sql import SparkSession

    from bilat.store.manifest import Manifest

log = logging.getLogger(__name__)

# Local mode on a laptop or a CI runner: the defaults (200 shuffle partitions, a web UI, a
# progress bar on stderr) cost more than the queries themselves on a pair's few thousand rows.
LOCAL_CONF: dict[str, str] = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "4",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    # adaptive execution coalesces the small shuffles of a pair's look-ups
    "spark.sql.adaptive.enabled": "true",
}


class SparkUnavailableError(BilatError, RuntimeError):
    """PySpark (or Java) is not installed, or Spark could not start."""


def _require_pyspark() -> None:
    try:
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise SparkUnavailableError(
            "the Spark engine needs PySpark and Java 17+: "
            "pip install 'ibis-framework[pyspark]' (pyspark>=3.5,<4.1)"
        ) from exc


def spark_session(
    master: str | None = None,
    *,
    app_name: str = "bilat",
    conf: Mapping[str, str] | None = None,
) -> SparkSession:
    """A SparkSession for ``master`` (default ``BILAT_SPARK_MASTER``, else ``local[2]``).

    An already running session is reused (Spark allows one per process). ``sc://host:port``
    connects through Spark Connect. ``conf`` adds Spark settings (e.g. driver memory); local
    masters also get :data:`LOCAL_CONF` (no UI, few shuffle partitions, quiet logs).
    """
    _require_pyspark()
    from pyspark.sql import SparkSession

    url = spark_master(master)
    settings = dict(LOCAL_CONF) if url.startswith("local") else {}
    if url.startswith("local"):
        # Python workers (UDFs, joblib tasks) run this interpreter, with bilat's packages, not
        # whatever python3 comes first on PATH; pyspark reads only the variable for this
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    settings.update(conf or {})
    builder = SparkSession.builder.appName(app_name)
    builder = builder.remote(url) if url.startswith("sc://") else builder.master(url)
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # Java missing, master unreachable: py4j/JVM errors of many kinds
        raise SparkUnavailableError(
            f"could not start Spark with master {url!r} ({type(exc).__name__}: {exc}); "
            "check Java 17+ is installed and BILAT_SPARK_MASTER is reachable"
        ) from exc
    if not url.startswith("sc://"):
        session.sparkContext.setLogLevel("ERROR")
    # pyspark logs every failed query with its Java stack as JSON before raising it; the
    # raised error (turned into an EngineError where it is an engine gap) says enough
    logging.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL)
    return session


def spark_schema(schema: pa.Schema) -> Any:
    """The Spark StructType of a canonical pyarrow schema (via Ibis's type mapping)."""
    import ibis
    from ibis.backends.pyspark.datatypes import PySparkSchema

    return PySparkSchema.from_ibis(ibis.Schema.from_pyarrow(schema))


def connect(session: SparkSession | None = None, master: str | None = None) -> ibis.BaseBackend:
    """An Ibis PySpark backend with its own namespace of temporary views.

    Each backend gets a child session (``newSession``: same SparkContext, separate views and
    SQL settings), so two stores opened in one process never see each other's ``flows``.
    """
    import ibis

    base = session if session is not None else spark_session(master)
    try:
        child = base.newSession()
    except Exception:  # Spark Connect sessions cannot spawn children: share the session
        child = base
    return ibis.pyspark.connect(child)


def register_parquet(
    backend: ibis.BaseBackend,
    tables: Mapping[str, tuple[Iterable[str], pa.Schema]],
    constants: Mapping[str, Mapping[str, str]] | None = None,
) -> None:
    """Register each table as a temporary view over its Parquet files, read with its schema.

    Reading with the canonical schema (rather than inferring it from one file's footer) keeps
    the types identical to DuckDB's view of the same files; a table with no files becomes an
    empty view of that schema, as in the DuckDB backend. ``constants`` maps a file to the
    columns it stores once instead of on its rows (``bilat.store.constants``): they are read
    back as literal columns.
    """
    from functools import reduce

    from pyspark.sql import functions as F

    from bilat.store.constants import grouped, stored

    session = backend._session  # type: ignore[attr-defined]
    known = constants or {}
    for name, (files, schema) in tables.items():
        frames = []
        for fixed, paths in grouped((f, known.get(f, {})) for f in files):
            frame = session.read.schema(spark_schema(stored(schema, fixed))).parquet(*paths)
            if fixed:
                frame = frame.select(
                    *(F.lit(fixed[c]).alias(c) if c in fixed else F.col(c) for c in schema.names)
                )
            frames.append(frame)
        if frames:
            frame = reduce(lambda a, b: a.unionByName(b), frames)
        else:
            frame = session.createDataFrame([], spark_schema(schema))
        frame.createOrReplaceTempView(name)


def _table_schemas() -> dict[str, pa.Schema]:
    from bilat.schema import TABLE_SCHEMAS

    return TABLE_SCHEMAS


def _join(location: str, relative: str) -> str:
    return f"{location.rstrip('/')}/{relative}"


def store_backend(
    root: Path,
    manifest: Manifest,
    *,
    session: SparkSession | None = None,
    master: str | None = None,
    location: str | None = None,
) -> ibis.BaseBackend:
    """An Ibis PySpark backend with one view per store table over the store's live files.

    ``root`` is the store's folder; its ``manifest`` says which Parquet files are live.
    ``location`` (default ``BILAT_SPARK_LOCATION``, else the store's folder) is where Spark
    reads them: a URI such as ``s3a://bucket/bilat-store`` holding a copy of the store folder.
    """
    where = spark_location(location) or str(Path(root).resolve())
    groups = {name: manifest.live_groups(name) for name in _table_schemas()}
    tables = {
        name: ([_join(where, f) for _c, files in groups[name] for f in files], schema)
        for name, schema in _table_schemas().items()
    }
    constants = {
        _join(where, f): fixed for g in groups.values() for fixed, files in g for f in files
    }
    if where.startswith("/") or "://" not in where:
        missing = [f for files, _ in tables.values() for f in files if not os.path.exists(f)]
        if missing:
            raise StoreError(
                f"{missing[0]}: listed in the store's manifest but not on disk "
                f"({len(missing)} file(s)); re-ingest, or point BILAT_SPARK_LOCATION at the copy"
            )
    backend = connect(session, master)
    register_parquet(backend, tables, constants)
    log.info("spark backend over %s: %s", where, {k: len(v[0]) for k, v in tables.items()})
    return backend
