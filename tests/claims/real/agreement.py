"""Agreement between the first annotation pass (articles/) and the second (second/).

Run: python tests/claims/real/agreement.py            (prints the agreement table)
     python tests/claims/real/agreement.py --sample   (prints the seeded sample to re-annotate)

Detection: a claim of one pass matches a claim of the other when their figures' spans overlap in
the stored text (one-to-one, greedy on the number of agreeing slots). Precision/recall treat the
first pass as reference; F1 is symmetric. Slots: for matched pairs, the share on which each slot
agrees (values within 0.2 %; turnover economies as a set).
"""

from __future__ import annotations

import math
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from tests.claims.real.corpus import GoldClaim, load_articles, load_second

SAMPLE_SEED = 18
SAMPLE_SIZE = 12
SLOTS = ("kind", "economies", "flow", "period", "value", "unit", "qualifier", "base", "product")


def sample_ids() -> list[str]:
    """The seeded random sample of article ids for the second pass."""
    ids = sorted(a.id for a in load_articles())
    return sorted(random.Random(SAMPLE_SEED).sample(ids, SAMPLE_SIZE))


def same(slot: str, a: GoldClaim, b: GoldClaim) -> bool:
    """Whether two annotations of one figure agree on a slot."""
    x, y = getattr(a, slot), getattr(b, slot)
    if slot == "value":
        return math.isclose(x, y, rel_tol=2e-3, abs_tol=1e-9)
    if slot == "economies" and a.flow == b.flow == "turnover" and a.kind not in ("rank", "share"):
        return set(x) == set(y)
    return x == y


def _overlap(a: GoldClaim, b: GoldClaim) -> bool:
    return a.value_span[0] < b.value_span[1] and b.value_span[0] < a.value_span[1]


def compare() -> tuple[int, int, int, dict[str, int], list[str]]:
    """(matched, first only, second only, slot agreements, disagreement lines)."""
    first = {a.id: a for a in load_articles()}
    tp = fo = so = 0
    agree = dict.fromkeys(SLOTS, 0)
    lines = []
    for b in load_second():
        a = first[b.id]
        cands = sorted(
            (
                (sum(same(s, x, y) for s in SLOTS), i, j)
                for i, x in enumerate(a.claims)
                for j, y in enumerate(b.claims)
                if _overlap(x, y)
            ),
            reverse=True,
        )
        ui: set[int] = set()
        uj: set[int] = set()
        for _, i, j in cands:
            if i in ui or j in uj:
                continue
            ui.add(i)
            uj.add(j)
            x, y = a.claims[i], b.claims[j]
            for s in SLOTS:
                ok = same(s, x, y)
                agree[s] += ok
                if not ok:
                    lines.append(f"{a.id} {x.value_text!r} {s}: {getattr(x, s)} vs {getattr(y, s)}")
        tp += len(ui)
        fo += len(a.claims) - len(ui)
        so += len(b.claims) - len(uj)
        lines += [
            f"{a.id} first only: {c.value_text!r}" for k, c in enumerate(a.claims) if k not in ui
        ]
        lines += [
            f"{a.id} second only: {c.value_text!r}" for k, c in enumerate(b.claims) if k not in uj
        ]
    return tp, fo, so, agree, lines


def main(argv: list[str]) -> None:
    if "--sample" in argv:
        print(" ".join(sample_ids()))
        return
    tp, fo, so, agree, lines = compare()
    p = tp / (tp + so) if tp + so else 1.0
    r = tp / (tp + fo) if tp + fo else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    n = len(load_second())
    print(f"articles {n}; claims first {tp + fo}, second {tp + so}, matched {tp}")
    print(f"detection: P {p:.3f}  R {r:.3f}  F1 {f1:.3f}  (first pass as reference)")
    print(
        "slot agreement on matched claims: " + ", ".join(f"{s} {agree[s] / tp:.3f}" for s in SLOTS)
    )
    if "-v" in argv:
        print("\n".join(lines))


if __name__ == "__main__":
    main(sys.argv[1:])
