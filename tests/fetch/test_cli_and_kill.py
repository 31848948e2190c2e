"""``bilat data fetch`` from the command line, and a fetch killed mid-download then run again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bilat.cli.main import app
from bilat.fetch.download import part_path
from bilat.store import Store

from .conftest import BACI_RELEASE, PublisherServer, build_baci_zip

pytestmark = pytest.mark.bundle

ZIP_PATH = f"/baci/BACI_HS92_V{BACI_RELEASE}.zip"


@pytest.fixture
def baci_env(server: PublisherServer, monkeypatch: pytest.MonkeyPatch) -> PublisherServer:
    monkeypatch.setenv("BILAT_BACI_URL", server.base + "/baci/BACI_{revision}_V{release}.zip")
    return server


def test_cli_fetch_baci_reports_what_was_added(
    baci_env: PublisherServer, baci_zip: tuple[bytes, list[dict]], tmp_path: Path
) -> None:
    baci_env.files[ZIP_PATH] = baci_zip[0]
    store = tmp_path / "store"
    out = CliRunner().invoke(
        app,
        [
            "data",
            "fetch",
            "baci",
            "--revision",
            "HS92",
            "--release",
            BACI_RELEASE,
            "--store",
            str(store),
        ],
    )
    assert out.exit_code == 0, out.output
    assert "added" in out.output and f"{len(baci_zip[1]):,} rows" in out.output
    listed = Store(store).datasets()
    assert list(listed.source) == ["baci"] and int(listed.rows.iloc[0]) == len(baci_zip[1])


def test_cli_http_failure_is_one_clear_line(baci_env: PublisherServer, tmp_path: Path) -> None:
    baci_env.faults.always = 500
    out = CliRunner().invoke(
        app, ["data", "fetch", "baci", "--release", BACI_RELEASE, "--store", str(tmp_path / "s")]
    )
    assert out.exit_code == 2
    assert "HTTP 500" in out.output and "try again later" in out.output
    assert "Traceback" not in out.output


def test_cli_offline_without_cache(tmp_path: Path) -> None:
    out = CliRunner().invoke(
        app, ["data", "fetch", "wdi", "--offline", "--store", str(tmp_path / "s")]
    )
    assert out.exit_code == 1 and "--offline" in out.output  # 1: no data (README: exit codes)


def test_killed_fetch_resumes_without_downloading_again(
    baci_env: PublisherServer, tmp_path: Path
) -> None:
    body, rows = build_baci_zip(limit=6000, stored=True)  # ~200 kB, sent slowly below
    baci_env.files[ZIP_PATH] = body
    baci_env.faults.chunk, baci_env.faults.pause = 4096, 0.02  # about 200 kB/s
    store = tmp_path / "store"
    part = part_path(store / "cache/baci" / f"BACI_HS92_V{BACI_RELEASE}.zip")
    cmd = [sys.executable, "-m", "bilat.cli", "data", "fetch", "baci", "--release", BACI_RELEASE]
    proc = subprocess.Popen(
        [*cmd, "--store", str(store)],
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while not (part.exists() and part.stat().st_size >= len(body) // 4):
            assert proc.poll() is None, "the fetch ended before it could be killed"
            assert time.monotonic() < deadline, "the download never started"
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    had = part.stat().st_size
    assert 0 < had < len(body)
    assert Store(store).datasets().empty  # nothing half-ingested

    baci_env.reset()  # full speed, fresh request log
    baci_env.files[ZIP_PATH] = body
    out = CliRunner().invoke(
        app, ["data", "fetch", "baci", "--release", BACI_RELEASE, "--store", str(store)]
    )
    assert out.exit_code == 0, out.output
    (request,) = baci_env.requests(ZIP_PATH)
    assert request.headers["range"] == f"bytes={had}-" and request.status == 206
    assert baci_env.sent(ZIP_PATH) == len(body) - had  # only the bytes it did not have
    assert int(Store(store).datasets().rows.iloc[0]) == len(rows)
