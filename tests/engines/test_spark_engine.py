"""Spark specifics: engine gaps as clear errors, the store's tables as Spark views, bundle facts."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from bilat.errors import StoreError
from bilat.ledger.flows import bilateral_flows
from bilat.ledger.ranks import partner_rank, top_partners
from bilat.report import Target
from bilat.schema import FLOWS_SCHEMA
from bilat.store.engines import EngineError, execute
from bilat.store.engines.spark import register_parquet, store_backend
from bilat.store.session import SparkStore
from tests.engines.compare import assert_same

pytestmark = pytest.mark.spark


def test_operation_spark_lacks_is_a_clear_error(flows_on):
    t = flows_on("spark", [{"year": 2016, "exporter": "RUS", "importer": "KOR", "value_usd": 1.0}])
    with pytest.raises(EngineError, match=r"Kurtosis: not supported on the pyspark engine"):
        execute(t.aggregate(k=t.value_usd.kurtosis()))
    # the same question on DuckDB is answered
    d = flows_on("duckdb", [{"year": 2016, "exporter": "RUS", "importer": "KOR", "value_usd": 1.0}])
    assert len(execute(d.aggregate(k=d.value_usd.kurtosis()))) == 1


def test_division_by_zero_is_refused_not_answered_differently(flows_on):
    # DuckDB gives inf for x / 0; Spark (ANSI) refuses: an error, never a different number
    rows = [{"year": 2016, "exporter": "RUS", "importer": "KOR", "value_usd": 0.0}]
    t = flows_on("spark", rows)
    with pytest.raises(EngineError, match="division by zero"):
        execute(t.mutate(r=1.0 / t.value_usd))


def test_memtable_joins_give_the_same_answer_on_both_engines(flows_on):
    import ibis

    rows = [
        {"year": 2016, "exporter": x, "importer": "KOR", "value_usd": v}
        for x, v in (("RUS", 10.0), ("KAZ", 2.0), ("CHN", 40.0))
    ]
    members = ibis.memtable(pd.DataFrame({"exporter": ["RUS", "KAZ", "BLR"], "bloc": "EAEU"}))
    sums = {}
    for engine in ("duckdb", "spark"):
        t = flows_on(engine, rows)
        joined = t.join(members, "exporter").group_by("bloc").aggregate(v=t.value_usd.sum())
        sums[engine] = execute(joined)
    assert sums["spark"].v.tolist() == sums["duckdb"].v.tolist() == [12.0]


def test_empty_table_is_an_empty_view_with_the_canonical_schema(backends):
    con = backends["spark"]()
    register_parquet(con, {"flows": ([], FLOWS_SCHEMA)})
    t = con.table("flows")
    assert list(t.columns) == FLOWS_SCHEMA.names
    assert t.count().execute() == 0


def test_views_of_two_stores_do_not_mix(backends, tmp_path):
    frames = {}
    for n, v in ((1, 10.0), (2, 20.0)):
        path = tmp_path / f"s{n}.parquet"
        frame = pd.DataFrame({"year": [2016], "exporter": ["RUS"], "value_usd": [v]})
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
        con = backends["spark"]()
        schema = pa.schema([("year", pa.int64()), ("exporter", pa.string()), ("value_usd", "f8")])
        register_parquet(con, {"flows": ([str(path)], schema)})
        frames[n] = con
    assert frames[1].table("flows").value_usd.sum().execute() == 10.0
    assert frames[2].table("flows").value_usd.sum().execute() == 20.0


def test_missing_file_names_it(spark, tmp_path):
    class Manifest:
        def live_groups(self, table):
            return [({}, ["data/flows/x/2016.parquet"])] if table == "flows" else []

    # the manifest's one method store_backend reads; not a bilat component
    with pytest.raises(StoreError, match=r"2016.parquet: listed in the store's manifest"):
        store_backend(tmp_path, Manifest(), session=spark)


@pytest.fixture(scope="module")
def bundle_on_spark(bundle_store, spark):
    """The bundle store read by Spark, shared by this module's bundle tests (views built once)."""
    return SparkStore(bundle_store, session=spark)


@pytest.mark.bundle
def test_bundle_facts_on_spark(bundle_on_spark):
    on_spark = bundle_on_spark
    r = bilateral_flows(on_spark, "RUS", "KOR", years=[2016])
    assert r.value(2016, "turnover") / 1e9 == pytest.approx(15.33, abs=5e-3)
    assert r.provenance.source == "penppml"
    assert partner_rank(on_spark, "RUS", "KOR", years=2016).rank(2016) == 6
    top = top_partners(on_spark, "RUS", 2016, n=6).to_frame()
    assert list(top.partner) == ["CHN", "DEU", "NLD", "BLR", "ITA", "KOR"]
    # UNS (unspecified) is a partner in penppml's rows and must not be counted on Spark either
    raw = on_spark.table("flows")
    uns = raw.filter((raw.exporter == "RUS") & (raw.importer == "UNS") & (raw.year == 2016))
    assert uns.count().execute() > 0


@pytest.mark.bundle
def test_bundle_report_is_the_same_on_both_engines(bundle_store, bundle_on_spark):
    from tests.engines.test_ledger_on_engines import profile_frames

    duck = profile_frames(bundle_store, target=Target(30e9, 2020, 2016))
    on_spark = profile_frames(bundle_on_spark, target=Target(30e9, 2020, 2016))
    assert duck["missing"] == on_spark["missing"]
    assert duck["provenance"] == on_spark["provenance"]
    for name in duck:
        if name not in ("missing", "provenance"):
            assert_same(duck[name], on_spark[name], name)
    turnover = on_spark["flows"].set_index("year").turnover
    assert turnover[2016] / 1e9 == pytest.approx(15.33, abs=5e-3)


def _penppml_csv(path, rows):
    lines = ["exp,imp,time,export,id,agreement"]
    lines += [f"{x},{m},{y},{v},{x}{m},0" for y, x, m, v in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_store_on_spark_follows_the_store_through_ingestion(spark, tmp_path):
    from bilat.store import Store

    root = tmp_path / "store"
    Store(root).ingest([_penppml_csv(tmp_path / "a.csv", [(2016, "RUS", "KOR", 10.0)])])
    on_spark = Store(root, engine="spark")
    assert on_spark.backend.name == "pyspark" and Store(root).backend.name == "duckdb"
    assert bilateral_flows(on_spark, "RUS", "KOR").value(2016, "exports") == 10.0
    # a second file lands: the Spark views are rebuilt for the new manifest
    rows = [(2017, "RUS", "KOR", 12.0), (2017, "KOR", "RUS", 5.0)]
    on_spark.ingest([_penppml_csv(tmp_path / "b.csv", rows)])
    r = bilateral_flows(on_spark, "RUS", "KOR")
    assert (r.value(2016, "exports"), r.value(2017, "turnover")) == (10.0, 17.0)
    # the same store through a given session
    given = SparkStore(Store(root), session=spark)
    assert "SparkStore" in repr(given) and given.root == root
    assert bilateral_flows(given, "RUS", "KOR").value(2017, "turnover") == 17.0


def test_files_read_from_another_location(spark, tmp_path, monkeypatch):
    import shutil

    from bilat.store import Store

    root = tmp_path / "store"
    Store(root).ingest([_penppml_csv(tmp_path / "a.csv", [(2016, "RUS", "KOR", 10.0)])])
    copy = tmp_path / "elsewhere"  # stands for s3a://bucket/store: a copy of the folder
    shutil.copytree(root, copy)
    shutil.rmtree(root / "data")  # only the manifest stays here; the files are elsewhere
    on_spark = SparkStore(Store(root), session=spark, location=f"file://{copy}")
    assert bilateral_flows(on_spark, "RUS", "KOR").value(2016, "exports") == 10.0
    monkeypatch.setenv("BILAT_SPARK_LOCATION", f"file://{copy}")
    assert bilateral_flows(Store(root, engine="spark"), "RUS", "KOR").value(2016, "exports") == 10.0


def test_constant_columns_read_back_on_spark(spark, tmp_path):
    """A BACI file keeps its constant columns once (bilat.store.constants); Spark puts them
    back on every row, next to a file that keeps them per row, as DuckDB does."""
    from bilat.store import Store
    from tests.store.test_store import baci_csv

    root = tmp_path / "store"
    Store(root).ingest([baci_csv(tmp_path, 2016, "202201")], serving=False)
    Store(root).ingest([_penppml_csv(tmp_path / "a.csv", [(2016, "RUS", "KOR", 10.0)])])
    on_spark = SparkStore(Store(root), session=spark)
    order = ["source", "exporter", "importer", "product"]
    got = on_spark.table("flows").execute().sort_values(order).reset_index(drop=True)
    want = Store(root).table("flows").execute().sort_values(order).reset_index(drop=True)
    assert list(got.columns) == FLOWS_SCHEMA.names
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    baci = got[got.source == "baci"]
    assert baci.flow.tolist() == ["X"] * 3 and baci.release.tolist() == ["202201"] * 3
    # the ledger over both: the same figures from either engine
    assert_same(
        bilateral_flows(Store(root), "RUS", "KOR").table,
        bilateral_flows(on_spark, "RUS", "KOR").table,
        "flows",
    )
