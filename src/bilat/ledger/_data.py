"""Getting the flows table out of what the caller passed, and choosing one source for a figure.

The rule (documented in the ledger's README section of each function): an explicit ``source=``
wins; otherwise totals come from a source that has ``product == TOTAL`` rows for the pair, and
product detail from one source that has it, never mixing sources in one figure.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import ibis
import ibis.expr.types as ir
import pandas as pd
from ibis import _

from bilat.errors import InputError, NoDataError
from bilat.ledger.economies import Economy
from bilat.ledger.results import Provenance
from bilat.schema import TOTAL

Basis = Literal["auto", "reconciled", "exporter", "importer"]
BASES: tuple[str, ...] = ("auto", "reconciled", "exporter", "importer")
Detail = Literal["total", "products"]

# Codes that stand for "the world" as a partner: used for exports-to-world rows.
WORLD = "WLD"


def flows_table(data: object) -> ir.Table:
    """The canonical flows table from a ``Store`` or an ibis table expression."""
    if isinstance(data, ir.Table):
        return data
    table = getattr(data, "table", None)
    if callable(table):
        return table("flows")
    raise InputError(
        f"expected a bilat Store or an ibis flows table, got {type(data).__name__}; "
        "open one with bilat.store.Store(path)"
    )


def _derived(data: object, name: str) -> ir.Table | None:
    """A store's derived table when it is built for every flows partition, else None."""
    if isinstance(data, ir.Table) or not getattr(data, "derived_ready", False):
        return None
    return data.table(name)  # type: ignore[attr-defined]


def totals_table(data: object) -> ir.Table:
    """Flows summed over products per pair and period (a store's ``pair_totals``), or the detail.

    It has the flows table's columns, with ``product`` = ``TOTAL`` for a source's own all-goods
    rows and ``SUM`` for the sum of its product rows, so total questions read a few rows per
    pair instead of the pair's product detail. An ibis table (or an older store) is used as is.
    """
    derived = _derived(data, "pair_totals")
    return flows_table(data) if derived is None else derived


def economy_table(data: object) -> ir.Table | None:
    """A store's ``economy_totals`` (pair_totals under each side's economy), or None."""
    return _derived(data, "economy_totals")


def trade_of(et: ir.Table, a: Economy, b: Economy | None = None) -> ir.Table:
    """From ``economy_totals``: the rows of A's trade (with B only, when given), as pair_totals
    rows. One look-up on the sorted ``economy`` column reads A's rows alone; a row with both
    sides in A (within a group) comes twice, and every question drops those flows anyway."""
    rows = et.filter(et.economy.isin(sorted(a.all_members)))
    if b is not None:
        bm = sorted(b.all_members)
        rows = rows.filter(rows.exporter.isin(bm) | rows.importer.isin(bm))
    return rows.drop("economy")


def chapters_table(data: object) -> ir.Table | None:
    """Flows summed per pair, period and HS chapter (a store's ``pair_chapters``), or None."""
    return _derived(data, "pair_chapters")


def run(expr: ir.Table) -> pd.DataFrame:
    """Execute a table expression into pandas; on a store's DuckDB connection the SQL of an
    expression already compiled is reused, as a prepared statement would be.

    Compiling is most of a small query's cost, and the pieces of a report (or a claim
    checker's many questions) ask the same queries again. In-memory tables are executed by
    ibis as usual (it registers them with the engine first).
    """
    import ibis.expr.operations as ops

    op = expr.op()
    sql = _SQL.get(op)
    if sql is None:
        backend = expr._find_backend(use_default=True)
        if getattr(backend, "name", "") != "duckdb" or op.find(ops.InMemoryTable):
            from bilat.engines import execute

            # other engines (Spark): what the engine cannot run is an EngineError naming it
            return execute(expr)
        sql = backend.compile(expr)
        _SQL[op] = sql
        if len(_SQL) > _SQL_KEPT:
            _SQL.popitem(last=False)
    else:
        _SQL.move_to_end(op)
        backend = expr._find_backend(use_default=True)
    return _to_pandas(expr, backend.con.sql(sql).to_arrow_table())


def run_for(
    economies: tuple[Economy, ...],
    shape: tuple,
    build: Callable[[tuple[Economy, ...]], ir.Table],
) -> pd.DataFrame:
    """``run(build(economies))``, with the SQL compiled once per question ``shape``.

    When every economy is a single country, the query is built for stand-in countries and its
    SQL kept with their codes as placeholders: later questions of the same shape (same table,
    source, years …; ``shape`` says which) only swap in their codes, as a prepared statement
    takes parameters, and skip building and compiling the expression (~10 ms a query warm, a
    lot more cold). Groups, regions and other engines run as usual.
    """
    if not economies or any(e.kind != "country" for e in economies):
        return run(build(economies))
    key = (shape, len(economies))
    hit = _TEMPLATES.get(key)
    if hit is not None:
        backend, template, expr = hit
    else:
        stand_ins = tuple(Economy.country(code) for code in _STAND_INS[: len(economies)])
        expr = build(stand_ins)
        backend = expr._find_backend(use_default=True)
        import ibis.expr.operations as ops

        if getattr(backend, "name", "") != "duckdb" or expr.op().find(ops.InMemoryTable):
            return run(build(economies))  # another engine, or a table ibis must register first
        template = backend.compile(expr)
        if any(template.count(f"'{c}'") == 0 for c in _STAND_INS[: len(economies)]):
            return run(build(economies))  # the codes are not plain literals: no template
        _TEMPLATES[key] = (backend, template, expr)
        if len(_TEMPLATES) > _SQL_KEPT:
            _TEMPLATES.popitem(last=False)
    sql = template
    for stand_in, e in zip(_STAND_INS, economies, strict=False):
        sql = sql.replace(f"'{stand_in}'", "'" + e.code.replace("'", "''") + "'")
    return _to_pandas(expr, backend.con.sql(sql).to_arrow_table())


def table_key(*tables: ir.Table | None) -> tuple:
    """What identifies the tables a question reads, for ``run_for``'s ``shape``: their
    connection (one per store and manifest generation) and their expressions."""
    out: list[object] = []
    for t in tables:
        if t is None:
            out.append(None)
            continue
        # in-memory DuckDB connections of two stores compare equal: the object tells them apart
        out += [id(t._find_backend(use_default=True)), t.op()]
    return tuple(out)


# Codes no economy has (lower case, never ISO3), standing in for A and B in query templates.
_STAND_INS = ("zz-economy-a", "zz-economy-b")
# Compiled SQL per question shape: (backend, SQL with stand-ins, the stand-ins' expression).
_TEMPLATES: OrderedDict[tuple, tuple[object, str, ir.Table]] = OrderedDict()


def _to_pandas(expr: ir.Table, table: object) -> pd.DataFrame:
    """Arrow result to pandas with the expression's types, as ibis's DuckDB backend does."""
    import pyarrow.types as pat
    from ibis.backends.duckdb.converter import DuckDBPandasData

    def plain(col: object) -> bool:
        t = col.type  # type: ignore[attr-defined]
        if pat.is_integer(t) or pat.is_boolean(t):
            return not col.null_count  # type: ignore[attr-defined]  # NULLs would turn them to floats
        return pat.is_floating(t) or pat.is_string(t) or pat.is_large_string(t)

    if all(plain(c) for c in table.columns):  # type: ignore[attr-defined]
        # the ledger's usual result (numbers and codes): Arrow's own conversion already gives
        # the types ibis would, at a fraction of the cost
        return table.to_pandas()  # type: ignore[attr-defined]
    cols = {}
    for name, col in zip(table.column_names, table.columns, strict=True):  # type: ignore[attr-defined]
        if pat.is_dictionary(col.type):
            col = col.cast(col.type.value_type)
        if pat.is_nested(col.type) or (col.null_count and not pat.is_floating(col.type)):
            cols[name] = col.to_pylist()
        else:
            # numpy-backed (floats with NULLs become NaN), never Arrow-backed: a report then
            # iterates and groups plain arrays
            cols[name] = col.to_pandas(types_mapper=None)
    df = DuckDBPandasData.convert_table(pd.DataFrame(cols), expr.schema())
    return expr.__pandas_result__(df)


# Compiled SQL of recent expressions (keys hold their store's connection alive).
_SQL: OrderedDict[object, str] = OrderedDict()
_SQL_KEPT = 256


def check_basis(basis: str) -> str:
    """The basis if valid, else InputError listing the choices."""
    if basis not in BASES:
        raise InputError(f"basis {basis!r} is not one of {', '.join(BASES)}")
    return basis


@dataclass(frozen=True)
class SourceChoice:
    """The one source a figure is computed from, and what it holds for the question."""

    source: str
    release: str
    detail: Detail
    years: tuple[int, ...]
    reported_by: tuple[str, ...]
    why: str

    @property
    def sql_key(self) -> tuple:
        """What of the choice a query's SQL depends on (source_rows and report_sums)."""
        return (self.source, self.detail, self.reported_by)

    def provenance(self, basis: str = "", notes: tuple[str, ...] = ()) -> Provenance:
        """Provenance naming this source, its release(s) and the basis."""
        return Provenance(self.source, self.release, self.years, basis, notes)


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
) -> SourceChoice:
    """Pick the source (and level of detail) for a question about ``economies``.

    ``detail=None`` means totals preferred, product detail summed otherwise; ``"products"``
    insists on product detail (composition, mirror by product, indices). ``both_reports``
    keeps only sources where exporters and importers both report (mirror statistics).
    When ``t`` is a derived table, ``detail_table`` (the flows detail) settles a product
    question that several sources could answer; ``economy`` (a store's ``economy_totals``
    beside ``t`` = pair_totals) makes the question read only the economies' own rows.

    Choices are remembered per table expression (a store's tables are new expressions after
    every change), so the several pieces of one report ask the store once.
    """
    if where is not None:  # a callable: no key to remember it by
        return _choose(
            t, economies, source, detail, years, both_reports, where, detail_table, economy
        )
    try:
        # in-memory DuckDB connections of two stores compare equal in ibis, and so do their
        # tables' expressions: the connection object itself tells stores apart
        engine = id(t._find_backend(use_default=True))
    except Exception:  # no single backend (should not happen): do not remember
        return _choose(
            t, economies, source, detail, years, both_reports, None, detail_table, economy
        )
    key = (
        engine,
        t.op(),
        economies,
        source,
        detail,
        tuple(years) if years else None,
        both_reports,
        None if detail_table is None else detail_table.op(),
    )
    hit = _CHOICES.get(key)
    if hit is None:
        hit = _choose(
            t, economies, source, detail, years, both_reports, None, detail_table, economy
        )
        _CHOICES[key] = hit
        if len(_CHOICES) > _CHOICES_KEPT:
            _CHOICES.popitem(last=False)
    else:
        _CHOICES.move_to_end(key)
    return hit


# Recent source choices, oldest first; each holds a reference to its store's connection.
_CHOICES: OrderedDict[tuple, SourceChoice] = OrderedDict()
_CHOICES_KEPT = 64


def _choose(
    t: ir.Table,
    economies: tuple[Economy, ...],
    source: str | None,
    detail: Detail | None,
    years: tuple[int, ...] | None,
    both_reports: bool,
    where: Callable[[ir.Table], ir.BooleanValue] | None,
    detail_table: ir.Table | None,
    economy: ir.Table | None = None,
) -> SourceChoice:
    """choose_source without the memory."""
    if economy is not None and len(economies) in (1, 2):
        rows = trade_of(economy, *economies)
    elif len(economies) == 2:
        rows = pair_rows(t, *economies)
    elif len(economies) == 1:
        rows = side_rows(t, economies[0])
    else:
        rows = t
    rows = rows.filter(involves(rows, economies))
    if where is not None:
        rows = rows.filter(where(rows))
    if years:
        rows = rows.filter(rows.year.isin(list(years)))
    if source is not None:
        rows = rows.filter(rows.source == source)
    if both_reports:
        rows = rows.filter(rows.reported_by.isin(["exporter", "importer"]))
    is_total = rows.product == TOTAL
    # on a derived table each row stands for detail_rows rows of the detail
    count = _.detail_rows.sum() if "detail_rows" in t.columns else _.count()
    summary = (
        rows.mutate(is_total=is_total)
        .group_by(["source", "is_total"])
        .aggregate(
            n=count,
            n_years=_.year.nunique(),
            n_products=_.product.nunique(),
            releases=_.release.collect(distinct=True),
            years=_.year.collect(distinct=True),
            reported_by=_.reported_by.collect(distinct=True),
        )
    )
    summary = run(summary)
    who = " and ".join(e.code for e in economies)
    if summary.empty:
        where = f" in source {source!r}" if source else ""
        span = f" for {min(years)}–{max(years)}" if years else ""
        raise NoDataError(f"no flows involving {who}{where}{span}; add data with `bilat data add`")
    if both_reports:
        summary = summary[summary.reported_by.map(lambda r: {"exporter", "importer"} <= set(r))]
        if summary.empty:
            raise NoDataError(
                f"no source reports flows between {who} from both sides; mirror statistics need "
                "reporter data such as UN Comtrade"
            )
    if detail == "products":
        summary = summary[~summary.is_total]
        if len(summary) > 1 and detail_table is not None:
            # several product sources: the number of distinct products decides, which only
            # the detail knows (a derived table holds chapters)
            return choose_source(
                detail_table,
                economies,
                source=source,
                detail=detail,
                years=years,
                both_reports=both_reports,
                where=where,
            )
        if summary.empty:
            raise NoDataError(
                f"no product-level flows involving {who}"
                + (f" in source {source!r}" if source else "")
                + "; this needs HS detail (e.g. BACI or Comtrade by commodity)"
            )
    elif detail == "total" and summary.is_total.any():
        summary = summary[summary.is_total]
    # Totals first, then the source covering most years, then most rows, then by name.
    summary = summary.assign(rank_total=summary.is_total.astype(int)).sort_values(
        ["rank_total", "n_years", "n", "source"], ascending=[False, False, False, True]
    )
    if detail == "products":
        # For product questions the finest, widest product coverage wins (world RCA needs it).
        summary = summary.sort_values(
            ["n_products", "n_years", "n", "source"], ascending=[False, False, False, True]
        )
    best = summary.iloc[0]
    others = sorted(set(summary.source) - {best.source})
    why = (
        f"source given: {best.source}"
        if source
        else f"{best.source} chosen ({'totals' if best.is_total else 'summed product detail'}, "
        f"{best.n_years} years)" + (f"; also in store: {', '.join(others)}" if others else "")
    )
    return SourceChoice(
        source=str(best.source),
        release=", ".join(sorted(str(r) for r in best.releases)),
        detail="total" if best.is_total else "products",
        years=tuple(sorted(int(y) for y in best.years)),
        reported_by=tuple(sorted(str(r) for r in best.reported_by)),
        why=why,
    )


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


def null_float() -> ir.FloatingScalar:
    """A typed NULL: sums of only NULLs stay NULL, so 'no report' differs from zero."""
    return ibis.null().cast("float64")
