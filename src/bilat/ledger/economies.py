"""One side of a relationship: a country (ISO3), a group (EAEU, EU …) or a subnational region.

A group's trade with the other side is the sum over its members in each year; flows between
two members of the same side are never counted (they are intra-group trade, not trade with
the other side).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from bilat.errors import InputError

if TYPE_CHECKING:
    import ibis.expr.types as ir

Kind = Literal["country", "group", "region"]

# Years over which a group's membership is looked up and compressed into spans.
_MEMBERSHIP_YEARS = range(1948, 2036)
_REGION_CODE = re.compile(r"^[A-Z]{3}\.[0-9A-Z]+$")


@dataclass(frozen=True)
class Span:
    """Membership that holds from ``first`` to ``last`` year inclusive."""

    first: int
    last: int
    members: frozenset[str]


@dataclass(frozen=True)
class Economy:
    """A side of a relationship: code, display name, kind, and member codes per year."""

    code: str
    name: str
    kind: Kind
    spans: tuple[Span, ...]

    @classmethod
    def country(cls, iso3: str, name: str | None = None) -> Economy:
        """A single country (ISO3), a member of itself in every year."""
        return cls(iso3, name or iso3, "country", (Span(0, 9999, frozenset({iso3})),))

    @classmethod
    def group(cls, code: str, members_by_year: dict[int, Iterable[str]], name: str = "") -> Economy:
        """A group from ``{year: members}``; consecutive years with equal members are merged."""
        spans: list[Span] = []
        for year in sorted(members_by_year):
            members = frozenset(members_by_year[year])
            if not members:
                continue
            if spans and spans[-1].members == members and spans[-1].last == year - 1:
                spans[-1] = Span(spans[-1].first, year, members)
            else:
                spans.append(Span(year, year, members))
        if not spans:
            raise InputError(f"group {code!r} has no members in any year")
        return cls(code, name or code, "group", tuple(spans))

    def members(self, year: int) -> frozenset[str]:
        """Member codes in ``year`` (empty before a group existed)."""
        for span in self.spans:
            if span.first <= year <= span.last:
                return span.members
        return frozenset()

    @property
    def all_members(self) -> frozenset[str]:
        """Every code that is a member in some year."""
        return frozenset().union(*(s.members for s in self.spans))

    def contains(self, code: ir.StringValue, year: ir.IntegerValue) -> ir.BooleanValue:
        """Ibis predicate: ``code`` is a member of this economy in ``year``."""
        if len(self.spans) == 1 and self.spans[0].first == 0:
            return code.isin(sorted(self.spans[0].members))
        terms = [year.between(s.first, s.last) & code.isin(sorted(s.members)) for s in self.spans]
        out = terms[0]
        for term in terms[1:]:
            out = out | term
        return out

    def __str__(self) -> str:
        return self.name if self.name == self.code else f"{self.name} ({self.code})"


def _country_lookup(text: str) -> tuple[str, str]:
    """(ISO3, display name) via ``bilat.reference.countries``; UnknownCodeError if unknown."""
    from bilat.reference import countries

    iso3 = countries.lookup(text)
    return iso3, countries.name(iso3)


def _group(text: str) -> Economy | None:
    """The group named ``text`` via ``bilat.reference.groups``, or None if it is no group."""
    from bilat.reference import groups

    gid = groups.resolve_group(text)
    if gid is None:
        return None
    by_year = {y: groups.members(gid, y) for y in _MEMBERSHIP_YEARS}
    if not any(by_year.values()):
        return None
    return Economy.group(gid, by_year, name=groups.get_group(gid).name)


def resolve(
    side: str | Economy, regions: dict[str, tuple[str, str | None]] | None = None
) -> Economy:
    """An Economy from an ISO3 code, a name or alias, a group code, or a region code.

    ``regions`` maps region codes (``RUS.05000``) to (name, district code) when the store
    has subnational data; a district code then stands for all its regions.
    """
    if isinstance(side, Economy):
        return side
    text = side.strip()
    if not text:
        raise InputError("an economy is needed: give an ISO3 code, a name or a group such as EAEU")
    upper = text.upper()
    if regions:
        if upper in regions:
            return Economy(upper, regions[upper][0], "region", (Span(0, 9999, frozenset({upper})),))
        district = sorted(code for code, (_, d) in regions.items() if d and d.upper() == upper)
        if district:
            return Economy(upper, upper, "region", (Span(0, 9999, frozenset(district)),))
    if _REGION_CODE.match(upper):
        # A region code the store does not list: still usable, the data decide if it has flows.
        return Economy(upper, upper, "region", (Span(0, 9999, frozenset({upper})),))
    group = _group(text)
    if group is not None:
        return group
    iso3, name = _country_lookup(text)
    return Economy.country(iso3, name)


def pair(a: str | Economy, b: str | Economy, **kw: object) -> tuple[Economy, Economy]:
    """Both sides resolved; InputError when they are the same economy."""
    ea, eb = resolve(a, **kw), resolve(b, **kw)  # type: ignore[arg-type]
    if ea.code == eb.code:
        raise InputError(f"both sides are {ea.code}: give two different economies")
    return ea, eb
