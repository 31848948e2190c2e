"""Time the HS6 export-opportunity ranking of one pair on a store (target: < 2 s warm).

    python benchmarks/bench_opportunities.py STORE [--exporter KOR] [--market RUS] [--year Y]
        [--level hs6] [--repeat 5]

STORE is a bilat store folder, e.g. one built from ``gen_baci.py`` output (BACI-scale, HS6).
"Cold" is the first call on a fresh Store object (the DuckDB views are opened and the Parquet
metadata read); "warm" is the best of ``--repeat`` further calls on the same Store.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bilat.opportunities import opportunities
from bilat.store import Store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path, help="store folder")
    parser.add_argument("--exporter", default="KOR")
    parser.add_argument("--market", default="RUS")
    parser.add_argument("--year", type=int, default=None)
    parser.add_argument("--level", default="hs6", choices=["hs2", "hs4", "hs6"])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    store = Store(args.store)
    flows = store.table("flows")
    n_rows = int(flows.count().execute())

    def run():
        return opportunities(store, args.exporter, args.market, year=args.year, level=args.level)

    started = time.perf_counter()
    result = run()
    cold = time.perf_counter() - started
    warm = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        run()
        warm.append(time.perf_counter() - started)
    print(repr(result))
    print(f"store: {args.store} ({n_rows:,} flow rows)")
    print(
        f"{args.exporter} in {args.market}, {result.year}, HS{result.digits}: "
        f"{len(result.table):,} products, {len(result.ranked):,} ranked"
    )
    median = sorted(warm)[len(warm) // 2]
    print(f"cold {cold:.2f} s; warm best {min(warm):.2f} s, median {median:.2f} s")
    print(result.summary(10))


if __name__ == "__main__":
    main()
