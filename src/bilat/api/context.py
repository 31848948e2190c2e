"""What every request shares: the store opened read-only, a bounded query pool with timeouts,
and a small cache of finished answers keyed by the store's generation."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from bilat.errors import BilatError

T = TypeVar("T")


class QueryTimeout(BilatError, TimeoutError):
    """A query ran longer than the server allows."""


class ReadOnlyStore:
    """The store as the API sees it: tables to read, no ingest and no remove.

    DuckDB connections are not shared between threads, so each worker thread opens its own
    ``Store`` (one in-memory DuckDB with views over the same Parquet files).
    """

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self._local = threading.local()

    def _store(self) -> Any:
        from bilat.store import Store

        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = Store(self.root)
        return store

    def table(self, name: str) -> Any:
        """The ibis expression of a store table (flows, macro, distances, agreements, regions)."""
        return self._store().table(name)

    def coverage(self) -> Any:
        """What each flows source covers per (source, year): see ``Store.coverage``."""
        return self._store().coverage()

    def open_store(self) -> Any:
        """This thread's ``Store`` (for library calls that want a Store, e.g. scenarios)."""
        return self._store()

    @property
    def generation(self) -> int:
        """The manifest generation: it changes whenever the data change (read from disk)."""
        from bilat.store.manifest import load
        from bilat.store.store import MANIFEST

        return int(load(self.root / MANIFEST).generation)

    def datasets(self) -> Any:
        """One row per (table, source, dataset, release), as ``Store.datasets``."""
        return self._store().datasets()


class QueryRunner:
    """Runs blocking ledger calls on a bounded thread pool, each with a time limit.

    At most ``workers`` calls run at once; others wait their turn (the wait does not count
    against the limit). A call over ``timeout`` seconds raises QueryTimeout and its DuckDB query
    is interrupted.
    """

    def __init__(self, store: ReadOnlyStore, *, workers: int = 2, timeout: float = 30.0):
        self.store = store
        self.timeout = timeout
        self.workers = workers
        self._pool: ThreadPoolExecutor | None = None
        self._slots: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None

    def _executor(self) -> ThreadPoolExecutor:
        # created on first use and again after a shutdown (test clients run the lifespan often)
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="bilat-query")
        return self._pool

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if self._slots is None or self._slots[0] is not loop:  # a semaphore is bound to a loop
            self._slots = (loop, asyncio.Semaphore(self.workers))
        return self._slots[1]

    async def run(self, fn: Callable[[ReadOnlyStore], T], what: str = "query") -> T:
        """``fn(store)`` on a worker thread; QueryTimeout after ``timeout`` seconds."""
        loop = asyncio.get_running_loop()
        cons: list[Any] = []

        def task() -> T:
            cons.append(self.store._store())
            return fn(self.store)

        async with self._semaphore():
            future = loop.run_in_executor(self._executor(), task)
            try:
                return await asyncio.wait_for(asyncio.shield(future), self.timeout)
            except TimeoutError:
                for store in cons:
                    backend = getattr(store, "_backend", None)
                    if backend is not None:
                        backend.con.interrupt()
                raise QueryTimeout(
                    f"the {what} took longer than {self.timeout:g} s and was stopped; "
                    "ask for fewer years or a single year"
                ) from None

    def shutdown(self) -> None:
        """Stop the pool (running calls finish); a later call starts a new one."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


class AnswerCache:
    """Finished JSON answers by key, least recently used dropped first; one computation per key.

    Keys include the store generation, so an ingestion by another process is never served
    stale. Two requests for the same key at once share one computation.
    """

    def __init__(self, size: int = 512):
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._inflight: dict[Hashable, asyncio.Future[Any]] = {}
        self.hits = 0
        self.misses = 0

    async def get(self, key: Hashable, compute: Callable[[], Awaitable[Any]]) -> Any:
        """The cached answer for ``key``, computing it once if absent (errors are not cached)."""
        if self.size <= 0:
            return await compute()
        if key in self._items:
            self._items.move_to_end(key)
            self.hits += 1
            return self._items[key]
        if key in self._inflight:
            self.hits += 1
            return await asyncio.shield(self._inflight[key])
        self.misses += 1
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            value = await compute()
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # mark retrieved: no "never retrieved" warning when nobody waits
            raise
        finally:
            self._inflight.pop(key, None)
        future.set_result(value)
        self._items[key] = value
        if len(self._items) > self.size:
            self._items.popitem(last=False)
        return value


@dataclass
class ApiContext:
    """Everything the routes need, stored on ``app.state.ctx``."""

    store: ReadOnlyStore
    runner: QueryRunner
    cache: AnswerCache
    jobs: Any  # bilat.api.jobs.JobQueue
    started: float = 0.0

    def __post_init__(self) -> None:
        self.started = self.started or time.time()
