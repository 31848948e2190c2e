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

import contextlib
import contextvars
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Literal

import pandas as pd

from bilat.claims.cache import cache_for
from bilat.claims.currency import ExchangeRates, convert
from bilat.claims.model import Claim
from bilat.claims.tolerance import APPROX_POINTS, APPROX_RELATIVE, Bounds, bounds, near, rounding
from bilat.errors import BilatError, NoDataError
from bilat.store.session import Data, DataLike, session_of

__all__ = [
    "APPROX_POINTS",
    "APPROX_RELATIVE",
    "VERDICTS",
    "CheckedClaim",
    "Evidence",
    "SideVerdict",
    "Verdict",
    "Verifier",
    "tolerance",
]

Verdict = Literal["supported", "approximately", "contradicted", "not checkable", "no data"]
VERDICTS: tuple[str, ...] = (
    "supported",
    "approximately",
    "contradicted",
    "not checkable",
    "no data",
)


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
    period: str = ""  # the evidence's own period ("2016", "2019 M01+...+M10")
    data_source: str = ""  # the data set ("baci", "penppml", ...)
    release: str = ""  # its release ("202401", "penppml-0.2.4")

    @property
    def cite(self) -> str:
        """'penppml, release penppml-0.2.4, 2016': what a fact-checker cites."""
        parts = [
            p
            for p in (
                self.data_source,
                f"release {self.release}" if self.release else "",
                self.period,
            )
            if p
        ]
        return ", ".join(parts)

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
            "period": self.period,
            "data_source": self.data_source,
            "release": self.release,
        }


@dataclass(frozen=True)
class SideVerdict:
    """The claim checked against one side's report (the exporter's or the importer's)."""

    side: str  # "KOR (exporter)"
    basis: str  # "exporter" | "importer"
    figure: float
    label: str
    verdict: Verdict
    why: str
    cite: str

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-ready dict."""
        return {
            "side": self.side,
            "basis": self.basis,
            "figure": self.figure,
            "label": self.label,
            "verdict": self.verdict,
            "why": self.why,
            "cite": self.cite,
        }


@dataclass(frozen=True)
class CheckedClaim:
    """A claim, its verdict, why, and the evidence (the reading used first)."""

    claim: Claim
    verdict: Verdict
    reason: str
    evidence: tuple[Evidence, ...] = field(default=())
    #: where both sides report the flow: the claim under each side's figure
    sides: tuple[SideVerdict, ...] = field(default=())
    #: how a claim in another currency was put in US dollars ("" when it was in USD)
    conversion: str = ""
    #: for "no data": the nearest covered figures, as context (never as evidence)
    context: str = ""

    @property
    def used(self) -> Evidence | None:
        """The reading the verdict rests on."""
        return self.evidence[0] if self.evidence else None

    @property
    def why(self) -> str:
        """One line a fact-checker can publish: verdict, the figure and its source, the rule."""
        ev = self.used
        cite = f" [{ev.cite}]" if ev is not None and ev.cite else ""
        conv = f"; {self.conversion}" if self.conversion else ""
        return f"{self.verdict}: {self.reason}{cite}{conv}".replace("\n", " ")

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-ready dict: claim slots and spans, verdict, reason, evidence, sides."""
        return {
            **self.claim.to_dict(),
            "verdict": self.verdict,
            "reason": self.reason,
            "why": self.why,
            "evidence": [e.to_dict() for e in self.evidence],
            "sides": [x.to_dict() for x in self.sides],
            "conversion": self.conversion,
            "context": self.context,
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
    return rounding(claim)


def _range_text(b: Bounds, unit: str) -> str:
    if unit == "%":
        return f"{b.low:.2f} to {b.high:.2f} %" if math.isfinite(b.high) else f">= {b.low:.2f} %"
    if unit == "x":
        return f"x{b.low:.2f} to x{b.high:.2f}"
    hi = _label(b.high, unit) if math.isfinite(b.high) else "any higher"
    return f"{_label(b.low, unit)} to {hi}"


def _grade(claim: Claim, data: float, exact: bool) -> tuple[Verdict, str]:
    """Verdict for one reading: the data against the claim's range (``bilat.claims.tolerance``)."""
    v = claim.value
    if claim.unit in {"rank"}:
        verdict: Verdict = "supported" if round(data) == round(v) else "contradicted"
        why = f"the data rank it {_ordinal(int(data))}, the claim {_ordinal(int(v))}"
    elif claim.unit == "top":
        verdict = "supported" if data <= v else "contradicted"
        why = f"the data rank it {_ordinal(int(data))}, the claim says among the top {v:g}"
    else:
        b = bounds(claim)
        ok = b.contains(data)
        verdict = "supported" if ok else ("approximately" if near(claim, data) else "contradicted")
        q = f"'{claim.approx}' " if claim.approx else ""
        why = (
            f"the data give {_label(data, claim.unit)} against {q}{claim.value_label} claimed: "
            f"{'inside' if ok else 'outside'} {_range_text(b, claim.unit)} ({b.rule})"
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


def _nearest_years(available: list[int], year: int) -> list[int]:
    """The covered years closest before and after ``year`` (as bilat.ledger.coverage.nearest,
    without loading ibis for it)."""
    avail = sorted(set(available))
    before = [a for a in avail if a < year][-1:]
    after = [a for a in avail if a > year][:1]
    return before + after


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

    def __init__(self, data: DataLike):
        self.data: Data = session_of(data)
        # the answers of earlier processes for this state of the store (bilat.claims.cache)
        self.disk = cache_for(self.data)
        d = self.disk
        self._flows: dict = d.section("flows") if d else {}  # (a, b, freq, basis) -> frame
        self._ranks: dict = d.section("ranks") if d else {}  # (a, b, year, by, basis) -> frame
        self._meta: dict = d.section("meta") if d else {}  # key -> (data set, release)
        self._rates: ExchangeRates | None = None

    def _remember(self, where: dict, key: tuple[object, ...], value: object) -> None:
        if isinstance(value, BaseException):
            # kept as the message: what the verdict says; pickles without the original's state
            value = NoDataError(str(value))
        where[key] = value
        if self.disk is not None:
            self.disk.dirty = True

    def save(self) -> None:
        """Keep the answers on disk for the next process (no-op without a disk cache)."""
        if self.disk is not None:
            with contextlib.suppress(OSError):  # a read-only cache folder only costs speed
                self.disk.save()

    # --- ledger calls (cached) ----------------------------------------------------------------
    def flows(self, a: str, b: str, frequency: str, basis: str) -> tuple[pd.DataFrame, str]:
        """The ledger's bilateral flows of A with B (all years), with its provenance text."""
        key = self._key(a, b, frequency, basis)
        products = _PRODUCTS.get()
        if key not in self._flows:
            # imported on a miss only: with every answer cached, ibis is never loaded
            from bilat.ledger.flows import bilateral_flows

            try:
                r = bilateral_flows(
                    self.data,
                    a,
                    b,
                    frequency=frequency,  # type: ignore[arg-type]
                    basis=basis,  # type: ignore[arg-type]
                    products=products or None,
                )
                frame = r.table.assign(_source=str(r.provenance))
                self._remember(self._meta, key, (r.provenance.source, r.provenance.release))
                self._remember(self._flows, key, frame)
            except BilatError as e:
                self._remember(self._flows, key, e)
        got = self._flows[key]
        if isinstance(got, Exception):
            raise got
        return got, str(got["_source"].iloc[0]) if len(got) else ""

    @staticmethod
    def _key(a: str, b: str, frequency: str, basis: str) -> tuple[object, ...]:
        """The key of a pair's flows question: with the HS codes of a product claim, if any."""
        products = _PRODUCTS.get()
        return (a, b, frequency, basis, products) if products else (a, b, frequency, basis)

    def rank(self, a: str, b: str, year: int, by: str, basis: str) -> tuple[pd.Series, str]:
        """The ledger's rank row of B among A's partners in ``year``."""
        key = (a, b, year, by, basis)
        if key not in self._ranks:
            from bilat.ledger.ranks import partner_rank

            try:
                r = partner_rank(self.data, a, b, years=year, by=by, basis=basis)  # type: ignore[arg-type]
                self._remember(self._ranks, key, r.table.assign(_source=str(r.provenance)))
                self._remember(self._meta, key, (r.provenance.source, r.provenance.release))
            except BilatError as e:
                self._remember(self._ranks, key, e)
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
        if claim.period and "?" in claim.period:
            return CheckedClaim(
                claim,
                "no data",
                f"the page does not say which year ({claim.period}): give --published, or "
                "check the figure by hand",
            )
        if claim.unit not in {"USD", "%", "x", "rank", "top"}:
            return self._check_converted(claim)
        if claim.product:
            return self._check_product(claim)
        return self._check_flows(claim)

    def _check_product(self, claim: Claim) -> CheckedClaim:
        """A claim about a product ("exports of mineral fuels"): its words resolved to HS codes
        (bilat.reference.products), then checked like a total on the detail that covers those
        codes — or "no data" saying which products and levels the store holds."""
        if claim.kind in {"rank", "share"}:
            return CheckedClaim(
                claim,
                "no data",
                f"ranks and shares of a product ({claim.product!r}) are not checked yet",
            )
        from bilat.reference.products import resolve_products

        try:
            sel = resolve_products(claim.product)  # type: ignore[arg-type]
        except BilatError as e:
            return CheckedClaim(
                claim, "no data", f"the product {claim.product!r} has no one set of HS codes: {e}"
            )
        token = _PRODUCTS.set(tuple(sel.codes))
        try:
            checked = self._check_flows(claim)
        finally:
            _PRODUCTS.reset(token)
        words = f"{claim.product} → HS {', '.join(sel.codes)}"
        return replace(checked, reason=f"{checked.reason} [{words}]")

    def _check_flows(self, claim: Claim) -> CheckedClaim:
        """A value, change, rank or share claim read from the pair's flows."""
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

    def rates(self) -> ExchangeRates:
        """The store's exchange-rate series (WDI PA.NUS.FCRF), read once."""
        if self._rates is None:
            key = ("PA.NUS.FCRF",)
            cached = self.disk.section("rates").get(key) if self.disk else None
            if cached is not None:
                self._rates = ExchangeRates(cached)  # type: ignore[arg-type]
            else:
                self._rates = ExchangeRates.from_data(self.data)
                if self.disk is not None:
                    self._remember(self.disk.section("rates"), key, self._rates.frame)
        return self._rates

    def _check_converted(self, claim: Claim) -> CheckedClaim:
        """A claim in another currency, put in US dollars with the store's exchange rate."""
        conv = convert(claim, self.rates())
        if isinstance(conv, str):
            return CheckedClaim(claim, "no data", f"no data in USD: {conv}")
        usd_claim, note = conv
        checked = self.check(usd_claim)
        return replace(checked, claim=claim, conversion=note)

    def _settle(
        self, claim: Claim, readings: list[tuple[Evidence, float]], missing: str
    ) -> CheckedClaim:
        if not readings:
            return CheckedClaim(claim, "no data", missing)
        graded = []
        for ev, fig in readings:
            verdict, why = _grade(claim, fig, ev.exact)
            graded.append((_RANK[verdict], not ev.primary, ev, verdict, why))
        # best verdict first; on a tie the claim as written (primary, then same flow and year):
        # a "contradicted" never rests on a reading that changed the flow
        graded.sort(key=lambda t: (t[0], t[1], not t[2].exact))
        _, _, best, verdict, why = graded[0]
        if verdict == "contradicted" and not any(g[2].exact for g in graded):
            # only another flow is in the store (one direction of a turnover): that cannot
            # contradict the claim as written
            return CheckedClaim(
                claim,
                "no data",
                f"{missing or 'the flow claimed is not in the store'}; only {best.reading} is "
                f"({best.label}), which is not what the claim is about",
            )
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
            reading = f"{what}{_products_words()}, {when}, {_BASIS_WORDS[basis]}"
            if y != year:
                reading += f" (nearest year in the store to {year})"
            src, rel = self._meta.get(self._key(a, b, freq, basis), ("", ""))
            ev = Evidence(
                reading,
                fig,
                _label(fig, "USD"),
                q,
                source,
                primary=exact and basis == "auto",
                exact=exact,
                period=when,
                data_source=src,
                release=rel,
            )
            readings.append((ev, fig))
        if not readings:
            missing = _missing(a, b, claim.period, freq, missing)
            if context:
                missing = f"{missing}; {context}"
        checked = self._settle(claim, readings, missing)
        if not readings and context:
            checked = replace(checked, context=context)
        if readings and claim.kind in {"value", "balance"}:
            checked = self._with_sides(checked, a, b, measure, year, freq, codes)
        return checked

    def _with_sides(
        self,
        checked: CheckedClaim,
        a: str,
        b: str,
        measure: str,
        year: int,
        freq: str,
        codes: tuple[str, ...],
    ) -> CheckedClaim:
        """Add the claim under each side's report, where the store holds both."""
        claim = checked.claim
        sides: list[SideVerdict] = []
        for basis in ("exporter", "importer"):
            try:
                fig, _ = self._flow_value(a, b, measure, year, freq, codes, basis)
            except BilatError:
                continue
            if fig == 0:
                continue  # no report from that side (the ledger sums nothing to 0)
            if measure in {"exports", "imports"}:
                who = (
                    (a if basis == "exporter" else b)
                    if measure == "exports"
                    else (b if basis == "exporter" else a)
                )
                mirror = (measure == "exports") == (basis == "importer")
                label = f"{who} ({basis}'s report{', mirror' if mirror else ''})"
            else:
                who = "exporters'" if basis == "exporter" else "importers'"
                label = f"the {who} reports"
            verdict, why = _grade(claim, fig, True)
            src, rel = self._meta.get(self._key(a, b, freq, basis), ("", ""))
            when = str(year) if freq == "annual" else f"{year} {'+'.join(codes)}"
            cite = ", ".join(x for x in (src, f"release {rel}" if rel else "", when) if x)
            sides.append(SideVerdict(label, basis, fig, _label(fig, "USD"), verdict, why, cite))
        if len(sides) < 2 or sides[0].figure == sides[1].figure:
            return replace(checked, sides=tuple(sides))
        hi, lo = max(sides, key=lambda x: x.figure), min(sides, key=lambda x: x.figure)
        gap = (hi.figure - lo.figure) / hi.figure * 100 if hi.figure else 0.0
        name = lo.side.split(" (")[0]
        whose = f"{name}'s figure" if len(name) == 3 else f"the figure of {name}"
        both = (
            f"; {sides[0].side}: {sides[0].label}, {sides[0].verdict}; {sides[1].side}: "
            f"{sides[1].label}, {sides[1].verdict} ({whose} is {gap:.0f} % lower: the usual "
            "CIF/FOB and partner-attribution gap between the two reports)"
        )
        return replace(checked, sides=tuple(sides), reason=checked.reason + both)

    def _context(self, a: str, b: str, measure: str, year: int) -> str:
        """'nearest covered years: 2012: 24.57 bn USD, 2016: 15.33 bn USD (penppml …)' when
        the store does not cover ``year`` for the pair; '' when it does."""
        try:
            frame, source = self.flows(a, b, "annual", "auto")
        except BilatError:
            return ""
        have = frame[frame[measure].notna()]
        if year in set(int(y) for y in have.year):
            return ""
        near = _nearest_years([int(y) for y in have.year], year)
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
                f"{measure}{_products_words()} {claim.period} ({_label(v1, 'USD')}) on "
                f"{claim.base} ({_label(v0, 'USD')}), "
                f"{_BASIS_WORDS[basis]}"
            )
            src, rel = self._meta.get(self._key(a, b, freq, basis), ("", ""))
            ev = Evidence(
                reading,
                fig,
                _label(fig, claim.unit),
                q,
                source,
                primary=basis == "auto",
                period=f"{claim.period} on {claim.base}",
                data_source=src,
                release=rel,
            )
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
                src, rel = self._meta.get((a, b, y, by, basis), ("", ""))
                ev = Evidence(
                    reading,
                    fig,
                    label,
                    q,
                    source,
                    primary=(y == year and basis == "auto"),
                    exact=y == year,
                    period=str(y),
                    data_source=src,
                    release=rel,
                )
                readings.append((ev, fig))
        if not readings:
            missing = f"no annual data to rank {b} among {a}'s partners in {year} ({missing})"
        return self._settle(claim, readings, missing)

    # (the claim's period is the only one checked: see _check_value)


#: The HS codes a product claim is being checked on (empty for totals): the flows questions of
#: one check read them, so the cached answers of totals and of products never mix.
_PRODUCTS: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar(
    "bilat_claim_products", default=()
)


def _products_words() -> str:
    codes = _PRODUCTS.get()
    return f" of HS {', '.join(codes)}" if codes else ""


def verifier_for(data: DataLike) -> Verifier:
    """The Verifier of ``data``'s session, kept for the store's current state: checking several
    articles about the same pair reuses its answers, and a change to the store (``bilat data
    add`` in another process, while ``bilat serve`` runs) starts a new one."""
    session = session_of(data)
    return session.remember(("claims.verifier",), lambda: Verifier(session))


def check_claims(
    claims: tuple[Claim, ...],
    data: DataLike | None,
    progress: Callable[[Claim], None] | None = None,
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
    v.save()
    return tuple(out)
