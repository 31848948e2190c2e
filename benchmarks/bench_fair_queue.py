"""The service under the load of issue 20: ledger reads while long claim checks run, and idle
sockets held open.

Starts ``bilat serve`` over a store built from the data bundle (or ``--store``), sends
``--articles`` concurrent claim checks of ``--kb`` KB each, and meanwhile asks for the flows of
``--pairs`` pairs none of which is cached; reports each flows answer's latency, the claim
checks' statuses, then opens ``--idle`` sockets that send nothing (half send half a request)
and counts how many the server has closed ``REQUEST_TIMEOUT`` + 2 s later.

    .venv/bin/python benchmarks/bench_fair_queue.py --store /tmp/store
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PAIRS = [
    ("RUS", "KOR"), ("KOR", "CHN"), ("USA", "DEU"), ("JPN", "KOR"), ("FRA", "ITA"),
    ("BRA", "ARG"), ("IND", "CHN"), ("CAN", "USA"), ("RUS", "DEU"), ("KOR", "VNM"),
]  # fmt: skip
SENTENCE = (
    "In 2016 Russia's exports to South Korea reached $10.6 billion, while imports from Korea "
    "were $4.8 billion, so turnover was about $15 billion. "
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path)
    ap.add_argument("--articles", type=int, default=6)
    ap.add_argument("--kb", type=int, default=150)
    ap.add_argument("--pairs", type=int, default=10)
    ap.add_argument("--idle", type=int, default=100)
    args = ap.parse_args()
    import httpx

    try:
        from bilat.api.server import REQUEST_TIMEOUT
    except ImportError:  # a bilat from before issue 20: no deadline for slow clients
        REQUEST_TIMEOUT = 30.0

    store = args.store
    if store is None:
        from bilat.settings import bundle_path
        from bilat.store import Store

        store = Path(tempfile.mkdtemp()) / "store"
        Store(store).ingest_folder(bundle_path())
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "bilat.cli", "serve", "--port", str(port), "--store", str(store)],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{base}/api/health", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        text = SENTENCE * (args.kb * 1024 // len(SENTENCE))
        asyncio.run(_load(base, text, args))
        if args.idle:
            _idle(port, args.idle, REQUEST_TIMEOUT)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


async def _load(base: str, text: str, args: argparse.Namespace) -> None:
    import httpx

    async with httpx.AsyncClient(timeout=300) as client:
        started = time.monotonic()
        claims = [
            # distinct texts: the answer cache would otherwise check one and share it
            asyncio.ensure_future(
                client.post(f"{base}/api/claims/check", json={"text": f"{text} Article {n}."})
            )
            for n in range(args.articles)
        ]
        await asyncio.sleep(1.0)  # the claim checks are running or queued
        waits = []
        for a, b in PAIRS[: args.pairs]:
            t0 = time.monotonic()
            r = await client.get(f"{base}/api/flows", params={"a": a, "b": b, "year": 2016})
            waits.append(time.monotonic() - t0)
            print(f"flows {a}-{b} 2016: {r.status_code} in {waits[-1]:.2f} s", flush=True)
        statuses = [r.status_code for r in await asyncio.gather(*claims)]
        took = time.monotonic() - started
    print(
        f"{args.articles} claim checks of {args.kb} KB: statuses {sorted(statuses)}, all done "
        f"after {took:.1f} s; uncached flows while they ran: median "
        f"{statistics.median(waits):.2f} s, max {max(waits):.2f} s"
    )


def _idle(port: int, n: int, timeout: float) -> None:
    socks = []
    for k in range(n):
        s = socket.create_connection(("127.0.0.1", port))
        if k % 2:
            s.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\n")
        socks.append(s)
    time.sleep(timeout + 2)
    closed = 0
    for s in socks:
        s.settimeout(1.0)
        try:
            data = s.recv(4096)
            closed += data == b"" or data.startswith(b"HTTP/1.1 408")
        except ConnectionResetError:
            closed += 1
        except TimeoutError:
            pass
        s.close()
    print(f"{n} idle or slow sockets: {closed} closed by the server after {timeout + 2:.0f} s")


if __name__ == "__main__":
    main()
