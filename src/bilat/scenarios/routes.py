"""Named transport routes: the pairs of countries they serve and the distance they save.

A route table is any TOML file with ``[[route]]`` tables (and the ``[groups]`` they name); the
shipped scenario files ``nsr_route.toml`` and ``korea_rail_link.toml`` are route tables too. A
scenario shock ``type = "route"`` names a route of its own file or of a shipped file.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from bilat.errors import DataFormatError, InputError, UnknownCodeError
from bilat.reference._toml import read_toml
from bilat.scenarios.ge.shocks import DistanceChange, GroupTable, group_table

# Fields of a [[route]] table; `and` is TOML's word for the second side, as in [[shock]].
ROUTE_FIELDS = (
    "id",
    "name",
    "between",
    "and",
    "current_km",
    "new_km",
    "percent",
    "usable_share",
    "source",
    "note",
)


@dataclass(frozen=True)
class Route:
    """A transport route: the sides it links, the distance change, the usable share of the year."""

    id: str
    name: str
    side_a: tuple[str, ...]
    side_b: tuple[str, ...] | None
    current_km: float | None = None  # today's route (e.g. by sea via Suez), km
    new_km: float | None = None  # the new route, km
    percent: float | None = None  # or the % change in effective distance
    usable_share: float = 1.0  # share of the year the route can be used
    source: str = ""  # where the distances come from
    note: str = ""
    groups: GroupTable = ()  # the groups its sides name, with their members
    path: str | None = None  # the file it was read from

    def __post_init__(self) -> None:
        object.__setattr__(self, "groups", group_table(self.groups))
        self.shock()  # validates distances and usable share with DistanceChange's rules

    def shock(self, usable_share: float | None = None) -> DistanceChange:
        """The route as a distance change (δ left to the scenario)."""
        return DistanceChange(
            side_a=self.side_a,
            side_b=self.side_b,
            percent=self.percent,
            new_km=self.new_km,
            current_km=self.current_km,
            usable_share=self.usable_share if usable_share is None else usable_share,
            route=self.id,
            groups=self.groups,
        )

    @property
    def change_pct(self) -> float | None:
        """% change in distance (negative: shorter), when the route gives one."""
        r = self.shock().ratio
        return None if r is None else (r - 1.0) * 100.0

    def __str__(self) -> str:
        return f"{self.id}: {self.name} — {self.shock()}"

    def _repr_html_(self) -> str:
        from bilat.render.html import Section, fragment

        return fragment(Section(str(self), []))


def _text_list(value: Any, field: str, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise DataFormatError(where, f"{field} must be a list of countries or groups")
    return tuple(value)


def parse_routes(
    raw: dict[str, Any], text: str, path: Path, defined: dict[str, frozenset[str]]
) -> tuple[Route, ...]:
    """The [[route]] tables of a parsed TOML file, validated (names resolved by the caller)."""
    from bilat.scenarios.ge.members import canonical

    tables = raw.get("route", [])
    if not isinstance(tables, list):
        raise DataFormatError(path, "route must be an array of tables: write [[route]]")
    lines = text.splitlines()
    starts = [k + 1 for k, ln in enumerate(lines) if ln.strip().startswith("[[route]]")]
    out: list[Route] = []
    seen: set[str] = set()
    for k, t in enumerate(tables):
        start = starts[k] if k < len(starts) else None
        end = starts[k + 1] if k + 1 < len(starts) else len(lines) + 1

        def line(field: str, _s: int | None = start, _e: int = end) -> int | None:
            if _s is None:
                return None
            for n in range(_s, _e):
                stripped = lines[n - 1].strip()
                if stripped.startswith(f"{field} ") or stripped.startswith(f"{field}="):
                    return n
            return _s

        def fail(field: str, problem: str, fix: str = "") -> DataFormatError:
            return DataFormatError(path, problem, line=line(field), column=field, fix=fix)

        unknown = sorted(set(t) - set(ROUTE_FIELDS))
        if unknown:
            raise fail(
                unknown[0],
                f"[[route]] #{k + 1}: unknown field(s) {unknown}",
                f"fields are {', '.join(ROUTE_FIELDS)}",
            )
        rid = t.get("id")
        if not isinstance(rid, str) or not rid.strip():
            raise fail("id", f'[[route]] #{k + 1} needs an id (e.g. id = "NSR")')
        if rid.upper() in seen:
            raise fail("id", f"route id {rid!r} is defined twice")
        seen.add(rid.upper())
        for field in ("between", "and"):
            if field not in t:
                raise fail(field, f"route {rid}: needs '{field}' (a list of countries or groups)")
        names = {}
        for field in ("between", "and"):
            vals = _text_list(t[field], f"route {rid} {field!r}", str(path))
            at = f"{path}" + (f", line {line(field)}" if line(field) else "")
            names[field] = tuple(
                canonical(v, defined, where=f"{at}, field [[route]] {rid} {field!r}") for v in vals
            )
        used = {
            g: tuple(sorted(m))
            for g, m in defined.items()
            if g in (*names["between"], *names["and"])
        }
        numbers: dict[str, float | None] = {}
        for field in ("current_km", "new_km", "percent", "usable_share"):
            v = t.get(field)
            if v is not None and (isinstance(v, bool) or not isinstance(v, int | float)):
                raise fail(field, f"route {rid}: {field} must be a number, got {v!r}")
            numbers[field] = None if v is None else float(v)
        try:
            route = Route(
                id=rid.strip(),
                name=str(t.get("name", rid)),
                side_a=names["between"],
                side_b=names["and"],
                current_km=numbers["current_km"],
                new_km=numbers["new_km"],
                percent=numbers["percent"],
                usable_share=1.0 if numbers["usable_share"] is None else numbers["usable_share"],
                source=str(t.get("source", "")),
                note=str(t.get("note", "")),
                groups=used,
                path=str(path),
            )
        except InputError as exc:
            msg = str(exc)
            field = next(
                (f for f in ("usable_share", "current_km", "new_km", "percent") if f in msg),
                "new_km",
            )
            raise fail(field, f"route {rid}: {msg}") from None
        out.append(route)
    return tuple(out)


def read_routes(path: str | Path) -> tuple[Route, ...]:
    """The routes of one TOML file (a route table or a scenario file with [[route]] tables)."""
    from bilat.scenarios.schema import validate_routes
    from bilat.scenarios.toml_places import Where, groups_table

    p = Path(path)
    raw, text = read_toml(p)
    validate_routes(raw, text, p)
    defined = groups_table(raw.get("groups"), Where(p, text))
    return parse_routes(raw, text, p, defined)


def shipped_route_files() -> list[Path]:
    """The shipped TOML files that define routes."""
    folder = resources.files("bilat.scenarios") / "data"
    files = sorted(Path(str(f)) for f in folder.iterdir() if f.name.endswith(".toml"))
    return [f for f in files if "[[route]]" in f.read_text(encoding="utf-8")]


def all_routes(extra: Iterable[str | Path] = ()) -> tuple[Route, ...]:
    """Routes of the given files, then of the shipped files (the first definition of an id wins)."""
    out: dict[str, Route] = {}
    for f in [*(Path(e) for e in extra), *shipped_route_files()]:
        for r in read_routes(f):
            out.setdefault(r.id.upper(), r)
    return tuple(out.values())


def find_route(name: str, routes: Iterable[Route], where: str = "") -> Route:
    """The route with this id (case-insensitive); UnknownCodeError with suggestions if none."""
    known = {r.id.upper(): r for r in routes}
    hit = known.get(str(name).strip().upper())
    if hit is None:
        near = difflib.get_close_matches(str(name).upper(), list(known), n=3, cutoff=0.4)
        hints = [known[k].id for k in near] or [r.id for r in known.values()][:4]
        raise UnknownCodeError("route", str(name), hints, where=where)
    return hit


def routes_frame(routes: Iterable[Route]) -> pd.DataFrame:
    """One row per route: sides, km, % change, usable share, file and source."""
    rows = [
        {
            "route": r.id,
            "name": r.name,
            "between": "+".join(r.side_a),
            "and": "+".join(r.side_b or ()),
            "current_km": r.current_km,
            "new_km": r.new_km,
            "change_pct": r.change_pct,
            "usable_share": r.usable_share,
            "file": Path(r.path).name if r.path else "",
            "source": r.source,
        }
        for r in routes
    ]
    cols = ["route", "name", "between", "and", "current_km", "new_km", "change_pct"]
    cols += ["usable_share", "file", "source"]
    return pd.DataFrame(rows, columns=cols).set_index("route")
