"""Mirror gaps: what the exporter declares against what the importer declares for the same flow.

Imports are usually valued CIF (cost, insurance, freight) and exports FOB (free on board), so an
importer's figure is expected to exceed the exporter's by a margin of about 5–10 %; gaps well
outside that range point at differences in timing, partner attribution, re-exports or valuation.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import ibis.expr.types as ir
import numpy as np
import pandas as pd

from bilat.errors import NoDataError
from bilat.ledger import coverage, economies
from bilat.ledger._data import (
    choose_source,
    flows_table,
    null_float,
    report_kind,
    run_for,
    source_rows,
    table_key,
    usd_sum,
)
from bilat.ledger.economies import Economy
from bilat.ledger.flows import directed
from bilat.ledger.results import LedgerResult
from bilat.store.session import DataLike, session_of

#: The CIF/FOB margin one would expect (importer's figure above the exporter's), as fractions.
CIF_FOB_MARGIN = (0.05, 0.10)


def assess(gap_pct: float) -> str:
    """Words for a relative gap (importer / exporter − 1) against the expected CIF/FOB margin."""
    if pd.isna(gap_pct):
        return "one side did not report"
    if gap_pct < 0:
        return "importer reports less than exporter"
    if gap_pct <= CIF_FOB_MARGIN[1]:
        return "within the usual CIF/FOB margin"
    return "importer reports more than the CIF/FOB margin explains"


@dataclass(frozen=True, repr=False)
class MirrorResult(LedgerResult):
    """Exporter-reported against importer-reported values per direction, year (and product)."""

    def gap(self, year: int, direction: str, product: str | None = None) -> float:
        """Importer's minus exporter's figure (USD) for one direction such as ``RUS→KOR``."""
        t = self.table
        hit = t[(t.year == year) & (t.direction == direction)]
        if product is not None:
            hit = hit[hit["product"] == product]
        if hit.empty:
            raise NoDataError(f"no mirror figures for {direction} {product or ''} in {year}")
        return float(hit.gap.sum())


def mirror_gaps(
    data: DataLike,
    a: str | Economy,
    b: str | Economy,
    *,
    years: int | tuple[int, ...] | list[int] | range | None = None,
    by_product: bool = True,
    source: str | None = None,
) -> MirrorResult:
    """A's reported exports to B against B's reported imports from A, and the reverse (USD)."""
    session = session_of(data)
    ea, eb = economies.pair(a, b)
    t = flows_table(session)
    yrs = (years,) if isinstance(years, int) else (tuple(years) if years is not None else None)
    # any product scope can be compared side by side: the title says which products it is
    choice = choose_source(
        session,
        t,
        (ea, eb),
        source=source,
        years=yrs,
        both_reports=True,
        scopes=coverage.scopes(session),
        partial_ok=True,
    )
    keys = ["year", "product"] if by_product else ["year"]

    def build(pair: tuple[Economy, ...]) -> ir.Table:
        a_, b_ = pair
        rows = source_rows(t, choice)
        rows = rows.filter(rows.period == "A")
        if yrs:
            rows = rows.filter(rows.year.isin(list(yrs)))
        ab, ba = directed(rows, a_, b_)
        rows = rows.filter(ab | ba)
        ab, ba = directed(rows, a_, b_)
        by_x, by_m = report_kind(rows, "exporter"), report_kind(rows, "importer")
        sums = {
            "ab_x": usd_sum((ab & by_x).ifelse(rows.value_usd, null_float())),
            "ab_m": usd_sum((ab & by_m).ifelse(rows.value_usd, null_float())),
            "ba_x": usd_sum((ba & by_x).ifelse(rows.value_usd, null_float())),
            "ba_m": usd_sum((ba & by_m).ifelse(rows.value_usd, null_float())),
        }
        return rows.group_by(keys).aggregate(**sums)

    # prepared once per shape: another pair binds its codes
    shape = ("mirror", table_key(t), choice.sql_key, yrs, by_product)
    raw = run_for(session, (ea, eb), shape, build)
    if raw.empty:
        raise NoDataError(f"no flows between {ea.code} and {eb.code} in {choice.source}")
    parts = []
    for exp, imp, label in (
        ("ab_x", "ab_m", f"{ea.code}→{eb.code}"),
        ("ba_x", "ba_m", f"{eb.code}→{ea.code}"),
    ):
        part = raw[keys].copy()
        part.insert(1, "direction", label)
        part["exporter_reported"] = raw[exp]
        part["importer_reported"] = raw[imp]
        parts.append(part)
    table = pd.concat(parts, ignore_index=True)
    table["gap"] = table.importer_reported - table.exporter_reported
    table["gap_pct"] = np.where(
        table.exporter_reported > 0, table.gap / table.exporter_reported, np.nan
    )
    table["assessment"] = [assess(g) for g in table.gap_pct]
    table["year"] = table.year.astype(int)
    table = table.sort_values([*keys[:1], "direction", *keys[1:]]).reset_index(drop=True)
    lo, hi = CIF_FOB_MARGIN
    prov = replace(
        choice.provenance("exporter's report vs importer's report", (choice.why,)),
        years=tuple(sorted(set(table.year))),
    )
    return MirrorResult(
        title=f"Mirror statistics, {ea} and {eb}"
        + ("" if choice.scope == "all goods" else f", {choice.scope}")
        + " (USD)",
        table=table,
        provenance=prov,
        formula="gap = importer's reported imports − exporter's reported exports; "
        "gap_pct = gap / exporter's figure",
        notes=(
            f"imports are valued CIF and exports FOB: an importer's figure {lo:.0%}–{hi:.0%} above "
            "the exporter's is expected",
        ),
    )
