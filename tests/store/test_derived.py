"""The store's derived tables (pair_totals, pair_chapters) always equal aggregates of the detail.

Expected values are computed here with pandas straight from the detail Parquet files the
manifest lists, after every kind of change: ingest, a replacing newer release, removal, a
failed and a killed ingestion. The ledger must give the same answers through them as over
the detail alone.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pandas as pd
import pyarrow as pa
import pytest

from bilat.errors import DataFormatError
from bilat.schema import DERIVED_SCHEMAS, FLOWS_SCHEMA, SUMMED, TOTAL
from bilat.sources.base import FileInfo
from bilat.store import Store

KEYS = [f.name for f in DERIVED_SCHEMAS["pair_totals"]][:-2]


class FixtureReader:
    """A test source: a JSON file of canonical flow rows (source, release and rows inside)."""

    format: ClassVar[str] = "fixture"
    table: ClassVar[str] = "flows"

    def sniff(self, path: Path, head: bytes) -> bool:
        return False

    def info(self, path: Path) -> FileInfo:
        spec = json.loads(path.read_text())
        return FileInfo("flows", spec["source"], spec["dataset"], spec["release"], "fixture")

    def batches(self, path: Path) -> Iterator[pa.RecordBatch]:
        spec = json.loads(path.read_text())
        rows = [
            dict(
                zip(
                    ["year", "period", "exporter", "importer", "product", "value_usd"],
                    r[:6],
                    strict=True,
                ),
                hs_revision=None if r[4] == TOTAL else "HS12",
                quantity=None,
                quantity_unit=None,
                flow=r[6] if len(r) > 6 else "X",
                reported_by=r[7] if len(r) > 7 else "exporter",
                non_country=r[3] == "WLD",
                source=spec["source"],
                release=spec["release"],
            )
            for r in spec["rows"]
        ]
        # two batches, so that sums are combined across batches as in a real file
        half = len(rows) // 2
        for part in (rows[:half], rows[half:]):
            if part:
                yield pa.RecordBatch.from_pylist(part, schema=FLOWS_SCHEMA)
        if spec.get("fail"):
            raise DataFormatError(path, "bad row at the end", line=99)


# (year, period, exporter, importer, product, value_usd[, flow, reported_by])
COMTRADE_LIKE = [
    (2015, "A", "RUS", "KOR", "270900", 100.0),
    (2015, "A", "RUS", "KOR", "270111", 50.0),
    (2015, "A", "RUS", "KOR", "440710", 7.5),
    (2015, "A", "RUS", "KOR", "270900", 90.0, "M", "importer"),
    (2015, "A", "RUS", "WLD", "270900", 400.0),
    (2015, "M01", "KOR", "RUS", "870323", 3.0),
    (2015, "M02", "KOR", "RUS", "870323", 4.0),
    (2016, "A", "RUS", "KOR", "270900", 120.0),
    (2016, "A", "KOR", "RUS", "870323", 30.0),
    (2016, "A", "KOR", "RUS", "890110", 12.0),
    (2016, "A", "CHN", "RUS", "850440", 60.0),
]
TOTALS_ONLY = [
    (2015, "A", "RUS", "KOR", TOTAL, 1000.0, "X", "reconciled"),
    (2015, "A", "KOR", "RUS", TOTAL, 500.0, "X", "reconciled"),
    (2016, "A", "RUS", "KOR", TOTAL, 1100.0, "X", "reconciled"),
    (2016, "A", "CHN", "RUS", TOTAL, 2000.0, "X", "reconciled"),
    (2016, "A", "RUS", "CHN", TOTAL, 1500.0, "X", "reconciled"),
]


def fixture(folder: Path, name: str, rows, source="comtrade", release="2023", **kw) -> Path:
    path = folder / f"{name}.json"
    spec = dict(source=source, dataset=name.split("_")[0], release=release, rows=rows, **kw)
    path.write_text(json.dumps(spec))
    return path


def ingest(store: Store, *paths: Path):
    return store.ingest(list(paths), reader=FixtureReader())


def live(store: Store, table: str) -> pd.DataFrame:
    """A table read with pandas from the Parquet files the manifest lists (no bilat query)."""
    m = json.loads((store.root / "manifest.json").read_text())
    files = sorted(p["file"] for p in m["partitions"].values() if p["table"] == table)
    frames = [pd.read_parquet(store.root / f) for f in files]
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def expected(detail: pd.DataFrame, table: str) -> pd.DataFrame:
    """A derived table worked out from the detail rows with pandas."""
    if detail.empty:
        return pd.DataFrame()
    d = detail.copy()
    if table in ("pair_totals", "economy_totals"):
        d["product"] = d["product"].where(d["product"] == TOTAL, SUMMED)
    else:
        d = d[d["product"] != TOTAL]
        d["product"] = d["product"].str[:2]
    out = d.groupby(KEYS, as_index=False).agg(
        value_usd=("value_usd", "sum"), detail_rows=("value_usd", "size")
    )
    if table == "economy_totals":  # each pair_totals row under its exporter, then its importer
        out = pd.concat([out.assign(economy=out.exporter), out.assign(economy=out.importer)])
    return out


def keys_of(table: str) -> list[str]:
    return [*KEYS, "economy"] if table == "economy_totals" else KEYS


def assert_consistent(store: Store) -> None:
    """Both derived tables equal the detail's aggregates, partition by partition."""
    detail = live(store, "flows")
    m = json.loads((store.root / "manifest.json").read_text())["partitions"]
    flows_parts = {k: p for k, p in m.items() if p["table"] == "flows"}
    for name in DERIVED_SCHEMAS:
        parts = {k: p for k, p in m.items() if p["table"] == name}
        # one derived partition per flows partition, from the same source file and release
        assert {k.split("/", 1)[1] for k in parts} == {k.split("/", 1)[1] for k in flows_parts}
        for k, p in parts.items():
            f = flows_parts["flows/" + k.split("/", 1)[1]]
            assert (p["origin"], p["release"]) == (f["origin"], f["release"])
        got, want = live(store, name), expected(detail, name)
        if want.empty:
            assert got.empty, name
            continue
        # a pair split over two chunks of a large file may have two rows: queries sum them
        keys = keys_of(name)
        got = got.groupby(keys, as_index=False)[["value_usd", "detail_rows"]].sum()
        assert len(got) == len(want), name
        got = got[want.columns].sort_values(keys).reset_index(drop=True)
        want = want.sort_values(keys).reset_index(drop=True)
        pd.testing.assert_frame_equal(got, want, check_dtype=False, rtol=1e-12)


def test_derived_tables_equal_detail_after_ingest(tmp_path):
    store = Store(tmp_path / "store")
    ingest(
        store,
        fixture(tmp_path, "hs27_2015", COMTRADE_LIKE),
        fixture(tmp_path, "total", TOTALS_ONLY, source="penppml", release="1"),
    )
    assert_consistent(store)
    totals = live(store, "pair_totals")
    # by hand: RUS->KOR 2015 exporter-reported product rows 100 + 50 + 7.5 = 157.5, 3 rows
    hit = totals[
        (totals.year == 2015)
        & (totals.exporter == "RUS")
        & (totals.importer == "KOR")
        & (totals.reported_by == "exporter")
    ]
    assert hit[["product", "value_usd", "detail_rows"]].values.tolist() == [[SUMMED, 157.5, 3]]
    # a chapter extract's sum is never labelled TOTAL; a totals-only source's rows stay TOTAL
    assert set(totals[totals.source == "comtrade"]["product"]) == {SUMMED}
    assert set(totals[totals.source == "penppml"]["product"]) == {TOTAL}
    chapters = live(store, "pair_chapters")
    assert (chapters.source == "penppml").sum() == 0
    ch27 = chapters[(chapters.year == 2015) & (chapters["product"] == "27")]
    ch27 = ch27[(ch27.importer == "KOR") & (ch27.reported_by == "exporter")]
    assert ch27.value_usd.tolist() == [150.0]
    # the listing shows what was ingested, not the store's own derived tables
    assert set(store.datasets().table) == {"flows"}
    assert store.derived_ready


def test_newer_release_replaces_derived_tables(tmp_path):
    store = Store(tmp_path / "store")
    ingest(store, fixture(tmp_path, "hs27_old", COMTRADE_LIKE, release="2022"))
    newer = [(*r[:5], r[5] * 2, *r[6:]) for r in COMTRADE_LIKE]  # both years again
    [res] = ingest(store, fixture(tmp_path, "hs27_new", newer, release="2023"))
    assert res.status == "replaced"
    assert_consistent(store)
    totals = live(store, "pair_totals")
    assert set(totals.release) == {"2023"}
    assert totals.value_usd.sum() == pytest.approx(2 * sum(r[5] for r in COMTRADE_LIKE))
    # the replaced files are gone from disk, derived ones included
    on_disk = {p.relative_to(store.root).as_posix() for p in store.root.rglob("*.parquet")}
    listed = {
        p["file"]
        for p in json.loads((store.root / "manifest.json").read_text())["partitions"].values()
    }
    assert on_disk == listed


def test_remove_takes_derived_tables_with_it(tmp_path):
    store = Store(tmp_path / "store")
    ingest(
        store,
        fixture(tmp_path, "hs27_2015", COMTRADE_LIKE),
        fixture(tmp_path, "total", TOTALS_ONLY, source="penppml", release="1"),
    )
    assert store.remove("comtrade", year=2015) == 1
    assert_consistent(store)
    assert 2015 not in set(live(store, "pair_chapters").year)
    assert store.remove("penppml", table="flows") == 2
    assert_consistent(store)
    assert set(live(store, "pair_totals").source) == {"comtrade"}


def test_failed_ingestion_leaves_derived_tables_as_they_were(tmp_path):
    store = Store(tmp_path / "store")
    ingest(store, fixture(tmp_path, "total", TOTALS_ONLY, source="penppml", release="1"))
    before = live(store, "pair_totals")
    with pytest.raises(DataFormatError):
        ingest(store, fixture(tmp_path, "hs27_bad", COMTRADE_LIKE, fail=True))
    assert_consistent(store)
    pd.testing.assert_frame_equal(live(store, "pair_totals"), before)


def test_killed_ingestion_leaves_derived_tables_consistent(tmp_path):
    store = Store(tmp_path / "store")
    ingest(store, fixture(tmp_path, "total", TOTALS_ONLY, source="penppml", release="1"))
    before = (store.root / "manifest.json").read_bytes()
    # a child ingests a source that writes a few row groups to staging and then hangs
    script = textwrap.dedent(
        f"""
        import sys, time
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        import pyarrow as pa
        import bilat.store.writer as writer
        from bilat.store import Store
        from test_derived import FixtureReader
        writer.ROW_GROUP_ROWS = 2  # flush every batch, so Parquet bytes reach staging early

        class Hanging(FixtureReader):
            def batches(self, path):
                yield from super().batches(path)
                time.sleep(120)

        Store({str(store.root)!r}).ingest([{str(fixture(tmp_path, "hs27", COMTRADE_LIKE))!r}],
                                          reader=Hanging())
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE)
    staging = store.root / "staging"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if any(p.stat().st_size > 0 for p in staging.rglob("*.parquet")):
            break
        time.sleep(0.02)
    assert proc.poll() is None, proc.stderr.read().decode()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert (store.root / "manifest.json").read_bytes() == before
    assert_consistent(Store(store.root))
    # the next ingestion completes and the derived tables follow
    ingest(Store(store.root), fixture(tmp_path, "hs27", COMTRADE_LIKE))
    assert_consistent(Store(store.root))


def test_ledger_answers_the_same_through_derived_tables(tmp_path):
    from bilat.ledger.composition import composition
    from bilat.ledger.flows import bilateral_flows
    from bilat.ledger.indices import hhi
    from bilat.ledger.ranks import partner_rank

    store = Store(tmp_path / "store")
    ingest(
        store,
        fixture(tmp_path, "hs27_2015", COMTRADE_LIKE),
        fixture(tmp_path, "total", TOTALS_ONLY, source="penppml", release="1"),
    )
    detail = store.table("flows")  # an ibis table: the ledger then reads the detail only
    chapters = {"products": ("27", "87")}  # a partial figure: asked for by its products
    for fn, kw in [
        (bilateral_flows, {}),
        (bilateral_flows, {"source": "comtrade", "frequency": "month", **chapters}),
        (partner_rank, {}),
        (partner_rank, {"source": "comtrade", **chapters}),
        (composition, {"level": "chapter"}),
        (composition, {"level": "section", "direction": "imports"}),
    ]:
        fast, slow = fn(store, "RUS", "KOR", **kw), fn(detail, "RUS", "KOR", **kw)
        pd.testing.assert_frame_equal(fast.table, slow.table)
        assert fast.provenance == slow.provenance
    fast = hhi(store, "RUS", 2015, by="product", partner="KOR")
    assert fast.value == hhi(detail, "RUS", 2015, by="product", partner="KOR").value
    # by hand: KOR declares its imports in 2015 (one row, 270900 -> 90), so its report holds
    # for every product — what it did not list is 0 — and RUS's exports are all chapter 27
    assert fast.value == pytest.approx(1.0)
    by_exporter = hhi(store, "RUS", 2015, by="product", partner="KOR", basis="exporter")
    assert by_exporter.value == pytest.approx((150 / 157.5) ** 2 + (7.5 / 157.5) ** 2)


def test_second_pair_reuses_the_first_pairs_query_with_its_own_codes(tmp_path):
    from bilat.ledger.composition import composition
    from bilat.ledger.flows import bilateral_flows
    from bilat.ledger.ranks import partner_rank

    rows = [  # reconciled, like BACI: (year, period, exporter, importer, product, value)
        (2016, "A", "RUS", "KOR", "270900", 100.0, "X", "reconciled"),
        (2016, "A", "KOR", "RUS", "870323", 30.0, "X", "reconciled"),
        (2016, "A", "CHN", "RUS", "850440", 60.0, "X", "reconciled"),
        (2016, "A", "RUS", "CHN", "270900", 45.0, "X", "reconciled"),
        (2016, "A", "CHN", "KOR", "850440", 5.0, "X", "reconciled"),
    ]
    store = Store(tmp_path / "store")
    ingest(store, fixture(tmp_path, "hs12_2016", rows, source="baci", release="1"))
    held = ("27", "85", "87")  # the chapters the file holds: asked for, as partial figures
    first = bilateral_flows(store, "RUS", "KOR", products=held).table.iloc[0]
    assert (first.exports, first.imports) == (100.0, 30.0)

    def templates() -> int:  # the query templates the store's session keeps (run_for)
        return sum(1 for key in store.session._answers if key[0] == "template")

    n = templates()
    assert n >= 1
    # same question, other countries: the template is reused with CHN and RUS swapped in
    second = bilateral_flows(store, "CHN", "RUS", products=held).table.iloc[0]
    assert (second.exports, second.imports) == (60.0, 45.0)
    assert templates() == n
    # ranks and products likewise, each against a hand count
    r = partner_rank(store, "RUS", "KOR", products=held).table.iloc[0]
    assert (r["rank"], r.value) == (1, 130.0)  # RUS's partners: KOR 100 + 30, CHN 60 + 45
    r = partner_rank(store, "KOR", "CHN", products=held).table.iloc[0]
    assert (r["rank"], r.value) == (2, 5.0)  # KOR's partners: RUS 130, CHN 5
    c = composition(store, "CHN", "KOR", level="product", direction="exports").table
    assert c[["code", "value"]].values.tolist() == [["850440", 5.0]]
    # a group is not templated and still right: EAEU (RUS its only member here) with KOR
    g = bilateral_flows(store, "EAEU", "KOR", products=held).table.iloc[0]
    assert (g.exports, g.imports) == (100.0, 30.0)


def test_partial_sums_combine_across_flushes(tmp_path, monkeypatch):
    import bilat.store.writer as writer

    # flush every two rows, as a 10-million-row file flushes every million
    monkeypatch.setattr(writer, "ROW_GROUP_ROWS", 2)
    store = Store(tmp_path / "store")
    ingest(store, fixture(tmp_path, "hs27_2015", COMTRADE_LIKE))
    assert_consistent(store)
    # RUS->KOR 2015's three exporter-reported rows were split over chunks, yet sum right
    t = live(store, "pair_totals")
    hit = t[(t.year == 2015) & (t.importer == "KOR") & (t.reported_by == "exporter")]
    assert (hit.value_usd.sum(), hit.detail_rows.sum()) == (157.5, 3)


def runs(values: list) -> list:
    """The values with adjacent repeats collapsed: one entry per run."""
    return [v for i, v in enumerate(values) if i == 0 or values[i - 1] != v]


def test_detail_is_grouped_by_pair_with_statistics(tmp_path):
    import pyarrow.parquet as pq

    store = Store(tmp_path / "store")
    ingest(store, fixture(tmp_path, "hs27_2015", COMTRADE_LIKE))
    m = json.loads((store.root / "manifest.json").read_text())["partitions"]
    for p in m.values():
        if p["table"] != "flows":
            continue
        f = pq.ParquetFile(store.root / p["file"])
        t = f.read().to_pandas()
        # input grouped by pair (as here: each exporter's rows, and each pair's, together) is
        # kept in its order: one run per exporter and per pair is all a look-up needs
        pairs = list(zip(t.exporter, t.importer, strict=True))
        assert len(runs(pairs)) == len(set(pairs))
        assert len(runs(list(t.exporter))) == len(set(t.exporter))
        # min/max on the columns a pair look-up filters on, so row groups can be skipped
        rg = f.metadata.row_group(0)
        names = [rg.column(i).path_in_schema for i in range(rg.num_columns)]
        assert rg.column(names.index("exporter")).statistics.has_min_max
        assert rg.column(names.index("importer")).statistics.has_min_max
        # and a page index, so a reader can skip the pages of other pairs inside a row group
        assert rg.column(names.index("exporter")).has_column_index
        assert rg.column(names.index("importer")).has_offset_index


def test_economy_totals_hold_each_pair_row_under_both_economies_sorted(tmp_path):
    import pyarrow.parquet as pq

    store = Store(tmp_path / "store")
    ingest(store, fixture(tmp_path, "hs27_2015", COMTRADE_LIKE))
    m = json.loads((store.root / "manifest.json").read_text())["partitions"]
    files = {p["table"]: p["file"] for p in m.values()}
    pairs = pq.read_table(store.root / files["pair_totals"]).to_pandas()
    by_economy = pq.read_table(store.root / files["economy_totals"]).to_pandas()
    assert len(by_economy) == 2 * len(pairs)
    order = list(zip(by_economy.economy, by_economy.exporter, by_economy.importer, strict=True))
    assert order == sorted(order)
    for side in ("exporter", "importer"):
        mine = by_economy[by_economy.economy == by_economy[side]].drop(columns="economy")
        if side == "importer":  # a row whose exporter is its importer is in the first half
            mine = mine[mine.exporter != mine.importer]
        want = pairs[pairs.exporter != pairs.importer] if side == "importer" else pairs
        pd.testing.assert_frame_equal(
            mine.sort_values(KEYS).reset_index(drop=True),
            want.sort_values(KEYS).reset_index(drop=True),
        )


def test_two_stores_in_one_process_answer_from_their_own_data(tmp_path):
    from bilat.ledger.flows import bilateral_flows

    # ibis's in-memory DuckDB connections compare equal: remembered source choices must not leak
    one, two = Store(tmp_path / "one"), Store(tmp_path / "two")
    ingest(one, fixture(tmp_path, "hs27_2015", COMTRADE_LIKE))
    ingest(two, fixture(tmp_path, "total", TOTALS_ONLY, source="penppml", release="1"))
    assert bilateral_flows(one, "RUS", "KOR", products="27").provenance.source == "comtrade"
    flows = bilateral_flows(two, "RUS", "KOR")
    assert flows.provenance.source == "penppml"
    assert flows.value(2016, "exports") == 1100.0


# Pairs out of ISO3 order, a pair's rows split by another pair's, and an all-goods TOTAL row
# between chapter rows: the run-based sums must still add up to the detail's.
SCRAMBLED = [
    (2015, "A", "RUS", "KOR", "270900", 100.0),
    (2015, "A", "CHN", "RUS", "850440", 60.0),
    (2015, "A", "RUS", "KOR", "440710", 7.5),
    (2015, "A", "RUS", "KOR", TOTAL, 1000.0),
    (2015, "A", "RUS", "KOR", "270111", 50.0),
    (2015, "A", "AUT", "ZWE", "010121", 1.0),
    (2015, "A", "RUS", "KOR", "270900", 25.0, "M", "importer"),
    (2015, "A", "RUS", "KOR", "271000", 25.0),
]


def test_sums_hold_for_rows_in_any_order(tmp_path):
    store = Store(tmp_path / "store")
    ingest(store, fixture(tmp_path, "hs27_2015", SCRAMBLED))
    assert_consistent(store)
    c = live(store, "pair_chapters")
    hit = c[(c.exporter == "RUS") & (c["product"] == "27") & (c.reported_by == "exporter")]
    assert (hit.value_usd.sum(), hit.detail_rows.sum()) == (175.0, 3)  # 100 + 50 + 25
    t = live(store, "pair_totals")
    rk = t[(t.exporter == "RUS") & (t.reported_by == "exporter")]
    by = rk.groupby("product").value_usd.sum().to_dict()
    assert by == {TOTAL: 1000.0, SUMMED: 182.5}  # 100 + 7.5 + 50 + 25
    detail = live(store, "flows")
    pairs = list(zip(detail.exporter, detail.importer, strict=True))
    assert pairs == sorted(pairs)
