"""Comtrade legacy bulk CSV: the bundle's HS27/HS44 files against their raw rows, and bad input."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pyarrow as pa
import pytest

from bilat.errors import DataFormatError, UnknownCodeError
from bilat.schema import FLOWS_SCHEMA
from bilat.sources import registry
from bilat.sources._io import head_bytes
from bilat.sources.comtrade_legacy import ComtradeLegacyReader

HS27_2015 = "flows/comtrade_legacy/hs27/comtrade_hs27_2015.csv.gz"
HS44_2017 = "flows/comtrade_legacy/hs44/comtrade_hs44_2017.csv.gz"
HS44_COPY = "flows/comtrade_legacy/hs44/comtrade_hs44_44.csv.gz"

HEADER = (
    "Classification,Year,Period,Period Desc.,Aggregate Level,Is Leaf Code,Trade Flow Code,"
    "Trade Flow,Reporter Code,Reporter,Reporter ISO,Partner Code,Partner,Partner ISO,"
    "Commodity Code,Commodity,Qty Unit Code,Qty Unit,Qty,Netweight (kg),Trade Value (US$),Flag"
)


def read(path: Path) -> pa.Table:
    return pa.Table.from_batches(list(ComtradeLegacyReader().batches(path)), schema=FLOWS_SCHEMA)


def raw_rows(path: Path) -> list[dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def row(
    flow: str = "Import",
    reporter: tuple[str, str] = ("410", "KOR"),
    partner: tuple[str, str] = ("643", "RUS"),
    *,
    cls: str = "H4",
    year: str = "2015",
    period: str = "2015",
    code: str = "27",
    unit: tuple[str, str] = ("1", "No Quantity"),
    qty: str = "",
    weight: str = "",
    value: str = "1000",
) -> str:
    flow_code = {"Import": "1", "Export": "2", "Re-Export": "3", "Re-Import": "4"}.get(flow, "9")
    return ",".join(
        [cls, year, period, period, "2", "0", flow_code, flow, reporter[0], "Reporter",
         reporter[1], partner[0], "Partner", partner[1], code, '"Mineral fuels, oils"',
         unit[0], unit[1], qty, weight, value, "0"]
    )  # fmt: skip


def write(tmp_path: Path, *rows: str, name: str = "legacy.csv", header: str = HEADER) -> Path:
    path = tmp_path / name
    # the publisher's files start with a UTF-8 byte-order mark and use CRLF line ends
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join([header, *rows, ""]).encode("utf-8"))
    return path


# ---------------------------------------------------------------- the real bundle


@pytest.fixture(scope="module")
def hs27_2015(bundle: Path) -> pa.Table:
    return read(bundle / HS27_2015)


@pytest.fixture(scope="module")
def hs27_2015_raw(bundle: Path) -> list[dict[str, str]]:
    return raw_rows(bundle / HS27_2015)


def _raw_value(raw: list[dict[str, str]], reporter: str, partner: str, flow: str) -> float:
    hits = [
        float(r["Trade Value (US$)"])
        for r in raw
        if (r["Reporter ISO"], r["Partner ISO"], r["Trade Flow"]) == (reporter, partner, flow)
    ]
    assert len(hits) == 1
    return hits[0]


@pytest.mark.bundle
def test_korea_reported_imports_from_russia_equal_the_raw_csv(
    hs27_2015: pa.Table, hs27_2015_raw: list[dict[str, str]]
) -> None:
    df = hs27_2015.to_pandas()
    got = df[(df.exporter == "RUS") & (df.importer == "KOR") & (df.reported_by == "importer")]
    assert len(got) == 1
    expected = _raw_value(hs27_2015_raw, "KOR", "RUS", "Import")
    assert got.value_usd.iloc[0] == expected
    rec = got.iloc[0]
    assert (rec.year, rec.period, rec.flow, rec["product"], rec.hs_revision) == (
        2015, "A", "M", "27", "HS12"
    )  # fmt: skip
    assert (rec.source, rec.release, bool(rec.non_country)) == ("comtrade", "legacy", False)


@pytest.mark.bundle
def test_russia_reported_exports_to_korea_equal_the_raw_csv(
    hs27_2015: pa.Table, hs27_2015_raw: list[dict[str, str]]
) -> None:
    df = hs27_2015.to_pandas()
    got = df[(df.exporter == "RUS") & (df.importer == "KOR") & (df.reported_by == "exporter")]
    assert len(got) == 1 and got.flow.iloc[0] == "X"
    assert got.value_usd.iloc[0] == _raw_value(hs27_2015_raw, "RUS", "KOR", "Export")


@pytest.mark.bundle
def test_row_count_and_total_value_equal_the_raw_file(
    hs27_2015: pa.Table, hs27_2015_raw: list[dict[str, str]]
) -> None:
    assert hs27_2015.num_rows == len(hs27_2015_raw)
    total = sum(float(r["Trade Value (US$)"]) for r in hs27_2015_raw)
    assert sum(hs27_2015.column("value_usd").to_pylist()) == pytest.approx(total, rel=1e-12)


@pytest.mark.bundle
def test_flows_world_and_special_areas(
    hs27_2015: pa.Table, hs27_2015_raw: list[dict[str, str]]
) -> None:
    df = hs27_2015.to_pandas()
    raw_flows: dict[str, int] = {}
    for r in hs27_2015_raw:
        raw_flows[r["Trade Flow"]] = raw_flows.get(r["Trade Flow"], 0) + 1
    names = {"Import": "M", "Export": "X", "Re-Export": "RX", "Re-Import": "RM"}
    assert df.flow.value_counts().to_dict() == {names[k]: v for k, v in raw_flows.items()}
    world = df[(df.exporter == "WLD") | (df.importer == "WLD")]
    raw_world = [r for r in hs27_2015_raw if r["Partner ISO"] == "WLD"]
    assert len(world) == len(raw_world) and world.non_country.all()
    # blank "Partner ISO" rows (e.g. 899 "Areas, nes") are kept, coded from the numeric code
    blank = [r for r in hs27_2015_raw if not r["Partner ISO"]]
    assert blank
    assert not df.exporter.isna().any() and not df.importer.isna().any()
    # re-exports are reported by the exporter, re-imports by the importer
    assert set(df[df.flow.isin(["X", "RX"])].reported_by) == {"exporter"}
    assert set(df[df.flow.isin(["M", "RM"])].reported_by) == {"importer"}


@pytest.mark.bundle
def test_bundle_file_is_detected_and_named(bundle: Path) -> None:
    path = bundle / HS27_2015
    reader = registry.detect(path)
    assert reader.format == "comtrade-legacy"
    info = reader.info(path)
    assert (info.table, info.source, info.dataset, info.release) == (
        "flows", "comtrade", "hs27", "legacy"
    )  # fmt: skip


@pytest.mark.bundle
def test_renamed_copy_is_the_same_slice(bundle: Path) -> None:
    # comtrade_hs44_44 holds the same rows as comtrade_hs44_2017: same dataset, same year, so the
    # store replaces one with the other instead of counting 2017 twice
    reader = ComtradeLegacyReader()
    a, b = bundle / HS44_2017, bundle / HS44_COPY
    assert reader.info(a) == reader.info(b)
    ta, tb = read(a), read(b)
    assert set(ta.column("year").to_pylist()) == set(tb.column("year").to_pylist()) == {2017}
    assert ta.equals(tb)


# ---------------------------------------------------------------- hand-written files


def test_flows_sides_and_quantities(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        row("Import", qty="", weight="5000", value="1234.5"),
        row("Export", ("643", "RUS"), ("410", "KOR"), unit=("8", "Weight in kilograms"), qty="7"),
        row("Re-Export", ("410", "KOR"), ("0", "WLD"), value="10"),
        row("Re-Import", ("410", "KOR"), ("899", ""), value="20"),
    )
    df = read(path).to_pandas()
    assert df[["exporter", "importer", "flow", "reported_by"]].values.tolist() == [
        ["RUS", "KOR", "M", "importer"],
        ["RUS", "KOR", "X", "exporter"],
        ["KOR", "WLD", "RX", "exporter"],
        ["_X", "KOR", "RM", "importer"],
    ]
    assert df.value_usd.tolist() == [1234.5, 1000.0, 10.0, 20.0]
    assert df.non_country.tolist() == [False, False, True, True]
    # no Qty: net weight in kg; Qty with unit code 8: kg; neither: nothing
    assert df.quantity.tolist()[:2] == [5000.0, 7.0]
    assert df.quantity_unit.tolist()[:2] == ["kg", "kg"]
    assert df.quantity.isna().tolist()[2:] == [True, True]


def test_monthly_periods_and_revisions(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        row(cls="H5", year="2017", period="201703"),
        row(cls="H0", year="1995", period="199512", code="2709"),
    )
    df = read(path).to_pandas()
    assert df[["year", "period", "hs_revision", "product"]].values.tolist() == [
        [2017, "M03", "HS17", "27"],
        [1995, "M12", "HS92", "2709"],
    ]


def test_lost_leading_zero_is_restored(tmp_path: Path) -> None:
    # a spreadsheet turned HS 0101 into 101
    df = read(write(tmp_path, row(code="101"))).to_pandas()
    assert df["product"].tolist() == ["0101"]


def test_dataset_from_classification_when_the_name_says_nothing(tmp_path: Path) -> None:
    info = ComtradeLegacyReader().info(write(tmp_path, row(cls="H3"), name="download.csv"))
    assert info.dataset == "bulk-h3"


def test_sniff_accepts_the_layout_only(tmp_path: Path) -> None:
    reader = ComtradeLegacyReader()
    good = write(tmp_path, row())
    other = tmp_path / "other.csv"
    other.write_text("exp,imp,time,export\nKOR,RUS,2016,1\n", encoding="utf-8")
    assert reader.sniff(good, head_bytes(good))
    assert not reader.sniff(other, head_bytes(other))


# ---------------------------------------------------------------- bad input


def test_renamed_column_is_named_with_what_was_found(tmp_path: Path) -> None:
    path = write(tmp_path, row(), header=HEADER.replace("Trade Value (US$)", "Trade Value"))
    with pytest.raises(DataFormatError) as err:
        read(path)
    msg = str(err.value)
    assert "line 1" in msg and "'Trade Value (US$)'" in msg and "'Trade Value'" in msg
    assert "found:" in msg and "Partner ISO" in msg


def test_non_numeric_value_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, row(), row(value="12x4"))
    with pytest.raises(DataFormatError) as err:
        read(path)
    assert err.value.line == 3 and err.value.column == "Trade Value (US$)"
    assert "'12x4'" in str(err.value)


def test_negative_value_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, row(), row(), row(value="-5"))
    with pytest.raises(DataFormatError) as err:
        read(path)
    assert err.value.line == 4 and err.value.column == "Trade Value (US$)"
    assert "negative" in str(err.value)


def test_unknown_country_code_with_suggestion(tmp_path: Path) -> None:
    path = write(tmp_path, row(), row(partner=("999", "RUX")))
    with pytest.raises(UnknownCodeError) as err:
        read(path)
    msg = str(err.value)
    assert "'RUX'" in msg and "line 3" in msg and "Partner ISO" in msg
    assert err.value.suggestions


def test_bad_period(tmp_path: Path) -> None:
    path = write(tmp_path, row(period="2015-03"))
    with pytest.raises(DataFormatError) as err:
        read(path)
    assert err.value.line == 2 and err.value.column == "Period"


def test_period_of_another_year(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="bad period '201403'"):
        read(write(tmp_path, row(year="2015", period="201403")))


def test_unknown_trade_flow(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="unknown trade flow 'transit'"):
        read(write(tmp_path, row("Transit")))


def test_sitc_is_rejected_clearly(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="not the Harmonized System"):
        read(write(tmp_path, row(cls="S3")))


def test_truncated_gzip(tmp_path: Path) -> None:
    body = "\r\n".join([HEADER, *(row(value=str(i)) for i in range(20_000))]).encode()
    whole = gzip.compress(b"\xef\xbb\xbf" + body)
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(DataFormatError, match="truncated"):
        read(path)


def test_wrong_encoding(tmp_path: Path) -> None:
    path = tmp_path / "cp1251.csv"
    # re-saved by a Russian-language spreadsheet: a unit name in Windows-1251
    text = "\r\n".join([HEADER, row(), row(unit=("8", "кг")), ""])
    path.write_bytes(text.encode("cp1251"))
    with pytest.raises(DataFormatError) as err:
        read(path)
    assert "UTF-8" in str(err.value) and err.value.line == 3


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(DataFormatError, match="empty"):
        read(path)


def test_header_without_rows(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="no data rows"):
        read(write(tmp_path))


def test_zip_archive_reads_like_the_csv(tmp_path: Path) -> None:
    import zipfile

    plain = write(tmp_path, row(), row("Export", ("643", "RUS"), ("410", "KOR")))
    archive = tmp_path / "legacy.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(plain, "comtrade.csv")
    assert read(archive).equals(read(plain))
