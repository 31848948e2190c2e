"""The reference example of Stata's ``ge_gravity`` (EU enlargements, WIOD 2000, θ = 4), end to end.

Reference values: ``TradeData0014_Results.csv.gz`` of the bundle, what Stata's ``ge_gravity``
stored (β = 0.224249005317688 from ppmlhdfe; ``w_eu``/``X_eu`` with additive deficits, the
default; ``w_mult``/``X_mult`` with the ``mult`` option), world output held fixed.
Tolerances:
- β: 1e-6 (PPML tolerances differ between ppmlhdfe and pyfixest; we get 8e-10);
- welfare: 1e-6 absolute on the ratio new/old (Stata stores floats: ≈ 6e-8);
- flows: 1e-6 relative. Stata's multiplicative rule sets E_j' = φ_j Y_j' without making world
  spending equal world output, so its stored flows sum to Σ X_mult = Σ Y⁰/s (s the world
  factor bilat applies, E_j' = s φ_j Y_j'; markets then clear exactly). We check that factor
  against the file's own totals and compare flows X/s with X_mult.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bilat.scenarios import scenario as sc
from bilat.scenarios.ge import simulate

pytestmark = [pytest.mark.bundle]

EXAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "ge_gravity_eu.toml"
STATA_BETA = 0.224249005317688
FORMULA = "trade ~ eu_enlargement + other_fta | exp_year + imp_year + pair_dir"


@pytest.fixture(scope="module")
def stata(bundle) -> pd.DataFrame:
    """Stata's stored results for the 2000 rows (44 × 44)."""
    r = pd.read_csv(bundle / "gravity" / "ge_gravity" / "TradeData0014_Results.csv.gz")
    return r[r["year"] == 2000].reset_index(drop=True)


@pytest.fixture(scope="module")
def scenario():
    return sc.load(EXAMPLE)


@pytest.fixture(scope="module")
def results(scenario):
    """The example under both deficit rules (solver tolerance tightened to show residuals)."""
    return {
        d: sc.run(scenario.with_deficits(d), tol=1e-14)
        for d in ("additive", "multiplicative")  # type: ignore[arg-type]
    }


def _matrix(frame: pd.DataFrame, column: str, countries: tuple[str, ...]) -> np.ndarray:
    pos = {c: k for k, c in enumerate(countries)}
    out = np.full((len(countries), len(countries)), np.nan)
    out[frame["exporter"].map(pos), frame["importer"].map(pos)] = frame[column]
    return out


def test_reestimated_beta_equals_stata(results):
    effect = results["additive"].effect
    assert effect.origin == "estimated"
    assert effect.value == pytest.approx(STATA_BETA, abs=1e-6)
    assert effect.fit.nobs == 44 * 43 * 4  # international flows, 4 years, nothing separated


def test_the_shock_hits_exactly_stata_s_new_eu_pairs(results, stata):
    ge = results["additive"].ge
    changed = ge.new_trade_costs / ge.baseline.trade_costs - 1
    stored = _matrix(stata, "eu_effect", ge.baseline.countries)
    assert int((changed > 0).sum()) == int((stata["new_eu_pair"] > 0).sum()) == 572
    assert np.allclose(np.log1p(changed), stored, atol=1e-6)


@pytest.mark.parametrize(
    ("deficits", "welfare", "flows", "measure"),
    [
        ("additive", "w_eu", "X_eu", "real_spending_pct"),
        ("multiplicative", "w_mult", "X_mult", "real_gdp_pct"),
    ],
)
def test_welfare_and_flows_equal_stata(results, stata, deficits, welfare, flows, measure):
    res = results[deficits]
    ge = res.ge
    assert ge.deficits == deficits and ge.normalisation == "world_output"
    w = stata.groupby("exporter")[welfare].first().reindex(ge.baseline.countries)
    ours = 1 + ge.countries[measure] / 100
    assert np.max(np.abs(ours.to_numpy() - w.to_numpy())) < 1e-6
    stored = _matrix(stata, flows, ge.baseline.countries)
    s = ge.full.spending_factor
    if deficits == "multiplicative":
        # Stata's flows add up to world spending φ·Y', short of world output by the factor s
        assert s == pytest.approx(stata["trade"].sum() / stata[flows].sum(), rel=1e-7)
        # and its welfare (the real wage) is our real output; real spending is s times it
        assert np.allclose(
            1 + ge.countries["real_spending_pct"] / 100, s * ours, rtol=1e-12, atol=0
        )
    else:
        assert s == 1.0
        # with additive deficits the real wage is the other measure: Stata's own formula
        real_wage = 1 + ge.countries["real_gdp_pct"] / 100
        deficit = ge.baseline.expenditure - ge.baseline.output
        y1 = ge.full.output
        spending = (y1 + deficit) / ge.baseline.expenditure
        assert np.allclose(spending * real_wage * ge.baseline.output / y1, ours, rtol=1e-12, atol=0)
    assert np.max(np.abs(ge.full_flows / s / stored - 1)) < 1e-6
    # world output fixed: the normalisation the result is labelled with
    assert ge.full.output.sum() == pytest.approx(ge.baseline.output.sum(), rel=1e-13)
    d = ge.diagnostics
    assert max(d["baseline_residual"], d["conditional_residual"], d["full_residual"]) < 1e-12
    assert any("world output is fixed" in a for a in res.assumptions)
    assert any("real spending" in a for a in res.assumptions)


def test_normalisation_matters_with_additive_deficits_only(scenario, results):
    """Multiplicative: homogeneous of degree one, so real results ignore the numeraire;
    additive: the deficit is fixed in units of the numeraire, so the numeraire matters."""
    ref = sc.run(
        scenario.with_deficits("multiplicative").with_normalisation("reference"), tol=1e-14
    )
    world = results["multiplicative"].ge
    cols = ["real_gdp_pct", "real_spending_pct"]
    assert np.allclose(ref.ge.countries[cols], world.countries[cols], rtol=1e-9, atol=1e-11)
    ratio = ref.ge.full_flows / world.full_flows
    assert np.allclose(ratio, ratio[0, 0], rtol=1e-9)  # nominal flows: one common factor
    assert ref.ge.full.imr[ref.ge.baseline.reference_index] == pytest.approx(1.0, abs=1e-12)
    add_ref = sc.run(scenario.with_normalisation("reference"))
    gap = (
        add_ref.ge.countries["real_spending_pct"]
        - results["additive"].ge.countries["real_spending_pct"]
    )
    assert np.max(np.abs(gap)) > 1e-4  # percentage points: a visible, labelled difference


def test_cli_estimate_then_scenario(stata, bundle, tmp_path):
    from typer.testing import CliRunner

    from bilat.cli.main import app

    runner = CliRunner()
    data = bundle / "gravity" / "ge_gravity" / "TradeData0014.csv.gz"
    args = ["gravity", "estimate", str(data), "--formula", FORMULA, "--cluster", "pair_dir"]
    r = runner.invoke(app, [*args, "--international", "--format", "json"])
    assert r.exit_code == 0, r.output
    coefs = {c["term"]: c for c in json.loads(r.output)["coefficients"]}
    assert coefs["eu_enlargement"]["estimate"] == pytest.approx(STATA_BETA, abs=1e-6)
    out = tmp_path / "eu.json"
    r = runner.invoke(app, ["scenario", "run", str(EXAMPLE), "--format", "json", "--out", str(out)])
    assert r.exit_code == 0, r.output
    payload = json.loads(out.read_text())
    assert payload["deficits"] == "additive" and payload["normalisation"] == "world_output"
    assert set(payload["welfare"]) == {"real_gdp_pct", "real_spending_pct"}
    rows = {row["country"]: row["real_spending_pct"] for row in payload["countries"]}
    w = stata.groupby("exporter")["w_eu"].first()
    assert max(abs(1 + rows[c] / 100 - w[c]) for c in w.index) < 1e-6
    r = runner.invoke(app, ["scenario", "run", str(EXAMPLE), "--deficits", "multiplicative"])
    assert r.exit_code == 0 and "multiplicative deficits" in r.output


def test_pairs_bootstrap_carried_through_the_ge(scenario, results):
    """A handful of draws (the 200-draw run is benchmarks/bench_ge_gravity.py)."""
    from bilat.scenarios import UncertaintySpec

    spec = UncertaintySpec(draws=6, level=0.9, seed=3, method="bootstrap")
    res = sc.run(scenario.with_uncertainty(spec))
    u = res.uncertainty
    assert u.method == "bootstrap" and u.failed == 0 and len(u.effect_draws) == 6
    betas = np.asarray(u.effect_draws)
    assert len(set(np.round(betas, 12))) == 6  # six different resamples
    assert np.all(np.abs(betas - STATA_BETA) < 0.3)
    # each draw is solved like a scenario with that effect given: the interval ends are the
    # quantiles of those independent runs (linear interpolation, as numpy)
    base = res.ge.baseline
    welfare = []
    for b in betas:
        one = simulate(
            base,
            [dataclasses.replace(scenario.shocks[0], effect=float(b))],
            sigma=scenario.sigma,
            deficits="additive",
            normalisation="world_output",
        )
        welfare.append(one.countries["real_spending_pct"])
    welfare = pd.concat(welfare, axis=1)
    lo, hi = welfare.quantile(0.05, axis=1), welfare.quantile(0.95, axis=1)
    c = res.countries
    assert np.allclose(c["real_spending_pct_low"], lo, rtol=1e-10, atol=1e-12)
    assert np.allclose(c["real_spending_pct_high"], hi, rtol=1e-10, atol=1e-12)
    payload = res.to_dict()["uncertainty"]
    assert payload["draw_method"] == "bootstrap" and payload["draws"] == 6
    assert "pairs bootstrap" in payload["description"]
    # the same seed gives the same resamples, whatever the number of workers
    again = sc.run(scenario.with_uncertainty(dataclasses.replace(spec, n_jobs=2)))
    assert np.array_equal(again.uncertainty.effect_draws, u.effect_draws)
    # beside it, normal draws with the clustered s.e., labelled as such
    normal = sc.run(scenario.with_uncertainty(dataclasses.replace(spec, method="normal")))
    assert normal.to_dict()["uncertainty"]["draw_method"] == "normal"
    # the clustered s.e. with ppmlhdfe's convention (0.0730 with pyfixest's default ssc)
    assert "N(0.2242, 0.0713²)" in normal.uncertainty.summary()


def test_bootstrap_needs_an_estimated_effect(scenario):
    from bilat.errors import InputError
    from bilat.scenarios import UncertaintySpec

    supplied = dataclasses.replace(scenario, estimation=None)
    spec = UncertaintySpec(draws=3, method="bootstrap")
    with pytest.raises(InputError, match="re-estimates the agreement effect"):
        sc.run(supplied.with_uncertainty(spec))
