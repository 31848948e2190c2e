"""GE solver against hand-derived results and an independent scipy root solve.

Tolerances: 1e-9 relative for closed forms (solver tol 1e-12, a few hundred flops per entry).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from scipy.optimize import root

from bilat.errors import InputError, SolverError, UnknownCodeError
from bilat.scenarios.ge import AgreementChange, Baseline, CostChange, simulate
from bilat.scenarios.ge.solve import solve_endowment, solve_resistances


def _baseline(flows: np.ndarray, countries=("AAA", "BBB", "CCC"), costs=None, ref="AAA", rta=None):
    y, e = flows.sum(1), flows.sum(0)
    t = flows / np.outer(y, e) if costs is None else costs
    return Baseline(
        countries=tuple(countries),
        trade_costs=np.array(t, float),
        output=y,
        expenditure=e,
        flows=np.array(flows, float),
        reference=ref,
        year=2016,
        trade_costs_from="observed" if costs is None else "fitted",
        agreements=rta,
    )


def test_symmetric_resistances_by_hand():
    # N identical countries, T_ii = 1, T_ij = τ, Y = E = 1: IMR = 1, OMR = 1 + (N-1)τ
    n, tau = 4, 0.3
    t = np.full((n, n), tau) + np.eye(n) * (1 - tau)
    r = solve_resistances(t, np.ones(n), np.ones(n), 0)
    assert np.allclose(r.imr, 1.0, rtol=1e-12)
    assert np.allclose(r.omr, 1 + (n - 1) * tau, rtol=1e-12)


def test_conditional_matches_scipy_root():
    rng = np.random.default_rng(1)
    n = 6
    t = rng.uniform(0.05, 0.5, (n, n)) + np.eye(n)
    y = rng.uniform(1, 10, n)
    e = y * rng.uniform(0.8, 1.2, n)
    e *= y.sum() / e.sum()
    mine = solve_resistances(t, y, e, 2)

    def eqs(z):
        omr, imr = np.exp(z[:n]), np.exp(z[n:])
        return np.r_[
            np.log(omr) - np.log(t @ (e / imr)), np.log(imr) - np.log(t.T @ (y / omr)), z[n + 2]
        ][: 2 * n + 1]

    # 2N equations, one redundant: replace the last IMR equation by the normalisation IMR_2 = 1
    def square(z):
        f = eqs(z)
        return np.r_[f[: 2 * n - 1], f[-1]]

    sol = root(square, np.zeros(2 * n), tol=1e-14)
    assert sol.success
    assert np.allclose(mine.omr, np.exp(sol.x[:n]), rtol=1e-9)
    assert np.allclose(mine.imr, np.exp(sol.x[n:]), rtol=1e-9)
    assert mine.residual < 1e-11


def test_full_endowment_two_countries_by_hand():
    # symmetric pair: welfare change = ((1+τ')/(1+τ))^(1/(σ-1)) - 1 (Arkolakis–Costinot–Rodríguez-Clare)  # noqa: E501
    tau, effect, sigma = 0.2, 0.5, 5.0
    flows = np.array([[1.0, tau], [tau, 1.0]])
    b = _baseline(flows, countries=("AAA", "BBB"), costs=flows)
    res = simulate(b, [AgreementChange(("AAA",), ("BBB",), effect)], sigma=sigma)
    expected = ((1 + tau * np.exp(effect)) / (1 + tau)) ** (1 / (sigma - 1)) - 1
    assert res.countries["real_gdp_pct"].to_numpy() / 100 == pytest.approx([expected] * 2, rel=1e-9)
    assert res.full.residual < 1e-12


def test_full_endowment_obeys_acr_formula_with_balanced_trade():
    # with E = Y, each country's real GDP change is (λ_ii'/λ_ii)^(1/(1-σ)), λ_ii = X_ii / E_i
    rng = np.random.default_rng(7)
    n, sigma = 5, 7.0
    x = rng.uniform(0.1, 2.0, (n, n)) + np.diag(rng.uniform(5, 20, n))
    x = (x + x.T) / 2  # symmetric flows ⇒ Y = E (balanced trade)
    b = _baseline(x, countries=tuple(f"C{k:02d}" for k in range(n)), ref="C00")
    res = simulate(b, [CostChange(("C01",), ("C03", "C04"), -15.0)], sigma=sigma)
    lam0 = np.diag(res.baseline_flows) / b.expenditure
    lam1 = np.diag(res.full_flows) / res.full.expenditure
    acr = (lam1 / lam0) ** (1 / (1 - sigma)) - 1
    assert res.countries["real_gdp_pct"].to_numpy() / 100 == pytest.approx(acr, rel=1e-8, abs=1e-12)


def test_full_endowment_matches_scipy_root_with_deficits():
    rng = np.random.default_rng(3)
    n, sigma = 5, 4.0
    x = rng.uniform(0.1, 2.0, (n, n)) + np.diag(rng.uniform(5, 20, n))
    y, e = x.sum(1), x.sum(0)
    t0 = x / np.outer(y, e)
    base = solve_resistances(t0, y, e, 0)
    t1 = t0.copy()
    t1[0, 1] *= 2.0
    t1[1, 0] *= 2.0
    mine = solve_endowment(t1, y, base.omr, e / y, 0, sigma)
    beta = y / base.omr

    def eqs(lp):  # market clearing for countries 1..n-1 and P_0 = 1 (Walras drops one)
        p = np.exp(lp)
        yy = p * y
        ee = (e / y) * yy
        ee *= yy.sum() / ee.sum()
        imr = t1.T @ (beta * p ** (1 - sigma))
        sales = beta * p ** (1 - sigma) * (t1 @ (ee / imr))
        return np.r_[np.log(sales[1:] / yy[1:]), np.log(imr[0])]

    sol = root(eqs, np.zeros(n), tol=1e-14)
    assert sol.success
    assert np.allclose(mine.price, np.exp(sol.x), rtol=1e-9)
    assert mine.residual < 1e-11


def test_no_shock_changes_nothing_and_observed_baseline_reproduces_flows():
    x = np.array([[10.0, 1.0, 0.5], [2.0, 20.0, 1.0], [0.3, 0.7, 5.0]])
    b = _baseline(x)
    res = simulate(b, sigma=7.0, new_trade_costs=np.array(b.trade_costs))
    assert np.allclose(res.baseline_flows, x, rtol=1e-10)
    assert np.allclose(res.countries.filter(like="_pct").to_numpy(), 0.0, atol=1e-8)


def test_agreement_respects_agreements_in_force():
    x = np.array([[10.0, 1.0, 0.5], [2.0, 20.0, 1.0], [0.3, 0.7, 5.0]])
    rta = np.zeros((3, 3))
    rta[0, 1] = rta[1, 0] = 1
    b = _baseline(x, rta=rta)
    res = simulate(b, [AgreementChange(("AAA", "BBB", "CCC"), None, 0.5, "form")], sigma=7)
    change = res.new_trade_costs / b.trade_costs
    assert change[0, 1] == pytest.approx(1.0) and change[0, 2] == pytest.approx(np.exp(0.5))
    assert change[2, 2] == pytest.approx(1.0)
    with pytest.raises(InputError, match="already has"):
        simulate(b, [AgreementChange(("AAA",), ("BBB",), 0.5, "form")], sigma=7)


def test_result_is_frozen_and_exports():
    x = np.array([[10.0, 1.0, 0.5], [2.0, 20.0, 1.0], [0.3, 0.7, 5.0]])
    res = simulate(_baseline(x), [CostChange(("AAA",), ("CCC",), -10)], sigma=7)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.sigma = 3  # type: ignore[misc]
    long = res.to_frame()
    assert set(long.columns) == {"country", "measure", "value"}
    assert len(long) == 3 * res.countries.shape[1]
    assert "σ = 7" in str(res) and "<table" in res._repr_html_() and "GEResult" in repr(res)
    assert res.pair("AAA", "CCC")["conditional_pct"] > 0
    assert np.isclose(res.countries.loc["AAA", "inward_mr_full_pct"], 0.0, atol=1e-10)  # reference


@pytest.mark.parametrize("sigma", [1, 0.5, -2, float("nan"), "seven"])
def test_bad_sigma(sigma):
    x = np.array([[10.0, 1.0], [2.0, 20.0]])
    with pytest.raises(InputError, match="sigma must be"):
        simulate(
            _baseline(x, countries=("AAA", "BBB")),
            [CostChange(("AAA",), ("BBB",), -10)],
            sigma=sigma,
        )


def test_unknown_country_or_group_in_shock():
    x = np.array([[10.0, 1.0], [2.0, 20.0]])
    b = _baseline(x, countries=("KOR", "RUS"), ref="KOR")
    with pytest.raises(UnknownCodeError, match="unknown country or group 'EAUE'"):
        simulate(b, [AgreementChange(("KOR",), ("EAUE",), 0.5)])


def test_solver_that_does_not_converge_raises_with_diagnostics():
    x = np.array([[10.0, 1.0, 0.5], [2.0, 20.0, 1.0], [0.3, 0.7, 5.0]])
    with pytest.raises(SolverError, match="did not converge") as info:
        simulate(_baseline(x), [CostChange(("AAA",), ("CCC",), -10)], max_iter=1)
    assert info.value.diagnostics["iterations"] == 1


def test_baseline_needs_home_trade_and_positive_output():
    import pandas as pd

    frame = pd.DataFrame(
        {"exporter": ["AAA", "BBB"], "importer": ["BBB", "AAA"], "trade": [1.0, 2.0]}
    )
    with pytest.raises(InputError, match="no intranational flow"):
        Baseline.from_frame(frame, reference="AAA")
    with pytest.raises(UnknownCodeError):
        Baseline.from_frame(
            pd.concat(
                [
                    frame,
                    pd.DataFrame(
                        {
                            "exporter": ["AAA", "BBB"],
                            "importer": ["AAA", "BBB"],
                            "trade": [5.0, 6.0],
                        }
                    ),
                ]
            ),
            reference="DEU",
        )
