"""Distance-change (route) scenarios on small economies worked out by hand, and bad input.

Reference values: the two-country symmetric economy's closed form (as in test_uncertainty):
welfare change = ((1 + τ F) / (1 + τ))^(1/(σ-1)) − 1 with F = s·(d'/d)^δ + 1 − s the factor on
the international trade-cost term; the equivalent trade-cost change p solves
(1 + p/100)^(1-σ) = F. Tolerances: 1e-9 relative (solver tol 1e-12).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from bilat.errors import DataFormatError, InputError, UnknownCodeError
from bilat.scenarios import UncertaintySpec, monte_carlo
from bilat.scenarios import scenario as sc
from bilat.scenarios.ge import Baseline, CostChange, DistanceChange, simulate
from bilat.scenarios.routes import all_routes, find_route, read_routes, routes_frame

TAU, SIGMA = 0.2, 5.0


def _two_countries() -> Baseline:
    flows = np.array([[1.0, TAU], [TAU, 1.0]])
    return Baseline(
        countries=("AAA", "BBB"),
        trade_costs=flows.copy(),
        output=flows.sum(1),
        expenditure=flows.sum(0),
        flows=flows,
        reference="AAA",
        year=2016,
    )


def _five_countries() -> Baseline:
    rng = np.random.default_rng(7)
    x = rng.uniform(0.1, 2.0, (5, 5)) + np.diag(rng.uniform(5, 20, 5))
    return Baseline(
        countries=("AAA", "BBB", "CCC", "DDD", "EEE"),
        trade_costs=x / np.outer(x.sum(1), x.sum(0)),
        output=x.sum(1),
        expenditure=x.sum(0),
        flows=x,
        reference="CCC",
        year=2016,
    )


def _factor(ratio, delta, share):
    return share * ratio**delta + (1 - share)


def _welfare(factor):
    return (((1 + TAU * factor) / (1 + TAU)) ** (1 / (SIGMA - 1)) - 1) * 100


@pytest.mark.parametrize(
    ("kwargs", "ratio"),
    [
        ({"percent": -30.0}, 0.7),
        ({"percent": -30.0, "usable_share": 0.25}, 0.7),
        ({"new_km": 15000.0, "current_km": 22000.0, "usable_share": 1 / 3}, 15000 / 22000),
        ({"percent": 20.0, "usable_share": 0.5}, 1.2),
    ],
)
def test_distance_change_equals_the_equivalent_cost_change(kwargs, ratio):
    b, delta, sigma = _five_countries(), -0.8, 7.0
    dist = DistanceChange(("AAA", "BBB"), ("DDD",), elasticity=delta, **kwargs)
    share = kwargs.get("usable_share", 1.0)
    # by hand: (1 + p/100)^(1-σ) = s·r^δ + 1 − s
    p = (_factor(ratio, delta, share) ** (1 / (1 - sigma)) - 1) * 100
    assert dist.equivalent_cost_percent(sigma) == pytest.approx(p, rel=1e-12)
    via_distance = simulate(b, [dist], sigma=sigma)
    via_costs = simulate(b, [CostChange(("AAA", "BBB"), ("DDD",), p)], sigma=sigma)
    pd.testing.assert_frame_equal(via_distance.countries, via_costs.countries, rtol=1e-9)
    f1 = via_distance.flows.drop(columns="trade_cost_term_pct")
    f2 = via_costs.flows.drop(columns="trade_cost_term_pct")
    pd.testing.assert_frame_equal(f1, f2, rtol=1e-9)
    assert via_distance.full.residual < 1e-10


def test_new_distance_against_geodist_distances_pair_by_pair():
    b = _five_countries()
    km = np.full((5, 5), 1000.0)
    km[0, 3], km[3, 0], km[1, 3], km[3, 1] = 9000.0, 9000.0, 6000.0, 6000.0
    frame = pd.DataFrame(
        [(b.countries[i], b.countries[j], km[i, j]) for i in range(5) for j in range(5)],
        columns=["exporter", "importer", "dist"],
    )
    bd = b.with_distances(frame)
    dist = DistanceChange(
        ("AAA", "BBB"), ("DDD",), new_km=4500.0, elasticity=-1.0, usable_share=0.5
    )
    # by hand: AAA–DDD 4500/9000 = 0.5 → 0.5·2 + 0.5 = 1.5; BBB–DDD 0.75 → 0.5·4/3 + 0.5
    t = b.trade_costs.copy()
    for i, f in ((0, 1.5), (1, 0.5 * 4 / 3 + 0.5)):
        t[i, 3] *= f
        t[3, i] *= f
    a = simulate(bd, [dist], sigma=7.0)
    direct = simulate(b, new_trade_costs=t, sigma=7.0)
    pd.testing.assert_frame_equal(a.countries, direct.countries, rtol=1e-9)
    with pytest.raises(InputError, match="GeoDist"):
        simulate(b, [dist], sigma=7.0)  # no distances in the baseline


def test_two_country_closed_form_with_a_seasonal_route():
    dist = DistanceChange(("AAA",), ("BBB",), percent=-36.0, usable_share=0.4, elasticity=-0.66)
    res = simulate(_two_countries(), [dist], sigma=SIGMA)
    expected = _welfare(_factor(0.64, -0.66, 0.4))
    assert res.countries.loc["AAA", "real_gdp_pct"] == pytest.approx(expected, rel=1e-9)
    # a route usable 0 % of the year changes nothing
    none = DistanceChange(("AAA",), ("BBB",), percent=-36.0, usable_share=0.0, elasticity=-0.66)
    assert simulate(_two_countries(), [none], sigma=SIGMA).countries[
        "real_gdp_pct"
    ].abs().max() == pytest.approx(0.0, abs=1e-12)


def test_monte_carlo_over_the_distance_elasticity_is_the_closed_form_at_its_quantiles():
    shock = DistanceChange(("AAA",), ("BBB",), percent=-30.0, usable_share=0.5)
    spec = UncertaintySpec(draws=300, level=0.9, seed=3)
    u = monte_carlo(
        _two_countries(), [shock], elasticity=-0.7, elasticity_se=0.1, sigma=SIGMA, spec=spec
    )
    assert u.effect_draws is None and u.elasticity_draws is not None
    w = _welfare(_factor(0.7, u.elasticity_draws, 0.5))
    lo, hi = np.quantile(w, [0.05, 0.95])
    assert u.countries.loc["AAA", "real_gdp_pct_low"] == pytest.approx(lo, rel=1e-9)
    assert u.countries.loc["AAA", "real_gdp_pct_high"] == pytest.approx(hi, rel=1e-9)
    assert "distance elasticity ~ N(-0.7000, 0.1000²)" in str(u)
    with pytest.raises(InputError, match="distance elasticity and its standard error"):
        monte_carlo(_two_countries(), [shock], elasticity=-0.7, sigma=SIGMA)


def test_joint_draws_of_effect_and_elasticity_have_the_fit_s_correlation():
    from bilat.scenarios import AgreementChange
    from bilat.scenarios.uncertainty import _draws

    cov = 0.6 * 0.1 * 0.05
    big = _draws(np.random.default_rng(1), 20_000, [0.5, -0.7], [0.1, 0.05], cov)
    assert np.corrcoef(big.T)[0, 1] == pytest.approx(0.6, abs=0.02)
    assert big.std(axis=0) == pytest.approx([0.1, 0.05], rel=0.03)
    shocks = [
        AgreementChange(("AAA",), ("CCC",), None),
        DistanceChange(("BBB",), ("DDD",), percent=-20.0),
    ]
    u = monte_carlo(
        _five_countries(),
        shocks,
        effect=0.5,
        std_error=0.1,
        elasticity=-0.7,
        elasticity_se=0.05,
        covariance=cov,
        spec=UncertaintySpec(draws=20, seed=1),
    )
    # the solver got the same joint draws, in order
    assert np.allclose(u.effect_draws, big[:20, 0]) and np.allclose(u.elasticity_draws, big[:20, 1])
    assert u.correlation == pytest.approx(0.6) and "jointly" in str(u)


def test_shipped_route_table():
    routes = {r.id: r for r in all_routes()}
    assert {"NSR", "NSR_CHINA", "TKR_TSR"} <= set(routes)
    nsr = routes["NSR"]
    assert nsr.change_pct == pytest.approx((15000 / 22000 - 1) * 100)
    assert 0 < nsr.usable_share < 0.5 and "Chosun" in nsr.source
    assert routes["TKR_TSR"].side_a == ("KOR",) and routes["TKR_TSR"].side_b == ("RUS",)
    frame = routes_frame(routes.values())
    assert frame.loc["NSR", "current_km"] == 22000 and frame.loc["NSR_CHINA", "new_km"] == 14875
    assert find_route("nsr", routes.values()).id == "NSR"
    with pytest.raises(UnknownCodeError, match="did you mean 'NSR'"):
        find_route("NRS", routes.values())
    s = sc.load("nsr_route.toml")
    assert [d.route for d in s.shocks] == ["NSR", "NSR_CHINA"] and s.uses_elasticity


def _write(tmp_path, body: str, name: str = "route.toml"):
    p = tmp_path / name
    p.write_text(body, encoding="utf-8")
    return p


ROUTE = """
name = "test"
[groups]
NE = ["KOR", "JPN"]
[[route]]
id = "MY_ROUTE"
between = ["NE"]
and = ["NLD"]
current_km = 20000
new_km = 13000
usable_share = 0.4
[[shock]]
type = "route"
route = "MY_ROUTE"
"""


def test_a_user_route_file(tmp_path):
    p = _write(tmp_path, ROUTE)
    s = sc.load(p)
    (shock,) = s.shocks
    assert shock.ratio == pytest.approx(0.65) and shock.usable_share == 0.4
    assert dict(shock.groups) == {"NE": ("JPN", "KOR")}
    assert read_routes(p)[0].id == "MY_ROUTE"
    # a shock may name a shipped route and override the season
    q = _write(tmp_path, '[[shock]]\ntype = "route"\nroute = "NSR"\nusable_share = 0.5\n', "b.toml")
    assert sc.load(q).shocks[0].usable_share == 0.5


@pytest.mark.parametrize(
    ("old", "new", "error", "words"),
    [
        ('route = "MY_ROUTE"', 'route = "MY_RUOTE"', UnknownCodeError, ["line 14", "MY_ROUTE"]),
        ('and = ["NLD"]', 'and = ["Narnia"]', UnknownCodeError, ["line 8", "'and'", "Narnia"]),
        ("new_km = 13000", "new_km = -13000", DataFormatError, ["line 10", "new_km", "> 0 km"]),
        ("usable_share = 0.4", "usable_share = 1.5", DataFormatError, ["line 11", "[0, 1]"]),
        ("usable_share = 0.4", "usable_share = -0.1", DataFormatError, ["usable_share"]),
        ("current_km = 20000", "current_km = 0", DataFormatError, ["current_km", "> 0 km"]),
        ("new_km = 13000", "percent = -10", DataFormatError, ["current_km goes with new_km"]),
    ],
)
def test_bad_route_input_names_file_line_and_field(tmp_path, old, new, error, words):
    p = _write(tmp_path, ROUTE.replace(old, new))
    with pytest.raises(error) as exc:
        sc.load(p)
    msg = str(exc.value)
    assert str(p) in msg, msg
    for w in words:
        assert w in msg, msg


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("percent = -120\n", ["percent", "> -100 %"]),
        ("percent = -10\nusable_share = 2\n", ["usable_share", "[0, 1]"]),
        ("percent = -10\nelasticity = 0.8\n", ["elasticity", "must be < 0"]),
        ("new_km = -5\n", ["new_km", "> 0 km"]),
        ("percent = -10\nnew_km = 5000\n", ["either percent"]),
    ],
)
def test_bad_distance_shock(tmp_path, body, words):
    p = _write(tmp_path, '[[shock]]\ntype = "distance"\nbetween = ["KOR"]\nand = ["RUS"]\n' + body)
    with pytest.raises(DataFormatError) as exc:
        sc.load(p)
    msg = str(exc.value)
    assert str(p) in msg and "line" in msg, msg
    for w in words:
        assert w in msg, msg


def test_bad_scenario_level_elasticity(tmp_path):
    body = 'distance_elasticity = 1.2\n[[shock]]\ntype = "distance"\nbetween = ["KOR"]\n'
    body += 'and = ["RUS"]\npercent = -10\n'
    with pytest.raises(DataFormatError, match=r"line 1, column 'distance_elasticity'.*< 0"):
        sc.load(_write(tmp_path, body))
    with pytest.raises(InputError, match="distance elasticity is not set"):
        simulate(_two_countries(), [DistanceChange(("AAA",), ("BBB",), percent=-10)])


def test_supplied_elasticity_runs_without_estimation(tmp_path):
    body = "distance_elasticity = -1.1\ndistance_elasticity_se = 0.41\nfocus = ['KOR', 'RUS']\n"
    body += '[uncertainty]\ndraws = 30\n[[shock]]\ntype = "distance"\nbetween = ["KOR"]\n'
    body += 'and = ["RUS"]\npercent = -25\nusable_share = 0.5\n'
    s = sc.load(_write(tmp_path, body))
    assert s.elasticity.value == -1.1 and s.elasticity.std_error == 0.41
    # run it on a hand-made two-country baseline (no store needed: δ is supplied)
    flows = np.array([[1.0, TAU], [TAU, 1.0]])
    b = Baseline(("KOR", "RUS"), flows.copy(), flows.sum(1), flows.sum(0), flows, "KOR", 2016)
    res = sc.run(s, baseline=b)
    f = _factor(0.75, -1.1, 0.5)  # the closed form at the scenario's σ = 7
    expected = (((1 + TAU * f) / (1 + TAU)) ** (1 / 6) - 1) * 100
    assert res.countries.loc["KOR", "real_gdp_pct"] == pytest.approx(expected, rel=1e-9)
    routes = res.routes
    assert routes.loc["KOR↔RUS total", "full_pct"] == pytest.approx(
        res.focus.loc["KOR↔RUS turnover", "full_pct"], rel=1e-12
    )
    assert "full_pct_low" in routes.columns and res.elasticity.origin == "supplied"
    assert any("usable share" in a for a in res.assumptions)
    payload = json.loads(json.dumps(res.to_dict()))
    assert payload["distance_elasticity"]["value"] == -1.1 and payload["routes"]


def test_cli_lists_routes(tmp_path):
    from typer.testing import CliRunner

    from bilat.cli.main import app

    runner = CliRunner()
    r = runner.invoke(app, ["scenario", "routes"])
    assert r.exit_code == 0, r.output
    assert "NSR" in r.output and "TKR_TSR" in r.output and "Chosun" in r.output
    p = _write(tmp_path, ROUTE)
    r = runner.invoke(app, ["scenario", "routes", str(p), "--format", "json"])
    rows = {row["route"]: row for row in json.loads(r.output)}
    assert rows["MY_ROUTE"]["change_pct"] == pytest.approx(-35.0) and "NSR" in rows
    bad = _write(tmp_path, ROUTE.replace("usable_share = 0.4", "usable_share = 7"), "bad.toml")
    r = runner.invoke(app, ["scenario", "routes", str(bad)])
    assert r.exit_code == 3 and "usable_share" in r.output  # 3: bad input data


def test_the_two_rail_link_files_model_one_link_from_one_source():
    """Issue 20: the files modelled the same link 12× apart, one with no source; now both start
    from the same 2.5 days saved and each explains the other."""
    cost = sc.load("rus_kor_rail_link.toml")
    dist = sc.load("korea_rail_link.toml")
    (shock,) = cost.shocks
    assert isinstance(shock, CostChange)
    days, per_day = 2.5, (0.6 + 2.1) / 2  # Korea Shippers' Council; Hummels and Schaur (2013)
    assert shock.percent == pytest.approx(-days * per_day)
    assert shock.percent > -days * 2.1 and shock.percent < -days * 0.6
    (route,) = dist.shocks
    assert route.ratio == pytest.approx(1 - days / 25)  # 2.5 of 25 days: −10 % effective
    texts = {"cost": " ".join(cost.notes), "dist": " ".join(dist.notes)}
    assert "korea_rail_link.toml" in texts["cost"] and "rus_kor_rail_link.toml" in texts["dist"]
    for text in texts.values():
        assert "Korea Shippers' Council" in text or "Hummels" in text
    # the files' own arithmetic: cost cut through σ − 1, distance through δ ≈ −0.655
    assert (1 + shock.percent / 100) ** (1 - cost.sigma) == pytest.approx(1.23, abs=0.005)
    delta = -0.655
    assert route.ratio**delta == pytest.approx(1.07, abs=0.005)
