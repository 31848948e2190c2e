"""One ledger result as a text section: title, headline, a table fitted to the width with
plain-word headers, notes, formula and the provenance sentence.

Used by the CLI for every result it prints and by the report for each of its sections
(``bilat.report.formats``). It reads a result by its attributes only (``title``, ``table``,
``provenance``, ``formula``, ``notes``; ``a``/``b``, ``value``, ``headline``, ``summary`` where a
result has them) and imports no ledger or report module, nor pandas: the start-up path's flows
(``ledger.flows_direct``: plain rows in a ``render.tables.Columns``) are printed by the same
code as a ``FlowsResult``.
"""

from __future__ import annotations

import re
from typing import Any

from bilat.render import numbers
from bilat.render.tables import PIPE_WIDTH, as_columns, fit, wrap

__all__ = ["headers", "plain_headers", "section_name", "section_text"]

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


def _names(name: str, p: Any | None, result: Any) -> tuple[str, str]:
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


def plain_headers(name: str, result: Any, p: Any | None = None) -> dict[str, str]:
    """The plain-word headers of a section's columns, its economies named."""
    a, b = _names(name or section_name(result), p, result)
    return headers(name or section_name(result), a, b, getattr(result, "measure", "turnover"))


def section_text(
    result: Any,
    width: int = PIPE_WIDTH,
    *,
    name: str = "",
    p: Any | None = None,
    previous_data: str = "",
    max_rows: int = _TEXT_ROWS,
    seen: set[str] | None = None,
) -> str:
    """One result as text for ``width`` columns: title, headline, table, notes, formula and
    the provenance sentence (``Data: as above`` when it is ``previous_data``)."""
    name = name or section_name(result)
    a, b = _names(name, p, result)
    words = headers(name, a, b, getattr(result, "measure", "turnover"))
    _, secondary = _SECTIONS.get(_kind_of(name), ({}, ()))
    table = as_columns(result.table)
    for col in ("exports_reported_by", "imports_reported_by"):
        if col in table:
            table = table.map(col, lambda v: _reporter(v, a, b))
    lines = [wrap(result.title, width)]
    told = getattr(result, "summary", None)
    if callable(told):  # a target's paragraph: required growth, progress, verdict
        lines.append(wrap(str(told()), width))
    head = getattr(result, "headline", "")
    if isinstance(head, str) and head and isinstance(getattr(result, "value", None), float):
        lines.append(wrap(_headline(result), width))
    if not len(table):
        lines.append("(no rows)")
        shown = None
    else:
        shown = fit(table, width, headers=words, secondary=secondary, max_rows=max_rows)
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


def _headline(result: Any) -> str:
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


def section_name(result: Any) -> str:
    """The section a result is (``flows``, ``rank``, ``rca`` …): its ``section`` attribute
    where it has one (the start-up path's flows), else from its type and title."""
    own = getattr(result, "section", None)
    if isinstance(own, str) and own:
        return own
    kind = type(result).__name__.removesuffix("Result").lower()
    if kind == "index":
        title = result.title.lower()
        for key in ("rca", "complementarity", "intensity", "grubel"):
            if key in title or (key == "rca" and "comparative" in title):
                return {"grubel": "grubel_lloyd"}.get(key, key)
        return "hhi_markets" if "partner" in title else "hhi_products"
    return {"flows": "flows", "growth": "growth"}.get(kind, kind)
