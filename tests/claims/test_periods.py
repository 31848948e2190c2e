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
