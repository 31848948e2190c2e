"""The ledger endpoints against the bundle store: numbers as the ledger's Python API gives them,
and the known facts of the worked example (2016 RUS–KOR turnover 15.33 bn USD, KOR 6th)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.bundle


def test_flows_2016_turnover_is_the_ledgers(client, bundle_store):
    from bilat.ledger.flows import bilateral_flows

    r = client.get("/api/flows", params={"a": "Russia", "b": "South Korea", "year": 2016})
    assert r.status_code == 200
    row = r.json()["rows"][0]
    expected = bilateral_flows(bundle_store, "RUS", "KOR", years=[2016])
    assert row["turnover"] == pytest.approx(expected.value(2016, "turnover"))
    assert row["exports"] == pytest.approx(expected.value(2016, "exports"))
    # known fact, worked out from the penppml file: 15.33 bn USD
    assert row["turnover"] / 1e9 == pytest.approx(15.33, abs=5e-3)
    assert row["balance"] == pytest.approx(row["exports"] - row["imports"])
    assert r.json()["provenance"]["source"] == "penppml"


def test_aliases_and_codes_give_the_same_answer(client):
    by_code = client.get("/api/flows", params={"a": "RUS", "b": "KOR", "year": 2016}).json()
    by_alias = client.get("/api/flows", params={"a": "Russian", "b": "ROK", "year": 2016}).json()
    assert by_alias["rows"] == by_code["rows"]


def test_rank_of_korea_among_russias_partners_is_sixth(client, bundle_store):
    from bilat.ledger.ranks import partner_rank

    r = client.get("/api/rank", params={"a": "RUS", "b": "KOR", "year": 2016})
    assert r.status_code == 200
    row = r.json()["rows"][0]
    assert row["rank"] == 6
    expected = partner_rank(bundle_store, "RUS", "KOR", years=2016).table.iloc[0]
    assert row["value"] == pytest.approx(expected["value"])
    assert row["share"] == pytest.approx(expected["share"])
    assert r.json()["summary"]["by"] == "turnover"


def test_top_partners_list_has_korea_sixth(client):
    r = client.get("/api/rank", params={"a": "RUS", "year": 2016, "top": 10})
    rows = r.json()["rows"]
    assert len(rows) == 10
    assert [x["rank"] for x in rows] == list(range(1, 11))
    assert rows[5]["partner"] == "KOR"


def test_top_list_needs_one_year(client):
    r = client.get("/api/rank", params={"a": "RUS"})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["query", "year"]


def test_composition_matches_ledger(client, bundle_store):
    from bilat.ledger.composition import composition

    r = client.get("/api/composition", params={"a": "RUS", "b": "KOR", "year": 2016})
    assert r.status_code == 200
    got = {x["code"]: x["value"] for x in r.json()["rows"]}
    exp = composition(bundle_store, "RUS", "KOR", years=2016).table
    assert got == pytest.approx(dict(zip(exp.code, exp.value, strict=True)))
    assert r.json()["summary"] == {"level": "chapter", "direction": "exports"}


@pytest.mark.parametrize("index", ["intensity", "grubel-lloyd", "complementarity"])
def test_indices_value_is_the_ledgers(client, bundle_store, index):
    from bilat.ledger import indices as ix

    fn = {
        "intensity": ix.trade_intensity,
        "grubel-lloyd": ix.grubel_lloyd,
        "complementarity": ix.complementarity,
    }[index]
    r = client.get(f"/api/indices/{index}", params={"a": "RUS", "b": "KOR", "year": 2016})
    assert r.status_code == 200
    assert r.json()["summary"]["value"] == pytest.approx(fn(bundle_store, "RUS", "KOR", 2016).value)


def test_unknown_index_is_422_naming_the_path_field(client):
    r = client.get("/api/indices/gini", params={"a": "RUS", "b": "KOR", "year": 2016})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["path", "index"]


def test_mirror_totals(client, bundle_store):
    from bilat.ledger.mirror import mirror_gaps

    r = client.get("/api/mirror", params={"a": "RUS", "b": "KOR", "year": 2016, "totals": True})
    assert r.status_code == 200
    exp = mirror_gaps(bundle_store, "RUS", "KOR", years=2016, by_product=False).table
    assert len(r.json()["rows"]) == len(exp)


def test_target_verdict_and_required_growth(client):
    r = client.get(
        "/api/target",
        params={"a": "RUS", "b": "KOR", "value": 30e9, "by": 2020, "base_year": 2016},
    )
    assert r.status_code == 200
    s = r.json()["summary"]
    # doubling 15.326 bn to 30 bn in four years needs (30/15.326)^(1/4) − 1 ≈ 18.3 % a year
    assert s["required_cagr"] == pytest.approx((30e9 / 15_326_241_792) ** 0.25 - 1, rel=1e-6)
    assert s["base_value"] / 1e9 == pytest.approx(15.33, abs=5e-3)


def test_profile_has_flows_ranks_and_composition(client):
    r = client.get("/api/profile", params={"a": "RUS", "b": "KOR", "from": 2012, "to": 2016})
    assert r.status_code == 200
    p = r.json()
    assert p["a"] == {"code": "RUS", "name": "Russia", "kind": "country"}
    assert p["years"][-1] == 2016
    assert all(2012 <= y <= 2016 for y in p["years"])
    rank = {x["year"]: x["rank"] for x in p["sections"]["rank_b_in_a"]["rows"]}
    assert rank[2016] == 6
    assert "composition_exports" in p["sections"]


def test_group_as_a_side(client):
    r = client.get("/api/flows", params={"a": "EAEU", "b": "KOR", "year": 2016})
    assert r.status_code == 200
    one = client.get("/api/flows", params={"a": "RUS", "b": "KOR", "year": 2016}).json()
    # the EAEU's trade with Korea includes Russia's and is larger
    assert r.json()["rows"][0]["turnover"] > one["rows"][0]["turnover"]


def test_unknown_country_is_422_naming_the_field_with_a_suggestion(client):
    r = client.get("/api/flows", params={"a": "RUS", "b": "South Koera"})
    assert r.status_code == 422
    d = r.json()["detail"][0]
    assert d["loc"] == ["query", "b"]
    assert any("KOR" in s for s in d["suggestions"])


def test_same_economy_twice_is_422(client):
    r = client.get("/api/flows", params={"a": "RUS", "b": "Russia"})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["query", "b"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"year": 2016, "from": 2010, "to": 2016}, "year"),
        ({"from": 2016}, "to"),
        ({"from": 2016, "to": 2010}, "to"),
        ({"year": "twenty"}, "year"),
        ({"frequency": "weekly"}, "frequency"),
    ],
)
def test_bad_periods_are_422_naming_the_field(client, params, field):
    r = client.get("/api/flows", params={"a": "RUS", "b": "KOR", **params})
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"][-1] == field


def test_no_data_is_404(client):
    r = client.get("/api/flows", params={"a": "RUS", "b": "KOR", "year": 1950})
    assert r.status_code == 404
    assert "no flows" in r.json()["detail"] or "no" in r.json()["detail"]


def test_repeated_question_is_served_from_the_cache(client):
    params = {"a": "RUS", "b": "KOR", "year": 2016, "by": "exports"}
    client.get("/api/rank", params=params)
    before = client.get("/api/health").json()["cache_hits"]
    client.get("/api/rank", params=params)
    assert client.get("/api/health").json()["cache_hits"] == before + 1


def test_datasets_and_economies(client):
    ds = client.get("/api/datasets").json()
    assert {"flows", "macro"} <= {d["table"] for d in ds}
    econ = client.get("/api/economies", params={"q": "korea"}).json()
    codes = {e["code"] for e in econ}
    assert {"KOR", "PRK"} <= codes
    kor = next(e for e in econ if e["code"] == "KOR")
    assert "ROK" in kor["aliases"]
    eaeu = client.get("/api/economies", params={"q": "eurasian"}).json()
    assert any(e["code"] == "EAEU" and e["kind"] == "group" for e in eaeu)


def test_profile_charts_drawn_or_not_covered(client):
    # KOR–JPN 1980–1984: penppml totals (1980, 1984) but no product detail before 1988
    r = client.get(
        "/api/profile", params={"a": "KOR", "b": "JPN", "from": 1980, "to": 1984, "charts": "true"}
    )
    assert r.status_code == 200, r.text
    charts = {c["key"]: c for c in r.json()["charts"]}
    assert list(charts) == ["flows", "ranks", "composition", "top-products", "sectors"]
    flows = charts["flows"]
    turnover = flows["figure"]["data"][0]
    assert turnover["name"] == "turnover" and turnover["x"] == [1980, 1981, 1982, 1983, 1984]
    assert [y is None for y in turnover["y"]] == [False, True, True, True, False]
    assert flows["csv"].splitlines()[0] == "year,exports,imports,turnover,balance"
    for key in ("composition", "top-products", "sectors"):
        assert charts[key]["figure"] is None and charts[key]["csv"] == ""
        assert charts[key]["note"].startswith("Not covered: ") and "1984" in charts[key]["note"]
    # without charts=true the profile is as before (charts null)
    plain = client.get("/api/profile", params={"a": "KOR", "b": "JPN", "year": 1984})
    assert plain.json()["charts"] is None
