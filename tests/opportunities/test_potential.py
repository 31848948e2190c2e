"""Export potential on small hand-built tables: every expected number is worked out by hand below.

World of the first tests (source ``baci``: reconciled, bilateral, HS6, 2019; source ``tot``:
exporter-reported totals):

    product 870323 (cars): KOR→RUS 100, KOR→CHN 300, CHN→RUS 200, CHN→USA 400
    product 271111 (LNG):  KOR→USA 50, USA→RUS 150, RUS→CHN 1000, RUS→KOR 500
    product 030389 (fish): USA→KOR 80, CHN→RUS 60
    totals: KOR→RUS 200, KOR→CHN 600, KOR→USA 200, CHN→RUS 500, USA→RUS 300,
            RUS→CHN 1500, RUS→KOR 1000, CHN→USA 900

KOR's world share: cars 400/1000 = 0.4, LNG 50/1700, fish 0/140 = 0.
RUS's imports:     cars 100+200 = 300, LNG 150, fish 60.
Ease KOR→RUS:      X_KOR = 1000, M_RUS = 200+500+300 = 1000, X_W = 5200:
                   (200/1000) / (1000/5200) = 1.04.
Potential:         cars 300 × 0.4 × 1.04 = 124.8 (actual 100, untapped 24.8, 19.87 %),
                   LNG 150 × 50/1700 × 1.04 = 7800/1700 = 4.5882… (actual 0, untapped 100 %),
                   fish 60 × 0 × 1.04 = 0.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bilat.cli.main import app
from bilat.errors import InputError, NoDataError
from bilat.opportunities import opportunities
from bilat.store.session import session_of
from tests.opportunities.conftest import flow

CARS, LNG, FISH = "870323", "271111", "030389"
PRODUCTS = [
    flow("KOR", "RUS", CARS, 100),
    flow("KOR", "CHN", CARS, 300),
    flow("CHN", "RUS", CARS, 200),
    flow("CHN", "USA", CARS, 400),
    flow("KOR", "USA", LNG, 50),
    flow("USA", "RUS", LNG, 150),
    flow("RUS", "CHN", LNG, 1000),
    flow("RUS", "KOR", LNG, 500),
    flow("USA", "KOR", FISH, 80),
    flow("CHN", "RUS", FISH, 60),
]
TOTALS = [
    flow(e, i, "TOTAL", v, source="tot", reported_by="exporter", hs_revision=None)
    for e, i, v in [
        ("KOR", "RUS", 200),
        ("KOR", "CHN", 600),
        ("KOR", "USA", 200),
        ("CHN", "RUS", 500),
        ("USA", "RUS", 300),
        ("RUS", "CHN", 1500),
        ("RUS", "KOR", 1000),
        ("CHN", "USA", 900),
    ]
]
EASE = (200 / 1000) / (1000 / 5200)


@pytest.fixture
def world(make_flows):
    return make_flows(PRODUCTS + TOTALS)


def test_potential_and_untapped_by_hand(world):
    r = opportunities(world, "KOR", "RUS")
    assert (r.year, r.digits) == (2019, 6)  # latest year, finest level
    assert r.ease.value == pytest.approx(1.04)
    assert (r.ease.x_ab, r.ease.x_a, r.ease.m_b, r.ease.x_w) == (200, 1000, 1000, 5200)
    assert list(r.table.code) == [CARS, LNG, FISH]  # ranked by untapped potential
    cars = r.table.iloc[0]
    assert cars.share == pytest.approx(0.4)
    assert cars.demand == 300 and cars.actual == 100
    assert cars.potential == pytest.approx(124.8)
    assert cars.untapped == pytest.approx(24.8)
    assert cars.untapped_pct == pytest.approx(100 * 24.8 / 124.8)
    assert r.value(LNG, "potential") == pytest.approx(7800 / 1700)
    assert r.value(LNG, "untapped") == pytest.approx(7800 / 1700)
    assert r.value(LNG, "untapped_pct") == pytest.approx(100.0)
    assert r.value(FISH, "potential") == 0 and r.value(FISH, "untapped") == 0
    assert r.missing_inputs == () and len(r.ranked) == 3
    sources = {i.name: i.source for i in r.inputs}
    assert sources == {"supply": "baci", "demand": "baci", "actual": "baci", "ease": "tot"}


def test_untapped_is_zero_when_actual_exceeds_potential(world):
    # RUS in KOR, LNG: share 1500/1700, KOR imports 500, X_RUS = 2500, M_KOR = 1000,
    # ease (1000/2500)/(1000/5200) = 2.08: potential 500 × 1500/1700 × 2.08 = 917.6 > actual 500.
    r = opportunities(world, "RUS", "KOR")
    ease = (1000 / 2500) / (1000 / 5200)
    assert r.ease.value == pytest.approx(2.08)
    potential = 500 * 1500 / 1700 * ease
    assert r.value(LNG, "potential") == pytest.approx(potential)
    assert r.value(LNG, "untapped") == pytest.approx(potential - 500)
    # KOR in CHN, cars: share 0.4, CHN imports 300, M_CHN = 600 + 1500 = 2100,
    # ease (600/1000)/(2100/5200) = 1.4857: potential 178.3 < actual 300 → untapped 0.
    r = opportunities(world, "KOR", "CHN")
    assert r.value(CARS, "potential") == pytest.approx(300 * 0.4 * (0.6 / (2100 / 5200)))
    assert r.value(CARS, "actual") == 300
    assert r.value(CARS, "untapped") == 0
    assert r.value(CARS, "untapped_pct") == 0


@pytest.mark.parametrize(("level", "cars"), [("hs2", "87"), ("hs4", "8703")])
def test_coarser_levels_sum_the_products(world, level, cars):
    r = opportunities(world, "KOR", "RUS", level=level)
    assert r.digits == int(level[2])
    assert r.value(cars, "potential") == pytest.approx(124.8)


def test_reporter_data_world_rows_and_mirrors(make_flows):
    """Comtrade-like reports: world rows beat partner sums, own reports beat mirrors.

    27: KOR declares 100 to the world and 30 to RUS; USA 300 to the world; CHN declares nothing
        (RUS's import of 40 from CHN stands in). World 440, KOR's share 100/440.
        RUS declares imports of 200 from the world (beats 40 + 35 by partner).
        Actual KOR→RUS: KOR's own 30, not RUS's mirror 35.
    44: KOR 10 and USA 70 to RUS, no world rows: world 80, KOR's share 0.125; RUS declares no
        imports, so demand = the exporters' mirror 10 + 70 = 80.
    """
    ct = {"source": "ct", "hs_revision": "HS12"}
    x = {**ct, "reported_by": "exporter", "flow": "X"}
    m = {**ct, "reported_by": "importer", "flow": "M"}
    rows = [
        flow("KOR", "WLD", "27", 100, **x),
        flow("KOR", "RUS", "27", 30, **x),
        flow("KOR", "RUS", "44", 10, **x),
        flow("USA", "WLD", "27", 300, **x),
        flow("USA", "RUS", "44", 70, **x),
        flow("WLD", "RUS", "27", 200, **m),
        flow("CHN", "RUS", "27", 40, **m),
        flow("KOR", "RUS", "27", 35, **m),
    ]
    r = opportunities(make_flows(rows + TOTALS), "KOR", "RUS")
    assert r.digits == 2
    assert r.value("27", "share") == pytest.approx(100 / 440)
    assert r.value("27", "demand") == 200 and r.value("27", "actual") == 30
    assert r.value("27", "potential") == pytest.approx(200 * 100 / 440 * EASE)
    assert r.value("44", "share") == pytest.approx(0.125)
    assert r.value("44", "demand") == 80
    assert r.value("44", "potential") == pytest.approx(10.4)
    assert r.value("44", "untapped") == pytest.approx(0.4)
    t = r.table.set_index("code")
    assert t.demand_reported_by.to_dict() == {"27": "B", "44": "mirror"}
    assert t.actual_reported_by.to_dict() == {"27": "A", "44": "A"}


def test_missing_inputs_are_reported_not_filled(make_flows):
    """Only exports to the world by product (like BACI's HS2 table) and totals: no demand."""
    rows = [
        flow("KOR", "WLD", "87", 400, source="bw"),
        flow("CHN", "WLD", "87", 600, source="bw"),
        flow("RUS", "WLD", "27", 1500, source="bw"),
    ]
    r = opportunities(make_flows(rows + TOTALS), "KOR", "RUS")
    assert [i.name for i in r.missing_inputs] == ["demand", "actual"]
    assert r.value("87", "share") == pytest.approx(0.4)
    assert r.table.potential.isna().all() and r.table.untapped.isna().all()
    assert set(r.table.missing) == {"demand, actual"}
    assert r.ranked.empty and len(r.incomplete) == 2
    text = str(r)
    assert "demand: not covered" in text and "missing inputs: demand, actual" in text
    assert r.ease.value == pytest.approx(1.04)  # the totals are still used


def test_no_ease_without_pair_totals(make_flows):
    r = opportunities(make_flows(PRODUCTS), "KOR", "RUS")  # 3 chapters are not "all goods"
    assert [i.name for i in r.missing_inputs] == ["ease"]
    assert r.ease is None and r.table.potential.isna().all()
    assert r.value(CARS, "demand") == 300  # the other components are still there


def test_finer_level_than_the_data_says_how_to_rerun(make_flows):
    rows = [flow("KOR", "RUS", "87", 100), flow("CHN", "RUS", "87", 50)]
    with pytest.raises(NoDataError, match="level='hs2'"):
        opportunities(make_flows(rows + TOTALS), "KOR", "RUS", level="hs6")


def test_bad_questions(world):
    with pytest.raises(InputError, match="one of hs2"):
        opportunities(world, "KOR", "RUS", level="hs8")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="group"):
        opportunities(world, "KOR", "EAEU")
    with pytest.raises(InputError, match="both sides"):
        opportunities(world, "KOR", "Korea")
    with pytest.raises(NoDataError):
        opportunities(world, "KOR", "RUS", year=2005)


def test_by_section_and_basket(world):
    r = opportunities(world, "KOR", "RUS")
    sec = r.by_section().table.set_index("section")
    assert sec.loc["XVII", "potential"] == pytest.approx(124.8)
    assert sec.loc["V", "untapped"] == pytest.approx(7800 / 1700)
    assert sec.loc["I", "potential"] == 0
    bask = r.by_basket().table.set_index("sector")
    # LNG (271111) lies in both the gas (2711) and Northern Sea Route (271111) sectors.
    assert bask.loc["gas", "untapped"] == pytest.approx(7800 / 1700)
    assert bask.loc["northern_sea_route", "untapped"] == pytest.approx(7800 / 1700)
    assert bask.loc["fisheries", "products"] == 1 and bask.loc["fisheries", "potential"] == 0
    assert bask.loc["railways", "products"] == 0


def test_result_outputs(world):
    r = opportunities(world, "KOR", "RUS")
    d = r.to_dict()
    assert d["exporter"] == "KOR" and d["ease"]["value"] == pytest.approx(1.04)
    assert [i["name"] for i in d["inputs"]] == ["supply", "demand", "actual", "ease"]
    assert d["rows"][0]["code"] == CARS
    assert "potential" in r.to_frame().columns
    assert "KOR→RUS" in repr(r) and "<table" in r._repr_html_()
    assert "Formula: potential_k = demand_Bk × share_Ak × ease_AB" in str(r)


def test_cli_errors_are_clean(tmp_path):
    runner = CliRunner()
    r = runner.invoke(app, ["opportunities", "KOR", "RUS", "--store", str(tmp_path)])
    assert r.exit_code == 1 and "error:" in r.output  # 1: no data (README: exit codes)
    r = runner.invoke(app, ["opportunities", "KOR", "RUS", "--format", "pdf"])
    assert r.exit_code == 2 and "text, json, csv, xlsx, parquet, html" in r.output


def test_ease_from_product_rows_spanning_all_goods(make_flows):
    """No totals, but reconciled product rows in 90 chapters: all goods = the products summed.

    Per chapter: KOR→RUS 1, CHN→RUS 2, KOR→CHN 3, RUS→CHN 4; over 90 chapters x_AB = 90,
    X_KOR = 360, M_RUS = 270, X_W = 900: ease = (90/360) / (270/900) = 0.8333.
    """
    from bilat.opportunities import inputs

    rows = []
    for c in range(1, 91):
        code = f"{c:02d}0110"
        rows += [
            flow("KOR", "RUS", code, 1),
            flow("CHN", "RUS", code, 2),
            flow("KOR", "CHN", code, 3),
            flow("RUS", "CHN", code, 4),
        ]
    t = make_flows(rows)
    r = opportunities(t, "KOR", "RUS")
    assert r.ease.value == pytest.approx((90 / 360) / (270 / 900))
    assert {i.name: i.source for i in r.inputs}["ease"] == "baci"
    # The shortcut over the product frames equals the full query over the rows.
    full = inputs.ease_of_trade(session_of(t), t, "KOR", "RUS", inputs.Slice("baci", 2019, 6, 2))
    assert (full.x_ab, full.x_a, full.m_b, full.x_w) == (90, 360, 270, 900)
    assert r.value("010110", "potential") == pytest.approx(3 * (4 / 10) * r.ease.value)
