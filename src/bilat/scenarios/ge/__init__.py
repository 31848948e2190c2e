"""General-equilibrium counterfactuals with structural gravity (conditional and full endowment)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bilat.errors import InputError
from bilat.scenarios.ge.baseline import Baseline
from bilat.scenarios.ge.results import GEResult
from bilat.scenarios.ge.shocks import (
    AgreementChange,
    CostChange,
    DistanceChange,
    Shock,
    TechnologyChange,
    technology,
)
from bilat.scenarios.ge.solve import (
    DEFAULT_DEFICITS,
    DEFAULT_MAX_ITER,
    DEFAULT_NORMALISATION,
    DEFAULT_TOL,
    DEFICITS_TEXT,
    NORMALISATION_TEXT,
    Deficits,
    Normalisation,
    Resistances,
    check_option,
    check_sigma,
    solve_endowment,
    solve_resistances,
)

__all__ = [
    "AgreementChange",
    "Baseline",
    "CostChange",
    "Deficits",
    "DistanceChange",
    "GEResult",
    "Normalisation",
    "Shock",
    "TechnologyChange",
    "shocked_costs",
    "simulate",
]


def shocked_costs(
    baseline: Baseline,
    shocks: Sequence[Shock],
    sigma: float,
    new_trade_costs: np.ndarray | None = None,
) -> tuple[np.ndarray, list[str]]:
    """Counterfactual t_ij^(1-σ) after the shocks (or the given matrix), and notes.

    Technology shocks leave trade costs as they are (they act on productivity).
    """
    if new_trade_costs is None and not shocks:
        raise InputError("simulate needs shocks or new_trade_costs; nothing would change")
    costs = np.array(baseline.trade_costs if new_trade_costs is None else new_trade_costs, float)
    if costs.shape != baseline.trade_costs.shape:
        raise InputError(f"new_trade_costs must be {baseline.trade_costs.shape}, got {costs.shape}")
    if new_trade_costs is not None:
        _check_costs(costs, baseline.countries)
    notes: list[str] = []
    for shock in shocks:
        if isinstance(shock, TechnologyChange):
            continue
        with np.errstate(over="ignore"):  # an overflow is reported just below, by name
            if isinstance(shock, CostChange | DistanceChange):
                costs, more = shock.apply(baseline, costs, sigma)
            else:
                costs, more = shock.apply(baseline, costs)
        if not np.all(np.isfinite(costs)):
            # e.g. an agreement effect of 1000 log points: exp(1000) overflows
            raise InputError(
                f"shock '{shock}' makes the trade-cost terms t_ij^(1-σ) overflow to inf: its "
                "effect or percent is too large (scenario files allow agreement effects within "
                "±5 log points and changes up to +1,000 %)"
            )
        notes += more
    return costs, notes


def _check_costs(costs: np.ndarray, names: Sequence[str]) -> None:
    """t_ij^(1-σ) must be finite and ≥ 0 (0: a pair that does not trade); InputError naming
    the first bad pair and how many there are, before any solver sees them."""
    bad = ~np.isfinite(costs) | (costs < 0)
    if bad.any():
        i, j = (int(k[0]) for k in np.nonzero(bad))
        raise InputError(
            f"new_trade_costs[{names[i]}, {names[j]}] (exporter {names[i]}, importer "
            f"{names[j]}) is {costs[i, j]!r}; t_ij^(1-σ) must be a finite number ≥ 0 (0 for a "
            f"pair that does not trade): {int(bad.sum())} of {bad.size} entries are negative, "
            "inf or nan"
        )


def simulate(
    baseline: Baseline,
    shocks: Sequence[Shock] = (),
    *,
    sigma: float = 7.0,
    new_trade_costs: np.ndarray | None = None,
    description: str = "",
    tol: float = DEFAULT_TOL,
    max_iter: int = DEFAULT_MAX_ITER,
    damping: float = 1.0,
    base: Resistances | None = None,
    deficits: Deficits = DEFAULT_DEFICITS,
    normalisation: Normalisation = DEFAULT_NORMALISATION,
) -> GEResult:
    """Solve baseline, conditional and full-endowment equilibria for a change in trade costs.

    Give ``shocks`` (agreements formed/ended, % cost or distance changes, productivity changes)
    or ``new_trade_costs`` (the counterfactual t_ij^(1-σ) matrix), or both. σ is the elasticity
    of substitution (> 1; the trade elasticity θ = σ − 1). ``deficits``: ``multiplicative``
    (default, the Advanced Guide's E = φ·Y) or ``additive`` (ge_gravity's default, E = Y + D).
    ``normalisation``: ``reference`` (default: the reference country's consumer price index is
    1) or ``world_output`` (world output fixed, as ge_gravity). ``base`` reuses already solved
    baseline resistances (Monte Carlo draws share one baseline).
    """
    sigma = check_sigma(sigma)
    check_option(deficits, Deficits, "deficits")
    check_option(normalisation, Normalisation, "normalisation")
    only_technology = bool(shocks) and all(isinstance(s, TechnologyChange) for s in shocks)
    if only_technology and new_trade_costs is None:
        costs, notes = np.array(baseline.trade_costs, float), []
    else:
        costs, notes = shocked_costs(baseline, shocks, sigma, new_trade_costs)
    a_hat, more = technology(baseline, shocks)
    notes += more
    r = baseline.reference_index
    y, e = baseline.output, baseline.expenditure
    if base is None:
        base = solve_resistances(baseline.trade_costs, y, e, r, tol=tol, max_iter=max_iter)
    cond = solve_resistances(costs, y, e, r, tol=tol, max_iter=max_iter)
    full = solve_endowment(
        costs,
        y,
        base.omr,
        e / y,
        r,
        sigma,
        tol=tol,
        max_iter=max_iter,
        damping=damping,
        deficits=deficits,
        normalisation=normalisation,
        technology=a_hat,
    )
    notes.append(f"full endowment: {DEFICITS_TEXT[deficits]}")
    notes.append(NORMALISATION_TEXT[normalisation])
    if a_hat is not None:
        notes.append(
            "technology: conditional GE holds output and spending fixed, so productivity "
            "changes act only in the full-endowment equilibrium"
        )
    return GEResult(
        baseline=baseline,
        sigma=sigma,
        new_trade_costs=costs,
        base=base,
        conditional=cond,
        full=full,
        description=description,
        shocks=tuple(str(s) for s in shocks),
        notes=tuple(notes),
        technology=a_hat,
    )
