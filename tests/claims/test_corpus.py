"""The hand-annotated corpus: the gold is well-formed, and extraction meets its targets on it.

Targets from the issue: claim detection F1 >= 0.9 and slot accuracy >= 0.9. The corpus was
annotated before the extractor was written, then used to develop it; ``../heldout`` (scored by
``benchmarks/bench_claims.py``) is the honest estimate on unseen texts.
"""

from __future__ import annotations

import datetime as dt

import pytest

from bilat.claims.extract import extract_document
from bilat.claims.model import CLAIM_KINDS, FLOWS
from bilat.claims.scoring import load_corpus, score
from bilat.claims.text import clean
from tests.claims.conftest import CORPUS

TEXTS = load_corpus(CORPUS)


def test_corpus_has_at_least_30_texts_with_every_kind():
    assert len(TEXTS) >= 30
    kinds = {c.kind for t in TEXTS for c in t.claims}
    assert kinds == set(CLAIM_KINDS)
    assert sum(1 for t in TEXTS if not t.claims) >= 3  # texts with numbers and no claim
    assert sum(1 for t in TEXTS if t.path.suffix == ".html") >= 3


@pytest.mark.parametrize("text", TEXTS, ids=lambda t: t.name)
def test_gold_is_well_formed(text):
    doc = clean(text.text)
    for c in text.claims:
        assert c.anchor in doc.text, f"anchor not in cleaned text: {c.anchor!r}"
        assert c.kind in CLAIM_KINDS and c.flow in FLOWS and len(c.economies) == 2


def test_extraction_meets_targets_on_the_corpus():
    results = []
    for t in TEXTS:
        doc = clean(t.text)
        pub = dt.date.fromisoformat(t.published) if t.published else None
        results.append((t.name, doc.text, t.claims, extract_document(doc, pub)))
    s = score(results)
    assert s.f1 >= 0.9, str(s)
    assert s.slot_accuracy >= 0.9, str(s)
    assert min(s.per_slot().values()) >= 0.85, str(s)
