"""The report's answer first: one screen of what the relationship is, from the profile.

Turnover, balance, growth, each side's rank, the top products, every index's headline value,
the target's required growth and verdict, and the coverage line; the same items in text
(``to_text``), HTML (the report's template) and JSON (``to_dict``, raw values beside the
words). Nothing here computes a figure: every item reads a section of the profile, and a
section the profile could not compute is said to be not available.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from bilat.render import numbers
from bilat.render.tables import wrap
from bilat.report.profile import Profile

__all__ = ["Item", "Summary", "summary"]

#: the index sections and their words, in the order the summary lists them
INDICES = {
    "grubel_lloyd": ("Grubel–Lloyd", "intra-industry trade of {a} with {b}"),
    "hhi_products": ("HHI, products", "concentration of {a}'s exports to {b} over products"),
    "complementarity": ("Complementarity", "{a}'s exports with {b}'s imports, 0–100"),
    "intensity": ("Trade intensity", "{a}'s exports to {b}; > 1 = more than {b}'s size implies"),
    "hhi_markets": ("HHI, markets", "concentration of {a}'s exports over partner countries"),
}


@dataclass(frozen=True)
class Item:
    """One line of the summary: its words and the raw values behind them."""

    key: str
    label: str
    text: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Summary:
    """The profile's one-screen summary."""

    title: str
    coverage: str
    items: tuple[Item, ...]

    def to_dict(self) -> dict[str, Any]:
        """Raw values by item (JSON): ``{"turnover": {"text": "15.33 bn USD", "value": …}}``."""
        return {
            "title": self.title,
            "coverage": self.coverage,
            "items": {i.key: {"label": i.label, "text": i.text, **i.values} for i in self.items},
        }

    def to_text(self, width: int = 100) -> str:
        """Label and words per line, wrapped to ``width``."""
        pad = max(len(i.label) for i in self.items) + 2 if self.items else 0
        pad = min(pad, width // 3)
        lines = [wrap(self.title, width), ""]
        for i in self.items:
            head = (i.label + ":").ljust(pad)
            lines.append(wrap(head + i.text, width, indent=" " * pad))
        lines += ["", wrap(f"Data: {self.coverage}", width, indent="  ")]
        return "\n".join(lines)


def _latest(frame: pd.DataFrame, year: int | None, col: str) -> pd.Series | None:
    rows = frame[frame[col].notna()] if col in frame else frame.iloc[0:0]
    if year is not None and "year" in rows:
        hit = rows[rows.year == year]
        rows = hit if not hit.empty else rows.iloc[0:0]
    return None if rows.empty else rows.iloc[-1]


def _flows_items(p: Profile) -> list[Item]:
    t = p.flows.table
    a, b = p.a.name, p.b.name
    row = _latest(t, p.year, "turnover")
    if row is None:
        return [Item("turnover", "Turnover", f"not available for {p.year}")]
    y = int(row.year)
    bal = float(row.balance)
    side = f"surplus for {a}" if bal > 0 else f"deficit for {a}" if bal < 0 else "balanced"
    return [
        Item(
            "turnover",
            "Turnover",
            f"{numbers.money(row.turnover)} in {y} ({a}'s exports {numbers.money(row.exports)}, "
            f"imports {numbers.money(row.imports)})",
            {"year": y, "value": row.turnover, "exports": row.exports, "imports": row.imports},
        ),
        Item(
            "balance",
            "Balance",
            f"{numbers.money(bal)} in {y} ({side} with {b})",
            {"year": y, "value": bal},
        ),
    ]


def _growth_item(p: Profile) -> list[Item]:
    g = p.sections.get("growth")
    if g is None:
        return [Item("growth", "Growth", f"not available: {p.missing.get('growth', '')}")]
    t = g.table.dropna(subset=["value"])
    t = t[t.period == "A"] if "period" in t else t
    if len(t) < 2:
        return [Item("growth", "Growth", "not available: one year only")]
    last = t.iloc[-1]
    words = (
        f"{numbers.share(last['pct_change'])} in {int(last.year)} on {int(last.previous_year)}"
        f" ({numbers.share(last.annualised)} a year)"
    )
    values: dict[str, Any] = {
        "year": int(last.year),
        "previous_year": int(last.previous_year),
        "pct_change": last["pct_change"],
        "annualised": last.annualised,
    }
    first = t.iloc[0]
    span = int(last.year) - int(first.year)
    if span > 0 and first.value > 0 and last.value >= 0:
        rate = (last.value / first.value) ** (1 / span) - 1
        words += f"; {numbers.share(rate)} a year since {int(first.year)}"
        values.update(first_year=int(first.year), cagr=rate)
    return [Item("growth", "Growth", "turnover " + words, values)]


def _rank_items(p: Profile) -> list[Item]:
    out = []
    for key, who, among in (("rank_b_in_a", p.b, p.a), ("rank_a_in_b", p.a, p.b)):
        r = p.sections.get(key)
        label = "Rank"
        if r is None:
            out.append(Item(key, label, f"not available: {p.missing.get(key, '')}"))
            continue
        row = _latest(r.table, p.year, "rank")
        if row is None:
            out.append(Item(key, label, f"not available for {p.year}"))
            continue
        out.append(
            Item(
                key,
                label,
                f"{who.name} {numbers.rank(row['rank'], row.partners)} among {among.name}'s "
                f"partners in {int(row.year)} ({numbers.share(row['share'])} of "
                f"{among.name}'s {getattr(r, 'by', 'turnover')})",
                {
                    "year": int(row.year),
                    "rank": int(row["rank"]),
                    "partners": int(row.partners),
                    "share": row["share"],
                },
            )
        )
    return out


def _products_items(p: Profile, top: int = 3) -> list[Item]:
    out = []
    for key, words in (
        ("composition_exports", "Top exports"),
        ("composition_imports", "Top imports"),
    ):
        r = p.sections.get(key)
        if r is None:
            out.append(Item(key, words, f"not available: {p.missing.get(key, '')}"))
            continue
        t = r.table.dropna(subset=["value"]).sort_values("value", ascending=False).head(top)
        if t.empty:
            out.append(Item(key, words, "no products in the data"))
            continue
        scope = r.provenance.products
        label = words
        when = f" in {int(t.year.iloc[0])}" if "year" in t else ""
        direction = (
            f"{p.a.name} to {p.b.name}"
            if key.endswith("exports")
            else (f"{p.b.name} to {p.a.name}")
        )
        parts = [
            f"HS {row.code} {_cut(row.description)} {numbers.money(row.value)} "
            f"({numbers.share(row.share)})"
            for row in t.itertuples()
        ]
        tail = f" [{scope}]" if scope and scope != "all goods" else ""
        out.append(
            Item(
                key,
                label,
                f"{direction}{when}: " + "; ".join(parts) + tail,
                {
                    "products": scope,
                    "rows": t[["code", "description", "value", "share"]].to_dict("records"),
                },
            )
        )
    return out


def _cut(text: object, limit: int = 32) -> str:
    s = str(text)
    return s if len(s) <= limit else s[: limit - 1].rstrip(" ,;") + "…"


def _index_items(p: Profile) -> list[Item]:
    out = []
    for key, (label, words) in INDICES.items():
        what = words.format(a=p.a.name, b=p.b.name)
        r = p.sections.get(key)
        if r is None:
            why = p.missing.get(key)
            if why:
                out.append(Item(key, label, f"not available: {why}"))
            continue
        value = float(getattr(r, "value", math.nan))
        coverage = getattr(r, "coverage", "all goods")
        text = numbers.number(value)
        if key.startswith("hhi") and math.isfinite(value):
            text += f" ({numbers.number(value * 10_000)} of 10,000)"
        text += f" — {what}"
        groups = getattr(r, "groups", 0)
        if groups:
            text += f", over {groups} groups"
        if coverage != "all goods":
            text += f" [{coverage}, not all goods]"
        out.append(Item(key, label, text, {"value": value, "groups": groups, "coverage": coverage}))
    return out


def _target_item(p: Profile) -> list[Item]:
    t = p.sections.get("target")
    if t is None:
        why = p.missing.get("target")
        return [Item("target", "Target", f"not available: {why}")] if why else []
    text = (
        f"{numbers.money(t.target)} by {t.target_year} from {numbers.money(t.base_value)} "
        f"in {t.base_year}: needs {numbers.share(t.required_cagr)} a year"
    )
    if t.latest_year > t.base_year:
        text += f"; {numbers.share(t.actual_cagr)} a year so far ({t.latest_year})"
    text += f". Verdict: {t.verdict}"
    return [
        Item(
            "target",
            "Target",
            text,
            {
                "target": t.target,
                "target_year": t.target_year,
                "base_year": t.base_year,
                "base_value": t.base_value,
                "required_cagr": t.required_cagr,
                "actual_cagr": t.actual_cagr,
                "latest_year": t.latest_year,
                "verdict": t.verdict,
            },
        )
    ]


def summary(p: Profile) -> Summary:
    """The one-screen summary of a profile."""
    years = p.years
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else f"{years[0]}" if years else ""
    title = f"{p.a.name} ({p.a.code}) – {p.b.name} ({p.b.code}), {span}: summary"
    items = [
        *_flows_items(p),
        *_growth_item(p),
        *_rank_items(p),
        *_products_items(p),
        *_index_items(p),
        *_target_item(p),
    ]
    return Summary(title, str(p.flows.provenance), tuple(items))
