"""Speed at the prompt (issues 19 item 6, 21 item 3): bilat commands in a new process against
the bare imports or the bare library call they wrap, alternated, medians reported.

    .venv/bin/python benchmarks/bench_startup.py [--store S] [--runs 7] [--gravity]

Cases (each run is a new process; the OS file cache is warm, as at a prompt):
  help     `bilat --help`                                vs `python -c "import duckdb, pyarrow"`
  flows    `bilat flows RUS KOR --year 2016 --store S`   vs the same bare import
  gravity  `bilat gravity estimate agtpa… --every 4`     vs a new process that reads the same
           CSV, keeps every 4th year, builds the same fixed-effect identifiers and calls
           `pyfixest.fepois` with the same formula and clustering (--gravity; ~1 min a run)

The store defaults to BENCH_DIR/demo-store, built with `bilat data bundle` when missing (the
demo's store: every file of the bundle).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BILAT = str(Path(sys.executable).with_name("bilat"))
BUNDLE = Path(os.environ.get("BILAT_BUNDLE", ROOT.parent / "shared" / "data"))
PANEL = BUNDLE / "gravity" / "advanced_guide" / "agtpa_applications.csv.gz"

BARE_IMPORT = [sys.executable, "-c", "import duckdb, pyarrow"]

# The bare PPML: what `bilat gravity estimate PANEL --every 4` computes, written directly.
BARE_PPML = f"""
import pandas as pd, pyfixest as pf
df = pd.read_csv({str(PANEL)!r})
years = sorted(df.year.unique())
df = df[df.year.isin(years[::4])].reset_index(drop=True)
df["exp_year"] = df.exporter.astype(str) + "_" + df.year.astype(str)
df["imp_year"] = df.importer.astype(str) + "_" + df.year.astype(str)
lo = df[["exporter", "importer"]].min(axis=1)
hi = df[["exporter", "importer"]].max(axis=1)
df["pair"] = lo + "_" + hi
fit = pf.fepois("trade ~ rta | exp_year + imp_year + pair", data=df,
                vcov={{"CRV1": "pair_id"}}, copy_data=False)
print(fit.tidy())
"""


def wall(cmd: list[str]) -> float:
    """Seconds from start to exit of one new process (its output discarded)."""
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def side_by_side(name: str, ours: list[str], ref: list[str], runs: int) -> dict[str, float]:
    """Alternate the two commands ``runs`` times (after one untimed run of each)."""
    wall(ours), wall(ref)
    a, b = [], []
    for _ in range(runs):
        a.append(wall(ours))
        b.append(wall(ref))
    ma, mb = statistics.median(a), statistics.median(b)
    print(
        f"{name:8} bilat median {ma:6.3f} s (min {min(a):.3f}, max {max(a):.3f})   "
        f"reference median {mb:6.3f} s (min {min(b):.3f}, max {max(b):.3f})   "
        f"ratio {ma / mb:.2f}×",
        flush=True,
    )
    return {"bilat": ma, "reference": mb, "ratio": ma / mb}


def demo_store(path: Path) -> Path:
    if not (path / "manifest.json").exists():
        print(f"building the demo store at {path} (bilat data bundle, ~30 s)", flush=True)
        subprocess.run([BILAT, "data", "bundle", str(BUNDLE), "--store", str(path)], check=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    bench_dir = Path(os.environ.get("BENCH_DIR", "/tmp/bilat-bench"))
    parser.add_argument("--store", type=Path, default=bench_dir / "demo-store")
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each side (≥ 5)")
    parser.add_argument("--gravity", action="store_true", help="also the PPML case (slow)")
    args = parser.parse_args()
    runs = max(args.runs, 5)
    load = os.getloadavg()[0]
    print(f"{runs} alternating runs a side, load average {load:.1f}, {os.cpu_count()} cores")
    side_by_side("help", [BILAT, "--help"], BARE_IMPORT, runs)
    store = demo_store(args.store)
    flows = [BILAT, "flows", "RUS", "KOR", "--year", "2016", "--store", str(store)]
    side_by_side("flows", flows, BARE_IMPORT, runs)
    if args.gravity:
        ours = [BILAT, "gravity", "estimate", str(PANEL), "--every", "4"]
        side_by_side("gravity", ours, [sys.executable, "-c", BARE_PPML], runs)


if __name__ == "__main__":
    main()
