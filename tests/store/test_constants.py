"""Columns that hold one value throughout a file are stored once per file, and read back on
every row: by the DuckDB views, the serving copy and ``constants.read_file``.

Expected values come from the fixture BACI file written here (its name gives the HS revision
and release; BACI rows are reconciled annual exports in tonnes), not from the code under test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from bilat.errors import DataFormatError
from bilat.schema import DERIVED_SCHEMAS, FLOWS_SCHEMA
from bilat.sources.baci import BaciReader
from bilat.sources.tidy import TidyReader, read_mapping_from_cli
from bilat.store import Store, constants
from tests.store.test_store import baci_csv, manifest_bytes

BACI_CONSTANTS = {
    "period": "A",
    "hs_revision": "HS92",
    "quantity_unit": "t",
    "flow": "X",
    "reported_by": "reconciled",
    "source": "baci",
    "release": "202201",
}


def _parts(store: Store) -> dict[str, dict]:
    raw = json.loads((store.root / "manifest.json").read_text())["partitions"]
    return {p["table"]: p for p in raw.values()}


def test_baci_file_keeps_its_constant_columns_once(tmp_path):
    store = Store(tmp_path / "store")
    store.ingest([baci_csv(tmp_path, 2016, "202201")], serving=False)
    parts = _parts(store)
    detail = store.root / parts["flows"]["file"]
    assert parts["flows"]["constants"] == BACI_CONSTANTS
    assert constants.of_file(detail) == BACI_CONSTANTS
    # the file's rows hold only the columns that vary
    assert pq.read_schema(detail).names == [
        "year",
        "exporter",
        "importer",
        "product",
        "value_usd",
        "quantity",
        "non_country",
    ]
    # derived tables: the constants their schema has (no HS revision or unit there)
    for name, schema in DERIVED_SCHEMAS.items():
        want = {c: v for c, v in BACI_CONSTANTS.items() if c in schema.names}
        assert set(want) == {"period", "flow", "reported_by", "source", "release"}
        assert parts[name]["constants"] == want
        assert not set(want) & set(pq.read_schema(store.root / parts[name]["file"]).names)


@pytest.mark.parametrize("serving", [False, True], ids=["parquet", "serving-copy"])
def test_queries_see_the_constants_on_every_row(tmp_path, serving):
    store = Store(tmp_path / "store")
    store.ingest([baci_csv(tmp_path, 2016, "202201")], serving=serving)
    assert (store.serving_copy is not None) == serving
    df = store.table("flows").execute().sort_values("value_usd")
    assert list(df.columns) == FLOWS_SCHEMA.names
    assert len(df) == 3
    for column, value in BACI_CONSTANTS.items():
        assert df[column].tolist() == [value] * 3, column
    assert df.value_usd.tolist() == [7000.0, 250250.0, 1500500.0]
    totals = store.table("pair_totals")
    kor_rus = totals.filter((totals.exporter == "KOR") & (totals.source == "baci")).execute()
    assert kor_rus.value_usd.tolist() == [250250.0] and kor_rus.flow.tolist() == ["X"]
    # a filter on a constant selects the file or not
    flows = store.table("flows")
    assert flows.filter(flows.flow == "M").count().execute() == 0
    assert flows.filter(flows.release == "202201").count().execute() == 3


def test_read_file_puts_the_constants_back(tmp_path):
    store = Store(tmp_path / "store")
    store.ingest([baci_csv(tmp_path, 2016, "202201")], serving=False)
    table = constants.read_file(store.root / _parts(store)["flows"]["file"], FLOWS_SCHEMA)
    assert table.schema == FLOWS_SCHEMA
    got = table.to_pandas().sort_values("value_usd")
    assert got.exporter.tolist() == ["USA", "KOR", "RUS"]
    assert got.source.tolist() == ["baci"] * 3 and got.hs_revision.tolist() == ["HS92"] * 3


def _tidy(tmp_path: Path) -> tuple[Path, TidyReader]:
    path = tmp_path / "mine.csv"
    path.write_text("o,d,y,v\nKOR,RUS,2016,2.5\nRUS,KOR,2016,4\n")
    mapping = read_mapping_from_cli("exporter=o,importer=d,year=y,value_usd=v")
    return path, TidyReader(mapping, unit=1e9, source="mine", release="2024-01")


@pytest.mark.parametrize("serving", [False, True], ids=["parquet", "serving-copy"])
def test_files_with_and_without_constants_in_one_table(tmp_path, serving):
    store = Store(tmp_path / "store")
    store.ingest([baci_csv(tmp_path, 2016, "202201")], serving=serving)
    path, reader = _tidy(tmp_path)
    store.ingest([path], reader=reader, serving=serving)
    raw = json.loads((store.root / "manifest.json").read_text())["partitions"].values()
    # one flows file keeps its constants once, the other (a reader that declares none) per row
    assert sorted(bool(p["constants"]) for p in raw if p["table"] == "flows") == [False, True]
    flows = store.table("flows")
    by_source = flows.group_by("source").aggregate(n=flows.count(), v=flows.value_usd.sum())
    got = {r.source: (r.n, r.v) for r in by_source.execute().itertuples()}
    assert got == {"baci": (3, 1757750.0), "mine": (2, 6.5e9)}
    mine = flows.filter(flows.source == "mine").execute()
    assert mine.release.tolist() == ["2024-01"] * 2
    baci = flows.filter(flows.reported_by == "reconciled").execute()
    assert sorted(baci.exporter) == ["KOR", "RUS", "USA"]


class _WrongReader(BaciReader):
    """Says every row is an import: the store must catch that and write nothing."""

    def constants(self, path):
        return {**super().constants(path), "flow": "M"}


def test_a_reader_wrong_about_a_constant_writes_nothing(tmp_path):
    store = Store(tmp_path / "store")
    store.ingest([baci_csv(tmp_path, 2015, "202201")], serving=False)
    before = manifest_bytes(store)
    files = sorted((store.root / "data").rglob("*.parquet"))
    with pytest.raises(DataFormatError) as err:
        store.ingest([baci_csv(tmp_path, 2016, "202201")], reader=_WrongReader())
    assert err.value.column == "flow" and "'M'" in str(err.value) and "X" in str(err.value)
    assert manifest_bytes(store) == before
    assert sorted((store.root / "data").rglob("*.parquet")) == files
    assert not any((store.root / "staging").glob("*/*"))


def test_a_manifest_with_fields_this_version_does_not_know_is_refused_clearly(tmp_path):
    """Reading on without a field (as this version would drop ``constants`` if it did not know
    it) could lose columns: the store says which file and what to do instead."""
    from bilat.errors import StoreError

    store = Store(tmp_path / "store")
    store.ingest([baci_csv(tmp_path, 2016, "202201")], serving=False)
    path = store.root / "manifest.json"
    raw = json.loads(path.read_text())
    for p in raw["partitions"].values():
        p["encoding_of_the_future"] = "x"
    path.write_text(json.dumps(raw))
    with pytest.raises(StoreError, match=r"manifest\.json: .*newer bilat"):
        Store(tmp_path / "store").table("flows")
