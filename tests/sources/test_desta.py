"""DESTA agreements reader: pairs × years folded from the bundle's raw rows, fixtures, bad input."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from bilat.errors import DataFormatError
from bilat.schema import AGREEMENTS_SCHEMA
from bilat.sources import registry
from bilat.sources.desta import DestaReader

RTA = "gravity/rta/rtas_at_least_one_in_force_per_year.csv.gz"
HEADER = "year,country1,country2,base_treaty,rta\n"


def read(path: Path) -> pd.DataFrame:
    table = pa.Table.from_batches(list(DestaReader().batches(path)), schema=AGREEMENTS_SCHEMA)
    return table.to_pandas()


@pytest.fixture(scope="module")
def agreements(bundle: Path) -> pd.DataFrame:
    return read(bundle / RTA)


@pytest.mark.bundle
def test_no_korea_russia_agreement_in_any_year(bundle: Path, agreements: pd.DataFrame) -> None:
    assert registry.detect(bundle / RTA).format == "desta"
    pair = agreements[(agreements.country1 == "KOR") & (agreements.country2 == "RUS")]
    assert pair.empty or (pair.rta == 0).all()


@pytest.mark.bundle
def test_one_row_per_pair_and_year_as_in_raw(bundle: Path, agreements: pd.DataFrame) -> None:
    # worked out from the raw file with pandas: distinct (year, unordered pair), and the
    # treaties in force for Korea–Chile (FTA signed 2003, in force 2004) in 2010
    raw = pd.read_csv(bundle / RTA, dtype={"base_treaty": str})
    fix = {"rom": "ROU", "pkr": "PRK"}
    a = raw.country1.map(lambda c: fix.get(c, c.upper()))
    b = raw.country2.map(lambda c: fix.get(c, c.upper()))
    raw["c1"], raw["c2"] = a.where(a < b, b), b.where(a < b, a)
    pairs = raw[["year", "c1", "c2"]].drop_duplicates()
    in_force = raw[(raw.year == 2010) & (raw.c1 == "CHL") & (raw.c2 == "KOR") & (raw.rta == 1)]
    kor_chl_2010 = set(in_force.base_treaty)
    assert len(agreements) == len(pairs)
    assert (agreements.country1 < agreements.country2).all()
    assert not agreements.duplicated(["year", "country1", "country2"]).any()
    row = agreements[
        (agreements.year == 2010) & (agreements.country1 == "CHL") & (agreements.country2 == "KOR")
    ]
    assert row.rta.tolist() == [1]
    assert row.agreement.tolist() == [";".join(sorted(kor_chl_2010, key=int))]


@pytest.mark.bundle
def test_pkr_is_north_korea(agreements: pd.DataFrame) -> None:
    # the file's "pkr" trades under the GSTP alongside Pakistan: not Pakistan, so North Korea
    codes = set(agreements.country1) | set(agreements.country2)
    assert {"PRK", "PAK", "ROU"} <= codes and not codes & {"PKR", "ROM"}
    assert not agreements[(agreements.country1 == "PAK") & (agreements.country2 == "PRK")].empty


def test_fold_of_both_orders_and_several_treaties(tmp_path: Path) -> None:
    path = tmp_path / "rta.csv"
    path.write_text(
        HEADER
        + "2000,kor,chl,70,0\n"
        + "2000,chl,kor,461,1\n"
        + "2005,chl,kor,70,1\n"
        + "2005,kor,chl,461,1\n"
        + "2005,chl,kor,999,0\n",
        encoding="utf-8",
    )
    rows = read(path).to_dict("records")
    assert [(r["year"], r["country1"], r["country2"], r["rta"], r["agreement"]) for r in rows] == [
        (2000, "CHL", "KOR", 1, "461"),
        (2005, "CHL", "KOR", 1, "70;461"),
    ]


def test_pair_without_agreement_in_force_has_no_id(tmp_path: Path) -> None:
    path = tmp_path / "rta.csv"
    path.write_text(HEADER + "1990,kor,chl,70,0\n", encoding="utf-8")
    rows = read(path).to_dict("records")
    assert rows[0]["rta"] == 0 and pd.isna(rows[0]["agreement"])


@pytest.mark.parametrize(
    ("body", "line", "column", "words"),
    [
        ("2000,kor,chl,70,1\n2000,kor,xqz,70,2\n", 3, "rta", "0 or 1"),
        ("2000,kor,chl,70,1\n2000,kor,xqz,70,1\n", 3, "country2", "unknown country code 'XQZ'"),
        ("2000,kor,chl,seventy,1\n", 2, "base_treaty", "'seventy' is not a number"),
    ],
)
def test_bad_rows(tmp_path: Path, body: str, line: int, column: str, words: str) -> None:
    path = tmp_path / "rta.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    with pytest.raises(DataFormatError) as err:
        read(path)
    assert (err.value.line, err.value.column) == (line, column)
    assert words in str(err.value)


def test_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "rta.csv"
    path.write_text("year,country1,country2,treaty,rta\n2000,kor,chl,70,1\n", encoding="utf-8")
    assert not DestaReader().sniff(path, path.read_bytes())
    with pytest.raises(
        DataFormatError, match=r"missing column 'base_treaty'.*did you mean 'treaty'"
    ):
        read(path)


def test_file_of_another_format(tmp_path: Path) -> None:
    path = tmp_path / "gdp.csv"
    path.write_text("Country Name,Country Code,Year,Value\nKorea,KOR,2016,1\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match="missing column 'year' \\(found: Country Name"):
        read(path)
