"""The real-text claim corpus (tests/claims/real) loads, is well-formed, and keeps its rules.

Cheap: reads JSON and text files only. Spans are checked against the stored text, the split is
recomputed from its written rule, and every address is checked against the shared exclusion list.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from tests.claims.real.check_excluded import DEFAULT_LIST, page_hash
from tests.claims.real.corpus import (
    ARTICLES,
    SECOND,
    SPLIT,
    load_articles,
    load_second,
    load_split,
    problems,
    texts_present,
)

REAL = Path(__file__).parent / "real"
# The article texts are third-party excerpts and are not committed (ANNOTATION.md, "The
# texts"): tests that read them run where they have been restored, and are skipped elsewhere.
needs_texts = pytest.mark.skipif(
    not texts_present(), reason="article texts not restored (tests/claims/real/ANNOTATION.md)"
)


@needs_texts
def test_every_article_loads_with_spans_matching_the_stored_text() -> None:
    arts = load_articles()
    assert len(arts) == len(list(ARTICLES.glob("r*.txt")))
    assert len(arts) >= 60
    assert sum(len(a.claims) for a in arts) > 0
    bad = [p for a in arts for p in problems(a)]
    assert bad == []


@needs_texts
def test_corpus_spans_pairs_and_outlets() -> None:
    arts = load_articles()
    pairs = {frozenset(c.economies) for a in arts for c in a.claims}
    outlets = {a.outlet for a in arts}
    assert len(pairs) >= 12
    assert len(outlets) >= 8
    # the pairs the issue names are all present
    for pair in (
        "KOR RUS",
        "KOR CHN",
        "KOR JPN",
        "KOR VNM",
        "KOR USA",
        "EU KOR",
        "RUS CHN",
        "RUS IND",
    ):
        assert frozenset(pair.split()) in pairs, pair


def test_split_is_by_article_and_follows_its_rule() -> None:
    doc = json.loads(SPLIT.read_text("utf-8"))
    metas = [json.loads(p.read_text("utf-8")) for p in sorted(ARTICLES.glob("r*.json"))]
    # dev2: the pages gathered after the first split, all for tuning (never held-out)
    dev2 = set(doc.get("dev2", []))
    # dev3 / heldout2: the third pass, split by a seeded shuffle before the extractor saw them
    dev3, heldout2 = set(doc.get("dev3", [])), set(doc.get("heldout2", []))
    # dev4 / heldout3: the fourth pass, split batch by batch with a seeded shuffle, likewise
    dev4, heldout3 = set(doc.get("dev4", [])), set(doc.get("heldout3", []))
    later = dev2 | dev3 | heldout2 | dev4 | heldout3
    assert set(doc["dev"]) | set(doc["heldout"]) | later == {m["id"] for m in metas}
    assert not set(doc["dev"]) & set(doc["heldout"])
    assert len(later) == len(dev2) + len(dev3) + len(heldout2) + len(dev4) + len(heldout3)
    assert not later & (set(doc["dev"]) | set(doc["heldout"]))
    third = sorted(dev3 | heldout2)
    random.Random(doc["dev3_heldout2_seed"]).shuffle(third)
    assert set(third[: len(third) // 2]) == dev3
    drawn_dev4: set[str] = set()
    drawn_heldout3: set[str] = set()
    for batch in doc.get("dev4_heldout3_batches", []):
        ids = sorted(batch["ids"])
        random.Random(batch["seed"]).shuffle(ids)
        drawn_dev4 |= set(ids[: len(ids) // 2])
        drawn_heldout3 |= set(ids[len(ids) // 2 :])
    assert (drawn_dev4, drawn_heldout3) == (dev4, heldout3)
    for m in metas:  # annotations alone: runs without the texts
        if m["id"] in later:
            continue
        h = hashlib.sha256((doc["seed"] + ":" + page_hash(m["url"])).encode()).hexdigest()
        expected = "dev" if int(h[:8], 16) / 2**32 < 0.6 else "heldout"
        assert load_split()[m["id"]] == expected, m["id"]


def test_page_hash_follows_the_shared_rule() -> None:
    # worked by hand from /work/shared/claims/README.md: scheme, "www." and the final "/" go
    want = hashlib.sha256(b"example.com/a/b").hexdigest()
    assert page_hash("HTTPS://www.Example.com/a/b/") == want
    assert page_hash("http://m.example.com/a/b") == want
    assert page_hash("english.example.com/a/b") == want


@needs_texts
@pytest.mark.skipif(not DEFAULT_LIST.exists(), reason="shared exclusion list not on this machine")
def test_no_article_is_on_the_exclusion_list() -> None:
    script = REAL / "check_excluded.py"
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{len(load_articles())} articles checked, 0 excluded" in run.stdout


@needs_texts
def test_second_pass_is_well_formed_and_covers_a_sample() -> None:
    second = load_second()
    assert len(second) >= 12
    ids = {a.id for a in load_articles()}
    for a in second:
        assert a.id in ids
        assert problems(a) == []
    assert len(list(SECOND.glob("r*.json"))) == len(second)


def _bench():  # the scorer lives in benchmarks/, which is not a package
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_claims_real.py"
    spec = importlib.util.spec_from_file_location("bench_claims_real", path)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


@needs_texts
def test_scorer_finds_every_gold_figure_in_the_cleaned_text() -> None:
    from bilat.claims.text import clean

    bench = _bench()
    for a in load_articles():
        text = clean(a.text).text
        for g in a.claims:
            span = bench.locate_value(text, g)
            assert span is not None, (a.id, g.quote)
            # the located figure reads as the stored one once normalised
            assert text[span[0] : span[1]].split() == bench.normalise(g.value_text).split()


def test_scorer_period_rule_for_unknown_years() -> None:
    bench = _bench()
    assert bench._period_equal("????-01/????-11", "2018-01/2018-11")
    assert not bench._period_equal("????-01/????-11", "2018-01/2018-10")
    assert bench._period_equal("????", "2016")
    assert not bench._period_equal("2016", None)
    assert bench._period_equal(None, None)


def test_scorer_locates_a_repeated_quote_at_each_occurrence() -> None:
    # a headline repeated at the end of a page is annotated twice; each gold figure is located
    # at its own occurrence (a page of our own, not from the corpus)
    from tests.claims.real.corpus import GoldClaim

    bench = _bench()
    head = "Korea-India trade doubles"
    text = f"{head}\nSeoul, 7 April. Trade rose to $2.58 billion in January-February.\n{head}"
    second = text.rindex(head)

    def gold(at: int) -> GoldClaim:
        v = at + head.index("doubles")
        return GoldClaim(
            head, (at, at + len(head)), "doubles", (v, v + 7), "change", ("KOR", "IND"),
            "turnover", None, 2.0, "x", None, None, None, False, None,
        )  # fmt: skip

    assert bench.locate_value(text, gold(0)) == (18, 25)
    assert bench.locate_value(text, gold(second)) == (second + 18, second + 25)


def test_second_annotator_samples_are_the_documented_ones() -> None:
    # the samples ANNOTATION.md lists ("Agreement"): each drawn from its own gathering pass only,
    # so pages gathered later do not change it (reads split.json alone; no texts needed)
    from tests.claims.real.agreement import sample_ids

    first = ["r12", "r13", "r16", "r24", "r31", "r32", "r41", "r43", "r58", "r60", "r61", "r66"]
    assert sample_ids(1) == first
    assert sample_ids(4) == ["r123", "r129", "r132", "r133", "r136", "r147"]
    assert {p.stem for p in SECOND.glob("r*.json")} >= set(first) | set(sample_ids(4))
