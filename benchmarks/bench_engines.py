"""``bilat report`` for one pair on DuckDB and on Spark local mode, side by side, on one store.

    python benchmarks/bench_engines.py STORE [--pair RUS KOR] [--repeat 2] [--master local[2]]

Each engine runs in its own subprocess: open the store on that engine, build the full profile
(flows, growth, ranks, composition, sectors, indices, mirror, target: what ``bilat report``
builds) and render it as JSON, ``--repeat`` times. The parent samples the resident memory of
the subprocess and all its descendants (Spark's JVM is a child of the Python driver) every
50 ms and reports the peak, split into Python and JVM. The two engines' JSON reports are
compared, figures rounded to 9 significant digits. Then, from the memory measured per row,
the size at which each engine's run would stop fitting in 24 GiB is estimated.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

GIB = 1024**3
BUDGET = 24 * GIB


def _child(engine: str, store: str, a: str, b: str, repeat: int, master: str, mem: str) -> None:
    """Run in the subprocess: time the report on one engine and print one JSON line."""
    t0 = time.perf_counter()
    from bilat.report import profile, render
    from bilat.store import Store

    if engine == "spark":
        from bilat.store.engines.spark import spark_session

        # the driver is the only executor in local mode: give it the memory
        spark_session(master, app_name="bilat-bench", conf={"spark.driver.memory": mem})
    s = Store(store, engine=engine)  # Spark: the session above (getOrCreate finds it)
    manifest = s.manifest
    rows = sum(p.rows for p in manifest.partitions.values() if p.table == "flows")
    s.table("flows")  # opens the engine (DuckDB views, or Spark session and views)
    start = time.perf_counter() - t0
    times, text = [], ""
    for _ in range(repeat):
        t = time.perf_counter()
        text = render(profile(s, a, b), "json")
        times.append(time.perf_counter() - t)
    doc = json.loads(text)
    print(
        json.dumps(
            {
                "engine": engine,
                "rows": rows,
                "start_s": start,
                "times_s": times,
                "digest": _digest(doc),
                "turnover": _last_turnover(doc),
            }
        ),
        flush=True,
    )


def _round(x: object) -> object:
    if isinstance(x, float):
        return float(f"{x:.9g}") if math.isfinite(x) else str(x)
    if isinstance(x, dict):
        return {k: _round(v) for k, v in x.items() if k not in ("generated", "elapsed")}
    if isinstance(x, list):
        return [_round(v) for v in x]
    return x


def _digest(doc: dict) -> str:
    import hashlib

    return hashlib.sha256(json.dumps(_round(doc), sort_keys=True).encode()).hexdigest()[:16]


def _last_turnover(doc: dict) -> float | None:
    try:
        rows = doc["flows"]["rows"]
        return float(max(rows, key=lambda r: r["year"])["turnover"])
    except (KeyError, ValueError, TypeError):
        return None


def _run(engine: str, args: argparse.Namespace) -> dict:
    """Start the child, sample its process tree's memory, return its result and peaks."""
    import psutil

    cmd = [sys.executable, __file__, "--child", engine, str(args.store), *args.pair]
    cmd += ["--repeat", str(args.repeat), "--master", args.master, "--driver-memory", args.mem]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    root = psutil.Process(proc.pid)
    peak = peak_py = peak_jvm = 0
    while proc.poll() is None:
        try:
            procs = [root, *root.children(recursive=True)]
            rss = {p.pid: (p.name(), p.memory_info().rss) for p in procs}
        except psutil.Error:
            rss = {}
        jvm = sum(r for n, r in rss.values() if n == "java")
        total = sum(r for _, r in rss.values())
        peak, peak_jvm, peak_py = max(peak, total), max(peak_jvm, jvm), max(peak_py, total - jvm)
        time.sleep(0.05)
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{engine} run failed:\n{err[-3000:]}")
    res = json.loads(out.strip().splitlines()[-1])
    res.update(wall_s=wall, peak_mb=peak / 2**20, py_mb=peak_py / 2**20, jvm_mb=peak_jvm / 2**20)
    return res


def _table(store: Path, results: list[dict], pair: list[str]) -> None:
    rows = results[0]["rows"]
    load = os.getloadavg()[0]
    print(f"\n{store}: {rows:,} flow rows; pair {'–'.join(pair)}; load {load:.1f}\n")
    print(
        "| engine | start (s) | report, first (s) | report, again (s) | wall (s) "
        "| peak RSS (MB) | of which Python / JVM | same numbers |"
    )
    print("|---|---:|---:|---:|---:|---:|---|---|")
    ref = results[0]["digest"]
    for r in results:
        t = r["times_s"]
        again = f"{min(t[1:]):.2f}" if len(t) > 1 else "–"
        print(
            f"| {r['engine']} | {r['start_s']:.2f} | {t[0]:.2f} | {again} | {r['wall_s']:.1f} "
            f"| {r['peak_mb']:,.0f} | {r['py_mb']:,.0f} / {r['jvm_mb']:,.0f} "
            f"| {'yes' if r['digest'] == ref else 'NO'} |"
        )
    # A figure the child could not read is shown as missing, never as 0.
    shown = ["n/a" if r["turnover"] is None else f"{r['turnover']:,.0f}" for r in results]
    print(f"\nlatest-year turnover (USD): {shown}", flush=True)


def _fit_24gib(by_engine: dict[str, list[tuple[int, float]]]) -> None:
    """Peak memory as base + slope × rows through the measured stores; rows at 24 GiB."""
    print("\nwhere each stops fitting in 24 GiB (peak = base + slope × rows, fitted):")
    for engine, points in by_engine.items():
        points = sorted(points)
        if len(points) < 2:
            print(f"  {engine}: one store size only; give two stores to fit")
            continue
        (r0, m0), (r1, m1) = points[0], points[-1]
        slope = (m1 - m0) / (r1 - r0)  # MB per row
        base = m0 - slope * r0
        line = (
            f"  {engine}: ({m1:,.0f} − {m0:,.0f}) MB / ({r1:,} − {r0:,}) rows = "
            f"{slope * 1e6:,.2f} MB per million rows; base {base:,.0f} MB"
        )
        if slope <= 0:
            print(line + " → no measurable growth with store size (limit set by other things)")
        else:
            limit = (BUDGET / 2**20 - base) / slope
            print(line + f" → (24,576 − {base:,.0f}) / slope = {limit / 1e9:,.1f} bn rows")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stores", type=Path, nargs="+", help="store folders (gen_store.py)")
    parser.add_argument("--pair", nargs=2, default=["RUS", "KOR"], metavar=("A", "B"))
    parser.add_argument("--repeat", type=int, default=2, help="reports per engine (2)")
    parser.add_argument("--master", default=os.environ.get("BILAT_SPARK_MASTER", "local[2]"))
    parser.add_argument("--driver-memory", dest="mem", default="4g", help="Spark driver (4g)")
    parser.add_argument("--engines", nargs="+", default=["duckdb", "spark"])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, str(args.stores[0]), *args.pair, args.repeat, args.master, args.mem)
        return
    by_engine: dict[str, list[tuple[int, float]]] = {e: [] for e in args.engines}
    for store in args.stores:
        args.store = store
        results = [_run(e, args) for e in args.engines]
        _table(store, results, args.pair)
        for r in results:
            by_engine[r["engine"]].append((r["rows"], r["peak_mb"]))
    _fit_24gib(by_engine)


if __name__ == "__main__":
    main()
