"""The canonical Parquet store: atomic, idempotent ingestion and an Ibis view of every table."""

from __future__ import annotations

import contextlib
import fcntl
import gzip
import hashlib
import logging
import os
import shutil
import threading
import uuid
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bilat.errors import BilatError, DataFormatError, InputError, StoreError
from bilat.schema import DERIVED_SCHEMAS, SCHEMAS, TABLE_SCHEMAS
from bilat.settings import store_path
from bilat.sources._io import check_path
from bilat.sources.base import Reader
from bilat.sources.registry import detect, detect_all, get_reader
from bilat.store import constants as const
from bilat.store import coverage
from bilat.store import manifest as mf
from bilat.store import serving as serving_copy
from bilat.store.engines import engine_setting
from bilat.store.session import SessionOwner, StoreSession

if TYPE_CHECKING:
    import duckdb
    import ibis
    import pandas as pd

    from bilat.reference.hs import HsTables
    from bilat.store.writer import StagedPart

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class FileResult:
    """What ingesting one file did: ``added``, ``replaced``, ``unchanged`` or ``skipped``."""

    path: str
    status: str
    format: str
    source: str
    dataset: str
    release: str
    rows: int
    years: tuple[int, ...]
    note: str = ""

    def __str__(self) -> str:
        span = f"{self.years[0]}–{self.years[-1]}" if self.years else "-"
        extra = f" ({self.note})" if self.note else ""
        return (
            f"{self.status:9} {Path(self.path).name}: {self.source}/{self.dataset} "
            f"release {self.release}, {self.rows:,} rows, {span}{extra}"
        )


class Store(SessionOwner):
    """A folder of Parquet files plus a manifest; open one with ``Store(path)``.

    ``path`` defaults to ``BILAT_STORE`` or a per-user data folder. Reading never changes
    the store; every change (ingest, remove) is one atomic swap of the manifest.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, engine: str | None = None):
        self.root = store_path(path)
        # duckdb or spark: the argument, else BILAT_ENGINE (read now, not at import), else duckdb
        self.engine = engine_setting(engine)
        self._manifest_cache: tuple[bytes, mf.Manifest] | None = None
        self._session: StoreSession | None = None
        self._session_lock = threading.Lock()

    @property
    def session(self) -> StoreSession:
        """The store's session: its engine's connection and every reader's cache, kept per
        state of the store (``bilat.store.session``)."""
        with self._session_lock:
            if self._session is None:
                self._session = StoreSession(self)
            return self._session

    def __repr__(self) -> str:
        m = self.manifest
        n_files = len(m.files)
        n_parts = sum(p.table not in DERIVED_SCHEMAS for p in m.partitions.values())
        return f"Store({str(self.root)!r}, {n_files} source files, {n_parts} partitions)"

    # ------------------------------------------------------------------ state
    @property
    def manifest(self) -> mf.Manifest:
        """The current manifest (read from disk each time, so other processes' changes show;
        parsed again only when its bytes changed)."""
        path = self.root / MANIFEST
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return mf.load(path)
        if self._manifest_cache is None or self._manifest_cache[0] != raw:
            self._manifest_cache = (raw, mf.parse(raw, path))
        return self._manifest_cache[1]

    def datasets(self) -> pd.DataFrame:
        """One row per (table, source, dataset, release): files, rows and the years covered."""
        import pandas as pd  # here: opening a store for a query needs no pandas

        rows = [
            {
                "table": p.table,
                "source": p.source,
                "dataset": p.dataset,
                "release": p.release,
                "first": p.first_year,
                "last": p.last_year,
                "rows": p.rows,
                "origin": p.origin,
            }
            for p in self.manifest.partitions.values()
            if p.table not in DERIVED_SCHEMAS  # built by the store, not ingested
        ]
        cols = ["table", "source", "dataset", "release", "files", "rows", "first_year", "last_year"]
        if not rows:
            return pd.DataFrame(columns=cols)
        df = pd.DataFrame(rows)
        out = (
            df.groupby(["table", "source", "dataset", "release"], dropna=False)
            .agg(
                files=("origin", "nunique"),
                rows=("rows", "sum"),
                first_year=("first", "min"),
                last_year=("last", "max"),
            )
            .reset_index()
        )
        for c in ("first_year", "last_year"):
            out[c] = out[c].astype("Int64")
        out = out[cols].sort_values(["table", "source", "dataset"]).reset_index(drop=True)
        # what each flows dataset covers, in words (products, years, frequency, who reports)
        per_part = self.partition_coverage()
        by_dataset: dict[tuple, list[dict]] = {}
        for k, p in self.manifest.partitions.items():
            if p.table == "flows":
                by_dataset.setdefault((p.source, p.dataset, p.release), []).extend(
                    per_part.get(k, [])
                )
        summaries = [
            coverage.summary(by_dataset.get((r.source, r.dataset, r.release), []))
            if r.table == "flows"
            else None
            for r in out.itertuples()
        ]
        for col in ("products", "years", "frequency", "reporting"):
            out[col] = [s[col] if s else "" for s in summaries]
        return out

    def partition_coverage(self) -> dict[str, list[dict]]:
        """Per-year coverage of every live flows partition (``StoreSession.partition_coverage``)."""
        return self.session.partition_coverage()

    def coverage(self) -> dict[tuple[str, int], coverage.YearScope]:
        """What each flows source covers, per ``(source, year)`` (``StoreSession.coverage``)."""
        return self.session.coverage()  # type: ignore[return-value]

    # ------------------------------------------------------------------ writing
    def ingest(
        self,
        paths: Sequence[str | os.PathLike[str]],
        format: str | None = None,
        reader: Reader | None = None,
        progress: Callable[[FileResult], None] | None = None,
        serving: bool = True,
        replace: bool = False,
    ) -> list[FileResult]:
        """Validate and add source files, one atomic change per file; returns what each did.

        The same file twice changes nothing; a file of a newer release of the same
        ``(source, dataset, year)`` replaces the older one; a file that fails validation
        raises and leaves the store exactly as it was. A file of the *same* release with fewer
        rows than what it would replace (a truncated download, a file's head) is refused
        unless ``replace``. ``serving``: bring the serving copy up to date once all files are
        in (see ``build_serving_copy``).
        """
        results: list[FileResult] = []
        try:
            for p in paths:
                rd = reader or (get_reader(format) if format else detect(p))
                res = self._ingest_one(Path(p), rd, replace=replace)
                results.append(res)
                if progress:
                    progress(res)
        except Exception:
            # a file failed: the ones before it are in the store (an interrupt skips this)
            self._after_changes(results, serving)
            raise
        self._after_changes(results, serving)
        return results

    def _after_changes(self, results: list[FileResult], serving: bool) -> None:
        """The serving copy brought up to date when ``results`` changed the store, or when it
        is missing (an earlier run was stopped while building it)."""
        if not serving or not results:
            return
        if any(r.status in ("added", "replaced") for r in results) or (
            self.manifest.partitions and self.serving_copy is None
        ):
            self.refresh_serving_copy()

    def ingest_folder(
        self,
        folder: str | os.PathLike[str],
        progress: Callable[[Path, int, int], None] | None = None,
        serving: bool = True,
    ) -> list[FileResult]:
        """Ingest every file under ``folder`` that a reader recognises; others are passed over.

        ``progress(path, done, total)`` is called before each file, for progress bars.
        """
        root = Path(folder)
        if not root.is_dir():
            raise InputError(f"{root}: not a folder; give a folder such as ../shared/data")
        found: list[tuple[Path, Reader]] = []
        for p in sorted(q for q in root.rglob("*") if q.is_file()):
            try:
                # every table a file fills (the Advanced Guide panel: flows and agtpa_panel)
                found.extend((p, reader) for reader in detect_all(p))
            except BilatError:
                continue  # READMEs and other files that are not store data
        results: list[FileResult] = []
        try:
            for n, (path, reader) in enumerate(found):
                if progress:
                    progress(path, n, len(found))
                results.extend(self.ingest([path], reader=reader, serving=False))
        except Exception:
            self._after_changes(results, serving)
            raise
        self._after_changes(results, serving)
        return results

    def _ingest_one(self, path: Path, reader: Reader, replace: bool = False) -> FileResult:
        check_path(path)  # a folder, a device, a link to a system file: said so, never read
        try:
            st = path.stat()
        except OSError as exc:
            raise DataFormatError(path, f"cannot read the file ({exc})") from exc
        stamp = (str(path.resolve()), st.st_size, st.st_mtime_ns)
        known = any((f.path, f.size, f.mtime_ns) == stamp for f in self.manifest.files.values())
        # The checksum decides whether the content is new. For a file the store has seen at
        # this path, size and time it comes first (a re-run skips it at the cost of one read);
        # for a new file it is computed in a thread while the file is read and staged.
        checksum = _Checksum(path, background=not known, options=_options(reader))
        info = reader.info(path)
        if info.table not in SCHEMAS:
            checksum.result()
            raise StoreError(f"{path}: reader {info.format!r} targets unknown table {info.table!r}")
        base = dict(path=str(path), format=info.format, source=info.source, dataset=info.dataset)
        with self._lock():
            current = self.manifest
            if checksum.done() and checksum.result() in current.files:
                self._restamp(current, current.files[checksum.result()], path, st)
                return self._unchanged(base, current.files[checksum.result()])
            same = [
                p
                for p in current.partitions.values()
                if (p.table, p.source, p.dataset) == (info.table, info.source, info.dataset)
            ]
            newer = sorted(
                {p.release for p in same if _release_key(p.release) > _release_key(info.release)}
            )
            staging = self.root / "staging" / uuid.uuid4().hex
            try:
                try:
                    # the writer (numpy, pyarrow.compute, threads) is for ingestion only:
                    # imported here, not by every command that opens a store
                    from bilat.store.writer import stage

                    fixed = reader.constants(path) if hasattr(reader, "constants") else None
                    parts = stage(
                        reader.batches(path),
                        info.table,
                        staging,
                        path,
                        fixed,
                        repeats=getattr(reader, "repeats_flows", False),
                        domestic=getattr(reader, "domestic_flows", False),
                    )
                except BaseException:
                    checksum.result()  # an unreadable file is reported as such, as before
                    raise
                sha = checksum.result()
                if sha in current.files:  # touched, copied or renamed: the content is in
                    self._restamp(current, current.files[sha], path, st)
                    return self._unchanged(base, current.files[sha])
                if newer and any(
                    p.year in {s.year for s in parts} for p in same if p.release in newer
                ):
                    return FileResult(
                        **base,
                        status="skipped",
                        release=info.release,
                        rows=0,
                        years=(),
                        note=f"the store has the newer release {newer[-1]}",
                    )
                if not replace:
                    _refuse_shrinking(path, info, parts, current)
                result = self._commit(path, sha, info, parts, current, st)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
        return FileResult(**base, **result)

    def _restamp(
        self, current: mf.Manifest, f: mf.SourceFile, path: Path, st: os.stat_result
    ) -> None:
        """Record the size and time a known file has now (it was touched, or its entry was
        written before bilat recorded them), so that the next run checks it before any work.
        A copy under another path leaves the entry as it is."""
        where = str(path.resolve())
        if f.size is not None and f.path != where:
            return
        if (f.path, f.size, f.mtime_ns) == (where, st.st_size, st.st_mtime_ns):
            return  # already so: the manifest is not rewritten
        entry = replace(f, path=where, size=st.st_size, mtime_ns=st.st_mtime_ns)
        files = {**current.files, f.sha256: entry}
        mf.save(replace(current, files=files), self.root / MANIFEST)

    @staticmethod
    def _unchanged(base: dict, f: mf.SourceFile) -> FileResult:
        return FileResult(
            **base,
            status="unchanged",
            release=f.release,
            rows=f.rows,
            years=f.years,
            note=f"same content as {f.name}, already in the store",
        )

    def _commit(self, path, sha, info, parts, current: mf.Manifest, st: os.stat_result) -> dict:
        years = tuple(
            sorted({y for p in parts for y in (p.first_year, p.last_year) if y is not None})
        )
        rows = sum(p.rows for p in parts)
        new_parts = []
        for sp in parts:
            # the detail and the tables derived from it become live in the same manifest swap
            files = [(info.table, sp.path, sp.rows), *sp.derived]
            covered = _coverage_of(info.table, sp)
            for table, staged, n in files:
                folder = self.root / "data" / table / _safe(info.source) / _safe(info.dataset)
                folder.mkdir(parents=True, exist_ok=True)
                dest = folder / staged.name
                os.replace(staged, dest)  # same filesystem: atomic; not yet visible to readers
                new_parts.append(
                    mf.Partition(
                        table=table,
                        source=info.source,
                        dataset=info.dataset,
                        year=sp.year,
                        release=info.release,
                        rows=n,
                        file=str(dest.relative_to(self.root)),
                        origin=sha,
                        first_year=sp.first_year,
                        last_year=sp.last_year,
                        constants=const.for_schema(dict(sp.constants), TABLE_SCHEMAS[table]),
                        coverage=covered if table == "flows" else [],
                    )
                )
        drop = {p.key for p in new_parts if p.key in current.partitions}
        replaced = sorted({current.partitions[k].release for k in drop})
        entry = mf.SourceFile(
            sha256=sha,
            name=path.name,
            path=str(path.resolve()),
            format=info.format,
            table=info.table,
            source=info.source,
            dataset=info.dataset,
            release=info.release,
            rows=rows,
            years=years,
            ingested_at=datetime.now(UTC).isoformat(timespec="seconds"),
            size=st.st_size,
            mtime_ns=st.st_mtime_ns,
        )
        nxt = current.with_changes(new_parts, drop, entry)
        mf.save(nxt, self.root / MANIFEST)
        self._collect_garbage(nxt)
        note = f"replaced release {', '.join(replaced)}" if replaced else ""
        return dict(
            status="replaced" if drop else "added",
            release=info.release,
            rows=rows,
            years=years,
            note=note,
        )

    def remove(
        self,
        source: str,
        dataset: str | None = None,
        year: int | None = None,
        table: str | None = None,
        serving: bool = True,
    ) -> int:
        """Remove the partitions matching the filters, atomically; returns how many went."""
        with self._lock():
            current = self.manifest
            drop = {
                k
                for k, p in current.partitions.items()
                if p.source == source
                and (dataset is None or p.dataset == dataset)
                and (year is None or p.year == year)
                # derived tables go with the flows they were built from
                and (table is None or p.table == table or _derived_from(p.table) == table)
            }
            if not drop:
                raise InputError(
                    f"nothing in the store matches source={source!r}"
                    + (f", dataset={dataset!r}" if dataset else "")
                    + (f", year={year}" if year is not None else "")
                    + "; see `bilat data list`"
                )
            nxt = current.with_changes([], drop)
            mf.save(nxt, self.root / MANIFEST)
            self._collect_garbage(nxt)
        if serving:
            self.refresh_serving_copy()
        return sum(current.partitions[k].table not in DERIVED_SCHEMAS for k in drop)

    def build_serving_copy(self) -> Path | None:
        """Bring the serving copy up to date with the live data; returns its path (None for an
        empty store).

        The serving copy is the live tables in one DuckDB database, which answers a pair's
        look-ups several times faster than the year-by-year Parquet files; ``ingest`` and
        ``remove`` update it themselves. Queries use it only when it holds exactly the live
        files, and read the Parquet files otherwise.
        """
        with self._lock():
            return serving_copy.build(self.root, self.manifest)

    def refresh_serving_copy(self) -> None:
        """build_serving_copy after a change; a failure leaves the data in (queries then read
        the Parquet files) and is logged, not raised."""
        try:
            self.build_serving_copy()
        except Exception as exc:  # the change itself is committed and correct
            log.warning(
                "%s: the serving copy could not be updated (%s); answers come from the Parquet "
                "files, more slowly; run `bilat data index` to try again",
                self.root,
                exc,
            )

    @property
    def serving_copy(self) -> Path | None:
        """The serving copy holding exactly the live data, or None (queries read Parquet)."""
        return serving_copy.current(self.root, self.manifest)

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        # one writer at a time, across processes; readers need no lock (manifest swap is atomic)
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _collect_garbage(self, live: mf.Manifest) -> None:
        """Delete Parquet files and staging left by replaced data or by an interrupted ingestion."""
        keep = {self.root / p.file for p in live.partitions.values()}
        data = self.root / "data"
        if data.exists():
            for f in data.rglob("*.parquet"):
                if f not in keep:
                    f.unlink(missing_ok=True)
        shutil.rmtree(self.root / "staging", ignore_errors=True)

    # ------------------------------------------------------------------ reading
    @property
    def backend(self) -> ibis.BaseBackend:
        """The session's Ibis backend (``StoreSession.backend``)."""
        return self.session.backend

    @property
    def derived_ready(self) -> bool:
        """True when every flows partition has each derived table (``StoreSession``)."""
        return self.session.derived_ready

    def serving_sql(self) -> duckdb.DuckDBPyConnection | None:
        """A plain DuckDB connection with the current serving copy attached as ``serving``
        (read-only), or None when there is none, it lacks the derived tables, or the engine
        is Spark. For parameterised SQL where building an Ibis expression would cost more
        than the answer (``bilat.store.engines.duckdb_sql``); every other read goes through
        ``backend``."""
        if self.engine != "duckdb":
            return None
        m = self.manifest
        copy = serving_copy.current(self.root, m)
        if copy is None or not mf.derived_complete(m):
            return None
        import duckdb

        con = duckdb.connect()
        served = serving_copy.attach(con, copy)
        if not {"pair_totals", "economy_totals"} <= served:
            con.close()
            return None
        return con

    def hs_tables(self) -> HsTables | None:
        """The HS descriptions and concordances ingested here (``bilat.reference.hs``), or
        None when the store holds none; kept per manifest generation
        (``StoreSession.hs_tables``)."""
        return self.session.hs_tables()

    def table(self, name: str) -> ibis.Table:
        """The Ibis expression of a table (``StoreSession.table``)."""
        return self.session.table(name)


def _coverage_of(table: str, sp: StagedPart) -> list[dict]:
    """Per-year coverage of a staged flows partition (bilat.store.coverage)."""
    if table != "flows":
        return []
    derived = {name: path for name, path, _ in sp.derived}
    if "pair_totals" not in derived or "pair_chapters" not in derived:
        return []
    return coverage.of_files(
        sp.path, derived["pair_totals"], derived["pair_chapters"], sp.codes or None
    )


def _derived_from(table: str) -> str | None:
    """The table a derived table is built from (``flows``), or None for a base table."""
    return "flows" if table in DERIVED_SCHEMAS else None


def _options(reader: Reader) -> str:
    """The reader's options that change what a file's rows mean (tidy's unit, source …), as
    text; empty for readers without any. Part of a file's identity: the same bytes read with
    another ``--unit`` are other data, not "unchanged"."""
    fn = getattr(reader, "options", None)
    return fn() if callable(fn) else ""


def _refuse_shrinking(path: Path, info, parts, current: mf.Manifest) -> None:
    """InputError when the file would replace partitions of its own release with fewer rows.

    A newer release replacing an older one is the normal update; the same release coming
    back smaller is a truncated download or a file's head, and would silently lose rows.
    """
    lost = []
    for sp in parts:
        key = f"{info.table}/{info.source}/{info.dataset}/{'all' if sp.year is None else sp.year}"
        old = current.partitions.get(key)
        if old is not None and old.release == info.release and sp.rows < old.rows:
            lost.append((sp.year, old.rows, sp.rows))
    if lost:
        gone = sum(o - n for _y, o, n in lost)
        years = ", ".join(f"{y}: {o:,} → {n:,} rows" for y, o, n in lost[:5])
        raise InputError(
            f"{path}: would replace {info.source}/{info.dataset} release {info.release} with "
            f"fewer rows ({years}): {gone:,} rows would go. A truncated download or a file's "
            "head? Add the complete file, or give --replace (replace=True) if the smaller "
            "file is meant to replace it"
        )


class _Checksum:
    """``_sha256(path)``, computed now or in a thread (hashing and gunzip release the GIL);
    with ``options`` (a reader's settings) folded in."""

    def __init__(self, path: Path, background: bool, options: str = "") -> None:
        self._options = options
        self._value: str | None = None
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        if background:
            self._thread = threading.Thread(target=self._run, args=(path,), daemon=True)
            self._thread.start()
        else:
            self._run(path)
            self.result()  # an unreadable file fails here, before any work

    def _run(self, path: Path) -> None:
        try:
            sha = _sha256(path)
            if self._options:
                sha = hashlib.sha256(f"{sha}\n{self._options}".encode()).hexdigest()
            self._value = sha
        except BaseException as exc:  # handed to whoever asks for the result
            self._error = exc

    def done(self) -> bool:
        return self._thread is None or not self._thread.is_alive()

    def result(self) -> str:
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._value is not None
        return self._value


def _sha256(path: Path) -> str:
    """SHA-256 of the file's content, decompressed if gzipped.

    Hashing the content rather than the bytes makes two gzips of the same data (which differ
    in their headers) one file, so a bundle with a renamed copy stays idempotent.
    """
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            gz = fh.read(2) == b"\x1f\x8b"
        opener = gzip.open if gz else open
        with opener(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except (OSError, EOFError, zlib.error) as exc:
        raise DataFormatError(
            path, f"cannot read the file ({exc})", fix="check or re-download it"
        ) from exc
    return h.hexdigest()


def _release_key(release: str) -> tuple[int, str]:
    # releases are dates or versions like 202201 / 2022-10 / 1.0; unknown ones sort first
    digits = "".join(ch for ch in release if ch.isdigit())
    return (int(digits) if digits else -1, release)


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name) or "_"
