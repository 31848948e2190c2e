"""Claim checker speed: a 1,000-word article checked in process and by `bilat claims check`.

Run: .venv/bin/python benchmarks/bench_claims_speed.py [--store S]   (needs the data bundle)
Without ``--store`` a store is built from the bundle in a temporary folder (~30 s). The article
is the one of bench_claims.py: about 1,000 words of the team corpus's prose (committed text).

Prints, side by side:
- in process: extraction, the first check against a store (the ledger's queries run), and warm
  checks (the answers cached per data object) — target < 0.5 s;
- new processes of ``bilat claims check``: without the disk cache, with an empty one (first run
  for this store state), and with it filled by an earlier run — target < 1.5 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_claims import article_1000_words

from bilat.settings import bundle_path

PUBLISHED = "2017-06-01"


def _bilat() -> list[str]:
    exe = Path(sys.executable).with_name("bilat")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "bilat.cli.main"]


def _run_cli(article: Path, store: Path, env: dict[str, str]) -> float:
    cmd = [*_bilat(), "claims", "check", str(article), "--store", str(store)]
    cmd += ["--published", PUBLISHED, "--format", "json", "--out", os.devnull]
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, capture_output=True)
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--store", type=Path, help="a store with the bundle (else one is built)")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench-claims-speed-"))
    store = args.store
    if store is None:
        store = tmp / "store"
        subprocess.run(
            [*_bilat(), "data", "bundle", str(bundle_path()), "--store", str(store)],
            check=True,
            capture_output=True,
        )
    text, words = article_1000_words()
    article = tmp / "article.txt"
    article.write_text(text, encoding="utf-8")

    # --- in process (no disk cache: the in-memory cache per data object only) -------------------
    os.environ["BILAT_CLAIMS_CACHE"] = "0"
    from bilat.claims import check, extract
    from bilat.store import Store

    t0 = time.perf_counter()
    n = len(extract(text, PUBLISHED))
    t_extract_first = time.perf_counter() - t0
    t_extract = statistics.median(
        _timed(lambda: extract(text, PUBLISHED)) for _ in range(args.runs)
    )
    data = Store(store)
    t_first = _timed(lambda: check(text, data=data, published=PUBLISHED))
    t_warm = statistics.median(
        _timed(lambda: check(text, data=data, published=PUBLISHED)) for _ in range(args.runs)
    )

    # --- new processes -----------------------------------------------------------------------
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp / "cache")}
    no_cache = [_run_cli(article, store, {**env, "BILAT_CLAIMS_CACHE": "0"})]
    env["BILAT_CLAIMS_CACHE"] = "1"
    cold = _run_cli(article, store, env)
    warm = [_run_cli(article, store, env) for _ in range(args.runs)]
    cli_help = _timed(lambda: subprocess.run([*_bilat(), "--help"], capture_output=True))

    print(f"## Claim checker speed ({words}-word article, {n} claims)\n")
    print("| measure | seconds | target |")
    print("|---|---|---|")
    print(f"| extraction, first call in the process | {t_extract_first:.3f} | |")
    print(f"| extraction, warm (median of {args.runs}) | {t_extract:.3f} | |")
    print(f"| check in process, first against the store (ledger queries) | {t_first:.2f} | |")
    print(f"| check in process, warm (median of {args.runs}) | {t_warm:.3f} | < 0.5 |")
    print(f"| `bilat --help` (start-up alone) | {cli_help:.2f} | |")
    print(f"| `bilat claims check`, new process, no disk cache | {no_cache[0]:.2f} | |")
    print(f"| `bilat claims check`, new process, first for this store state | {cold:.2f} | |")
    print(
        f"| `bilat claims check`, new process, answers cached (median of {args.runs}) "
        f"| {statistics.median(warm):.2f} | < 1.5 |"
    )


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
