"""The real corpus's gold-verdict rules (tests/claims/real/gold_verdicts.py), on figures worked by
hand from the tolerance table of docs/claims.md."""

from __future__ import annotations

import math

from tests.claims.real.gold_verdicts import _grade, half_last_digit


def test_half_the_last_written_digit() -> None:
    assert math.isclose(half_last_digit("$85.95 billion", 85.95e9) or 0, 0.005e9)
    assert math.isclose(half_last_digit("$15 billion", 15e9) or 0, 0.5e9)
    assert math.isclose(half_last_digit("$18,229.03 million", 18229.03e6) or 0, 0.005e6)
    assert half_last_digit("nine-point-nine billion dollars", 9.9e9) is None


def test_the_qualifier_sets_the_range() -> None:
    # "almost $25 billion" holds for 24.57 bn (0.90 v - r <= d <= v + r)
    assert _grade(25e9, 24.57e9, 0.5e9, "almost")[0] == "supported"
    # as printed: $15.3 billion holds for 15.33 bn (r = 0.05 bn), not for 15.4 bn ...
    assert _grade(15.3e9, 15.33e9, 0.05e9, None)[0] == "supported"
    # ... which is within 10 % of the data: approximately
    assert _grade(15.3e9, 15.4e9, 0.05e9, None)[0] == "approximately"
    # "more than $25 billion" holds up to 1.15 v + r, and fails below v - r
    assert _grade(25e9, 28e9, 0.5e9, "more than")[0] == "supported"
    assert _grade(25e9, 20e9, 0.5e9, "more than")[0] == "contradicted"
    # a deficit claimed where the data show a surplus
    assert _grade(-16.6e9, 3e9, 0.05e9, None)[0] == "contradicted"
