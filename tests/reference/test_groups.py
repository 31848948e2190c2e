"""Country groups: memberships checked against the treaties' accession dates (see groups.toml)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bilat.errors import DataFormatError, UnknownCodeError
from bilat.reference import groups as G


def test_eaeu_2016_and_before_its_founding() -> None:
    assert G.members("EAEU", 2016) == {"RUS", "KAZ", "BLR", "ARM", "KGZ"}
    assert G.members("Eurasian Economic Union", 2015) == {"RUS", "KAZ", "BLR", "ARM", "KGZ"}
    assert G.members("EAEU", 2014) == frozenset()  # the treaty entered into force in 2015
    assert G.members("Eurasian Customs Union", 2012) == {"RUS", "KAZ", "BLR"}


def test_eu_brexit_and_accessions() -> None:
    eu2019, eu2021 = G.members("EU", 2019), G.members("EU", 2021)
    assert "GBR" in eu2019 and len(eu2019) == 28
    assert "GBR" not in eu2021 and len(eu2021) == 27
    assert "GBR" in G.members("EU", 2020)  # left 31 January 2020: a member on some day of 2020
    assert "HRV" not in G.members("EU", 2012) and "HRV" in G.members("EU", 2013)
    assert len(G.members("EU", 1958)) == 6
    assert len(G.members("EU", 2004)) == 25


def test_asean_apec_cis() -> None:
    assert len(G.members("ASEAN", 2016)) == 10
    assert "KHM" not in G.members("ASEAN", 1998)
    assert len(G.members("APEC", 2016)) == 21
    assert "RUS" not in G.members("APEC", 1997) and "RUS" in G.members("APEC", 1998)
    assert "GEO" in G.members("CIS", 2000) and "GEO" not in G.members("CIS", 2010)


def test_g20_expands_member_groups_unless_asked_not_to() -> None:
    direct = G.members("G20", 2023, expand=False)
    assert len(direct) == 21 and {"EU", "AFRICAN_UNION"} <= direct
    assert "AFRICAN_UNION" not in G.members("G20", 2022, expand=False)
    flat = G.members("G20", 2019)
    # 19 countries + EU-28, of which FRA, DEU, ITA and GBR are already G20 countries
    assert len(flat) == 19 + 28 - 4
    assert "NLD" in flat and "EU" not in flat
    assert "NGA" in G.members("G20", 2023) and "NGA" not in G.members("G20", 2022)


def test_fixed_composition_when_year_is_none() -> None:
    assert "GBR" not in G.members("EU")
    assert len(G.members("EU")) == 27


def test_resolve_group_and_resolve() -> None:
    assert G.resolve_group("Eurasian Economic Union") == "EAEU"
    assert G.resolve_group("EEU") == "EAEU"
    assert G.resolve_group("the EU") == "EU"
    assert G.resolve_group("European Union") == "EU"
    assert G.resolve_group("Russia") is None
    assert G.resolve("Russia") == "RUS"
    assert G.resolve("EAEU") == "EAEU"
    assert G.resolve("AU") == "AUS"  # ISO2 of Australia, not the African Union
    assert set(G.list_groups()) >= {"EAEU", "EU", "ASEAN", "APEC", "CIS", "G20"}
    with pytest.raises(UnknownCodeError) as exc:
        G.resolve("Narnia")
    assert exc.value.kind == "country or group"
    with pytest.raises(UnknownCodeError) as exc:
        G.members("ASEAM", 2016)
    assert exc.value.suggestions == ["ASEAN"]


def test_bad_group_file_names_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "groups.toml"
    bad.write_text(
        '[X]\nname = "X"\nmembers = [\n  { code = "RUS", from = 2015 },\n'
        '  { code = "RUZ", from = 2015 },\n]\n',
        encoding="utf-8",
    )
    with pytest.raises(DataFormatError) as exc:
        G.load_groups(bad)
    assert exc.value.line == 5 and exc.value.column == "code"
    assert "RUZ" in str(exc.value) and str(bad) in str(exc.value)

    broken = tmp_path / "broken.toml"
    broken.write_text('[X]\nname = "X\n', encoding="utf-8")
    with pytest.raises(DataFormatError) as exc:
        G.load_groups(broken)
    assert exc.value.line == 2
