"""Source summaries read from a country's economy_totals rows equal their own queries.

``_data._light_summary`` reads what each source holds for single countries from the derived
``economy_totals`` (a look-up) instead of scanning the detail, and the summaries on
pair_totals (alone or through economy_totals) are sums over the same rows. Here both ways
are computed on the bundle's store (BACI, Comtrade's reporter data — with rows of a country
reporting trade with itself —, penppml, the Advanced Guide panel): every field the choice
depends on must be the query's, and every choice (or its error) the one made on the detail.
"""

from __future__ import annotations

import pytest

from bilat.errors import BilatError
from bilat.ledger import _data, coverage
from bilat.ledger.economies import Economy

pytestmark = pytest.mark.bundle

QUESTIONS = [
    {"detail": "products"},
    {},
    {"both_reports": True, "partial_ok": True},
    {"detail": "products", "years": (2016,)},
    {"detail": "products", "products": ("27",)},
]
PAIRS = [("RUS", "KOR"), ("DEU", "FRA"), ("KOR", "ALB"), ("USA", "BRA")]
SINGLES = ["RUS", "KOR", "ALB", "DEU", "CHN"]


def _econ(*codes: str) -> tuple[Economy, ...]:
    return tuple(Economy.country(c) for c in codes)


def _outcome(fn):
    try:
        return fn()
    except BilatError as exc:  # the same refusal, word for word
        return (type(exc).__name__, str(exc))


def test_the_light_summary_holds_the_details_counts(bundle_store):
    s = bundle_store.session
    t = _data.flows_table(s)
    cases = [(_econ(c), None) for c in SINGLES] + [(_econ(c), "importer") for c in SINGLES]
    cases += [(_econ(a, b), None) for a, b in PAIRS]
    for econs, side in cases:
        light = _data._light_summary(s, t, econs, None, False, side)
        exact = _data._summary_of(s, t, econs, None, False, None, None, side)
        assert light is not None
        keys = ["source", "is_total", "year"]
        light, exact = light.sort_values(keys), exact.sort_values(keys)
        assert light[keys].values.tolist() == exact[keys].values.tolist(), econs
        # rows counted once each, also a Comtrade reporter's rows with itself as partner
        assert light.n.tolist() == exact.n.tolist(), econs
        for col in ("releases", "reported_by"):
            assert [set(v) for v in light[col]] == [set(v) for v in exact[col]], (econs, col)


def _every_row(rows):
    # a filter keeping every row: a summary with a ``where`` is always a query of its own
    return rows.year == rows.year


@pytest.mark.parametrize("through_economy", [True, False], ids=["economy_totals", "pair_totals"])
def test_pair_totals_summaries_from_economy_rows_equal_their_queries(bundle_store, through_economy):
    s = bundle_store.session
    t = _data.totals_table(s)
    et = _data.economy_table(s) if through_economy else None
    assert t.op() == s.derived("pair_totals").op()
    cases = [_econ(c) for c in SINGLES] + [_econ(a, b) for a, b in PAIRS]
    for econs in cases:
        for source, both in ((None, False), ("comtrade", False), (None, True)):
            fast = _data._summary_of(s, t, econs, source, both, None, et)
            query = _data._summary_of(s, t, econs, source, both, _every_row, et)
            keys = ["source", "is_total", "year"]
            fast, query = fast.sort_values(keys), query.sort_values(keys)
            assert fast[keys].values.tolist() == query[keys].values.tolist(), econs
            for col in ("n", "n_products"):
                assert fast[col].tolist() == query[col].tolist(), (econs, col)
            for col in ("releases", "reported_by"):
                assert [set(v) for v in fast[col]] == [set(v) for v in query[col]], econs


def test_self_trade_rows_are_in_the_comparison(bundle_store):
    # the halving of economy_totals' double rows is exercised: ALB reports flows with itself
    con = bundle_store.session.backend.con
    ((n,),) = con.execute(
        "SELECT count(*) FROM flows WHERE exporter = importer AND exporter = 'ALB'"
    ).fetchall()
    assert n > 0


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: ",".join(map(str, q)) or "totals")
def test_choices_from_the_light_summary_equal_the_details(bundle_store, question):
    s = bundle_store.session
    t = _data.flows_table(s)
    sc = coverage.scopes(s)
    cases = [_econ(a, b) for a, b in PAIRS] + [_econ(c) for c in SINGLES]
    for econs in cases:
        for side in (None, "importer") if len(econs) == 1 else (None,):
            args = dict(
                source=None,
                detail=question.get("detail"),
                years=question.get("years"),
                both_reports=question.get("both_reports", False),
                where=None,
                detail_table=None,
                scopes=sc,
                products=question.get("products"),
                partial_ok=question.get("partial_ok", False),
                side=side,
            )
            light = _outcome(lambda: _data._choose(s, t, econs, **args))  # noqa: B023
            exact = _outcome(lambda: _data._choose(s, t, econs, **args, exact=True))  # noqa: B023
            assert light == exact, (econs, side, question)
