"""How close the data must be for a claim to be "supported": its stated precision and qualifier.

A figure is written to some precision ("$15 billion" is 14.5 to 15.5 bn; "$15.3 billion" is 15.25
to 15.35 bn) and often with a hedge ("almost", "over", "about"). Both set the range of data
values that make the claim true as written. The table below is the rule; ``bounds`` applies it and
``QUALIFIER_RULES`` is what docs/claims.md prints.

Let ``v`` be the claimed magnitude (|value|) and ``r`` its rounding, half a unit of the last
written digit ("$24.5 billion" -> r = 0.05 bn; "16 percent" -> r = 0.5 percentage points).
The data's magnitude ``d`` (same sign as the claim: a fall claimed as a fall) supports the
claim when:

- no qualifier: v - r <= d <= v + r (the figure as printed, to its last digit);
- about, around, roughly, approximately, some, an estimated: within max(r, 5 % of v);
- nearly, almost, just under, close to: 0.90 v - r <= d <= v + r (below it, never above);
- over, more than, exceeding, above, just over: v - r <= d <= 1.15 v + r (above it; beyond
  15 % a writer would name a bigger round figure);
- less than, under, below, up to: 0.50 v <= d <= v + r (below it, not a small part of it);
- at least: v - r <= d;
- record: as no qualifier ("record" is about the level, checked as written);
- fractions in words (a third, a quarter, half): within 2 percentage points;
- multiples in words (doubled, tripled): within 10 % of the multiple (x1.8 to x2.2);
- double-digit (a change): 10 <= d < 100 percent (the size of the number, not x2).

docs/claims.md prints the same table.

Outside the supported range, a claim within 10 % of the data (or 2 percentage points for rates and
shares) is "approximately" right; beyond that it is "contradicted". Ranks must be equal; "top N"
holds when the rank is N or better.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from bilat.claims.model import Claim

__all__ = [
    "APPROX_POINTS",
    "APPROX_RELATIVE",
    "QUALIFIER_RULES",
    "Bounds",
    "bounds",
    "near",
    "rounding",
]

#: Beyond the supported range but within this relative gap: "approximately".
APPROX_RELATIVE = 0.10
#: ... or within this many percentage points for growth rates and shares.
APPROX_POINTS = 2.0

_ABOUT = frozenset({"about", "around", "roughly", "approximately", "some", "an estimated"})
_BELOW = frozenset({"nearly", "almost", "just under", "close to"})
_ABOVE = frozenset({"over", "more than", "exceeding", "above", "just over"})
_UNDER = frozenset({"less than", "under", "below", "up to"})
_FRACTION_WORDS = ("third", "half", "quarter", "fifth")

#: qualifier -> the rule in words (the table above, for docs and the "why" of a verdict).
QUALIFIER_RULES: dict[str, str] = {
    **dict.fromkeys(("", "record"), "the figure as printed, to its last digit"),
    **dict.fromkeys(_ABOUT, "within 5 % (or the rounding, if wider)"),
    **dict.fromkeys(_BELOW, "up to 10 % below the figure, never above it"),
    **dict.fromkeys(_ABOVE, "above the figure, by at most 15 %"),
    **dict.fromkeys(_UNDER, "below the figure, by at most half"),
    "at least": "at or above the figure",
    "double-digit": "a change of 10 % to under 100 %",
}


@dataclass(frozen=True)
class Bounds:
    """The data values (in the claim's units and sign) that support a claim, and the rule used."""

    low: float
    high: float
    rule: str

    def contains(self, x: float) -> bool:
        """True when ``x`` is inside [low, high] (with a tiny float margin)."""
        eps = 1e-9 * max(1.0, abs(self.low), abs(self.high))
        return self.low - eps <= x <= self.high + eps


_SCALE_WORDS = (("trillion", 1e12), ("billion", 1e9), ("bn", 1e9), ("million", 1e6), ("mn", 1e6))


def rounding(claim: Claim) -> float:
    """Half the claim's last written digit, in its units ("$15 billion" -> 0.5e9 USD).

    Fractions in words ("a third", "half") are round by nature: 2 percentage points. Numbers in
    words count their written decimals ("eleven-point-two billion" -> 0.05e9).
    """
    if claim.unit in {"rank", "top"}:
        return 0.0
    text = claim.value_text.lower()
    if claim.unit == "%" and any(w in text for w in _FRACTION_WORDS):
        return APPROX_POINTS
    if "-point-" in text:
        decimals = len(text.split("-point-", 1)[1].split()[0].split("-"))
        unit = 1.0
        if claim.unit not in {"%", "x"}:
            unit = next((f for w, f in _SCALE_WORDS if w in text), 1.0)
        return 0.5 * 10 ** (-decimals) * unit
    m = re.search(r"(\d[\d,]*)(?:\.\s?(\d+))?", text)
    if not m:  # "fifty billion dollars", "doubled": the last written digit is a unit of the scale
        if claim.unit == "x":
            return 0.1 * abs(claim.value)  # "doubled": 1.8 to 2.2 times
        if claim.unit == "%":
            return 0.5
        return 0.5 * next((f for w, f in _SCALE_WORDS if w in text), 1.0)
    decimals = len(m.group(2) or "")
    shown = float(m.group(1).replace(",", "") + ("." + m.group(2) if m.group(2) else ""))
    scale = abs(claim.value) / shown if shown and claim.unit not in {"%", "x"} else 1.0
    return 0.5 * 10 ** (-decimals) * scale


def bounds(claim: Claim) -> Bounds:
    """The supported range for a value, change or share claim (not ranks)."""
    q = (claim.approx or "").lower()
    v = abs(claim.value)
    r = rounding(claim)
    sign = -1.0 if claim.value < 0 else 1.0
    rule = QUALIFIER_RULES.get(q, QUALIFIER_RULES[""])
    if q == "double-digit":
        lo, hi = 10.0, 100.0 - 1e-9
    elif q in _ABOUT:
        w = max(r, 0.05 * v)
        lo, hi = v - w, v + w
    elif q in _BELOW:
        lo, hi = 0.90 * v - r, v + r
    elif q in _ABOVE:
        lo, hi = v - r, 1.15 * v + r
    elif q in _UNDER:
        lo, hi = 0.50 * v, v + r
    elif q == "at least":
        lo, hi = v - r, math.inf
    else:
        lo, hi = v - r, v + r
    if sign < 0:
        lo, hi = -hi, -lo
    return Bounds(lo, hi, rule)


def near(claim: Claim, data: float) -> bool:
    """Within the "approximately" band: 10 % of the claim, or 2 points for rates and shares."""
    v = claim.value
    gap = abs(data - v)
    if claim.unit == "%":
        return gap <= APPROX_POINTS or (v != 0 and gap / abs(v) <= APPROX_RELATIVE)
    return v != 0 and gap / abs(v) <= APPROX_RELATIVE
