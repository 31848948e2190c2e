"""The store: atomic, idempotent ingestion; releases replace; failures and kills change nothing."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bilat.errors import DataFormatError, InputError
from bilat.store import Store

HEADER = "t,i,j,k,v,q\n"
# BACI rows: (year, exporter code, importer code, HS6, value in thousand USD, tonnes)
ROWS = [
    (2016, 643, 410, 270900, 1500.5, 10.0),  # RUS -> KOR crude
    (2016, 410, 643, 870323, 250.25, 2.0),  # KOR -> RUS cars
    (2016, 842, 410, 100190, 7.0, None),  # USA (BACI's 842) -> KOR wheat, no quantity
]


def baci_csv(folder: Path, year: int, release: str, rows=ROWS, name=None) -> Path:
    path = folder / (name or f"BACI_HS92_Y{year}_V{release}.csv")
    lines = [
        f"{year},{i},{j},{k:06d},{v},{'' if q is None else q}\n" for (_, i, j, k, v, q) in rows
    ]
    path.write_text(HEADER + "".join(lines))
    return path


def manifest_bytes(store: Store) -> bytes:
    p = store.root / "manifest.json"
    return p.read_bytes() if p.exists() else b""


def flows_total(store: Store) -> float:
    return float(store.table("flows").value_usd.sum().execute() or 0.0)


def test_ingest_converts_thousands_to_usd_and_maps_codes(tmp_path):
    store = Store(tmp_path / "store")
    [res] = store.ingest([baci_csv(tmp_path, 2016, "202201")])
    assert (res.status, res.rows, res.years, res.release) == ("added", 3, (2016,), "202201")
    df = store.table("flows").execute().sort_values("value_usd")
    # 1500.5 thousand USD = 1,500,500 USD; 842 is BACI's code for the United States
    assert df.value_usd.tolist() == [7000.0, 250250.0, 1500500.0]
    assert df.exporter.tolist() == ["USA", "KOR", "RUS"]
    assert set(df["product"]) == {"270900", "870323", "100190"}


def test_same_content_twice_changes_nothing(tmp_path):
    store = Store(tmp_path / "store")
    src = baci_csv(tmp_path, 2016, "202201")
    store.ingest([src])
    before = manifest_bytes(store)
    gz = tmp_path / "copy" / (src.name + ".gz")
    gz.parent.mkdir()
    gz.write_bytes(gzip.compress(src.read_bytes()))
    results = store.ingest([src, gz])
    assert [r.status for r in results] == ["unchanged", "unchanged"]
    assert manifest_bytes(store) == before
    assert flows_total(store) == pytest.approx(1_757_750.0)


def test_touched_file_with_same_content_is_unchanged_and_leaves_no_staging(tmp_path):
    store = Store(tmp_path / "store")
    src = baci_csv(tmp_path, 2016, "202201")
    store.ingest([src])

    def entry() -> dict:
        return next(iter(json.loads(manifest_bytes(store))["files"].values()))

    assert (entry()["size"], entry()["mtime_ns"]) == (src.stat().st_size, src.stat().st_mtime_ns)
    parts = json.loads(manifest_bytes(store))["partitions"]
    # a new modification time: the file is read and staged while its checksum is computed,
    # the checksum finds it unchanged, and its entry takes the new time
    os.utime(src, ns=(src.stat().st_atime_ns, src.stat().st_mtime_ns + 10**9))
    [res] = store.ingest([src])
    assert res.status == "unchanged"
    assert json.loads(manifest_bytes(store))["partitions"] == parts
    assert entry()["mtime_ns"] == src.stat().st_mtime_ns
    assert not any((store.root / "staging").glob("*"))


def test_entry_without_size_and_time_gets_them_on_the_next_run(tmp_path):
    # a manifest written before bilat recorded them (or by hand): valid, and mended on the way
    store = Store(tmp_path / "store")
    src = baci_csv(tmp_path, 2016, "202201")
    store.ingest([src])
    path = store.root / "manifest.json"
    body = json.loads(path.read_text())
    for f in body["files"].values():
        del f["size"], f["mtime_ns"]
    path.write_text(json.dumps(body))
    [res] = store.ingest([src])
    assert res.status == "unchanged"
    f = next(iter(json.loads(path.read_text())["files"].values()))
    assert (f["size"], f["mtime_ns"]) == (src.stat().st_size, src.stat().st_mtime_ns)


def test_newer_release_replaces_and_older_is_skipped(tmp_path):
    store = Store(tmp_path / "store")
    store.ingest([baci_csv(tmp_path, 2016, "202201"), baci_csv(tmp_path, 2017, "202201")])
    newer = [(2016, 643, 410, 270900, 2000.0, 12.0)]
    [res] = store.ingest([baci_csv(tmp_path, 2016, "202401", rows=newer)])
    assert res.status == "replaced" and "202201" in res.note
    t = store.table("flows")
    by_year = t.group_by("year").aggregate(v=t.value_usd.sum(), n=t.count()).execute()
    got = {int(r.year): (r.v, r.n) for r in by_year.itertuples()}
    # 2016 now holds only the new release's row; 2017 keeps the old release
    assert got == {2016: (2_000_000.0, 1), 2017: (1_757_750.0, 3)}
    [old] = store.ingest(
        [baci_csv(tmp_path / "", 2016, "202101", name="BACI_HS92_Y2016_V202101.csv")]
    )
    assert old.status == "skipped" and "202401" in old.note
    assert store.datasets().rows.sum() == 4


def test_failed_validation_writes_nothing(tmp_path):
    store = Store(tmp_path / "store")
    store.ingest([baci_csv(tmp_path, 2016, "202201")])
    before = manifest_bytes(store)
    files_before = sorted(p for p in store.root.rglob("*") if p.is_file())
    bad = tmp_path / "bad" / "BACI_HS92_Y2017_V202201.csv"
    bad.parent.mkdir()
    bad.write_text(HEADER + "2017,643,410,270900,10.0,1\n" * 5 + "2017,643,410,270900,-3.0,1\n")
    with pytest.raises(DataFormatError) as err:
        store.ingest([bad])
    assert "BACI_HS92_Y2017_V202201.csv" in str(err.value)
    assert "line 7" in str(err.value)
    assert manifest_bytes(store) == before
    assert sorted(p for p in store.root.rglob("*") if p.is_file()) == files_before


def test_remove_one_year(tmp_path):
    store = Store(tmp_path / "store")
    store.ingest([baci_csv(tmp_path, 2016, "202201"), baci_csv(tmp_path, 2017, "202201")])
    assert store.remove("baci", year=2016) == 1
    assert store.table("flows").year.execute().unique().tolist() == [2017]
    with pytest.raises(InputError, match="bilat data list"):
        store.remove("baci", year=1990)


def _write_big_baci(path: Path, rows: int) -> None:
    import numpy as np

    rng = np.random.default_rng(0)
    codes = np.array([4, 8, 12, 36, 40, 56, 76, 124, 156, 251, 276, 392, 410, 643, 699, 842])
    # distinct (exporter, importer, product) cells, exporter != importer, chapters 01-75: a
    # BACI file holds each flow once (a repeated one is refused)
    pairs = [(a, b) for a in codes for b in codes if a != b]
    cells = np.sort(rng.choice(len(pairs) * 750_000, rows, replace=False))
    pair, k = np.divmod(cells, 750_000)
    i = np.array([pairs[p][0] for p in range(len(pairs))])[pair]
    j = np.array([pairs[p][1] for p in range(len(pairs))])[pair]
    k = k + 10000
    v = rng.lognormal(3, 2, rows).round(3)
    body = "\n".join(f"2018,{a},{b},{c:06d},{d},1.0" for a, b, c, d in zip(i, j, k, v, strict=True))
    path.write_text(HEADER + body + "\n")


@pytest.mark.slow
def test_killed_ingestion_leaves_store_intact(tmp_path):
    store = Store(tmp_path / "store")
    store.ingest([baci_csv(tmp_path, 2016, "202201")])
    before = manifest_bytes(store)
    big = tmp_path / "big" / "BACI_HS92_Y2018_V202201.csv"
    big.parent.mkdir()
    _write_big_baci(big, 1_500_000)
    env = {**os.environ, "BILAT_STORE": str(store.root)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bilat.cli", "data", "add", str(big)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    staging = store.root / "staging"
    deadline = time.monotonic() + 120
    # kill once the writer has started putting Parquet bytes in staging
    while time.monotonic() < deadline and proc.poll() is None:
        if any(p.stat().st_size > 0 for p in staging.rglob("*.parquet")):
            break
        time.sleep(0.01)
    assert proc.poll() is None, f"ingestion ended before it could be killed: {proc.stderr.read()}"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    # the store is exactly as before and still readable
    assert manifest_bytes(store) == before
    assert flows_total(Store(store.root)) == pytest.approx(1_757_750.0)
    # ...and the next ingestion succeeds and clears what the killed one left behind
    [res] = Store(store.root).ingest([big])
    assert res.status == "added" and res.rows == 1_500_000
    assert not staging.exists()
    parquet = sorted(p.relative_to(store.root).as_posix() for p in store.root.rglob("*.parquet"))
    listed = sorted(p["file"] for p in json.loads(manifest_bytes(store))["partitions"].values())
    assert parquet == listed
