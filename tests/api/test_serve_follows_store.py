"""A running ``bilat serve`` follows the store: after ``bilat data add`` of a newer release in
another process, the same server's claim verdict, ledger figure and profile come from the new
data (issue 17: the claim checker's verifier was cached for the life of the server).

The store is built from two BACI files this test writes: release 202201 and release 202301 of
the same year, with other values. BACI values are in thousand USD; each file has one row per HS
chapter and direction, so it covers all goods.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bilat.store.coverage import HS_CHAPTERS

CHAPTERS = sorted(HS_CHAPTERS)  # 96 chapters: all goods
# per chapter, thousand USD: (RUS→KOR, KOR→RUS) in each release
OLD = (62_500.0, 50_000.0)  # turnover 96 × 112,500 thousand = 10.8 bn USD
NEW = (100_000.0, 60_000.0)  # turnover 96 × 160,000 thousand = 15.36 bn USD
CLAIM = "Trade between Russia and South Korea reached $10.8 billion in 2016."


def _baci(folder: Path, release: str, values: tuple[float, float]) -> Path:
    rus_kor, kor_rus = values
    lines = ["t,i,j,k,v,q"]
    for ch in CHAPTERS:
        lines.append(f"2016,643,410,{ch}0101,{rus_kor},1.0")  # 643 RUS, 410 KOR
        lines.append(f"2016,410,643,{ch}0101,{kor_rus},1.0")
    path = folder / f"BACI_HS92_Y2016_V{release}.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def _bilat(*args: str) -> subprocess.CompletedProcess:
    """The ``bilat`` command of this environment, in a process of its own."""
    return subprocess.run(
        [sys.executable, "-m", "bilat.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(tmp_path: Path):
    """``bilat serve`` on a store holding the older release; yields (client, store, folder)."""
    store = tmp_path / "store"
    done = _bilat("data", "add", str(_baci(tmp_path, "202201", OLD)), "--store", str(store))
    assert done.returncode == 0, done.stderr
    port = _free_port()
    env = {**os.environ, "BILAT_CLAIMS_CACHE": "0"}  # the in-memory caches are what is tested
    command = ["serve", "--host", "127.0.0.1", "--port", str(port), "--store", str(store)]
    server = subprocess.Popen(
        [sys.executable, "-m", "bilat.cli", *command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if client.get("/api/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                err = server.stderr.read().decode() if server.stderr else ""
                pytest.fail(f"bilat serve did not start: {err[-2000:]}")
            time.sleep(0.2)
        yield client, store, tmp_path
    finally:
        client.close()
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def _verdict(client: httpx.Client) -> str:
    r = client.post("/api/claims/check", json={"text": CLAIM, "published": "2017-03-01"})
    assert r.status_code == 200, r.text
    (check,) = r.json()["claims"]
    return check["verdict"]


def _turnover(client: httpx.Client) -> float:
    r = client.get("/api/flows", params={"a": "RUS", "b": "KOR", "year": 2016})
    assert r.status_code == 200, r.text
    (row,) = r.json()["rows"]
    return float(row["turnover"])


def _profile(client: httpx.Client) -> tuple[float, str]:
    r = client.get("/api/profile", params={"a": "RUS", "b": "KOR", "year": 2016})
    assert r.status_code == 200, r.text
    flows = r.json()["flows"]
    (row,) = flows["rows"]
    return float(row["turnover"]), flows["provenance"]["release"]


def test_claim_figure_and_profile_follow_a_newer_release(served):
    client, store, folder = served
    # the older release: 96 × (62,500 + 50,000) thousand USD = 10.8 bn
    assert _turnover(client) == pytest.approx(10.8e9)
    assert _profile(client) == (pytest.approx(10.8e9), "202201")
    assert _verdict(client) == "supported"

    # another process adds the newer release of the same year while the server runs
    done = _bilat("data", "add", str(_baci(folder, "202301", NEW)), "--store", str(store))
    assert done.returncode == 0, done.stderr
    assert "replaced" in done.stdout + done.stderr

    # the same server: 96 × (100,000 + 60,000) thousand USD = 15.36 bn, and the claim of
    # 10.8 bn is no longer supported
    assert _turnover(client) == pytest.approx(15.36e9)
    assert _profile(client) == (pytest.approx(15.36e9), "202301")
    assert _verdict(client) == "contradicted"
