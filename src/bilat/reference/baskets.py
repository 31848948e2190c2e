"""Sector baskets: named sets of HS codes (any level) read from a TOML file.

A basket file has ``name``, ``title``, ``hs_revision`` and one ``[sectors.<id>]`` table per sector
with a ``label`` and a list of ``codes``; a code may also be written as a product name ("LNG",
"crude oil"), resolved as ``--products`` resolves it, the name kept as the code's reason. A
product belongs to a sector when one of the sector's codes is a prefix of its HS code; a product
can belong to several sectors. bilat ships ``nine_bridges`` (Russia-Korea, 2017);
``load_basket`` also takes a path to your own file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
from pydantic import Field

from bilat.errors import BilatError, DataFormatError, UnknownCodeError
from bilat.reference import hs
from bilat.reference._toml import Table, line_of, read_toml, validate

__all__ = ["Basket", "Sector", "available_baskets", "load_basket"]

_CODE = re.compile(r"\d{2}(\d{2}(\d{2})?)?")
_COMMENT = re.compile(r'"(\d{2,6})"\s*,?\s*#\s*(.*\S)')


class SectorTable(Table):
    """``[sectors.<id>]``: a label and the sector's codes."""

    label: str | None = None
    # each code is checked below, with messages of its own: a number loses its leading zeros,
    # a product name is resolved to its codes
    codes: Annotated[list[Any], Field(min_length=1)]


class BasketFile(Table):
    """A basket file: every key it may hold (a misspelt one is refused with the closest)."""

    name: str
    title: str | None = None
    hs_revision: str = "HS22"
    sectors: Annotated[dict[str, SectorTable], Field(min_length=1)]


@dataclass(frozen=True)
class Sector:
    """One sector of a basket: an id, a label and its HS codes (2, 4 or 6 digits)."""

    id: str
    label: str
    codes: tuple[str, ...]
    why: tuple[str, ...] = ()  # the comment written next to each code, same order as ``codes``

    def contains(self, hs_code: str) -> bool:
        """True if one of the sector's codes is a prefix of ``hs_code``."""
        return any(str(hs_code).startswith(c) for c in self.codes)


@dataclass(frozen=True)
class Basket:
    """A named set of sectors, each a set of HS codes, in one HS revision."""

    name: str
    title: str
    hs_revision: str
    sectors: tuple[Sector, ...]
    source: str  # the file it was read from

    @property
    def sector_ids(self) -> tuple[str, ...]:
        """Ids of the sectors, in file order."""
        return tuple(s.id for s in self.sectors)

    def sector(self, sector_id: str) -> Sector:
        """The sector with this id (UnknownCodeError with the list otherwise)."""
        for s in self.sectors:
            if s.id == sector_id:
                return s
        raise UnknownCodeError("sector", sector_id, list(self.sector_ids), where=self.name)

    def classify(self, hs_code: str) -> tuple[str, ...]:
        """Ids of the sectors an HS code belongs to (empty if none); '271111' -> ('gas', ...)."""
        hs.level(hs_code)  # rejects codes that are not 2, 4 or 6 digits
        return tuple(s.id for s in self.sectors if s.contains(str(hs_code).strip()))

    def to_frame(self) -> pd.DataFrame:
        """One row per (sector, code): label, level, HS description and the reason for the code."""
        rows = []
        for s in self.sectors:
            for i, code in enumerate(s.codes):
                try:
                    desc = hs.describe(code, self.hs_revision)
                except BilatError:  # descriptions of older revisions need the data bundle
                    desc = ""
                why = s.why[i] if i < len(s.why) else ""
                rows.append((s.id, s.label, code, len(code), desc, why))
        cols = ["sector", "label", "code", "level", "description", "why"]
        return pd.DataFrame(rows, columns=cols)

    def __str__(self) -> str:
        lines = [f"{self.title} ({self.name}, {self.hs_revision})"]
        lines += [f"  {s.id:<20} {s.label}: {', '.join(s.codes)}" for s in self.sectors]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from bilat.render.html import Section, fragment, table

        title = f"{self.title} ({self.hs_revision})"
        return fragment(Section(title, [table(self.to_frame().reset_index())]))


def _package_dir() -> Path:
    return Path(str(resources.files("bilat.reference").joinpath("data", "baskets")))


def available_baskets() -> tuple[str, ...]:
    """Names of the baskets shipped with bilat."""
    return tuple(sorted(p.stem for p in _package_dir().glob("*.toml")))


def load_basket(name_or_path: str | Path) -> Basket:
    """A basket shipped with bilat ("nine_bridges") or read from a TOML file path."""
    text = str(name_or_path)
    path = Path(text)
    if not (path.suffix == ".toml" or path.exists()):
        path = _package_dir() / f"{text}.toml"
        if not path.exists():
            raise UnknownCodeError("basket", text, list(available_baskets()))
    return _parse(path)


def _known_codes(revision: str) -> set[str] | None:
    """Codes of a revision for validation, or None when they cannot be read (no bundle)."""
    try:
        return set(hs._descriptions(hs.normalise_revision(revision)))
    except DataFormatError:
        return None


def _named(text: str, revision: str, fail, sid: str, header: str) -> list[tuple[str, str]]:
    """(code, reason) for a product name written among a sector's codes, else a file error."""
    from bilat.reference.products import resolve_products

    try:
        selection = resolve_products(text, revision=revision)
    except BilatError as exc:
        raise fail(
            f"sector {sid!r}: {exc}; write HS codes, or a name that `bilat products search` "
            "finds first",
            "codes",
            f'"{text}"',
            header,
        ) from None
    # a section stands for its chapters (ProductSelection.codes expands it)
    return [(c, f"{text!r} → {c}") for c in selection.codes]


def _parse(path: Path) -> Basket:
    data, text = read_toml(path)

    def fail(problem: str, field: str, needle: str | None = None, after: str | None = None):
        line = line_of(text, needle, after=after) if needle else None
        return DataFormatError(path, problem, line=line, column=field)

    validate(BasketFile, data, text, path)
    revision = str(data.get("hs_revision", "HS22"))
    try:
        revision = hs.normalise_revision(revision)
    except UnknownCodeError:
        raise fail(
            f"unknown hs_revision {revision!r}; use one of {', '.join(hs.REVISIONS)}",
            "hs_revision",
            "hs_revision",
        ) from None
    known = _known_codes(revision)
    comments = {}  # (sector table header, code) -> comment on that line
    current = None
    for ln in text.splitlines():
        if ln.strip().startswith("[sectors."):
            current = ln.strip()
        m = _COMMENT.search(ln)
        if m and current:
            comments[(current, m.group(1))] = m.group(2)

    sectors = []
    for sid, body in data["sectors"].items():
        header = f"[sectors.{sid}]"
        codes = body["codes"]
        clean: list[str] = []
        for code in codes:
            if not isinstance(code, str):
                raise fail(
                    f"sector {sid!r}: HS code {code!r} must be a quoted string "
                    '(a number loses leading zeros: write "03", not 3)',
                    "codes",
                    str(code),
                    header,
                )
            if not _CODE.fullmatch(code) and not code.strip().isdigit():
                # a product name ("LNG", "crude oil"): its codes, and the name as the reason
                for found, why in _named(code, revision, fail, sid, header):
                    if found not in clean:
                        clean.append(found)
                        comments.setdefault((header, found), why)
                continue
            if not _CODE.fullmatch(code):
                raise fail(
                    f"sector {sid!r}: HS code {code!r} must be 2, 4 or 6 digits",
                    "codes",
                    f'"{code}"',
                    header,
                )
            if known is not None and code not in known:
                raise fail(
                    f"sector {sid!r}: {code!r} is not an {revision} code",
                    "codes",
                    f'"{code}"',
                    header,
                )
            clean.append(code)
        sectors.append(
            Sector(
                id=sid,
                label=str(body.get("label", sid)),
                codes=tuple(clean),
                why=tuple(comments.get((header, c), "") for c in clean),
            )
        )
    return Basket(
        name=str(data["name"]),
        title=str(data.get("title", data["name"])),
        hs_revision=revision,
        sectors=tuple(sectors),
        source=str(path),
    )
