"""Tidy CSV reader: the penppml preset on the bundle, a mapped file, and bad input."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pyarrow as pa
import pytest

from bilat.errors import DataFormatError, InputError
from bilat.schema import FLOWS_SCHEMA
from bilat.sources import _csv_stream, registry
from bilat.sources.tidy import TidyReader, read_mapping_from_cli

PENPPML = "flows/penppml/trade.csv.gz"
HEADER = "exp,imp,time,export,id,agreement\n"


def read(reader: TidyReader, path: Path) -> pa.Table:
    return pa.Table.from_batches(list(reader.batches(path)), schema=FLOWS_SCHEMA)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def penppml(bundle: Path) -> pa.Table:
    return read(TidyReader(), bundle / PENPPML)


@pytest.fixture(scope="module")
def penppml_raw(bundle: Path) -> list[tuple[str, str, str, float]]:
    """(exp, imp, time, export) of every row, read with the csv module."""
    with gzip.open(bundle / PENPPML, "rt", encoding="utf-8", newline="") as fh:
        rows = csv.reader(fh)
        assert next(rows)[:4] == ["exp", "imp", "time", "export"]
        return [(r[0], r[1], r[2], float(r[3])) for r in rows]


@pytest.mark.bundle
def test_penppml_is_detected_with_its_release(bundle: Path) -> None:
    reader = registry.detect(bundle / PENPPML)
    assert reader.format == "tidy"
    info = reader.info(bundle / PENPPML)
    # DESCRIPTION beside the data says "Version: 0.2.4"
    assert (info.source, info.dataset, info.release, info.table) == (
        "penppml",
        "trade",
        "0.2.4",
        "flows",
    )


@pytest.mark.bundle
def test_penppml_korea_russia_2016(penppml: pa.Table) -> None:
    df = penppml.to_pandas()
    y = df[df.year == 2016]
    kor_rus = y[(y.exporter == "KOR") & (y.importer == "RUS")].value_usd
    rus_kor = y[(y.exporter == "RUS") & (y.importer == "KOR")].value_usd
    # the bundle README's facts: 4.768 bn and 10.558 bn USD
    assert len(kor_rus) == 1 and kor_rus.iloc[0] == pytest.approx(4.768e9, abs=0.5e6)
    assert len(rus_kor) == 1 and rus_kor.iloc[0] == pytest.approx(10.558e9, abs=0.5e6)
    assert set(y["flow"]) == {"X"} and set(y["product"]) == {"TOTAL"} and set(y["period"]) == {"A"}


@pytest.mark.bundle
def test_penppml_keeps_every_row_zeros_and_uns(
    penppml: pa.Table, penppml_raw: list[tuple[str, str, str, float]]
) -> None:
    assert penppml.num_rows == len(penppml_raw) == 316_317
    df = penppml.to_pandas()
    raw_zeros = sum(1 for r in penppml_raw if r[3] == 0)
    assert (df.value_usd == 0).sum() == raw_zeros
    raw_uns = sum(1 for r in penppml_raw if "UNS" in (r[0], r[1]))
    uns = df[(df.exporter == "UNS") | (df.importer == "UNS")]
    assert len(uns) == raw_uns and uns.non_country.all()
    # old ISO code of Romania mapped to the current one
    assert "ROM" not in set(df.exporter) and "ROU" in set(df.exporter)
    assert not df[(df.exporter == "KOR") & (df.importer == "RUS")].non_country.any()


@pytest.mark.bundle
def test_penppml_total_equals_raw_sum(
    penppml: pa.Table, penppml_raw: list[tuple[str, str, str, float]]
) -> None:
    raw_2016 = sum(r[3] for r in penppml_raw if r[2] == "2016")
    df = penppml.to_pandas()
    assert df[df.year == 2016].value_usd.sum() == pytest.approx(raw_2016, rel=1e-12)


def test_mapping_unit_names_and_products(tmp_path: Path) -> None:
    path = write(
        tmp_path / "mine.csv",
        "origin,destination,yr,hs,usd_thousands\n"
        '"Korea, Rep.",Russian Federation,2016,101,12.5\n'
        "RUS,KOR,2016,270900,0\n",
    )
    reader = TidyReader(
        {
            "exporter": "origin",
            "importer": "destination",
            "year": "yr",
            "value_usd": "usd_thousands",
            "product": "hs",
        },
        unit=1000.0,
        source="mine",
        hs_revision="HS12",
    )
    assert reader.sniff(path, path.read_bytes())
    info = reader.info(path)
    assert (info.source, info.dataset, info.release) == ("mine", "mine", "unknown")
    rows = read(reader, path).to_pylist()
    assert [(r["exporter"], r["importer"], r["product"], r["value_usd"]) for r in rows] == [
        ("KOR", "RUS", "0101", 12_500.0),
        ("RUS", "KOR", "270900", 0.0),
    ]
    assert {r["hs_revision"] for r in rows} == {"HS12"}


def test_penppml_preset_does_not_claim_other_csv(tmp_path: Path) -> None:
    path = write(tmp_path / "x.csv", "exporter,importer,pair_id,year,trade\n")
    assert not TidyReader().sniff(path, path.read_bytes())


def test_read_mapping_from_cli() -> None:
    assert read_mapping_from_cli("exporter=exp, importer=imp,year=time,value_usd=export") == {
        "exporter": "exp",
        "importer": "imp",
        "year": "time",
        "value_usd": "export",
    }
    with pytest.raises(InputError, match="did you mean 'exporter'"):
        read_mapping_from_cli("exportr=exp,importer=imp,year=time,value_usd=export")
    with pytest.raises(InputError, match="missing value_usd"):
        read_mapping_from_cli("exporter=exp,importer=imp,year=time")
    with pytest.raises(InputError, match="field=column"):
        read_mapping_from_cli("exporter:exp")


@pytest.mark.parametrize(
    ("body", "line", "column", "words"),
    [
        ("KOR,RUS,2016,1.0,,\nRUS,KOR,2016,abc,,\n", 3, "export", "'abc' is not a number"),
        ("KOR,RUS,2016,1.0,,\nRUS,KOR,2016,-5,,\n", 3, "export", "negative value"),
        (
            "KOR,RUS,2016,1.0,,\nRUS,KORR,2016,5,,\n",
            3,
            "imp",
            "unknown country code 'KORR'; did you mean",
        ),
        ("KOR,RUS,2016.5,1.0,,\n", 2, "time", "not a year"),
        ("KOR,RUS,2016,,,\n", 2, "export", "empty"),
    ],
)
def test_bad_values_name_line_and_column(
    tmp_path: Path, body: str, line: int, column: str, words: str
) -> None:
    path = write(tmp_path / "trade.csv", HEADER + body)
    with pytest.raises(DataFormatError) as err:
        read(TidyReader(), path)
    assert err.value.line == line and err.value.column == column
    assert words in str(err.value) and str(path) in str(err.value)


def test_renamed_column_lists_what_was_found(tmp_path: Path) -> None:
    path = write(tmp_path / "trade.csv", "exp,imp,time,exports,id\nKOR,RUS,2016,1,\n")
    reader = TidyReader(
        {"exporter": "exp", "importer": "imp", "year": "time", "value_usd": "export"}
    )
    with pytest.raises(
        DataFormatError,
        match=r"missing column 'export' \(found: exp, imp, time, exports, id\); "
        r"did you mean 'exports'",
    ):
        read(reader, path)


def test_line_numbers_across_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_csv_stream, "BLOCK_SIZE", 64)  # many small batches
    rows = ["KOR,RUS,2016,1.0,," for _ in range(40)] + ["KOR,RUS,2016,-1.0,,"]
    path = write(tmp_path / "trade.csv", HEADER + "\n".join(rows) + "\n")
    with pytest.raises(DataFormatError) as err:
        read(TidyReader(), path)
    assert err.value.line == 42


def test_empty_and_header_only_files(tmp_path: Path) -> None:
    empty = write(tmp_path / "empty.csv", "")
    with pytest.raises(DataFormatError, match="empty"):
        read(TidyReader(), empty)
    header_only = write(tmp_path / "header.csv", HEADER)
    with pytest.raises(DataFormatError, match="no data rows"):
        read(TidyReader(), header_only)


def test_truncated_gzip(tmp_path: Path) -> None:
    data = gzip.compress((HEADER + "KOR,RUS,2016,1.0,,\n" * 50_000).encode())
    path = tmp_path / "trade.csv.gz"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataFormatError, match="truncated"):
        read(TidyReader(), path)


def test_wrong_encoding(tmp_path: Path) -> None:
    path = tmp_path / "trade.csv"
    path.write_bytes(
        (HEADER + "KOR,RUS,2016,1.0,,\nKOR,RUS,2012,1.0,,Accord économique\n").encode("latin-1")
    )
    reader = TidyReader(
        {
            "exporter": "exp",
            "importer": "imp",
            "year": "time",
            "value_usd": "export",
            "quantity_unit": "agreement",
        }
    )
    with pytest.raises(DataFormatError, match="not UTF-8") as err:
        read(reader, path)
    assert err.value.line == 3


def test_mapped_file_through_the_store(tmp_path: Path) -> None:
    from bilat.store import Store

    path = write(tmp_path / "flows.csv", "o,d,y,v\nKOR,RUS,2016,2.5\nRUS,KOR,2016,4\n")
    reader = TidyReader(
        read_mapping_from_cli("exporter=o,importer=d,year=y,value_usd=v"),
        unit=1e9,
        source="mine",
        release="2024-01",
    )
    store = Store(tmp_path / "store")
    store.ingest([path], reader=reader)
    flows = store.table("flows")
    got = flows.filter(flows.exporter == "KOR").execute()
    assert got.value_usd.tolist() == [2.5e9]
    assert got.source.tolist() == ["mine"] and got.release.tolist() == ["2024-01"]


def test_penppml_release_from_description_or_unknown(tmp_path: Path) -> None:
    path = write(tmp_path / "trade.csv", HEADER + "KOR,RUS,2016,1.0,,\n")
    assert TidyReader().info(path).release == "unknown"
    write(tmp_path / "DESCRIPTION", "Package: penppml\nVersion: 9.9.1\n")
    assert TidyReader().info(path).release == "9.9.1"


def test_period_column_is_checked(tmp_path: Path) -> None:
    path = write(tmp_path / "m.csv", "o,d,y,p,v\nKOR,RUS,2016,M03,1\nKOR,RUS,2016,March,1\n")
    reader = TidyReader(read_mapping_from_cli("exporter=o,importer=d,year=y,period=p,value_usd=v"))
    with pytest.raises(DataFormatError, match="'March' is not a period") as err:
        read(reader, path)
    assert (err.value.line, err.value.column) == (3, "p")
