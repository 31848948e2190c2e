"""HS descriptions, sections and sector baskets for the ledger, from ``bilat.reference``."""

from __future__ import annotations

from functools import lru_cache

from bilat.errors import BilatError


@lru_cache(maxsize=8192)
def description(code: str) -> str:
    """English description of an HS code (HS 2022 wording, else HS 1992's), or '' when unknown."""
    from bilat.reference import hs

    return hs.description(code)


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
