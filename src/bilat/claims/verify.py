"""Check extracted claims against the store through the ledger, trying the reasonable readings.

A claim is read first as written (its flow, its period, the store's default basis). When that does
not settle it, the other readings an honest checker would allow are tried: either side's report
(exporter's or importer's) and, for "trade" figures, one direction rather than turnover. Only
data that cover the claim's own period count: a claim about a year the store does not cover is
"no data", with the nearest covered years' figures as context — never a verdict on another
year. Every reading tried is kept as evidence; the verdict comes from the best one, and readings
that change what was claimed (another flow) can make a claim at most "approximately" right.
"""

from __future__ import annotations

import math
import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from bilat.claims.model import Claim
from bilat.errors import BilatError, NoDataError

__all__ = ["VERDICTS", "CheckedClaim", "Evidence", "Verdict", "Verifier", "tolerance"]

Verdict = Literal["supported", "approximately", "contradicted", "not checkable", "no data"]
VERDICTS: tuple[str, ...] = (
    "supported",
    "approximately",
    "contradicted",
    "not checkable",
    "no data",
)

# Beyond this relative gap a figure is wrong, not rounded: 10 % of the claim.
APPROX_RELATIVE = 0.10
# Beyond this many percentage points a growth rate or share is wrong.
APPROX_POINTS = 2.0

_BASES = ("auto", "exporter", "importer")
_BASIS_WORDS = {
    "auto": "the store's default (reconciled, else the importer's report, else the exporter's)",
    "exporter": "as the exporting side reports it",
    "importer": "as the importing side reports it (mirror)",
}


@dataclass(frozen=True)
class Evidence:
    """One reading of a claim and what the data say under it."""

    reading: str
    figure: float | None
    label: str
    query: str
    source: str = ""
    primary: bool = False
    exact: bool = True  # False when the reading changed the year or the flow

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-ready dict."""
        return {
            "reading": self.reading,
            "figure": self.figure,
            "label": self.label,
            "query": self.query,
            "source": self.source,
            "primary": self.primary,
            "exact": self.exact,
        }


@dataclass(frozen=True)
class CheckedClaim:
    """A claim, its verdict, why, and the evidence (the reading used first)."""

    claim: Claim
    verdict: Verdict
    reason: str
    evidence: tuple[Evidence, ...] = field(default=())

    @property
    def used(self) -> Evidence | None:
        """The reading the verdict rests on."""
        return self.evidence[0] if self.evidence else None

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-ready dict: claim slots and spans, verdict, reason, evidence."""
        return {
            **self.claim.to_dict(),
            "verdict": self.verdict,
            "reason": self.reason,
            "evidence": [e.to_dict() for e in self.evidence],
        }


def _label(value: float | None, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if unit == "USD":
        for scale, word in ((1e12, "tn"), (1e9, "bn"), (1e6, "mn")):
            if abs(value) >= scale:
                return f"{value / scale:.2f} bn USD".replace("bn", word)
        return f"{value:,.0f} USD"
    if unit == "%":
        return f"{value:+.1f} %" if value < 0 else f"{value:.1f} %"
    if unit == "x":
        return f"x{value:.2f}"
    if unit in {"rank", "top"}:
        return _ordinal(int(value))
    return f"{value:g} {unit}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def tolerance(claim: Claim) -> float:
    """Half the claim's last written digit, in its units ("$15 billion" -> 0.5e9 USD)."""
    m = re.search(r"(\d[\d,]*)(?:\.(\d+))?", claim.value_text)
    if not m or claim.unit in {"rank", "top"}:
        return 0.0
    decimals = len(m.group(2) or "")
    shown = float(m.group(0).replace(",", ""))
    scale = abs(claim.value) / shown if shown else 1.0
    if claim.unit == "%" and any(
        w in claim.value_text.lower() for w in ("third", "half", "quarter", "fifth")
    ):
        return 2.0  # "a third", "half": round fractions, a couple of points either way
    return 0.5 * 10 ** (-decimals) * (scale if claim.unit not in {"%", "x"} else 1.0)


def _grade(claim: Claim, data: float, exact: bool) -> tuple[Verdict, str]:
    """Verdict for one reading: the gap against the claim's rounding and its qualifier."""
    v = claim.value
    tol = tolerance(claim)
    q = claim.approx or ""
    gap = data - v
    points = claim.unit in {"%"}
    rel = abs(gap) / abs(v) if v else math.inf
    if claim.unit in {"rank"}:
        verdict: Verdict = "supported" if round(data) == round(v) else "contradicted"
        why = f"the data rank it {_ordinal(int(data))}, the claim {_ordinal(int(v))}"
    elif claim.unit == "top":
        verdict = "supported" if data <= v else "contradicted"
        why = f"the data rank it {_ordinal(int(data))}, the claim says among the top {v:g}"
    else:
        if q in {"more than", "over", "exceeding", "just over"}:
            ok = data >= v - tol and data <= v * 1.15 + tol
        elif q in {"almost", "nearly", "just under", "less than", "up to", "close to"}:
            ok = v * 0.9 - tol <= data <= v + tol
        elif q:
            ok = abs(gap) <= max(tol, 0.05 * abs(v))
        else:
            ok = abs(gap) <= tol + 1e-9 * max(1.0, abs(v))
        near = (
            (abs(gap) <= APPROX_POINTS or rel <= APPROX_RELATIVE)
            if points
            else rel <= APPROX_RELATIVE
        )
        verdict = "supported" if ok else ("approximately" if near else "contradicted")
        unit = claim.unit
        tol_text = f"{tol:g} pp" if unit == "%" else _label(tol, unit)
        why = (
            f"the data give {_label(data, unit)} against {claim.value_label} claimed "
            f"({'within' if ok else 'outside'} the claim's rounding of ±{tol_text})"
        )
    if verdict == "supported" and not exact:
        verdict = "approximately"
        why += "; only under a reading that changes the year or the flow"
    return verdict, why


_RANK = {"supported": 0, "approximately": 1, "contradicted": 2}


def _period_parts(period: str | None) -> tuple[int, str, tuple[str, ...]] | None:
    """(year, ledger frequency, period codes to sum) for a claim period."""
    if not period:
        return None
    if re.fullmatch(r"\d{4}", period):
        return int(period), "annual", ("A",)
    m = re.fullmatch(r"(\d{4})-H([12])", period)
    if m:
        return int(m[1]), "half", (f"H{m[2]}",)
    m = re.fullmatch(r"(\d{4})-Q([1-4])", period)
    if m:
        return int(m[1]), "quarter", (f"Q{m[2]}",)
    m = re.fullmatch(r"(\d{4})-(\d\d)", period)
    if m:
        return int(m[1]), "month", (f"M{m[2]}",)
    m = re.fullmatch(r"(\d{4})-(\d\d)/(\d{4})-(\d\d)", period)
    if m and m[1] == m[3]:
        return int(m[1]), "month", tuple(f"M{k:02d}" for k in range(int(m[2]), int(m[4]) + 1))
    return None


_GRANULARITY = {"annual": "annual", "half": "half-year", "quarter": "quarterly", "month": "monthly"}


def _missing(a: str, b: str, period: str | None, freq: str, detail: str) -> str:
    """Why a figure could not be read: the granularity or the period is not in the store."""
    msg = f"no {_GRANULARITY[freq]} data for {a}-{b} in {period} in the store"
    return f"{msg} ({detail})" if detail and freq == "annual" else msg


_MEASURE = {
    "exports": "exports",
    "imports": "imports",
    "turnover": "turnover",
    "balance": "balance",
}


class Verifier:
    """Checks claims against one store (or flows table); caches ledger results per question."""

    def __init__(self, data: object):
        self.data = data
        self._flows: dict[tuple[str, str, str, str], pd.DataFrame | Exception] = {}
        self._ranks: dict[tuple[str, str, int, str, str], pd.DataFrame | Exception] = {}

    # --- ledger calls (cached) ----------------------------------------------------------------
    def flows(self, a: str, b: str, frequency: str, basis: str) -> tuple[pd.DataFrame, str]:
        """The ledger's bilateral flows of A with B (all years), with its provenance text."""
        from bilat.ledger.flows import bilateral_flows

        key = (a, b, frequency, basis)
        if key not in self._flows:
            try:
                r = bilateral_flows(self.data, a, b, frequency=frequency, basis=basis)  # type: ignore[arg-type]
                frame = r.table.assign(_source=str(r.provenance))
                self._flows[key] = frame
            except BilatError as e:
                self._flows[key] = e
        got = self._flows[key]
        if isinstance(got, Exception):
            raise got
        return got, str(got["_source"].iloc[0]) if len(got) else ""

    def rank(self, a: str, b: str, year: int, by: str, basis: str) -> tuple[pd.Series, str]:
        """The ledger's rank row of B among A's partners in ``year``."""
        from bilat.ledger.ranks import partner_rank

        key = (a, b, year, by, basis)
        if key not in self._ranks:
            try:
                r = partner_rank(self.data, a, b, years=year, by=by, basis=basis)  # type: ignore[arg-type]
                self._ranks[key] = r.table.assign(_source=str(r.provenance))
            except BilatError as e:
                self._ranks[key] = e
        got = self._ranks[key]
        if isinstance(got, Exception):
            raise got
        row = got[got.year == year]
        if row.empty:
            raise NoDataError(f"no rank of {b} among {a}'s partners in {year}")
        return row.iloc[0], str(row["_source"].iloc[0])

    # --- readings ---------------------------------------------------------------------------------
    def _flow_value(
        self, a: str, b: str, measure: str, year: int, freq: str, codes: tuple[str, ...], basis: str
    ) -> tuple[float, str]:
        frame, source = self.flows(a, b, freq, basis)
        hit = frame[(frame.year == year) & (frame.period.isin(codes))]
        if len(hit) < len(codes) or hit[measure].isna().any():
            raise NoDataError(f"no {measure} of {a} with {b} for {year} {'+'.join(codes)}")
        return float(hit[measure].sum()), source

    def _years_available(self, a: str, b: str) -> list[int]:
        try:
            frame, _ = self.flows(a, b, "annual", "auto")
        except BilatError:
            return []
        return sorted(int(y) for y in frame.year.unique())

    def check(self, claim: Claim) -> CheckedClaim:
        """The verdict on one claim with its evidence."""
        if claim.kind == "target":
            return CheckedClaim(
                claim, "not checkable", "a target or forecast: the data cannot say yet"
            )
        if claim.unit not in {"USD", "%", "x", "rank", "top"}:
            return CheckedClaim(
                claim,
                "no data",
                f"the claim is in {claim.unit}; the store holds current US dollars and no "
                "exchange rates",
            )
        if claim.product:
            return CheckedClaim(
                claim,
                "no data",
                f"product-level figures ({claim.product!r}) are not checked yet: only totals "
                "of all goods",
            )
        parts = _period_parts(claim.period)
        if parts is None:
            return CheckedClaim(
                claim, "no data", f"the period {claim.period!r} is not one the store can hold"
            )
        a, b = claim.economies[0], claim.economies[1]
        try:
            if claim.kind in {"rank", "share"}:
                return self._check_rank_share(claim, a, b, parts)
            if claim.kind == "change":
                return self._check_change(claim, a, b, parts)
            return self._check_value(claim, a, b, parts)
        except BilatError as e:  # unknown economy, bad input to the ledger
            return CheckedClaim(claim, "no data", str(e))

    def _settle(
        self, claim: Claim, readings: list[tuple[Evidence, float]], missing: str
    ) -> CheckedClaim:
        if not readings:
            return CheckedClaim(claim, "no data", missing)
        graded = []
        for ev, fig in readings:
            verdict, why = _grade(claim, fig, ev.exact)
            graded.append((_RANK[verdict], not ev.primary, ev, verdict, why))
        graded.sort(key=lambda t: (t[0], t[1]))
        _, _, best, verdict, why = graded[0]
        primary = next((g for g in graded if g[2].primary), None)
        if primary is not None and primary[2] is not best:
            why += f"; read as {best.reading}"
        evidence = (best, *[g[2] for g in graded if g[2] is not best])
        return CheckedClaim(claim, verdict, why, evidence)  # type: ignore[arg-type]

    def _check_value(
        self, claim: Claim, a: str, b: str, parts: tuple[int, str, tuple[str, ...]]
    ) -> CheckedClaim:
        year, freq, codes = parts
        measure = _MEASURE[claim.flow]
        readings: list[tuple[Evidence, float]] = []
        missing = ""
        # only the claim's own period: a figure of another year is context, never evidence
        years = [year]
        context = self._context(a, b, measure, year) if freq == "annual" else ""
        alt_measures = [measure]
        if claim.flow == "turnover" and claim.kind == "value":
            alt_measures += ["exports", "imports"]
        for y, m, basis in [(y, m, b) for y in years for m in alt_measures for b in _BASES]:
            if readings and _grade(claim, readings[0][1], readings[0][0].exact)[0] == "supported":
                break  # the claim as written holds: no need for other readings
            q = (
                f"bilat.ledger.flows.bilateral_flows(data, {a!r}, {b!r}, "
                f"frequency={freq!r}, basis={basis!r}) -> {m}, {y} {'+'.join(codes)}"
            )
            try:
                fig, source = self._flow_value(a, b, m, y, freq, codes, basis)
            except BilatError as e:
                missing = missing or str(e)
                if basis == "auto" and freq != "annual":
                    break  # the store has no sub-annual data for the pair at all
                continue
            exact = y == year and m == measure
            what = (
                m
                if m == measure
                else f"{m} of {a} to {b}"
                if m == "exports"
                else f"{m} of {a} from {b}"
            )
            when = str(y) if freq == "annual" else f"{y} {'+'.join(codes)}"
            reading = f"{what}, {when}, {_BASIS_WORDS[basis]}"
            if y != year:
                reading += f" (nearest year in the store to {year})"
            ev = Evidence(
                reading,
                fig,
                _label(fig, "USD"),
                q,
                source,
                primary=exact and basis == "auto",
                exact=exact,
            )
            readings.append((ev, fig))
        if not readings:
            missing = _missing(a, b, claim.period, freq, missing)
            if context:
                missing = f"{missing}; {context}"
        return self._settle(claim, readings, missing)

    def _context(self, a: str, b: str, measure: str, year: int) -> str:
        """'nearest covered years: 2012: 24.57 bn USD, 2016: 15.33 bn USD (penppml …)' when
        the store does not cover ``year`` for the pair; '' when it does."""
        from bilat.ledger.coverage import nearest

        try:
            frame, source = self.flows(a, b, "annual", "auto")
        except BilatError:
            return ""
        have = frame[frame[measure].notna()]
        if year in set(int(y) for y in have.year):
            return ""
        near = nearest([int(y) for y in have.year], [year])
        if not near:
            return ""
        figures = ", ".join(
            f"{y}: {_label(float(have[have.year == y][measure].iloc[0]), 'USD')}" for y in near
        )
        return f"not covered for {year}; nearest covered years ({measure}): {figures} ({source})"

    def _check_change(
        self, claim: Claim, a: str, b: str, parts: tuple[int, str, tuple[str, ...]]
    ) -> CheckedClaim:
        year, freq, codes = parts
        base = _period_parts(claim.base) if claim.base else None
        if base is None:
            return CheckedClaim(claim, "no data", "no comparison period for the change")
        byear, bfreq, bcodes = base
        measure = _MEASURE[claim.flow]
        readings: list[tuple[Evidence, float]] = []
        missing = ""
        for basis in _BASES:
            if readings and _grade(claim, readings[0][1], True)[0] == "supported":
                break
            try:
                v1, source = self._flow_value(a, b, measure, year, freq, codes, basis)
                v0, _ = self._flow_value(a, b, measure, byear, bfreq, bcodes, basis)
            except BilatError as e:
                missing = missing or str(e)
                if basis == "auto":
                    break  # not in the store under its default basis: no other tries
                continue
            if v0 <= 0:
                continue
            fig = (v1 / v0 - 1) * 100 if claim.unit == "%" else v1 / v0
            q = (
                f"bilat.ledger.flows.bilateral_flows(data, {a!r}, {b!r}, frequency={freq!r}, "
                f"basis={basis!r}) -> {measure} {claim.period} / {claim.base}"
            )
            reading = (
                f"{measure} {claim.period} ({_label(v1, 'USD')}) on "
                f"{claim.base} ({_label(v0, 'USD')}), "
                f"{_BASIS_WORDS[basis]}"
            )
            ev = Evidence(reading, fig, _label(fig, claim.unit), q, source, primary=basis == "auto")
            readings.append((ev, fig))
        if not readings:
            missing = (
                f"{_missing(a, b, claim.period, freq, missing)}; a change needs both "
                f"{claim.period} and {claim.base} and is not checked against other years"
            )
        return self._settle(claim, readings, missing)

    def _check_rank_share(
        self, claim: Claim, a: str, b: str, parts: tuple[int, str, tuple[str, ...]]
    ) -> CheckedClaim:
        year, freq, _ = parts
        if freq != "annual":
            return CheckedClaim(
                claim, "no data", "ranks and shares are checked on annual data only"
            )
        by = {"exports": "exports", "imports": "imports"}.get(claim.flow, "turnover")
        readings: list[tuple[Evidence, float]] = []
        missing = ""
        years = [year]  # the claim's own year only: ranks of other years are not evidence
        for y in years:
            for basis in _BASES:
                if (
                    readings
                    and _grade(claim, readings[0][1], readings[0][0].exact)[0] == "supported"
                ):
                    break
                try:
                    row, source = self.rank(a, b, y, by, basis)
                except BilatError as e:
                    missing = missing or str(e)
                    continue
                if claim.kind == "rank":
                    fig = float(row["rank"])
                    value = _label(float(row["value"]), "USD")
                    label = f"{_ordinal(int(fig))} of {int(row['partners'])} partners ({value})"
                else:
                    fig = float(row["share"]) * 100
                    label = f"{fig:.1f} % of {_label(float(row['total']), 'USD')}"
                q = (
                    f"bilat.ledger.ranks.partner_rank(data, {a!r}, {b!r}, years={y}, by={by!r}, "
                    f"basis={basis!r})"
                )
                reading = f"{b} among {a}'s country partners by {by}, {y}, {_BASIS_WORDS[basis]}"
                if y != year:
                    reading += f" (nearest year in the store to {year})"
                ev = Evidence(
                    reading,
                    fig,
                    label,
                    q,
                    source,
                    primary=(y == year and basis == "auto"),
                    exact=y == year,
                )
                readings.append((ev, fig))
        if not readings:
            missing = f"no annual data to rank {b} among {a}'s partners in {year} ({missing})"
        return self._settle(claim, readings, missing)

    # (the claim's period is the only one checked: see _check_value)


# Verifiers (and their cached ledger results) for the last few data objects checked against, so
# that checking several articles about the same pair in one session reuses the queries.
_VERIFIERS: OrderedDict[int, tuple[object, Verifier]] = OrderedDict()
_MAX_VERIFIERS = 4


def verifier_for(data: object) -> Verifier:
    """A Verifier for ``data``, reused while the same object is checked against."""
    key = id(data)
    hit = _VERIFIERS.get(key)
    if hit is not None and hit[0] is data:
        _VERIFIERS.move_to_end(key)
        return hit[1]
    v = Verifier(data)
    _VERIFIERS[key] = (data, v)  # the strong reference keeps id(data) from being reused
    while len(_VERIFIERS) > _MAX_VERIFIERS:
        _VERIFIERS.popitem(last=False)
    return v


def check_claims(
    claims: tuple[Claim, ...], data: object | None, progress: Callable[[Claim], None] | None = None
) -> tuple[CheckedClaim, ...]:
    """Verdicts for claims; without data every checkable claim is 'no data'."""
    if data is None:
        return tuple(
            CheckedClaim(c, "not checkable", "a target or forecast: the data cannot say yet")
            if c.kind == "target"
            else CheckedClaim(
                c, "no data", "no flows to check against: add data with `bilat data add`"
            )
            for c in claims
        )
    v = verifier_for(data)
    out = []
    for c in claims:
        if progress:
            progress(c)
        out.append(v.check(c))
    return tuple(out)
