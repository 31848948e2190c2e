"""Intervals for GE results from the sampling distribution of the estimated parameters.

Two ways to draw the agreement effect (``UncertaintySpec.method``):

* ``normal`` (default): Monte Carlo from the estimate's normal approximation (below);
* ``bootstrap``: a pairs (cluster) bootstrap, as the Stata ``ge_gravity`` example does: each draw
  resamples the estimation's clusters (country pairs) with replacement, re-estimates the PPML
  and takes the new coefficient. The resamples are drawn up front from one seeded generator.

Normal draws: each draw takes β ~ Normal(β̂, s.e.²) (s.e. clustered by pair, as estimated)
for the agreement effect and/or δ ~ Normal(δ̂, s.e.²) for the distance elasticity (jointly
normal, with the fit's covariance, when one GeoDist PPML estimated both). Either way, the draws
are set on every shock that uses the scenario's values, and the conditional and full-endowment
equilibria are re-solved on the same baseline (with the scenario's deficit rule and
normalisation). Intervals are percentiles of the draws. Draws are made up front from one
seeded generator, so results do not depend on how many workers solve them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import pandas as pd

from bilat.errors import BilatError, InputError
from bilat.scenarios.ge import AgreementChange, Baseline, DistanceChange, simulate
from bilat.scenarios.ge.shocks import Shock, with_parameters
from bilat.scenarios.ge.solve import (
    DEFAULT_DEFICITS,
    DEFAULT_NORMALISATION,
    Deficits,
    Normalisation,
    check_sigma,
    solve_resistances,
)

log = logging.getLogger(__name__)

# Per-country measures given intervals (GEResult.countries columns, percent).
MEASURES = (
    "exports_conditional_pct",
    "exports_full_pct",
    "producer_price_pct",
    "real_gdp_pct",
    "real_spending_pct",
)

DrawMethod = Literal["normal", "bootstrap"]


@dataclass(frozen=True)
class UncertaintySpec:
    """Interval settings: draws, level, seed, workers (joblib threads), how to draw.

    ``method``: ``normal`` (draws from N(β̂, s.e.²)) or ``bootstrap`` (pairs bootstrap: the
    PPML is re-estimated on each resample of country pairs; needs an effect bilat estimated).
    """

    draws: int = 200
    level: float = 0.9
    seed: int = 0
    n_jobs: int = 1
    method: DrawMethod = "normal"

    def __post_init__(self) -> None:
        if not (isinstance(self.draws, int) and self.draws >= 2):
            raise InputError(f"Monte Carlo draws must be a whole number ≥ 2, got {self.draws!r}")
        if not 0 < self.level < 1:
            raise InputError(f"interval level must be in (0, 1), e.g. 0.9; got {self.level!r}")
        if self.method not in get_args(DrawMethod):
            raise InputError(
                f"uncertainty method must be 'normal' or 'bootstrap', got {self.method!r}"
            )


# A set of countries traded with another, for intervals: (name A, members A, name B, members B).
Bloc = tuple[str, frozenset[str], str, frozenset[str] | None]


@dataclass(frozen=True, eq=False)
class Uncertainty:
    """Percentile intervals of GE results over draws of the agreement effect and/or δ."""

    spec: UncertaintySpec
    effect: float | None
    std_error: float | None
    effect_draws: np.ndarray | None
    countries: pd.DataFrame  # index country; columns <measure>_low / <measure>_high
    pairs: pd.DataFrame  # index flow (A→B, B→A, A↔B turnover); conditional/full low/high
    elasticity: float | None = None  # distance elasticity δ (route scenarios)
    elasticity_se: float | None = None
    elasticity_draws: np.ndarray | None = None
    correlation: float | None = None  # of the two drawn parameters, when drawn jointly
    method: DrawMethod = "normal"
    cluster: str | None = None  # the bootstrap's resampled unit (a column of the sample)
    failed: int = 0  # bootstrap resamples whose PPML failed (left out of the intervals)

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

    @property
    def drawn(self) -> str:
        """What was drawn, in words."""
        parts = []
        if self.method == "bootstrap" and self.effect_draws is not None:
            ok = self.spec.draws - self.failed
            text = (
                f"the agreement effect re-estimated by PPML on {self.spec.draws} pairs-bootstrap "
                f"resamples (clusters {self.cluster!r} drawn with replacement; estimate "
                f"{self.effect:.4f}, bootstrap s.d. {np.nanstd(self.effect_draws, ddof=1):.4f})"
            )
            if self.failed:
                text += f"; {self.failed} resamples failed to estimate, {ok} used"
            return text
        if self.effect_draws is not None:
            parts.append(f"the agreement effect ~ N({self.effect:.4f}, {self.std_error:.4f}²)")
        if self.elasticity_draws is not None:
            parts.append(
                f"the distance elasticity ~ N({self.elasticity:.4f}, {self.elasticity_se:.4f}²)"
            )
        text = " and ".join(parts)
        if self.correlation is not None:
            text += f", jointly (correlation {self.correlation:+.3f}, from one fit)"
        return text

    def summary(self) -> str:
        """One line on the method, then the pair intervals."""
        kind = "pairs bootstrap" if self.method == "bootstrap" else "Monte Carlo, normal draws"
        head = (
            f"{self.spec.level:.0%} intervals, {kind}: {self.spec.draws} draws of "
            f"{self.drawn}, seed {self.spec.seed}"
        )
        return head + ("\n" + self.pairs.round(3).to_string() if len(self.pairs) else "")

    def __str__(self) -> str:
        return self.summary()

    def __repr__(self) -> str:
        what = []
        if self.effect_draws is not None:
            what.append(f"effect {self.effect:.4f} ± {self.std_error:.4f}")
        if self.elasticity_draws is not None:
            what.append(f"δ {self.elasticity:.4f} ± {self.elasticity_se:.4f}")
        return (
            f"<Uncertainty {self.spec.level:.0%} {self.method} intervals, {self.spec.draws} draws, "
            f"{', '.join(what)}>"
        )

    def _repr_html_(self) -> str:
        from bilat.render.html import Section, fragment, table

        head = self.summary().splitlines()[0]
        return fragment(Section(head, [table(self.pairs.reset_index())]))


def _draws(
    rng: np.random.Generator,
    n: int,
    means: list[float],
    ses: list[float],
    covariance: float | None,
) -> np.ndarray:
    """n × k normal draws; one parameter as before (mean + se·z), two jointly if correlated."""
    if len(means) == 1:
        return (means[0] + ses[0] * rng.standard_normal(n))[:, None]
    cov = np.diag(np.square(ses))
    if covariance is not None:
        cov[0, 1] = cov[1, 0] = covariance
    # eigen-decomposition rather than Cholesky: a zero s.e. gives a singular but valid matrix
    w, v = np.linalg.eigh(cov)
    root = v * np.sqrt(np.clip(w, 0.0, None))
    return np.asarray(means) + rng.standard_normal((n, len(means))) @ root.T


def monte_carlo(
    baseline: Baseline,
    shocks: Sequence[Shock],
    *,
    effect: float | None = None,
    std_error: float | None = None,
    elasticity: float | None = None,
    elasticity_se: float | None = None,
    covariance: float | None = None,
    sigma: float = 7.0,
    spec: UncertaintySpec | None = None,
    pairs: Sequence[tuple[str, str]] = (),
    blocs: Sequence[Bloc] = (),
    deficits: Deficits = DEFAULT_DEFICITS,
    normalisation: Normalisation = DEFAULT_NORMALISATION,
) -> Uncertainty:
    """Intervals for per-country results and chosen pairs over draws of the model's parameters.

    ``shocks``: agreement shocks whose ``effect`` is None take each draw of the agreement effect
    (β ~ N(effect, std_error²)); distance shocks whose ``elasticity`` is None take each draw of
    δ ~ N(elasticity, elasticity_se²); both jointly normal with ``covariance`` when given (one
    GeoDist fit estimates both). ``pairs``: country pairs (both ways and turnover); ``blocs``:
    trade between sets of countries (e.g. a route's East Asia ↔ Northern Europe).
    ``deficits`` and ``normalisation`` as :func:`bilat.scenarios.ge.simulate`.
    """
    spec = spec or UncertaintySpec()
    sigma = check_sigma(sigma)
    takes_effect, takes_delta = _takes(shocks)
    names, means, ses = [], [], []
    for used, name, mean, se in (
        (takes_effect, "agreement effect", effect, std_error),
        (takes_delta, "distance elasticity", elasticity, elasticity_se),
    ):
        if not used:
            continue
        if mean is None or se is None:
            raise InputError(f"uncertainty needs the {name} and its standard error")
        if not (np.isfinite(se) and se >= 0):
            raise InputError(f"standard error of the {name} must be ≥ 0, got {se!r}")
        names.append(name)
        means.append(float(mean))
        ses.append(float(se))
    joint = covariance if len(names) == 2 else None
    rng = np.random.default_rng(spec.seed)
    draws = _draws(rng, spec.draws, means, ses, joint)
    draws.setflags(write=False)
    column = {n: draws[:, k] for k, n in enumerate(names)}
    betas = column.get("agreement effect")
    deltas = column.get("distance elasticity")
    countries, pair_frame = _intervals_over(
        baseline, shocks, betas, deltas, sigma, spec, pairs, blocs, deficits, normalisation
    )
    corr = None
    if joint is not None and ses[0] > 0 and ses[1] > 0:
        corr = float(joint / (ses[0] * ses[1]))
    return Uncertainty(
        spec=spec,
        effect=None if betas is None else float(effect),  # type: ignore[arg-type]
        std_error=None if betas is None else float(std_error),  # type: ignore[arg-type]
        effect_draws=betas,
        countries=countries,
        pairs=pair_frame,
        elasticity=None if deltas is None else float(elasticity),  # type: ignore[arg-type]
        elasticity_se=None if deltas is None else float(elasticity_se),  # type: ignore[arg-type]
        elasticity_draws=deltas,
        correlation=corr,
    )


def _takes(shocks: Sequence[Shock]) -> tuple[bool, bool]:
    """Whether some shock takes the drawn agreement effect / distance elasticity."""
    takes_effect = any(isinstance(s, AgreementChange) and s.effect is None for s in shocks)
    takes_delta = any(isinstance(s, DistanceChange) and s.elasticity is None for s in shocks)
    if not (takes_effect or takes_delta):
        raise InputError(
            "no shock takes the estimated agreement effect or distance elasticity (only "
            "agreement shocks without their own 'effect' and distance shocks without their "
            "own 'elasticity' do), so there is nothing to draw; uncertainty needs one"
        )
    return takes_effect, takes_delta


def bootstrap_effects(
    sample: pd.DataFrame,
    formula: str,
    term: str,
    cluster: str,
    *,
    draws: int,
    seed: int = 0,
    n_jobs: int = 1,
) -> tuple[np.ndarray, int]:
    """Pairs-bootstrap draws of one PPML coefficient, and how many resamples failed.

    Each draw takes as many clusters (values of ``cluster``, e.g. the country pair) as the
    sample has, with replacement, and re-estimates ``formula`` on their rows (a cluster drawn
    twice enters twice, sharing its fixed effects: for PPML that is the same estimate as giving
    it distinct ones, since its rows are identical). Resamples are drawn up front from one
    seeded generator, so the draws do not depend on ``n_jobs``. A resample whose PPML fails
    (e.g. the policy variable loses all variation) gives NaN and is counted.
    """
    from bilat.scenarios.gravity import estimate

    if cluster not in sample.columns:
        raise InputError(
            f"bootstrap cluster {cluster!r} is not a column of the estimation sample; "
            f"columns are {sorted(sample.columns)}"
        )
    data = sample.reset_index(drop=True)
    codes, uniques = pd.factorize(data[cluster].astype(str))
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    rows_of = [order[bounds[g] : bounds[g + 1]] for g in range(len(uniques))]
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(uniques), size=(draws, len(uniques)))

    def one(k: int) -> float:
        rows = np.concatenate([rows_of[g] for g in picks[k]])
        try:
            fit = estimate(data.iloc[rows], formula, cluster=None)
            return fit.coef(term)
        except (BilatError, KeyError) as exc:
            log.info("bootstrap draw %d failed: %s", k, exc)
            return float("nan")

    if n_jobs == 1:
        out = [one(k) for k in range(draws)]
    else:
        from joblib import Parallel, delayed

        out = Parallel(n_jobs=n_jobs, prefer="threads")(delayed(one)(k) for k in range(draws))
    betas = np.asarray(out, dtype=float)
    return betas, int(np.isnan(betas).sum())


def bootstrap(
    baseline: Baseline,
    shocks: Sequence[Shock],
    *,
    sample: pd.DataFrame,
    formula: str,
    term: str,
    cluster: str,
    effect: float,
    sigma: float = 7.0,
    spec: UncertaintySpec | None = None,
    pairs: Sequence[tuple[str, str]] = (),
    blocs: Sequence[Bloc] = (),
    deficits: Deficits = DEFAULT_DEFICITS,
    normalisation: Normalisation = DEFAULT_NORMALISATION,
) -> Uncertainty:
    """Pairs-bootstrap intervals: re-estimate the agreement effect per resample, solve the GE.

    ``sample``, ``formula``, ``term``, ``cluster``: the PPML that gave ``effect`` (see
    :func:`bootstrap_effects`). The agreement shocks without their own effect take each
    bootstrap estimate; intervals are percentiles over the draws whose PPML succeeded.
    """
    spec = spec or UncertaintySpec(method="bootstrap")
    sigma = check_sigma(sigma)
    takes_effect, takes_delta = _takes(shocks)
    if takes_delta or not takes_effect:
        raise InputError(
            "the pairs bootstrap re-estimates the agreement effect only; scenarios whose "
            "distance shocks take the distance elasticity use method = 'normal'"
        )
    betas, failed = bootstrap_effects(
        sample, formula, term, cluster, draws=spec.draws, seed=spec.seed, n_jobs=spec.n_jobs
    )
    if failed > spec.draws // 2:
        raise InputError(
            f"the PPML failed on {failed} of {spec.draws} bootstrap resamples; the effect is "
            "not identified on most resamples (too few pairs change status): use method = 'normal'"
        )
    betas.setflags(write=False)
    countries, pair_frame = _intervals_over(
        baseline, shocks, betas, None, sigma, spec, pairs, blocs, deficits, normalisation
    )
    return Uncertainty(
        spec=spec,
        effect=float(effect),
        std_error=float(np.nanstd(betas, ddof=1)),
        effect_draws=betas,
        countries=countries,
        pairs=pair_frame,
        method="bootstrap",
        cluster=cluster,
        failed=failed,
    )


def _intervals_over(
    baseline: Baseline,
    shocks: Sequence[Shock],
    betas: np.ndarray | None,
    deltas: np.ndarray | None,
    sigma: float,
    spec: UncertaintySpec,
    pairs: Sequence[tuple[str, str]],
    blocs: Sequence[Bloc],
    deficits: Deficits,
    normalisation: Normalisation,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Solve the GE for each draw (NaN draws skipped) and take percentile intervals."""
    r = baseline.reference_index
    base = solve_resistances(baseline.trade_costs, baseline.output, baseline.expenditure, r)
    n = len(betas) if betas is not None else len(deltas)  # type: ignore[arg-type]
    keep = [
        k
        for k in range(n)
        if (betas is None or np.isfinite(betas[k])) and (deltas is None or np.isfinite(deltas[k]))
    ]

    def one(k: int) -> tuple[np.ndarray, np.ndarray]:
        drawn = with_parameters(
            shocks,
            None if betas is None else float(betas[k]),
            None if deltas is None else float(deltas[k]),
        )
        res = simulate(
            baseline,
            drawn,
            sigma=sigma,
            base=base,
            deficits=deficits,
            normalisation=normalisation,
        )
        country = res.countries[list(MEASURES)].to_numpy()
        frames = [res.bilateral(a, b) for a, b in pairs]
        frames += [res.between(ma, mb, (na, nb)) for na, ma, nb, mb in blocs]
        pair = (
            np.concatenate([f[["conditional_pct", "full_pct"]].to_numpy() for f in frames])
            if frames
            else np.empty((0, 2))
        )
        return country, pair

    if spec.n_jobs == 1:
        out = [one(k) for k in keep]
    else:
        from joblib import Parallel, delayed

        # threads: the solves are numpy matrix products that release the GIL, and the baseline
        # is shared rather than pickled to each worker
        out = Parallel(n_jobs=spec.n_jobs, prefer="threads")(delayed(one)(k) for k in keep)
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
    for na, _, nb, mb in blocs:
        labels += (
            [f"within {na}"] if mb is None else [f"{na}→{nb}", f"{nb}→{na}", f"{na}↔{nb} total"]
        )
    pair_frame = pd.DataFrame(index=pd.Index(labels, name="flow"))
    if labels:
        p = np.stack([o[1] for o in out])  # draws × flows × 2
        p_lo, p_hi = np.nanquantile(p, lo, axis=0), np.nanquantile(p, hi, axis=0)
        for k, m in enumerate(("conditional_pct", "full_pct")):
            pair_frame[f"{m}_low"] = p_lo[:, k]
            pair_frame[f"{m}_high"] = p_hi[:, k]
    # a focus pair that is also a route's pair appears twice with the same numbers: keep one
    pair_frame = pair_frame[~pair_frame.index.duplicated()]
    return countries, pair_frame
