"""The ledger's own hand-computed tests, run on DuckDB and on Spark local mode, and the two
engines' results compared for a whole report.

The ledger tests take a ``make_flows`` builder; here it writes the rows to a Parquet file with
the canonical schema and hands the test that engine's view of it, so each test's hand-computed
assertions hold on each engine.
"""

from __future__ import annotations

import inspect

import pytest

from bilat.report import Target, profile
from tests.engines.compare import assert_same
from tests.ledger import test_flows_ranks, test_indices


def _ledger_cases() -> list:
    cases = []
    for module in (test_flows_ranks, test_indices):
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("test_") and "make_flows" in inspect.signature(fn).parameters:
                cases.append(pytest.param(fn, id=f"{module.__name__.rsplit('.', 1)[-1]}::{name}"))
    return cases


LEDGER_CASES = _ledger_cases()


def test_the_ledger_cases_were_found():
    # the flows/ranks and indices modules each hold several make_flows tests
    assert len(LEDGER_CASES) >= 15


@pytest.mark.parametrize("case", LEDGER_CASES)
def test_ledger_case_on_engine(engine, case, flows_on):
    case(make_flows=lambda records: flows_on(engine, records))


def rec(year, x, m, v, product="TOTAL", **kw):
    return {"year": year, "exporter": x, "importer": m, "value_usd": v, "product": product, **kw}


# Two sources in one table, as in a store: BACI-like reconciled product detail in two years,
# and Comtrade-like reporter data (each side's report) for the mirror.
WORLD = [
    rec(y, x, m, v * (1 + (y - 2015) / 10), p)
    for y in (2015, 2016)
    for x, m, v, p in [
        ("RUS", "KOR", 80.0, "270900"),
        ("RUS", "KOR", 20.0, "440710"),
        ("RUS", "KOR", 5.0, "271111"),
        ("RUS", "CHN", 100.0, "270900"),
        ("RUS", "UNS", 7.0, "270900"),
        ("KOR", "RUS", 30.0, "870323"),
        ("KOR", "RUS", 10.0, "271012"),
        ("KOR", "CHN", 60.0, "870323"),
        ("CHN", "KOR", 50.0, "440710"),
        ("CHN", "RUS", 50.0, "870323"),
        ("JPN", "RUS", 25.0, "870323"),
    ]
] + [
    rec(2016, "RUS", "KOR", 100.0, "27", reported_by="exporter", flow="X", source="ct"),
    rec(2016, "RUS", "KOR", 107.0, "27", reported_by="importer", flow="M", source="ct"),
    rec(2016, "KOR", "RUS", 10.0, "27", reported_by="exporter", flow="X", source="ct"),
    rec(2016, "KOR", "RUS", 8.0, "27", reported_by="importer", flow="M", source="ct"),
]
for r in WORLD[-4:]:
    r["release"] = "legacy"
for r in WORLD:
    if "UNS" in (r["exporter"], r["importer"]):
        r["non_country"] = True


def profile_frames(
    data, target: Target, products: tuple[str, ...] | None = None
) -> dict[str, object]:
    """Every table of the RUS–KOR profile, the sections it could not compute, and provenance."""
    p = profile(data, "RUS", "KOR", target=target, products=products)
    frames = {"flows": p.flows.to_frame(), "missing": sorted(p.missing)}
    frames.update({k: v.to_frame() for k, v in p.sections.items()})
    frames["provenance"] = {k: str(v.provenance) for k, v in p.sections.items()}
    return frames


@pytest.mark.spark
def test_the_whole_report_is_the_same_on_both_engines(flows_on):
    goal = Target(300.0, 2020, 2016)
    # the fixture holds three chapters, not all goods: the profile of those (partial, labelled)
    held = ("27", "44", "87")
    duck = profile_frames(flows_on("duckdb", WORLD), goal, held)
    spark = profile_frames(flows_on("spark", WORLD), goal, held)
    assert duck["missing"] == spark["missing"]
    assert duck["provenance"] == spark["provenance"]
    assert set(duck) == set(spark)
    # every section computed, so the comparison covers every ledger piece
    assert {"rank_b_in_a", "composition_exports", "sectors", "mirror", "rca_a"} <= set(duck)
    for name in duck:
        if name not in ("missing", "provenance"):
            assert_same(duck[name], spark[name], name)
    # and a hand-computed anchor: 2016 RUS exports to KOR (reconciled) = 1.1 × (80 + 20 + 5)
    flows = duck["flows"].set_index("year")
    assert flows.loc[2016, "exports"] == pytest.approx(1.1 * 105)
