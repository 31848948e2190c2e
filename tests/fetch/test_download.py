"""The resumable client against a real local HTTP server: resume, retries, errors, checks."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest

from bilat.errors import DataFormatError, NoDataError
from bilat.fetch.download import DownloadError, RetryPolicy, download, meta_path, part_path

from .conftest import PublisherServer

BODY = bytes(range(256)) * 400  # 102,400 bytes, every offset distinguishable
FAST = RetryPolicy(attempts=3, backoff=0.01, max_wait=5, timeout=5)


def test_plain_download_writes_file_and_metadata(server: PublisherServer, tmp_path: Path) -> None:
    server.files["/f.bin"] = BODY
    seen: list[tuple[int, int | None]] = []
    got = download(
        f"{server.base}/f.bin",
        tmp_path / "f.bin",
        policy=FAST,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert (tmp_path / "f.bin").read_bytes() == BODY
    assert got.size == len(BODY) and got.transferred == len(BODY) and not got.from_cache
    assert got.sha256 == hashlib.sha256(BODY).hexdigest()
    assert meta_path(tmp_path / "f.bin").exists() and not part_path(tmp_path / "f.bin").exists()
    assert seen[-1] == (len(BODY), len(BODY))
    # the second call is served from the cache: no request at all
    again = download(f"{server.base}/f.bin", tmp_path / "f.bin", policy=FAST)
    assert again.from_cache and len(server.requests()) == 1


def test_dropped_connection_is_resumed_with_range(server: PublisherServer, tmp_path: Path) -> None:
    server.files["/f.bin"] = BODY
    server.faults.drops.append(30_000)
    got = download(f"{server.base}/f.bin", tmp_path / "f.bin", policy=FAST)
    assert (tmp_path / "f.bin").read_bytes() == BODY
    first, second = server.requests()
    assert "range" not in first.headers and first.sent == 30_000
    assert second.headers["range"] == "bytes=30000-" and second.status == 206
    assert second.headers["if-range"].startswith('"')  # the ETag: resume only the same file
    assert server.sent() == len(BODY) < 2 * len(BODY)
    assert got.transferred == len(BODY)


def test_changed_file_is_downloaded_whole_again(server: PublisherServer, tmp_path: Path) -> None:
    server.files["/f.bin"] = BODY
    # a partial download of the old version (the retry brings nothing), then the publisher
    # replaces the file
    server.faults.drops.extend([10_000, 0])
    with pytest.raises(DownloadError):
        download(
            f"{server.base}/f.bin",
            tmp_path / "f.bin",
            policy=RetryPolicy(attempts=1, backoff=0.01, timeout=5),
        )
    assert part_path(tmp_path / "f.bin").stat().st_size == 10_000
    new = BODY[::-1]
    server.files["/f.bin"] = new
    download(f"{server.base}/f.bin", tmp_path / "f.bin", policy=FAST)
    assert (tmp_path / "f.bin").read_bytes() == new  # If-Range mismatch: a 200, not a 206
    assert server.requests()[-1].status == 200


def test_429_waits_for_retry_after(server: PublisherServer, tmp_path: Path) -> None:
    server.files["/f.bin"] = BODY
    server.faults.statuses.append((429, {"Retry-After": "1"}))
    start = time.monotonic()
    download(f"{server.base}/f.bin", tmp_path / "f.bin", policy=FAST)
    waited = time.monotonic() - start
    assert [r.status for r in server.requests()] == [429, 200]
    assert waited >= 1.0  # the backoff alone would be 0.01 s


def test_retry_after_longer_than_allowed_is_a_clear_error(
    server: PublisherServer, tmp_path: Path
) -> None:
    server.faults.statuses.append((429, {"Retry-After": "3600"}))
    with pytest.raises(DownloadError) as err:
        download(f"{server.base}/f.bin", tmp_path / "f.bin", policy=FAST)
    assert err.value.status == 429 and "3600 s" in str(err.value) and "later" in str(err.value)


def test_500_gives_up_after_the_attempts_with_a_clear_error(
    server: PublisherServer, tmp_path: Path
) -> None:
    server.faults.always = 500
    url = f"{server.base}/f.bin"
    with pytest.raises(DownloadError) as err:
        download(url, tmp_path / "f.bin", policy=FAST)
    assert len(server.requests()) == 3
    text = str(err.value)
    assert url in text and "HTTP 500" in text and "3 attempts" in text and "try again" in text
    assert err.value.status == 500
    assert not (tmp_path / "f.bin").exists()


def test_404_is_not_retried_and_names_the_fix(server: PublisherServer, tmp_path: Path) -> None:
    with pytest.raises(DownloadError) as err:
        download(f"{server.base}/BACI_HS92_V190001.zip", tmp_path / "x.zip", policy=FAST)
    assert len(server.requests()) == 1 and err.value.status == 404
    assert "HTTP 404" in str(err.value) and "release" in str(err.value)
    assert "test server says 404" in str(err.value)  # the server's own message is shown


def test_checksum_mismatch_is_rejected_and_deleted(server: PublisherServer, tmp_path: Path) -> None:
    server.files["/f.bin"] = BODY
    with pytest.raises(DataFormatError) as err:
        download(f"{server.base}/f.bin", tmp_path / "f.bin", sha256="0" * 64, policy=FAST)
    assert "checksum" in str(err.value)
    assert not (tmp_path / "f.bin").exists() and not part_path(tmp_path / "f.bin").exists()
    good = hashlib.sha256(BODY).hexdigest()
    assert download(f"{server.base}/f.bin", tmp_path / "f.bin", sha256=good, policy=FAST).size


def test_offline_uses_only_the_cache(server: PublisherServer, tmp_path: Path) -> None:
    with pytest.raises(NoDataError) as err:
        download(f"{server.base}/f.bin", tmp_path / "f.bin", offline=True, policy=FAST)
    assert "--offline" in str(err.value) and not server.requests()
    server.files["/f.bin"] = BODY
    download(f"{server.base}/f.bin", tmp_path / "f.bin", policy=FAST)
    hit = download(f"{server.base}/f.bin", tmp_path / "f.bin", offline=True, policy=FAST)
    assert hit.from_cache and len(server.requests()) == 1


def test_refresh_downloads_again(server: PublisherServer, tmp_path: Path) -> None:
    server.files["/f.bin"] = BODY
    download(f"{server.base}/f.bin", tmp_path / "f.bin", policy=FAST)
    got = download(f"{server.base}/f.bin", tmp_path / "f.bin", refresh=True, policy=FAST)
    assert not got.from_cache and len(server.requests()) == 2


def test_connection_refused_is_a_clear_error(tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(DownloadError) as err:
        download(f"http://127.0.0.1:{port}/f.bin", tmp_path / "f.bin", policy=FAST)
    assert "3 attempts" in str(err.value) and f"127.0.0.1:{port}" in str(err.value)


def test_policy_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BILAT_FETCH_RETRIES", "7")
    monkeypatch.setenv("BILAT_FETCH_BACKOFF", "0.5")
    policy = RetryPolicy.from_env()
    assert (policy.attempts, policy.backoff) == (7, 0.5)
    assert [policy.wait(n) for n in (1, 2, 3)] == [0.5, 1.0, 2.0]
    monkeypatch.setenv("BILAT_FETCH_BACKOFF", "soon")
    with pytest.raises(ValueError, match="BILAT_FETCH_BACKOFF"):
        RetryPolicy.from_env()
