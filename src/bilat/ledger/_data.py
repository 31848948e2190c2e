"""Getting the flows table out of what the caller passed, and choosing one source for a figure.

The rule (documented in the ledger's README section of each function): an explicit ``source=``
wins; otherwise totals come from a source that has ``product == TOTAL`` rows for the pair, and
product detail from one source that has it, never mixing sources in one figure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import ibis
import ibis.expr.types as ir
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

    def provenance(self, basis: str = "", notes: tuple[str, ...] = ()) -> Provenance:
        """Provenance naming this source, its release(s) and the basis."""
        return Provenance(self.source, self.release, self.years, basis, notes)


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
) -> SourceChoice:
    """Pick the source (and level of detail) for a question about ``economies``.

    ``detail=None`` means totals preferred, product detail summed otherwise; ``"products"``
    insists on product detail (composition, mirror by product, indices). ``both_reports``
    keeps only sources where exporters and importers both report (mirror statistics).
    """
    rows = t.filter(involves(t, economies))
    if where is not None:
        rows = rows.filter(where(rows))
    if years:
        rows = rows.filter(rows.year.isin(list(years)))
    if source is not None:
        rows = rows.filter(rows.source == source)
    if both_reports:
        rows = rows.filter(rows.reported_by.isin(["exporter", "importer"]))
    is_total = rows.product == TOTAL
    summary = (
        rows.mutate(is_total=is_total)
        .group_by(["source", "is_total"])
        .aggregate(
            n=_.count(),
            n_years=_.year.nunique(),
            n_products=_.product.nunique(),
            releases=_.release.collect(distinct=True),
            years=_.year.collect(distinct=True),
            reported_by=_.reported_by.collect(distinct=True),
        )
        .execute()
    )
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
