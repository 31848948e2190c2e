"""Russia's regional customs layout: hand-written TSV/CSV files, regions, and bad input."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyarrow as pa
import pytest

from bilat.errors import DataFormatError, UnknownCodeError
from bilat.schema import FLOWS_SCHEMA, REGIONS_SCHEMA
from bilat.sources import registry
from bilat.sources._io import head_bytes
from bilat.sources.ru_customs import RuCustomsReader, regions

COLUMNS = [
    "DIRECTION", "PERIOD", "COUNTRY", "HS", "UM", "VALUE", "NETWEIGHT", "QUANTITY", "REGION",
    "REGION_S",
]  # fmt: skip
PRIMORYE = ("05000 - PRIMORSKY TERRITORY", "05-FAR EASTERN FEDERAL DISTRICT")
KHABAROVSK = ("08000 - KHABAROVSK TERRITORY", "05-FAR EASTERN FEDERAL DISTRICT")
MOSCOW = ("45000 - MOSCOW", "01-CENTRAL FEDERAL DISTRICT")

ROWS = [
    # frozen Alaska pollock from Primorye to Korea; quantity in kg (UM 166)
    ["EXP", "03/2016", "KR", "0303670000", "166", "15230000.5", "7100000", "7100000", *PRIMORYE],
    # the same HS6 line again, another TN VED subdivision: rows are kept, not summed
    ["EXP", "03/2016", "KR", "0303670001", "", "1000", "400", "", *PRIMORYE],
    # Korean cars into Primorye; pieces (UM 796)
    ["IMP", "12/2016", "KR", "8703231981", "796", "9800000", "1500000", "600", *PRIMORYE],
    # coal from Khabarovsk to China; 4-digit code kept as it is
    ["EXP", "1/2017", "CN", "2701", "", "2500000", "30000000", "", *KHABAROVSK],
]


def write(
    tmp_path: Path,
    rows: list[list[str]],
    *,
    sep: str = "\t",
    header: list[str] = COLUMNS,
    name: str = "ru.tsv",
) -> Path:
    path = tmp_path / name
    text = "\n".join(sep.join(r) for r in [header, *rows]) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def read(path: Path) -> pa.Table:
    return pa.Table.from_batches(list(RuCustomsReader().batches(path)), schema=FLOWS_SCHEMA)


def test_region_is_one_side_of_the_flow(tmp_path: Path) -> None:
    df = read(write(tmp_path, ROWS)).to_pandas()
    cols = ["year", "period", "exporter", "importer", "product", "flow", "reported_by"]
    assert df[cols].values.tolist() == [
        [2016, "M03", "RUS.05000", "KOR", "030367", "X", "exporter"],
        [2016, "M03", "RUS.05000", "KOR", "030367", "X", "exporter"],
        [2016, "M12", "KOR", "RUS.05000", "870323", "M", "importer"],
        [2017, "M01", "RUS.08000", "CHN", "2701", "X", "exporter"],
    ]
    assert df.value_usd.tolist() == [15230000.5, 1000.0, 9800000.0, 2500000.0]
    # TN VED 2012-2016 is built on HS2012, 2017-2021 on HS2017
    assert df.hs_revision.tolist() == ["HS12", "HS12", "HS12", "HS17"]
    assert df.quantity.tolist() == [7100000.0, 400.0, 600.0, 30000000.0]
    assert df.quantity_unit.tolist() == ["166", "kg", "796", "kg"]
    assert not df.non_country.any()
    assert set(df.source) == {"ru-customs"} and set(df.release) == {"fcs"}


def test_comma_separated_and_gzipped_read_the_same(tmp_path: Path) -> None:
    tsv = read(write(tmp_path, ROWS))
    quoted = [[f'"{v}"' if "," in v else v for v in r] for r in ROWS]
    csv_path = write(tmp_path, quoted, sep=",", name="ru.csv")
    gz = tmp_path / "ru.csv.gz"
    gz.write_bytes(gzip.compress(csv_path.read_bytes()))
    assert read(csv_path).equals(tsv)
    assert read(gz).equals(tsv)


def test_regions_table(tmp_path: Path) -> None:
    table = regions(
        write(tmp_path, [*ROWS, ["IMP", "02/2016", "DE", "84", "", "5", "", "", *MOSCOW]])
    )
    assert table.schema == REGIONS_SCHEMA
    assert table.to_pylist() == [
        {
            "region": "RUS.05000",
            "country": "RUS",
            "name": "PRIMORSKY TERRITORY",
            "district": "05",
            "district_name": "FAR EASTERN FEDERAL DISTRICT",
            "source": "ru-customs",
            "release": "fcs",
        },
        {
            "region": "RUS.08000",
            "country": "RUS",
            "name": "KHABAROVSK TERRITORY",
            "district": "05",
            "district_name": "FAR EASTERN FEDERAL DISTRICT",
            "source": "ru-customs",
            "release": "fcs",
        },
        {
            "region": "RUS.45000",
            "country": "RUS",
            "name": "MOSCOW",
            "district": "01",
            "district_name": "CENTRAL FEDERAL DISTRICT",
            "source": "ru-customs",
            "release": "fcs",
        },
    ]


def test_detected_and_named_after_its_regions(tmp_path: Path) -> None:
    path = write(tmp_path, ROWS)
    reader = registry.detect(path)
    assert reader.format == "ru-customs"
    info = reader.info(path)
    assert (info.table, info.source, info.dataset, info.release) == (
        "flows", "ru-customs", "regions-05000+08000", "fcs"
    )  # fmt: skip


def test_sniff_rejects_other_layouts(tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("exp,imp,time,export\nKOR,RUS,2016,1\n", encoding="utf-8")
    assert not RuCustomsReader().sniff(other, head_bytes(other))


# ---------------------------------------------------------------- bad input


def _bad(tmp_path: Path, index: int, value: str) -> Path:
    rows = [list(r) for r in ROWS]
    rows[2][index] = value
    return write(tmp_path, rows)


def test_missing_column_lists_what_was_found(tmp_path: Path) -> None:
    header = [("VALUE_USD" if c == "VALUE" else c) for c in COLUMNS]
    with pytest.raises(DataFormatError) as err:
        read(write(tmp_path, ROWS, header=header))
    msg = str(err.value)
    assert err.value.column == "VALUE" and "VALUE_USD" in msg and "found:" in msg


def test_non_numeric_value(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError) as err:
        read(_bad(tmp_path, 5, "9 800 000"))
    assert (err.value.line, err.value.column) == (4, "VALUE")


def test_negative_value(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError) as err:
        read(_bad(tmp_path, 5, "-1"))
    assert (err.value.line, err.value.column) == (4, "VALUE") and "negative" in str(err.value)


def test_unknown_country_with_suggestion(tmp_path: Path) -> None:
    with pytest.raises(UnknownCodeError) as err:
        read(_bad(tmp_path, 2, "KX"))
    assert "'KX'" in str(err.value) and "line 4" in str(err.value) and "COUNTRY" in str(err.value)


def test_bad_period(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError) as err:
        read(_bad(tmp_path, 1, "2016-12"))
    assert (err.value.line, err.value.column) == (4, "PERIOD")


def test_bad_direction(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="unknown DIRECTION 'EXPORT'"):
        read(_bad(tmp_path, 0, "EXPORT"))


def test_bad_region(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError) as err:
        read(_bad(tmp_path, 8, "PRIMORSKY TERRITORY"))
    assert (err.value.line, err.value.column) == (4, "REGION")


def test_bad_product_code(tmp_path: Path) -> None:
    with pytest.raises(UnknownCodeError, match="'87032X'"):
        read(_bad(tmp_path, 3, "87032X"))


def test_wrong_encoding(tmp_path: Path) -> None:
    path = _bad(tmp_path, 8, "05000 - ПРИМОРСКИЙ КРАЙ")
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1251"))
    with pytest.raises(DataFormatError) as err:
        read(path)
    assert "UTF-8" in str(err.value) and err.value.line == 4


def test_truncated_gzip(tmp_path: Path) -> None:
    body = "\n".join("\t".join(r) for r in [COLUMNS, *(ROWS * 20_000)]).encode()
    whole = gzip.compress(body)
    path = tmp_path / "cut.tsv.gz"
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(DataFormatError, match="truncated"):
        read(path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.tsv"
    path.write_bytes(b"")
    with pytest.raises(DataFormatError, match="empty"):
        read(path)


def test_namibia_is_not_a_missing_value(tmp_path: Path) -> None:
    # "NA" is Namibia's ISO2 code, not "not available"
    rows = [["EXP", "05/2016", "NA", "0303", "", "10", "", "", *PRIMORYE]]
    df = read(write(tmp_path, rows)).to_pandas()
    assert df.importer.tolist() == ["NAM"]


def test_region_in_two_districts_is_rejected(tmp_path: Path) -> None:
    moved = ["EXP", "05/2016", "KR", "0303", "", "10", "", "", PRIMORYE[0], MOSCOW[1]]
    with pytest.raises(DataFormatError, match="two federal districts"):
        regions(write(tmp_path, [*ROWS, moved]))
