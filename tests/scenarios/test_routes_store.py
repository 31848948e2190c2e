"""The shipped route scenarios end to end on the store built from the bundle (bundle_store).

Reference values: cost-term factors worked out by hand from the route files' distances and the
δ the run reports (s·(d'/d)^δ + 1 − s); the GE result checked against the equivalent direct
trade-cost change on the same baseline (acceptance 1 on real data); the 2016 KOR–RUS flows
against the bundle README (RUS→KOR 10.558 bn, KOR→RUS 4.768 bn).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from bilat.scenarios import UncertaintySpec
from bilat.scenarios import scenario as sc
from bilat.scenarios.ge import CostChange, simulate

pytestmark = [pytest.mark.bundle]

FEW = UncertaintySpec(draws=20, level=0.9, seed=1)  # the files ask for 200; fewer keeps CI fast
NORTHERN_EUROPE = {"NLD", "BEL", "DEU", "GBR", "IRL", "DNK", "NOR", "SWE", "FIN", "ISL", "POL"}
NORTHERN_EUROPE |= {"EST", "LVA", "LTU"}


@pytest.fixture(scope="module")
def nsr(bundle_store):
    return sc.run(sc.load("nsr_route.toml").with_uncertainty(FEW), bundle_store)


@pytest.fixture(scope="module")
def rail(bundle_store):
    return sc.run(sc.load("korea_rail_link.toml").with_uncertainty(FEW), bundle_store)


def test_nsr_end_to_end(nsr):
    delta = nsr.elasticity
    assert delta.origin == "estimated" and -2 < delta.value < 0 and delta.std_error > 0
    assert "ln_dist" in delta.description or "distance elasticity" in delta.description
    f = nsr.ge.flows.set_index(["exporter", "importer"])
    # by hand from the file: Busan figures 15,000/22,000 for a third of the year; Shanghai's
    korea = (0.3333 * (15000 / 22000) ** delta.value + (1 - 0.3333) - 1) * 100
    china = (0.3333 * (14875 / 19300) ** delta.value + (1 - 0.3333) - 1) * 100
    assert f.loc[("KOR", "NLD"), "trade_cost_term_pct"] == pytest.approx(korea, rel=1e-9)
    assert f.loc[("DEU", "JPN"), "trade_cost_term_pct"] == pytest.approx(korea, rel=1e-9)
    assert f.loc[("CHN", "POL"), "trade_cost_term_pct"] == pytest.approx(china, rel=1e-9)
    changed = f[f["trade_cost_term_pct"].abs() > 0].reset_index()
    east = {"KOR", "JPN", "CHN"}
    ok = (changed["exporter"].isin(east) & changed["importer"].isin(NORTHERN_EUROPE)) | (
        changed["importer"].isin(east) & changed["exporter"].isin(NORTHERN_EUROPE)
    )
    assert ok.all() and len(changed) == len(nsr.route_pairs)
    routes = nsr.routes
    for col in ("conditional_pct", "full_pct"):
        assert (routes[f"{col}_low"] <= routes[col]).all()
        assert (routes[col] <= routes[f"{col}_high"]).all()
    assert routes.loc["NORTHEAST_ASIA↔NORTHERN_EUROPE total", "full_pct"] > 0
    c = nsr.countries
    assert c.loc["KOR", "real_gdp_pct"] > 0 and c.loc["NLD", "real_gdp_pct"] > 0
    assert c.loc["KOR", "real_gdp_pct_low"] <= c.loc["KOR", "real_gdp_pct"]
    text = "\n".join(nsr.assumptions)
    assert "usable 0.333 of the year" in text and "(d'/d)^δ" in text and "MOF" in text
    assert "distance elasticity of trade δ" in text and "Monte Carlo" in text
    assert nsr.ge.full.residual < 1e-10


def test_rail_link_end_to_end_and_equal_to_the_direct_cost_change(rail):
    ft = rail.focus
    assert ft.loc["RUS→KOR", "baseline_usd"] == pytest.approx(10.558e9, rel=1e-3)
    assert ft.loc["KOR→RUS", "baseline_usd"] == pytest.approx(4.768e9, rel=1e-3)
    delta = rail.elasticity.value
    f = rail.ge.flows.set_index(["exporter", "importer"])
    assert f.loc[("KOR", "RUS"), "trade_cost_term_pct"] == pytest.approx(
        (0.9**delta - 1) * 100, rel=1e-9
    )
    assert (f["trade_cost_term_pct"] != 0).sum() == 2
    # acceptance 1 on the real baseline: −10 % distance with δ ≡ (0.9^δ)^(1/(1-σ)) − 1 in t_ij
    p = (0.9 ** (delta / (1 - 7.0)) - 1) * 100
    direct = simulate(rail.ge.baseline, [CostChange(("KOR",), ("RUS",), p)], sigma=7.0)
    pd.testing.assert_frame_equal(rail.ge.countries, direct.countries, rtol=1e-9)
    assert rail.routes.loc["KOR↔RUS total", "full_pct"] == pytest.approx(
        ft.loc["RUS↔KOR turnover", "full_pct"], rel=1e-12
    )
    assert not rail.uncertainty.pairs.index.duplicated().any()
    assert any("Korea Shippers' Council" in a for a in rail.assumptions)


def test_cli_runs_the_nsr_file_by_path(bundle_store, nsr, tmp_path):
    from typer.testing import CliRunner

    from bilat.cli.main import app

    out = tmp_path / "nsr.json"
    args = ["scenario", "run", "src/bilat/scenarios/data/nsr_route.toml"]
    args += ["--store", str(bundle_store.root), "--draws", "20", "--seed", "1"]
    r = CliRunner().invoke(app, [*args, "--format", "json", "--out", str(out)])
    assert r.exit_code == 0, r.output
    payload = json.loads(out.read_text())
    assert payload["distance_elasticity"]["value"] == pytest.approx(nsr.elasticity.value)
    rows = {row["flow"]: row for row in payload["routes"]}
    total = rows["CHN↔NORTHERN_EUROPE total"]
    assert total["full_pct"] == pytest.approx(
        nsr.routes.loc["CHN↔NORTHERN_EUROPE total", "full_pct"], rel=1e-9
    )
    assert total["full_pct_low"] == pytest.approx(
        nsr.routes.loc["CHN↔NORTHERN_EUROPE total", "full_pct_low"], rel=1e-9
    )
    assert "distance elasticity" in payload["uncertainty"]["method"]
    kor = next(c for c in payload["countries"] if c["country"] == "KOR")
    assert np.isclose(kor["real_gdp_pct"], nsr.countries.loc["KOR", "real_gdp_pct"], rtol=1e-9)
