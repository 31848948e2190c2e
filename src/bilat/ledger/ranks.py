"""B's rank among A's trading partners, with value and share of A's total (USD).

Only countries are ranked: rows flagged ``non_country`` (World, unspecified, areas n.e.s.,
aggregates) and codes the reference does not know as countries are left out of both the
ranking and the total the shares are taken of.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import ibis.expr.types as ir
import numpy as np
import pandas as pd

from bilat.errors import InputError, NoDataError, NotCoveredError
from bilat.ledger import coverage, economies
from bilat.ledger._data import (
    check_basis,
    choose_source,
    economy_table,
    normalise_products,
    product_filter,
    product_tables,
    run_for,
    side_rows,
    source_rows,
    table_key,
    totals_table,
    trade_of,
)
from bilat.ledger.economies import Economy
from bilat.ledger.flows import (
    REPORTS,
    annual_only,
    importer_reports,
    pick_basis,
    report_sums,
    rollup,
)
from bilat.ledger.results import LedgerResult
from bilat.ledger.vocabulary import BY, Basis, By
from bilat.store.session import Data, DataLike, session_of


def _check_by(by: str) -> None:
    if by not in BY:
        raise InputError(f"by {by!r} is not one of {', '.join(BY)}")


@lru_cache(maxsize=4096)
def _is_country(code: str) -> bool:
    try:
        from bilat.reference.countries import is_country
    except ImportError:  # reference layer not built yet: trust the non_country flag alone
        return True
    return is_country(code)


def countries_only(codes: pd.Series) -> np.ndarray:
    """True where the code is a country (each distinct code looked up once)."""
    distinct = pd.unique(codes)
    if all(_is_country(c) for c in distinct):  # the usual case: non_country rows are gone
        return np.ones(len(codes), dtype=bool)
    return codes.isin([c for c in distinct if _is_country(c)]).to_numpy()


def _name(code: str) -> str:
    try:
        from bilat.reference.countries import name
    except ImportError:
        return code
    try:
        return name(code)
    except Exception:  # a code the reference cannot name is shown as it is
        return code


def partner_table(
    data: DataLike,
    a: str | Economy,
    *,
    years: tuple[int, ...] | list[int] | range | None = None,
    basis: Basis = "auto",
    source: str | None = None,
    products: str | tuple[str, ...] | list[str] | None = None,
) -> tuple[pd.DataFrame, Economy, object]:
    """A's exports, imports and turnover with every country partner, per year (one query).

    Only from data covering all goods in each year (``NotCoveredError`` otherwise); with
    ``products`` (HS codes), over those products only — a partial ranking, labelled so.
    """
    session = session_of(data)
    check_basis(basis)
    ea = economies.resolve(a)
    prods = normalise_products(products)
    t, et = (
        product_tables(session, prods) if prods else (totals_table(session), economy_table(session))
    )
    yrs = tuple(years) if years is not None else None
    choice = choose_source(
        session,
        t,
        (ea,),
        source=source,
        years=yrs,
        economy=et,
        scopes=coverage.scopes(session),
        products=prods,
        partners=True,
    )
    choice.check_basis(basis)

    def build(one: tuple[Economy, ...]) -> ir.Table:
        (e,) = one
        rows = source_rows(side_rows(t, e) if et is None else trade_of(et, e), choice)
        if prods:
            rows = rows.filter(product_filter(rows, prods))
        rows = rows.filter(~rows.non_country)
        if yrs:
            rows = rows.filter(rows.year.isin(list(yrs)))
        a_exp, a_imp = e.contains(rows.exporter, rows.year), e.contains(rows.importer, rows.year)
        out, inn = a_exp & ~a_imp, a_imp & ~a_exp
        rows = rows.filter(out | inn)
        a_exp, a_imp = e.contains(rows.exporter, rows.year), e.contains(rows.importer, rows.year)
        out, inn = a_exp & ~a_imp, a_imp & ~a_exp
        rows = rows.mutate(partner=out.ifelse(rows.importer, rows.exporter))
        sums = report_sums(rows, out, inn, choice.reported_by)
        by = ["year", "period", "partner"]
        return rows.group_by(by).aggregate(**sums).order_by(by)

    raw = run_for(session, (ea,), ("partners", table_key(t, et), choice.sql_key, yrs, prods), build)
    if raw.empty:
        raise NoDataError(f"no flows of {ea.code} with any country in {choice.source}")
    raw["year"] = raw.year.astype(int)
    if not annual_only(raw):  # sub-year periods: rolled up to years first
        raw = rollup(raw, "annual", list(REPORTS), keys=("partner",), grouped=True)
    sc = coverage.scopes(session)
    reports = (
        importer_reports(sc, choice.source, raw.year, raw.partner),
        importer_reports(sc, choice.source, raw.year, ea),
    )
    frame, used = pick_basis(
        raw, basis, "reconciled" in choice.reported_by, keys=("partner",), reports=reports
    )
    keep = countries_only(frame.partner)
    exports = frame.exports.fillna(0.0).to_numpy()[keep]
    imports = frame.imports.fillna(0.0).to_numpy()[keep]
    frame = pd.DataFrame(
        {
            "year": frame.year.to_numpy()[keep],
            "partner": frame.partner[keep].reset_index(drop=True),
            "exports": exports,
            "imports": imports,
            "turnover": exports + imports,
        }
    )
    return frame, ea, (choice, used)


def _ranked(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """Rank (1 = largest, ties share the better rank) and share of the year's total, sorted by
    (year, rank, partner)."""
    frame = frame.copy()
    years = frame.groupby("year")[by]
    frame["rank"] = years.rank(ascending=False, method="min").astype(int)
    total = years.transform("sum")
    frame["share"] = np.where(total > 0, frame[by] / total, np.nan)
    frame["partners"] = years.transform("size")
    return frame.sort_values(["year", "rank", "partner"]).reset_index(drop=True)


def _rank_of(frame: pd.DataFrame, code: str, by: str) -> pd.DataFrame:
    """``code``'s rank per year among the frame's partners by ``by`` (1 = largest, ties share
    the better rank, as ``_ranked``), with the number of partners, its value, share and the
    year's total; one row per year it is in, by year."""
    year = frame.year.to_numpy()
    value = frame[by].to_numpy(dtype=float)
    mine = np.flatnonzero((frame.partner == code).to_numpy())
    rows = []
    for i in mine[np.argsort(year[mine], kind="stable")]:
        same = year == year[i]
        total = value[same].sum()
        rows.append(
            {
                "year": year[i],
                "rank": int((value[same] > value[i]).sum()) + 1,
                "partners": int(same.sum()),
                "value": value[i],
                "share": value[i] / total if total > 0 else np.nan,
                "total": total,
            }
        )
    cols = ["year", "rank", "partners", "value", "share", "total"]
    return pd.DataFrame(rows, columns=cols)


def _as_bloc(frame: pd.DataFrame, eb: Economy) -> pd.DataFrame:
    """Partners with B's members merged into one row for B (for a group or district B)."""
    if eb.kind == "country":
        return frame
    parts = []
    for year, rows in frame.groupby("year"):
        members = eb.members(int(year))
        inside = rows.partner.isin(members)
        bloc = rows[inside][["exports", "imports", "turnover"]].sum()
        row = pd.DataFrame([{"year": year, "partner": eb.code, **bloc.to_dict()}])
        parts.append(pd.concat([rows[~inside], row], ignore_index=True))
    return pd.concat(parts, ignore_index=True)


@dataclass(frozen=True, repr=False)
class RankResult(LedgerResult):
    """Ranks of partners (or of one partner over years) with value and share of A's total."""

    by: str = "turnover"

    def rank(self, year: int) -> int:
        """The rank in ``year``; NoDataError when the year is not in the result."""
        hit = self.table[self.table.year == year]
        if hit.empty:
            raise NoDataError(f"no rank for {year} in this result")
        return int(hit["rank"].iloc[0])


def _scope(choice_used: object) -> str:
    """' in HS 27, 44 only' for a partial ranking, '' for all goods."""
    choice = choice_used[0]  # type: ignore[index]
    return "" if choice.scope == "all goods" else f" in {choice.scope} only"


def _provenance(choice_used: object, frame: pd.DataFrame, extra: str = "") -> object:
    choice, used = choice_used  # type: ignore[misc]
    notes = (choice.why, "non-country partners (World, unspecified, n.e.s.) are not counted")
    if extra:
        notes = (*notes, extra)
    from dataclasses import replace

    return replace(choice.provenance(used, notes), years=tuple(sorted(set(frame.year))))


def _nearest_ranks(
    session: Data, ea: Economy, eb: Economy, years: tuple[int, ...], by: str, source: str | None
) -> list[dict]:
    """B's rank in the covered years nearest to ``years``: context for a not-covered answer."""

    def every_year() -> RankResult | None:
        try:
            return partner_rank(session, ea, eb, by=by, source=source)  # type: ignore[arg-type]
        except NoDataError:
            return None

    every = session.remember(("ranks", ea, eb, by, source), every_year)
    if every is None:
        return []
    t = every.table
    out = []
    for y in coverage.nearest([int(v) for v in t.year], years):
        row = t[t.year == y].iloc[0]
        src = every.provenance.source
        out.append(
            {
                "year": y,
                "measure": f"rank by {by}",
                "value": int(row["rank"]),
                "source": src,
                "release": every.provenance.release,
                "text": f"{y}: {int(row['rank'])} of {int(row.partners)} partners ({src})",
            }
        )
    return out


def top_partners(
    data: DataLike,
    a: str | Economy,
    year: int,
    *,
    n: int = 10,
    by: By = "turnover",
    basis: Basis = "auto",
    source: str | None = None,
    products: str | tuple[str, ...] | list[str] | None = None,
) -> RankResult:
    """A's ``n`` largest country partners in ``year`` by turnover, exports or imports (USD)."""
    session = session_of(data)
    _check_by(by)
    frame, ea, cu = partner_table(
        session, a, years=(year,), basis=basis, source=source, products=products
    )
    ranked = _ranked(frame, by)
    ranked["name"] = [_name(p) for p in ranked.partner]
    cols = ["year", "rank", "partner", "name", "exports", "imports", "turnover", "share"]
    return RankResult(
        title=f"{ea}'s top {n} partners by {by}{_scope(cu)}, {year}",
        table=ranked[cols].head(n).reset_index(drop=True),
        provenance=_provenance(cu, ranked),  # type: ignore[arg-type]
        formula=f"share = {by} with partner / {by} with all country partners",
        by=by,
    )


def partner_rank(
    data: DataLike,
    a: str | Economy,
    b: str | Economy,
    *,
    years: int | tuple[int, ...] | list[int] | range | None = None,
    by: By = "turnover",
    basis: Basis = "auto",
    source: str | None = None,
    products: str | tuple[str, ...] | list[str] | None = None,
) -> RankResult:
    """B's rank among A's country partners per year, its value and share of A's total (USD)."""
    session = session_of(data)
    _check_by(by)
    ea, eb = economies.pair(a, b)
    yrs = (years,) if isinstance(years, int) else years
    try:
        frame, _, cu = partner_table(
            session, ea, years=yrs, basis=basis, source=source, products=products
        )
    except NotCoveredError as exc:
        if not yrs or products:
            raise
        raise exc.with_nearest(_nearest_ranks(session, ea, eb, tuple(yrs), by, source)) from None
    table = _rank_of(_as_bloc(frame, eb), eb.code, by)
    if table.empty:
        raise NoDataError(f"{eb.code} is not among {ea.code}'s partners in the years asked")
    return RankResult(
        title=f"{eb}'s rank among {ea}'s partners by {by}{_scope(cu)}",
        table=table,
        provenance=_provenance(cu, table),  # type: ignore[arg-type]
        formula=f"rank by {by} among country partners; share = value / total",
        by=by,
    )
