"""Full-history scale: `bilat data add` of 30 years × 10M rows of BACI, then reports and Spark.

BACI's full HS6 history is about 30 yearly files of ~10 million rows. This benchmark makes them
one at a time with ``gen_baci.py`` (the CSV is deleted once ingested, so disk holds the store
and one file), and for each year:

- ``bilat data add FILE --store STORE`` in a new process, as the user runs it: wall time, rows/s
  and peak resident memory (``os.wait4``);
- on the first, every 10th and the last year, DuckDB's ``read_csv`` → ``COPY parquet`` of the same
  file in a new process just before, the raw converter's speed on that file at that moment
  (the machine is shared: the two alternate, so both see the same load).

The first years also go into a second, small store for the Spark check. After the last year:
the store's size on disk (Parquet store of record vs everything), the report benchmark
(``bench_report.py``: first report of a pair in a new process, and warm) on the full store, and
``bench_engines.py`` (the full profile on DuckDB and on Spark local mode, compared to 9
significant digits) on the small store. One JSON line per step goes to ``--log``; a summary
table is printed at the end.

    python benchmarks/bench_scale.py --dir /tmp/bilat-bench/scale            # 30 × 10M rows
    python benchmarks/bench_scale.py --dir /tmp/bilat-bench/s --years 3 --rows 1e6   # a try

Budget (measured, see benchmarks/README.md): disk about 8 GB at the end (1.1 GB per 50M rows of
Parquet), one CSV of ~0.3 GB at a time; about 1 h of wall time on 2 shared cores.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIRST_YEAR = 1995


def _run(cmd: list[str], env: dict | None = None) -> str:
    """Run ``cmd`` in a new process to its end; its stdout (stops the benchmark if it fails)."""
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return proc.stdout


def _peak(cmd: list[str], env: dict | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of ``cmd`` run to its end in a new process."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if status:
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        raise SystemExit(f"{' '.join(cmd)} failed (status {status}):\n{err[-2000:]}")
    return wall, usage.ru_maxrss / 1024


_DUCKDB_COPY = """
import sys, duckdb
con = duckdb.connect()
target = sys.argv[2].replace("'", "''")
con.execute(f"COPY (SELECT * FROM read_csv(?, header = true)) TO '{target}' (FORMAT parquet)",
            [sys.argv[1]])
"""


def _du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def _parquet_bytes(store: Path) -> int:
    """Bytes of the store of record (the Parquet files its manifest lists)."""
    sys.path.insert(0, str(HERE.parent / "src"))
    from bilat.store.manifest import load

    m = load(store / "manifest.json")
    return sum((store / p.file).stat().st_size for p in m.partitions.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, required=True, help="work folder (not the repo)")
    parser.add_argument("--years", type=int, default=30, help="yearly files (30)")
    parser.add_argument("--rows", type=float, default=10e6, help="rows per year (10e6)")
    parser.add_argument("--spark-years", type=int, default=3, help="years in the Spark store (3)")
    parser.add_argument("--pair", default="RUS-KOR")
    parser.add_argument("--log", type=Path, help="JSON lines (default DIR/scale.jsonl)")
    parser.add_argument("--no-spark", action="store_true")
    args = parser.parse_args()

    work: Path = args.dir
    store, small = work / "store", work / "store-spark"
    for p in (store, small):
        if p.exists():
            shutil.rmtree(p)
    work.mkdir(parents=True, exist_ok=True)
    log_path = args.log or work / "scale.jsonl"
    log = log_path.open("w")
    bilat = str(Path(sys.executable).with_name("bilat"))
    env = {**os.environ, "BILAT_STORE": str(store)}
    rows = int(args.rows)
    every = {0, args.years - 1} | set(range(0, args.years, 10))

    def emit(rec: dict) -> None:
        log.write(json.dumps(rec) + "\n")
        log.flush()
        print(json.dumps(rec), flush=True)

    adds: list[dict] = []
    for n in range(args.years):
        year = FIRST_YEAR + n
        csv = work / f"BACI_HS92_Y{year}_V202201.csv"
        gen = [sys.executable, str(HERE / "gen_baci.py"), str(csv), "--rows", str(rows)]
        _run([*gen, "--year", str(year), "--seed", str(20220224 + n)])
        rec: dict = {"step": "add", "year": year, "rows": rows}
        if n in every:
            out = work / "duckdb.parquet"
            wall, rss = _peak([sys.executable, "-c", _DUCKDB_COPY, str(csv), str(out)])
            out.unlink(missing_ok=True)
            rec |= {"duckdb_s": round(wall, 3), "duckdb_rss_mb": round(rss)}
        wall, rss = _peak([bilat, "data", "add", str(csv), "--store", str(store)], env)
        rec |= {
            "bilat_s": round(wall, 3),
            "bilat_rows_per_s": round(rows / wall),
            "rss_mb": round(rss),
        }
        if "duckdb_s" in rec:
            rec["ratio_to_duckdb"] = round(rec["duckdb_s"] / wall, 3)
        if n < args.spark_years and not args.no_spark:
            _peak([bilat, "data", "add", str(csv), "--store", str(small)], env)
        csv.unlink()
        rec["store_bytes"] = _du(store)
        adds.append(rec)
        emit(rec)

    parquet, total = _parquet_bytes(store), _du(store)
    emit({"step": "disk", "parquet_bytes": parquet, "store_bytes": total, "ratio": total / parquet})

    cmd = [sys.executable, str(HERE / "bench_report.py"), str(store), "--pair", args.pair]
    out = _run([*cmd, "--ways", "bilat,duckdb", "--repeat", "5"], env)
    emit({"step": "report", "output": out})

    if not args.no_spark:
        cmd = [sys.executable, str(HERE / "bench_engines.py"), str(small)]
        out = _run([*cmd, "--pair", *args.pair.split("-")], env)
        emit({"step": "spark", "output": out})

    first, last = adds[0], adds[-1]
    tail = [a["bilat_rows_per_s"] for a in adds[-5:]]
    print()
    print(f"rows/s, first year (empty store): {first['bilat_rows_per_s']:,}")
    print(
        f"rows/s, median of the last 5 years: {statistics.median(tail):,.0f} "
        f"({statistics.median(tail) / first['bilat_rows_per_s']:.2f} of the first)"
    )
    print(
        f"peak RSS per add: max {max(a['rss_mb'] for a in adds)} MB, "
        f"first {first['rss_mb']} MB, last {last['rss_mb']} MB"
    )
    ratios = [a["ratio_to_duckdb"] for a in adds if "ratio_to_duckdb" in a]
    print(f"bilat / DuckDB COPY speed on the same files: {', '.join(map(str, ratios))}")
    print(
        f"disk: store {total / 1e9:.2f} GB, Parquet store of record {parquet / 1e9:.2f} GB "
        f"({total / parquet:.2f}×)"
    )


if __name__ == "__main__":
    main()
