"""Figures as real pages write them: words, hyphens, Indian numbering, currency codes and signs.

Each expected value is the figure as written, worked out by hand.
"""

from __future__ import annotations

import pytest

from bilat.claims.figures import find_figures


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("came to eleven-point-two billion U.S. dollars", 11.2e9, "USD"),
        ("up 20-point-eight percent", 20.8, "%"),
        ("posted 15-point-18 billion dollars", 15.18e9, "USD"),
        ("neared USD nine billion", 9e9, "USD"),
        ("fifty billion dollars", 50e9, "USD"),
        ("twenty-one percent", 21.0, "%"),
        ("the $5-billion mark", 5e9, "USD"),
        ("40-billion U.S. dollars", 40e9, "USD"),
        ("around 70 billion-euro", 70e9, "EUR"),
        ("totaled some 61 billion USD", 61e9, "USD"),
        ("increased 3.9 times", 3.9, "x"),
        ("trade doubles", 2.0, "x"),
        ("exports of Rs 1,200 crore", 1200 * 1e7, "INR"),  # 1 crore = 10 million
        ("worth Rs. 2.5 lakh crore", 2.5e12, "INR"),  # 1 lakh crore = 1 trillion
        ("RMB 100 billion", 100e9, "CNY"),
        ("KRW 5 trillion", 5e12, "KRW"),
        ("5.8 trillion won", 5.8e12, "KRW"),
        ("the balance was -US$1.78 billion", -1.78e9, "USD"),
    ],
)
def test_figure_as_written(text: str, value: float, unit: str) -> None:
    (f,) = find_figures(text)
    assert f.value == pytest.approx(value) and f.unit == unit


@pytest.mark.parametrize(
    "text",
    [
        "posting a double-digit growth",  # a size, not x2
        "a double blow to exporters",
        "ministers meet three times a year",  # a frequency
        "yours 5 billion",  # 'rs' inside a word is no rupee sign
    ],
)
def test_false_friends_are_no_figures(text: str) -> None:
    assert find_figures(text) == []


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("in the first 20 days of November", "2017-11-01/2017-11-20"),
        ("during March 1-10", "2017-03-01/2017-03-10"),
        ("in the fourth week of January", "2017-01-W4"),
        ("in January-March", "2017-Q1"),  # a whole quarter by its name
        ("in January-June", "2017-H1"),
        ("by the end of October", "2017-01/2017-10"),  # cumulative from January
        ("until the end of October", "2017-01/2017-10"),
        ("in the first 10 months of this year", "2017-01/2017-10"),
        ("in 2024-25", "FY2024"),
        ("in the ten months of the 2022-2023 financial year", "2022-04/2023-01"),
        ("last month", "2017-10"),
    ],
)
def test_periods_real_pages_write(text: str, period: str) -> None:
    import datetime as dt

    from bilat.claims.periods import find_periods

    (p,) = find_periods(text, dt.date(2017, 11, 22))
    assert p.period == period
