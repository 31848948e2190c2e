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
from typing import TYPE_CHECKING, Any, TypeVar

from bilat.errors import BilatError

if TYPE_CHECKING:
    from bilat.store import Store
    from bilat.store.session import StoreSession

T = TypeVar("T")


class QueryTimeout(BilatError, TimeoutError):
    """A query ran longer than the server allows."""


class ReadOnlyStore:
    """The store as the API sees it: tables to read, no ingest and no remove.

    DuckDB connections are not shared between threads, so each worker thread opens its own
    ``Store`` and so its own ``StoreSession`` (one in-memory DuckDB with views over the same
    Parquet files, and the caches of the store's current state).
    """

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self._local = threading.local()

    def _store(self) -> Store:
        from bilat.store import Store

        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = Store(self.root)
        return store

    @property
    def session(self) -> StoreSession:
        """This thread's session over the store (what the routes' library calls receive)."""
        return self._store().session

    def table(self, name: str) -> Any:
        """The ibis expression of a store table (flows, macro, distances, agreements, regions)."""
        return self.session.table(name)

    def coverage(self) -> Any:
        """What each flows source covers per (source, year): see ``StoreSession.coverage``."""
        return self.session.coverage()

    def open_store(self) -> Store:
        """This thread's ``Store`` (for library calls that want a Store, e.g. scenarios)."""
        return self._store()

    @property
    def generation(self) -> int:
        """The manifest generation: it changes whenever the data change (read from disk)."""
        from bilat.store.manifest import load
        from bilat.store.session import MANIFEST

        return int(load(self.root / MANIFEST).generation)

    def datasets(self) -> Any:
        """One row per (table, source, dataset, release), as ``Store.datasets``."""
        return self._store().datasets()


#: The query runner's lanes: each has its own threads and queue, so a burst of one kind of work
#: (six 150 KB articles to check) never makes another (a pair's flows) wait behind it.
LANES = ("ledger", "claims")


class QueryRunner:
    """Runs blocking ledger calls and claim checks on bounded thread pools, each with a limit.

    Each lane (``LANES``: ledger reads, claim checks; scenario runs have their own worker, see
    ``bilat.api.jobs``) has ``workers`` threads and its own queue. A call's ``timeout`` counts
    from its arrival: time spent waiting for a free worker is part of it, so a queued request
    is answered 504 after ``timeout`` seconds, not after the queue plus ``timeout``. A running
    call over the limit raises QueryTimeout and its DuckDB query is interrupted.
    """

    def __init__(
        self,
        store: ReadOnlyStore,
        *,
        workers: int = 2,
        timeout: float = 30.0,
        lanes: dict[str, int] | None = None,
    ):
        self.store = store
        self.timeout = timeout
        self.workers = workers
        # claim checks are pure Python (one core each): one thread, so they leave the other
        # core to the ledger
        self.lanes = dict(lanes or {"ledger": workers, "claims": max(1, workers // 2)})
        self._pools: dict[str, ThreadPoolExecutor] = {}
        self._slots: dict[str, tuple[asyncio.AbstractEventLoop, asyncio.Semaphore]] = {}

    def _executor(self, lane: str = "ledger") -> ThreadPoolExecutor:
        # created on first use and again after a shutdown (test clients run the lifespan often)
        if lane not in self._pools:
            self._pools[lane] = ThreadPoolExecutor(
                self.lanes[lane], thread_name_prefix=f"bilat-{lane}"
            )
        return self._pools[lane]

    def _semaphore(self, lane: str = "ledger") -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        slot = self._slots.get(lane)
        if slot is None or slot[0] is not loop:  # a semaphore is bound to a loop
            slot = self._slots[lane] = (loop, asyncio.Semaphore(self.lanes[lane]))
        return slot[1]

    async def run(
        self, fn: Callable[[StoreSession], T], what: str = "query", lane: str = "ledger"
    ) -> T:
        """``fn(session)`` on a worker thread of ``lane`` (that thread's ``StoreSession``);
        QueryTimeout ``timeout`` seconds after the call arrived (waiting included)."""
        if lane not in self.lanes:
            raise ValueError(f"no lane {lane!r}; lanes are {', '.join(self.lanes)}")
        loop = asyncio.get_running_loop()
        arrived = loop.time()
        deadline = time.monotonic() + self.timeout
        sessions: list[StoreSession] = []

        def task() -> T:
            if time.monotonic() > deadline:  # its request was already answered 504: skip it
                raise QueryTimeout(f"the {what} was not started: its time was up")
            session = self.store.session
            sessions.append(session)
            return fn(session)

        slots = self._semaphore(lane)
        try:
            await asyncio.wait_for(slots.acquire(), self.timeout)
        except TimeoutError:
            raise QueryTimeout(
                f"the {what} waited {self.timeout:g} s for a free worker (the server is busy "
                "with other requests) and was not started; try again shortly"
            ) from None
        try:
            left = max(self.timeout - (loop.time() - arrived), 0.001)
            future = loop.run_in_executor(self._executor(lane), task)
            try:
                return await asyncio.wait_for(asyncio.shield(future), left)
            except TimeoutError:
                for session in sessions:
                    session.interrupt()
                raise QueryTimeout(
                    f"the {what} took longer than {self.timeout:g} s and was stopped; "
                    "ask for fewer years or a single year"
                ) from None
        finally:
            slots.release()

    def shutdown(self) -> None:
        """Stop the pools (running calls finish); a later call starts new ones."""
        pools, self._pools = self._pools, {}
        for pool in pools.values():
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
