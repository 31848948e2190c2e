"""Monte Carlo intervals for GE results from the sampling distribution of the agreement effect.

Each draw takes β ~ Normal(β̂, s.e.²) (s.e. clustered by pair, as estimated), sets it on every
agreement shock that uses the scenario's effect, and re-solves the conditional and full-endowment
equilibria on the same baseline. Intervals are percentiles of the draws. Draws are made up front
from one seeded generator, so results do not depend on how many workers solve them.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bilat.errors import InputError
from bilat.scenarios.ge import AgreementChange, Baseline, simulate
from bilat.scenarios.ge.shocks import Shock, with_effect
from bilat.scenarios.ge.solve import check_sigma, solve_resistances

# Per-country measures given intervals (GEResult.countries columns, percent).
MEASURES = ("exports_conditional_pct", "exports_full_pct", "producer_price_pct", "real_gdp_pct")


@dataclass(frozen=True)
class UncertaintySpec:
    """Monte Carlo settings: number of draws, interval level, seed, parallel workers (joblib)."""

    draws: int = 200
    level: float = 0.9
    seed: int = 0
    n_jobs: int = 1

    def __post_init__(self) -> None:
        if not (isinstance(self.draws, int) and self.draws >= 2):
            raise InputError(f"Monte Carlo draws must be a whole number ≥ 2, got {self.draws!r}")
        if not 0 < self.level < 1:
            raise InputError(f"interval level must be in (0, 1), e.g. 0.9; got {self.level!r}")


@dataclass(frozen=True, eq=False)
class Uncertainty:
    """Percentile intervals of GE results over draws of the agreement effect."""

    spec: UncertaintySpec
    effect: float
    std_error: float
    effect_draws: np.ndarray
    countries: pd.DataFrame  # index country; columns <measure>_low / <measure>_high
    pairs: pd.DataFrame  # index flow (A→B, B→A, A↔B turnover); conditional/full low/high

    @property
    def bounds(self) -> tuple[float, float]:
        """Lower and upper quantile probabilities of the intervals."""
        tail = (1 - self.spec.level) / 2
        return tail, 1 - tail

    def to_frame(self) -> pd.DataFrame:
        """Tidy long frame: country (or flow), measure, low, high."""
        rows = []
        for key, frame in (("country", self.countries), ("flow", self.pairs)):
            for idx, r in frame.iterrows():
                for col in frame.columns:
                    if col.endswith("_low"):
                        m = col[: -len("_low")]
                        rows.append((key, idx, m, r[col], r[f"{m}_high"]))
        return pd.DataFrame(rows, columns=["level", "name", "measure", "low", "high"])

    def summary(self) -> str:
        """One line on the method, then the pair intervals."""
        head = (
            f"{self.spec.level:.0%} intervals, Monte Carlo: {self.spec.draws} draws of the "
            f"agreement effect ~ N({self.effect:.4f}, {self.std_error:.4f}²), seed {self.spec.seed}"
        )
        return head + ("\n" + self.pairs.round(3).to_string() if len(self.pairs) else "")

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        return (
            f"<Uncertainty {self.spec.level:.0%} MC intervals, {self.spec.draws} draws, "
            f"effect {self.effect:.4f} ± {self.std_error:.4f}>"
        )

    def _repr_html_(self) -> str:
        return (
            f"<p>{html.escape(self.summary().splitlines()[0])}</p>" + self.pairs.round(3).to_html()
        )


def monte_carlo(
    baseline: Baseline,
    shocks: Sequence[Shock],
    *,
    effect: float,
    std_error: float,
    sigma: float = 7.0,
    spec: UncertaintySpec | None = None,
    pairs: Sequence[tuple[str, str]] = (),
) -> Uncertainty:
    """Intervals for per-country results and chosen pairs over draws of the agreement effect.

    ``shocks``: agreement shocks whose ``effect`` is None take each draw; others keep theirs.
    """
    spec = spec or UncertaintySpec()
    sigma = check_sigma(sigma)
    if not (np.isfinite(std_error) and std_error >= 0):
        raise InputError(f"standard error must be ≥ 0, got {std_error!r}")
    open_ = [isinstance(s, AgreementChange) and s.effect is None for s in shocks]
    if not any(open_):
        raise InputError(
            "no agreement shock takes the estimated effect (only agreement shocks without "
            "their own 'effect' do), so there is nothing to draw; uncertainty needs one"
        )
    rng = np.random.default_rng(spec.seed)
    betas = effect + std_error * rng.standard_normal(spec.draws)
    betas.setflags(write=False)
    r = baseline.reference_index
    base = solve_resistances(baseline.trade_costs, baseline.output, baseline.expenditure, r)

    def one(beta: float) -> tuple[np.ndarray, np.ndarray]:
        res = simulate(baseline, with_effect(shocks, float(beta)), sigma=sigma, base=base)
        country = res.countries[list(MEASURES)].to_numpy()
        pair = np.array(
            [res.bilateral(a, b)[["conditional_pct", "full_pct"]].to_numpy() for a, b in pairs]
        )
        return country, pair

    if spec.n_jobs == 1:
        out = [one(b) for b in betas]
    else:
        from joblib import Parallel, delayed

        # threads: the solves are numpy matrix products that release the GIL, and the baseline
        # is shared rather than pickled to each worker
        out = Parallel(n_jobs=spec.n_jobs, prefer="threads")(delayed(one)(b) for b in betas)
    lo, hi = (1 - spec.level) / 2, 1 - (1 - spec.level) / 2
    c = np.stack([o[0] for o in out])  # draws × countries × measures
    c_lo, c_hi = np.quantile(c, lo, axis=0), np.quantile(c, hi, axis=0)
    countries = pd.DataFrame(index=pd.Index(baseline.countries, name="country"))
    for k, m in enumerate(MEASURES):
        countries[f"{m}_low"] = c_lo[:, k]
        countries[f"{m}_high"] = c_hi[:, k]
    labels: list[str] = []
    for a, b in pairs:
        labels += [f"{a}→{b}", f"{b}→{a}", f"{a}↔{b} turnover"]
    pair_frame = pd.DataFrame(index=pd.Index(labels, name="flow"))
    if pairs:
        p = np.stack([o[1] for o in out]).reshape(spec.draws, len(labels), 2)
        p_lo, p_hi = np.quantile(p, lo, axis=0), np.quantile(p, hi, axis=0)
        for k, m in enumerate(("conditional_pct", "full_pct")):
            pair_frame[f"{m}_low"] = p_lo[:, k]
            pair_frame[f"{m}_high"] = p_hi[:, k]
    return Uncertainty(
        spec=spec,
        effect=float(effect),
        std_error=float(std_error),
        effect_draws=betas,
        countries=countries,
        pairs=pair_frame,
    )
