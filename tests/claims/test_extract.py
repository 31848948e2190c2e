"""Claim extraction on single sentences; expected slots worked out by hand from the sentence."""

from __future__ import annotations

import pytest

from bilat.claims import extract


def one(text: str, published: str = "2017-09-07"):
    claims = extract(text, published)
    assert len(claims) == 1, claims
    return claims[0]


def test_value_claim_slots():
    c = one("Commodity turnover between Russia and South Korea was US$15 billion in 2016.")
    assert (c.kind, set(c.economies), c.flow, c.period, c.value, c.unit) == (
        "value",
        {"RUS", "KOR"},
        "turnover",
        "2016",
        15e9,
        "USD",
    )
    assert c.value_text == "US$15 billion"


def test_value_span_points_at_the_figure():
    text = "Trade between Russia and Korea reached $10 bln in 2016."
    c = one(text)
    assert text[c.value_start : c.value_end] == "$10 bln"
    assert c.value == 10e9


def test_direction_of_exports_and_imports():
    claims = extract(
        "Russian exports to South Korea totalled $10.6 billion in 2016, while imports from "
        "Korea amounted to $4.8 billion."
    )
    assert [(c.flow, c.economies, c.value) for c in claims] == [
        ("exports", ("RUS", "KOR"), 10.6e9),
        ("imports", ("RUS", "KOR"), 4.8e9),
    ]


def test_change_with_half_year_and_base():
    c = one("Russia-South Korea trade turnover grew 50 % in the first half of 2017.")
    assert (c.kind, c.value, c.unit, c.period, c.base) == (
        "change",
        50.0,
        "%",
        "2017-H1",
        "2016-H1",
    )


def test_fell_by_a_third_is_minus_a_third():
    claims = extract(
        "Trade between Russia and Korea stood at $16.3 billion in 2015. It fell by a third in 2015."
    )
    assert claims[1].kind == "change"
    assert claims[1].value == pytest.approx(-33.3333, abs=1e-3)


def test_rank_claim_owner_and_partner():
    c = one("South Korea was Russia's seventh-largest trading partner in 2016.")
    assert (c.kind, c.economies, c.value, c.unit, c.period) == (
        "rank",
        ("RUS", "KOR"),
        7,
        "rank",
        "2016",
    )


def test_rank_ordinals_that_are_not_ranks():
    assert (
        extract(
            "China was Germany's most important trading partner in 2022 for the seventh year in a "
            "row."
        )[0].value
        == 1
    )
    assert extract("Korea's economy, the world's eleventh largest, grew 2.8% in 2016.") == ()


def test_share_claim():
    c = one("Korea accounted for 3.6% of Russia's total trade in 2016.")
    assert (c.kind, c.economies, c.value, c.unit) == ("share", ("RUS", "KOR"), 3.6, "%")


def test_deficit_is_a_negative_balance():
    c = one("The U.S. trade deficit with China hit a record $375.2 billion in 2017.", "2018-02-06")
    assert (c.kind, c.economies, c.value) == ("balance", ("USA", "CHN"), -375.2e9)


def test_target_double_that_refers_back():
    claims = extract(
        "As of 2015, trade between Russia and Korea stood at 16.3 billion dollars.\n"
        "Our presidents want to double that by 2020.",
        "2016-08-30",
    )
    t = claims[-1]
    assert (t.kind, t.value, t.unit, t.period, t.base) == ("target", 2, "x", "2020", "2015")


def test_the_two_countries_resolved_from_the_previous_sentence():
    claims = extract(
        "Korea and Russia are close neighbours. The two countries' trade grew 50 per cent "
        "during the first half of 2017."
    )
    assert set(claims[0].economies) == {"KOR", "RUS"}


def test_last_year_against_publication_date():
    c = one("Trade between Seoul and Moscow stood at around $15 billion last year.", "2017-09-07")
    assert (c.period, c.approx) == ("2016", "around")


def test_other_currencies_keep_their_unit():
    c = one("Two-way trade between Australia and China reached A$251 billion in 2019.")
    assert (c.value, c.unit) == (251e9, "AUD")


@pytest.mark.parametrize(
    "text",
    [
        "The population of the Republic of Korea is about 51 million people.",
        "Korean investment in Russia totalled $2.6 billion by the end of 2017.",
        "Russia's GDP was $1.58 trillion in 2017, and defence spending took 4.3% of it.",
        "Brent crude rose 2.1% to $65.40 a barrel.",
        "Korea's exports in July rose 19.5 percent from a year earlier to $48.8 billion.",
        "Some 1.5 million Russian tourists are expected to visit Korea in 2019.",
    ],
)
def test_numbers_that_are_not_trade_claims(text):
    assert extract(text, "2018-01-01") == ()


def test_mojibake_text_gives_the_same_claims():
    clean_claims = extract("Russia's exports to South Korea reached $12.3 billion in 2017.")
    broken = extract("Russiaâ€™s exports to South Korea reached $12.3 billion in 2017.")
    assert [(c.economies, c.value) for c in broken] == [
        (c.economies, c.value) for c in clean_claims
    ]


def test_currency_written_with_a_country_code_is_not_that_country():
    # "US$" is a currency, not the United States: the rank claim is about Korea and Russia
    text = (
        "Russia–South Korea trade was US$20 billion in 2016, "
        "and Korea was Russia's seventh-largest trading partner."
    )
    claims = extract(text)
    assert [(c.kind, c.economies) for c in claims] == [
        ("value", ("RUS", "KOR")),
        ("rank", ("RUS", "KOR")),
    ]
