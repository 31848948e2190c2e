"""HS descriptions, sections and sector baskets for the ledger, from ``bilat.reference``."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from bilat.errors import BilatError

if TYPE_CHECKING:
    from bilat.reference.hs import HsTables


@lru_cache(maxsize=8192)
def description(code: str, tables: HsTables | None = None) -> str:
    """English description of an HS code (HS 2022 wording, else HS 1992's from ``tables``, a
    store session's ``hs_tables()``, else the bundle's), or '' when unknown."""
    from bilat.reference import hs

    return hs.description(code, tables=tables)


def descriptions(codes: Iterable[str], tables: HsTables | None = None) -> list[str]:
    """``description`` of each code."""
    return [description(c, tables) for c in codes]


@lru_cache(maxsize=256)
def section(chapter: str) -> tuple[str, str]:
    """(Roman numeral, name) of the HS section a chapter belongs to; ('', '') if none."""
    from bilat.reference import hs

    try:
        return hs.section_of(chapter[:2])
    except BilatError:  # chapters 77, 98, 99 belong to no section
        return "", ""


def section_of(chapter: str) -> str:
    """The section numeral (``V``) of a chapter, or ''."""
    return section(chapter)[0]


@lru_cache(maxsize=32)
def section_name(numeral: str) -> str:
    """Name of an HS section such as ``V`` (Mineral products)."""
    for ch in range(1, 100):
        num, name = section(f"{ch:02d}")
        if num == numeral:
            return name
    return ""


def load_baskets(name: str = "nine_bridges") -> dict[str, tuple[str, tuple[str, ...]]]:
    """Sector baskets ``{sector id: (label, HS code prefixes)}`` of a named basket file."""
    from bilat.reference.baskets import load_basket

    basket = load_basket(name)
    return {s.id: (s.label, tuple(s.codes)) for s in basket.sectors}
