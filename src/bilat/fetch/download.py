"""A resumable HTTP download into a cache folder: retries, Range resume, size and checksum checks.

A file being downloaded lives at ``<name>.part`` beside its destination, with ``<name>.part.json``
holding what the server said about it (size, ETag, Last-Modified). An interrupted download, even
one killed mid-way, resumes from the ``.part`` with an HTTP ``Range`` request (``If-Range`` makes
the server send the whole file again if it changed meanwhile). A finished file is checked (size,
SHA-256 when the publisher gives one, and a caller's ``verify``) before it is renamed into place
with ``<name>.meta.json`` beside it; a file that fails a check is deleted, never kept.
"""

from __future__ import annotations

import contextlib
import email.utils
import fcntl
import hashlib
import json
import logging
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import tenacity

from bilat.errors import BilatError, DataFormatError, InputError, NoDataError

log = logging.getLogger(__name__)

#: ``progress(bytes_done, bytes_total_or_None)``, called as bytes arrive.
Progress = Callable[[int, int | None], None]
#: Statuses worth trying again: rate limited, or a server-side failure that may pass.
RETRYABLE = frozenset({408, 429, 500, 502, 503, 504})
_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")


class DownloadError(BilatError, ConnectionError):
    """A download that failed: names the status, the URL and what to do."""

    def __init__(self, url: str, problem: str, fix: str = "", status: int | None = None):
        self.url, self.problem, self.status = url, problem, status
        msg = f"{url}: {problem}"
        if fix:
            msg += f". {fix}"
        super().__init__(msg)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry; seconds. ``from_env`` reads ``BILAT_FETCH_*``."""

    attempts: int = 5
    backoff: float = 1.0  # first wait; doubles each failed attempt
    max_wait: float = 120.0  # longest wait bilat accepts (also for Retry-After)
    timeout: float = 60.0  # connect/read timeout of one request

    @classmethod
    def from_env(cls) -> RetryPolicy:
        """Policy from ``BILAT_FETCH_RETRIES``, ``…_BACKOFF``, ``…_MAX_WAIT``, ``…_TIMEOUT``."""

        def num(name: str, default: float) -> float:
            raw = os.environ.get(name, "").strip()
            if not raw:
                return default
            try:
                value = float(raw)
            except ValueError:
                raise InputError(f"{name}={raw!r} is not a number of seconds or tries") from None
            if value < 0:
                raise InputError(f"{name}={raw!r} must not be negative")
            return value

        return cls(
            attempts=max(1, int(num("BILAT_FETCH_RETRIES", cls.attempts))),
            backoff=num("BILAT_FETCH_BACKOFF", cls.backoff),
            max_wait=num("BILAT_FETCH_MAX_WAIT", cls.max_wait),
            timeout=num("BILAT_FETCH_TIMEOUT", cls.timeout),
        )

    def wait(self, failures: int) -> float:
        """Seconds to wait after ``failures`` failed attempts in a row (exponential, capped)."""
        return min(self.backoff * 2 ** max(0, failures - 1), self.max_wait)


@dataclass(frozen=True)
class Download:
    """One file in the cache: where from, where, how big, and what this run had to transfer."""

    url: str
    path: Path
    size: int  # bytes
    sha256: str
    transferred: int  # bytes received over the network in this run
    resumed_from: int  # bytes already in a .part file when this run started
    from_cache: bool  # the finished file was in the cache; nothing was requested

    def __str__(self) -> str:
        how = (
            "from the cache"
            if self.from_cache
            else f"downloaded {_size(self.transferred)}"
            + (f", resumed at {_size(self.resumed_from)}" if self.resumed_from else "")
        )
        return f"{self.path.name} ({_size(self.size)}, {how})"


def _size(n: int) -> str:
    value = float(n)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:,.0f} {unit}" if unit == "B" else f"{value:,.1f} {unit}"
        value /= 1000
    return f"{n} B"  # pragma: no cover


def meta_path(path: Path) -> Path:
    """The ``<name>.meta.json`` written beside a finished download."""
    return path.with_name(path.name + ".meta.json")


def part_path(path: Path) -> Path:
    """The ``<name>.part`` a download grows in until it is complete and checked."""
    return path.with_name(path.name + ".part")


def cached(path: Path) -> Download | None:
    """The finished download at ``path`` if the cache holds it whole, else None."""
    meta = meta_path(path)
    if not (path.is_file() and meta.is_file()):
        return None
    try:
        info = json.loads(meta.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if info.get("size") != path.stat().st_size:
        return None  # replaced or truncated behind bilat's back: not trusted
    return Download(
        url=info.get("url", ""),
        path=path,
        size=info["size"],
        sha256=info.get("sha256", ""),
        transferred=0,
        resumed_from=0,
        from_cache=True,
    )


def forget(path: Path) -> None:
    """Delete a cached file with its metadata and any partial download."""
    for p in (path, meta_path(path), part_path(path), _part_meta(path)):
        p.unlink(missing_ok=True)


def download(
    url: str,
    dest: str | os.PathLike[str],
    *,
    headers: dict[str, str] | None = None,
    offline: bool = False,
    refresh: bool = False,
    sha256: str | None = None,
    verify: Callable[[Path], None] | None = None,
    progress: Progress | None = None,
    policy: RetryPolicy | None = None,
    client: httpx.Client | None = None,
) -> Download:
    """Fetch ``url`` into ``dest`` (resuming a ``.part``), or reuse the cached copy.

    ``offline`` never touches the network (NoDataError when the cache lacks the file);
    ``refresh`` downloads again even if the cache has it. ``verify(path)`` may raise
    DataFormatError to reject the finished file (e.g. a damaged zip): it is then deleted.
    """
    dest = Path(dest)
    if not refresh:
        hit = cached(dest)
        if hit is not None:
            return hit
    if offline:
        raise NoDataError(
            f"{dest}: not in the download cache, and --offline forbids fetching it from {url}; "
            "run the same command without --offline (or copy the file there)"
        )
    policy = policy or RetryPolicy.from_env()
    dest.parent.mkdir(parents=True, exist_ok=True)
    with _locked(dest), _client(client, policy) as http:
        if refresh:
            forget(dest)
        else:
            hit = cached(dest)  # another process may have finished it while we waited
            if hit is not None:
                return hit
        return _Transfer(url, dest, headers or {}, policy, http, progress).run(sha256, verify)


@contextlib.contextmanager
def _locked(dest: Path) -> Iterator[None]:
    # two bilat processes fetching the same file would write into one .part: one waits
    with open(dest.with_name(f".{dest.name}.lock"), "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@contextlib.contextmanager
def _client(client: httpx.Client | None, policy: RetryPolicy) -> Iterator[httpx.Client]:
    if client is not None:
        yield client
        return
    with httpx.Client(
        timeout=httpx.Timeout(policy.timeout),
        follow_redirects=True,
        headers={"User-Agent": "bilat (trade statistics; https://pypi.org/project/bilat)"},
    ) as own:
        yield own


def _part_meta(dest: Path) -> Path:
    return dest.with_name(dest.name + ".part.json")


class _Transfer:
    """One download's attempts; keeps the ``.part`` and what the server said about it."""

    def __init__(
        self,
        url: str,
        dest: Path,
        headers: dict[str, str],
        policy: RetryPolicy,
        http: httpx.Client,
        progress: Progress | None,
    ):
        self.url, self.dest, self.headers, self.policy = url, dest, headers, policy
        self.http, self.progress = http, progress
        self.part, self.part_meta = part_path(dest), _part_meta(dest)
        self.transferred = 0
        self.total: int | None = None
        self.validator: str | None = None  # ETag or Last-Modified, for If-Range
        self._failures = 0  # failed attempts in a row that brought no bytes

    def run(self, sha256: str | None, verify: Callable[[Path], None] | None) -> Download:
        self._load_part_meta()
        resumed_from = self._have()
        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type((httpx.TransportError, _Retry)),
            stop=self._stop,
            wait=self._wait,
            before_sleep=self._before_sleep,
            reraise=True,
        )
        try:
            retrying(self._counted_attempt)
        except (httpx.TransportError, _Retry) as exc:
            raise self._gave_up(exc, self._failures) from exc
        return self._finish(sha256, verify, resumed_from)

    # ---------------------------------------------------------------- retry rules (tenacity)
    # tenacity counts attempts; bilat counts failures *in a row without progress*: a dropped
    # connection that brought bytes resets the count, so a slow, flaky link still finishes.
    def _counted_attempt(self) -> bool:
        before = self.transferred
        try:
            return self._attempt()
        except (httpx.TransportError, _Retry):
            self._failures = 0 if self.transferred > before else self._failures + 1
            raise

    def _stop(self, state: tenacity.RetryCallState) -> bool:
        return self._failures >= self.policy.attempts

    def _wait(self, state: tenacity.RetryCallState) -> float:
        """Exponential backoff, or the server's ``Retry-After`` (refused when over the cap)."""
        exc = state.outcome.exception() if state.outcome else None
        retry_after = exc.retry_after if isinstance(exc, _Retry) else None
        if retry_after is None:
            return self.policy.wait(max(self._failures, 1))
        if retry_after > self.policy.max_wait:
            raise DownloadError(
                self.url,
                f"rate limited (HTTP 429); the server asks to wait {retry_after:.0f} s",
                f"Try again later (bilat waits at most {self.policy.max_wait:.0f} s; "
                "BILAT_FETCH_MAX_WAIT sets it)",
                status=429,
            ) from exc
        return retry_after

    def _before_sleep(self, state: tenacity.RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        pause = state.next_action.sleep if state.next_action else 0.0
        log.info("retrying %s in %.2f s after: %s", self.url, pause, exc)

    # ---------------------------------------------------------------- one request
    def _attempt(self) -> bool:
        """One GET; True when the whole file is in the .part."""
        have = self._have()
        if self.total is not None and have == self.total and have > 0:
            return True  # killed after the last byte, before the rename
        # identity: byte offsets of Range and Content-Length must be those of the file itself
        headers = {"Accept-Encoding": "identity", **self.headers}
        if have:
            headers["Range"] = f"bytes={have}-"
            if self.validator:
                headers["If-Range"] = self.validator
        with self.http.stream("GET", self.url, headers=headers) as resp:
            status = resp.status_code
            if status == 416 and have:
                # the .part is as long as (or longer than) the file: start again cleanly
                self._reset()
                raise _Retry("HTTP 416 for a resumed download; starting again", None)
            if status in RETRYABLE:
                raise _Retry(f"HTTP {status}", _retry_after(resp) if status == 429 else None)
            if status >= 400:
                raise self._http_error(resp)
            if status == 206 and have:
                start, total = _content_range(resp.headers.get("Content-Range", ""))
                if start != have:
                    self._reset()
                    raise _Retry(f"the server resumed at byte {start}, not {have}", None)
                self.total = total
                mode = "ab"
            else:
                # 200: a fresh start (or the server ignored Range / the file changed)
                if have:
                    log.info("%s: the server sent the whole file again; restarting", self.url)
                length = resp.headers.get("Content-Length")
                encoded = resp.headers.get("Content-Encoding", "identity") != "identity"
                self.total = int(length) if length and not encoded else None
                mode = "wb"
                have = 0
            self.validator = resp.headers.get("ETag") or resp.headers.get("Last-Modified")
            self._save_part_meta()
            with open(self.part, mode) as fh:
                done = have
                for chunk in resp.iter_bytes():  # as received: a drop loses nothing
                    fh.write(chunk)
                    done += len(chunk)
                    self.transferred += len(chunk)
                    if self.progress:
                        self.progress(done, self.total)
        size = self._have()
        if self.total is not None and size < self.total:
            raise _Retry(f"the connection closed at byte {size:,} of {self.total:,}", None)
        if self.total is not None and size > self.total:
            self._reset()
            raise DownloadError(
                self.url,
                f"received {size:,} bytes, more than the {self.total:,} announced",
                "Run the command again; if it persists, the server or a proxy is faulty",
            )
        return True

    def _finish(
        self, sha256: str | None, verify: Callable[[Path], None] | None, resumed_from: int
    ) -> Download:
        digest = _sha256(self.part)
        if sha256 and digest.lower() != sha256.lower():
            self._reset()
            raise DataFormatError(
                self.dest,
                f"checksum mismatch: SHA-256 {digest[:16]}… instead of {sha256[:16]}…",
                fix="The download was corrupted and has been deleted; run the command again",
            )
        if verify is not None:
            try:
                verify(self.part)
            except DataFormatError as exc:
                self._reset()
                raise DataFormatError(
                    self.dest,
                    f"the downloaded file was rejected: {exc.problem}",
                    fix="It has been deleted; run the command again",
                ) from exc
        size = self.part.stat().st_size
        os.replace(self.part, self.dest)
        self.part_meta.unlink(missing_ok=True)
        info = {
            "url": self.url,
            "size": size,
            "sha256": digest,
            "validator": self.validator,
            "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        meta_path(self.dest).write_text(json.dumps(info, indent=2), "utf-8")
        result = Download(
            url=self.url,
            path=self.dest,
            size=size,
            sha256=digest,
            transferred=self.transferred,
            resumed_from=resumed_from,
            from_cache=False,
        )
        log.info("fetched %s", result)
        return result

    # ---------------------------------------------------------------- the .part
    def _have(self) -> int:
        return self.part.stat().st_size if self.part.exists() else 0

    def _reset(self) -> None:
        self.part.unlink(missing_ok=True)
        self.part_meta.unlink(missing_ok=True)
        self.total, self.validator = None, None

    def _load_part_meta(self) -> None:
        if not (self.part.exists() and self.part_meta.exists()):
            # a .part without its notes cannot be trusted to be the same file: start again
            self._reset()
            return
        try:
            info = json.loads(self.part_meta.read_text("utf-8"))
        except (OSError, ValueError):
            self._reset()
            return
        if info.get("url") != self.url:
            self._reset()
            return
        self.total, self.validator = info.get("total"), info.get("validator")

    def _save_part_meta(self) -> None:
        info = {"url": self.url, "total": self.total, "validator": self.validator}
        self.part_meta.write_text(json.dumps(info), "utf-8")

    # ---------------------------------------------------------------- errors
    def _http_error(self, resp: httpx.Response) -> DownloadError:
        status = resp.status_code
        body = _body_snippet(resp)
        fixes = {
            401: "The server wants credentials: check the subscription key",
            403: "Access refused: check the subscription key or the publisher's terms",
            404: "Nothing at that address: check the release, revision or code asked for, "
            "or the publisher's page for the current address",
        }
        problem = f"HTTP {status} {resp.reason_phrase}" + (f" ({body})" if body else "")
        return DownloadError(self.url, problem, fixes.get(status, "Check the request"), status)

    def _gave_up(self, exc: Exception, failures: int) -> DownloadError:
        status = None
        text = str(exc) or type(exc).__name__
        if isinstance(exc, _Retry) and text.startswith("HTTP "):
            status = int(text.split()[1])
        return DownloadError(
            self.url,
            f"failed after {failures} attempts (last: {text})",
            "The publisher may be down or rate-limiting: try again later; the bytes already "
            "received are kept and the next run resumes from them",
            status=status,
        )


class _Retry(Exception):
    """An attempt that failed in a way worth retrying; ``retry_after`` in seconds if given."""

    def __init__(self, message: str, retry_after: float | None):
        super().__init__(message)
        self.retry_after = retry_after


def _retry_after(resp: httpx.Response) -> float | None:
    """Seconds from a ``Retry-After`` header (a number or an HTTP date), or None."""
    raw = resp.headers.get("Retry-After", "").strip()
    if not raw:
        return None
    if raw.isdigit():
        return float(raw)
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _content_range(value: str) -> tuple[int, int | None]:
    m = _CONTENT_RANGE.fullmatch(value.strip())
    if not m:
        return -1, None
    return int(m.group(1)), None if m.group(3) == "*" else int(m.group(3))


def _body_snippet(resp: httpx.Response, limit: int = 300) -> str:
    try:
        body = resp.read()[:limit].decode("utf-8", "replace")
    except httpx.HTTPError:
        return ""
    try:
        data = json.loads(body)
    except ValueError:
        return " ".join(body.split())[:limit]
    if isinstance(data, dict):
        for key in ("message", "error", "detail"):
            if data.get(key):
                return str(data[key])[:limit]
    return " ".join(body.split())[:limit]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
