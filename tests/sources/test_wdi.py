"""WDI reader: the bundle's long CSVs, a wide download in the WDI site's layout, bad input."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pytest

from bilat.errors import DataFormatError
from bilat.schema import MACRO_SCHEMA
from bilat.sources import registry
from bilat.sources.wdi import WdiReader

GDP = "macro/wdi_gdp/gdp.csv"
POP = "macro/wdi_population/population.csv"

# The layout of API_NY.GDP.MKTP.CD_DS2_en_csv_v2_*.csv as the WDI site serves it: a BOM, a
# four-line preamble, quoted fields and a trailing comma on every line.
WIDE = (
    '\ufeff"Data Source","World Development Indicators",\n'
    "\n"
    '"Last Updated Date","2024-06-28",\n'
    "\n"
    '"Country Name","Country Code","Indicator Name","Indicator Code","1960","1961","2016",\n'
    '"Aruba","ABW","GDP (current US$)","NY.GDP.MKTP.CD","","","2983635195.5",\n'
    '"Korea, Rep.","KOR","GDP (current US$)","NY.GDP.MKTP.CD",'
    '"3958190758.6","2417558185.2","1499362200000",\n'
    '"World","WLD","GDP (current US$)","NY.GDP.MKTP.CD",'
    '"1392950000000","1446480000000","76410000000000",\n'
)


def read(path: Path) -> pa.Table:
    return pa.Table.from_batches(list(WdiReader().batches(path)), schema=MACRO_SCHEMA)


def raw_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.bundle
def test_gdp_long(bundle: Path) -> None:
    path = bundle / GDP
    assert registry.detect(path).format == "wdi"
    info = WdiReader().info(path)
    # datapackage.json beside the file: link .../indicator/NY.GDP.MKTP.CD, last_updated 2026-02-24
    assert (info.table, info.source, info.dataset, info.release) == (
        "macro",
        "wdi",
        "NY.GDP.MKTP.CD",
        "2026-02-24",
    )
    table = read(path)
    raw = raw_rows(path)
    assert table.num_rows == sum(1 for r in raw if r["Value"] != "")
    df = table.to_pandas()
    kor = [float(r["Value"]) for r in raw if r["Country Code"] == "KOR" and r["Year"] == "2016"]
    got = df[(df.country == "KOR") & (df.year == 2016)].value
    assert got.tolist() == kor
    assert df[df.country == "WLD"].non_country.all() and df[df.country == "EAS"].non_country.all()
    assert not df[df.country == "KOR"].non_country.any()


@pytest.mark.bundle
def test_population_long(bundle: Path) -> None:
    path = bundle / POP
    assert WdiReader().info(path).dataset == "SP.POP.TOTL"
    df = read(path).to_pandas()
    raw = raw_rows(path)
    rus = [float(r["Value"]) for r in raw if r["Country Code"] == "RUS" and r["Year"] == "2016"]
    assert df[(df.country == "RUS") & (df.year == 2016)].value.tolist() == rus


def test_wide_download(tmp_path: Path) -> None:
    path = tmp_path / "API_NY.GDP.MKTP.CD_DS2_en_csv_v2_5.csv"
    path.write_text(WIDE, encoding="utf-8")
    assert registry.detect(path).format == "wdi"
    info = WdiReader().info(path)
    assert (info.dataset, info.release) == ("NY.GDP.MKTP.CD", "2024-06-28")
    rows = sorted(
        (r["country"], r["year"], r["value"], r["non_country"]) for r in read(path).to_pylist()
    )
    # empty cells dropped: ABW has only 2016
    assert rows == [
        ("ABW", 2016, 2983635195.5, False),
        ("KOR", 1960, 3958190758.6, False),
        ("KOR", 1961, 2417558185.2, False),
        ("KOR", 2016, 1499362200000.0, False),
        ("WLD", 1960, 1392950000000.0, True),
        ("WLD", 1961, 1446480000000.0, True),
        ("WLD", 2016, 76410000000000.0, True),
    ]


def test_long_indicator_from_folder_name(tmp_path: Path) -> None:
    folder = tmp_path / "population"
    folder.mkdir()
    path = folder / "data.csv"
    path.write_text(
        "Country Name,Country Code,Year,Value\nKorea,KOR,2016,51245707\n", encoding="utf-8"
    )
    assert WdiReader().info(path).dataset == "SP.POP.TOTL"
    other = tmp_path / "things.csv"
    other.write_text("Country Name,Country Code,Year,Value\nKorea,KOR,2016,1\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match="which WDI indicator"):
        WdiReader().info(other)


@pytest.mark.parametrize(
    ("body", "line", "column", "words"),
    [
        ("Korea,KOR,2016,1\nNowhere,QQQ,2016,2\n", 3, "Country Code", "unknown country code 'QQQ'"),
        ("Korea,KOR,2016,1\nKorea,KOR,2017,n/a?\n", 3, "Value", "is not a number"),
        ("Korea,KOR,20x6,1\n", 2, "Year", "is not a number"),
    ],
)
def test_bad_long_rows(tmp_path: Path, body: str, line: int, column: str, words: str) -> None:
    path = tmp_path / "gdp.csv"
    path.write_text("Country Name,Country Code,Year,Value\n" + body, encoding="utf-8")
    with pytest.raises(DataFormatError) as err:
        read(path)
    assert (err.value.line, err.value.column) == (line, column)
    assert words in str(err.value)


def test_wide_with_a_second_indicator_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "API_NY.GDP.MKTP.CD_DS2_en_csv_v2_5.csv"
    path.write_text(
        WIDE + '"Korea, Rep.","KOR","Population","SP.POP.TOTL","1","2","3",\n', encoding="utf-8"
    )
    with pytest.raises(DataFormatError, match=r"'SP\.POP\.TOTL'") as err:
        read(path)
    assert err.value.line == 9


def test_renamed_column(tmp_path: Path) -> None:
    path = tmp_path / "gdp.csv"
    path.write_text("Country Name,Country Code,Year,Value\n", encoding="utf-8")
    path.write_text("Country Name,Country Code,Year,GDP\nKorea,KOR,2016,1\n", encoding="utf-8")
    assert not WdiReader().sniff(path, path.read_bytes())
    with pytest.raises(DataFormatError, match="missing column 'Value'"):
        read(path)
