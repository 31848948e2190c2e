"""A's exports to B, imports from B, turnover and balance, per year or sub-year period (USD).

A's exports to B are flows from a member of A to a member of B that is not itself in A;
imports likewise the other way, so a group's internal trade never counts as trade with B.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import ibis.expr.types as ir
import numpy as np
import pandas as pd

from bilat.errors import InputError, NoDataError, NotCoveredError
from bilat.ledger import coverage, economies
from bilat.ledger._data import (
    SourceChoice,
    check_basis,
    choose_source,
    economy_table,
    normalise_products,
    null_float,
    pair_rows,
    product_filter,
    product_tables,
    report_kind,
    run_for,
    source_rows,
    table_key,
    totals_table,
    trade_of,
    usd_sum,
)
from bilat.ledger.economies import Economy
from bilat.ledger.flows_direct import AUTO_RULE
from bilat.ledger.flows_direct import reported as _reported
from bilat.ledger.flows_result import FlowsResult
from bilat.ledger.vocabulary import FREQUENCIES, Basis, Frequency
from bilat.store.session import Data, DataLike, session_of

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
            out[f"{direction}_{basis}"] = usd_sum(keep.ifelse(t.value_usd, null_float()))
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


def importer_reports(
    sc: coverage.Scopes, source: str, years: Iterable[int], importers: Economy | Iterable[str]
) -> np.ndarray:
    """Per row: does the importer (an Economy, or a code per row) declare its imports in the
    source that year? Decides, in ``pick_basis``, between the importer's report (a product it
    did not list is 0) and the exporter's (mirror) for a whole reporter, never product by
    product — so sums at any level agree."""
    year = np.asarray(list(years), dtype=int)
    codes = None if isinstance(importers, Economy) else pd.Series(list(importers))
    out = np.zeros(len(year), dtype=bool)
    for y in np.unique(year):  # one look-up per year, not per row
        scope = sc.get((source, int(y)))
        if scope is None or "importer" not in scope.reported_by:
            continue
        rows = year == y
        if codes is not None:
            out[rows] = codes[rows].isin(scope.reporters).to_numpy()
        else:
            members = importers.members(int(y)) or importers.all_members  # type: ignore[union-attr]
            out[rows] = bool(members) and members <= scope.reporters
    return out


def pick_basis(
    frame: pd.DataFrame,
    basis: str,
    has_reconciled: bool,
    keys: tuple[str, ...] = (),
    reports: tuple[np.ndarray, np.ndarray] | None = None,
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
    # auto without reconciled data: each flow as its importer declared it (customs record
    # imports for duty, CIF), the exporter's declaration where the importer reported nothing —
    # one rule for both directions, so (A, B) and (B, A) give the same turnover
    out = frame[["year", "period", *keys]].copy()
    imp_x, exp_x = frame.ab_importer, frame.ab_exporter
    imp_m, exp_m = frame.ba_importer, frame.ba_exporter
    if reports is not None:
        # ``reports``: per row, whether B (for exports) and A (for imports) declare imports:
        # then their report holds, a product they did not list being 0
        b_reports, a_reports = reports
        imp_x = imp_x.where(~b_reports | imp_x.notna(), 0.0).where(b_reports)
        imp_m = imp_m.where(~a_reports | imp_m.notna(), 0.0).where(a_reports)
    out["exports"] = imp_x.fillna(exp_x)
    out["imports"] = imp_m.fillna(exp_m)
    out["exports_as_exported"] = exp_x
    out["imports_as_exported"] = exp_m
    out["exports_reported_by"] = np.where(
        imp_x.notna(), "importer (B)", np.where(exp_x.notna(), "exporter (A)", "")
    )
    out["imports_reported_by"] = np.where(
        imp_m.notna(), "importer (A)", np.where(exp_m.notna(), "exporter (B)", "")
    )
    return out, AUTO_RULE


def bilateral_flows(
    data: DataLike,
    a: str | Economy,
    b: str | Economy,
    *,
    years: tuple[int, ...] | list[int] | range | None = None,
    frequency: Frequency = "annual",
    basis: Basis = "auto",
    source: str | None = None,
    products: str | tuple[str, ...] | list[str] | None = None,
) -> FlowsResult:
    """A's exports to B, imports from B, turnover (exports + imports) and balance, in USD.

    Only from data that cover all goods in each year asked (``NotCoveredError`` otherwise,
    with the nearest covered years' figures as context). ``products`` (HS codes, e.g.
    ``("27", "44")``) asks for a partial figure over those products, labelled so.
    """
    session = session_of(data)
    check_basis(basis)
    if frequency not in FREQUENCIES:
        raise InputError(f"frequency {frequency!r} is not one of {', '.join(FREQUENCIES)}")
    ea, eb = economies.pair(a, b)
    sc = coverage.scopes(session)
    yrs = tuple(years) if years is not None else None
    prods = normalise_products(products)
    t, et = (
        product_tables(session, prods) if prods else (totals_table(session), economy_table(session))
    )
    try:
        choice = choose_source(
            session, t, (ea, eb), source=source, years=yrs, economy=et, scopes=sc, products=prods
        )
    except NotCoveredError as exc:
        if not yrs or prods:
            raise
        raise exc.with_nearest(_nearest_flows(session, ea, eb, yrs, source)) from None
    choice.check_basis(basis)
    table, used = _flows_frame(session, t, ea, eb, choice, yrs, frequency, basis, et, prods, sc)
    if table.empty:
        raise NoDataError(f"no flows between {ea.code} and {eb.code} in {choice.source}")
    table = _mark_missing(table, ea, eb, choice, sc, basis)
    notes = [choice.why]
    if not table.complete.all():
        notes.append(
            "incomplete periods: a direction not reported, or not every sub-period: "
            "see 'missing' and 'complete'; turnover and balance are not computed for them"
        )
    if prods:
        notes.append(f"partial figure: only HS {', '.join(prods)}, not all goods")
    scope = f" in HS {', '.join(prods)} only" if prods else ""
    return FlowsResult(
        title=f"Trade of {ea} with {eb}{scope} (USD)",
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
    session: Data,
    t: ir.Table,
    ea: Economy,
    eb: Economy,
    choice: SourceChoice,
    years: tuple[int, ...] | None,
    frequency: str,
    basis: str,
    economy: ir.Table | None = None,
    products: tuple[str, ...] | None = None,
    scopes: coverage.Scopes | None = None,
) -> tuple[pd.DataFrame, str]:
    """Build, run once, and finish the flows table for a chosen source (from ``economy``, a
    store's economy_totals, when given: one look-up instead of two)."""

    def build(pair: tuple[Economy, ...]) -> ir.Table:
        a, b = pair
        rows = pair_rows(t, a, b) if economy is None else trade_of(economy, a, b)
        rows = source_rows(rows, choice)
        if products:
            rows = rows.filter(product_filter(rows, products))
        rows, sums = pair_sums(rows, a, b, choice, years)
        return rows.group_by(["year", "period"]).aggregate(**sums).order_by(["year", "period"])

    shape = ("flows", table_key(t, economy), choice.sql_key, years, products)
    raw = run_for(session, (ea, eb), shape, build)
    raw["year"] = raw.year.astype(int)
    rolled = rollup(raw, frequency, list(REPORTS), grouped=True)
    reports = None
    if scopes is not None:
        reports = (
            importer_reports(scopes, choice.source, rolled.year, eb),
            importer_reports(scopes, choice.source, rolled.year, ea),
        )
    picked, used = pick_basis(rolled, basis, "reconciled" in choice.reported_by, reports=reports)
    picked["complete"] = rolled.complete.to_numpy()  # turnover and balance: _mark_missing
    return picked.reset_index(drop=True), used


def _mark_missing(
    table: pd.DataFrame,
    ea: Economy,
    eb: Economy,
    choice: SourceChoice,
    sc: coverage.Scopes,
    basis: str,
) -> pd.DataFrame:
    """Say which direction is missing in each period, and treat absent rows by who reports.

    A direction with no row is 0 when the source covers it (reconciled data list every pair
    that traded; a reporter that declares its trade and lists no flow with the partner), and
    *missing* when nobody whose statistics the source holds would have reported it (Russia
    before it reported to Comtrade): then turnover and balance are not computed.
    """
    table = table.copy()
    missing = []
    for i, (year, x, m) in enumerate(zip(table.year, table.exports, table.imports, strict=True)):
        scope = sc.get((choice.source, int(year)))
        gone = []
        for label, value, src, dst in (("exports", x, ea, eb), ("imports", m, eb, ea)):
            if not pd.isna(value):
                continue
            if _reported(scope, src, dst, int(year), basis):
                table.loc[table.index[i], label] = 0.0
            else:
                gone.append(f"{src.code}→{dst.code}")
        missing.append(", ".join(gone))
    table["turnover"] = table.exports + table.imports
    table["balance"] = table.exports - table.imports
    table["missing"] = missing
    table["complete"] = table.complete & (table.missing == "")
    return table


def _nearest_flows(
    session: Data, ea: Economy, eb: Economy, years: tuple[int, ...], source: str | None
) -> list[dict]:
    """Turnover in the covered years nearest to ``years``, as context for a not-covered answer."""

    def every_year() -> FlowsResult | None:
        try:
            return bilateral_flows(session, ea, eb, source=source)
        except NoDataError:
            return None

    every = session.remember(("flows", ea, eb, source), every_year)
    if every is None:
        return []
    have = [
        int(y)
        for y, t in zip(every.table.year, every.table.turnover, strict=True)
        if not pd.isna(t)
    ]
    out = []
    for y in coverage.nearest(have, years):
        row = every.table[every.table.year == y].iloc[0]
        src = every.provenance.source
        out.append(
            {
                "year": y,
                "measure": "turnover",
                "value": float(row.turnover),
                "source": src,
                "release": every.provenance.release,
                "text": f"{y}: turnover {_bn(row.turnover)} ({src})",
            }
        )
    return out


def _bn(value: float) -> str:
    return f"{value / 1e9:,.2f} bn USD" if abs(value) >= 1e8 else f"{value / 1e6:,.1f} mn USD"
