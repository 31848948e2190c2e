"""Fixtures for running the ledger on every engine: one SparkSession per test session."""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import ibis
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from bilat.schema import FLOWS_SCHEMA
from tests.ledger.conftest import canonical

TEST_CONF = {"spark.sql.shuffle.partitions": "1", "spark.sql.codegen.wholeStage": "false"}
ENGINES = ["duckdb", pytest.param("spark", marks=pytest.mark.spark)]


def pytest_configure(config: pytest.Config) -> None:
    # the lead adds this to pyproject's markers; registered here too so --strict-markers passes
    config.addinivalue_line("markers", "spark: starts a local Spark (Java 17, pyspark)")


@pytest.fixture(scope="session")
def spark():
    """The test session's SparkSession (local[2], no UI, few shuffle partitions)."""
    pytest.importorskip("pyspark", reason="pip install 'ibis-framework[pyspark]' joblibspark")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Spark needs Java 17+: apt-get install openjdk-17-jre-headless")
    from bilat.store.engines.spark import spark_session

    # tiny tables: one shuffle partition and no code generation beat Spark's defaults here
    return spark_session("local[2]", app_name="bilat-tests", conf=TEST_CONF)


@pytest.fixture(scope="session")
def backends(request: pytest.FixtureRequest) -> dict[str, Callable[[], ibis.BaseBackend]]:
    """Makers of a fresh Ibis backend per engine (Spark's started only when asked for)."""

    def spark_backend() -> ibis.BaseBackend:
        from bilat.store.engines.spark import connect

        return connect(request.getfixturevalue("spark"))

    return {"duckdb": ibis.duckdb.connect, "spark": spark_backend}


_names = (f"flows_{n}" for n in itertools.count())


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """Each engine in turn."""
    return request.param


@pytest.fixture
def flows_on(backends, tmp_path: Path) -> Callable[[str, list[dict]], ibis.Table]:
    """``flows_on(engine, records)``: canonical rows written to Parquet, read by that engine.

    The rows go through a Parquet file with the canonical schema, as a store's do, so both
    engines read the same bytes with the same types.
    """
    made: dict[str, ibis.BaseBackend] = {}

    def build(engine: str, records: list[dict]) -> ibis.Table:
        from bilat.store.engines.spark import register_parquet

        frame = canonical(records)
        name = next(_names)
        path = tmp_path / f"{name}.parquet"
        pq.write_table(pa.Table.from_pandas(frame, schema=FLOWS_SCHEMA, preserve_index=False), path)
        if engine not in made:
            made[engine] = backends[engine]()
        con = made[engine]
        if engine == "duckdb":
            return con.read_parquet(path, table_name=name)
        register_parquet(con, {name: ([str(path)], FLOWS_SCHEMA)})
        return con.table(name)

    return build
