"""Country groups (EAEU, EU, ASEAN, APEC, CIS, G20, ...) with membership by year.

Membership is read from ``reference/data/groups.toml`` (or a TOML file of the same shape given to
``load_groups``). A country is a member in every calendar year in which it was a member on at least
one day (ARM and KGZ in the EAEU from 2015; GBR in the EU until 2020). A group that is a member of
another (the EU and the African Union in the G20) is expanded into its own members of that year
unless ``expand=False``, which returns the group's id instead.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import Field, RootModel

from bilat.errors import DataFormatError, UnknownCodeError
from bilat.reference import countries
from bilat.reference._toml import Table, line_of, read_toml, validate
from bilat.reference.countries import _norm

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Group",
    "Membership",
    "get_group",
    "list_groups",
    "load_groups",
    "members",
    "resolve",
    "resolve_group",
]


@dataclass(frozen=True)
class Membership:
    """One member of a group and the calendar years (inclusive) it belonged."""

    code: str  # ISO3, or a group id when ``is_group``
    start: int
    end: int | None = None  # None: still a member
    is_group: bool = False

    def active(self, year: int) -> bool:
        """True if a member on at least one day of ``year``."""
        return self.start <= year and (self.end is None or year <= self.end)


@dataclass(frozen=True)
class Group:
    """A named country group with membership by year."""

    id: str
    name: str
    aliases: tuple[str, ...]
    founded: int
    note: str
    memberships: tuple[Membership, ...]

    def __str__(self) -> str:
        return f"{self.id} ({self.name}, since {self.founded})"

    def to_frame(self) -> pd.DataFrame:
        """One row per membership: member code, first and last year (NaN = still a member)."""
        import pandas as pd  # here: resolving a group at the prompt needs no pandas

        return pd.DataFrame(
            [(m.code, m.start, m.end, m.is_group) for m in self.memberships],
            columns=["member", "from_year", "until_year", "is_group"],
        ).set_index("member")

    def _repr_html_(self) -> str:
        from bilat.render.html import Section, fragment, table

        return fragment(Section(f"{self.id} {self.name}", [table(self.to_frame().reset_index())]))


class MemberTable(Table):
    """One member: a country ``code`` or a ``group``, from a year, until a year (inclusive)."""

    code: str | None = None
    group: str | None = None
    from_: int = Field(alias="from")
    until: int | None = None


class GroupTable(Table):
    """``[<id>]``: one group, every key it may hold (a misspelt one is refused)."""

    name: str
    aliases: list[str] = Field(default_factory=list)
    founded: int | None = None
    note: str = ""
    members: list[MemberTable]


GroupsFile = RootModel[dict[str, GroupTable]]


def _default_path() -> Path:
    return Path(str(resources.files("bilat.reference").joinpath("data", "groups.toml")))


def _parse(path: Path) -> dict[str, Group]:
    """Groups of one TOML file, validated: known ISO3 codes, integer years, known member groups."""
    data, text = read_toml(path)
    validate(GroupsFile, data, text, path)
    groups: dict[str, Group] = {}
    for gid, body in data.items():
        where = f"[{gid}]"

        def fail(
            problem: str, field: str, needle: str | None = None, gid: str = gid, where: str = where
        ) -> None:
            line = line_of(text, needle, after=where) if needle else line_of(text, where)
            raise DataFormatError(path, f"group {gid}: {problem}", line=line, column=field)

        if not isinstance(body, dict):
            fail("must be a table", gid)
        for key in ("name", "members"):
            if key not in body:
                fail(f"missing field {key!r}", key)
        rows: list[Membership] = []
        for i, m in enumerate(body["members"]):
            if not isinstance(m, dict) or ("code" in m) == ("group" in m):
                fail(f"member {i + 1} needs exactly one of 'code' or 'group'", "members")
            is_group = "group" in m
            code = str(m["group"] if is_group else m["code"])
            start, end = m.get("from"), m.get("until")
            if not isinstance(start, int) or not (end is None or isinstance(end, int)):
                fail(f"member {code}: 'from'/'until' must be whole years", "from", f'"{code}"')
            if end is not None and end < start:
                fail(f"member {code}: 'until' {end} is before 'from' {start}", "until", f'"{code}"')
            if not is_group and code not in countries.all_codes():
                sugg = countries._suggest(code)
                fail(
                    f"unknown country code {code!r}"
                    + (f"; did you mean {', '.join(sugg)}?" if sugg else ""),
                    "code",
                    f'"{code}"',
                )
            rows.append(Membership(code, start, end, is_group))
        groups[gid] = Group(
            id=gid,
            name=str(body["name"]),
            aliases=tuple(str(a) for a in body.get("aliases", [])),
            founded=int(body.get("founded", min((m.start for m in rows), default=0))),
            note=str(body.get("note", "")),
            memberships=tuple(rows),
        )
    for g in groups.values():
        for m in g.memberships:
            if m.is_group and m.code not in groups:
                raise DataFormatError(
                    path,
                    f"group {g.id}: member group {m.code!r} is not defined in this file",
                    line=line_of(text, f'"{m.code}"', after=f"[{g.id}]"),
                    column="group",
                )
    return groups


@functools.cache
def load_groups(path: str | Path | None = None) -> dict[str, Group]:
    """All groups of a TOML file (default: bilat's own ``groups.toml``), keyed by id."""
    return _parse(Path(path) if path is not None else _default_path())


@functools.cache
def _alias_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for g in load_groups().values():
        for text in (g.id, g.name, *g.aliases):
            index[_norm(text)] = g.id
    return index


def list_groups() -> tuple[str, ...]:
    """Ids of the groups bilat knows ("EAEU", "EU", "ASEAN", ...)."""
    return tuple(load_groups())


def resolve_group(text: str) -> str | None:
    """Group id for an id, name or alias ("Eurasian Economic Union", "EEU", "the EU"), else None."""
    return _alias_index().get(_norm(str(text)))


def get_group(text: str) -> Group:
    """The Group for an id, name or alias; UnknownCodeError with suggestions otherwise."""
    gid = resolve_group(text)
    if gid is None:
        import difflib

        names = {_norm(t): g.id for g in load_groups().values() for t in (g.id, g.name)}
        near = difflib.get_close_matches(_norm(str(text)), list(names), n=3, cutoff=0.6)
        raise UnknownCodeError("group", str(text), sorted({names[n] for n in near}))
    return load_groups()[gid]


def members(group: str, year: int | None = None, *, expand: bool = True) -> frozenset[str]:
    """ISO3 codes of a group's members in ``year`` (None: today's composition, a fixed group).

    With ``expand`` (default) a member group (EU in the G20) is replaced by its own members of
    that year; with ``expand=False`` it stays as its group id ("EU").
    """
    return _members(get_group(group).id, year, expand)


def _members(gid: str, year: int | None, expand: bool) -> frozenset[str]:
    g = load_groups()[gid]
    out: set[str] = set()
    for m in g.memberships:
        if m.end is not None and year is None:
            continue  # a former member is not part of today's composition
        if year is not None and not m.active(year):
            continue
        if m.is_group and expand:
            out |= _members(m.code, year, expand)
        else:
            out.add(m.code)
    return frozenset(out)


def resolve(text: str) -> str:
    """A group id or a country code for CLI-style text ("EAEU", "the EU", "Russia", "Korea, Rep.").

    Groups are tried first, so "EU" is the European Union group, not the EU-as-reporter code EUN.
    """
    gid = resolve_group(text)
    if gid is not None:
        return gid
    try:
        return countries.lookup(text)
    except UnknownCodeError as exc:
        raise UnknownCodeError("country or group", str(text), exc.suggestions) from None
