"""Gold verdicts for the real-text corpus's claims, worked out from the data bundle's raw file.

Independent of bilat's checker: the figures come from ``flows/penppml/trade.csv.gz`` by duckdb SQL
(exporter-reported totals, every 4th year 1964-2016), and the verdict from the tolerance table of
``docs/claims.md`` written out again here (half the last written digit ``r``; the qualifier's
range; "approximately" within 10 % of the data, 2 points for percentages). Nothing of the bundle is
stored: the gold is computed each run.

A claim is **covered** when the bundle answers exactly what it says: a level (value or balance) of
total goods trade between two countries, in USD, for one of the bundle's years, with no product
and no services. Its gold verdict is supported / approximately / contradicted. A claim the bundle
cannot answer exactly (another year, part of a year, a product, a group of countries, another
currency, a change whose base year is not covered, a share, a target) has gold "no data" (targets:
"not checkable"), and any graded verdict on it is wrong. Ranks are ``unscored`` (neither way): the
bundle's ranking depends on which partners count (``UNS`` and areas n.e.s. do not), which the
annotation rules leave open.

    from tests.claims.real.gold_verdicts import gold_verdicts
    gold = gold_verdicts(articles, bundle)   # {(article id, claim index): GoldVerdict}
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tests.claims.real.corpus import Article, GoldClaim

__all__ = ["COVERED_YEARS", "GoldVerdict", "gold_verdicts", "half_last_digit"]

COVERED_YEARS = frozenset(str(y) for y in range(1964, 2017, 4))
_GROUPS = {"EU", "EAEU", "ASEAN", "SAS", "WLD"}


@dataclass(frozen=True)
class GoldVerdict:
    """The verdict the bundle supports for one annotated claim, and the figure it rests on."""

    verdict: str  # supported | approximately | contradicted | no data | not checkable | unscored
    data: float | None = None
    why: str = ""


_SCALE = {"trillion": 1e12, "tn": 1e12, "billion": 1e9, "bn": 1e9, "bln": 1e9, "million": 1e6}


def half_last_digit(value_text: str, value: float) -> float | None:
    """Half a unit of the last digit written ("$85.95 billion" -> 0.005e9); None when the figure
    is written in words."""
    m = re.search(r"(\d[\d,]*)(?:\.(\d+))?", value_text)
    if not m:
        return None
    scale = next(
        (v for k, v in _SCALE.items() if re.search(rf"\d\s*-?{k}\b", value_text, re.I)), 1.0
    )
    decimals = len(m.group(2) or "")
    return 0.5 * 10 ** (-decimals) * scale


def _grade(claimed: float, data: float, r: float, qualifier: str | None) -> tuple[str, str]:
    """The tolerance table of docs/claims.md, for money levels."""
    v, q = claimed, (qualifier or "").lower()
    a, b = abs(v), abs(data)  # a deficit is graded on its size; its sign is checked apart
    if q in {"about", "around", "roughly", "approximately", "some", "an estimated"}:
        lo, hi = a - max(r, 0.05 * a), a + max(r, 0.05 * a)
    elif q in {"nearly", "almost", "just under", "close to"}:
        lo, hi = 0.90 * a - r, a + r
    elif q in {"over", "more than", "exceeding", "above", "just over"}:
        lo, hi = a - r, 1.15 * a + r
    elif q in {"less than", "under", "below", "up to"}:
        lo, hi = 0.50 * a, a + r
    elif q == "at least":
        lo, hi = a - r, math.inf
    else:
        lo, hi = a - r, a + r
    if (v < 0) != (data < 0):
        return "contradicted", "the sign differs (surplus against deficit)"
    if lo <= b <= hi:
        return "supported", f"{b:.4g} inside {lo:.4g}..{hi:.4g}"
    if abs(b - a) <= 0.10 * b:
        return "approximately", f"{b:.4g} within 10 % of {a:.4g}"
    return "contradicted", f"{b:.4g} outside {lo:.4g}..{hi:.4g}"


def _covered(g: GoldClaim) -> bool:
    return (
        g.kind in {"value", "balance"}
        and g.unit == "USD"
        and g.period in COVERED_YEARS
        and not g.product
        and not g.services
        and not set(g.economies) & _GROUPS
        and len(g.economies) == 2
    )


def _pair_totals(bundle: Path, pairs: set[tuple[str, str]]) -> dict[tuple[str, str, int], float]:
    """Exports exp->imp by year for the pairs asked (both directions), by duckdb over the CSV."""
    import duckdb

    if not pairs:
        return {}
    codes = sorted({c for p in pairs for c in p})
    con = duckdb.connect()
    rows = con.execute(
        "SELECT exp, imp, time, sum(export) FROM read_csv_auto(?) "
        "WHERE exp IN (SELECT unnest(?)) AND imp IN (SELECT unnest(?)) GROUP BY 1, 2, 3",
        [str(bundle / "flows/penppml/trade.csv.gz"), codes, codes],
    ).fetchall()
    return {(e, i, int(t)): float(v) for e, i, t, v in rows}


def gold_verdicts(articles: Iterable[Article], bundle: Path) -> dict[tuple[str, int], GoldVerdict]:
    """Gold verdict of every annotated claim of ``articles`` (by article id and claim index)."""
    arts = list(articles)
    pairs = {tuple(g.economies) for a in arts for g in a.claims if _covered(g)}
    flows = _pair_totals(bundle, pairs)  # type: ignore[arg-type]
    out: dict[tuple[str, int], GoldVerdict] = {}
    for a in arts:
        for i, g in enumerate(a.claims):
            if g.kind == "rank":
                out[(a.id, i)] = GoldVerdict("unscored", None, "ranks are not scored here")
                continue
            if g.kind == "target":
                out[(a.id, i)] = GoldVerdict("not checkable", None, "a goal or forecast")
                continue
            if not _covered(g):
                out[(a.id, i)] = GoldVerdict("no data", None, "not a covered level")
                continue
            x, y = g.economies[0], g.economies[1]
            t = int(g.period or 0)
            ab, ba = flows.get((x, y, t)), flows.get((y, x, t))
            data = {
                "exports": ab,
                "imports": ba,
                "turnover": None if ab is None or ba is None else ab + ba,
                "balance": None if ab is None or ba is None else ab - ba,
            }[g.flow]
            r = half_last_digit(g.value_text, g.value)
            if r is None:  # a figure in words ("nine-point-nine billion"): half a per cent
                r = 0.005 * abs(g.value)
            if data is None:
                out[(a.id, i)] = GoldVerdict("no data", None, "the pair is not in the bundle")
                continue
            verdict, why = _grade(g.value, data, r, g.qualifier)
            out[(a.id, i)] = GoldVerdict(verdict, data, why)
    return out
