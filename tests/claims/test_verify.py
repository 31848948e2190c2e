"""Verdicts against small hand-made flow tables and against the bundle's acceptance facts."""

from __future__ import annotations

import json

import pytest

from bilat.claims import check
from tests.claims.conftest import canonical_flows

# Exporter-reported totals, USD: RUS-KOR turnover 14 bn in 2015 and 15 bn in 2016;
# Russia's other partners: CHN 50 bn and DEU 40 bn of exports in 2016, so Korea ranks 3rd.
ROWS = [
    {"year": 2015, "exporter": "RUS", "importer": "KOR", "value_usd": 10e9},
    {"year": 2015, "exporter": "KOR", "importer": "RUS", "value_usd": 4e9},
    {"year": 2016, "exporter": "RUS", "importer": "KOR", "value_usd": 10e9},
    {"year": 2016, "exporter": "KOR", "importer": "RUS", "value_usd": 5e9},
    {"year": 2016, "exporter": "RUS", "importer": "CHN", "value_usd": 50e9},
    {"year": 2016, "exporter": "RUS", "importer": "DEU", "value_usd": 40e9},
]


@pytest.fixture(scope="module")
def flows():
    return canonical_flows(ROWS)


def verdict(text: str, flows, published: str = "2017-06-01"):
    r = check(text, data=flows, published=published)
    assert len(r) == 1, r
    return r.checks[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Trade between Russia and Korea was $15 billion in 2016.", "supported"),
        # 15.5 is written to 0.1 bn: 15 is 3.2 % off, inside 10 % -> approximately
        ("Trade between Russia and Korea was $15.5 billion in 2016.", "approximately"),
        ("Trade between Russia and Korea was $20 billion in 2016.", "contradicted"),
        # 15/14 - 1 = 7.14 %, within 7.1 +- 0.05
        ("Trade between Russia and Korea grew 7.1% in 2016.", "supported"),
        ("Trade between Russia and Korea grew 30% in 2016.", "contradicted"),
        ("Russia's exports to Korea were $10 billion in 2016.", "supported"),
        ("Russia ran a trade surplus of $5 billion with Korea in 2016.", "supported"),
        ("Korea was Russia's third-largest trading partner in 2016.", "supported"),
        ("Korea was Russia's second-largest trading partner in 2016.", "contradicted"),
        (
            "The two sides want trade between Russia and Korea to reach $30 billion by 2020.",
            "not checkable",
        ),
        ("Trade between Russia and Korea grew 10% in the first half of 2016.", "no data"),
    ],
)
def test_verdicts(text, expected, flows):
    assert verdict(text, flows).verdict == expected


def test_a_year_not_covered_is_no_data_with_the_nearest_years_as_context(flows):
    # the data cover 2015 and 2016 (turnover 15 bn), not 2017: never a verdict on another year
    c = verdict("Trade between Russia and Korea was $15 billion in 2017.", flows, "2018-03-01")
    assert c.verdict == "no data" and c.used is None
    assert "not covered for 2017" in c.reason and "2016: 15.00 bn USD" in c.reason


def test_other_currency_is_no_data(flows):
    c = verdict("Trade between Russia and Korea was 13 billion euros in 2016.", flows)
    assert c.verdict == "no data" and "EUR" in c.reason


def test_result_outputs(flows):
    text = "Trade between Russia and Korea was $20 billion in 2016."
    r = check(text, data=flows, published="2017-06-01")
    frame = r.to_frame()
    assert list(frame.verdict) == ["contradicted"] and frame.data_value.iloc[0] == pytest.approx(
        15e9
    )
    obj = json.loads(r.to_json())
    claim = obj["claims"][0]
    assert text[claim["value_start"] : claim["value_end"]] == "$20 billion"
    assert claim["evidence"][0]["query"].startswith("bilat.ledger.flows.bilateral_flows")
    page = r.to_html()
    assert 'class="claim v-contradicted"' in page and "<details" in page
    assert "[contradicted]" in str(r)


@pytest.mark.bundle
class TestBundleFacts:
    """The issue's acceptance facts on the bundle's penppml data (2016: 15.33 bn, Korea 6th)."""

    def test_15_billion_is_supported_with_15_33_as_evidence(self, penppml_flows):
        c = verdict("Russia-South Korea trade was US$15 billion in 2016.", penppml_flows)
        assert c.verdict in {"supported", "approximately"}
        assert c.used.figure / 1e9 == pytest.approx(15.33, abs=0.005)
        assert c.used.label == "15.33 bn USD"

    def test_20_billion_is_contradicted(self, penppml_flows):
        c = verdict("Russia-South Korea trade was $20 billion in 2016.", penppml_flows)
        assert c.verdict == "contradicted"
        assert c.used.figure / 1e9 == pytest.approx(15.33, abs=0.005)

    def test_seventh_largest_is_contradicted_by_sixth(self, penppml_flows):
        c = verdict("Korea was Russia's seventh-largest partner in 2016.", penppml_flows)
        assert c.verdict == "contradicted"
        assert c.used.figure == 6 and c.used.label.startswith("6th")

    def test_half_year_growth_is_no_data(self, penppml_flows):
        c = verdict(
            "Russia-South Korea turnover grew 50 % in the first half of 2017.", penppml_flows
        )
        assert c.verdict == "no data"
        assert "half-year" in c.reason and c.evidence == ()
