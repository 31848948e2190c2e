"""Score extracted claims against hand-annotated gold: detection precision/recall/F1, slot accuracy.

Gold format: see ``tests/claims/corpus/README.md``. A predicted claim matches a gold claim when its
sentence span contains the gold anchor; among several candidates the one agreeing on most slots
wins.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from bilat.claims.model import Claim
from bilat.claims.periods import canonical_period

__all__ = [
    "SLOTS",
    "CorpusScore",
    "GoldClaim",
    "GoldText",
    "load_corpus",
    "match",
    "score",
    "slot_equal",
]

SLOTS: tuple[str, ...] = ("kind", "economies", "flow", "period", "value", "unit", "base", "product")


@dataclass(frozen=True)
class GoldClaim:
    """One hand-annotated claim."""

    anchor: str
    kind: str
    economies: tuple[str, ...]
    flow: str
    period: str | None
    value: float
    unit: str
    base: str | None
    product: str | None
    verdict: str | None = None


@dataclass(frozen=True)
class GoldText:
    """A corpus text with its gold claims."""

    name: str
    path: Path
    text: str
    published: str | None
    claims: tuple[GoldClaim, ...]


def load_corpus(folder: str | Path) -> tuple[GoldText, ...]:
    """Every ``NN_name.txt|html`` with its ``NN_name.json`` gold file in ``folder``."""
    folder = Path(folder)
    out = []
    for gold_path in sorted(folder.glob("*.json")):
        texts = [p for p in folder.glob(gold_path.stem + ".*") if p.suffix in {".txt", ".html"}]
        if not texts:
            continue
        g = json.loads(gold_path.read_text("utf-8"))
        claims = tuple(
            GoldClaim(
                anchor=c["anchor"],
                kind=c["kind"],
                economies=tuple(c["economies"]),
                flow=c["flow"],
                period=c["period"],
                value=float(c["value"]),
                unit=c["unit"],
                base=c.get("base"),
                product=c.get("product"),
                verdict=c.get("verdict"),
            )
            for c in g["claims"]
        )
        out.append(
            GoldText(
                gold_path.stem, texts[0], texts[0].read_text("utf-8"), g.get("published"), claims
            )
        )
    return tuple(out)


def slot_equal(slot: str, gold: GoldClaim, pred: Claim) -> bool:
    """Whether one slot of a predicted claim agrees with the gold claim."""
    g, p = getattr(gold, slot), getattr(pred, slot)
    if slot == "economies":
        if gold.flow == "turnover" and gold.kind not in {"rank", "share"}:
            return set(g) == set(p)
        return tuple(g) == tuple(p)
    if slot == "value":
        return math.isclose(float(g), float(p), rel_tol=2e-3, abs_tol=0.01)
    if slot == "product":
        if not g or not p:
            return not g and not p
        g, p = g.lower(), p.lower()
        return g in p or p in g
    if slot in {"period", "base"}:
        # one period, two notations: "2017-H1" is "2017-01/2017-06", "2019-Q1" "2019-01/2019-03"
        return canonical_period(g) == canonical_period(p)
    return g == p


def _agreement(gold: GoldClaim, pred: Claim) -> int:
    return sum(slot_equal(s, gold, pred) for s in SLOTS)


def match(
    text: str, gold: Sequence[GoldClaim], pred: Sequence[Claim]
) -> list[tuple[GoldClaim, Claim | None]]:
    """Pair each gold claim with at most one predicted claim (greedy on slot agreement)."""
    pairs: list[tuple[int, int, int]] = []
    for gi, g in enumerate(gold):
        pos = text.find(g.anchor)
        for pi, p in enumerate(pred):
            if pos >= 0 and p.start <= pos < p.end:
                pairs.append((_agreement(g, p), gi, pi))
    used_g: set[int] = set()
    used_p: set[int] = set()
    best: dict[int, int] = {}
    for _, gi, pi in sorted(pairs, key=lambda t: -t[0]):
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        best[gi] = pi
    return [(g, pred[best[gi]] if gi in best else None) for gi, g in enumerate(gold)]


@dataclass(frozen=True)
class CorpusScore:
    """Detection and slot scores over a corpus; ``rows`` has one row per gold or spurious claim."""

    true_positives: int
    false_positives: int
    false_negatives: int
    slot_correct: dict[str, int]
    rows: tuple[dict[str, object], ...] = field(repr=False)

    @property
    def precision(self) -> float:
        d = self.true_positives + self.false_positives
        return self.true_positives / d if d else 1.0

    @property
    def recall(self) -> float:
        d = self.true_positives + self.false_negatives
        return self.true_positives / d if d else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def slot_accuracy(self) -> float:
        """Share of slots right over matched claims (all slots pooled)."""
        n = self.true_positives * len(SLOTS)
        return sum(self.slot_correct.values()) / n if n else 0.0

    def per_slot(self) -> dict[str, float]:
        """Accuracy of each slot over matched claims."""
        n = self.true_positives
        return {s: (self.slot_correct.get(s, 0) / n if n else 0.0) for s in SLOTS}

    def to_frame(self) -> pd.DataFrame:
        """One row per gold claim (matched or missed) and per spurious prediction."""
        return pd.DataFrame(list(self.rows))

    def __str__(self) -> str:
        slots = ", ".join(f"{k} {v:.3f}" for k, v in self.per_slot().items())
        return (
            f"claims: P {self.precision:.3f} R {self.recall:.3f} F1 {self.f1:.3f} "
            f"(TP {self.true_positives}, FP {self.false_positives}, FN {self.false_negatives}); "
            f"slot accuracy {self.slot_accuracy:.3f} ({slots})"
        )


def score(results: Iterable[tuple[str, str, Sequence[GoldClaim], Sequence[Claim]]]) -> CorpusScore:
    """Score (name, cleaned text, gold, predicted) for each text."""
    tp = fp = fn = 0
    correct = dict.fromkeys(SLOTS, 0)
    rows: list[dict[str, object]] = []
    for name, text, gold, pred in results:
        pairs = match(text, gold, pred)
        matched = {id(p) for _, p in pairs if p is not None}
        for g, p in pairs:
            if p is None:
                fn += 1
                rows.append(
                    {"text": name, "status": "missed", "anchor": g.anchor, "gold": g, "pred": None}
                )
                continue
            tp += 1
            wrong = [s for s in SLOTS if not slot_equal(s, g, p)]
            for s in SLOTS:
                correct[s] += s not in wrong
            rows.append(
                {
                    "text": name,
                    "status": "matched",
                    "anchor": g.anchor,
                    "wrong": wrong,
                    "gold": g,
                    "pred": p,
                }
            )
        for p in pred:
            if id(p) not in matched:
                fp += 1
                rows.append(
                    {
                        "text": name,
                        "status": "spurious",
                        "anchor": p.sentence,
                        "gold": None,
                        "pred": p,
                    }
                )
    return CorpusScore(tp, fp, fn, correct, tuple(rows))
