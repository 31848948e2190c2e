"""Target tracker: "turnover of 30 bn USD by 2020, from 15 bn in 2016" — how is it going?

Required CAGR = (target / base)^(1 / (target_year − base_year)) − 1. The trend is a
log-linear fit ln(value) = α + β·(year − base_year) over the years from the base on; its
prediction interval is the usual OLS one on the log scale. With no observation after the
base year the verdict is "not enough data": nothing is extrapolated from a single point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from bilat.errors import InputError
from bilat.ledger.economies import Economy
from bilat.ledger.flows import bilateral_flows
from bilat.ledger.growth import cagr
from bilat.ledger.results import LedgerResult, Provenance
from bilat.ledger.vocabulary import Basis
from bilat.store.session import DataLike, session_of

Verdict = Literal["met", "on track", "off track", "not enough data"]


@dataclass(frozen=True, repr=False)
class TargetResult(LedgerResult):
    """Progress towards a target, the growth it needs, the trend, and a verdict."""

    target: float = 0.0
    target_year: int = 0
    base_year: int = 0
    base_value: float = 0.0
    latest_year: int = 0
    latest_value: float = 0.0
    required_cagr: float = math.nan
    actual_cagr: float = math.nan
    projection: float = math.nan
    projection_low: float = math.nan
    projection_high: float = math.nan
    reach_year: int | None = None
    verdict: Verdict = "not enough data"

    @property
    def progress(self) -> float:
        """Share of the gap from base to target closed by the latest value (1.0 = met)."""
        gap = self.target - self.base_value
        return (self.latest_value - self.base_value) / gap if gap else math.nan

    @property
    def doubling_cagr(self) -> float:
        """The CAGR that exactly doubles the base value by the target year."""
        return 2.0 ** (1.0 / (self.target_year - self.base_year)) - 1.0

    def summary(self) -> str:
        """One paragraph an analyst can paste (numbers in words: bilat.render.numbers)."""
        from bilat.render.numbers import money, share

        parts = [
            f"Target {money(self.target)} by {self.target_year} from {money(self.base_value)} "
            f"in {self.base_year}: needs {share(self.required_cagr)} a year."
        ]
        if self.latest_year > self.base_year:
            parts.append(
                f"Latest {money(self.latest_value)} ({self.latest_year}), "
                f"{share(self.actual_cagr)} a year so far, {share(self.progress, 0)} of the way."
            )
        else:
            parts.append(f"No data after {self.base_year}.")
        parts.append(f"Verdict: {self.verdict}.")
        return " ".join(parts)

    def __str__(self) -> str:
        return self.summary() + "\n" + super().__str__()


def track(
    values: pd.Series,
    target: float,
    target_year: int,
    base_year: int,
    *,
    base_value: float | None = None,
    level: float = 0.9,
    provenance: Provenance | None = None,
    what: str = "value",
) -> TargetResult:
    """Track a target on a series of yearly values (index: year; values: USD)."""
    if target_year <= base_year:
        raise InputError(f"target year {target_year} must be after base year {base_year}")
    if target <= 0:
        raise InputError(f"target must be positive, got {target}")
    obs = values.dropna().astype(float)
    obs.index = obs.index.astype(int)
    obs = obs.sort_index()
    if base_value is None:
        if base_year not in obs.index:
            raise InputError(
                f"no {what} in base year {base_year}; give base_value or a year with data "
                f"({', '.join(str(y) for y in obs.index)})"
            )
        base_value = float(obs.loc[base_year])
    if base_value <= 0:
        raise InputError(f"base value must be positive, got {base_value}")
    since = obs[obs.index >= base_year]
    if base_year not in since.index:
        since = pd.concat([pd.Series({base_year: base_value}), since]).sort_index()
    latest_year, latest_value = int(since.index[-1]), float(since.iloc[-1])
    required = cagr(base_value, target, target_year - base_year)
    actual = (
        cagr(base_value, latest_value, latest_year - base_year)
        if latest_year > base_year
        else math.nan
    )

    proj = low = high = math.nan
    reach: int | None = None
    years = np.asarray(since.index, dtype=float) - base_year
    logs = np.log(since.to_numpy())
    x0 = target_year - base_year
    if len(since) >= 3:
        beta, alpha = np.polyfit(years, logs, 1)
        resid = logs - (alpha + beta * years)
        n = len(since)
        s = math.sqrt(float(resid @ resid) / (n - 2))
        sxx = float(((years - years.mean()) ** 2).sum())
        se = s * math.sqrt(1 + 1 / n + (x0 - years.mean()) ** 2 / sxx)
        from scipy import stats  # here, not at import: scipy.stats alone takes ~0.7 s to load

        q = stats.t.ppf(0.5 + level / 2, n - 2)
        mid = alpha + beta * x0
        proj, low, high = math.exp(mid), math.exp(mid - q * se), math.exp(mid + q * se)
        if beta > 0:
            reach = base_year + math.ceil((math.log(target) - alpha) / beta)
    elif len(since) == 2:
        # Two points: the trend is the CAGR between them; no interval can be given.
        beta = math.log1p(actual)
        proj = base_value * math.exp(beta * x0)
        if beta > 0:
            reach = base_year + math.ceil(math.log(target / base_value) / beta)

    met_years = since[(since.index <= target_year) & (since >= target)]
    verdict: Verdict
    if not met_years.empty:
        verdict = "met"
        reach = int(met_years.index[0])
    elif latest_year <= base_year:
        verdict, reach = "not enough data", None
    elif latest_year >= target_year:
        verdict = "off track"
    else:
        verdict = "on track" if proj >= target else "off track"

    table = pd.DataFrame({"year": since.index.astype(int), what: since.to_numpy()})
    table["path_needed"] = base_value * (1 + required) ** (table.year - base_year)
    if not math.isfinite(proj):
        proj_row = [{"year": target_year, "path_needed": target}]
        table = pd.concat([table, pd.DataFrame(proj_row)], ignore_index=True)
    else:
        table = pd.concat(
            [
                table,
                pd.DataFrame(
                    [
                        {
                            "year": target_year,
                            "projection": proj,
                            "low": low,
                            "high": high,
                            "path_needed": target,
                        }
                    ]
                ),
            ],
            ignore_index=True,
        )
    notes = [f"trend: log-linear fit on {len(since)} observation(s) from {base_year}"]
    if math.isfinite(low):
        notes.append(f"projection interval: {level:.0%} prediction interval")
    if verdict == "not enough data":
        notes.append(f"no data after {base_year}: no trend or verdict can be given")
    return TargetResult(
        title=f"Target: {what} of {target:,.0f} by {target_year} (base {base_year})",
        table=table,
        provenance=provenance or Provenance("given values", "", tuple(int(y) for y in obs.index)),
        formula="required CAGR = (target / base)^(1/(target_year − base_year)) − 1; "
        "trend ln v = α + β·(year − base_year)",
        notes=tuple(notes),
        target=float(target),
        target_year=target_year,
        base_year=base_year,
        base_value=float(base_value),
        latest_year=latest_year,
        latest_value=latest_value,
        required_cagr=required,
        actual_cagr=actual,
        projection=proj,
        projection_low=low,
        projection_high=high,
        reach_year=reach,
        verdict=verdict,
    )


def target_tracker(
    data: DataLike,
    a: str | Economy,
    b: str | Economy,
    target: float,
    target_year: int,
    base_year: int,
    *,
    measure: str = "turnover",
    base_value: float | None = None,
    level: float = 0.9,
    basis: Basis = "auto",
    source: str | None = None,
) -> TargetResult:
    """Track a target for A–B ``measure`` (USD) from ``base_year`` to ``target_year``."""
    session = session_of(data)
    flows = bilateral_flows(session, a, b, basis=basis, source=source)
    annual = flows.table[flows.table.period == "A"].set_index("year")[measure]
    return track(
        annual,
        target,
        target_year,
        base_year,
        base_value=base_value,
        level=level,
        provenance=flows.provenance,
        what=measure,
    )
