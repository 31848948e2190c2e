"""The engine settings: argument, then environment (read when called), then the default."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bilat.errors import BilatError, InputError
from bilat.store.engines import EngineError, engine_setting, spark_location, spark_master


def test_engine_argument_environment_default(monkeypatch):
    monkeypatch.delenv("BILAT_ENGINE", raising=False)
    assert engine_setting() == "duckdb"
    monkeypatch.setenv("BILAT_ENGINE", "Spark")
    assert engine_setting() == "spark"  # read at the call, not at import
    assert engine_setting("duckdb") == "duckdb"  # the argument wins


def test_unknown_engine_names_the_choices(monkeypatch):
    monkeypatch.setenv("BILAT_ENGINE", "polars")
    with pytest.raises(InputError, match=r"'polars' \(from BILAT_ENGINE\).*duckdb, spark"):
        engine_setting()


def test_spark_master_and_location(monkeypatch):
    monkeypatch.delenv("BILAT_SPARK_MASTER", raising=False)
    monkeypatch.delenv("BILAT_SPARK_LOCATION", raising=False)
    assert spark_master() == "local[2]"
    assert spark_location() is None
    monkeypatch.setenv("BILAT_SPARK_MASTER", "spark://head:7077")
    monkeypatch.setenv("BILAT_SPARK_LOCATION", "s3a://bucket/store")
    assert spark_master() == "spark://head:7077"
    assert spark_location() == "s3a://bucket/store"
    assert spark_master("local[1]") == "local[1]"


def test_importing_reads_no_environment():
    # a fresh interpreter: importing with a bad BILAT_ENGINE must not fail (only calls read it)
    env = {**os.environ, "BILAT_ENGINE": "not-an-engine"}
    code = "import bilat.store.engines, bilat.store.engines.spark; print('ok')"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "ok", out.stderr


def test_store_takes_the_engine_setting(monkeypatch, tmp_path):
    from bilat.store import Store

    monkeypatch.setenv("BILAT_ENGINE", "spark")
    assert Store(tmp_path).engine == "spark"  # read when the store is opened
    assert Store(tmp_path, engine="duckdb").engine == "duckdb"
    monkeypatch.delenv("BILAT_ENGINE")
    assert Store(tmp_path).engine == "duckdb"
    with pytest.raises(InputError, match="'dask'"):
        Store(tmp_path, engine="dask")


def test_engine_error_is_a_bilat_error_naming_operation_and_engine():
    err = EngineError("Kurtosis", "pyspark")
    assert isinstance(err, BilatError)
    assert "Kurtosis" in str(err) and "pyspark" in str(err) and "--engine duckdb" in str(err)
