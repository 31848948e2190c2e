"""The concordance package's HS files and the Advanced Guide's panel as store tables.

Expected rows are the bundle's files read with the csv module; bad files are small fixtures
written here.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pytest

from bilat.errors import DataFormatError
from bilat.sources import registry
from bilat.sources.hs_tables import HsConcordanceReader, HsDescriptionsReader

CONCORDANCE = "reference/hs_concordance"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def read(reader, path: Path) -> pa.Table:
    return pa.Table.from_batches(list(reader.batches(path)))


@pytest.mark.bundle
def test_concordance_rows_are_the_file_s(bundle: Path) -> None:
    path = bundle / CONCORDANCE / "hs5_hs0.csv"
    reader = registry.detect(path)
    assert reader.format == "hs-concordance"
    info = reader.info(path)
    assert (info.table, info.source, info.dataset) == ("hs_concordance", "concordance", "HS17-HS92")
    table = read(reader, path)
    rows = _rows(path)
    assert table.num_rows == len(rows)
    assert set(table.column("newer").to_pylist()) == {"HS17"}
    assert set(table.column("older").to_pylist()) == {"HS92"}
    got = set(zip(*(table.column(c).to_pylist() for c in ("newer_6d", "older_6d")), strict=True))
    assert got == {(r["HS5_6d"], r["HS0_6d"]) for r in rows}
    assert table.column("older_2d")[0].as_py() == rows[0]["HS0_2d"]  # zero-padded text


@pytest.mark.bundle
def test_descriptions_keep_every_code_as_text(bundle: Path) -> None:
    path = bundle / CONCORDANCE / "hs0_desc.csv"
    reader = registry.detect(path)
    assert reader.format == "hs-descriptions"
    assert reader.info(path).dataset == "HS92"
    table = read(reader, path)
    rows = _rows(path)
    assert table.column("code").to_pylist() == [r["code"] for r in rows]
    assert table.column("description").to_pylist() == [r["desc"] for r in rows]
    assert table.column("code")[0].as_py() == "01"


@pytest.mark.bundle
def test_other_files_of_the_package_are_not_taken(bundle: Path) -> None:
    # HS→BEC tables are not revision concordances
    for name in ("hs6_bec4.csv", "bec4_desc.csv", "LICENSE"):
        assert not any(
            r.format.startswith("hs-") for r in registry.detect_all(bundle / CONCORDANCE / name)
        )


def test_an_older_to_newer_name_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "hs0_hs5.csv"
    path.write_text("HS0_6d,HS0_4d,HS0_2d,HS5_6d,HS5_4d,HS5_2d\n010111,0101,01,010121,0101,01\n")
    with pytest.raises(DataFormatError, match="newer revision to an older one"):
        HsConcordanceReader().info(path)


def test_a_missing_column_names_it(tmp_path: Path) -> None:
    path = tmp_path / "hs5_hs0.csv"
    path.write_text("HS5_6d,HS5_4d,HS5_2d,HS0_6d,HS0_4d\n010121,0101,01,010111,0101\n")
    with pytest.raises(DataFormatError, match="missing column 'HS0_2d'") as err:
        read(HsConcordanceReader(), path)
    assert err.value.line == 1


def test_an_empty_code_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "hs1_desc.csv"
    path.write_text('code,desc\n01,Animals; live\n,"Horses"\n')
    with pytest.raises(DataFormatError, match="empty HS code") as err:
        read(HsDescriptionsReader(), path)
    assert (err.value.line, err.value.column) == (3, "code")


@pytest.mark.bundle
def test_the_bundle_store_holds_the_reference_tables(bundle_store) -> None:
    # `bilat data bundle` (Store.ingest_folder) ingests them like any other source
    def count(name: str) -> int:
        return bundle_store.table(name).count().execute()

    assert count("hs_descriptions") > 0 and count("hs_concordance") > 0
    assert count("agtpa_panel") == 99_981
    datasets = set(bundle_store.datasets().query("table == 'hs_concordance'").dataset)
    assert len(datasets) == 21  # every pair of the seven revisions
