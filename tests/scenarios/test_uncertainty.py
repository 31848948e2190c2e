"""Monte Carlo intervals over the agreement effect, on small economies worked out by hand.

The two-country symmetric economy has a closed form (Arkolakis–Costinot–Rodríguez-Clare):
welfare change = ((1 + τ e^β) / (1 + τ))^(1/(σ-1)) − 1, increasing in β; so the interval's ends
are the quantiles of the closed form over the draws of β.
"""

from __future__ import annotations

import numpy as np
import pytest

from bilat.errors import InputError
from bilat.scenarios import AgreementChange, Baseline, CostChange, UncertaintySpec, monte_carlo
from bilat.scenarios.ge import simulate

TAU, SIGMA = 0.2, 5.0


def _two_countries() -> Baseline:
    flows = np.array([[1.0, TAU], [TAU, 1.0]])
    y = flows.sum(1)
    return Baseline(
        countries=("AAA", "BBB"),
        trade_costs=flows.copy(),
        output=y,
        expenditure=flows.sum(0),
        flows=flows,
        reference="AAA",
        year=2016,
    )


def _welfare(beta):
    return (((1 + TAU * np.exp(beta)) / (1 + TAU)) ** (1 / (SIGMA - 1)) - 1) * 100


SHOCK = AgreementChange(("AAA",), ("BBB",), None)


def test_interval_is_the_closed_form_at_the_quantiles_of_the_draws():
    spec = UncertaintySpec(draws=400, level=0.9, seed=11)
    u = monte_carlo(_two_countries(), [SHOCK], effect=0.5, std_error=0.2, sigma=SIGMA, spec=spec)
    lo, hi = np.quantile(_welfare(u.effect_draws), [0.05, 0.95])
    assert u.countries.loc["AAA", "real_gdp_pct_low"] == pytest.approx(lo, rel=1e-9)
    assert u.countries.loc["AAA", "real_gdp_pct_high"] == pytest.approx(hi, rel=1e-9)
    point = _welfare(0.5)
    assert (
        u.countries.loc["AAA", "real_gdp_pct_low"]
        < point
        < u.countries.loc["AAA", "real_gdp_pct_high"]
    )
    assert u.effect_draws.mean() == pytest.approx(0.5, abs=3 * 0.2 / np.sqrt(400))


def test_interval_shrinks_to_the_point_as_the_standard_error_goes_to_zero():
    b = _two_countries()
    widths = []
    for se in (0.3, 0.03, 1e-9):
        u = monte_carlo(b, [SHOCK], effect=0.5, std_error=se, sigma=SIGMA, spec=UncertaintySpec(50))
        c = u.countries.loc["BBB"]
        widths.append(c["real_gdp_pct_high"] - c["real_gdp_pct_low"])
    assert widths[0] > widths[1] > widths[2] and widths[2] < 1e-6
    assert u.countries.loc["BBB", "real_gdp_pct_low"] == pytest.approx(_welfare(0.5), rel=1e-6)


def test_reproducible_with_a_seed_and_independent_of_workers():
    rng = np.random.default_rng(4)
    x = rng.uniform(0.1, 2.0, (4, 4)) + np.diag(rng.uniform(5, 20, 4))
    b = Baseline(
        countries=("AAA", "BBB", "CCC", "DDD"),
        trade_costs=x / np.outer(x.sum(1), x.sum(0)),
        output=x.sum(1),
        expenditure=x.sum(0),
        flows=x,
        reference="AAA",
        year=2016,
    )
    shocks = [AgreementChange(("AAA",), ("CCC", "DDD"), None), CostChange(("BBB",), ("CCC",), -5)]
    kw = {"effect": 0.4, "std_error": 0.1, "sigma": 7.0, "pairs": [("AAA", "CCC")]}
    one = monte_carlo(b, shocks, spec=UncertaintySpec(30, seed=9), **kw)
    again = monte_carlo(b, shocks, spec=UncertaintySpec(30, seed=9, n_jobs=2), **kw)
    other = monte_carlo(b, shocks, spec=UncertaintySpec(30, seed=10), **kw)
    assert one.countries.equals(again.countries) and one.pairs.equals(again.pairs)
    assert not one.countries.equals(other.countries)
    point = simulate(b, [AgreementChange(("AAA",), ("CCC", "DDD"), 0.4), shocks[1]], sigma=7.0)
    ft = point.bilateral("AAA", "CCC")
    for col in ("conditional_pct", "full_pct"):
        assert (one.pairs[f"{col}_low"] <= ft[col]).all() and (
            ft[col] <= one.pairs[f"{col}_high"]
        ).all()
    assert list(one.to_frame().columns) == ["level", "name", "measure", "low", "high"]
    assert (
        "90% intervals" in str(one) and "Uncertainty" in repr(one) and "<table" in one._repr_html_()
    )


def test_bad_uncertainty_input():
    b = _two_countries()
    with pytest.raises(InputError, match="nothing to draw"):
        monte_carlo(b, [CostChange(("AAA",), ("BBB",), -5)], effect=0.5, std_error=0.1)
    with pytest.raises(InputError, match="draws must be"):
        UncertaintySpec(draws=1)
    with pytest.raises(InputError, match="level must be"):
        UncertaintySpec(level=90)
    with pytest.raises(InputError, match="standard error"):
        monte_carlo(b, [SHOCK], effect=0.5, std_error=-1)
