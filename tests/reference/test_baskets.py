"""Sector baskets: the shipped nine-bridges file and errors for bad TOML written by the test."""

from __future__ import annotations

from pathlib import Path

import pytest

from bilat.errors import DataFormatError, InputError, UnknownCodeError
from bilat.reference.baskets import available_baskets, load_basket

NINE = [
    "gas",
    "railways",
    "ports",
    "electricity",
    "northern_sea_route",
    "shipbuilding",
    "industrial_parks",
    "agriculture",
    "fisheries",
]


def test_nine_bridges_parses_with_every_sector_and_a_reason_per_code() -> None:
    assert "nine_bridges" in available_baskets()
    b = load_basket("nine_bridges")
    assert b.sector_ids == tuple(NINE)
    assert b.hs_revision == "HS22"
    frame = b.to_frame()
    assert set(frame["sector"]) == set(NINE)
    assert (frame["why"].str.len() > 0).all()  # every line carries its comment
    assert (frame["description"].str.len() > 0).all()  # every code is a real HS 2022 code
    assert b.sector("gas").codes[0] == "2711"


@pytest.mark.parametrize(
    ("code", "sectors"),
    [
        ("271111", ("gas", "northern_sea_route")),  # LNG: heading 2711 and subheading 271111
        ("271121", ("gas",)),  # pipeline gas
        ("860110", ("railways",)),  # chapter 86
        ("890120", ("northern_sea_route", "shipbuilding")),  # tankers
        ("890200", ("shipbuilding", "fisheries")),  # fishing vessels
        ("030389", ("fisheries",)),
        ("100199", ("agriculture",)),
        ("870323", ()),  # cars: in no bridge
        ("27", ()),  # a chapter is coarser than the gas codes: not classified
    ],
)
def test_classify(code: str, sectors: tuple[str, ...]) -> None:
    assert load_basket("nine_bridges").classify(code) == sectors


def test_classify_rejects_malformed_codes() -> None:
    with pytest.raises(InputError):
        load_basket("nine_bridges").classify("27111")


def _write(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "b.toml"
    p.write_text(body, encoding="utf-8")
    return p


HEAD = 'name = "t"\nhs_revision = "HS22"\n\n[sectors.gas]\nlabel = "Gas"\ncodes = [\n'


def test_custom_basket_from_path(tmp_path: Path) -> None:
    b = load_basket(_write(tmp_path, HEAD + '    "2711",  # gas\n]\n'))
    assert b.classify("271111") == ("gas",)
    assert b.sector("gas").why == ("gas",)


def test_bad_code_names_line_and_field(tmp_path: Path) -> None:
    path = _write(tmp_path, HEAD + '    "2711",\n    "27x1",  # typo\n]\n')
    with pytest.raises(DataFormatError) as exc:
        load_basket(path)
    assert exc.value.line == 8 and exc.value.column == "codes"
    assert "27x1" in str(exc.value) and str(path) in str(exc.value)


def test_code_not_in_the_revision(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError) as exc:
        load_basket(_write(tmp_path, HEAD + '    "2799",\n]\n'))
    assert exc.value.line == 7 and "not an HS22 code" in str(exc.value)


def test_unquoted_code_loses_zeros(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="quoted string"):
        load_basket(_write(tmp_path, HEAD + "    3,\n]\n"))


def test_toml_syntax_error_has_a_line(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError) as exc:
        load_basket(_write(tmp_path, HEAD + '    "2711"\n    "2716"\n]\n'))
    assert exc.value.line is not None and "not valid TOML" in str(exc.value)


def test_missing_sectors_and_unknown_basket(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="sectors"):
        load_basket(_write(tmp_path, 'name = "t"\n'))
    with pytest.raises(UnknownCodeError) as exc:
        load_basket("nine_bridge")
    assert "nine_bridges" in exc.value.suggestions
