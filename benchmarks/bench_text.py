"""The report's text: render time before (pandas-free Rich tables of raw digits, the renderer
of main before issue 19, read from git) and after (summary + fitted tables, numbers in words),
side by side on one profile, alternating, median of N.

    .venv/bin/python benchmarks/bench_text.py [--store S] [--runs 9] [--before REV]

The store defaults to one built from the bundle in BENCH_DIR (default /tmp/bilat-bench);
the profile (ledger queries) is built once and is not timed: only rendering is.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import time
import types
from pathlib import Path

from bilat.report import Target, formats, profile
from bilat.settings import bundle_path
from bilat.store import Store


def old_renderer(rev: str) -> types.ModuleType:
    """``report/formats.py`` as it was at ``rev``, loaded as a module of its own."""
    root = Path(__file__).parents[1]
    src = subprocess.run(
        ["git", "-C", str(root), "show", f"{rev}:src/bilat/report/formats.py"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    mod = types.ModuleType("bilat_report_formats_before")
    exec(compile(src, f"{rev}:formats.py", "exec"), mod.__dict__)
    return mod


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", type=Path)
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--before", default="4051cc2", help="git revision of the old renderer")
    args = ap.parse_args()
    store_dir = args.store
    if store_dir is None:
        store_dir = Path(os.environ.get("BENCH_DIR", "/tmp/bilat-bench")) / "text-store"
        if not (store_dir / "manifest.json").exists():
            Store(store_dir).ingest_folder(bundle_path())
    p = profile(
        Store(store_dir), "RUS", "KOR", years=range(1996, 2017), target=Target(30e9, 2020, 2016)
    )
    before = old_renderer(args.before)
    times: dict[str, list[float]] = {"before": [], "after": []}
    for _ in range(args.runs):
        for name, render in (
            ("before", lambda: before.to_text(p)),
            ("after", lambda: formats.to_text(p, 100)),
        ):
            t0 = time.perf_counter()
            text = render()
            times[name].append(time.perf_counter() - t0)
            widest = max(len(line) for line in text.splitlines())
            lines = len(text.splitlines())
    for name, ts in times.items():
        print(f"{name:6}: median {statistics.median(ts) * 1000:.0f} ms (min {min(ts) * 1000:.0f})")
    text_before, text_after = before.to_text(p), formats.to_text(p, 100)
    for name, text in (("before", text_before), ("after", text_after)):
        widest = max(len(line) for line in text.splitlines())
        lines = len(text.splitlines())
        print(f"{name:6}: {lines} lines, widest {widest} characters")


if __name__ == "__main__":
    main()
