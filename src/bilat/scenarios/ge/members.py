"""Which countries a name in a scenario stands for: an ISO3 code, a country name, or a group."""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from bilat.errors import UnknownCodeError
from bilat.reference import countries, groups

# Agreement or group memberships defined by the user (e.g. in a scenario file), as ISO3 codes.
DefinedGroups = Mapping[str, frozenset[str]]


def canonical(name: str, defined: DefinedGroups | None = None, where: str = "scenario") -> str:
    """The canonical token for a name: a user-defined group, a bilat group id, or an ISO3 code.

    Order: groups defined by the user (so a scenario can say what "NAFTA" covers), then
    ``bilat.reference.groups`` ("EAEU", "Eurasian Economic Union"), then country codes and names
    ("KOR", "Korea", "South Korea"). Unknown → UnknownCodeError with suggestions of both kinds.
    """
    text = str(name).strip()
    for key in defined or {}:
        if key.upper() == text.upper():
            return key
    gid = groups.resolve_group(text)
    if gid is not None:
        return gid
    try:
        return countries.lookup(text)
    except UnknownCodeError as exc:
        country_hints = exc.suggestions
    try:
        groups.get_group(text)
        group_hints: list[str] = []
    except UnknownCodeError as exc:
        group_hints = exc.suggestions
    near = difflib.get_close_matches(text.upper(), list(defined or {}), n=2, cutoff=0.6)
    hints = list(dict.fromkeys([*near, *group_hints, *country_hints]))[:4]
    raise UnknownCodeError("country or group", text, hints, where=where)


def members(
    name: str,
    year: int | None,
    present: tuple[str, ...],
    defined: DefinedGroups | None = None,
) -> tuple[frozenset[str], str | None]:
    """ISO3 codes a name stands for in ``year``, and a note when the composition was adapted.

    A code of the baseline stands for itself. A bilat group has its members of ``year``; a group
    not yet founded in that year (EAEU before 2015) is taken with today's composition, and a note
    says so, because a scenario about it is hypothetical anyway.
    """
    code = str(name).strip().upper()
    if code in present:
        return frozenset({code}), None
    token = canonical(name, defined)
    if defined and token in defined:
        return frozenset(defined[token]), None
    if groups.resolve_group(token) == token:
        mem = groups.members(token, year)
        if not mem:
            return (
                groups.members(token, None),
                f"{token} had no members in {year}; its current members are used",
            )
        return mem, None
    return frozenset({token}), None
