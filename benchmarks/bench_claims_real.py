"""Claim extraction on real published articles (tests/claims/real): dev and held-out side by side.

Run: .venv/bin/python benchmarks/bench_claims_real.py [--errors] [--verdicts]
     [--splits dev,dev2,dev3,dev4,heldout,heldout2,heldout3]
Runs the current extractor (``bilat.claims``) on every article of the real-text corpus, with the
publication date from the annotations where the page gives one, and prints detection precision /
recall / F1 and per-slot accuracy for each split side by side: the dev sets (``dev``; ``dev2``,
``dev3`` and ``dev4``, gathered later) and the held-out sets (``heldout``; ``heldout2`` and
``heldout3``, the third and fourth passes' halves split off before the extractor saw them).
``--errors`` lists the dev sets' misses, spurious claims
and wrong slots to tune on; held-out errors are never printed (the held-out articles are scored,
never tuned on; see tests/claims/real/ANNOTATION.md). ``--splits dev2`` scores only some splits
(only their texts need be restored).

Matching. Gold spans point into the text as stored; the extractor's spans point into its cleaned
text (``bilat.claims.text.clean``). Each gold quote is located in the cleaned text (after the same
normalisation, whitespace-insensitively) and its figure within it; a gold claim whose quote the
cleaner dropped counts as missed ("dropped by cleaning"). A prediction matches a gold claim when
their figures' spans overlap (one-to-one, greedy on the number of agreeing slots). Unmatched
predictions are false positives; those on a figure marked as a non-claim are counted by category,
except on ``alt_unit`` figures (a gold claim's figure repeated in a second currency, "110 billion
euro ($130 billion)"), which count neither way.

Slots: kind, economies (a set for turnover levels and changes), flow, period (a gold year ``????``
matches any year), value (within 0.2 %), unit; and, reported apart, qualifier, base, product.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.claims.real.corpus import HELD_OUT, Article, GoldClaim, load_articles

from bilat.claims.extract import extract_document
from bilat.claims.model import Claim
from bilat.claims.text import clean, normalise

warnings.simplefilter("ignore")

SLOTS: tuple[str, ...] = ("kind", "economies", "flow", "period", "value", "unit")
EXTRA: tuple[str, ...] = ("qualifier", "base", "product")


def _pattern(text: str) -> re.Pattern[str] | None:
    toks = normalise(text).split()
    return re.compile(r"\s+".join(re.escape(t) for t in toks)) if toks else None


def locate_value(clean_text: str, g: GoldClaim) -> tuple[int, int] | None:
    """The gold figure's span in the cleaned text, or None when the cleaner dropped its quote."""
    q, v = _pattern(g.quote), _pattern(g.value_text)
    if q is None or v is None:
        return None
    # the figure's offset inside the quote picks the right occurrence when it repeats; a quote
    # the page repeats (headline and lead) is taken at the occurrence nearest its stored offset
    # (cleaning moves characters only a little)
    rel = g.value_span[0] - g.span[0]
    found = [m for m in q.finditer(clean_text) if v.search(clean_text, m.start(), m.end())]
    for m in sorted(found, key=lambda m: abs(m.start() - g.span[0]))[:1]:
        hits = list(v.finditer(clean_text, m.start(), m.end()))
        if hits:
            before = len(normalise(g.quote[:rel]).split())
            best = min(
                hits, key=lambda h: abs(len(clean_text[m.start() : h.start()].split()) - before)
            )
            return best.span()
    return None


def _period_equal(g: str | None, p: str | None) -> bool:
    if g is None or p is None:
        return g is None and p is None
    if "????" in g:
        # a predicted "????" (the extractor's own notation for a year it cannot resolve) is right
        # where the gold one is
        return re.fullmatch(re.escape(g).replace(r"\?\?\?\?", r"(?:\d{4}|\?{4})"), p) is not None
    return g == p


def slot_equal(slot: str, g: GoldClaim, p: Claim) -> bool:
    """Whether one slot of a prediction agrees with the gold claim."""
    if slot == "economies":
        if g.flow == "turnover" and g.kind not in ("rank", "share"):
            return set(g.economies) == set(p.economies)
        return tuple(g.economies) == tuple(p.economies)
    if slot == "value":
        return math.isclose(g.value, p.value, rel_tol=2e-3, abs_tol=0.01)
    if slot in ("period", "base"):
        return _period_equal(getattr(g, slot), getattr(p, slot))
    if slot == "qualifier":
        return (g.qualifier or None) == ((p.approx or "").lower() or None)
    if slot == "product":
        a, b = (g.product or "").lower(), (p.product or "").lower()
        return (not a and not b) or (bool(a) and bool(b) and (a in b or b in a))
    return getattr(g, slot) == getattr(p, slot)


@dataclass
class Score:
    """Counts over a set of articles; ``errors`` holds printable lines (dev only)."""

    articles: int = 0
    gold: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    dropped: int = 0
    alt_unit: int = 0
    fp_on_non_claims: Counter[str] = field(default_factory=Counter)
    correct: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    # (article, gold claim index, the prediction matched to it), for the verdict check
    matched: list[tuple[Article, int, Claim]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def accuracy(self, slot: str) -> float:
        """Share of matched claims with this slot right."""
        return self.correct[slot] / self.tp if self.tp else 0.0


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score_article(a: Article, s: Score) -> None:
    """Extract from one article and add its counts to ``s``."""
    doc = clean(a.text)
    preds: Sequence[Claim] = extract_document(doc, a.published)
    s.articles += 1
    s.gold += len(a.claims)
    spans = [locate_value(doc.text, g) for g in a.claims]
    cands = []
    for gi, (g, gs) in enumerate(zip(a.claims, spans, strict=True)):
        if gs is None:
            continue
        for pi, p in enumerate(preds):
            if _overlap(gs, (p.value_start, p.value_end)):
                cands.append((sum(slot_equal(k, g, p) for k in SLOTS), gi, pi))
    used_g: dict[int, int] = {}
    used_p: set[int] = set()
    for _, gi, pi in sorted(cands, key=lambda t: -t[0]):
        if gi not in used_g and pi not in used_p:
            used_g[gi] = pi
            used_p.add(pi)
    for gi, g in enumerate(a.claims):
        if gi not in used_g:
            s.fn += 1
            s.dropped += spans[gi] is None
            why = "dropped by cleaning" if spans[gi] is None else "missed"
            s.errors.append(f"{a.id} {why}: {g.value_text!r} in {g.quote[:90]!r}")
            continue
        s.tp += 1
        p = preds[used_g[gi]]
        s.matched.append((a, gi, p))
        for k in SLOTS + EXTRA:
            ok = slot_equal(k, g, p)
            s.correct[k] += ok
            if not ok and k in SLOTS:
                s.errors.append(
                    f"{a.id} {k}: {g.value_text!r} gold {getattr(g, k)!r}, got {getattr(p, k)!r}"
                )
    non = [(n, _pattern(n.quote)) for n in a.non_claims]
    for pi, p in enumerate(preds):
        if pi in used_p:
            continue
        cat = next(
            (
                n.category
                for n, pat in non
                if pat
                and any(
                    _overlap(m.span(), (p.value_start, p.value_end)) for m in pat.finditer(doc.text)
                )
            ),
            None,
        )
        if cat == "alt_unit":  # the claim's own figure in a second currency: neither way
            s.alt_unit += 1
            continue
        s.fp += 1
        if cat:
            s.fp_on_non_claims[cat] += 1
        s.errors.append(f"{a.id} spurious{f' ({cat})' if cat else ''}: {p} <- {p.value_text!r}")


SPLITS: tuple[str, ...] = ("dev", "dev2", "dev3", "dev4", "heldout", "heldout2", "heldout3")
NAMES = {
    "dev": "dev",
    "dev2": "dev2",
    "dev3": "dev3",
    "dev4": "dev4",
    "heldout": "held-out",
    "heldout2": "held-out 2",
    "heldout3": "held-out 3",
}


def run(splits: Sequence[str] = SPLITS) -> dict[str, Score]:
    """Scores for each split asked for (dev, dev2, dev3, dev4, held-out, held-out 2, held-out 3)."""
    out = {k: Score() for k in splits}
    for a in load_articles():
        if a.split in out:
            score_article(a, out[a.split])
    return out


def report(scores: dict[str, Score]) -> str:
    """The side-by-side table (Markdown), one column per split scored."""
    ss = list(scores.values())

    def row(name: str, f: Callable[[Score], str]) -> str:
        return f"| {name} | " + " | ".join(f(s) for s in ss) + " |"

    lines = [
        "| measure | " + " | ".join(NAMES.get(k, k) for k in scores) + " |",
        "|---" * (len(ss) + 1) + "|",
        row("articles", lambda s: f"{s.articles}"),
        row("gold claims", lambda s: f"{s.gold}"),
        row("TP / FP / FN", lambda s: f"{s.tp} / {s.fp} / {s.fn}"),
        row("precision", lambda s: f"{s.precision:.3f}"),
        row("recall", lambda s: f"{s.recall:.3f}"),
        row("F1", lambda s: f"{s.f1:.3f}"),
        row("gold dropped by cleaning", lambda s: f"{s.dropped}"),
        row("predictions on alt-currency figures (ignored)", lambda s: f"{s.alt_unit}"),
        row("FP on marked non-claims", lambda s: f"{sum(s.fp_on_non_claims.values())}"),
    ]
    lines += [row(f"slot {k}", lambda s, k=k: f"{s.accuracy(k):.3f}") for k in SLOTS]
    lines += [row(f"(slot {k})", lambda s, k=k: f"{s.accuracy(k):.3f}") for k in EXTRA]
    cats: Counter[str] = Counter()
    for s in ss:
        cats += s.fp_on_non_claims
    if cats:
        lines.append("")
        lines.append(
            "FP on non-claims by category (all splits scored): "
            + ", ".join(f"{k} {v}" for k, v in cats.most_common())
        )
    return "\n".join(lines)


@dataclass
class VerdictScore:
    """Verdicts on the matched claims against gold worked out from the bundle's raw file."""

    covered: int = 0  # matched claims the bundle covers (gold: a graded verdict)
    right: int = 0
    uncovered: int = 0  # matched claims it does not cover (gold: no data / not checkable)
    graded_uncovered: int = 0  # ... that got supported / approximately / contradicted anyway
    by_gold: Counter[str] = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.right / self.covered if self.covered else float("nan")


GRADED = frozenset({"supported", "approximately", "contradicted"})


def score_verdicts(scores: dict[str, Score], bundle: Path) -> dict[str, VerdictScore]:
    """Check every matched prediction against the bundle's penppml totals and compare with the
    gold verdicts of ``tests/claims/real/gold_verdicts.py`` (supported and approximately agree)."""
    from benchmarks.bench_claims import penppml_flows
    from tests.claims.real.gold_verdicts import gold_verdicts

    from bilat.claims.verify import check_claims

    data = penppml_flows()
    out: dict[str, VerdictScore] = {}
    for split, s in scores.items():
        vs = VerdictScore()
        arts = {a.id: a for a, _, _ in s.matched}
        gold = gold_verdicts(arts.values(), bundle)
        checked = check_claims(tuple(p for _, _, p in s.matched), data)
        for (a, gi, _), c in zip(s.matched, checked, strict=True):
            g = gold[(a.id, gi)]
            vs.by_gold[g.verdict] += 1
            if g.verdict == "unscored":
                continue
            if g.verdict in GRADED:
                vs.covered += 1
                ok = c.verdict == g.verdict or {c.verdict, g.verdict} == {
                    "supported",
                    "approximately",
                }
                vs.right += ok
                if not ok and split not in HELD_OUT:
                    vs.misses.append(
                        f"{a.id} {a.claims[gi].value_text!r}: gold {g.verdict} ({g.why}), "
                        f"got {c.verdict}: {c.reason}"
                    )
            else:
                vs.uncovered += 1
                if c.verdict in GRADED:
                    vs.graded_uncovered += 1
                    if split not in HELD_OUT:
                        vs.misses.append(
                            f"{a.id} {a.claims[gi].value_text!r}: not covered, got {c.verdict}"
                        )
        out[split] = vs
    return out


def verdict_report(vs: dict[str, VerdictScore]) -> str:
    """Verdict accuracy side by side (Markdown)."""
    cols = list(vs)
    lines = [
        "| verdicts (matched claims) | " + " | ".join(NAMES.get(k, k) for k in cols) + " |",
        "|---" * (len(cols) + 1) + "|",
        "| covered by the bundle (gold graded) | "
        + " | ".join(str(vs[k].covered) for k in cols)
        + " |",
        "| verdict accuracy where covered | "
        + " | ".join(
            f"{vs[k].accuracy:.3f} ({vs[k].right}/{vs[k].covered})" if vs[k].covered else "-"
            for k in cols
        )
        + " |",
        "| not covered (gold no data / not checkable) | "
        + " | ".join(str(vs[k].uncovered) for k in cols)
        + " |",
        "| graded anyway where not covered | "
        + " | ".join(str(vs[k].graded_uncovered) for k in cols)
        + " |",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    from tests.claims.real.corpus import load_split, texts_present

    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument(
        "--errors",
        action="store_true",
        help="list dev, dev2, dev3 and dev4 errors (never held-out, held-out 2 or held-out 3)",
    )
    ap.add_argument(
        "--verdicts",
        action="store_true",
        help="also check the matched claims against the data bundle (BILAT_BUNDLE) and score the "
        "verdicts against gold worked out from its raw file",
    )
    ap.add_argument(
        "--splits",
        default=",".join(SPLITS),
        help="comma-separated splits to score (default: all seven)",
    )
    args = ap.parse_args(argv)
    splits = tuple(s for s in args.splits.split(",") if s)
    ids = frozenset(k for k, v in load_split().items() if v in splits)
    if not texts_present(ids=ids):
        raise SystemExit(
            f"the article texts of {', '.join(splits)} are not all restored (they are not "
            "committed): see tests/claims/real/ANNOTATION.md, 'The texts are not in the repository'"
        )
    scores = run(splits)
    print("## Claim extraction on real articles (tests/claims/real)\n")
    print(report(scores))
    verdicts = None
    if args.verdicts:
        from bilat.settings import bundle_path

        bundle = bundle_path()
        if not (bundle / "flows/penppml/trade.csv.gz").exists():
            raise SystemExit(
                f"--verdicts needs the data bundle (BILAT_BUNDLE); not found at {bundle}"
            )
        verdicts = score_verdicts(scores, bundle)
        print("\n## Verdicts against the bundle (penppml totals, every 4th year to 2016)\n")
        print(verdict_report(verdicts))
    if args.errors:
        for k in scores:
            if k not in HELD_OUT:
                print(f"\n## {k} errors\n")
                print("\n".join(scores[k].errors))
                if verdicts and k in verdicts:
                    print("\n".join(verdicts[k].misses))


if __name__ == "__main__":
    main()
