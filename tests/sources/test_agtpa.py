"""Advanced Guide panel: flows (× 1e6), the full panel helper, the book's .dta files."""

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
from bilat.sources.agtpa import AgtpaReader, read_dta_panel, read_panel

PANEL = "gravity/advanced_guide/agtpa_applications.csv.gz"
HEADER = "exporter,importer,pair_id,year,trade,dist\n"


def read(path: Path) -> pd.DataFrame:
    table = pa.Table.from_batches(list(AgtpaReader().batches(path)), schema=FLOWS_SCHEMA)
    return table.to_pandas()


@pytest.fixture(scope="module")
def raw(bundle: Path) -> list[dict[str, str]]:
    with gzip.open(bundle / PANEL, "rt", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.bundle
def test_flows_from_the_panel(bundle: Path, raw: list[dict[str, str]]) -> None:
    path = bundle / PANEL
    assert registry.detect(path).format == "agtpa"
    df = read(path)
    assert len(df) == len(raw) == 99_981
    want = next(
        r
        for r in raw
        if r["exporter"] == "KOR" and r["importer"] == "JPN" and r["year"] == "2006.0"
    )
    got = df[(df.exporter == "KOR") & (df.importer == "JPN") & (df.year == 2006)].value_usd
    assert got.tolist() == [pytest.approx(float(want["trade"]) * 1e6)]
    # intranational flows are kept
    assert (df.exporter == df.importer).sum() == sum(
        1 for r in raw if r["exporter"] == r["importer"]
    )
    assert not df.non_country.any() and set(df["product"]) == {"MANUF"}


@pytest.mark.bundle
def test_read_panel_keeps_covariates(bundle: Path, raw: list[dict[str, str]]) -> None:
    panel = read_panel(bundle / PANEL)
    assert panel.shape == (99_981, len(raw[0]))
    assert list(panel.columns) == list(raw[0])
    assert panel.year.dtype == "int64" and panel.year.min() == 1986 and panel.year.max() == 2006
    first = raw[0]
    assert panel.iloc[0].trade == pytest.approx(float(first["trade"]))
    assert panel.iloc[0].dist == pytest.approx(float(first["dist"]))


@pytest.mark.bundle
def test_read_dta_panel_matches_the_csv(bundle: Path) -> None:
    dta = read_dta_panel(bundle / "gravity/advanced_guide/Chapter1Application1.dta")
    assert {"exporter", "importer", "year", "trade", "dist", "cntg"} <= set(dta.columns)
    raw = pd.read_stata(
        bundle / "gravity/advanced_guide/Chapter1Application1.dta"
    )  # independent reader
    assert len(dta) == len(raw) == 99_981
    row = raw[(raw.exporter == "KOR") & (raw.importer == "JPN") & (raw.year == 2006)].iloc[0]
    mine = dta[(dta.exporter == "KOR") & (dta.importer == "JPN") & (dta.year == 2006)].iloc[0]
    assert mine.trade == pytest.approx(float(row.trade)) and mine.dist == pytest.approx(
        float(row.DIST)
    )
    border = read_dta_panel(bundle / "gravity/advanced_guide/1_TradeWithoutBorder.dta")
    assert "intl_brdr" in border.columns and len(border) == 4761


def test_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "panel.csv"
    path.write_text(HEADER + "KOR,KOR,1,1986.0,10,5\nKOR,JPN,2,1986.0,-1,900\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match="negative value") as err:
        read(path)
    assert (err.value.line, err.value.column) == (3, "trade")
    path.write_text(HEADER + "KOR,JPN,2,1986.5,1,900\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match="not a year"):
        read(path)
    path.write_text("exporter,importer,pair_id,year,flows\nKOR,JPN,2,1986,1\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match="missing column 'trade'"):
        read_panel(path)


def test_fixture_values_in_millions(tmp_path: Path) -> None:
    path = tmp_path / "panel.csv"
    path.write_text(HEADER + "KOR,KOR,1,1986.0,10.5,5\nKOR,JPN,2,1990,0.25,900\n", encoding="utf-8")
    rows = read(path).to_dict("records")
    assert [(r["exporter"], r["importer"], r["year"], r["value_usd"]) for r in rows] == [
        ("KOR", "KOR", 1986, 10_500_000.0),
        ("KOR", "JPN", 1990, 250_000.0),
    ]
