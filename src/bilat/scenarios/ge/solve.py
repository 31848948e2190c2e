"""Structural gravity solvers: resistances, conditional and full-endowment equilibria.

Notation (Yotov et al. 2016, ch. 2): T_ij = t_ij^(1-σ); OMR_i = Π_i^(1-σ); IMR_j = P_j^(1-σ);
X_ij = Y_i E_j T_ij / (OMR_i IMR_j); OMR_i = Σ_j T_ij E_j / IMR_j; IMR_j = Σ_i T_ij Y_i / OMR_i;
the reference country has IMR = 1 (its consumer price index is the numeraire).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np

from bilat.errors import InputError, SolverError

log = logging.getLogger(__name__)

DEFAULT_TOL = 1e-12
DEFAULT_MAX_ITER = 20_000

# How spending follows output in the full-endowment equilibrium (see solve_endowment).
Deficits = Literal["multiplicative", "additive"]
# What fixes the price level: the reference country's consumer price index, or world output.
Normalisation = Literal["reference", "world_output"]
DEFAULT_DEFICITS: Deficits = "multiplicative"  # the Advanced Guide's rule, E_j = φ_j Y_j
DEFAULT_NORMALISATION: Normalisation = "reference"  # the Advanced Guide's numeraire, P_ref = 1

DEFICITS_TEXT = {
    "multiplicative": "multiplicative deficits: spending is a fixed multiple of output "
    "(E_j = s·φ_j·Y_j, φ_j = E_j⁰/Y_j⁰, one world factor s so world spending = world output; "
    "the Advanced Guide's rule)",
    "additive": "additive deficits: spending is output plus the baseline deficit, fixed in "
    "units of the numeraire (E_j = Y_j + D_j, D_j = E_j⁰ − Y_j⁰; ge_gravity's default)",
}
NORMALISATION_TEXT = {
    "reference": "normalisation: the reference country's consumer price index is fixed "
    "(P_ref = 1); nominal values are in units of its consumer prices",
    "world_output": "normalisation: world output is fixed (Σ Y_i = Σ Y_i⁰, as ge_gravity); "
    "nominal values are in units of baseline world output",
}


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
    wage: np.ndarray | None = None  # factory-gate income per unit of endowment (= Y/Y⁰)
    spending_factor: float = 1.0  # s of the multiplicative rule (1 for additive deficits)
    deficits: Deficits = DEFAULT_DEFICITS
    normalisation: Normalisation = DEFAULT_NORMALISATION


def check_option(value: str, allowed: type, what: str) -> str:
    """Validate an option string against a Literal type; InputError naming the choices."""
    choices = get_args(allowed)
    if value not in choices:
        raise InputError(f"{what} must be one of {', '.join(map(repr, choices))}, got {value!r}")
    return value


# The largest σ bilat accepts (scenario files, the API, the CLI and simulate alike): estimates
# of the trade elasticity σ − 1 lie well below 49 (Head and Mayer 2014: median about 5).
SIGMA_MAX = 50.0


def check_sigma(sigma: float) -> float:
    """Validate the elasticity of substitution σ (must be > 1)."""
    try:
        s = float(sigma)
    except (TypeError, ValueError):
        raise InputError(f"sigma must be a number > 1, got {sigma!r}") from None
    if not np.isfinite(s) or s <= 1.0 or s > SIGMA_MAX:
        raise InputError(
            f"sigma must be > 1 (the trade elasticity is 1 - σ < 0) and at most {SIGMA_MAX:g}, "
            f"got {sigma!r}; the literature's default is 7"
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
    deficits: Deficits = DEFAULT_DEFICITS,
    normalisation: Normalisation = DEFAULT_NORMALISATION,
    technology: np.ndarray | None = None,
) -> Endowment:
    """Solve the exact full-endowment equilibrium for new trade costs T' (t_ij^(1-σ)).

    Endowments are fixed; baseline prices are 1, so Y_i⁰ is the endowment at baseline prices.
    ``technology`` â_i (default 1) is the change in productivity: country i's good then costs
    w_i/â_i at the factory gate, where w_i = Y_i/Y_i⁰ is its income per unit of endowment
    (ge_gravity's ``a_hat`` is â^θ = â^(σ-1)). Spending:

    * ``multiplicative``: E_j = s φ_j Y_j with φ_j = E_j⁰/Y_j⁰ and one world factor s so that
      world spending equals world output (the Advanced Guide's rule);
    * ``additive``: E_j = Y_j + D_j with D_j = E_j⁰ − Y_j⁰ fixed in units of the numeraire
      (ge_gravity's default; Σ D = 0, so world spending equals world output).

    Market clearing gives w_i^σ = â_i^(σ-1) OMR_i(w) / OMR_i⁰ with OMR_i = Σ_j T'_ij E_j / IMR_j
    and IMR_j = Σ_i T'_ij (Y_i⁰/OMR_i⁰) (w_i/â_i)^(1-σ); iterate that map (optionally damped)
    and rescale every step by the ``normalisation``: the reference country's IMR is 1
    (``reference``), or Σ Y_i = Σ Y_i⁰ (``world_output``). Because world spending equals world
    output for any w, the rescaling factor is 1 at the fixed point (Walras' law), so the result
    clears every market exactly.
    """
    sigma = check_sigma(sigma)
    check_option(deficits, Deficits, "deficits")
    check_option(normalisation, Normalisation, "normalisation")
    if not 0 < damping <= 1:
        raise InputError(f"damping must be in (0, 1], got {damping}")
    t, y0, phi = trade_costs, baseline_output, spending_ratio
    a_hat = np.ones_like(y0) if technology is None else np.asarray(technology, float)
    if a_hat.shape != y0.shape or not np.all(np.isfinite(a_hat) & (a_hat > 0)):
        raise InputError("technology changes â must be positive numbers, one per country")
    # supply term (β_i p_i)^(1-σ) at baseline (p⁰ = 1), times â^(σ-1) for the new technology
    beta = y0 / baseline_omr * a_hat ** (sigma - 1.0)
    log_a = (sigma - 1.0) * np.log(a_hat)
    deficit = phi * y0 - y0  # D_j = E_j⁰ − Y_j⁰ (baseline USD)
    r = reference

    def spending(w: np.ndarray) -> tuple[np.ndarray, float]:
        y = w * y0
        if deficits == "additive":
            return y + deficit, 1.0
        e = phi * y
        s = float(y.sum() / e.sum())
        return e * s, s

    def imr_of(w: np.ndarray) -> np.ndarray:
        return t.T @ (beta * w ** (1.0 - sigma))

    def normalise(logw: np.ndarray) -> np.ndarray:
        if normalisation == "world_output":
            return logw - np.log((np.exp(logw) * y0).sum() / y0.sum())
        # IMR_r = 1 ⇔ shift all log wages by log(IMR_r)/(σ-1)
        imr_r = (t[:, r] * beta * np.exp((1.0 - sigma) * logw)).sum()
        return logw + np.log(imr_r) / (sigma - 1.0)

    logw = normalise(np.zeros_like(y0))
    step = np.inf
    for it in range(1, max_iter + 1):  # noqa: B007
        w = np.exp(logw)
        omr = t @ (spending(w)[0] / imr_of(w))
        logw_new = normalise((np.log(omr / baseline_omr) + log_a) / sigma)
        delta = logw_new - logw
        step = float(np.max(np.abs(delta)))
        logw = logw + damping * delta
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
    w = np.exp(logw)
    y = w * y0
    e, s = spending(w)
    if np.any(e <= 0):
        k = int(np.argmin(e))
        raise SolverError(
            f"additive deficits give country #{k} negative spending ({e[k]:.4g}) in the new "
            "equilibrium; use deficits='multiplicative'",
            {"iterations": float(it), "spending": float(e[k])},
        )
    imr = imr_of(w)
    omr = t @ (e / imr)
    x = np.outer(y / omr, e / imr) * t
    norm = abs(y.sum() / y0.sum() - 1.0) if normalisation == "world_output" else abs(imr[r] - 1.0)
    residual = float(
        max(
            np.max(np.abs(x.sum(axis=1) / y - 1)),
            np.max(np.abs(x.sum(axis=0) / e - 1)),
            np.max(np.abs(beta * w ** (1 - sigma) * omr / y - 1)),
            norm,
        )
    )
    log.debug("endowment: %d iterations, residual %.2e", it, residual)
    return Endowment(
        price=w / a_hat,
        output=y,
        expenditure=e,
        omr=omr,
        imr=imr,
        iterations=it,
        residual=residual,
        wage=w,
        spending_factor=s,
        deficits=deficits,
        normalisation=normalisation,
    )
