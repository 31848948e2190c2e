"""Growth of a flow: on the same period of an earlier year, CAGR over a span, multiples."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from bilat.errors import InputError
from bilat.ledger.economies import Economy
from bilat.ledger.flows import bilateral_flows
from bilat.ledger.results import LedgerResult
from bilat.ledger.vocabulary import Basis, Frequency
from bilat.store.session import DataLike, session_of

MEASURES = ("exports", "imports", "turnover", "balance")


def cagr(start: float, end: float, years: float) -> float:
    """Compound annual growth rate from ``start`` to ``end`` over ``years`` (0.183 = 18.3 %/yr)."""
    if years <= 0:
        raise InputError(f"a growth rate needs a span of at least one year, got {years}")
    if start <= 0 or end < 0:
        raise InputError(f"a growth rate needs a positive start value, got {start} -> {end}")
    return (end / start) ** (1.0 / years) - 1.0


def multiple(start: float, end: float) -> float:
    """How many times ``start`` the ``end`` value is (2.0 = doubled)."""
    if start <= 0:
        raise InputError(f"a multiple needs a positive start value, got {start}")
    return end / start


def describe_multiple(m: float) -> str:
    """Words for a multiple: 'doubled', 'tripled', 'rose 1.4-fold', 'halved', 'fell by 30 %'."""
    named = {2: "doubled", 3: "tripled", 4: "quadrupled"}
    for k, word in named.items():
        if abs(m - k) < 0.05 * k:
            return f"{word} ({m:.2f}×)"
    if abs(m - 0.5) < 0.025:
        return f"halved ({m:.2f}×)"
    if m >= 1:
        return f"rose {m:.2f}-fold"
    return f"fell by {(1 - m) * 100:.0f} %"


@dataclass(frozen=True, repr=False)
class GrowthResult(LedgerResult):
    """A measure per period with its change on the comparable earlier period."""

    measure: str = "turnover"


def growth_table(values: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Change of ``measure`` on the same period of the latest earlier year that has it.

    For annual data with gaps (every 4th year) the comparison is with the previous observed
    year and ``annualised`` gives the yearly rate over the gap.
    """
    frame = values[["year", "period", measure]].dropna().sort_values(["period", "year"]).copy()
    frame = frame.rename(columns={measure: "value"})
    grouped = frame.groupby("period")
    frame["previous_year"] = grouped.year.shift(1)
    frame["previous"] = grouped.value.shift(1)
    frame["change"] = frame.value - frame.previous
    ok = frame.previous > 0
    frame["pct_change"] = np.where(ok, frame.value / frame.previous - 1.0, np.nan)
    gap = frame.year - frame.previous_year
    with np.errstate(invalid="ignore", divide="ignore"):
        frame["annualised"] = np.where(
            ok & (frame.value >= 0), (frame.value / frame.previous) ** (1.0 / gap) - 1.0, np.nan
        )
    frame["previous_year"] = frame.previous_year.astype("Int64")
    return frame.sort_values(["year", "period"]).reset_index(drop=True)


def growth(
    data: DataLike,
    a: str | Economy,
    b: str | Economy,
    *,
    measure: str = "turnover",
    frequency: Frequency = "annual",
    years: tuple[int, ...] | list[int] | range | None = None,
    basis: Basis = "auto",
    source: str | None = None,
    products: str | tuple[str, ...] | list[str] | None = None,
) -> GrowthResult:
    """Growth of A–B ``measure`` period on period (H1 on the previous H1, year on year);
    ``products`` (HS codes): of those products only, a partial figure labelled so."""
    session = session_of(data)
    if measure not in MEASURES:
        raise InputError(f"measure {measure!r} is not one of {', '.join(MEASURES)}")
    flows = bilateral_flows(
        session,
        a,
        b,
        years=years,
        frequency=frequency,
        basis=basis,
        source=source,
        products=products,
    )
    scope = "" if flows.provenance.products == "all goods" else f" in {flows.provenance.products}"
    return GrowthResult(
        title=f"Growth of {measure}{scope}, {flows.a} with {flows.b}",
        table=growth_table(flows.table, measure),
        provenance=flows.provenance,
        formula="pct_change = value / previous − 1; annualised = (value / previous)^(1/gap) − 1",
        measure=measure,
    )


def growth_between(
    data: DataLike,
    a: str | Economy,
    b: str | Economy,
    start: int,
    end: int,
    *,
    measure: str = "turnover",
    basis: Basis = "auto",
    source: str | None = None,
) -> GrowthResult:
    """CAGR and multiple of A–B ``measure`` from year ``start`` to year ``end``."""
    session = session_of(data)
    if end <= start:
        raise InputError(f"end year {end} must be after start year {start}")
    flows = bilateral_flows(session, a, b, years=(start, end), basis=basis, source=source)
    v0, v1 = (flows.value(y, measure) for y in (start, end))
    m = multiple(v0, v1)
    table = pd.DataFrame(
        [
            {
                "start_year": start,
                "end_year": end,
                "start": v0,
                "end": v1,
                "cagr": cagr(v0, v1, end - start),
                "multiple": m,
                "in_words": describe_multiple(m),
            }
        ]
    )
    return GrowthResult(
        title=f"{measure.capitalize()} of {flows.a} with {flows.b}, {start}→{end}",
        table=table,
        provenance=flows.provenance,
        formula="CAGR = (end / start)^(1 / (end_year − start_year)) − 1; multiple = end / start",
        measure=measure,
    )


__all__ = ["GrowthResult", "cagr", "describe_multiple", "growth", "growth_between", "multiple"]
