"""What recording coverage costs at ingestion: ``bilat data add`` of a BACI file, and the part of
it spent deriving the partition's coverage (``bilat.store.coverage.of_files``), side by side.

    python benchmarks/bench_coverage.py FILE [--repeat 3]

FILE is a BACI yearly CSV (``benchmarks/gen_baci.py`` makes one of any size). Each repeat ingests
the file into a new temporary store (the serving copy included, as ``bilat data add`` does), then
times ``of_files`` on the partition it wrote; the ratio is the coverage's share of the ingestion.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bilat.store import Store
from bilat.store import coverage as cov


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    ingest, derive = [], []
    for _ in range(args.repeat):
        root = Path(tempfile.mkdtemp(prefix="bilat-cov-"))
        try:
            store = Store(root / "store")
            t = time.perf_counter()
            store.ingest([args.file])
            ingest.append(time.perf_counter() - t)
            m = store.manifest
            flows = [p for p in m.partitions.values() if p.table == "flows"]
            t = time.perf_counter()
            for p in flows:
                key = p.key
                totals = m.partitions[key.replace("flows/", "pair_totals/", 1)]
                chapters = m.partitions[key.replace("flows/", "pair_chapters/", 1)]
                # as at ingestion: the kinds of product code come from the writer
                kinds = {str(d) for c in p.coverage for d in c["digits"]}
                cov.of_files(
                    store.root / p.file,
                    store.root / totals.file,
                    store.root / chapters.file,
                    kinds,
                )
            derive.append(time.perf_counter() - t)
            rows = sum(p.rows for p in flows)
        finally:
            shutil.rmtree(root, ignore_errors=True)
    i, d = statistics.median(ingest), statistics.median(derive)
    print(f"{rows:,} rows: bilat data add {i:.2f} s (median of {args.repeat}); ")
    print(f"coverage derived from the partition's files {d * 1000:.0f} ms = {d / i:.1%} of it")


if __name__ == "__main__":
    main()
