"""Load test of ``bilat serve``: N concurrent clients ask for profiles of random pairs.

Starts ``bilat serve`` on 127.0.0.1 (a free port) over a store built from the data bundle, then
runs ``--clients`` async httpx clients for ``--duration`` seconds, each asking
``GET /api/profile?a=…&b=…&year=…`` for a random ordered pair of ``--economies`` and a random
year. Reports throughput, p50/p99 latency and errors (there must be none). Loopback only;
bounded in time (duration + a drain limit) and in count (``--max-requests``).

    .venv/bin/python benchmarks/bench_serve.py                   # builds a store (~15 s)
    .venv/bin/python benchmarks/bench_serve.py --store /tmp/store --duration 60 --clients 50
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Economies with totals in the bundle's all-pairs source (penppml). A cold profile costs
# seconds (about 15 ledger queries), so the default mix is a dashboard's: the worked example's
# neighbourhood in 2016, 30 ordered pairs, which the answer cache learns during the run.
ECONOMIES = ("RUS", "KOR", "CHN", "USA", "DEU", "JPN")
YEARS = (2016,)


def build_store(folder: Path) -> Path:
    """A store with the bundle ingested (as ``bilat data bundle``)."""
    from bilat.settings import bundle_path
    from bilat.store import Store

    Store(folder).ingest_folder(bundle_path())
    return folder


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(store: Path, port: int, timeout: float) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "bilat.cli", "serve", "--host", "127.0.0.1"]
    cmd += ["--port", str(port), "--store", str(store), "--timeout", str(timeout)]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


async def wait_ready(base: str, proc: subprocess.Popen, limit: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + limit
    async with httpx.AsyncClient() as c:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise SystemExit(f"server exited: {proc.stderr.read().decode()[-2000:]}")
            try:
                if (await c.get(base + "/api/health")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise SystemExit("server did not start")


async def client(base: str, stop: float, rng: random.Random, out: dict, budget: list[int]) -> None:
    import httpx

    async with httpx.AsyncClient(timeout=httpx.Timeout(180.0)) as c:
        while time.monotonic() < stop and budget[0] > 0:
            budget[0] -= 1
            a, b = rng.sample(out["economies"], 2)
            params = {"a": a, "b": b, "year": rng.choice(out["years"])}
            t0 = time.perf_counter()
            try:
                r = await c.get(base + "/api/profile", params=params)
                status = r.status_code
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            out["latency"].append(time.perf_counter() - t0)
            out["status"][status] = out["status"].get(status, 0) + 1


async def load(
    base: str, clients: int, duration: float, seed: int, max_requests: int, mix: tuple
) -> dict:
    out: dict = {"latency": [], "status": {}, "economies": mix[0], "years": mix[1]}
    budget = [max_requests]
    t0 = time.monotonic()
    stop = t0 + duration
    tasks = [client(base, stop, random.Random(seed + i), out, budget) for i in range(clients)]
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=duration + 300)
    out["elapsed"] = time.monotonic() - t0
    return out


async def warm(base: str, economies: list[str], years: list[int], concurrency: int = 2) -> float:
    """Ask every question of the mix once (cold: the ledger computes); seconds taken."""
    import httpx

    questions = [(a, b, y) for a in economies for b in economies if a != b for y in years]
    slots = asyncio.Semaphore(concurrency)
    t0 = time.monotonic()
    async with httpx.AsyncClient(timeout=httpx.Timeout(300.0)) as c:

        async def one(q: tuple) -> None:
            async with slots:
                r = await c.get(base + "/api/profile", params={"a": q[0], "b": q[1], "year": q[2]})
                r.raise_for_status()

        await asyncio.gather(*(one(q) for q in questions))
    return time.monotonic() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, help="existing store (default: build from the bundle)")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--duration", type=float, default=60.0)
    ap.add_argument("--max-requests", type=int, default=100_000)
    ap.add_argument("--timeout", type=float, default=120.0, help="server query timeout (s)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--no-warmup", action="store_true", help="skip asking each question once before timing"
    )
    ap.add_argument("--economies", default=",".join(ECONOMIES), help="ISO3 codes, comma-separated")
    ap.add_argument("--years", default=",".join(map(str, YEARS)), help="years, comma-separated")
    args = ap.parse_args()
    economies = [e.strip() for e in args.economies.split(",") if e.strip()]
    years = [int(y) for y in args.years.split(",")]

    with tempfile.TemporaryDirectory(prefix="bilat-bench-serve-") as tmp:
        store = args.store or build_store(Path(tmp) / "store")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        proc = start_server(store, port, args.timeout)
        try:
            asyncio.run(wait_ready(base, proc))
            warm_s = None if args.no_warmup else asyncio.run(warm(base, economies, years))
            res = asyncio.run(
                load(
                    base,
                    args.clients,
                    args.duration,
                    args.seed,
                    args.max_requests,
                    (economies, years),
                )
            )
            import httpx

            health = httpx.get(base + "/api/health").json()
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:  # queued queries keep it busy: stop it outright
                proc.kill()
                proc.wait(timeout=15)

    lat = sorted(res["latency"])
    n = len(lat)
    errors = sum(v for k, v in res["status"].items() if k != 200)
    pairs = len(economies) * (len(economies) - 1) * len(years)
    report = {
        "clients": args.clients,
        "duration_s": round(res["elapsed"], 1),
        "requests": n,
        "throughput_rps": round(n / res["elapsed"], 2),
        "p50_ms": round(1000 * statistics.median(lat), 1) if n else None,
        "p99_ms": round(1000 * lat[min(n - 1, int(0.99 * n))], 1) if n else None,
        "max_ms": round(1000 * lat[-1], 1) if n else None,
        "errors": errors,
        "status": {str(k): v for k, v in res["status"].items()},
        "distinct_questions": pairs,
        "warmup_s": None if warm_s is None else round(warm_s, 1),
        "cold_profile_s": None if warm_s is None else round(2 * warm_s / pairs, 2),
        "cache_misses": health["cache_misses"],
        "cache_hits": health["cache_hits"],
    }
    print(json.dumps(report, indent=2))
    if errors:
        raise SystemExit(f"{errors} errors")


if __name__ == "__main__":
    main()
