"""Basket and group files checked by their pydantic schemas: a misspelt key is refused with
its file, line and the closest valid key, instead of being ignored."""

from __future__ import annotations

from pathlib import Path

import pytest

from bilat.errors import DataFormatError
from bilat.reference import groups as G
from bilat.reference.baskets import load_basket


def _write(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def test_a_misspelt_sector_key_names_line_and_the_closest_key(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "b.toml",
        'name = "t"\nhs_revision = "HS22"\n\n[sectors.gas]\nlable = "Gas"\ncodes = ["2711"]\n',
    )
    with pytest.raises(DataFormatError) as err:
        load_basket(path)
    msg = str(err.value)
    assert err.value.line == 5 and str(path) in msg
    assert "unknown key 'lable' in sectors.gas; did you mean 'label'?" in msg


def test_a_misspelt_top_level_key_is_refused(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "b.toml", 'name = "t"\nhs_revison = "HS12"\n\n[sectors.gas]\ncodes = ["2711"]\n'
    )
    with pytest.raises(DataFormatError) as err:
        load_basket(path)
    assert err.value.line == 2
    assert "unknown key 'hs_revison' at the top level; did you mean 'hs_revision'?" in str(
        err.value
    )


def test_an_empty_codes_list_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "b.toml", 'name = "t"\n\n[sectors.gas]\ncodes = []\n')
    with pytest.raises(DataFormatError) as err:
        load_basket(path)
    assert err.value.line == 4 and err.value.column == "codes"


def test_a_misspelt_group_key_names_line_and_the_closest_key(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "groups.toml",
        '[X]\nname = "X"\nmembers = [\n  { code = "RUS", form = 2015 },\n]\n',
    )
    with pytest.raises(DataFormatError) as err:
        G.load_groups(path)
    msg = str(err.value)
    assert str(path) in msg and err.value.line == 3
    assert "unknown key 'form' in X.members #1; did you mean 'from'?" in msg


def test_a_group_year_must_be_a_whole_number(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "groups.toml", '[X]\nname = "X"\nmembers = [{ code = "RUS", from = "2015" }]\n'
    )
    with pytest.raises(DataFormatError) as err:
        G.load_groups(path)
    assert "X.members #1.from" in str(err.value) and "integer" in str(err.value)


def test_the_shipped_files_pass() -> None:
    assert load_basket("nine_bridges").sectors
    assert "EAEU" in G.load_groups()
