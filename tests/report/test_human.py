"""Human numbers on the report and the pages, against strings written by hand."""

from __future__ import annotations

import math

import pytest

from bilat.report import human


@pytest.mark.parametrize(
    "value,text",
    [
        (15_326_241_792, "15.33 bn USD"),  # RUS–KOR turnover 2016 (bundle README)
        (482_700_000, "482.7 mn USD"),
        (-1_005_613_824, "−1.01 bn USD"),  # a real minus sign
        (12_345.4, "12,345 USD"),
        (2.5e12, "2.50 tn USD"),
        (None, "–"),
        (math.nan, "–"),
    ],
)
def test_money(value, text):
    assert human.money(value) == text


def test_percent_share_rank():
    assert human.percent(3.64) == "3.6 %"
    assert human.percent(-37.619) == "−37.6 %"
    assert human.share(0.03641) == "3.6 %"
    assert human.share(-0.37619) == "−37.6 %"
    assert human.rank(6, 221) == "6th of 221"
    assert [human.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th"
    ]  # fmt: skip


def test_cells_by_column():
    assert human.cell("year", 2016.0) == "2016"
    assert human.cell("turnover", 15_326_241_792.0) == "15.33 bn USD"
    assert human.cell("pct_change", -0.37619) == "−37.6 %"  # ledger changes are fractions
    assert human.cell("share", 0.701812) == "70.2 %"
    assert human.cell("rank", 6) == "6"
    assert human.cell("gl", 0.02143) == "0.02143"
    assert human.cell("complete", True) == "yes"
    assert human.cell("description", "Wood") == "Wood"
    assert human.cell("balance", None) == "–"
