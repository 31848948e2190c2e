"""What every publisher's fetch shares: options, the result, zip checks and the final ingestion."""

from __future__ import annotations

import os
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bilat.errors import DataFormatError
from bilat.fetch.download import Download, Progress, RetryPolicy, forget
from bilat.settings import store_path

if TYPE_CHECKING:
    import pandas as pd

    from bilat.store import FileResult, Store


@dataclass(frozen=True)
class FetchOptions:
    """Where to put things and how to fetch: the store, its cache, offline mode, retries."""

    store: Path
    cache: Path
    offline: bool = False
    refresh: bool = False
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    progress: Progress | None = None

    @classmethod
    def make(
        cls,
        store: str | os.PathLike[str] | None = None,
        cache: str | os.PathLike[str] | None = None,
        *,
        offline: bool = False,
        refresh: bool = False,
        progress: Progress | None = None,
    ) -> FetchOptions:
        """Options with defaults: the store of ``BILAT_STORE``, cache ``<store>/cache``."""
        root = store_path(store)
        return cls(
            store=root,
            cache=Path(cache).expanduser() if cache else root / "cache",
            offline=offline,
            refresh=refresh,
            policy=RetryPolicy.from_env(),
            progress=progress,
        )

    def folder(self, publisher: str) -> Path:
        """The cache folder of one publisher, e.g. ``<store>/cache/baci``."""
        return self.cache / publisher


@dataclass(frozen=True)
class FetchResult:
    """What a fetch did: the files it downloaded (or found cached) and what the store added."""

    publisher: str
    what: str  # the request in words, e.g. "BACI HS92 release 202501"
    downloads: tuple[Download, ...]
    ingested: tuple[FileResult, ...]

    @property
    def transferred(self) -> int:
        """Bytes received over the network by this fetch."""
        return sum(d.transferred for d in self.downloads)

    def __str__(self) -> str:
        lines = [f"{self.what}:"]
        lines += [f"  fetched  {d}" for d in self.downloads]
        lines += [f"  {r}" for r in self.ingested]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"FetchResult({self.publisher!r}, {len(self.downloads)} files, "
            f"{self.transferred:,} bytes transferred, {len(self.ingested)} ingested)"
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per ingested file: status, source, dataset, release, rows, years."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "file": Path(r.path).name,
                    "status": r.status,
                    "source": r.source,
                    "dataset": r.dataset,
                    "release": r.release,
                    "rows": r.rows,
                    "first_year": r.years[0] if r.years else None,
                    "last_year": r.years[-1] if r.years else None,
                }
                for r in self.ingested
            ]
        )

    def _repr_html_(self) -> str:
        from bilat.render.html import Section, fragment

        lines = [str(d) for d in self.downloads] + [str(r) for r in self.ingested]
        return fragment(Section(self.what, [], intro=lines))


def check_zip(path: Path) -> None:
    """DataFormatError unless ``path`` is a whole zip whose members all pass their CRC-32."""
    try:
        with zipfile.ZipFile(path) as zf:
            bad = zf.testzip()  # reads every member: the CRCs are the publisher's checksums
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:
        raise DataFormatError(path, f"not a readable zip archive ({exc})") from exc
    if bad is not None:
        raise DataFormatError(path, f"member {bad!r} fails its CRC check")


def extract_member(archive: Path, member: str, folder: Path) -> Path:
    """Copy one zip member into ``folder`` (atomically: a temporary name, then a rename)."""
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / Path(member).name
    tmp = dest.with_name(dest.name + ".extracting")
    try:
        with zipfile.ZipFile(archive) as zf, zf.open(member) as src, open(tmp, "wb") as out:
            for block in iter(lambda: src.read(1 << 20), b""):
                out.write(block)
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:
        tmp.unlink(missing_ok=True)
        raise DataFormatError(archive, f"cannot extract {member!r} ({exc})") from exc
    os.replace(tmp, dest)
    return dest


def ingest(
    options: FetchOptions, paths: list[Path], fmt: str, downloads: list[Download]
) -> tuple[FileResult, ...]:
    """Ingest fetched files; a file the reader rejects is dropped from the cache, then re-raised."""
    from bilat.store import Store

    store = Store(options.store)
    results = []
    try:
        for path in paths:
            try:
                # the serving copy once, after the last file (a release is many year files)
                results.extend(store.ingest([path], format=fmt, serving=False))
            except DataFormatError:
                # the store is unchanged (ingestion validates first); a bad download must not
                # be reused from the cache by the next run
                for d in downloads:
                    forget(d.path)
                forget(path)
                raise
    except Exception:  # the files before the failing one are in: their serving copy too
        _refresh_serving_copy(store, results)
        raise
    _refresh_serving_copy(store, results)
    return tuple(results)


def _refresh_serving_copy(store: Store, results: list[FileResult]) -> None:
    """The serving copy brought up to date when ``results`` changed the store."""
    if any(r.status in ("added", "replaced") for r in results):
        store.refresh_serving_copy()
