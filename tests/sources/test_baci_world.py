"""BACI world-exports reader: values against the raw file × 1e6, fixtures, bad input."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from bilat.errors import DataFormatError
from bilat.schema import FLOWS_SCHEMA
from bilat.sources import registry
from bilat.sources.baci_world import BaciWorldReader

WORLD = "flows/baci_hs2_world_exports/baci_hs92_exporter_hs2_2011_2020.csv.gz"
HEADER = "t,i,i_iso3c,i_name,i_region,k,k_name,k_sector,v,q,pop,gdp,gdpcap\n"


def read(path: Path) -> pd.DataFrame:
    table = pa.Table.from_batches(list(BaciWorldReader().batches(path)), schema=FLOWS_SCHEMA)
    return table.to_pandas()


@pytest.mark.bundle
def test_values_are_raw_millions_times_1e6(bundle: Path) -> None:
    path = bundle / WORLD
    assert registry.detect(path).format == "baci-world"
    with gzip.open(path, "rt", newline="") as fh:
        rows = csv.reader(fh)
        header = next(rows)
        t, iso, k, v, q = (header.index(c) for c in ("t", "i_iso3c", "k", "v", "q"))
        count, want = 0, None
        for row in rows:
            count += 1
            if row[t] == "2016" and row[iso] == "KOR" and row[k] == "27":
                want = {"v": row[v], "q": row[q]}
    df = read(path)
    assert len(df) == count == 193_930
    assert want is not None
    got = df[(df.year == 2016) & (df.exporter == "KOR") & (df["product"] == "27")]
    assert got.value_usd.tolist() == [pytest.approx(float(want["v"]) * 1e6)]
    assert got.quantity.tolist() == [pytest.approx(float(want["q"]))]
    assert set(df.importer) == {"WLD"} and df.non_country.all()
    assert set(df.hs_revision) == {"HS92"} and set(df.reported_by) == {"reconciled"}
    assert df["product"].str.fullmatch(r"\d{2}").all()
    info = BaciWorldReader().info(path)
    assert (info.source, info.dataset, info.release) == ("baci", "HS92-world-hs2", "2022-10")


def test_fixture_pads_chapters_and_keeps_missing_quantity(tmp_path: Path) -> None:
    path = tmp_path / "world.csv"
    path.write_text(
        HEADER
        + "2016,410,KOR,Korea,Asia,1,Live animals,Agriculture,0.25,1.5,1,1,1\n"
        + "2016,643,RUS,Russia,Europe,27,Fuels,Minerals,1.5,,1,1,1\n",
        encoding="utf-8",
    )
    table = pa.Table.from_batches(list(BaciWorldReader().batches(path)), schema=FLOWS_SCHEMA)
    rows = table.to_pylist()
    assert [(r["exporter"], r["product"], r["value_usd"], r["quantity_unit"]) for r in rows] == [
        ("KOR", "01", 250_000.0, "t"),
        ("RUS", "27", 1_500_000.0, None),
    ]


@pytest.mark.parametrize(
    ("body", "line", "column", "words"),
    [
        ("2016,410,KOR,Korea,Asia,01,x,y,-0.5,1,1,1,1\n", 2, "v", "negative value"),
        (
            "2016,410,KOR,Korea,Asia,01,x,y,1,1,1,1,1\n2016,410,KOR,Korea,Asia,ab,x,y,1,1,1,1,1\n",
            3,
            "k",
            "not an HS chapter",
        ),
        ("2016,410,KRO,Korea,Asia,01,x,y,1,1,1,1,1\n", 2, "i_iso3c", "unknown country code 'KRO'"),
    ],
)
def test_bad_rows(tmp_path: Path, body: str, line: int, column: str, words: str) -> None:
    path = tmp_path / "world.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    with pytest.raises(DataFormatError) as err:
        read(path)
    assert (err.value.line, err.value.column) == (line, column)
    assert words in str(err.value)


def test_other_csv_is_not_sniffed(tmp_path: Path) -> None:
    path = tmp_path / "baci.csv"
    path.write_text("t,i,j,k,v,q\n2016,410,643,270900,1,1\n", encoding="utf-8")
    assert not BaciWorldReader().sniff(path, path.read_bytes())
