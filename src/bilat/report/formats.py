"""Render a Profile as text (Rich tables), JSON or CSV."""

from __future__ import annotations

import io
import json
import math

import pandas as pd
from rich.console import Console
from rich.table import Table

from bilat.ledger.results import LedgerResult, format_number
from bilat.report.profile import Profile

_TEXT_ROWS = 15


def _all(p: Profile) -> dict[str, LedgerResult]:
    return {"flows": p.flows, **p.sections}


def _rich_table(result: LedgerResult) -> Table:
    table = Table(title=result.title, title_justify="left", show_lines=False)
    frame = result.table.head(_TEXT_ROWS)
    for col in frame.columns:
        numeric = pd.api.types.is_numeric_dtype(frame[col])
        table.add_column(str(col), justify="right" if numeric else "left", no_wrap=True)
    for row in frame.itertuples(index=False):
        table.add_row(*(_cell(v) for v in row))
    extra = len(result.table) - len(frame)
    caption = [f"Data: {result.provenance}"]
    if result.formula:
        caption.insert(0, result.formula)
    if extra > 0:
        caption.append(f"… {extra} more rows")
    table.caption = "\n".join(caption)
    table.caption_justify = "left"
    return table


def _cell(v: object) -> str:
    if isinstance(v, float):
        return format_number(v)
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return "–"
    return str(v)


def to_text(p: Profile, width: int = 200) -> str:
    """Rich tables, one per section, as plain text."""
    console = Console(file=io.StringIO(), width=width, record=True, color_system=None)
    console.rule(f"{p.a} – {p.b}")
    for name, result in _all(p).items():
        console.print(_rich_table(result))
        target = getattr(result, "summary", None)
        if name == "target" and callable(target):
            console.print(target())
        console.print()
    for name, why in p.missing.items():
        console.print(f"[not available] {name}: {why}")
    return console.export_text()


def to_json(p: Profile) -> str:
    """Every section as JSON: title, formula, notes, provenance and rows."""
    out = {
        "a": {"code": p.a.code, "name": p.a.name},
        "b": {"code": p.b.code, "name": p.b.name},
        "year": p.year,
        "sections": {k: r.to_dict() for k, r in _all(p).items()},
        "missing": p.missing,
    }
    target = p.sections.get("target")
    if target is not None:
        out["target_summary"] = {
            k: getattr(target, k)
            for k in ("verdict", "required_cagr", "actual_cagr", "reach_year", "projection")
        }
    return json.dumps(_clean(out), indent=2, default=_json_default, allow_nan=False)


def _clean(obj: object) -> object:
    """NaN and infinities become null: JSON has no NaN."""
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if hasattr(obj, "item") and not isinstance(obj, str):
        return _clean(obj.item())  # numpy scalars
    return obj


def _json_default(value: object) -> object:
    if hasattr(value, "item"):
        value = value.item()  # numpy scalars
        if isinstance(value, float) and not math.isfinite(value):
            return None
        return value
    return str(value)


def to_csv(p: Profile) -> str:
    """All sections in one long CSV with a ``section`` column (tidy, for spreadsheets)."""
    frames = [
        r.table.assign(section=name, source=r.provenance.source) for name, r in _all(p).items()
    ]
    frame = pd.concat(frames, ignore_index=True, sort=False)
    cols = ["section", "source", *[c for c in frame.columns if c not in ("section", "source")]]
    return frame[cols].to_csv(index=False)
