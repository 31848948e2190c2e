"""Verdicts a fact-checker can publish: tolerance from precision and qualifier, both sides'
figures, the evidence's year, source and release, one-line "why", other currencies.

Every expected figure is worked out by hand in the comment beside it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bilat.claims import check, extract
from bilat.claims.tolerance import bounds, rounding
from tests.claims.conftest import canonical_flows


def _one(text: str, published: str = "2017-06-01"):
    (c,) = extract(text, published)
    return c


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        # no qualifier: +- half the last digit; "$15 billion" -> 14.5 to 15.5 bn
        ("Russia's exports to Korea were $15 billion in 2016.", 14.5e9, 15.5e9),
        # "almost $25 billion": 0.9 * 25 - 0.5 = 22.0 to 25 + 0.5 = 25.5 bn (24.57 bn is in)
        ("Russia's exports to Korea were almost $25 billion in 2016.", 22.0e9, 25.5e9),
        # "over $14.5 billion": 14.45 to 1.15 * 14.5 + 0.05 = 16.725 bn
        ("Russia's exports to Korea were over $14.5 billion in 2016.", 14.45e9, 16.725e9),
        # "about 16 percent": max(0.5, 0.05 * 16 = 0.8) -> 15.2 to 16.8
        ("Russia's exports to Korea grew about 16 percent in 2016.", 15.2, 16.8),
        # "fell by more than a third": magnitude 33.33 - 2 to 1.15 * 33.33 + 2, negative
        (
            "Russia's exports to Korea fell by more than a third in 2016.",
            -(1.15 * 100 / 3 + 2),
            -(100 / 3 - 2),
        ),
        # "less than $100 million": half of it to 100 + 0.5 million
        ("Russia's exports to Korea were less than $100 million in 2016.", 50e6, 100.5e6),
    ],
)
def test_tolerance_table(text: str, low: float, high: float) -> None:
    b = bounds(_one(text))
    # claims keep percentages to 4 decimals (33.3333 for a third)
    assert b.low == pytest.approx(low, abs=1e-3) and b.high == pytest.approx(high, abs=1e-3)


def test_more_than_a_third_is_supported_by_a_fall_of_37_6_percent() -> None:
    # exports 10 bn in 2015, 6.24 bn in 2016: 6.24 / 10 - 1 = -37.6 %, inside -40.3 .. -31.3
    flows = canonical_flows(
        [
            {"year": 2015, "exporter": "RUS", "importer": "KOR", "value_usd": 10e9},
            {"year": 2016, "exporter": "RUS", "importer": "KOR", "value_usd": 6.24e9},
        ]
    )
    r = check("Russia's exports to Korea fell by more than a third in 2016.", flows, "2017-06-01")
    (c,) = r.checks
    assert c.claim.value == pytest.approx(-100 / 3, abs=1e-3)
    assert c.used is not None and c.used.figure == pytest.approx(-37.6)
    assert c.verdict == "supported"


def test_rounding_of_numbers_in_words() -> None:
    # "eleven-point-two billion U.S. dollars": one decimal of a billion -> 0.05 bn
    c = _one(
        "Korea's trade surplus with the US came to eleven-point-two billion U.S. dollars in 2016."
    )
    assert c.value == pytest.approx(11.2e9)
    assert rounding(c) == pytest.approx(0.05e9)


@pytest.fixture(scope="module")
def two_reports():
    # Korea reports 5.0 bn of exports to Russia in 2016, Russia reports 5.6 bn of imports
    return canonical_flows(
        [
            {"year": 2016, "exporter": "KOR", "importer": "RUS", "value_usd": 5.0e9},
            {
                "year": 2016,
                "exporter": "KOR",
                "importer": "RUS",
                "value_usd": 5.6e9,
                "reported_by": "importer",
                "flow": "M",
            },
        ]
    )


def test_both_sides_each_with_a_verdict(two_reports) -> None:
    (c,) = check("Korea's exports to Russia were $5 billion in 2016.", two_reports, "2017-06-01")
    sides = {x.basis: x for x in c.sides}
    assert sides["exporter"].figure == pytest.approx(5.0e9)
    assert sides["exporter"].side.startswith("KOR") and sides["exporter"].verdict == "supported"
    # 5.6 is outside 4.5 .. 5.5 and 12 % above 5: beyond the 10 % band -> contradicted
    assert sides["importer"].figure == pytest.approx(5.6e9)
    assert sides["importer"].side.startswith("RUS") and sides["importer"].verdict == "contradicted"
    # (5.6 - 5.0) / 5.6 = 10.7 % -> "11 % lower"
    assert "KOR's figure is 11 % lower" in c.reason
    assert c.verdict == "supported"


def test_evidence_names_year_source_and_release_in_every_format(two_reports) -> None:
    r = check("Korea's exports to Russia were $5 billion in 2016.", two_reports, "2017-06-01")
    (c,) = r.checks
    ev = c.used
    assert ev is not None
    assert (ev.period, ev.data_source, ev.release) == ("2016", "test", "r1")
    assert "\n" not in c.why and c.why.startswith("supported: ")
    assert "test, release r1, 2016" in c.why
    frame = r.to_frame()
    assert frame.evidence_period.iloc[0] == "2016" and frame.evidence_release.iloc[0] == "r1"
    assert frame.evidence_source.iloc[0] == "test"
    obj = r.to_dict()["claims"][0]
    assert obj["evidence"][0]["release"] == "r1" and obj["why"] == c.why
    assert len(obj["sides"]) == 2
    assert "test, release r1, 2016" in str(r)
    html = r.to_html()
    assert "<th>release</th>" in html and "r1" in html and "RUS (importer&#39;s report" in html


def test_a_year_the_page_does_not_give_is_no_data() -> None:
    flows = canonical_flows(
        [{"year": 2016, "exporter": "KOR", "importer": "RUS", "value_usd": 5e9}]
    )
    # no publication date and no year on the page: "last year" cannot be resolved
    r = check("Korea's exports to Russia were $5 billion last year.", flows)
    (c,) = r.checks
    assert c.claim.period == "????"
    assert c.verdict == "no data" and "which year" in c.reason


# --- other currencies ----------------------------------------------------------------------


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def store_with_rates(tmp_path_factory: pytest.TempPathFactory):
    """A store holding a penppml-shaped flows file and a WDI-shaped PA.NUS.FCRF download."""
    from bilat.store import Store

    d = tmp_path_factory.mktemp("rates")
    trade = _write(
        d / "trade.csv",
        "exp,imp,time,export,id,agreement\nKOR,RUS,2016,5000000000,1,0\nKOR,RUS,2017,6000000000,1,0\n",
    )
    rates = _write(
        d / "API_PA.NUS.FCRF_DS2_en_csv_v2_1.csv",
        '"Data Source","World Development Indicators",\n\n'
        '"Last Updated Date","2024-06-28",\n\n'
        '"Country Name","Country Code","Indicator Name","Indicator Code","2015","2016",\n'
        '"Korea, Rep.","KOR","Official exchange rate (LCU per US$, period average)",'
        '"PA.NUS.FCRF","1131.16","1160.43",\n',
    )
    store = Store(d / "store")
    store.ingest([trade, rates])
    return store


def test_other_currency_converted_with_the_stores_rate(store_with_rates) -> None:
    r = check("Korea's exports to Russia reached 5.8 trillion won in 2016.", store_with_rates)
    (c,) = r.checks
    assert c.claim.unit == "KRW" and c.claim.value == pytest.approx(5.8e12)
    # 5.8e12 / 1160.43 = 4.998e9 USD, written to 0.1 tn won -> +- 0.05e12 / 1160.43 = 43.1 mn USD:
    # 4.955 .. 5.041 bn, and the data's 5.0 bn is inside
    assert c.verdict == "supported"
    assert "1,160.43 KRW per USD" in c.conversion and "PA.NUS.FCRF" in c.conversion
    assert "release 2024-06-28" in c.conversion and c.conversion in c.why


def test_other_currency_without_a_rate_for_its_year_is_no_data_in_usd(store_with_rates) -> None:
    # the series covers 2015 and 2016, not 2017: no other year's rate is used
    (c,) = check("Korea's exports to Russia reached 7 trillion won in 2017.", store_with_rates)
    assert c.verdict == "no data" and c.reason.startswith("no data in USD")
    assert "no KRW rate for 2017" in c.reason


def test_other_currency_without_any_series_is_no_data_in_usd() -> None:
    flows = canonical_flows(
        [{"year": 2016, "exporter": "KOR", "importer": "RUS", "value_usd": 5e9}]
    )
    (c,) = check("Korea's exports to Russia reached 5.8 trillion won in 2016.", flows)
    assert c.verdict == "no data" and "no data in USD" in c.reason and "PA.NUS.FCRF" in c.reason


# --- the ledger answers kept between processes ---------------------------------------------


def test_answers_are_reused_by_a_new_verifier_and_dropped_when_the_store_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bilat.claims import verify
    from bilat.claims.cache import cache_for
    from bilat.store import Store

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    trade = _write(
        tmp_path / "trade.csv",
        "exp,imp,time,export,id,agreement\nKOR,RUS,2016,5000000000,1,0\n",
    )
    store = Store(tmp_path / "store")
    store.ingest([trade])
    text = "Korea's exports to Russia were $5 billion in 2016."
    first = check(text, store, "2017-06-01")
    files = list((tmp_path / "cache").rglob("*.pkl"))
    assert len(files) == 1
    # a new process (a new Store, so a new session): no verifier in memory, the answers come
    # from the file
    again = Store(tmp_path / "store")
    v = verify.verifier_for(again)
    assert v.disk is not None and ("KOR", "RUS", "annual", "auto") in v._flows
    second = check(text, again, "2017-06-01")
    assert [c.why for c in second.checks] == [c.why for c in first.checks]
    assert first.checks[0].verdict == "supported"
    # the store changes (2017 added): another key, and the old file is removed
    old = cache_for(again)
    more = _write(
        tmp_path / "trade2017.csv",
        "exp,imp,time,export,id,agreement\nKOR,RUS,2017,6000000000,1,0\n",
    )
    again.ingest([more])
    # the session sees the new state: a new verifier, not the one of the older state
    assert verify.verifier_for(again) is not v
    (c,) = check("Korea's exports to Russia were $6 billion in 2017.", again, "2018-06-01")
    assert c.verdict == "supported"
    new = cache_for(again)
    assert old is not None and new is not None and new.path != old.path
    assert [p.name for p in (tmp_path / "cache").rglob("*.pkl")] == [new.path.name]


def test_one_direction_of_a_turnover_does_not_contradict_it() -> None:
    # only Korea's exports to Vietnam (300 mn) are in the store for 1992, not Vietnam's to Korea:
    # a turnover of $500 million can be neither supported nor contradicted by them
    flows = canonical_flows(
        [
            {"year": 1992, "exporter": "KOR", "importer": "VNM", "value_usd": 300e6},
            {"year": 1992, "exporter": "JPN", "importer": "KOR", "value_usd": 300e6},
        ]
    )
    (c,) = check("Trade between Korea and Vietnam was $500 million in 1992.", flows, "1993-06-01")
    assert c.verdict == "no data"
    assert "only exports of KOR to VNM" in c.reason and "300.00 mn USD" in c.reason
