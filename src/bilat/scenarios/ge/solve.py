"""Structural gravity solvers: resistances, conditional and full-endowment equilibria.

Notation (Yotov et al. 2016, ch. 2): T_ij = t_ij^(1-σ); OMR_i = Π_i^(1-σ); IMR_j = P_j^(1-σ);
X_ij = Y_i E_j T_ij / (OMR_i IMR_j); OMR_i = Σ_j T_ij E_j / IMR_j; IMR_j = Σ_i T_ij Y_i / OMR_i;
the reference country has IMR = 1 (its consumer price index is the numeraire).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from bilat.errors import InputError, SolverError

log = logging.getLogger(__name__)

DEFAULT_TOL = 1e-12
DEFAULT_MAX_ITER = 20_000


@dataclass(frozen=True)
class Resistances:
    """Solved multilateral resistances (book units: OMR = Π^(1-σ), IMR = P^(1-σ)) and diagnostics."""  # noqa: E501

    omr: np.ndarray
    imr: np.ndarray
    iterations: int
    residual: float


@dataclass(frozen=True)
class Endowment:
    """A solved full-endowment equilibrium: producer prices, incomes, spending and resistances."""

    price: np.ndarray
    output: np.ndarray
    expenditure: np.ndarray
    omr: np.ndarray
    imr: np.ndarray
    iterations: int
    residual: float


def check_sigma(sigma: float) -> float:
    """Validate the elasticity of substitution σ (must be > 1)."""
    try:
        s = float(sigma)
    except (TypeError, ValueError):
        raise InputError(f"sigma must be a number > 1, got {sigma!r}") from None
    if not np.isfinite(s) or s <= 1.0:
        raise InputError(
            f"sigma must be > 1 (the trade elasticity is 1 - σ < 0), got {sigma!r}; "
            "the literature's default is 7"
        )
    return s


def solve_resistances(
    trade_costs: np.ndarray,
    output: np.ndarray,
    expenditure: np.ndarray,
    reference: int,
    *,
    tol: float = DEFAULT_TOL,
    max_iter: int = DEFAULT_MAX_ITER,
) -> Resistances:
    """Solve OMR and IMR for fixed output and expenditure (USD) by the balancing contraction.

    The system is a matrix-balancing problem (X = diag(Y·a) T diag(E·b) with row sums Y and
    column sums E), so alternating the two resistance equations converges monotonically.
    """
    t, y, e = trade_costs, output, expenditure
    b = np.ones_like(e)  # b = 1/IMR
    step = np.inf
    for it in range(1, max_iter + 1):  # noqa: B007
        a = 1.0 / (t @ (e * b))
        b_new = 1.0 / (t.T @ (y * a))
        step = float(np.max(np.abs(np.log(b_new / b))))
        b = b_new
        if step < tol:
            break
    else:
        raise SolverError(
            f"multilateral resistances did not converge in {max_iter} iterations "
            f"(last step {step:.3g} > tol {tol:.1g}); check for countries with no trade "
            "partners or raise max_iter",
            {"iterations": float(max_iter), "step": step, "tol": tol},
        )
    a = 1.0 / (t @ (e * b))
    omr, imr = 1.0 / a, 1.0 / b
    scale = imr[reference]
    omr, imr = omr * scale, imr / scale
    x = np.outer(y / omr, e / imr) * t
    residual = float(
        max(np.max(np.abs(x.sum(axis=1) / y - 1)), np.max(np.abs(x.sum(axis=0) / e - 1)))
    )
    log.debug("resistances: %d iterations, residual %.2e", it, residual)
    return Resistances(omr=omr, imr=imr, iterations=it, residual=residual)


def solve_endowment(
    trade_costs: np.ndarray,
    baseline_output: np.ndarray,
    baseline_omr: np.ndarray,
    spending_ratio: np.ndarray,
    reference: int,
    sigma: float,
    *,
    tol: float = DEFAULT_TOL,
    max_iter: int = DEFAULT_MAX_ITER,
    damping: float = 1.0,
) -> Endowment:
    """Solve the exact full-endowment equilibrium for new trade costs T' (t_ij^(1-σ)).

    Endowments Q_i are fixed (baseline prices are 1, so Q_i = Y_i⁰); output is Y_i = p_i Q_i;
    spending is E_j = s φ_j Y_j with φ_j = E_j⁰/Y_j⁰ and one world factor s so that world spending
    equals world output. Market clearing gives p_i^σ = OMR_i(p) / OMR_i⁰ with
    OMR_i = Σ_j T'_ij E_j / IMR_j and IMR_j = Σ_i T'_ij (Y_i⁰/OMR_i⁰) p_i^(1-σ); iterate that map
    (optionally damped) and renormalise so the reference country's IMR is 1.
    """
    sigma = check_sigma(sigma)
    if not 0 < damping <= 1:
        raise InputError(f"damping must be in (0, 1], got {damping}")
    t, y0, phi = trade_costs, baseline_output, spending_ratio
    beta = y0 / baseline_omr  # (β_i p_i⁰)^(1-σ) with p⁰ = 1
    r = reference

    def spending(p: np.ndarray) -> np.ndarray:
        y = p * y0
        e = phi * y
        return e * (y.sum() / e.sum())

    def imr_of(p: np.ndarray) -> np.ndarray:
        return t.T @ (beta * p ** (1.0 - sigma))

    logp = np.zeros_like(y0)
    step = np.inf
    for it in range(1, max_iter + 1):  # noqa: B007
        p = np.exp(logp)
        imr = imr_of(p)
        omr = t @ (spending(p) / imr)
        logp_new = np.log(omr / baseline_omr) / sigma
        # numeraire: IMR_r = 1 ⇔ shift all log prices by log(IMR_r)/(σ-1)
        imr_new_r = (t[:, r] * beta * np.exp((1.0 - sigma) * logp_new)).sum()
        logp_new += np.log(imr_new_r) / (sigma - 1.0)
        delta = logp_new - logp
        step = float(np.max(np.abs(delta)))
        logp = logp + damping * delta
        if not np.isfinite(step):
            break
        if step < tol:
            break
    if not (step < tol):
        raise SolverError(
            f"full-endowment equilibrium did not converge in {it} iterations "
            f"(last price step {step:.3g} > tol {tol:.1g}); try damping < 1 or a larger max_iter",
            {"iterations": float(it), "step": step, "tol": tol, "damping": damping},
        )
    p = np.exp(logp)
    y = p * y0
    e = spending(p)
    imr = imr_of(p)
    omr = t @ (e / imr)
    x = np.outer(y / omr, e / imr) * t
    residual = float(
        max(
            np.max(np.abs(x.sum(axis=1) / y - 1)),
            np.max(np.abs(x.sum(axis=0) / e - 1)),
            np.max(np.abs(beta * p ** (1 - sigma) * omr / y - 1)),
            abs(imr[r] - 1.0),
        )
    )
    log.debug("endowment: %d iterations, residual %.2e", it, residual)
    return Endowment(
        price=p, output=y, expenditure=e, omr=omr, imr=imr, iterations=it, residual=residual
    )
