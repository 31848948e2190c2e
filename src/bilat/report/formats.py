"""Render a Profile (or one ledger result) as text, JSON or CSV.

Text is for people: the summary first, then one section per result with plain-word headers,
numbers in words (``bilat.render.numbers``) and tables fitted to the width
(``bilat.render.tables``); the provenance sentence once per section, "as above" when it
repeats. JSON and CSV keep the raw values.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from bilat.ledger.results import LedgerResult
from bilat.render import numbers
from bilat.render.jsonable import dumps
from bilat.render.tables import PIPE_WIDTH, fit, wrap
from bilat.report.profile import Profile

_TEXT_ROWS = 15

#: plain-word headers; ``{a}``/``{b}`` are the economies' names where a section knows them
_HEADERS = {
    "year": "year",
    "exports_as_exported": "exports reported by {a}",
    "imports_as_exported": "imports reported by {b}",
    "exports_reported_by": "exports: whose report",
    "imports_reported_by": "imports: whose report",
    "previous_year": "on year",
    "previous": "previous value",
    "pct_change": "change %",
    "annualised": "a year",
    "partners": "of partners",
    "code": "code",
    "gl": "GL index",
    "exporter_reported": "as the exporter reports",
    "importer_reported": "as the importer reports",
    "gap_pct": "gap %",
    "exports_a": "{a}'s exports",
    "imports_b": "{b}'s imports",
    "x_share": "share of {a}'s exports",
    "m_share": "share of {b}'s imports",
    "abs_diff": "difference",
    "x_ak": "{a}'s exports",
    "x_wk": "world exports",
    "x_a": "{a}'s total exports",
    "x_w": "world total exports",
    "rca": "RCA of {a}",
    "x_ab": "{a}'s exports to {b}",
    "m_b": "{b}'s imports",
    "m_w": "world imports",
    "path_needed": "path to target",
}

#: per section: headers that differ from the common ones, and the columns to drop first
_SECTIONS: dict[str, tuple[dict[str, str], tuple[str, ...]]] = {
    "flows": (
        {},
        (
            "exports_reported_by",
            "imports_reported_by",
            "exports_as_exported",
            "imports_as_exported",
            "complete",
        ),
    ),
    "growth": ({"value": "{measure}"}, ("previous", "change")),
    "rank": ({"value": "with {b}", "share": "{b}'s share", "total": "{a}'s total"}, ("total",)),
    "composition": (
        {"code": "HS", "total": "all goods", "share": "share"},
        ("total", "change", "pct_change"),
    ),
    "mirror": ({"product": "HS"}, ("assessment", "gap_pct")),
    "complementarity": ({}, ("exports_a", "imports_b")),
    "rca": ({}, ("x_a", "x_w", "x_wk")),
    "intensity": ({}, ("m_w", "x_a")),
    "hhi_markets": ({"code": "partner"}, ()),
    "sectors": ({"code": "sector", "total": "all goods"}, ("total", "change", "pct_change")),
    "hhi_products": ({"code": "HS"}, ()),
    "grubel_lloyd": ({"code": "HS"}, ()),
}

_REPORTER = re.compile(r"^(exporter|importer) \((A|B)\)$")


def _kind_of(name: str) -> str:
    for key in ("composition", "rank", "rca"):
        if name.startswith(key):
            return key
    return name


def headers(name: str, a: str = "A", b: str = "B", measure: str = "turnover") -> dict[str, str]:
    """Plain-word headers of a section's columns (``name``: the profile's section name)."""
    own, _ = _SECTIONS.get(_kind_of(name), ({}, ()))
    words = {**_HEADERS, **own}
    out = {}
    for key, template in words.items():
        # an economy the result does not name is left out of the words ("share", "exports")
        if not a:
            template = template.replace("{a}'s ", "").replace(" of {a}", "")
        if not b:
            template = template.replace("{b}'s ", "").replace(" to {b}", "")
            template = template.replace("with {b}", "value")
        out[key] = template.format(a=a or "A", b=b or "B", measure=measure)
    return out


_NAMED = re.compile(r"([A-Z][\w.,'-]*(?: [A-Z][\w.,'-]*)*) \(([A-Z0-9]{3,})\)")


def _names(name: str, p: Profile | None, result: LedgerResult) -> tuple[str, str]:
    """The economies a section's columns are about, in its own order (from the result, or
    the "Russia (RUS)" names of its title); "" when the result is about one economy only."""
    if p is None:
        ea, eb = getattr(result, "a", None), getattr(result, "b", None)
        if ea is not None and eb is not None:
            return (ea.name, eb.name)
        found = [m.group(1) for m in _NAMED.finditer(result.title)]
        if name == "rank" and len(found) == 2 and "rank among" in result.title:
            found = found[::-1]  # "B's rank among A's partners"
        return (found[0] if found else "", found[1] if len(found) > 1 else "")
    a, b = p.a.name, p.b.name
    if name in ("rank_a_in_b", "rca_b"):
        return (b, a)
    return (a, b)


def plain_headers(name: str, result: LedgerResult, p: Profile | None = None) -> dict[str, str]:
    """The plain-word headers of a section's columns, its economies named."""
    a, b = _names(name or _section_name(result), p, result)
    return headers(name or _section_name(result), a, b, getattr(result, "measure", "turnover"))


def section_text(
    result: LedgerResult,
    width: int = PIPE_WIDTH,
    *,
    name: str = "",
    p: Profile | None = None,
    previous_data: str = "",
    max_rows: int = _TEXT_ROWS,
    seen: set[str] | None = None,
) -> str:
    """One result as text for ``width`` columns: title, headline, table, notes, formula and
    the provenance sentence (``Data: as above`` when it is ``previous_data``)."""
    name = name or _section_name(result)
    a, b = _names(name, p, result)
    words = headers(name, a, b, getattr(result, "measure", "turnover"))
    _, secondary = _SECTIONS.get(_kind_of(name), ({}, ()))
    frame = result.table
    for col in ("exports_reported_by", "imports_reported_by"):
        if col in frame:
            frame = frame.assign(**{col: frame[col].map(lambda v: _reporter(v, a, b))})
    lines = [wrap(result.title, width)]
    told = getattr(result, "summary", None)
    if callable(told):  # a target's paragraph: required growth, progress, verdict
        lines.append(wrap(str(told()), width))
    head = getattr(result, "headline", "")
    if isinstance(head, str) and head and isinstance(getattr(result, "value", None), float):
        lines.append(wrap(_headline(result), width))
    if frame.empty:
        lines.append("(no rows)")
        shown = None
    else:
        shown = fit(frame, width, headers=words, secondary=secondary, max_rows=max_rows)
        lines.append(shown.text)
    notes = list(shown.notes) if shown is not None else []
    lines += [wrap(n, width, indent="  ") for n in notes]
    if result.formula:
        lines.append(wrap(f"Formula: {result.formula}", width, indent="  "))
    data = str(result.provenance)
    lines.append(
        "Data: as above" if data == previous_data else wrap(f"Data: {data}", width, indent="  ")
    )
    for note in (*result.notes, *result.provenance.notes):
        if seen is not None and note in seen:
            continue  # said in an earlier section
        if seen is not None:
            seen.add(note)
        lines.append(wrap(f"Note: {note}", width, indent="  "))
    return "\n".join(lines)


def _headline(result: LedgerResult) -> str:
    value = float(result.value)  # type: ignore[attr-defined]
    text = f"{getattr(result, 'name', '')} = {numbers.number(value)}"
    groups = getattr(result, "groups", 0)
    if groups:
        text += f", over {groups} groups"
    coverage = getattr(result, "coverage", "all goods")
    if coverage != "all goods":
        text += f" (PARTIAL: {coverage}, not all goods)"
    return text


def _reporter(value: object, a: str, b: str) -> object:
    m = _REPORTER.match(str(value)) if isinstance(value, str) else None
    if not m:
        return value
    return f"{m.group(1)}, {a if m.group(2) == 'A' else b}"


def _section_name(result: LedgerResult) -> str:
    kind = type(result).__name__.removesuffix("Result").lower()
    if kind == "index":
        title = result.title.lower()
        for key in ("rca", "complementarity", "intensity", "grubel"):
            if key in title or (key == "rca" and "comparative" in title):
                return {"grubel": "grubel_lloyd"}.get(key, key)
        return "hhi_markets" if "partner" in title else "hhi_products"
    return {"flows": "flows", "growth": "growth"}.get(kind, kind)


def _all(p: Profile) -> dict[str, LedgerResult]:
    return {"flows": p.flows, **p.sections}


def to_text(p: Profile, width: int = PIPE_WIDTH) -> str:
    """The summary, then each section, fitted to ``width`` columns."""
    from bilat.report.summary import summary

    rule = "─" * width
    parts = [summary(p).to_text(width), rule]
    previous = ""
    seen: set[str] = set()
    for name, result in _all(p).items():
        parts.append(section_text(result, width, name=name, p=p, previous_data=previous, seen=seen))
        previous = str(result.provenance)
        parts.append("")
    for name, why in p.missing.items():
        parts.append(wrap(f"[not available] {name}: {why}", width, indent="  "))
    return "\n".join(parts).rstrip() + "\n"


def to_dict(p: Profile) -> dict[str, Any]:
    """The profile as one JSON-ready dict: the CLI's ``--format json`` and the API's
    ``/profile`` answer alike (the API adds its charts)."""
    from bilat.report.summary import summary

    out: dict[str, Any] = {
        "a": {"code": p.a.code, "name": p.a.name, "kind": p.a.kind},
        "b": {"code": p.b.code, "name": p.b.name, "kind": p.b.kind},
        "years": list(p.years),
        "year": p.year,
        "summary": summary(p).to_dict(),
        "flows": p.flows.to_dict(),
        "sections": {k: r.to_dict() for k, r in p.sections.items()},
        "missing": dict(p.missing),
    }
    return out


def to_json(p: Profile) -> str:
    """Every section as JSON: title, formula, notes, provenance, rows and headline values."""
    return dumps(to_dict(p))


def to_csv(p: Profile) -> str:
    """All sections in one long CSV with a ``section`` column (tidy, for spreadsheets)."""
    return long_frame(p).to_csv(index=False)


def long_frame(p: Profile) -> pd.DataFrame:
    """All sections in one long frame with ``section`` and ``source`` columns (raw values)."""
    frames = [
        r.table.assign(section=name, source=r.provenance.source) for name, r in _all(p).items()
    ]
    frame = pd.concat(frames, ignore_index=True, sort=False)
    cols = ["section", "source", *[c for c in frame.columns if c not in ("section", "source")]]
    return frame[cols]
