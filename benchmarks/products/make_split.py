"""Assign each phrase of a phrases file to its tuning or held-out split (run once, before tuning).

The split is a seeded shuffle of the phrases in file order: half of them (rounded down) go to
the held-out split. Running it again gives the same split; the seed is written into the file's
header comment so that the file alone says how it was made. Tuning of the common-names table
and of the scorer looks only at the tuning splits; held-out splits are reported, never tuned on.

    python benchmarks/products/make_split.py                 # phrases.csv: dev / heldout
    python benchmarks/products/make_split.py phrases_round8.csv   # dev4 / heldout2
"""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

HERE = Path(__file__).parent
# file -> (seed, held-out split, tuning split, what the header says about when it was made)
PLANS = {
    "phrases.csv": (22, "heldout", "dev", "made before tuning"),  # issue 22
    "phrases_round8.csv": (
        2208,  # issue 22, round 8
        "heldout2",
        "dev4",
        "made after annotation (ANNOTATION.md) and before search was run on these phrases",
    ),
}


def split(name: str) -> None:
    seed, held_name, dev_name, when = PLANS[name]
    path = HERE / name
    lines = path.read_text(encoding="utf-8").splitlines()
    body = [ln for ln in lines if not ln.startswith("#")]
    rows = list(csv.DictReader(body))
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    held = set(order[: len(rows) // 2])
    with path.open("w", newline="", encoding="utf-8") as f:
        f.write(
            f"# split: random.Random({seed}).shuffle of row indices; first {len(held)} -> "
            f"{held_name} (benchmarks/products/make_split.py), {when}\n"
        )
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["phrase", "codes", "source", "split"])
        for i, r in enumerate(rows):
            w.writerow([r["phrase"], r["codes"], r["source"], held_name if i in held else dev_name])


def main() -> None:
    split(sys.argv[1] if len(sys.argv) > 1 else "phrases.csv")


if __name__ == "__main__":
    main()
