"""Assign each phrase of ``phrases.csv`` to ``dev`` or ``heldout`` (run once, before any tuning).

The split is a seeded shuffle of the phrases in file order: half of them (rounded down) go to
``heldout``. Running it again gives the same split; the seed is written into the file's header
comment so that the file alone says how it was made. Tuning of the common-names table and of the
scorer looks only at ``dev``; ``heldout`` is reported, never tuned on.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

SEED = 22  # issue 22
HERE = Path(__file__).parent


def main() -> None:
    path = HERE / "phrases.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    body = [ln for ln in lines if not ln.startswith("#")]
    rows = list(csv.DictReader(body))
    order = list(range(len(rows)))
    random.Random(SEED).shuffle(order)
    held = set(order[: len(rows) // 2])
    with path.open("w", newline="", encoding="utf-8") as f:
        f.write(
            f"# split: random.Random({SEED}).shuffle of row indices; first {len(held)} -> heldout "
            "(benchmarks/products/make_split.py), made before tuning\n"
        )
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["phrase", "codes", "source", "split"])
        for i, r in enumerate(rows):
            w.writerow([r["phrase"], r["codes"], r["source"], "heldout" if i in held else "dev"])


if __name__ == "__main__":
    main()
