"""Panel builder, estimation wrapper and scenario files: small frames worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bilat.errors import DataFormatError, InputError
from bilat.scenarios import scenario as sc
from bilat.scenarios.gravity import build_panel, estimate
from bilat.scenarios.gravity.panel import every_nth_year


def _flows():
    rows = [  # year, exporter, importer, value_usd
        (2012, "AAA", "BBB", 30.0),
        (2012, "BBB", "AAA", 20.0),
        (2016, "AAA", "BBB", 40.0),
        (2016, "BBB", "AAA", 95.0),
    ]
    return pd.DataFrame(rows, columns=["year", "exporter", "importer", "value_usd"])


def _gdp():
    return pd.DataFrame(
        {
            "country": ["AAA", "BBB", "AAA", "BBB"],
            "year": [2012, 2012, 2016, 2016],
            "indicator": "NY.GDP.MKTP.CD",
            "value": [100.0, 200.0, 100.0, 100.0],
        }
    )


def test_internal_trade_from_gdp_and_the_floor_rule():
    agreements = pd.DataFrame(
        {"year": [2016], "country1": ["aaa"], "country2": ["bbb"], "rta": [1]}
    )
    p = build_panel(_flows(), macro=_gdp(), agreements=agreements)
    d = p.data.set_index(["year", "exporter", "importer"])["trade"]
    assert d[(2012, "AAA", "AAA")] == 70.0  # 100 − 30
    assert d[(2012, "BBB", "BBB")] == 180.0  # 200 − 20
    assert d[(2016, "BBB", "BBB")] == 10.0  # exports 95 ≥ 90 % of GDP 100 → floor 10 % of GDP
    assert p.internal_trade == "gdp" and any("BBB" in n and "10%" in n for n in p.notes)
    r = p.data.set_index(["year", "exporter", "importer"])["rta"]
    assert (
        r[(2016, "BBB", "AAA")] == 1
        and r[(2012, "AAA", "BBB")] == 0
        and r[(2016, "AAA", "AAA")] == 0
    )
    assert set(p.data["pair"]) == {"_home", "AAA_BBB"}  # undirected pairs, one shared home level


def test_drop_rule_and_year_spacing():
    p = build_panel(_flows(), macro=_gdp(), need=(), exports_exceed_gdp="drop")
    assert "BBB" not in set(p.data.loc[p.data["year"] == 2016, "exporter"])
    assert every_nth_year(range(1986, 2007), 4) == [1986, 1990, 1994, 1998, 2002, 2006]
    assert build_panel(_flows(), macro=_gdp(), need=(), every=4).years == [2012, 2016]


def test_missing_inputs_are_named():
    with pytest.raises(InputError, match="no GDP was given"):
        build_panel(_flows())
    with pytest.raises(InputError, match=r"lacks \['rta'\].*agreements="):
        build_panel(_flows(), macro=_gdp())
    with pytest.raises(InputError, match="need year, exporter, importer, value_usd"):
        build_panel(_flows().drop(columns="value_usd"))


def _toy_panel(rta_varies: bool = True) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    cs = ["AAA", "BBB", "CCC", "DDD"]
    rows = []
    for y in (2000, 2004, 2008):
        for i in cs:
            for j in cs:
                rta = float(rta_varies and i != j and {i, j} == {"AAA", "BBB"} and y >= 2004)
                rows.append(
                    (
                        y,
                        i,
                        j,
                        rta,
                        np.exp(1.0 + 0.5 * rta + (3 if i == j else 0) + rng.normal(0, 0.05)),
                    )
                )
    from bilat.scenarios.gravity import add_identifiers

    return add_identifiers(
        pd.DataFrame(rows, columns=["year", "exporter", "importer", "rta", "trade"])
    )


def test_estimate_recovers_effect_and_reports():
    res = estimate(_toy_panel(), "trade ~ rta | exp_year + imp_year + pair", cluster="pair_id")
    assert res.coef("rta") == pytest.approx(0.5, abs=0.1)
    assert list(res.to_frame().columns)[:3] == ["term", "estimate", "std_error"]
    assert "separated" in res.summary() and "<table" in res._repr_html_()


def test_estimate_without_variation_in_policy():
    with pytest.raises(InputError, match="'rta' has no variation"):
        estimate(_toy_panel(rta_varies=False), "trade ~ rta | exp_year + imp_year + pair")
    with pytest.raises(InputError, match="no column"):
        estimate(_toy_panel(), "trade ~ fta | exp_year + imp_year + pair")


def test_shipped_scenarios_parse():
    assert sc.shipped_names() == [
        "kor_eaeu_fta.toml",
        "korea_rail_link.toml",
        "korus_ends.toml",
        "nsr_route.toml",
        "rus_kor_rail_link.toml",
    ]
    s = sc.load("kor_eaeu_fta.toml")
    assert s.focus == ("RUS", "KOR") and s.sigma == 7 and s.shocks[0].side_b == ("EAEU",)
    assert sc.load("rus_kor_rail_link.toml").shocks[0].percent == -3.375
    with pytest.raises(InputError, match="sigma must be"):
        s.with_sigma(0.9)


def test_bad_scenario_files(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("name = 'x'\n[[shock]]\ntype = 'tariff'\nbetween = ['KOR']\n")
    with pytest.raises(DataFormatError, match="unknown shock type 'tariff'"):
        sc.load(bad)
    bad.write_text("name = 'x\n")
    with pytest.raises(DataFormatError, match="not valid TOML"):
        sc.load(bad)
    bad.write_text(
        "name = 'x'\nsigma = 1\n[[shock]]\ntype='trade_costs'\npercent=-5\nbetween=['KOR']\n"
    )
    with pytest.raises(InputError, match="sigma must be > 1"):
        sc.load(bad)


def test_unknown_country_or_group_names_file_line_and_field(tmp_path):
    from bilat.errors import UnknownCodeError

    bad = tmp_path / "fta.toml"
    bad.write_text(
        "name = 'x'\n[[shock]]\ntype = 'agreement'\nbetween = ['Korea']\nand = ['EAUE']\n"
        "[[shock]]\ntype = 'trade_costs'\npercent = -5\nbetween = ['RUS']\nand = ['Narnia']\n"
    )
    with pytest.raises(UnknownCodeError, match="did you mean 'EAEU'") as info:
        sc.load(bad)
    msg = str(info.value)
    assert str(bad) in msg and "line 5" in msg and "[[shock]] #1 'and'" in msg
    assert "unknown country or group 'EAUE'" in msg
    bad.write_text(bad.read_text().replace("EAUE", "Eurasian Economic Union"))
    with pytest.raises(UnknownCodeError, match=r"line 10, field \[\[shock\]\] #2 'and'"):
        sc.load(bad)
    bad.write_text("name = 'x'\n[groups]\nNAFTA = ['USA', 'CAN', 'MEXX']\n")
    with pytest.raises(UnknownCodeError, match=r"line 3, field \[groups\] NAFTA.*'MEXX'"):
        sc.load(bad)
    bad.write_text("focus = ['RUS', 'KOREA DPR X']\n[[shock]]\ntype='agreement'\nbetween=['RUS']\n")
    with pytest.raises(UnknownCodeError, match="field focus"):
        sc.load(bad)


def test_names_resolve_to_codes_and_scenario_groups(tmp_path):
    good = tmp_path / "nafta.toml"
    good.write_text(
        "name = 'NAFTA ends'\nyear = 1994\nagreement_effect = 0.5\nagreement_effect_se = 0.1\n"
        "[groups]\nNAFTA = ['United States', 'Canada', 'MEX']\n"
        "[estimation]\nmethod = 'geodist'\nyears = [1990, 1994]\n"
        "[uncertainty]\ndraws = 50\nseed = 3\n"
        "[[shock]]\ntype = 'agreement'\naction = 'end'\nbetween = ['nafta']\n"
        "[[shock]]\ntype = 'agreement'\nbetween = ['South Korea']\n"
        "and = ['Eurasian Economic Union']\n"
    )
    s = sc.load(good)
    assert s.groups == (("NAFTA", ("CAN", "MEX", "USA")),)
    assert s.shocks[0].side_a == ("NAFTA",) and s.shocks[0].groups == s.groups
    assert s.shocks[1].side_a == ("KOR",) and s.shocks[1].side_b == ("EAEU",)
    assert s.shocks[0].effect is None and s.effect.value == 0.5 and s.effect.std_error == 0.1
    assert s.estimation.method == "geodist" and s.estimation.years == (1990, 1994)
    assert s.uncertainty.draws == 50 and s.uncertainty.seed == 3
    good.write_text(good.read_text().replace("draws = 50", "drawz = 50"))
    typo = r"unknown key 'drawz' in \[uncertainty\]; did you mean 'draws'\?"
    with pytest.raises(DataFormatError, match=typo):
        sc.load(good)
    good.write_text(good.read_text().replace("'geodist'", "'ols'"))
    with pytest.raises(DataFormatError, match=r"method 'ols' is not allowed.*'pair' or 'geodist'"):
        sc.load(good)
