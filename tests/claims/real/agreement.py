"""Agreement between the first annotation pass (articles/) and the second (second/).

Run: python tests/claims/real/agreement.py            (prints the agreement table)
     python tests/claims/real/agreement.py --sample   (prints the seeded sample to re-annotate)
     python tests/claims/real/agreement.py --pass 4   (the fourth pass's sample only; --pass 1
                                                       the first pass's; -v for each disagreement)

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

from tests.claims.real.corpus import GoldClaim, load_articles, load_second, load_split

SAMPLE_SEED = 18
SAMPLE_SIZE = 12
# the fourth pass (dev4 / heldout3) drew its own sample, from its own pages only
SAMPLE4_SEED = "bilat-claims-real-second-annotator-pass4"
SAMPLE4_SIZE = 6
SLOTS = ("kind", "economies", "flow", "period", "value", "unit", "qualifier", "base", "product")
PASS_SPLITS = {1: ("dev", "heldout"), 4: ("dev4", "heldout3")}


def _pass_ids(n: int) -> list[str]:
    """Article ids of one gathering pass, by their splits (the split file lists every article)."""
    return sorted(k for k, v in load_split().items() if v in PASS_SPLITS[n])


def sample_ids(n: int = 1) -> list[str]:
    """The seeded random sample of article ids for the second pass over gathering pass ``n``.

    Drawn from that pass's articles only, so pages added later do not change it (the first
    pass's sample was drawn from its 67 articles)."""
    if n == 4:
        return sorted(random.Random(SAMPLE4_SEED).sample(_pass_ids(4), SAMPLE4_SIZE))
    return sorted(random.Random(SAMPLE_SEED).sample(_pass_ids(1), SAMPLE_SIZE))


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


def compare(ids: frozenset[str] | None = None) -> tuple[int, int, int, dict[str, int], list[str]]:
    """(matched, first only, second only, slot agreements, disagreement lines), over the
    second pass's articles (or those of them in ``ids``)."""
    first = {a.id: a for a in load_articles()}
    tp = fo = so = 0
    agree = dict.fromkeys(SLOTS, 0)
    lines = []
    for b in load_second():
        if ids is not None and b.id not in ids:
            continue
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
    n_pass = int(argv[argv.index("--pass") + 1]) if "--pass" in argv else None
    if "--sample" in argv:
        print(" ".join(sample_ids(n_pass or 1)))
        return
    ids = frozenset(_pass_ids(n_pass)) if n_pass else None
    tp, fo, so, agree, lines = compare(ids)
    p = tp / (tp + so) if tp + so else 1.0
    r = tp / (tp + fo) if tp + fo else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    n = sum(ids is None or a.id in ids for a in load_second())
    print(f"articles {n}; claims first {tp + fo}, second {tp + so}, matched {tp}")
    print(f"detection: P {p:.3f}  R {r:.3f}  F1 {f1:.3f}  (first pass as reference)")
    print(
        "slot agreement on matched claims: " + ", ".join(f"{s} {agree[s] / tp:.3f}" for s in SLOTS)
    )
    if "-v" in argv:
        print("\n".join(lines))


if __name__ == "__main__":
    main(sys.argv[1:])
