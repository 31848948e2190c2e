"""A's exports to B, imports from B, turnover and balance, per year or sub-year period (USD).

A's exports to B are flows from a member of A to a member of B that is not itself in A;
imports likewise the other way, so a group's internal trade never counts as trade with B.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import ibis.expr.types as ir
import numpy as np
import pandas as pd

from bilat.errors import InputError, NoDataError
from bilat.ledger import economies
from bilat.ledger._data import (
    Basis,
    SourceChoice,
    check_basis,
    choose_source,
    economy_table,
    null_float,
    pair_rows,
    report_kind,
    run_for,
    source_rows,
    table_key,
    totals_table,
    trade_of,
)
from bilat.ledger.economies import Economy
from bilat.ledger.results import LedgerResult

Frequency = Literal["annual", "half", "quarter", "month"]
FREQUENCIES = ("annual", "half", "quarter", "month")
_LEVEL = {"A": 0, "H": 1, "Q": 2, "M": 3}
_UNITS_PER_YEAR = {0: 1, 1: 2, 2: 4, 3: 12}
# The six ways one direction's value can be reported: (direction, basis).
REPORTS = tuple(f"{d}_{b}" for d in ("ab", "ba") for b in ("exporter", "importer", "reconciled"))


def directed(t: ir.Table, a: Economy, b: Economy) -> tuple[ir.BooleanValue, ir.BooleanValue]:
    """Predicates for A→B and B→A rows, intra-A flows excluded."""
    a_exp, a_imp = a.contains(t.exporter, t.year), a.contains(t.importer, t.year)
    b_exp, b_imp = b.contains(t.exporter, t.year), b.contains(t.importer, t.year)
    return a_exp & b_imp & ~a_imp, b_exp & a_imp & ~a_exp


def report_sums(
    t: ir.Table,
    ab: ir.BooleanValue,
    ba: ir.BooleanValue,
    reported_by: tuple[str, ...] = ("exporter", "importer", "reconciled"),
) -> dict[str, ir.FloatingScalar]:
    """Sum of value_usd for each (direction, reporting side): NULL where nobody reported.

    ``reported_by``: the sides the source has (its SourceChoice's); the others are NULL
    without being summed, which spares the query their conditions.
    """
    # a source with reconciled rows only (BACI) needs no test of the side
    only_reconciled = reported_by == ("reconciled",)
    out = {}
    for direction, cond in (("ab", ab), ("ba", ba)):
        for basis in ("exporter", "importer", "reconciled"):
            if basis not in reported_by:
                out[f"{direction}_{basis}"] = null_float()
                continue
            keep = cond if only_reconciled else cond & report_kind(t, basis)
            out[f"{direction}_{basis}"] = keep.ifelse(t.value_usd, null_float()).sum()
    return out


def pair_sums(
    rows: ir.Table,
    a: Economy,
    b: Economy,
    choice: SourceChoice,
    years: tuple[int, ...] | None,
) -> tuple[ir.Table, dict[str, ir.FloatingScalar]]:
    """The A→B and B→A rows among ``rows`` (in ``years``; flows within A left out) and the
    report sums to aggregate them by."""
    if years:
        rows = rows.filter(rows.year.isin(list(years)))
    ab, ba = directed(rows, a, b)
    rows = rows.filter(ab | ba)
    ab, ba = directed(rows, a, b)
    return rows, report_sums(rows, ab, ba, choice.reported_by)


def _split_period(period: str) -> tuple[int, int]:
    """('M07') -> (3, 7); ('A') -> (0, 1)."""
    if period == "A":
        return 0, 1
    return _LEVEL[period[0]], int(period[1:])


def _target_key(level: int, index: int, target: int) -> str:
    """The period code at level ``target`` that sub-period (level, index) falls in."""
    if target == 0:
        return "A"
    k = (index - 1) // (_UNITS_PER_YEAR[level] // _UNITS_PER_YEAR[target]) + 1
    return f"M{k:02d}" if target == 3 else f"{'HQ'[target - 1]}{k}"


def annual_only(frame: pd.DataFrame) -> bool:
    """True when every row is a whole year (period ``A``): nothing to roll up."""
    return bool((frame.period == "A").all())


def rollup(
    frame: pd.DataFrame,
    frequency: str,
    value_cols: list[str],
    keys: tuple[str, ...] = (),
    grouped: bool = False,
) -> pd.DataFrame:
    """Per-period sums rolled up to ``frequency``, from the coarsest level each year has.

    Adds ``parts`` (sub-periods summed) and ``complete`` (all sub-periods present).
    ``grouped``: the frame has one row per (year, period, keys) already, in that order (a
    query's GROUP BY and ORDER BY).
    """
    target = FREQUENCIES.index(frequency)
    if frame.empty:
        return frame.assign(parts=pd.Series(dtype=int), complete=pd.Series(dtype=bool))
    by = ["year", "period", *keys]
    if target == 0 and (frame.period == "A").all():
        # annual data asked annually (the common case): nothing to roll up
        if grouped:
            return frame.assign(parts=1, complete=True)
        out = frame.groupby(by, as_index=False)[value_cols].sum(min_count=1)
        return out.assign(parts=1, complete=True).sort_values(by).reset_index(drop=True)
    split = [_split_period(p) for p in frame.period]
    frame = frame.assign(lvl=[p[0] for p in split], idx=[p[1] for p in split])
    frame = frame[frame.lvl >= target]
    # Each year: the coarsest level at or finer than the target (annual rows beat summed months).
    coarsest = frame.groupby(["year", *keys])["lvl"].transform("min")
    frame = frame[frame.lvl == coarsest]
    frame = frame.assign(
        period=[_target_key(lv, ix, target) for lv, ix in zip(frame.lvl, frame.idx, strict=True)]
    )
    grouped = frame.groupby(by, as_index=False)
    out = grouped[value_cols].sum(min_count=1)
    sizes = grouped.agg(parts=("lvl", "size"), lvl=("lvl", "first"))
    out = out.merge(sizes, on=by)
    expected = out.lvl.map(_UNITS_PER_YEAR) // _UNITS_PER_YEAR[target]
    out["complete"] = out.parts >= expected
    return out.drop(columns="lvl").sort_values(by).reset_index(drop=True)


def pick_basis(
    frame: pd.DataFrame, basis: str, has_reconciled: bool, keys: tuple[str, ...] = ()
) -> tuple[pd.DataFrame, str]:
    """exports/imports columns from the six report sums, per ``basis``; returns the basis used.

    ``auto``: reconciled figures where the source has them; otherwise A's own report
    (its exports as it declares them, its imports as it declares them), the partner's
    mirror report beside it, and the mirror used where A reported nothing.
    """
    if basis == "auto" and has_reconciled:
        basis = "reconciled"
    if basis in ("reconciled", "exporter", "importer"):
        cols = {c: frame[c] for c in ("year", "period", *keys)}
        cols |= {"exports": frame[f"ab_{basis}"], "imports": frame[f"ba_{basis}"]}
        return pd.DataFrame(cols), basis
    out = frame[["year", "period", *keys]].copy()
    own_x, mirror_x = frame.ab_exporter, frame.ab_importer
    own_m, mirror_m = frame.ba_importer, frame.ba_exporter
    out["exports"] = own_x.fillna(mirror_x)
    out["imports"] = own_m.fillna(mirror_m)
    out["exports_mirror"] = mirror_x
    out["imports_mirror"] = mirror_m
    out["exports_reported_by"] = np.where(own_x.notna(), "A", np.where(mirror_x.notna(), "B", ""))
    out["imports_reported_by"] = np.where(own_m.notna(), "A", np.where(mirror_m.notna(), "B", ""))
    return out, "A's own report (B's mirror beside it; used where A reported nothing)"


@dataclass(frozen=True, repr=False)
class FlowsResult(LedgerResult):
    """Exports, imports, turnover and balance of A with B by period (USD)."""

    a: Economy | None = None
    b: Economy | None = None
    basis: str = ""

    def series(self, measure: str = "turnover") -> pd.Series:
        """One measure as a Series indexed by (year, period)."""
        return self.table.set_index(["year", "period"])[measure]

    def value(self, year: int, measure: str = "turnover", period: str = "A") -> float:
        """One figure in USD; NoDataError when the year or period is not in the result."""
        hit = self.table[(self.table.year == year) & (self.table.period == period)]
        if hit.empty or pd.isna(hit[measure].iloc[0]):
            raise NoDataError(f"no {measure} for {self.a}–{self.b} in {year} {period}")
        return float(hit[measure].iloc[0])


def bilateral_flows(
    data: object,
    a: str | Economy,
    b: str | Economy,
    *,
    years: tuple[int, ...] | list[int] | range | None = None,
    frequency: Frequency = "annual",
    basis: Basis = "auto",
    source: str | None = None,
) -> FlowsResult:
    """A's exports to B, imports from B, turnover (exports + imports) and balance, in USD."""
    check_basis(basis)
    if frequency not in FREQUENCIES:
        raise InputError(f"frequency {frequency!r} is not one of {', '.join(FREQUENCIES)}")
    ea, eb = economies.pair(a, b)
    t, et = totals_table(data), economy_table(data)
    yrs = tuple(years) if years is not None else None
    choice = choose_source(t, (ea, eb), source=source, years=yrs, economy=et)
    table, used = _flows_frame(t, ea, eb, choice, yrs, frequency, basis, et)
    if table.empty:
        raise NoDataError(f"no flows between {ea.code} and {eb.code} in {choice.source}")
    notes = [choice.why]
    if not table.complete.all():
        notes.append("some periods are incomplete (not every sub-period reported): see 'complete'")
    if choice.detail == "products":
        notes.append("totals are sums of the product detail this source holds")
    return FlowsResult(
        title=f"Trade of {ea} with {eb} (USD)",
        table=table,
        provenance=replace(
            choice.provenance(used, tuple(notes)), years=tuple(sorted(set(table.year)))
        ),
        formula="turnover = exports + imports; balance = exports − imports",
        a=ea,
        b=eb,
        basis=used,
    )


def _flows_frame(
    t: ir.Table,
    ea: Economy,
    eb: Economy,
    choice: SourceChoice,
    years: tuple[int, ...] | None,
    frequency: str,
    basis: str,
    economy: ir.Table | None = None,
) -> tuple[pd.DataFrame, str]:
    """Build, run once, and finish the flows table for a chosen source (from ``economy``, a
    store's economy_totals, when given: one look-up instead of two)."""

    def build(pair: tuple[Economy, ...]) -> ir.Table:
        a, b = pair
        rows = pair_rows(t, a, b) if economy is None else trade_of(economy, a, b)
        rows, sums = pair_sums(source_rows(rows, choice), a, b, choice, years)
        return rows.group_by(["year", "period"]).aggregate(**sums).order_by(["year", "period"])

    raw = run_for((ea, eb), ("flows", table_key(t, economy), choice.sql_key, years), build)
    raw["year"] = raw.year.astype(int)
    rolled = rollup(raw, frequency, list(REPORTS), grouped=True)
    picked, used = pick_basis(rolled, basis, "reconciled" in choice.reported_by)
    picked["turnover"] = picked.exports.fillna(0) + picked.imports.fillna(0)
    picked.loc[picked.exports.isna() & picked.imports.isna(), "turnover"] = np.nan
    picked["balance"] = picked.exports - picked.imports
    picked["complete"] = rolled.complete.to_numpy()
    return picked.reset_index(drop=True), used
