"""The service on bad input and under load (issue 20); every test failed before the fix.

- JSON bodies holding NaN, Infinity, 1e999 or a lone surrogate get a 422 naming the field,
  never a 500, on both POST endpoints; a 422 does not echo a 100 KB query string back.
- Claim checks and ledger reads run in lanes of their own, and time waiting in a lane's queue
  counts against the limit.
- A client that opens a connection and sends its request slowly (or never) is cut off.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from bilat.api import create_app
from bilat.api.context import QueryRunner, QueryTimeout, ReadOnlyStore

BODIES = {
    "/api/claims/check": [
        b'{"text": NaN}',
        b'{"text": "Trade grew 5%.", "published": Infinity}',
        b'{"text": "Trade grew 5%.", "is_html": -Infinity}',
        b'{"text": 1e999}',
        b'{"text": "Trade grew \\ud800 5%."}',
        b'{"text": "ok", "\\udc00": 1}',
    ],
    "/api/scenarios/jobs": [
        b'{"name": "kor_eaeu_fta.toml", "sigma": NaN}',
        b'{"name": "kor_eaeu_fta.toml", "sigma": Infinity}',
        b'{"name": "kor_eaeu_fta.toml", "level": 1e999}',
        b'{"name": "kor_eaeu_fta.toml", "draws": -Infinity}',
        b'{"name": "\\ud800"}',
    ],
}


@pytest.fixture
def client(tmp_path):
    with TestClient(create_app(tmp_path / "store", query_timeout=5)) as c:
        yield c


@pytest.mark.parametrize(("url", "body"), [(u, b) for u, bodies in BODIES.items() for b in bodies])
def test_non_standard_json_gets_422_not_500(client, url, body):
    r = client.post(url, content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422, (r.status_code, r.text[:300])
    detail = r.json()["detail"]  # strict JSON: parses, and names a field
    assert detail and all("loc" in d and "msg" in d for d in detail)
    json.dumps(r.json(), allow_nan=False)


def test_422_does_not_echo_a_huge_query_string(client):
    # 60 KB (httpx refuses longer URLs; the issue measured 100 KB with a raw socket)
    r = client.get("/api/flows", params={"a": "x" * 60_000, "b": "KOR"})
    assert r.status_code == 422
    assert len(r.content) < 2_000
    assert r.json()["detail"][0]["loc"] == ["query", "a"]


def _run(coro):
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(coro)).result()


def test_ledger_reads_do_not_wait_behind_claim_checks(tmp_path):
    runner = QueryRunner(ReadOnlyStore(tmp_path), workers=2, timeout=10)

    async def go() -> float:
        # six slow claim checks (each holds its worker 1.5 s), then one quick ledger read
        claims = [
            asyncio.ensure_future(runner.run(lambda s: time.sleep(1.5), lane="claims"))
            for _ in range(6)
        ]
        await asyncio.sleep(0.1)
        t0 = time.monotonic()
        assert await runner.run(lambda s: 42, lane="ledger") == 42
        took = time.monotonic() - t0
        for c in claims:
            c.cancel()
        await asyncio.gather(*claims, return_exceptions=True)
        return took

    try:
        assert _run(go()) < 1.0  # not behind 6 x 1.5 s of claim checks
    finally:
        runner.shutdown()


def test_time_in_the_queue_counts_against_the_limit(tmp_path):
    runner = QueryRunner(ReadOnlyStore(tmp_path), workers=1, timeout=0.8)

    async def go() -> tuple[float, str]:
        busy = asyncio.ensure_future(runner.run(lambda s: time.sleep(0.7), lane="ledger"))
        await asyncio.sleep(0.05)
        t0 = time.monotonic()
        with pytest.raises(QueryTimeout) as err:
            # would finish in 0.5 s once started; started only after 0.65 s in the queue
            await runner.run(lambda s: time.sleep(0.5), lane="ledger")
        took = time.monotonic() - t0
        await busy
        return took, str(err.value)

    try:
        took, message = _run(go())
    finally:
        runner.shutdown()
    assert took < 1.0  # 0.8 s from arrival, not 0.65 s queued + 0.8 s running
    assert "0.8 s" in message


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_slow_clients_are_cut_off(tmp_path):
    import uvicorn

    from bilat.api.server import config

    port = _free_port()
    server = uvicorn.Server(
        config(create_app(tmp_path / "store"), "127.0.0.1", port, request_timeout=1.0)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    socks = []
    try:
        for n in range(100):
            s = socket.create_connection(("127.0.0.1", port))
            if n % 2:  # half send part of a request line and stop; half send nothing
                s.sendall(b"GET /api/economies HTTP/1.1\r\nHost: x\r\n")
            socks.append(s)
        time.sleep(2.0)
        closed = 0
        for s in socks:
            s.settimeout(2.0)
            try:
                data: bytes | None = s.recv(4096)  # the 408, or b"" once closed
            except ConnectionResetError:
                data = b""
            except TimeoutError:
                data = None  # still open, nothing said: held
            closed += data is not None and (data == b"" or data.startswith(b"HTTP/1.1 408"))
        assert closed == 100
        # a client that sends its request at once is still served
        with socket.create_connection(("127.0.0.1", port)) as ok:
            ok.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            ok.settimeout(5)
            assert ok.recv(4096).startswith(b"HTTP/1.1 ")
    finally:
        for s in socks:
            s.close()
        server.should_exit = True
        thread.join(timeout=10)
