"""Scenarios end to end on the store built from the bundle (the session fixture bundle_store).

Reference values: the bundle README (2016 KOR→RUS 4.768 bn, RUS→KOR 10.558 bn); effects worked
out by hand (exp(±β) − 1); the estimation is checked against a panel built here independently
with pandas (home trade = GDP − total exports) and a bare pyfixest call on it.
"""

from __future__ import annotations

import dataclasses
import json
import warnings

import numpy as np
import pandas as pd
import pytest

from bilat.errors import NoDataError
from bilat.scenarios import EstimationSpec, UncertaintySpec
from bilat.scenarios import scenario as sc

pytestmark = [pytest.mark.bundle]

BOOK = 0.557185
# a sample small enough for a quick PPML: EU, EAEU and a few large economies (2016 members)
SAMPLE = [
    *("AUT", "BEL", "BGR", "CHN", "CYP", "CZE", "DEU", "DNK", "ESP", "EST", "FIN", "FRA", "GBR"),
    *("GRC", "HRV", "HUN", "IRL", "ITA", "JPN", "KAZ", "KOR", "LTU", "LVA", "MLT", "NLD", "POL"),
    *("PRT", "ROU", "RUS", "SVK", "SVN", "SWE", "TUR", "USA", "BLR", "ARM", "KGZ", "CAN", "MEX"),
]


@pytest.fixture(scope="module")
def kor_eaeu(bundle_store):
    return sc.run(sc.load("kor_eaeu_fta.toml"), bundle_store)


def test_kor_eaeu_fta_end_to_end(kor_eaeu):
    res = kor_eaeu
    ft = res.focus
    # baseline equals the bundle's 2016 figures (README): RUS→KOR 10.558 bn, KOR→RUS 4.768 bn
    assert ft.loc["RUS→KOR", "baseline_usd"] == pytest.approx(10.558e9, rel=1e-3)
    assert ft.loc["KOR→RUS", "baseline_usd"] == pytest.approx(4.768e9, rel=1e-3)
    assert ft.loc["RUS↔KOR turnover", "baseline_usd"] == pytest.approx(15.33e9, rel=1e-3)
    # every KOR–EAEU pair's cost term rises by exp(β) − 1 = 74.58 %, no other pair's
    f = res.ge.flows
    eaeu = {"RUS", "KAZ", "BLR", "ARM", "KGZ"}
    hit = ((f["exporter"] == "KOR") & f["importer"].isin(eaeu)) | (
        f["exporter"].isin(eaeu) & (f["importer"] == "KOR")
    )
    assert np.allclose(f.loc[hit, "trade_cost_term_pct"], (np.exp(BOOK) - 1) * 100)
    assert np.allclose(f.loc[~hit, "trade_cost_term_pct"], 0.0)
    assert hit.sum() == 2 * len(eaeu & set(res.ge.baseline.countries))
    c = res.countries
    assert c.loc["KOR", "real_gdp_pct"] > 0 and c.loc["RUS", "real_gdp_pct"] > 0
    assert res.effect.origin == "supplied" and res.effect.value == BOOK
    text = str(res)
    assert "GDP" in text and "read from the store" in text and "0.557185" in text
    assert res.ge.full.residual < 1e-10


def test_korus_ends_with_the_scenario_s_own_group(bundle_store):
    s = sc.load("korus_ends.toml")
    assert s.groups == (("KORUS", ("KOR", "USA")),)
    res = sc.run(s, bundle_store)
    f = res.ge.flows.set_index(["exporter", "importer"])
    assert f.loc[("USA", "KOR"), "trade_cost_term_pct"] == pytest.approx((np.exp(-BOOK) - 1) * 100)
    assert (f["trade_cost_term_pct"] != 0).sum() == 2
    assert res.focus.loc["USA↔KOR turnover", "full_pct"] < -25
    assert res.countries.loc["KOR", "real_gdp_pct"] < 0


def _independent_panel(store, years, sample):
    """The pair-FE panel by hand: flows, home trade = GDP − all exports, agreements, square grid."""
    flows = store.table("flows").to_pandas()
    flows = flows[
        (flows["source"] == "penppml") & flows["year"].isin(years) & ~flows["non_country"]
    ][["year", "exporter", "importer", "value_usd"]].astype({"exporter": str, "importer": str})
    gdp = store.table("macro").to_pandas()
    gdp = gdp[(gdp["indicator"] == "NY.GDP.MKTP.CD") & gdp["year"].isin(years)]
    exports = flows.groupby(["year", "exporter"])["value_usd"].sum().rename("exports")
    home = gdp.set_index(["year", "country"])["value"].rename("gdp")
    home.index.names = ["year", "exporter"]
    home = pd.concat([exports, home], axis=1, join="inner").reset_index()
    assert (
        (home["gdp"] - home["exports"] > 0.1 * home["gdp"]).loc[home["exporter"].isin(sample)].all()
    )  # the floor rule never bites in this sample
    home = home.assign(importer=home["exporter"], value_usd=home["gdp"] - home["exports"])
    x = pd.concat([flows, home[["year", "exporter", "importer", "value_usd"]]])
    x = x[x["exporter"].isin(sample) & x["importer"].isin(sample)]
    present = x.groupby("year")["exporter"].unique()
    grid = pd.concat(
        pd.MultiIndex.from_product([[y], c, c], names=["year", "exporter", "importer"]).to_frame(
            index=False
        )
        for y, c in present.items()
    )
    x = grid.merge(x, how="left").fillna({"value_usd": 0.0})
    a = store.table("agreements").to_pandas()
    a = a[a["year"].isin(years) & (a["rta"] > 0)]
    pairs = set(zip(a["year"], a["country1"], a["country2"], strict=True))
    x["rta"] = [
        float((y, i, j) in pairs or (y, j, i) in pairs)
        for y, i, j in zip(x["year"], x["exporter"], x["importer"], strict=True)
    ]
    x["exp_year"] = x["exporter"] + x["year"].astype(str)
    x["imp_year"] = x["importer"] + x["year"].astype(str)
    # the book's pair_id clusters: one per undirected pair, each home pair its own; the pair
    # fixed effect has one level shared by all home pairs
    x["pid"] = ["-".join(sorted((i, j))) for i, j in zip(x["exporter"], x["importer"], strict=True)]
    x["pair"] = np.where(x["exporter"] == x["importer"], "home", x["pid"])
    return x


def test_estimation_inside_a_scenario_matches_bare_pyfixest(bundle_store):
    import pyfixest as pf

    years = (2008, 2012, 2016)
    spec = EstimationSpec(method="pair", years=years, countries=tuple(SAMPLE))
    s = sc.load("kor_eaeu_fta.toml").with_estimation(spec)
    res = sc.run(s, bundle_store)
    x = _independent_panel(bundle_store, years, SAMPLE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # Stata ppmlhdfe's small-sample convention (bilat's default): G/(G−1) only
        bare = pf.fepois(
            "value_usd ~ rta | exp_year + imp_year + pair",
            data=x,
            vcov={"CRV1": "pid"},
            ssc=pf.ssc(k_adj=False, G_adj=True),
        )
    assert res.effect.origin == "estimated"
    assert res.effect.value == pytest.approx(bare.coef()["rta"], abs=1e-6)
    assert res.effect.std_error == pytest.approx(bare.se()["rta"], rel=1e-4)
    assert any("estimated here" in n for n in res.ge.notes)
    # the estimated β (not the book's) moved the KOR–RUS cost term
    f = res.ge.flows.set_index(["exporter", "importer"])
    assert f.loc[("KOR", "RUS"), "trade_cost_term_pct"] == pytest.approx(
        (np.exp(res.effect.value) - 1) * 100
    )


def test_estimation_with_geodist_covariates_gives_distance_elasticity(bundle_store):
    spec = EstimationSpec(method="geodist", years=(2016,), countries=tuple(SAMPLE))
    eff = sc.agreement_effect(sc.load("kor_eaeu_fta.toml").with_estimation(spec), bundle_store)
    assert eff.distance_elasticity is not None and -2 < eff.distance_elasticity < 0
    assert "distance elasticity" in eff.description and eff.fit.nobs > 1000


def test_pairs_bootstrap_on_the_store_estimation(bundle_store):
    """The bootstrap is generic: it re-estimates the store's pair-FE PPML (clusters pair_id)."""
    from bilat.scenarios.effects import supplied

    spec = EstimationSpec(method="pair", years=(2008, 2012, 2016), countries=tuple(SAMPLE))
    s = sc.load("kor_eaeu_fta.toml").with_estimation(spec)
    boot = UncertaintySpec(draws=2, level=0.9, seed=2, method="bootstrap")
    res = sc.run(s.with_uncertainty(boot), bundle_store)
    u = res.uncertainty
    assert u.method == "bootstrap" and u.cluster == "pair_id" and u.failed == 0
    betas = sorted(float(b) for b in u.effect_draws)
    assert betas[0] != betas[1] and all(abs(b - res.effect.value) < 0.5 for b in betas)
    # with two draws the interval ends lie between the GE solved at each drawn effect
    ends = [
        sc.run(dataclasses.replace(s, estimation=None, effect=supplied(b)), bundle_store).focus
        for b in betas
    ]
    key = "RUS↔KOR turnover"
    lo, hi = sorted(e.loc[key, "full_pct"] for e in ends)
    ft = res.focus
    assert lo - 1e-9 <= ft.loc[key, "full_pct_low"] <= ft.loc[key, "full_pct_high"] <= hi + 1e-9
    assert res.to_dict()["uncertainty"]["draw_method"] == "bootstrap"


def test_monte_carlo_intervals_on_the_store(kor_eaeu, bundle_store):
    s = sc.load("kor_eaeu_fta.toml").with_uncertainty(UncertaintySpec(draws=40, seed=5))
    res = sc.run(s, bundle_store)
    ft = res.focus
    for col in ("conditional_pct", "full_pct"):
        assert (ft[f"{col}_low"] <= ft[col]).all() and (ft[col] <= ft[f"{col}_high"]).all()
    c = res.countries
    assert c.loc["KOR", "real_gdp_pct_low"] <= c.loc["KOR", "real_gdp_pct"]
    assert c.loc["KOR", "real_gdp_pct"] <= c.loc["KOR", "real_gdp_pct_high"]
    # point results are unchanged by asking for intervals
    assert c["real_gdp_pct"].equals(kor_eaeu.countries["real_gdp_pct"])


def test_cli_runs_on_a_store_and_agrees_with_the_api(bundle_store, kor_eaeu, tmp_path):
    from typer.testing import CliRunner

    from bilat.cli.main import app

    runner = CliRunner()
    store = ["--store", str(bundle_store.root)]
    r = runner.invoke(app, ["scenario", "run", "kor_eaeu_fta.toml", *store])
    assert r.exit_code == 0, r.output
    assert "RUS↔KOR turnover" in r.output and "σ = 7" in r.output and "GDP" in r.output
    out = tmp_path / "fta.json"
    r = runner.invoke(
        app, ["scenario", "run", "kor_eaeu_fta.toml", *store, "--format", "json", "--out", str(out)]
    )
    assert r.exit_code == 0, r.output
    payload = json.loads(out.read_text())
    rows = {row["country"]: row for row in payload["countries"]}
    api = kor_eaeu.countries
    assert rows["KOR"]["real_gdp_pct"] == pytest.approx(api.loc["KOR", "real_gdp_pct"], rel=1e-9)
    assert payload["agreement_effect"]["origin"] == "supplied" and payload["sigma"] == 7
    assert any("intranational" in a for a in payload["assumptions"])
    csv = tmp_path / "fta.csv"
    r = runner.invoke(
        app, ["scenario", "run", "kor_eaeu_fta.toml", *store, "--format", "csv", "--out", str(csv)]
    )
    frame = pd.read_csv(csv).set_index("country")
    assert frame.loc["RUS", "exports_full_pct"] == pytest.approx(
        api.loc["RUS", "exports_full_pct"], rel=1e-9
    )
    page = tmp_path / "rail.html"
    r = runner.invoke(
        app,
        [
            "scenario",
            "run",
            "rus_kor_rail_link.toml",
            *store,
            "--format",
            "html",
            "--out",
            str(page),
        ],
    )
    assert r.exit_code == 0, r.output
    html = page.read_text()
    assert "Change in real GDP" in html and "Change in RUS\\u2013KOR trade" in html
    assert "plotly" in html and "RUS↔KOR turnover" in html
    r = runner.invoke(app, ["scenario", "run", "rus_kor_rail_link.toml", *store, "--sigma", "1"])
    assert r.exit_code != 0 and "sigma must be > 1" in r.output


def test_cli_draws_need_an_agreement_shock(bundle_store):
    from typer.testing import CliRunner

    from bilat.cli.main import app

    args = ["scenario", "run", "rus_kor_rail_link.toml", "--draws", "10"]
    r = CliRunner().invoke(app, [*args, "--store", str(bundle_store.root)])
    assert r.exit_code != 0 and "standard error" in r.output


def test_empty_store_says_how_to_load_data(tmp_path):
    with pytest.raises(NoDataError, match="bilat data bundle"):
        sc.run(sc.load("kor_eaeu_fta.toml"), tmp_path / "empty")


def test_the_book_s_data_run_from_the_cli(bundle_store, bundle, tmp_path):
    """data = "agtpa": the book's panel is stored as manufacturing (MANUF), with its own home
    trade; a scenario on it runs (it said "no total-goods flows … load it" before)."""
    import pandas as pd
    from typer.testing import CliRunner

    from bilat.cli.main import app

    toml = tmp_path / "nafta.toml"
    toml.write_text(
        'name = "NAFTA ends"\nyear = 1994\ndata = "agtpa"\nfocus = ["USA", "MEX"]\n'
        '[groups]\nNAFTA = ["USA", "CAN", "MEX"]\n'
        '[[shock]]\ntype = "agreement"\naction = "end"\nbetween = ["NAFTA"]\n',
        encoding="utf-8",
    )
    out = tmp_path / "nafta.json"
    args = ["scenario", "run", str(toml), "--store", str(bundle_store.root)]
    r = CliRunner().invoke(app, [*args, "--format", "json", "--out", str(out)])
    assert r.exit_code == 0, r.output
    res = sc.run(sc.load(toml), bundle_store)
    assert len(res.ge.baseline.countries) == 69
    notes = (*res.ge.baseline.notes, *res.ge.notes)
    assert any("manufacturing (MANUF)" in n for n in notes)
    assert not any("derived as GDP" in n for n in notes)  # its own domestic sales
    # the calibrated baseline is the book's 1994 flows (millions of USD in the file)
    raw = pd.read_csv(bundle / "gravity/advanced_guide/agtpa_applications.csv.gz")
    usa_mex = raw[(raw.year == 1994) & (raw.exporter == "USA") & (raw.importer == "MEX")]
    assert res.focus.loc["USA→MEX", "baseline_usd"] == pytest.approx(
        float(usa_mex["trade"].iloc[0]) * 1e6, rel=1e-9
    )
    assert res.countries.loc["MEX", "exports_conditional_pct"] < 0  # ending NAFTA
    # true advice for a source the store does not hold
    toml.write_text(toml.read_text().replace('"agtpa"', '"agtpx"'))
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 1
    assert "no annual flows from source 'agtpx'" in r.output and "'agtpa'" in r.output


def test_dropped_economies_are_listed_with_the_groups_that_lose_them(bundle_store, tmp_path):
    """Issue 20: "Northern Europe" silently lost Belgium (the flows report BLX, which has no
    WDI GDP) and TWN was only an "e.g."; every dropped economy and every group member left
    out are now in the result, its summary and its JSON."""
    from bilat.scenarios.inputs import read_inputs

    toml = tmp_path / "north.toml"
    toml.write_text(
        'name = "north"\nyear = 2016\ndistance_elasticity = -0.9\n'
        '[groups]\nNORTH = ["NLD", "BEL", "DEU"]\n'
        '[[shock]]\ntype = "distance"\nbetween = ["KOR"]\nand = ["NORTH"]\npercent = -10\n',
        encoding="utf-8",
    )
    r = sc.run(sc.load(toml), bundle_store)
    inputs = read_inputs(bundle_store, [2016])
    codes = set(inputs.flows["exporter"]) | set(inputs.flows["importer"])
    dropped = dict(zip(r.dropped["economy"], r.dropped["reason"], strict=True))
    # every economy of the data is either in the baseline or listed, never both
    assert set(dropped) | set(r.ge.baseline.countries) == codes
    assert not set(dropped) & set(r.ge.baseline.countries)
    no_gdp = codes - set(inputs.gdp["country"])
    assert {"BLX", "TWN"} <= no_gdp
    assert all("no GDP" in dropped[c] for c in no_gdp)
    lost = r.left_out
    assert list(lost["group"]) == ["NORTH"] and list(lost["economy"]) == ["BEL"]
    assert "as BLX" in lost["reason"].iloc[0] and "no GDP" in lost["reason"].iloc[0]
    assert "NORTH: BEL (reported with LUX as BLX" in r.summary()
    assert any(n.startswith("NORTH loses BEL") for n in r.ge.notes)
    payload = r.to_dict()
    assert {"economy": "TWN", "reason": dropped["TWN"]} in payload["dropped"]
    assert payload["left_out"][0]["economy"] == "BEL"
