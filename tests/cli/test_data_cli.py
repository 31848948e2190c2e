"""`bilat data …` end to end: the CLI is invoked, and the result checked through the Python API."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bilat.cli.main import app
from bilat.store import Store

runner = CliRunner()


def _raw_rows(path: Path) -> tuple[int, set[int]]:
    """Data rows and distinct years of a raw bundle CSV, read with the csv module."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        year_col = next(c for c in ("time", "Year", "t", "year") if c in reader.fieldnames)
        years, n = set(), 0
        for row in reader:
            n += 1
            years.add(int(float(row[year_col])))
    return n, years


@pytest.mark.bundle
def test_list_shows_every_flow_source_with_raw_row_counts(bundle, bundle_store):
    result = runner.invoke(app, ["data", "list", "--store", str(bundle_store.root)])
    assert result.exit_code == 0, result.output
    expected: dict[tuple[str, str], tuple[int, int, int]] = {}
    groups = {
        ("penppml", "trade"): ["flows/penppml/trade.csv.gz"],
        ("agtpa", "applications"): ["gravity/advanced_guide/agtpa_applications.csv.gz"],
        ("baci", "HS92-world-hs2"): [
            "flows/baci_hs2_world_exports/baci_hs92_exporter_hs2_2011_2020.csv.gz"
        ],
        # comtrade_hs44_44 is a renamed copy of the 2017 file: counted once
        ("comtrade", "hs27"): sorted(
            str(p.relative_to(bundle))
            for p in (bundle / "flows/comtrade_legacy/hs27").glob("*_[12]*.gz")
        ),
        ("comtrade", "hs44"): sorted(
            str(p.relative_to(bundle))
            for p in (bundle / "flows/comtrade_legacy/hs44").glob("*_[12]*.gz")
        ),
    }
    for key, files in groups.items():
        total, years = 0, set()
        for f in files:
            n, ys = _raw_rows(bundle / f)
            total, years = total + n, years | ys
        expected[key] = (total, min(years), max(years))
    got = bundle_store.datasets()
    flows = got[got.table == "flows"].set_index(["source", "dataset"])
    assert set(flows.index) == set(expected)
    for key, (rows, first, last) in expected.items():
        row = flows.loc[key]
        assert (row.rows, row.first_year, row.last_year) == (rows, first, last), key
        assert f"{rows:,}" in result.output and f"{first}–{last}" in result.output
    assert expected[("penppml", "trade")] == (316_317, 1964, 2016)  # as the bundle's README says


def test_add_bad_file_fails_cleanly_and_writes_nothing(tmp_path):
    store = tmp_path / "store"
    good = tmp_path / "BACI_HS92_Y2016_V202201.csv"
    good.write_text("t,i,j,k,v,q\n2016,643,410,270900,1.5,1\n")
    assert runner.invoke(app, ["data", "add", str(good), "--store", str(store)]).exit_code == 0
    before = (store / "manifest.json").read_bytes()
    bad = tmp_path / "BACI_HS92_Y2017_V202201.csv"
    bad.write_text("t,i,j,k,v,q\n2017,643,410,270900,1.5,1\n2017,643,999,270900,1.5,1\n")
    result = runner.invoke(app, ["data", "add", str(bad), "--store", str(store)])
    assert result.exit_code == 3  # bad input data (README: exit codes)
    assert "BACI_HS92_Y2017_V202201.csv" in result.output and "999" in result.output
    assert (store / "manifest.json").read_bytes() == before


def test_add_tidy_csv_with_mapping_then_remove(tmp_path):
    store = tmp_path / "store"
    src = tmp_path / "mine.csv"
    src.write_text(io.StringIO("rep,par,yr,val\nRUS,KOR,2016,10.5\nKOR,RUS,2016,4.75\n").read())
    result = runner.invoke(
        app,
        [
            "data",
            "add",
            str(src),
            "--store",
            str(store),
            "--unit",
            "1e9",
            "--source",
            "mine",
            "--map",
            "exporter=rep,importer=par,year=yr,value_usd=val",
        ],
    )
    assert result.exit_code == 0, result.output
    t = Store(store).table("flows")
    assert t.value_usd.sum().execute() == pytest.approx(15.25e9)
    assert runner.invoke(app, ["data", "remove", "mine", "--store", str(store)]).exit_code == 0
    assert Store(store).table("flows").count().execute() == 0


def _store_with_one_row(tmp_path: Path) -> Path:
    """A store made by `bilat data add` from a one-row BACI file (RUS→KOR, 1,500.5 thousand USD)."""
    src = tmp_path / "BACI_HS92_Y2016_V202201.csv"
    src.write_text("t,i,j,k,v,q\n2016,643,410,270900,1500.5,10\n")
    store = tmp_path / "store"
    assert runner.invoke(app, ["data", "add", str(src), "--store", str(store)]).exit_code == 0
    return store


def test_list_notes_a_store_without_every_derived_table(tmp_path):
    import json

    store = _store_with_one_row(tmp_path)
    fresh = runner.invoke(app, ["data", "list", "--store", str(store)])
    assert fresh.exit_code == 0 and "older bilat" not in fresh.output
    # a store written before economy_totals existed: its manifest lacks that table
    path = store / "manifest.json"
    body = json.loads(path.read_text())
    body["partitions"] = {
        k: p for k, p in body["partitions"].items() if p["table"] != "economy_totals"
    }
    path.write_text(json.dumps(body))
    old = runner.invoke(app, ["data", "list", "--store", str(store)])
    assert old.exit_code == 0 and "older bilat" in old.output
    # and the ledger still answers, from the detail
    from bilat.ledger.flows import bilateral_flows

    one = bilateral_flows(Store(store), "RUS", "KOR", products="27")  # the file holds HS 27 only
    assert one.value(2016, "exports") == 1_500_500.0


def test_list_notes_a_missing_serving_copy_and_index_builds_it(tmp_path):
    import shutil

    store = _store_with_one_row(tmp_path)
    listed = runner.invoke(app, ["data", "list", "--store", str(store)])
    assert "serving copy" not in listed.output
    shutil.rmtree(store / "serving")
    listed = runner.invoke(app, ["data", "list", "--store", str(store)])
    assert listed.exit_code == 0 and "no up-to-date serving copy" in listed.output
    built = runner.invoke(app, ["data", "index", "--store", str(store)])
    assert built.exit_code == 0 and "serving copy up to date" in built.output, built.output
    assert Store(store).serving_copy is not None
    # 1,500.5 thousand USD, read through the rebuilt copy
    assert Store(store).table("flows").value_usd.sum().execute() == 1_500_500.0


def test_version_and_wrote_on_stderr(tmp_path):
    from importlib.metadata import version

    out = runner.invoke(app, ["--version"])
    assert out.exit_code == 0 and out.output.strip() == f"bilat {version('bilat')}"
    # "wrote FILE" is a message, not data: stderr, so that stdout stays the data alone
    from typer.testing import CliRunner

    split = CliRunner()
    target = tmp_path / "c.json"
    r = split.invoke(app, ["claims", "check", "-", "--format", "json", "--out", str(target)],
                     input="No figures here.")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert f"wrote {target}" in r.stderr and "wrote" not in r.stdout
    assert target.exists()
