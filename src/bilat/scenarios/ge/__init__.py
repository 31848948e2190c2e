"""General-equilibrium counterfactuals with structural gravity (conditional and full endowment)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bilat.errors import InputError
from bilat.scenarios.ge.baseline import Baseline
from bilat.scenarios.ge.results import GEResult
from bilat.scenarios.ge.shocks import AgreementChange, CostChange, DistanceChange, Shock
from bilat.scenarios.ge.solve import (
    DEFAULT_MAX_ITER,
    DEFAULT_TOL,
    Resistances,
    check_sigma,
    solve_endowment,
    solve_resistances,
)

__all__ = [
    "AgreementChange",
    "Baseline",
    "CostChange",
    "DistanceChange",
    "GEResult",
    "Shock",
    "shocked_costs",
    "simulate",
]


def shocked_costs(
    baseline: Baseline,
    shocks: Sequence[Shock],
    sigma: float,
    new_trade_costs: np.ndarray | None = None,
) -> tuple[np.ndarray, list[str]]:
    """Counterfactual t_ij^(1-σ) after the shocks (or the given matrix), and notes."""
    if new_trade_costs is None and not shocks:
        raise InputError("simulate needs shocks or new_trade_costs; nothing would change")
    costs = np.array(baseline.trade_costs if new_trade_costs is None else new_trade_costs, float)
    if costs.shape != baseline.trade_costs.shape:
        raise InputError(f"new_trade_costs must be {baseline.trade_costs.shape}, got {costs.shape}")
    notes: list[str] = []
    for shock in shocks:
        if isinstance(shock, CostChange | DistanceChange):
            costs, more = shock.apply(baseline, costs, sigma)
        else:
            costs, more = shock.apply(baseline, costs)
        notes += more
    return costs, notes


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
) -> GEResult:
    """Solve baseline, conditional and full-endowment equilibria for a change in trade costs.

    Give either ``shocks`` (agreements formed/ended, % cost changes) or ``new_trade_costs``
    (the counterfactual t_ij^(1-σ) matrix). σ is the elasticity of substitution (> 1).
    ``base`` reuses already solved baseline resistances (Monte Carlo draws share one baseline).
    """
    sigma = check_sigma(sigma)
    costs, notes = shocked_costs(baseline, shocks, sigma, new_trade_costs)
    r = baseline.reference_index
    y, e = baseline.output, baseline.expenditure
    if base is None:
        base = solve_resistances(baseline.trade_costs, y, e, r, tol=tol, max_iter=max_iter)
    cond = solve_resistances(costs, y, e, r, tol=tol, max_iter=max_iter)
    full = solve_endowment(
        costs, y, base.omr, e / y, r, sigma, tol=tol, max_iter=max_iter, damping=damping
    )
    notes.append(
        "full endowment: spending keeps its baseline ratio to output (E/Y), rescaled by one "
        "world factor so world spending equals world output"
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
    )
