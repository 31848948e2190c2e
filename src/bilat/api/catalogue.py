"""The economies a user can pick: countries and groups with the other names they answer to."""

from __future__ import annotations

import csv
import functools
from importlib import resources

from bilat.reference import countries, groups


def _aliases() -> dict[str, list[str]]:
    """ISO3 → aliases and demonyms from bilat's hand-written alias table."""
    text = resources.files("bilat.reference").joinpath("data", "aliases.csv").read_text("utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    out: dict[str, list[str]] = {}
    for row in csv.DictReader(lines):
        if row["kind"] != "name":
            out.setdefault(row["iso3"], []).append(row["alias"])
    return out


@functools.cache
def economies() -> tuple[dict[str, object], ...]:
    """Every country (ISO3, name, official name, ISO2, aliases) and group, sorted by name."""
    extra = _aliases()
    rows: list[dict[str, object]] = []
    frame = countries.table().reset_index()
    for rec in frame[frame.kind.isin(["country", "territory"])].itertuples(index=False):
        names = [rec.official_name, rec.iso2, *extra.get(rec.code, [])]
        aliases = sorted({str(n) for n in names if n and str(n) != rec.name})
        rows.append({"code": rec.code, "name": rec.name, "kind": "country", "aliases": aliases})
    for gid, group in groups.load_groups().items():
        aliases = sorted({a for a in group.aliases if a not in (gid, group.name)})
        rows.append({"code": gid, "name": group.name, "kind": "group", "aliases": aliases})
    return tuple(sorted(rows, key=lambda r: str(r["name"]).casefold()))
