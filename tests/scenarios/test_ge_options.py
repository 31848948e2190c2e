"""Deficit rules, normalisations, welfare measures and technology shocks on small economies.

Reference values are worked out by hand (closed forms in the docstrings) or by an independent
scipy root solve of the equilibrium conditions. Tolerance 1e-10 relative (solver tol 1e-12 on
log prices, a few hundred flops per entry).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import root

from bilat.errors import DataFormatError, InputError
from bilat.scenarios import scenario as sc
from bilat.scenarios.ge import Baseline, CostChange, TechnologyChange, simulate
from bilat.scenarios.ge.solve import solve_endowment, solve_resistances

SIGMA = 5.0
Y = np.array([1.0, 2.0, 3.0])  # output of CHL, KOR, NZL
E = np.array([1.5, 2.0, 2.5])  # spending: CHL runs a deficit of 0.5, NZL a surplus of 0.5
NAMES = ("CHL", "KOR", "NZL")


def _frictionless() -> Baseline:
    """Three economies with no trade costs (T_ij = 1): X_ij = Y_i E_j / ΣY."""
    flows = np.outer(Y, E) / Y.sum()
    return Baseline(
        countries=NAMES,
        trade_costs=np.ones((3, 3)),
        output=flows.sum(1),
        expenditure=flows.sum(0),
        flows=flows,
        reference="KOR",
        year=2000,
        trade_costs_from="fitted",
    )


def _by_hand(a_hat: np.ndarray, deficits: str) -> dict[str, np.ndarray]:
    """The closed form derived in the docstring of the technology test below."""
    k = (SIGMA - 1) / SIGMA
    w = a_hat**k * Y.sum() / (Y * a_hat**k).sum()
    p_hat = ((Y / Y.sum()) * (w / a_hat) ** (1 - SIGMA)).sum() ** (1 / (1 - SIGMA))
    y1 = w * Y
    if deficits == "additive":
        e1 = y1 + (E - Y)
    else:
        e1 = (E / Y) * y1
        e1 = e1 * y1.sum() / e1.sum()
    return {
        "wage": w,
        "producer_price": w / a_hat,
        "real_output": w / p_hat,
        "real_spending": e1 / E / p_hat,
        "flows": np.outer(y1, e1) / y1.sum(),
    }


@pytest.mark.parametrize("deficits", ["additive", "multiplicative"])
def test_technology_shock_textbook_comparative_statics(deficits):
    """CHL's productivity rises 10 % in a three-economy world without trade costs, by hand.

    Set-up: Y = (1, 2, 3), E = (1.5, 2, 2.5) (CHL runs a deficit of 0.5, NZL a surplus),
    T_ij = 1, so X_ij = Y_i E_j / ΣY, every importer faces the same price index P (baseline 1)
    and OMR_i⁰ = ΣE⁰ = 6. σ = 5, â = (1.1, 1, 1), world output fixed.

    1. Market clearing. With income w_i per unit of endowment, i's good costs w_i/â_i, so
       w_i Y_i = (Y_i/6) · (w_i/â_i)^(1-σ) · ΣE' / P'^(1-σ). Everything but (w_i/â_i)^(1-σ) is
       common to all i, so w_i^σ = â_i^(σ-1) · K: w_i = â_i^((σ-1)/σ) · c.
    2. Numeraire: Σ w_i Y_i = ΣY gives c = ΣY / Σ_i Y_i â_i^((σ-1)/σ).
    3. Price index: P̂^(1-σ) = Σ_i (Y_i/ΣY) (w_i/â_i)^(1-σ) (the supply shares at baseline).
    4. Real output w_i/P̂; producer price w_i/â_i; spending: additive E_i' = w_i Y_i + D_i,
       multiplicative E_i' = s φ_i w_i Y_i with s = Σ w Y / Σ φ w Y; real spending E_i'/E_i/P̂.
    5. Flows: i's share of every market is its share of world output, X'_ij = Y_i' E_j' / ΣY'.
    Neither w nor P̂ depends on how spending is split, so both deficit rules share steps 1–3.

    Textbook comparative statics: CHL's good gets cheaper (its terms of trade worsen: producer
    price down), its income rises relative to the others' by 1.1^((σ-1)/σ), everyone's real
    output rises (P falls), CHL's the most, and by less than 10 % (part of the gain goes abroad
    through lower prices). Numbers: w_CHL = 1.0652, w_KOR = w_NZL = 0.9870, real output
    +8.28 % in CHL and +0.33 % elsewhere.
    """
    b = _frictionless()
    res = simulate(
        b,
        [TechnologyChange(("CHL",), 10.0)],
        sigma=SIGMA,
        deficits=deficits,  # type: ignore[arg-type]
        normalisation="world_output",
    )
    hand = _by_hand(np.array([1.1, 1.0, 1.0]), deficits)
    c = res.countries
    assert (1 + c["output_pct"] / 100).to_numpy() == pytest.approx(hand["wage"], rel=1e-10)
    assert (1 + c["producer_price_pct"] / 100).to_numpy() == pytest.approx(
        hand["producer_price"], rel=1e-10
    )
    assert (1 + c["real_gdp_pct"] / 100).to_numpy() == pytest.approx(hand["real_output"], rel=1e-10)
    assert (1 + c["real_spending_pct"] / 100).to_numpy() == pytest.approx(
        hand["real_spending"], rel=1e-10
    )
    assert np.allclose(res.full_flows, hand["flows"], rtol=1e-10)
    assert res.full.residual < 1e-11
    # the signs and orderings of the textbook
    w = c["real_gdp_pct"]
    assert (w > 0).all() and w.idxmax() == "CHL" and w["CHL"] < 10.0
    assert c.loc["CHL", "producer_price_pct"] < 0 < c.loc["CHL", "output_pct"]
    assert hand["wage"][0] / hand["wage"][1] == pytest.approx(1.1 ** ((SIGMA - 1) / SIGMA))
    # trade costs did not move; the conditional GE (Y, E fixed) sees nothing
    assert np.array_equal(res.new_trade_costs, b.trade_costs)
    assert np.allclose(c["exports_conditional_pct"], 0.0, atol=1e-10)


def test_technology_equals_a_proportional_fall_in_all_of_a_country_s_costs():
    """â^(σ-1) on the supply term is the same as T_ij × â^(σ-1) on all of i's sales (home
    included): incomes, spending and price indices coincide; only the good's price differs."""
    rng = np.random.default_rng(5)
    x = rng.uniform(0.1, 2.0, (4, 4)) + np.diag(rng.uniform(5, 20, 4))
    names = ("CHL", "KOR", "NZL", "PER")
    b = Baseline.from_frame(
        pd.DataFrame(
            [(names[i], names[j], x[i, j]) for i in range(4) for j in range(4)],
            columns=["exporter", "importer", "trade"],
        ),
        reference="CHL",
    )
    tech = simulate(b, [TechnologyChange(("NZL",), -7.0)], sigma=SIGMA, deficits="additive")
    costs = np.array(b.trade_costs)
    costs[2, :] *= 0.93 ** (SIGMA - 1)
    cost = simulate(b, sigma=SIGMA, new_trade_costs=costs, deficits="additive")
    assert np.allclose(tech.full.output, cost.full.output, rtol=1e-10)
    assert np.allclose(tech.full.imr, cost.full.imr, rtol=1e-10)
    assert np.allclose(tech.full_flows, cost.full_flows, rtol=1e-10)
    assert tech.full.price[2] == pytest.approx(cost.full.price[2] / 0.93, rel=1e-10)


def test_additive_deficits_match_a_scipy_root_solve():
    rng = np.random.default_rng(11)
    n = 5
    x = rng.uniform(0.1, 2.0, (n, n)) + np.diag(rng.uniform(5, 20, n))
    y, e = x.sum(1), x.sum(0)
    t0 = x / np.outer(y, e)
    base = solve_resistances(t0, y, e, 0)
    t1 = t0.copy()
    t1[1, 3] *= 1.8
    t1[3, 1] *= 1.8
    mine = solve_endowment(
        t1, y, base.omr, e / y, 0, SIGMA, deficits="additive", normalisation="world_output"
    )
    beta = y / base.omr

    def eqs(lw):  # market clearing for countries 1..n-1, and world output fixed
        w = np.exp(lw)
        yy = w * y
        ee = yy + (e - y)
        imr = t1.T @ (beta * w ** (1 - SIGMA))
        sales = beta * w ** (1 - SIGMA) * (t1 @ (ee / imr))
        return np.r_[np.log(sales[1:] / yy[1:]), yy.sum() / y.sum() - 1]

    sol = root(eqs, np.zeros(n), tol=1e-14)
    assert sol.success
    assert np.allclose(mine.wage, np.exp(sol.x), rtol=1e-9)
    assert np.allclose(mine.expenditure, np.exp(sol.x) * y + e - y, rtol=1e-9)
    assert mine.spending_factor == 1.0 and mine.residual < 1e-11


def test_balanced_trade_makes_the_deficit_rules_equal():
    x = np.array([[10.0, 1.0, 0.5], [1.0, 20.0, 0.7], [0.5, 0.7, 5.0]])  # symmetric ⇒ E = Y
    b = Baseline.from_frame(
        pd.DataFrame(
            [(NAMES[i], NAMES[j], x[i, j]) for i in range(3) for j in range(3)],
            columns=["exporter", "importer", "trade"],
        ),
        reference="CHL",
    )
    shock = [CostChange(("CHL",), ("NZL",), -20.0)]
    mult = simulate(b, shock, sigma=SIGMA)
    add = simulate(b, shock, sigma=SIGMA, deficits="additive")
    assert np.allclose(mult.countries, add.countries, rtol=1e-9, atol=1e-11)
    # with E = Y the two welfare measures coincide too
    assert np.allclose(add.countries["real_gdp_pct"], add.countries["real_spending_pct"])


def test_bad_options_are_named():
    b = _frictionless()
    with pytest.raises(InputError, match="deficits must be one of 'multiplicative', 'additive'"):
        simulate(b, [TechnologyChange(("CHL",), 1.0)], deficits="linear")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="normalisation must be one of"):
        simulate(b, [TechnologyChange(("CHL",), 1.0)], normalisation="gdp")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="> -100 %"):
        TechnologyChange(("CHL",), -100.0)


def _write_case(tmp_path, body: str):
    flows = np.outer(Y, E) / Y.sum()
    rows = [(NAMES[i], NAMES[j], 2000, flows[i, j]) for i in range(3) for j in range(3)]
    pd.DataFrame(rows, columns=["exporter", "importer", "year", "trade"]).to_csv(
        tmp_path / "three.csv", index=False
    )
    path = tmp_path / "tech.toml"
    path.write_text(body)
    return path


def test_technology_shock_in_a_scenario_file(tmp_path):
    """The frictionless case from a file: observed costs calibrate to T_ij ∝ 1, the same economy."""
    path = _write_case(
        tmp_path,
        'name = "CHL productivity"\nyear = 2000\nsigma = 5\nreference = "USA"\n'
        'deficits = "additive"\nnormalisation = "world_output"\n'
        '[baseline]\nfile = "three.csv"\n'
        '[[shock]]\ntype = "technology"\ncountries = ["CHL"]\npercent = 10\n',
    )
    with pytest.raises(Exception, match="USA"):  # the reference must be in the data
        sc.run(sc.load(path))
    path.write_text(path.read_text().replace('"USA"', '"CHL"').replace("CHL productivity", "t"))
    s = sc.load(path)
    assert isinstance(s.shocks[0], TechnologyChange) and s.deficits == "additive"
    res = sc.run(s)
    hand = _by_hand(np.array([1.1, 1.0, 1.0]), "additive")
    c = res.countries
    assert (1 + c["real_spending_pct"] / 100).to_numpy() == pytest.approx(
        hand["real_spending"], rel=1e-10
    )
    assert (1 + c["real_gdp_pct"] / 100).to_numpy() == pytest.approx(hand["real_output"], rel=1e-10)
    assert "productivity of CHL changes +10 %" in res.summary()


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ('deficits = "additive"', 'deficits = "linear"', "line 5, column 'deficits'"),
        ('normalisation = "world_output"', 'normalisation = "gdp"', "column 'normalisation'"),
        ("percent = 10", "percent = -120", "> -100 %"),
        ("percent = 10", "percent = 'ten'", "percent must be a number"),
        ('countries = ["CHL"]', 'countries = ["CHLX"]', "unknown country or group 'CHLX'"),
    ],
)
def test_bad_scenario_options_name_file_and_line(tmp_path, old, new, words):
    body = (
        'name = "t"\nyear = 2000\nsigma = 5\nreference = "CHL"\n'
        'deficits = "additive"\nnormalisation = "world_output"\n'
        '[baseline]\nfile = "three.csv"\n'
        '[[shock]]\ntype = "technology"\ncountries = ["CHL"]\npercent = 10\n'
    )
    path = _write_case(tmp_path, body.replace(old, new))
    with pytest.raises((DataFormatError, InputError), match=words.replace("(", r"\(")):
        sc.load(path)


def test_file_baseline_and_estimation_errors_name_the_fix(tmp_path):
    body = (
        'name = "t"\nyear = 2000\nsigma = 5\nreference = "CHL"\n'
        '[baseline]\nfile = "nowhere.csv"\n'
        '[[shock]]\ntype = "technology"\ncountries = ["CHL"]\npercent = 10\n'
    )
    path = _write_case(tmp_path, body)
    with pytest.raises(InputError, match=r"data file 'nowhere\.csv' not found.*BILAT_BUNDLE"):
        sc.run(sc.load(path))
    path.write_text(
        body.replace("nowhere.csv", "three.csv").replace("[[shock]]", 'trade = "x"\n[[shock]]')
    )
    with pytest.raises(DataFormatError, match=r"no column\(s\) \['x'\] named in \[baseline\]"):
        sc.run(sc.load(path))
    path.write_text(body.replace("year = 2000", "year = 2014").replace("nowhere.csv", "three.csv"))
    with pytest.raises(InputError, match=r"no rows in year 2014; years are \[2000\]"):
        sc.run(sc.load(path))
    path.write_text(
        body.replace("nowhere.csv", "three.csv")
        + '[estimation]\nformula = "trade ~ rta_lag | exp_year"\nterm = "rta"\n'
    )
    with pytest.raises(DataFormatError, match="term 'rta' is not a covariate"):
        sc.load(path)


def test_cli_method_needs_draws_and_file_estimation_refuses_store_options(tmp_path):
    from typer.testing import CliRunner

    from bilat.cli.main import app

    body = (
        'name = "t"\nyear = 2000\nsigma = 5\nreference = "CHL"\n[baseline]\nfile = "three.csv"\n'
        '[estimation]\nformula = "trade ~ fta | exp_year + imp_year"\nterm = "fta"\n'
        '[[shock]]\ntype = "technology"\ncountries = ["CHL"]\npercent = 10\n'
    )
    path = _write_case(tmp_path, body)
    runner = CliRunner()
    r = runner.invoke(app, ["scenario", "run", str(path), "--method", "bootstrap"])
    assert r.exit_code == 2 and "give --draws N" in r.output
    r = runner.invoke(app, ["scenario", "run", str(path), "--estimate", "pair"])
    assert r.exit_code == 2 and "estimates from its own data file" in r.output
