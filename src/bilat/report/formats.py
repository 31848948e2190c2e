"""Render a Profile as text, JSON or CSV.

Text is for people: the summary first, then one section per result
(``bilat.render.sections.section_text``: plain-word headers, numbers in words, tables fitted
to the width); the provenance sentence once per section, "as above" when it repeats. JSON and
CSV keep the raw values.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from bilat.ledger.results import LedgerResult
from bilat.render.jsonable import dumps
from bilat.render.sections import headers, plain_headers, section_name, section_text
from bilat.render.tables import PIPE_WIDTH, wrap
from bilat.report.profile import Profile

# one section's text lives in bilat.render.sections (the CLI prints single results with it,
# without importing the report); kept importable from here
__all__ = [
    "headers", "long_frame", "plain_headers", "section_name", "section_text", "to_csv",
    "to_dict", "to_json", "to_text",
]  # fmt: skip


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
