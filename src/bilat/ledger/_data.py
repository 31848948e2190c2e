"""Getting the flows table out of what the caller passed, and choosing one source for a figure.

The rule (documented in the ledger's README section of each function): an explicit ``source=``
wins; otherwise totals come from a source that has ``product == TOTAL`` rows for the pair, and
product detail from one source that has it, never mixing sources in one figure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd
from ibis import _

from bilat.errors import InputError, NoDataError, NotCoveredError
from bilat.ledger.economies import Economy
from bilat.ledger.results import Provenance
from bilat.ledger.vocabulary import BASES
from bilat.schema import TOTAL
from bilat.store.engines import USD_SUM_TYPE

if TYPE_CHECKING:
    from bilat.ledger.coverage import Scopes
    from bilat.store.session import Data

Detail = Literal["total", "products"]
#: the side of a flow an economy is on
Side = Literal["exporter", "importer"]

# Codes that stand for "the world" as a partner: used for exports-to-world rows.
WORLD = "WLD"


def flows_table(s: Data) -> ir.Table:
    """The canonical flows table of a session."""
    return s.table("flows")


def totals_table(s: Data) -> ir.Table:
    """Flows summed over products per pair and period (a store's ``pair_totals``), or the detail.

    It has the flows table's columns, with ``product`` = ``TOTAL`` for a source's own all-goods
    rows and ``SUM`` for the sum of its product rows, so total questions read a few rows per
    pair instead of the pair's product detail. An ibis table (or an older store) is used as is.
    """
    derived = s.derived("pair_totals")
    return flows_table(s) if derived is None else derived


def economy_table(s: Data) -> ir.Table | None:
    """A store's ``economy_totals`` (pair_totals under each side's economy), or None."""
    return s.derived("economy_totals")


def trade_of(et: ir.Table, a: Economy, b: Economy | None = None) -> ir.Table:
    """From ``economy_totals``: the rows of A's trade (with B only, when given), as pair_totals
    rows. One look-up on the sorted ``economy`` column reads A's rows alone; a row with both
    sides in A (within a group) comes twice, and every question drops those flows anyway."""
    rows = et.filter(et.economy.isin(sorted(a.all_members)))
    if b is not None:
        bm = sorted(b.all_members)
        rows = rows.filter(rows.exporter.isin(bm) | rows.importer.isin(bm))
    return rows.drop("economy")


def chapters_table(s: Data) -> ir.Table | None:
    """Flows summed per pair, period and HS chapter (a store's ``pair_chapters``), or None."""
    return s.derived("pair_chapters")


def run(s: Data, expr: ir.Table) -> pd.DataFrame:
    """Execute a table expression of the session into pandas (``StoreSession.run``)."""
    return s.run(expr)


def run_for(
    s: Data,
    economies: tuple[Economy, ...],
    shape: tuple,
    build: Callable[[tuple[Economy, ...]], ir.Table],
) -> pd.DataFrame:
    """``run(build(economies))``, with the query prepared once per question ``shape``.

    When every economy is a single country, the query is built for stand-in countries and
    prepared by the session with their codes as bound parameters: later questions of the same
    shape (same table, source, years …; ``shape`` says which) only bind their codes, and skip
    building and compiling the expression (~10 ms a query warm, a lot more cold). Groups,
    regions and other engines run as usual.
    """
    if not economies or any(e.kind != "country" for e in economies):
        return s.run(build(economies))
    key = ("template", shape, len(economies))
    stand_ins = _STAND_INS[: len(economies)]

    def prepare() -> tuple[str, ir.Table] | None:
        expr = build(tuple(Economy.country(code) for code in stand_ins))
        sql = s.prepared(expr, key, stand_ins)
        return None if sql is None else (sql, expr)

    hit = s.remember(key, prepare)
    if hit is None:  # another engine, a table ibis must register first, or no plain literals
        return s.run(build(economies))
    sql, expr = hit
    return s.run_sql(sql, expr, [e.code for e in economies])


def table_key(*tables: ir.Table | None) -> tuple:
    """What identifies the tables a question reads, for ``run_for``'s ``shape``: their
    expressions (a session's caches hold one state of one store)."""
    return tuple(None if t is None else t.op() for t in tables)


# Codes no economy has (lower case, never ISO3), standing in for A and B in query templates.
_STAND_INS = ("zz-economy-a", "zz-economy-b")


def normalise_products(products: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    """HS codes from '27,44' or a sequence: digits only, 2/4/6 long; InputError otherwise."""
    if products is None:
        return ()
    items = products.split(",") if isinstance(products, str) else list(products)
    out = []
    for raw in items:
        code = str(raw).strip()
        if not code:
            continue
        if not code.isdigit() or len(code) not in (2, 4, 6):
            raise InputError(
                f"products: {code!r} is not an HS code; give chapters, headings or subheadings "
                "as 2, 4 or 6 digits, e.g. --products 27,4403"
            )
        out.append(code)
    if not out:
        raise InputError("products: no HS code given; e.g. --products 27,44")
    return tuple(sorted(set(out)))


def product_filter(rows: ir.Table, products: tuple[str, ...]) -> ir.BooleanValue:
    """Rows whose HS code lies inside one of ``products`` (a chapter holds its headings …)."""
    cond = None
    for p in products:
        term = rows["product"].startswith(p)
        cond = term if cond is None else cond | term
    assert cond is not None
    return cond


def product_tables(s: Data, products: tuple[str, ...]) -> tuple[ir.Table, ir.Table | None]:
    """The table a question on ``products`` reads: a store's ``pair_chapters`` when every code
    is a chapter, else the flows detail; no economy_totals (they hold no products)."""
    chapters = chapters_table(s) if all(len(p) == 2 for p in products) else None
    return (flows_table(s) if chapters is None else chapters), None


def check_basis(basis: str) -> str:
    """The basis if valid, else InputError listing the choices."""
    if basis not in BASES:
        raise InputError(f"basis {basis!r} is not one of {', '.join(BASES)}")
    return basis


@dataclass(frozen=True)
class SourceChoice:
    """The one source a figure is computed from, and what it holds for the question.

    ``scope``: the products the figure covers in words ("all goods", "HS 27, 44");
    ``uncovered``: asked years the source does not cover (gaps, never filled from elsewhere);
    ``partial``: other sources that hold only part of what was asked, in words.
    """

    source: str
    release: str
    detail: Detail
    years: tuple[int, ...]
    reported_by: tuple[str, ...]
    why: str
    scope: str = "all goods"
    uncovered: tuple[int, ...] = ()
    partial: tuple[str, ...] = ()

    @property
    def sql_key(self) -> tuple:
        """What of the choice a query's SQL depends on (source_rows and report_sums)."""
        return (self.source, self.detail, self.reported_by)

    def provenance(self, basis: str = "", notes: tuple[str, ...] = ()) -> Provenance:
        """Provenance naming this source, its release(s), the products covered and the basis."""
        extra = []
        if self.uncovered:
            from bilat.store.coverage import describe_years

            extra.append(f"not covered (no figure shown): {describe_years(self.uncovered)}")
        if self.partial:
            extra.append("partial sources not used: " + "; ".join(self.partial))
        return Provenance(
            self.source, self.release, self.years, basis, (*notes, *extra), products=self.scope
        )

    def bases(self) -> tuple[str, ...]:
        """The bases this source can give (``auto`` always)."""
        return (
            "auto",
            *(b for b in ("reconciled", "exporter", "importer") if b in self.reported_by),
        )

    def check_basis(self, basis: str) -> None:
        """InputError when the source holds no report of the kind ``basis`` asks for."""
        if basis not in self.bases():
            raise InputError(
                f"basis {basis!r} is not available from {self.source}, which holds "
                f"{' and '.join(self.reported_by)} reports only; use one of "
                f"{', '.join(self.bases())}"
            )


def pair_rows(t: ir.Table, a: Economy, b: Economy) -> ir.Table:
    """Rows whose exporter is among A's members (in any year) and importer among B's, or the
    reverse: a loose superset of the pair's rows, to be narrowed by the exact condition.

    Written as two scans (each with plain conditions on exporter and importer, which DuckDB
    pushes into the Parquet reader to skip every row group whose min/max exclude the codes)
    rather than one OR, which it cannot push down.
    """
    am, bm = sorted(a.all_members), sorted(b.all_members)
    ab = t.exporter.isin(am) & t.importer.isin(bm)
    ba = t.exporter.isin(bm) & t.importer.isin(am)
    return t.filter(ab).union(t.filter(ba & ~ab))  # ~ab: a row in both is kept once


def side_rows(t: ir.Table, a: Economy) -> ir.Table:
    """Rows with one of A's members (in any year) as exporter or importer: a loose superset of
    A's trade, as two scans so that the exporter one prunes row groups (see ``pair_rows``)."""
    am = sorted(a.all_members)
    out = t.exporter.isin(am)
    return t.filter(out).union(t.filter(t.importer.isin(am) & ~out))


def involves(t: ir.Table, economies: tuple[Economy, ...]) -> ir.BooleanValue:
    """Rows of one economy's trade, or of the pair's trade with each other when two are given."""
    if len(economies) == 2:
        a, b = economies
        a_x, a_m = a.contains(t.exporter, t.year), a.contains(t.importer, t.year)
        b_x, b_m = b.contains(t.exporter, t.year), b.contains(t.importer, t.year)
        return (a_x & b_m) | (b_x & a_m)
    cond = None
    for e in economies:
        term = e.contains(t.exporter, t.year) | e.contains(t.importer, t.year)
        cond = term if cond is None else cond | term
    assert cond is not None
    return cond


def choose_source(
    s: Data,
    t: ir.Table,
    economies: tuple[Economy, ...],
    *,
    source: str | None = None,
    detail: Detail | None = None,
    years: tuple[int, ...] | None = None,
    both_reports: bool = False,
    where: Callable[[ir.Table], ir.BooleanValue] | None = None,
    detail_table: ir.Table | None = None,
    economy: ir.Table | None = None,
    scopes: Scopes | None = None,
    products: tuple[str, ...] | None = None,
    partners: bool = False,
    partial_ok: bool = False,
    side: Side | None = None,
) -> SourceChoice:
    """Pick the source (and level of detail) for a question about ``economies``.

    Only source-years that cover the question count (``scopes``: the data's coverage, see
    ``bilat.ledger.coverage``): a total question (``detail`` None or ``"total"``) needs all
    goods — the source's own totals, or detail holding every HS chapter; a question on
    ``products`` (HS codes) needs detail holding their chapters. When no source covers any
    asked year, ``NotCoveredError`` names what the store holds instead.

    ``detail=None`` means totals preferred, product detail summed otherwise; ``"products"``
    insists on product detail (composition, mirror by product, indices). ``both_reports``
    keeps only sources where exporters and importers both report (mirror statistics).
    When ``t`` is a derived table, ``detail_table`` (the flows detail) settles a product
    question that several sources could answer; ``economy`` (a store's ``economy_totals``
    beside ``t`` = pair_totals) makes the question read only the economies' own rows.

    ``side``: only the rows where the one economy is the exporter (or importer), e.g. a
    source must hold B's imports by product for complementarity.

    Choices are remembered by the session for the store's current state, so the several pieces
    of one report ask the store once.
    """
    args = (economies, source, detail, years, both_reports)
    rest = (detail_table, economy, scopes, products, partners, partial_ok, side)
    if where is not None:  # a callable: no key to remember it by
        return _choose(s, t, *args, where, *rest)
    key = (
        "choice",
        t.op(),
        economies,
        source,
        detail,
        tuple(years) if years else None,
        both_reports,
        None if detail_table is None else detail_table.op(),
        None if economy is None else economy.op(),
        products,
        partners,
        partial_ok,
        side,
    )
    return s.remember(key, lambda: _choose(s, t, *args, None, *rest))


def _choose(
    s: Data,
    t: ir.Table,
    economies: tuple[Economy, ...],
    source: str | None,
    detail: Detail | None,
    years: tuple[int, ...] | None,
    both_reports: bool,
    where: Callable[[ir.Table], ir.BooleanValue] | None,
    detail_table: ir.Table | None,
    economy: ir.Table | None = None,
    scopes: Scopes | None = None,
    products: tuple[str, ...] | None = None,
    partners: bool = False,
    partial_ok: bool = False,
    side: Side | None = None,
    exact: bool = False,
) -> SourceChoice:
    """choose_source without the memory (``partners``: the question needs bilateral rows;
    ``partial_ok``: any product scope answers, and the choice says which — mirror gaps).

    A question on the flows detail is first settled from ``economy_totals`` (a look-up instead
    of a scan of the detail; ``_light_summary``), which knows every (source, year, level,
    release, reporting side) but not how many distinct products a source holds: when that
    count would decide between sources, the choice is made again (``exact``) on the detail.
    """
    light = None if exact or where is not None else _light_summary(s, t, economies, source,
                                                                    both_reports, side)  # fmt: skip
    summary = (
        _summary(s, t, economies, source, both_reports, where, economy, side)
        if light is None
        else light
    )
    if years:
        summary = summary[summary.year.isin([int(y) for y in years])]
    who = " and ".join(e.code for e in economies)
    span = ""
    if years:
        from bilat.store.coverage import describe_years

        span = f" in {describe_years(years)}"
    if summary.empty:
        where_ = f" in source {source!r}" if source else ""
        raise NotCoveredError(
            f"no flows involving {who}{where_}{span}",
            reason=_group_reason(economies, years),
            hint="add data with `bilat data add` (see `bilat data list` for what the store holds)",
        )
    if both_reports:
        both = summary.groupby("source").reported_by.agg(lambda r: set().union(*map(set, r)))
        keep = both[both.map(lambda r: {"exporter", "importer"} <= r)].index
        summary = summary[summary.source.isin(keep)]
        if summary.empty:
            raise NoDataError(
                f"no source reports flows between {who} from both sides; mirror statistics need "
                "reporter data such as UN Comtrade"
            )
    sc = scopes or {}
    scope_of = [sc.get((s, y)) for s, y in zip(summary.source, summary.year, strict=True)]
    chapters = tuple(sorted({p[:2] for p in products})) if products else ()
    digits = max((len(p) for p in products), default=0) if products else 0

    def covers(scope: object, total_row: bool) -> bool:
        if partners and scope is not None and not scope.bilateral:  # type: ignore[attr-defined]
            return False  # one side's partners (ranks, shares): with-the-world data cannot
        if products:  # detail holding each asked code's chapter, at enough digits
            return (
                not total_row
                and scope is not None
                and (scope.all_goods or scope.covers_products(chapters))  # type: ignore[attr-defined]
                and (not scope.digits or max(scope.digits) >= digits)  # type: ignore[attr-defined]
            )
        if detail == "products":
            return not total_row
        if partial_ok:
            return True
        # a total question: the source's own totals, or detail that holds all goods; data
        # of no recorded coverage (none given) are taken at their word only for totals
        return total_row or (scope is not None and scope.all_goods)  # type: ignore[attr-defined]

    ok = [covers(sp, bool(tr)) for sp, tr in zip(scope_of, summary.is_total, strict=True)]
    # a new frame: the summary may be the one remembered for every year (_summary)
    summary = summary.assign(all_goods=[sp is not None and sp.all_goods for sp in scope_of])
    dropped = summary[[not o for o in ok]]
    summary = summary[ok]
    from bilat.ledger.coverage import partial_notes

    partial = tuple(partial_notes(sc, years, dropped.source)) if sc else ()
    if summary.empty:
        if detail == "products" or products:
            what = f"HS {', '.join(products)}" if products else "product-level flows"
            raise NotCoveredError(
                f"no {what} data involving {who}"
                + (f" in source {source!r}" if source else "")
                + span,
                exists=list(partial),
                hint="this needs HS detail (e.g. BACI or Comtrade by commodity) covering "
                "those products",
            )
        codes = sorted(
            {c for (s, y), scp in sc.items() if s in set(dropped.source) for c in scp.chapters}
        )
        ask = f"; ask for them with --products {','.join(codes)}" if codes else ""
        raise NotCoveredError(
            f"no all-goods data for {who}" + (f" in source {source!r}" if source else "") + span,
            exists=list(partial),
            hint=f"partial figures are not totals{ask}" if partial else "",
        )
    product_question = detail == "products" or bool(products)
    if light is not None and product_question and summary.source.nunique() > 1:
        # several sources could answer: the number of distinct products decides (below),
        # which economy_totals does not hold
        return _choose(
            s, t, economies, source, detail, years, both_reports, where, detail_table,
            economy, scopes, products, partners, partial_ok, side, exact=True,
        )  # fmt: skip
    if detail == "products" and summary.source.nunique() > 1 and detail_table is not None:
        # several product sources: the number of distinct products decides, which only
        # the detail knows (a derived table holds chapters)
        return choose_source(
            s,
            detail_table,
            economies,
            source=source,
            detail=detail,
            years=years,
            both_reports=both_reports,
            scopes=scopes,
            products=products,
            partners=partners,
            side=side,
        )
    if detail == "total" and summary.is_total.any():
        summary = summary[summary.is_total]
    per = (
        summary.groupby("source")
        .agg(
            n=("n", "sum"),
            n_years=("year", "nunique"),
            n_products=("n_products", "max"),
            is_total=("is_total", "max"),
            all_goods=("all_goods", "min"),
        )
        .reset_index()
    )
    # Totals first, then the source covering most years, then most rows, then by name.
    per = per.assign(rank_total=per.is_total.astype(int)).sort_values(
        ["rank_total", "n_years", "n", "source"], ascending=[False, False, False, True]
    )
    if detail == "products" or products:
        # For product questions all goods first, then the finest, widest product coverage
        # (world RCA needs it).
        per = per.sort_values(
            ["all_goods", "n_products", "n_years", "n", "source"],
            ascending=[False, False, False, False, True],
        )
    best = per.iloc[0]
    mine = summary[summary.source == best.source]
    if not (detail == "products" or products):
        mine = mine[mine.is_total == best.is_total]
    others = sorted(set(per.source) - {best.source})
    why = (
        f"source given: {best.source}"
        if source
        else f"{best.source} chosen ({'totals' if best.is_total else 'summed product detail'}, "
        f"{best.n_years} years)" + (f"; also in store: {', '.join(others)}" if others else "")
    )
    got = tuple(sorted(int(y) for y in mine.year.unique()))
    if products:
        scope = "HS " + ", ".join(products)
    elif detail == "products" or (partial_ok and not best.is_total):
        sps = [sc.get((str(best.source), y)) for y in got]
        known = [x for x in sps if x is not None]
        scope = (
            "all goods"
            if known and all(x.all_goods for x in known)
            else "; ".join(sorted({x.describe() for x in known})) or "product detail"
        )
    else:
        scope = "all goods"
    return SourceChoice(
        source=str(best.source),
        release=", ".join(sorted({str(r) for rs in mine.releases for r in rs})),
        detail="total" if (best.is_total and not products) else "products",
        years=got,
        reported_by=tuple(sorted({str(r) for rs in mine.reported_by for r in rs})),
        why=why,
        scope=scope,
        uncovered=tuple(sorted(set(years) - set(got))) if years else (),
        partial=partial,
    )


def _summary(
    s: Data,
    t: ir.Table,
    economies: tuple[Economy, ...],
    source: str | None,
    both_reports: bool,
    where: Callable[[ir.Table], ir.BooleanValue] | None,
    economy: ir.Table | None,
    side: Side | None = None,
) -> pd.DataFrame:
    """What each source holds for the economies, per (source, totals or detail, year): rows,
    products, releases and reporting sides — one query for every year, remembered per table
    expression, so that questions about other years of the same pair ask nothing more."""
    if where is not None:  # a callable: no key to remember it by
        return _summary_of(s, t, economies, source, both_reports, where, economy, side)
    key = ("summary", t.op(), economies, source, both_reports,
           None if economy is None else economy.op(), side)  # fmt: skip
    return s.remember(
        key, lambda: _summary_of(s, t, economies, source, both_reports, None, economy, side)
    )


def _light_summary(
    s: Data,
    t: ir.Table,
    economies: tuple[Economy, ...],
    source: str | None,
    both_reports: bool,
    side: Side | None,
) -> pd.DataFrame | None:
    """``_summary`` of single countries on the flows detail, from their economy_totals rows
    (``_economy_rows``) instead of the detail: the same sources, years, levels, releases,
    reporting sides and row counts, with ``n_products`` unknown (0). None when it cannot
    stand in: another table, a group or region, no derived tables."""
    if not _by_economy(s, economies) or t.op() != flows_table(s).op():
        return None
    return _from_economy_rows(s, economies, source, both_reports, side, "detail")


def _by_economy(s: Data, economies: tuple[Economy, ...]) -> bool:
    """Can the economies' summaries be read from their economy_totals rows?"""
    if not economies or len(economies) > 2 or any(e.kind != "country" for e in economies):
        return False
    return economy_table(s) is not None


def _economy_rows(s: Data, e: Economy) -> pd.DataFrame:
    """A country's rows of economy_totals (its trade on both sides, one look-up), summed per
    source, level (is_total), year, release, reporting side, exporter and importer.

    Every summary of the country, or of a pair it is in, on the flows detail or on
    pair_totals, is a sum over these few thousand rows: one query per country instead of one
    per question (a report asks about A, B and A–B, on several tables)."""
    et = economy_table(s)
    assert et is not None
    keys = ["source", "is_total", "year", "release", "reported_by", "exporter", "importer"]

    def build(econs: tuple[Economy, ...]) -> ir.Table:
        rows = trade_of(et, econs[0])
        return (
            rows.mutate(is_total=rows.product == TOTAL)
            .group_by(keys)
            .aggregate(rows=_.detail_rows.sum())
        )

    shape = ("economy rows", table_key(et))

    def compute() -> pd.DataFrame:
        out = run_for(s, (e,), shape, build)
        out["year"] = out.year.astype(int)
        return out

    return s.remember(("economy rows", shape, e.code), compute)


def _from_economy_rows(
    s: Data,
    economies: tuple[Economy, ...],
    source: str | None,
    both_reports: bool,
    side: Side | None,
    counted: Literal["detail", "pair_totals", "economy_totals"],
) -> pd.DataFrame:
    """``_summary`` of one or two countries from the first one's ``_economy_rows``.

    ``counted``: what ``n`` counts, as the query it stands for would — the detail's rows
    ("detail": ``n_products`` unknown, 0), pair_totals' rows summed ("pair_totals"), or
    economy_totals' rows summed ("economy_totals", where a row with the same country on both
    sides comes twice, once under each side). On pair_totals a level has one product code
    (``TOTAL`` or ``SUM``): ``n_products`` is 1."""
    rows = _economy_rows(s, economies[0])
    a = economies[0].code
    if len(economies) == 2:
        b = economies[1].code
        ex, im = rows.exporter, rows.importer
        rows = rows[((ex == a) & (im == b)) | ((ex == b) & (im == a))]
    if side is not None:
        rows = rows[rows[side] == a]
    if source is not None:
        rows = rows[rows.source == source]
    if both_reports:
        rows = rows[rows.reported_by.isin(["exporter", "importer"])]
    n = rows["rows"].to_numpy()
    if counted != "economy_totals":
        # a row with A on both sides is in A's economy_totals rows twice: counted once
        n = np.where(rows.exporter.to_numpy() == rows.importer.to_numpy(), n // 2, n)
    grouped = rows.assign(n=n).groupby(["source", "is_total", "year"], sort=False)
    out = grouped.agg(
        n=("n", "sum"),
        releases=("release", lambda v: list(pd.unique(v))),
        reported_by=("reported_by", lambda v: list(pd.unique(v))),
    ).reset_index()
    out.insert(4, "n_products", 0 if counted == "detail" else 1)
    out["year"] = out.year.astype(int)
    out["n"] = out.n.astype("int64")
    return out


def _summary_of(
    s: Data,
    t: ir.Table,
    economies: tuple[Economy, ...],
    source: str | None,
    both_reports: bool,
    where: Callable[[ir.Table], ir.BooleanValue] | None,
    economy: ir.Table | None,
    side: Side | None = None,
) -> pd.DataFrame:
    """_summary without the memory."""
    totals = s.derived("pair_totals") if where is None and _by_economy(s, economies) else None
    et = economy_table(s)
    if (
        totals is not None
        and t.op() == totals.op()
        and (economy is None or (et is not None and economy.op() == et.op()))
    ):
        # pair_totals, alone or through economy_totals: a sum over the countries' rows
        counted = "pair_totals" if economy is None else "economy_totals"
        return _from_economy_rows(s, economies, source, both_reports, side, counted)

    def build(econs: tuple[Economy, ...]) -> ir.Table:
        if economy is not None and len(econs) in (1, 2):
            rows = trade_of(economy, *econs)
        elif len(econs) == 2:
            rows = pair_rows(t, *econs)
        elif len(econs) == 1:
            rows = side_rows(t, econs[0])
        else:
            rows = t
        rows = rows.filter(involves(rows, econs))
        if where is not None:
            rows = rows.filter(where(rows))
        if side is not None:
            rows = rows.filter(econs[0].contains(rows[side], rows.year))
        if source is not None:
            rows = rows.filter(rows.source == source)
        if both_reports:
            rows = rows.filter(rows.reported_by.isin(["exporter", "importer"]))
        is_total = rows.product == TOTAL
        # on a derived table each row stands for detail_rows rows of the detail
        count = _.detail_rows.sum() if "detail_rows" in t.columns else _.count()
        return (
            rows.mutate(is_total=is_total)
            .group_by(["source", "is_total", "year"])
            .aggregate(
                n=count,
                n_products=_.product.nunique(),
                releases=_.release.collect(distinct=True),
                reported_by=_.reported_by.collect(distinct=True),
            )
        )

    if where is not None:  # a callable: no shape to prepare the query by
        out = s.run(build(economies))
    else:  # prepared once per shape: another pair only binds its codes
        shape = ("summary", table_key(t, economy), source, both_reports, side)
        out = run_for(s, economies, shape, build)
    out["year"] = out.year.astype(int)
    return out


def _group_reason(economies: tuple[Economy, ...], years: tuple[int, ...] | None) -> str:
    """Why a group or region side has no flows: not formed yet, or no regional data."""
    out = []
    for e in economies:
        if e.kind == "group" and years:
            empty = [y for y in years if not e.members(y)]
            if empty:
                first = min(s.first for s in e.spans)
                last = max(s.last for s in e.spans)
                span = f"{first}–{last}" if last < 2035 else f"from {first}"
                out.append(
                    f"{e.code} had no members in {', '.join(map(str, sorted(empty)))} "
                    f"(membership {span})"
                )
        elif e.kind == "region":
            out.append(
                f"{e.code} is a region: its trade needs regional customs data (e.g. Russia's, "
                "`bilat data add FILE --format ru-customs`), and the store has none for it"
            )
    return "; ".join(out)


def source_rows(t: ir.Table, choice: SourceChoice) -> ir.Table:
    """The chosen source's rows at the chosen level of detail."""
    rows = t.filter(t.source == choice.source)
    if choice.detail == "total":
        return rows.filter(rows.product == TOTAL)
    return rows.filter(rows.product != TOTAL)


def report_kind(t: ir.Table, basis: str) -> ir.BooleanValue:
    """Rows counted under ``basis`` (re-exports and re-imports are never counted)."""
    if basis == "reconciled":
        return t.reported_by == "reconciled"
    if basis == "exporter":
        return (t.reported_by == "exporter") & (t.flow == "X")
    if basis == "importer":
        return (t.reported_by == "importer") & (t.flow == "M")
    raise InputError(f"basis {basis!r} cannot select rows")


def usd_sum(value: ir.NumericValue, where: ir.BooleanValue | None = None) -> ir.FloatingScalar:
    """The sum of USD values (of the rows ``where`` holds), as a float that is the same on every
    run: added as exact decimals (``USD_SUM_TYPE``), so the order in which the engine's threads
    add a table's row groups cannot change its last digits (a report compared with itself, or
    the API's answer with the CLI's, would otherwise differ there). NULL when no row counts."""
    return value.cast(USD_SUM_TYPE).sum(where=where).cast("float64")


def null_float() -> ir.FloatingScalar:
    """A typed NULL: sums of only NULLs stay NULL, so 'no report' differs from zero."""
    return ibis.null().cast("float64")
