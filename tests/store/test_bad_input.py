"""Bad input refused, nothing lost (issue 20): each class of bad file is refused with a message
naming the file, the line and the fix, and the store stays exactly as it was.

Every test here failed on the code before the fix (run against commit 3815fc5).
"""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path

import pytest

from bilat.errors import DataFormatError, InputError
from bilat.sources.tidy import TidyReader
from bilat.store import Store

HEADER = "t,i,j,k,v,q\n"
# (exporter, importer, HS6, thousand USD, tonnes); BACI codes 643 RUS, 410 KOR, 842 USA
ROWS = [
    (643, 410, 270900, 1500.5, 10.0),
    (410, 643, 870323, 250.25, 2.0),
    (842, 410, 100190, 7.0, 1.0),
]


def baci(folder: Path, lines: list[str], year: int = 2016, release: str = "202201") -> Path:
    path = folder / f"BACI_HS92_Y{year}_V{release}.csv"
    path.write_text(HEADER + "".join(f"{line}\n" for line in lines))
    return path


def baci_rows(rows=ROWS, year: int = 2016) -> list[str]:
    return [f"{year},{i},{j},{k:06d},{v},{q}" for i, j, k, v, q in rows]


def snapshot(store: Store) -> dict[str, bytes]:
    """Every file of the store, by path: what 'nothing changed' is checked against."""
    return {
        str(p.relative_to(store.root)): p.read_bytes()
        for p in sorted(store.root.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


@pytest.fixture
def store(tmp_path) -> Store:
    s = Store(tmp_path / "store")
    s.ingest([baci(tmp_path, baci_rows(year=2015), year=2015)])
    return s


def refused(store: Store, path: Path, match: str, **kw) -> str:
    """Ingest ``path``: it must raise, mention ``match`` and leave every file as it was."""
    before = snapshot(store)
    with pytest.raises((DataFormatError, InputError)) as err:
        store.ingest([path], **kw)
    assert snapshot(store) == before
    message = str(err.value)
    assert match in message, message
    return message


# ---------------------------------------------------------------- 1. duplicated flows


def test_baci_file_with_repeated_rows_is_refused_with_their_lines(store, tmp_path):
    # 100 rows, then the first 3 of them again: lines 2-4 come back as lines 102-104
    importers = [4, 8, 12, 36, 40, 56, 76, 124, 156, 251]  # BACI codes of 10 countries
    products = [270900, 270111, 270112, 270119, 270120, 270210, 270220, 270300, 270400, 270500]
    rows = [
        (643, j, k, 1.0 + n, 1.0)
        for n, (j, k) in enumerate((j, k) for j in importers for k in products)
    ]
    lines = baci_rows(rows) + baci_rows(rows[:3])
    msg = refused(store, baci(tmp_path, lines), "appears 2 times, on lines 2, 102")
    assert "line 2:" in msg and "2 other flow(s) are repeated too" in msg
    assert "counted" in msg.lower() or "count it" in msg


def test_repeated_flow_in_a_tidy_file_is_refused(store, tmp_path):
    src = tmp_path / "flows.csv"
    src.write_text("exp,imp,year,usd\nRUS,KOR,2016,657\nKOR,RUS,2016,5\nRUS,KOR,2016,657\n")
    reader = TidyReader({"exporter": "exp", "importer": "imp", "year": "year", "value_usd": "usd"})
    before = snapshot(store)
    with pytest.raises(DataFormatError, match=r"appears 2 times, on lines 2, 4"):
        store.ingest([src], reader=reader)
    assert snapshot(store) == before


def test_repeated_rows_of_a_real_comtrade_file_are_refused(bundle, store, tmp_path):
    real = bundle / "flows/comtrade_legacy/hs27/comtrade_hs27_2015.csv.gz"
    lines = gzip.decompress(real.read_bytes()).decode("utf-8").splitlines(keepends=True)
    bad = tmp_path / "comtrade_hs27_2015.csv"
    bad.write_text("".join([*lines, lines[5]]))  # data line 6 once more, at the end
    refused(store, bad, f"on lines 6, {len(lines) + 1}")


def test_ru_customs_rows_sharing_an_hs6_code_are_summed_by_rule(tmp_path):
    # the documented exception: two TN VED 10-digit lines of one HS6 code are parts of a flow
    src = tmp_path / "ru.csv"
    src.write_text(
        "DIRECTION,PERIOD,COUNTRY,HS,UM,VALUE,NETWEIGHT,QUANTITY,REGION,REGION_S\n"
        "EXP,01/2016,KR,2709001001,,100,1,,05000 - PRIMORSKY TERRITORY,05-FAR EASTERN\n"
        "EXP,01/2016,KR,2709009001,,50,1,,05000 - PRIMORSKY TERRITORY,05-FAR EASTERN\n"
    )
    s = Store(tmp_path / "store")
    [res] = s.ingest([src])
    assert res.status == "added"
    t = s.table("flows")
    assert t.value_usd.sum().execute() == 150.0  # 100 + 50, both rows kept


# ---------------------------------------------------------------- 2. inf and overflow


@pytest.mark.parametrize("value", ["inf", "1e308", "-inf", "nan"])
def test_baci_value_that_is_not_a_finite_amount_is_refused(store, tmp_path, value):
    lines = [*baci_rows(), f"2016,643,410,270111,{value},1.0"]
    msg = refused(store, baci(tmp_path, lines), "line 5")
    assert "column 'v'" in msg


@pytest.mark.parametrize("value", ["inf", "1e309", "Infinity"])
def test_tidy_value_inf_is_refused(store, tmp_path, value):
    src = tmp_path / "flows.csv"
    src.write_text(f"exp,imp,year,usd\nRUS,KOR,2016,657\nKOR,RUS,2016,{value}\n")
    reader = TidyReader({"exporter": "exp", "importer": "imp", "year": "year", "value_usd": "usd"})
    before = snapshot(store)
    with pytest.raises(DataFormatError, match=r"line 3.*'usd'"):
        store.ingest([src], reader=reader)
    assert snapshot(store) == before


def test_tidy_unit_that_overflows_is_refused(store, tmp_path):
    src = tmp_path / "flows.csv"
    src.write_text("exp,imp,year,usd\nRUS,KOR,2016,1e300\n")
    reader = TidyReader(
        {"exporter": "exp", "importer": "imp", "year": "year", "value_usd": "usd"}, unit=1e10
    )
    with pytest.raises(DataFormatError, match=r"line 2.*not a finite"):
        store.ingest([src], reader=reader)


@pytest.mark.parametrize("unit", [math.inf, math.nan, 0.0, -1.0])
def test_unit_inf_is_refused(unit):
    with pytest.raises(InputError, match="unit"):
        TidyReader({"exporter": "e", "importer": "i", "year": "y", "value_usd": "v"}, unit=unit)


def test_comtrade_value_inf_is_refused(bundle, store, tmp_path):
    real = bundle / "flows/comtrade_legacy/hs27/comtrade_hs27_2015.csv.gz"
    lines = gzip.decompress(real.read_bytes()).decode("utf-8").splitlines(keepends=True)
    cells = lines[3].rstrip("\n").split(",")
    cells[-2] = "inf"  # Trade Value (US$)
    lines[3] = ",".join(cells) + "\n"
    bad = tmp_path / "comtrade_hs27_2015.csv"
    bad.write_text("".join(lines))
    refused(store, bad, "line 4")


# ---------------------------------------------------------------- 5. a smaller file


def test_smaller_file_of_the_same_release_needs_replace(bundle, tmp_path):
    real = bundle / "flows/comtrade_legacy/hs27/comtrade_hs27_2015.csv.gz"
    lines = gzip.decompress(real.read_bytes()).decode("utf-8").splitlines(keepends=True)
    store = Store(tmp_path / "store")
    [full] = store.ingest([real])
    assert full.rows == len(lines) - 1
    head = tmp_path / "head" / "comtrade_hs27_2015.csv"
    head.parent.mkdir()
    head.write_text("".join(lines[:501]))  # the header and 500 rows
    gone = len(lines) - 1 - 500
    msg = refused(store, head, f"{gone:,} rows would go")
    assert "--replace" in msg
    # asked for, it replaces
    [res] = store.ingest([head], replace=True)
    assert res.status == "replaced" and store.datasets().rows.sum() == 500


# ---------------------------------------------------------------- 7. serving copy


def test_unchanged_file_rebuilds_a_missing_serving_copy(tmp_path):
    # the state a kill during the serving-copy build leaves: data committed, no copy
    # (tests/store/test_faults.py kills a real ingestion there)
    store = Store(tmp_path / "store")
    src = baci(tmp_path, baci_rows())
    store.ingest([src], serving=False)
    assert store.serving_copy is None
    [res] = store.ingest([src])
    assert res.status == "unchanged"
    assert store.serving_copy is not None


# ---------------------------------------------------------------- 9. clear messages


def test_folder_given_as_a_file_says_so(store, tmp_path):
    folder = tmp_path / "some_folder"
    folder.mkdir()
    msg = refused(store, folder, "is a folder")
    assert "bilat data bundle" in msg and "download" not in msg


def test_unrecognised_format_says_what_was_looked_for(store, tmp_path):
    src = tmp_path / "mystery.csv"
    src.write_text("alpha,beta\n1,2\n")
    msg = refused(store, src, "not a format bilat recognises")
    assert "t,i,j,k,v,q" in msg  # what a BACI header would be
    assert "Trade Value (US$)" in msg  # what a Comtrade header holds
    assert "alpha,beta" in msg  # and what this file has


def test_unclosed_quote_names_its_line(store, tmp_path):
    src = tmp_path / "flows.csv"
    src.write_text('exp,imp,year,usd\nRUS,KOR,2016,657\n"KOR,RUS,2016,5\nRUS,CHN,2016,7\n')
    reader = TidyReader({"exporter": "exp", "importer": "imp", "year": "year", "value_usd": "usd"})
    before = snapshot(store)
    with pytest.raises(DataFormatError, match="line 3") as err:
        store.ingest([src], reader=reader)
    assert "quote" in str(err.value)
    assert snapshot(store) == before


def test_manifest_with_missing_fields_is_not_called_newer(store):
    path = store.root / "manifest.json"
    body = json.loads(path.read_text())
    for p in body["partitions"].values():
        del p["rows"]
    path.write_text(json.dumps(body))
    from bilat.errors import StoreError

    with pytest.raises(StoreError) as err:
        Store(store.root).manifest  # noqa: B018
    assert "newer" not in str(err.value)
    assert "rows" in str(err.value) and "damaged" in str(err.value)


def test_link_to_a_system_file_is_refused_without_showing_it(store, tmp_path):
    link = tmp_path / "flows.csv"
    link.symlink_to("/etc/passwd")
    first = Path("/etc/passwd").read_text().splitlines()[0]
    msg = refused(store, link, "/etc/passwd")
    assert first not in msg and "root:" not in msg


# ---------------------------------------------------------------- 10. accepted silently


def test_hs_code_not_in_the_files_revision_is_refused(bundle, store, tmp_path):
    # 990199 is no HS92 code (chapter 99 is not in HS92)
    lines = [*baci_rows(), "2016,643,410,990199,1.0,1.0"]
    refused(store, baci(tmp_path, lines), "990199")


def test_exporter_equal_to_importer_is_refused(store, tmp_path):
    lines = [*baci_rows(), "2016,643,643,270900,1.0,1.0"]
    refused(store, baci(tmp_path, lines), "exporter and importer are both 'RUS'")


def test_unknown_comtrade_reporter_code_is_refused(bundle, store, tmp_path):
    real = bundle / "flows/comtrade_legacy/hs27/comtrade_hs27_2015.csv.gz"
    lines = gzip.decompress(real.read_bytes()).decode("utf-8").splitlines(keepends=True)
    cells = lines[1].split(",")
    cells[8] = "997"  # Reporter Code: no Comtrade area has it (ISO still ALB)
    lines[1] = ",".join(cells)
    bad = tmp_path / "comtrade_hs27_2015.csv"
    bad.write_text("".join(lines))
    refused(store, bad, "997")


def test_same_file_with_another_unit_is_not_unchanged(tmp_path):
    src = tmp_path / "flows.csv"
    src.write_text("exp,imp,year,usd\nRUS,KOR,2016,657\n")
    mapping = {"exporter": "exp", "importer": "imp", "year": "year", "value_usd": "usd"}
    store = Store(tmp_path / "store")
    store.ingest([src], reader=TidyReader(mapping, unit=1000))  # a wrong unit …
    [res] = store.ingest([src], reader=TidyReader(mapping, unit=1))  # … corrected
    assert res.status == "replaced"
    assert store.table("flows").value_usd.sum().execute() == 657.0
    [again] = store.ingest([src], reader=TidyReader(mapping, unit=1))
    assert again.status == "unchanged"
    [other] = store.ingest([src], reader=TidyReader(mapping, source="mine"))
    assert other.status == "added"  # another source: other data, not "unchanged"


# ---------------------------------------------------------------- 8. bounds


def test_gzip_that_expands_past_the_bound_is_refused(store, tmp_path, monkeypatch):
    # 100 MB of CSV in a ~100 KB gzip (1000:1); the bound set low so the test stays quick
    monkeypatch.setenv("BILAT_MAX_DECOMPRESSED", str(20_000_000))
    rows = "".join(f"RUS,KOR,{1900 + n % 200},{n}\n" for n in range(50_000))
    body = ("exp,imp,time,export,id,agreement\n" + rows.replace("\n", ",1,\n")) * 1
    bomb = tmp_path / "trade.csv.gz"
    with gzip.open(bomb, "wt") as fh:
        fh.write(body)
        for _ in range(60):  # the same rows again and again: ~100 MB
            fh.write(rows.replace("\n", ",1,\n"))
    msg = refused(store, bomb, "expands to more than 20 MB")
    assert "BILAT_MAX_DECOMPRESSED" in msg


def test_bound_is_a_ratio_with_a_floor(monkeypatch):
    from bilat.sources._bounds import decompressed_limit

    monkeypatch.delenv("BILAT_MAX_DECOMPRESSED", raising=False)
    assert decompressed_limit(5_000_000) == 1 << 30  # 5 MB: 1 GB (so 2 GB is refused)
    assert decompressed_limit(300_000_000) == 30_000_000_000  # 100 x
    assert decompressed_limit(10**12) == 64 << 30  # never past 64 GB


def test_line_too_long_for_a_row_names_its_line(store, tmp_path):
    src = tmp_path / "flows.csv"
    src.write_text("exp,imp,year,usd\nRUS,KOR,2016,657\nKOR," + "x" * (20 << 20) + ",2016,5\n")
    reader = TidyReader({"exporter": "exp", "importer": "imp", "year": "year", "value_usd": "usd"})
    before = snapshot(store)
    with pytest.raises(DataFormatError, match="line 3") as err:
        store.ingest([src], reader=reader)
    assert "longer than any row" in str(err.value) and "block size" not in str(err.value)
    assert snapshot(store) == before


def test_baci_line_too_long(store, tmp_path):
    path = baci(tmp_path, [*baci_rows(), "2016,643,410," + "9" * (12 << 20) + ",1,1"])
    msg = refused(store, path, "line 5")
    assert "longer than any row" in msg
