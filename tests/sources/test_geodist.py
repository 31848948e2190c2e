"""GeoDist reader: dist_cepii.dta against pandas.read_stata, the geo helper, bad input."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from bilat.errors import DataFormatError
from bilat.schema import DISTANCES_SCHEMA
from bilat.sources import registry
from bilat.sources.geodist import GeoDistReader, read_geo

DIST = "gravity/geodist/cepii_dist_cepii.dta"
GEO = "gravity/geodist/cepii_geo_cepii.dta"


def read(path: Path) -> pd.DataFrame:
    table = pa.Table.from_batches(list(GeoDistReader().batches(path)), schema=DISTANCES_SCHEMA)
    return table.to_pandas()


def small_dist(**overrides: list) -> pd.DataFrame:
    cols: dict[str, list] = {
        "iso_o": ["KOR", "RUS"],
        "iso_d": ["RUS", "KOR"],
        **{
            c: [0, 0]
            for c in (
                "contig",
                "comlang_off",
                "comlang_ethno",
                "colony",
                "comcol",
                "curcol",
                "col45",
                "smctry",
            )
        },
        **{c: [6614.0, 6614.0] for c in ("dist", "distcap", "distw", "distwces")},
    }
    cols.update(overrides)
    return pd.DataFrame(cols)


@pytest.fixture(scope="module")
def geodist(bundle: Path) -> pd.DataFrame:
    return read(bundle / DIST)


@pytest.mark.bundle
def test_geodist_pairs_match_pandas_read_stata(bundle: Path, geodist: pd.DataFrame) -> None:
    assert registry.detect(bundle / DIST).format == "geodist"
    raw = pd.read_stata(bundle / DIST)  # a second, independent .dta reader
    assert len(geodist) == len(raw) == 50_176
    want = raw[(raw.iso_o == "KOR") & (raw.iso_d == "RUS")].iloc[0]
    got = geodist[(geodist.exporter == "KOR") & (geodist.importer == "RUS")].iloc[0]
    for column in ("dist", "distcap", "distw", "distwces", "contig", "comlang_off"):
        assert got[column] == pytest.approx(float(want[column]))
    info = GeoDistReader().info(bundle / DIST)
    assert (info.source, info.dataset, info.release, info.table) == (
        "geodist",
        "dist_cepii",
        "2011",
        "distances",
    )


@pytest.mark.bundle
def test_geodist_old_codes_are_current_iso3(geodist: pd.DataFrame) -> None:
    codes = set(geodist.exporter) | set(geodist.importer)
    assert not codes & {"ROM", "ZAR", "TMP", "PAL", "YUG"}
    assert {"ROU", "COD", "TLS", "PSE", "SRB"} <= codes
    assert not geodist.duplicated(["exporter", "importer"]).any()


@pytest.mark.bundle
def test_read_geo(bundle: Path) -> None:
    geo = read_geo(bundle / GEO)
    assert len(geo) == len(pd.read_stata(bundle / GEO)) == 238
    assert "ROU" in set(geo.iso3) and "ROM" not in set(geo.iso3)
    seoul = geo[(geo.iso3 == "KOR") & (geo.cap == 1)]
    assert seoul.city_en.tolist() == ["Seoul"]


def test_fixture_roundtrip_and_sniff(tmp_path: Path) -> None:
    path = tmp_path / "dist.dta"
    small_dist(iso_o=["kor", "ROM"], iso_d=["RUS", "kor"]).to_stata(path, write_index=False)
    head = path.read_bytes()[:8192]
    assert GeoDistReader().sniff(path, head)
    df = read(path)
    assert df[["exporter", "importer"]].values.tolist() == [["KOR", "RUS"], ["ROU", "KOR"]]
    assert df.dist.tolist() == [6614.0, 6614.0]


def test_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "dist.dta"
    small_dist().rename(columns={"dist": "distance"}).to_stata(path, write_index=False)
    with pytest.raises(
        DataFormatError, match=r"missing column 'dist'.*did you mean 'distance'"
    ) as err:
        read(path)
    assert err.value.column == "dist"


def test_unknown_code_and_negative_distance(tmp_path: Path) -> None:
    path = tmp_path / "dist.dta"
    small_dist(iso_d=["RUS", "QQQ"]).to_stata(path, write_index=False)
    with pytest.raises(DataFormatError, match="unknown country code 'QQQ'") as err:
        read(path)
    assert (err.value.line, err.value.column) == (2, "iso_d")
    small_dist(distw=[10.0, -1.0]).to_stata(path, write_index=False)
    with pytest.raises(DataFormatError, match="negative distance") as err:
        read(path)
    assert (err.value.line, err.value.column) == (2, "distw")


def test_truncated_and_not_stata(tmp_path: Path) -> None:
    whole = tmp_path / "whole.dta"
    small_dist().to_stata(whole, write_index=False)
    cut = tmp_path / "cut.dta"
    cut.write_bytes(whole.read_bytes()[:600])
    with pytest.raises(DataFormatError, match="damaged or truncated"):
        read(cut)
    csv = tmp_path / "dist.dta"
    csv.write_text("iso_o,iso_d\nKOR,RUS\n")
    assert not GeoDistReader().sniff(csv, csv.read_bytes())
    with pytest.raises(DataFormatError, match="not a Stata"):
        read(csv)
    empty = tmp_path / "empty.dta"
    empty.write_bytes(b"")
    with pytest.raises(DataFormatError, match="empty"):
        read(empty)
