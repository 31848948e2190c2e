"""Periods in prose resolved to period strings."""

from __future__ import annotations

import datetime as dt

import pytest

from bilat.claims.periods import find_periods, previous_period

PUB = dt.date(2017, 8, 1)


@pytest.mark.parametrize(
    ("text", "period", "role"),
    [
        ("in 2016", "2016", "point"),
        ("as of 2015", "2015", "point"),
        ("during the first half of 2017", "2017-H1", "point"),
        ("in the first quarter of 2018", "2018-Q1", "point"),
        ("in the first seven months", "2017-01/2017-07", "point"),
        ("in January-July", "2017-01/2017-07", "point"),
        ("In January-April of this year", "2017-01/2017-04", "point"),
        ("last year", "2016", "point"),
        ("Last year", "2016", "point"),
        ("in March alone", "2017-03", "point"),  # before August 2017: this year's March
        ("in December", "2016-12", "point"),  # after August: last year's December
        # a fiscal year (India's April-March) is not the calendar year it starts in: FY2023, the
        # real-text corpus's notation (tests/claims/real/ANNOTATION.md), not "2023"
        ("in 2023-24", "FY2023", "point"),
        ("by 2020", "2020", "target"),
        ("between 2010 and 2015", "2015", "range"),
    ],
)
def test_period_phrases(text, period, role):
    found = find_periods(text, PUB)
    assert [(p.period, p.role) for p in found] == [(period, role)]


def test_dates_are_not_months():
    assert [p.period for p in find_periods("on July 1, 2020", PUB)] == ["2020"]


def test_highest_since_is_not_a_base():
    roles = [p.role for p in find_periods("the highest since 2014", PUB)]
    assert roles == ["record"]


def test_previous_period_shifts_every_year():
    assert previous_period("2017-01/2017-07") == "2016-01/2016-07"
    assert previous_period("2018-Q1") == "2017-Q1"


@pytest.mark.parametrize(
    ("text", "period", "role", "base"),
    [
        # a month with no year after "compared to"/"from"/"than" is a month-on-month base (its
        # number in ``base``), never the figure's own period
        ("fell 10.1% compared to July", None, "monthbase", "07"),
        ("up 19.9 percent from August", None, "monthbase", "08"),
        # ... but "from January to June" stays a range of months
        ("from January to May", "2017-01/2017-05", "point", None),
        ("on a monthly basis", None, "prevmonth", None),
        # India's fiscal year written by its last year's two digits: FY24 = April 2023-March 2024
        ("in FY24", "FY2023", "point", None),
        # Korea's customs' ten-day counts with abbreviated months
        ("exports from Nov 1 to Nov 20", "2016-11-01/2016-11-20", "point", None),
        ("for January and February 2010", "2010-01/2010-02", "point", None),
        ("spanning January to October", "2017-01/2017-10", "point", None),
        ("than in the corresponding period in 2019", None, "sameyear", "2019"),
        ("in comparison with the same period of last year", None, "yoy", None),
    ],
)
def test_bases_and_fiscal_years(text, period, role, base):
    found = find_periods(text, PUB)
    assert [(p.period, p.role, p.base) for p in found] == [(period, role, base)]


def test_a_perfects_now_is_no_period():
    # "has now reached $117.2 billion" after "for January-August": only the months are a period
    found = find_periods("for January-August has now reached", PUB)
    assert [(p.period, p.role) for p in found] == [("2017-01/2017-08", "point")]
    assert [p.role for p in find_periods("trade now stands at", PUB)] == ["now"]
