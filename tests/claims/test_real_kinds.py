"""Claim kinds that real pages write, checked on real sentences of the corpus's DEV articles.

Each case names a DEV article of tests/claims/real and a figure in it; the expected slots are the
annotation's (written by rules before the extractor was run on the corpus), not what the
extractor printed. The whole article is extracted (so context across sentences counts), and the
prediction on the annotated figure must agree on every scored slot. Held-out articles are never
used here (ANNOTATION.md, "Split"). The texts are third-party and not committed: these tests skip
until they are restored.
"""

from __future__ import annotations

import math
import re

import pytest

from bilat.claims.dating import find_published
from bilat.claims.extract import extract_document
from bilat.claims.model import Claim
from bilat.claims.text import clean, normalise
from tests.claims.real.corpus import Article, GoldClaim, load_articles, load_split, texts_present

needs_texts = pytest.mark.skipif(
    not texts_present(), reason="article texts not restored (tests/claims/real/ANNOTATION.md)"
)

# (article, the figure as annotated, what the case is about)
CASES: list[tuple[str, str, str]] = [
    # amounts in words, hyphenated, "times" multiples
    ("r37", "nine-point-nine billion dollars", "amount in words"),
    ("r34", "63-point-three billion dollars", "amount in words with digits"),
    ("r40", "70 billion-euro", "hyphenated amount, another currency (EUR)"),
    ("r11", "3.9 times", "'N times' multiple"),
    ("r11", "quadrupled", "multiple word with a qualifier"),
    ("r10", "doubles", "present-tense multiple in a headline"),
    # shares, never typed as a change
    ("r26", "25 percent", "share of a total"),
    ("r50", "35 per cent", "share of a balance, fiscal-year period"),
    ("r64", "75 percent", "share with its partner after the total"),
    # ranks by implication and list items that belong to other pairs
    ("r07", "fourth-largest", "rank"),
    ("r07", "China", "list item ahead of a rank: its own pair"),
    ("r07", "Japan", "third list item ahead of a rank"),
    ("r09", "fourth place", "rank by place, 'a year later'"),
    ("r41", "top ten", "'top N'"),
    # cumulative and partial periods, relative years, the publication date
    ("r30", "US$16.366 billion", "'first 10 months of this year', deficit sign"),
    ("r52", "USD 21.98 billion", "'from January to April this year'"),
    ("r19", "$130.\n4 billion", "number broken by a hard line break"),
    ("r50", "USD 14.25 billion", "fiscal year 2024-25, partner from the passage"),
    ("r17", "$104 billion", "'last year' with no date on the page"),
    ("r27", "21.1 per cent", "'from Nov 1 to Nov 20' in the sentence before: a day range"),
    ("r51", "$73.31 billion", "an aside without figures does not end the passage's pair"),
    ("r34", "21-point-six percent", "'The eleven-month figure represents a ... decrease'"),
    ("r34", "21-point-seven billion dollars", "'decrease from $X from a year earlier': the base's"),
    # coreference across sentences
    ("r26", "$5.5 billion", "no economy named: the passage's pair"),
    ("r64", "21 percent", "'in the reviewed period'"),
    # signs of deficits and declines; targets and forecasts
    ("r03", "$34 billion", "deficit is negative for its owner"),
    ("r09", "19.5 percent", "'dipped': a decline of a surplus"),
    ("r26", "13.1 percent", "'fell'"),
    ("r17", "$200 billion", "'expected to reach ... by 2024': a target"),
    ("r09", "US$100 billion", "'raise from about $100 billion to $150 billion': the level now"),
]


def _article(article_id: str, split: str = "dev") -> Article:
    """A tuning article (``dev`` or ``dev2``); never a held-out one."""
    assert load_split()[article_id] == split, f"{article_id} is not a {split} article"
    (a,) = [x for x in load_articles(split=split) if x.id == article_id]
    return a


def _dev(article_id: str) -> Article:
    return _article(article_id, "dev")


def _pattern(text: str) -> re.Pattern[str]:
    return re.compile(r"\s+".join(re.escape(t) for t in normalise(text).split()))


def _gold_and_prediction(a: Article, value_text: str) -> tuple[GoldClaim, list[Claim]]:
    (g,) = [c for c in a.claims if c.value_text == value_text][:1]
    doc = clean(a.text)
    preds = extract_document(doc, a.published)
    # the annotated figure inside its quote, in the cleaned text
    q = _pattern(g.quote).search(doc.text)
    assert q is not None, "the annotated sentence is in the cleaned text"
    v = _pattern(g.value_text).search(doc.text, q.start(), q.end())
    assert v is not None
    hits = [p for p in preds if p.value_start < v.end() and v.start() < p.value_end]
    return g, hits


def _period_ok(gold: str | None, got: str | None) -> bool:
    if gold is None or got is None:
        return gold == got
    rx = re.escape(gold).replace(r"\?\?\?\?", r"(?:\d{4}|\?{4})")
    return re.fullmatch(rx, got) is not None


def _agrees(g: GoldClaim, p: Claim) -> bool:
    turnover_set = g.flow == "turnover" and g.kind not in ("rank", "share")
    econ = set(g.economies) == set(p.economies) if turnover_set else g.economies == p.economies
    return (
        g.kind == p.kind
        and econ
        and g.flow == p.flow
        and _period_ok(g.period, p.period)
        and math.isclose(g.value, p.value, rel_tol=2e-3, abs_tol=0.01)
        and g.unit == p.unit
    )


@needs_texts
@pytest.mark.parametrize(("article", "value_text", "about"), CASES)
def test_real_sentence_read_as_annotated(article: str, value_text: str, about: str) -> None:
    check_read_as_annotated(_dev(article), value_text, about)


def check_read_as_annotated(a: Article, value_text: str, about: str) -> None:
    """The prediction on ``a``'s annotated figure ``value_text`` agrees on every scored slot."""
    g, hits = _gold_and_prediction(a, value_text)
    assert hits, f"{about}: no claim found on {value_text!r}"
    assert any(_agrees(g, p) for p in hits), (
        f"{about}: annotated {g.kind} {g.economies} {g.flow} {g.period} {g.value} {g.unit}; "
        f"got {[str(p) for p in hits]}"
    )


@needs_texts
def test_double_digit_growth_is_not_a_doubling() -> None:
    # r22: "posting a double-digit growth for the first time in four years" (a size, not x2)
    a = _dev("r22")
    doc = clean(a.text)
    doubles = [c for c in extract_document(doc, a.published) if c.unit == "x" and c.value == 2]
    assert doubles == []
    assert "double-digit" in doc.text


@needs_texts
def test_world_totals_are_not_bilateral_claims() -> None:
    # r62: "Japan's total exports with the world decreased 2.4 percent ... to 801.282 billion"
    a = _dev("r62")
    texts = {c.value_text for c in extract_document(clean(a.text), a.published)}
    assert "801.282 billion U.S. dollars" not in texts
    assert "2.4 percent" not in texts


@needs_texts
def test_publication_date_is_read_from_the_date_line() -> None:
    # r43 starts with the search tool's date prefix; the annotation's date came from it too
    a = _dev("r43")
    assert a.meta["published_source"] == "tool date prefix"
    found = find_published(clean(a.text))
    assert found is not None and found.source == "date line"
    assert found.date == a.published
