"""The first answer (issue 21 item 1): the first report of a new pair in a new process, and the
first API profile of a new pair on a started app, alternated, medians reported.

    .venv/bin/python benchmarks/bench_first.py STORE [--pairs RUS-KOR,DEU-FRA] [--runs 5]
        [--api DEMO_STORE] [--against /work/main/src]

What each clock includes:
  in-process  a new process imports ``bilat.report`` and ``bilat.store`` (not timed, printed
              apart), opens ``Store(STORE)``; the clock then covers the first pair's
              ``profile(store, a, b)`` and its JSON rendering: opening the DuckDB connection
              (ibis' DuckDB backend is imported then), the source choices, compiling each query
              shape, every query, product names. "new pair" is the next pair in the same
              process (connection and prepared queries kept), "warm" the first pair again.
  wall        `bilat report A B --store STORE --format json` from start to exit, beside
              `python -c "import duckdb, pyarrow"`.
  api         ``TestClient(create_app(DEMO_STORE))`` started and one request answered first
              (``/api/health``: no query); then ``/api/profile?a=A&b=B&year=2016`` of each
              pair in turn, each the first of its pair (the app's answer cache never hit).
CPU seconds (all threads) are printed beside wall seconds: the shared machine's load inflates
them less. With ``--against SRC`` every timing is alternated with the same code from another
checkout's ``src`` (PYTHONPATH), and each pair's profile JSON (and API answer) is compared
between the two, numbers to a relative 1e-9.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BILAT = str(Path(sys.executable).with_name("bilat"))

_IN_PROCESS = r"""
import json, resource, sys, time
def cpu():
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime
t0, c0 = time.perf_counter(), cpu()
import bilat.report, bilat.store
from bilat.report import profile, render
from bilat.store import Store
out = {"imports": [time.perf_counter() - t0, cpu() - c0]}
store = Store(sys.argv[1])
pairs = [p.split("-") for p in sys.argv[2].split(",")]
answers = {}
def timed(label, a, b):
    t, c = time.perf_counter(), cpu()
    answers[f"{a}-{b}"] = json.loads(render(profile(store, a, b), "json"))
    out[label] = [time.perf_counter() - t, cpu() - c]
timed("first", *pairs[0])
for a, b in pairs[1:]:
    timed(f"new pair {a}-{b}", a, b)
timed("warm", *pairs[0])
json.dump(answers, open(sys.argv[3], "w"))
print(json.dumps(out))
"""

_API = r"""
import json, resource, sys, time
def cpu():
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime
import warnings
warnings.simplefilter("ignore")
from fastapi.testclient import TestClient
from bilat.api.app import create_app
client = TestClient(create_app(sys.argv[1]))
client.get("/api/health")
out, answers = {}, {}
for pair in sys.argv[2].split(","):
    a, b = pair.split("-")
    t, c = time.perf_counter(), cpu()
    r = client.get("/api/profile", params={"a": a, "b": b, "year": 2016})
    out[pair] = [time.perf_counter() - t, cpu() - c]
    assert r.status_code == 200, r.text
    answers[pair] = r.json()
json.dump(answers, open(sys.argv[3], "w"))
print(json.dumps(out))
"""


def _env(src: str | None) -> dict[str, str]:
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = src
    return env


def _child(code: str, args: list[str], src: str | None) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=_env(src),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def _wall(cmd: list[str], src: str | None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=_env(src), stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def _same(x: object, y: object, path: str = "") -> list[str]:
    """Where two JSON answers differ (numbers to a relative 1e-9)."""
    if isinstance(x, dict) and isinstance(y, dict):
        if set(x) != set(y):
            return [f"{path}: keys {sorted(set(x) ^ set(y))[:5]}"]
        return [d for k in x for d in _same(x[k], y[k], f"{path}/{k}")]
    if isinstance(x, list) and isinstance(y, list):
        if len(x) != len(y):
            return [f"{path}: {len(x)} against {len(y)} items"]
        return [d for i, (p, q) in enumerate(zip(x, y, strict=True)) for d in _same(p, q, path)]
    numbers = (int, float)
    if isinstance(x, numbers) and isinstance(y, numbers) and not isinstance(x, bool):
        close = x == y or abs(x - y) <= 1e-9 * max(abs(x), abs(y))
        return [] if close else [f"{path}: {x!r} against {y!r}"]
    return [] if x == y else [f"{path}: {x!r} against {y!r}"]


def _median(runs: list[dict], key: str) -> tuple[float, float]:
    return (
        statistics.median(r[key][0] for r in runs),
        statistics.median(r[key][1] for r in runs),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path, help="a store (e.g. the 50M rows of gen_store.py)")
    parser.add_argument("--pairs", default="RUS-KOR,DEU-FRA,USA-BRA", help="A-B,C-D,…")
    parser.add_argument("--runs", type=int, default=5, help="new processes per variant")
    parser.add_argument("--api", type=Path, help="a demo store for the API's first profiles")
    parser.add_argument("--against", help="another checkout's src, alternated and compared")
    args = parser.parse_args()
    variants: dict[str, str | None] = {"this": None}
    if args.against:
        variants["against"] = args.against
    tmp = Path(tempfile.mkdtemp(prefix="bench-first-"))
    print(
        f"{args.store}: pairs {args.pairs}, {args.runs} runs, {os.cpu_count()} CPUs, "
        f"load {os.getloadavg()[0]:.1f}"
    )
    runs: dict[str, list[dict]] = {v: [] for v in variants}
    api: dict[str, list[dict]] = {v: [] for v in variants}
    walls: dict[str, list[float]] = {v: [] for v in [*variants, "bare import"]}
    a, b = args.pairs.split(",")[0].split("-")
    report = [BILAT, "report", a, b, "--store", str(args.store), "--format", "json"]
    for i in range(args.runs):
        for v, src in variants.items():
            runs[v].append(
                _child(_IN_PROCESS, [str(args.store), args.pairs, str(tmp / f"{v}.json")], src)
            )
            walls[v].append(_wall(report, src))
            if args.api:
                api[v].append(
                    _child(_API, [str(args.api), args.pairs, str(tmp / f"api-{v}.json")], src)
                )
        walls["bare import"].append(_wall([sys.executable, "-c", "import duckdb, pyarrow"], None))
        print(f"  round {i + 1} done (load {os.getloadavg()[0]:.1f})", flush=True)
    print("\nmedians, seconds wall / CPU:")
    for v in variants:
        keys = [k for k in runs[v][0] if k != "imports"]
        parts = [f"{k} {w:.3f} / {c:.3f}" for k in keys for w, c in [_median(runs[v], k)]]
        imp = _median(runs[v], "imports")
        print(f"  {v} in-process: imports (not in the clock) {imp[0]:.3f} / {imp[1]:.3f}; "
              + "; ".join(parts))  # fmt: skip
        print(f"  {v} `bilat report {a} {b} --format json`: {statistics.median(walls[v]):.3f} s")
        if args.api:
            parts = [f"{k} {w:.3f} / {c:.3f}" for k in api[v][0] for w, c in [_median(api[v], k)]]
            print(f"  {v} API first profile of each pair: " + "; ".join(parts))
    print(f"  python -c 'import duckdb, pyarrow': {statistics.median(walls['bare import']):.3f} s")
    if args.against:
        for name in ("", "api-"):
            if name and not args.api:
                continue
            mine = json.loads((tmp / f"{name}this.json").read_text())
            other = json.loads((tmp / f"{name}against.json").read_text())
            diffs = _same(mine, other)
            what = "API answers" if name else "profile JSON"
            print(f"{what} of {', '.join(mine)}: " + ("same (1e-9)" if not diffs else "DIFFER"))
            for d in diffs[:10]:
                print("   ", d)


if __name__ == "__main__":
    main()
