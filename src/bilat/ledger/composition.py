"""What A and B trade: by HS section, chapter, heading or product, or by sector basket (USD)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from bilat.errors import InputError, NoDataError
from bilat.ledger import _hs, coverage, economies
from bilat.ledger._data import (
    chapters_table,
    check_basis,
    choose_source,
    flows_table,
    pair_rows,
    run_for,
    source_rows,
    table_key,
)
from bilat.ledger.economies import Economy
from bilat.ledger.flows import (
    REPORTS,
    annual_only,
    directed,
    importer_reports,
    pair_sums,
    pick_basis,
    report_sums,
    rollup,
)
from bilat.ledger.results import LedgerResult
from bilat.ledger.vocabulary import DIRECTIONS, LEVELS, Basis, Direction, Level
from bilat.store.session import Data, DataLike, session_of

if TYPE_CHECKING:
    from bilat.reference.hs import HsTables

_DIGITS = {"chapter": 2, "heading": 4}


@dataclass(frozen=True, repr=False)
class CompositionResult(LedgerResult):
    """Values and shares by product group per year; ``top(n, year)`` for the largest."""

    level: str = "chapter"
    direction: str = "exports"

    def top(self, n: int = 10, year: int | None = None) -> pd.DataFrame:
        """The ``n`` largest groups in ``year`` (latest year when not given)."""
        t = self.table
        year = int(t.year.max()) if year is None else year
        return t[t.year == year].nlargest(n, "value").reset_index(drop=True)


def product_values(
    data: DataLike,
    a: Economy,
    b: Economy,
    *,
    years: tuple[int, ...] | None,
    basis: str,
    source: str | None,
    level: str = "product",
    only: Literal["exports", "imports"] | None = None,
) -> tuple[pd.DataFrame, object]:
    """A's exports to and imports from B per (year, product) at the source's detail (one query).

    For ``level`` chapter or section a store's ``pair_chapters`` is enough (``product`` is
    then the 2-digit chapter); finer levels read the pair's rows of the detail. ``only``: read
    one direction's rows (the other's column is 0, and products traded only the other way
    are left out).
    """
    session = session_of(data)
    detail = flows_table(session)
    chapters = chapters_table(session) if level in ("chapter", "section") else None
    t = detail if chapters is None else chapters
    choice = choose_source(
        session,
        t,
        (a, b),
        source=source,
        detail="products",
        years=years,
        detail_table=detail,
        scopes=coverage.scopes(session),
    )

    def build(pair: tuple[Economy, ...]) -> ir.Table:
        ea, eb = pair
        rows = source_rows(t, choice)
        if only is None:
            rows, sums = pair_sums(pair_rows(rows, ea, eb), ea, eb, choice, years)
        else:  # one scan: from A's members to B's (or back)
            src, dst = (ea, eb) if only == "exports" else (eb, ea)
            rows = rows.filter(
                rows.exporter.isin(sorted(src.all_members))
                & rows.importer.isin(sorted(dst.all_members))
            )
            if years:
                rows = rows.filter(rows.year.isin(list(years)))
            ab, ba = directed(rows, ea, eb)  # flows within A left out, as in pair_sums
            rows = rows.filter(ab if only == "exports" else ba)
            # every row left is of the one direction: its sums need no test of it
            mine = ibis.literal(only == "exports")
            sums = report_sums(rows, mine, ~mine, choice.reported_by)
        # in no particular order: every user groups or sorts the products itself
        return rows.group_by(["year", "period", "product"]).aggregate(**sums)

    shape = ("products", table_key(t), choice.sql_key, years, only)
    sc = coverage.scopes(session)

    # the same pair's products are asked again under another basis (a composition's shares on
    # the side of its all-goods total): the rows, kept per coverage object (one per store state)
    def rows() -> pd.DataFrame:
        raw = run_for(session, (a, b), shape, build)
        raw["year"] = raw.year.astype(int)
        if not annual_only(raw):  # sub-year periods: rolled up to years first
            raw = rollup(raw, "annual", list(REPORTS), keys=("product",), grouped=True)
        return raw

    raw = session.remember(("products", shape, a, b), rows)
    reports = (
        importer_reports(sc, choice.source, raw.year, b),
        importer_reports(sc, choice.source, raw.year, a),
    )
    frame, used = pick_basis(
        raw, basis, "reconciled" in choice.reported_by, keys=("product",), reports=reports
    )
    exports = frame.exports.fillna(0.0).to_numpy()
    imports = frame.imports.fillna(0.0).to_numpy()
    frame = pd.DataFrame(
        {
            "year": frame.year.to_numpy(),
            "product": frame["product"],
            "exports": exports,
            "imports": imports,
            "turnover": exports + imports,
        }
    )
    return frame, (choice, used)


def _chapters_words(chapters: Iterable[str]) -> str:
    chs = sorted(chapters)
    return f"HS {', '.join(chs)} only" if len(chs) <= 8 else f"{len(chs)} HS chapters only"


def group_products(
    frame: pd.DataFrame,
    level: str,
    value: str,
    baskets: Mapping[str, Iterable[str] | tuple[str, Iterable[str]]] | None = None,
    covered: frozenset[str] | None = None,
) -> pd.DataFrame:
    """Sum ``value`` per (year, group) where the group is the product's section/chapter/… .

    ``baskets`` maps a sector id to its HS codes, or to (label, codes). ``covered``: the HS
    chapters the source holds when it does not hold all goods; a basket wholly outside them
    is *not covered* (NaN, never 0), one partly outside says so in its label.
    """
    products = frame["product"].astype(str)
    if level == "basket":
        if not baskets:
            raise InputError("level 'basket' needs baskets: {name: [HS codes]}")
        parts = []
        years = pd.DataFrame({"year": sorted(frame.year.unique())})
        digits = int(products.str.len().max()) if len(products) else 0
        for name, spec in baskets.items():
            label, codes = (
                spec
                if isinstance(spec, tuple) and len(spec) == 2 and not isinstance(spec[1], str)
                else ("", spec)
            )
            prefixes = tuple(str(c) for c in codes)
            if covered is not None:
                outside = [c for c in prefixes if c[:2] not in covered]
                if prefixes and len(outside) == len(prefixes):
                    note = f"not covered: the data hold {_chapters_words(covered)}"
                    part = years.assign(**{value: np.nan})
                    parts.append(part.assign(code=name, description=f"{label} ({note})".strip()))
                    continue
                if outside:
                    label = (
                        f"{label} (partial: {len(outside)} of {len(prefixes)} codes outside "
                        f"the data's {_chapters_words(covered)})"
                    )
                    prefixes = tuple(c for c in prefixes if c[:2] in covered)
            # a code finer than the data (heading 2711 on chapter data) cannot be told apart
            usable = tuple(c for c in prefixes if len(c) <= digits)
            if prefixes and not usable:
                finest = min(map(len, prefixes))
                note = f"not available: defined at {finest}+ digits, the data at {digits}"
                part = years.assign(**{value: np.nan})
                parts.append(part.assign(code=name, description=f"{label} ({note})".strip()))
                continue
            if len(usable) < len(prefixes):
                lost = len(prefixes) - len(usable)
                label = f"{label} (partial: {lost} of {len(prefixes)} codes finer than the data)"
            # A product row counts when its code lies inside one of the basket's codes.
            inside = products.str.startswith(usable) if usable else products != products
            part = frame[inside].groupby("year", as_index=False)[value].sum()
            part = years.merge(part, on="year", how="left").fillna({value: 0.0})
            parts.append(part.assign(code=name, description=label))
        return pd.concat(parts, ignore_index=True)
    if level == "section":
        codes = products.str[:2].map(_hs.section_of)
    elif level in _DIGITS:
        digits = _DIGITS[level]
        if (products.str.len() < digits).any():
            raise InputError(
                f"the data are at {int(products.str.len().min())} digits; level {level!r} "
                f"needs {digits}: use level='chapter' or a source with finer detail"
            )
        if bool((products.str.len() == digits).all()):
            # one row per (year, code) already (pair_chapters' chapters)
            return frame[["year", value]].assign(code=products)
        codes = products.str[:digits]
    else:
        # one row per (year, product) already (product_values groups by them)
        return frame[["year", value]].assign(code=products)
    return frame.assign(code=codes).groupby(["year", "code"], as_index=False)[value].sum()


def _shares_and_changes(
    grouped: pd.DataFrame, years: np.ndarray, values: np.ndarray, top: int | None
) -> pd.DataFrame:
    """Add each group's share of its year's total (of ``values`` per ``years``), its change on
    its previous year in the table, and sort by (year, value descending); the ``top`` largest
    per year when given. In numpy: the pandas way (merge, two sorts, groupby shift) was most of
    a composition's time for a pair with thousands of products."""
    year = grouped.year.to_numpy().astype(np.int64)
    value = grouped.value.to_numpy(dtype=float)
    first_year = min(int(years.min()), int(year.min())) if len(year) else 0
    totals = np.bincount(years.astype(np.int64) - first_year, weights=values)
    total = totals[year - first_year] if len(year) else np.zeros(0)
    share = np.divide(value, total, out=np.full(len(value), np.nan), where=total > 0)
    code_id = pd.factorize(grouped.code, sort=True)[0].astype(np.int64)
    span = int(year.max()) - first_year + 1 if len(year) else 1
    by_code = np.argsort(code_id * span + (year - first_year), kind="stable")  # codes' years
    v, c = value[by_code], code_id[by_code]
    prev_sorted = np.full(len(v), np.nan)
    same = c[1:] == c[:-1]
    prev_sorted[1:][same] = v[:-1][same]
    prev = np.empty(len(v))
    prev[by_code] = prev_sorted
    pct = np.divide(value, prev, out=np.full(len(value), np.nan), where=prev > 0) - 1
    # largest first within each year (NaN last), ties in code order (as sort_values did)
    order = by_code[np.lexsort((-v, year[by_code]))]
    if top:
        y = year[order]
        starts = np.r_[0, np.flatnonzero(y[1:] != y[:-1]) + 1]
        first = np.repeat(starts, np.diff(np.r_[starts, len(y)]))
        order = order[np.arange(len(order)) - first < top]
    out = grouped.iloc[order].reset_index(drop=True)
    out["share"] = share[order]
    out["change"] = (value - prev)[order]
    out["pct_change"] = pct[order]
    out["total"] = total[order]
    return out


def describe(codes: pd.Series, level: str, tables: HsTables | None = None) -> list[str]:
    """The HS description of each code (section names for level ``section``); ``tables``: the
    store session's HS tables (``StoreSession.hs_tables()``), else the bundle's."""
    # each distinct code looked up once
    if level == "section":
        named = {c: _hs.section_name(c) for c in pd.unique(codes)}
    else:
        named = {c: _hs.description(c, tables) for c in pd.unique(codes)}
    return [named[c] for c in codes.tolist()]


def _all_goods_totals(
    session: Data,
    a: Economy,
    b: Economy,
    years: tuple[int, ...] | None,
    direction: str,
    basis: str,
) -> tuple[dict[int, float], str, str]:
    """All-goods ``direction`` per year where data cover it, their description, and the one
    reporting side they come from ("exporter"/"importer"; "" for reconciled or mixed)."""
    from bilat.ledger.flows import bilateral_flows

    try:
        flows = bilateral_flows(session, a, b, years=years, basis=basis)  # type: ignore[arg-type]
    except (NoDataError, InputError):
        return {}, "", ""
    t = flows.table
    got = {int(y): float(v) for y, v in zip(t.year, t[direction], strict=True) if pd.notna(v)}
    sc = coverage.scopes(session)
    sides = set()
    for y in got:
        x = sc.get((flows.provenance.source, y))
        if x is not None:
            sides |= set(x.reported_by)
    side = next(iter(sides)) if len(sides) == 1 and sides != {"reconciled"} else ""
    words = f"all-goods {direction} ({flows.provenance.source}, release {flows.provenance.release})"
    return got, words, side


def _codes_of(spec: object) -> tuple[str, ...]:
    """The HS codes of a basket spec: codes, or (label, codes)."""
    if isinstance(spec, tuple) and len(spec) == 2 and not isinstance(spec[1], str):
        return tuple(str(c) for c in spec[1])
    return tuple(str(c) for c in spec)  # type: ignore[union-attr]


def composition(
    data: DataLike,
    a: str | Economy,
    b: str | Economy,
    *,
    years: int | tuple[int, ...] | list[int] | range | None = None,
    level: Level = "chapter",
    direction: Direction = "exports",
    basis: Basis = "auto",
    source: str | None = None,
    baskets: Mapping[str, Iterable[str]] | None = None,
    top: int | None = None,
) -> CompositionResult:
    """A's exports to (or imports from, or turnover with) B by product group, with shares.

    Groups traded only the other way are not listed for exports or imports (their value would
    be 0); baskets are listed for every year with trade in the direction asked.
    """
    session = session_of(data)
    check_basis(basis)
    if level not in LEVELS:
        raise InputError(f"level {level!r} is not one of {', '.join(LEVELS)}")
    if direction not in DIRECTIONS:
        raise InputError(f"direction {direction!r} is not one of {', '.join(DIRECTIONS)}")
    if level == "basket" and baskets is None:
        baskets = _hs.load_baskets()
    ea, eb = economies.pair(a, b)
    yrs = (years,) if isinstance(years, int) else (tuple(years) if years is not None else None)
    # exports or imports alone need one direction's rows; groups with none are not listed
    only = direction if direction != "turnover" else None
    frame, (choice, used) = product_values(
        session, ea, eb, years=yrs, basis=basis, source=source, level=level, only=only
    )
    sc = coverage.scopes(session)
    scopes_used = [sc.get((choice.source, y)) for y in choice.years]
    partial = not scopes_used or any(x is None or not x.all_goods for x in scopes_used)
    covered = (
        frozenset().union(*(x.chapters for x in scopes_used if x is not None)) if partial else None
    )
    # shares of the all-goods total of the same year and direction, where data cover it
    totals, total_words, side = _all_goods_totals(session, ea, eb, yrs, direction, basis)
    if side and side in choice.reported_by and partial:
        # the products on the same side's report as the total they are shares of
        frame, (choice, used) = product_values(
            session, ea, eb, years=yrs, basis=side, source=choice.source, level=level, only=only
        )
    grouped = group_products(frame, level, direction, baskets, covered)
    grouped = grouped.rename(columns={direction: "value"})
    denominators_year = frame.year.to_numpy()
    denominators = frame[direction].to_numpy()
    if totals:
        years_in = sorted(set(int(y) for y in frame.year))
        denominators_year = np.array([y for y in years_in if y in totals], dtype=int)
        denominators = np.array([totals[y] for y in denominators_year], dtype=float)
        grouped = grouped[grouped.year.isin(denominators_year)]
    grouped = _shares_and_changes(grouped, denominators_year, denominators, top)
    if level != "basket":  # baskets carry their labels
        grouped["description"] = describe(grouped.code, level, session.hs_tables())
    cols = ["year", "code", "description", "value", "share", "change", "pct_change", "total"]
    table = grouped[cols].reset_index(drop=True)
    share_of = total_words if totals else f"{direction} in {choice.scope}"
    notes = [choice.why]
    if partial:
        notes.append(
            f"the source holds {choice.scope}: groups outside it are not covered (not 0); "
            f"shares are of {share_of}"
        )
    if level == "basket":
        notes.append("baskets may overlap, so shares need not add up to 1")
        digits = int(frame["product"].str.len().max()) if len(frame) else 0
        finest = max((len(c) for s in baskets.values() for c in _codes_of(s)), default=0)
        if digits < finest:
            notes.append(
                f"the data are at {digits} digits: basket codes finer than that cannot be "
                "matched, so sectors defined only by them are not available (–) and the others "
                "count only their coarser codes"
            )
    prov = replace(
        choice.provenance(used, tuple(notes)), years=tuple(sorted(set(table.year.astype(int))))
    )
    return CompositionResult(
        title=f"{direction.capitalize()} of {ea} with {eb} by {level}"
        + (f", {choice.scope}" if partial else "")
        + " (USD)",
        table=table,
        provenance=prov,
        formula=f"share = value / {share_of}; change on the previous year in the table",
        level=level,
        direction=direction,
    )
