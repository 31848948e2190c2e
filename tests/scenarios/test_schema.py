"""Scenario and route files against their schemas: typos, bounds, choices, located errors.

Every bad file here ran before the schema existed (with defaults, or ended in a solver error);
each assertion names what a reader needs: the file, the line, the key, the closest valid key.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from bilat.errors import DataFormatError, InputError
from bilat.reference._toml import key_lines
from bilat.scenarios import scenario as sc
from bilat.scenarios.routes import read_routes

GOOD = """\
name = "test"
year = 2016
sigma = 7
agreement_effect = 0.5
agreement_effect_se = 0.1

[estimation]
method = "pair"
years = [2012, 2016]

[[shock]]
type = "agreement"
action = "end"
between = ["KOR"]
and = ["USA"]

[[shock]]
type = "trade_costs"
between = ["KOR"]
and = ["RUS"]
percent = -10
"""


def _write(tmp_path: Path, text: str, name: str = "s.toml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_the_good_file_loads(tmp_path):
    s = sc.load(_write(tmp_path, GOOD))
    assert s.shocks[0].action == "end" and s.sigma == 7.0
    assert s.estimation.years == (2012, 2016)


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        # the four typos of issue 20: each ran with the default before
        ("sigma = 7", "sigam = 2", 3, ["unknown key 'sigam' at the top level", "'sigma'"]),
        (
            "agreement_effect = 0.5",
            "agreement_efect = 0.5",
            4,
            ["unknown key 'agreement_efect'", "did you mean 'agreement_effect'"],
        ),
        ("[estimation]", "[estimaton]", 7, ["unknown key 'estimaton'", "'estimation'"]),
        (
            'action = "end"',
            'actoin = "end"',
            13,
            ["unknown key 'actoin' in [[shock]] #1", "did you mean 'action'"],
        ),
        ("percent = -10", "percnt = -10", 21, ["[[shock]] #2", "did you mean 'percent'"]),
        ('method = "pair"', 'metod = "pair"', 8, ["in [estimation]", "'method'"]),
    ],
)
def test_unknown_keys_name_file_line_and_the_closest_key(tmp_path, old, new, line, words):
    p = _write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(DataFormatError) as info:
        sc.load(p)
    msg = str(info.value)
    assert msg.startswith(f"{p}, line {line}: "), msg
    for w in words:
        assert w in msg, msg
    assert info.value.line == line


def test_a_shock_s_own_effect_typo(tmp_path):
    text = GOOD.replace('and = ["USA"]', 'and = ["USA"]\nefect = 5')
    with pytest.raises(DataFormatError, match=r"line 16: unknown key 'efect'.*'effect'"):
        sc.load(_write(tmp_path, text))


def test_an_action_outside_its_choices_is_refused(tmp_path):
    # "actoin" was ignored and "ends" was not a choice: neither may become "form" silently
    with pytest.raises(DataFormatError, match=r"line 13, column 'action'.*'ends'.*'form' or 'end'"):
        sc.load(_write(tmp_path, GOOD.replace('action = "end"', 'action = "ends"')))


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        ("percent = -10", "percent = 1e300", 21, ["[[shock]] #2", "percent", "1e+300"]),
        ("percent = -10", "percent = -100", 21, ["> -100 %"]),
        ("percent = -10", "percent = nan", 21, ["percent", "nan"]),
        ('and = ["USA"]', 'and = ["USA"]\neffect = -1000', 16, ["effect", "±5 log points"]),
        ('and = ["USA"]', 'and = ["USA"]\neffect = 1000', 16, ["[[shock]] #1", "effect"]),
        ("sigma = 7", "sigma = inf", 3, ["sigma must be > 1", "inf"]),
        ("sigma = 7", "sigma = 1e6", 3, ["at most 50"]),
        ("year = 2016", "year = 20160", 2, ["year from 1900 to 2100"]),
        ("agreement_effect_se = 0.1", "agreement_effect_se = -0.1", 5, ["standard error ≥ 0"]),
        ("years = [2012, 2016]", "years = [2012, 99999]", 9, ["[estimation]", "years"]),
        ("sigma = 7", 'sigma = "7"', 3, ["sigma must be a number"]),
    ],
)
def test_numbers_are_bounded_and_the_field_is_named(tmp_path, old, new, line, words):
    p = _write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(DataFormatError) as info:
        sc.load(p)
    msg = str(info.value)
    assert f"{p}, line {line}" in msg, msg
    for w in words:
        assert w in msg, msg


def test_every_problem_is_listed_in_one_message(tmp_path):
    text = GOOD.replace("sigma = 7", "sigam = 7").replace("percent = -10", "percent = 1e300")
    with pytest.raises(DataFormatError) as info:
        sc.load(_write(tmp_path, text))
    msg = str(info.value)
    assert "line 3: unknown key 'sigam'" in msg and "Also: line 21: [[shock]] #2" in msg


def test_uncertainty_and_route_shock_tables(tmp_path):
    text = GOOD + "\n[uncertainty]\ndraws = 100000\n"
    with pytest.raises(DataFormatError, match=r"line 24.*draws.*2 to 10,000"):
        sc.load(_write(tmp_path, text))
    text = GOOD + '\n[[shock]]\ntype = "route"\nroute = "NSR"\nusable_shar = 0.5\n'
    with pytest.raises(
        DataFormatError, match=r"line 26: unknown key 'usable_shar'.*'usable_share'"
    ):
        sc.load(_write(tmp_path, text))
    text = GOOD + '\n[[shock]]\ntype = "distance"\nbetween = "KOR"\nelasticity = 0.5\n'
    with pytest.raises(DataFormatError, match=r"line 26.*elasticity must be < 0"):
        sc.load(_write(tmp_path, text))


ROUTES = """\
[groups]
EAST = ["KOR", "JPN"]

[[route]]
id = "R1"
between = ["EAST"]
and = ["NLD"]
current_km = 20000
new_km = 13000
"""


def test_route_files_have_their_own_schema(tmp_path):
    assert [r.id for r in read_routes(_write(tmp_path, ROUTES, "r.toml"))] == ["R1"]
    bad = _write(tmp_path, ROUTES.replace("new_km", "nwe_km"), "r.toml")
    with pytest.raises(DataFormatError, match=r"r\.toml, line 9: unknown key 'nwe_km'.*'new_km'"):
        read_routes(bad)
    bad = _write(tmp_path, ROUTES + "usable_share = inf\n", "r.toml")
    with pytest.raises(DataFormatError, match=r"line 10.*usable_share.*\[0, 1\]"):
        read_routes(bad)
    bad = _write(tmp_path, ROUTES.replace("[groups]", "[group]"), "r.toml")
    with pytest.raises(DataFormatError, match=r"line 1: unknown key 'group'.*'groups'"):
        read_routes(bad)


def test_shipped_files_pass_their_schema():
    from bilat.scenarios.routes import shipped_route_files

    for name in sc.shipped_names():
        assert sc.load(name).shocks
    assert shipped_route_files() and all(read_routes(f) for f in shipped_route_files())


def test_key_lines_follow_array_tables_and_skip_array_items():
    text = (
        'a = 1\nb = [\n  "x = 1", "[",  # ]\n]\n[[shock]]\nc = 2\n[[shock]]\nc = 3\n[t.u]\nd = 4\n'
    )
    lines = key_lines(text)
    assert lines[("a",)] == 1 and lines[("b",)] == 2
    assert lines[("shock", 0, "c")] == 6 and lines[("shock", 1, "c")] == 8
    assert lines[("t", "u", "d")] == 10 and ("x",) not in lines


def test_markup_like_tables_print_literally_in_the_cli(tmp_path):
    from bilat.cli.main import app

    p = _write(tmp_path, GOOD.replace('action = "end"', 'actoin = "end"'))
    r = CliRunner().invoke(app, ["scenario", "run", str(p), "--store", str(tmp_path / "none")])
    assert r.exit_code == 3
    assert "[[shock]] #1" in r.output and "field []" not in r.output


def test_pair_estimation_needs_two_years(tmp_path):
    from bilat.cli.main import app
    from bilat.scenarios.effects import EstimationSpec

    with pytest.raises(InputError, match="'pair' needs at least two years"):
        EstimationSpec("pair", years=(2016,))
    assert EstimationSpec("geodist", years=(2016,)).years == (2016,)
    args = ["scenario", "run", "kor_eaeu_fta.toml", "--estimate", "pair", "--years", "2016"]
    r = CliRunner().invoke(app, [*args, "--store", str(tmp_path / "none")])
    assert r.exit_code == 2 and "needs at least two years" in r.output
    assert "not in the store" not in r.output


def test_bad_trade_costs_to_simulate_are_input_errors():
    from bilat.scenarios.ge import Baseline, simulate

    countries = ["A", "B", "C"]
    flows = np.array([[5.0, 1.0, 1.0], [1.0, 6.0, 2.0], [1.0, 2.0, 7.0]])
    import pandas as pd

    frame = pd.DataFrame(
        [
            {"exporter": a, "importer": b, "trade": flows[i, j], "t": 1.0}
            for i, a in enumerate(countries)
            for j, b in enumerate(countries)
        ]
    )
    base = Baseline.from_frame(frame, reference="A")
    for value in (-1.0, np.inf, np.nan):
        costs = np.array(base.trade_costs, float)
        costs[1, 2] = value
        with pytest.raises(InputError, match=r"new_trade_costs\[B, C\].*finite number ≥ 0"):
            simulate(base, new_trade_costs=costs)
    ok = np.array(base.trade_costs, float)
    ok[1, 2] *= 2
    assert simulate(base, new_trade_costs=ok).full.residual < 1e-10


def test_an_output_path_with_brackets_prints_literally(tmp_path):
    from bilat.cli.main import app

    folder = tmp_path / "[[shock]] :x:"
    folder.mkdir()
    out = folder / "r.json"
    doc = Path(__file__).resolve().parents[2] / "docs" / "examples" / "ge_gravity_eu.toml"
    r = CliRunner().invoke(
        app, ["scenario", "run", str(doc), "--format", "json", "--out", str(out)]
    )
    assert r.exit_code == 0, r.output
    assert f"wrote {out}" in r.output.replace("\n", "")


def test_an_overflowing_effect_names_the_shock_and_sigma_is_bounded_everywhere():
    import pandas as pd

    from bilat.scenarios.ge import AgreementChange, Baseline, simulate
    from bilat.scenarios.ge.solve import check_sigma

    rows = [
        {"exporter": a, "importer": b, "trade": 10.0 if a == b else 1.0}
        for a in ("A", "B", "C")
        for b in ("A", "B", "C")
    ]
    base = Baseline.from_frame(pd.DataFrame(rows), reference="A")
    shock = AgreementChange(side_a=("A",), side_b=("B",), effect=1000.0)
    with pytest.raises(InputError, match=r"agreement A–B formed.*overflow.*±5 log points"):
        simulate(base, [shock])
    with pytest.raises(InputError, match="at most 50"):
        check_sigma(1e6)
