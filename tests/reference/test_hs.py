"""HS nomenclature: expected codes are rows picked by hand from the bundle's concordance files."""

from __future__ import annotations

import csv

import pytest

from bilat.errors import InputError, UnknownCodeError
from bilat.reference import hs
from bilat.settings import bundle_path


def test_levels_chapters_headings() -> None:
    assert [hs.level(c) for c in ("27", "2711", "271111", "TOTAL")] == [2, 4, 6, 0]
    assert hs.chapter_of("271111") == "27"
    assert hs.heading_of("271111") == "2711"
    for bad in ("2", "27111", "27a1", "2711111"):
        with pytest.raises(InputError):
            hs.level(bad)


def test_sections_and_hs22_descriptions_without_the_bundle() -> None:
    assert hs.section_of("271111") == ("V", "Mineral products")
    assert hs.section_of("8901")[0] == "XVII"  # ships: Section XVII, vehicles and transport
    assert hs.describe("2711") == "Petroleum gases and other gaseous hydrocarbons"
    assert hs.describe("TOTAL") == "All products"
    with pytest.raises(UnknownCodeError):
        hs.describe("2799")


def test_revision_names() -> None:
    for spelling in ("HS1992", "H0", "HS0", "1992", "hs92", "92"):
        assert hs.normalise_revision(spelling) == "HS92"
    assert hs.normalise_revision("HS2017") == "HS17"
    with pytest.raises(UnknownCodeError):
        hs.normalise_revision("HS2023")


@pytest.mark.bundle
@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("851712", ["852520"]),  # hs5_hs0.csv line 4729: mobile phones were radio transmitters
        ("271012", ["271000"]),  # line 1068: light petroleum oils
        ("030111", ["030110"]),  # line 102: ornamental freshwater fish
        ("851810", ["851810"]),  # line 4735: microphones, unchanged
    ],
)
def test_hs2017_to_hs1992_gives_the_concordance_codes(code: str, expected: list[str]) -> None:
    assert hs.convert(code, "HS2017", "HS1992") == expected


@pytest.mark.bundle
def test_backward_conversion_and_four_digits() -> None:
    # hs5_hs0.csv: HS1992 290340 is split into HS2017 290371 .. 290379
    assert hs.convert("290340", "HS92", "HS17") == [f"2903{d}" for d in range(71, 80)]
    assert {"8517", "8525"} <= set(hs.convert("8517", "HS17", "HS92"))
    assert hs.convert("27", "HS17", "HS92") == ["27"]
    assert hs.convert("271012", "HS17", "HS17") == ["271012"]
    with pytest.raises(UnknownCodeError):
        hs.convert("999998", "HS17", "HS92")


@pytest.mark.bundle
def test_concordance_table_matches_the_file() -> None:
    path = bundle_path() / "reference" / "hs_concordance" / "hs5_hs0.csv"
    with path.open(encoding="utf-8") as fh:
        pairs = {(r["HS5_6d"], r["HS0_6d"]) for r in csv.DictReader(fh)}
    table = hs.concordance("HS17", "HS92")
    assert set(zip(table["from_code"], table["to_code"], strict=True)) == pairs
    assert table.attrs == {"from_revision": "HS17", "to_revision": "HS92", "digits": 6}
    with pytest.raises(InputError):
        hs.concordance("HS17", "HS2017")


@pytest.mark.bundle
def test_older_revision_descriptions_come_from_the_bundle() -> None:
    path = bundle_path() / "reference" / "hs_concordance" / "hs0_desc.csv"
    with path.open(encoding="utf-8") as fh:
        raw = {r["code"]: r["desc"] for r in csv.DictReader(fh)}
    assert hs.describe("271111", "HS1992") == raw["271111"]


def test_missing_tables_are_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    # neither a store holding the tables nor a bundle folder: the message says how to add them
    monkeypatch.setenv("BILAT_BUNDLE", str(tmp_path))
    with pytest.raises(InputError, match="BILAT_BUNDLE") as err:
        hs.concordance("HS12", "HS96")
    assert "bilat data bundle" in str(err.value)
