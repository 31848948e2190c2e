"""Numbers in words (bilat.render.numbers), against strings written by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from bilat.render import numbers


@pytest.mark.parametrize(
    "value,text",
    [
        (15_326_241_792, "15.33 bn USD"),  # RUS–KOR turnover 2016 (bundle README)
        (482_700_000, "482.7 mn USD"),
        (1_011_416_832, "1.011 bn USD"),  # four significant digits, as the pages show
        (-1_011_416_832, "−1.011 bn USD"),  # a real minus sign
        (10_557_803_520, "10.56 bn USD"),
        (4_768_438_272, "4.768 bn USD"),
        (420_921_103_859, "420.9 bn USD"),
        (999_960_000, "1.000 bn USD"),  # not "1000 mn"
        (12_345.4, "12,345 USD"),
        (2.5e12, "2.500 tn USD"),
        (np.float64(1_683_398_912), "1.683 bn USD"),
        (None, "–"),
        (math.nan, "–"),
        (pd.NA, "–"),
    ],
)
def test_money(value, text):
    assert numbers.money(value) == text


def test_money_without_unit():
    assert numbers.money(15_326_241_792, unit="") == "15.33 bn"


def test_shares_changes_percent():
    assert numbers.share(0.03641) == "3.6 %"  # KOR's share of RUS's turnover 2016
    assert numbers.share(-0.37619) == "−37.6 %"
    assert numbers.share(1.376) == "137.6 %"
    assert numbers.share(-0.0001) == "0.0 %"  # rounds to zero: no sign
    assert numbers.share(0.5, digits=0) == "50 %"
    assert numbers.percent(3.64) == "3.6 %"
    assert numbers.percent(-37.619) == "−37.6 %"
    assert numbers.share(None) == "–"


def test_ranks_and_years():
    assert numbers.rank(6, 221) == "6th of 221"
    assert numbers.rank(np.int64(10)) == "10th"
    assert numbers.rank(None, 221) == "–"
    ords = [numbers.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111, 112)]
    assert ords == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd",
        "101st", "111th", "112th",
    ]  # fmt: skip
    assert numbers.year(2016.0) == "2016"


def test_index_numbers():
    assert numbers.number(0.021764) == "0.02176"
    assert numbers.number(0.2364) == "0.2364"
    assert numbers.number(1.87) == "1.87"
    assert numbers.number(9.185309843411751) == "9.185"
    assert numbers.number(-0.4242) == "−0.4242"
    assert numbers.number(12_345.2) == "12,345"
    assert numbers.number(0.0) == "0"
    assert numbers.number(math.inf) == "∞"


def test_cells_by_column():
    assert numbers.cell("year", 2016.0) == "2016"
    assert numbers.cell("turnover", 15_326_241_792.0) == "15.33 bn USD"
    assert numbers.cell("pct_change", -0.37619) == "−37.6 %"  # ledger changes are fractions
    assert numbers.cell("share", 0.701812) == "70.2 %"
    assert numbers.cell("rank", 6) == "6"
    assert numbers.cell("gl", 0.02143) == "0.02143"
    assert numbers.cell("complete", True) == "yes"
    assert numbers.cell("description", "Wood") == "Wood"
    assert numbers.cell("balance", None) == "–"
    assert numbers.cell("exports_reported_by", "exporter (A)") == "exporter (A)"
    assert numbers.cell("previous_year", pd.NA) == "–"
