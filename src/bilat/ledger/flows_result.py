"""The result of ``bilat.ledger.flows.bilateral_flows``, in a module of its own: the start-up
path (``ledger.flows_direct``) builds one without importing the ledger's ibis expressions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bilat.errors import NoDataError, NotCoveredError
from bilat.ledger.economies import Economy
from bilat.ledger.results import LedgerResult

if TYPE_CHECKING:
    import pandas as pd


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
        import pandas as pd

        hit = self.table[(self.table.year == year) & (self.table.period == period)]
        if hit.empty:
            raise NotCoveredError(
                f"no {measure} for {self.a}–{self.b} in {year} {period}",
                exists=[f"this result covers {self.provenance}"],
            )
        if pd.isna(hit[measure].iloc[0]):
            missing = hit["missing"].iloc[0] if "missing" in hit else ""
            why = f": {missing} not reported" if missing else ""
            raise NoDataError(f"no {measure} for {self.a}–{self.b} in {year} {period}{why}")
        return float(hit[measure].iloc[0])
