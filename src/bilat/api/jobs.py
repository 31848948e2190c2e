"""Background scenario runs: a job per request, run one at a time, polled for progress.

Jobs live in memory (a restart forgets them). The queue is bounded: when ``max_pending`` jobs
are waiting or running, a new one is refused rather than queued without end.
"""

from __future__ import annotations

import queue
import threading
import time
import uuid
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Any

from bilat.api.context import ReadOnlyStore
from bilat.errors import BilatError, InputError

_FINISHED = ("done", "failed")


class QueueFull(BilatError, RuntimeError):
    """Too many scenario runs are waiting; try again when one has finished."""


@dataclass(frozen=True)
class ScenarioRequest:
    """What to run: a shipped scenario by file name, with optional σ and Monte Carlo draws."""

    name: str
    sigma: float | None = None
    draws: int | None = None
    level: float = 0.9
    seed: int = 0
    deficits: str | None = None  # None: the scenario's (multiplicative unless it says)
    normalisation: str | None = None


@dataclass(frozen=True)
class Job:
    """A snapshot of a job: state, progress (0–1), the stage in words, result or error."""

    id: str
    name: str
    state: str = "queued"
    progress: float = 0.0
    stage: str = "waiting for a free worker"
    submitted: float = field(default_factory=time.time)
    finished: float | None = None
    error: str | None = None
    result: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (``JobOut``)."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def shipped() -> list[str]:
    """File names of the scenarios shipped with bilat (the only ones the API runs)."""
    from bilat.scenarios.scenario import shipped_names

    return shipped_names()


def load_shipped(name: str) -> Any:
    """The shipped scenario ``name``, read from the package, never from a path in a request."""
    from bilat.scenarios import load

    names = shipped()
    if name not in names:
        raise InputError(f"no shipped scenario {name!r}; choose one of {', '.join(names)}")
    with resources.as_file(resources.files("bilat.scenarios") / "data" / name) as path:
        return load(path)


class RequestError(InputError):
    """A scenario request that cannot run, tied to the request field (``field``) to blame."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


def prepare(request: ScenarioRequest) -> Any:
    """The shipped scenario with the request's options applied, checked as a run would check
    it (σ, deficits, normalisation, draws), so that a bad job is refused at submission."""
    from bilat.scenarios import UncertaintySpec
    from bilat.scenarios.scenario import check_uncertainty

    scenario = load_shipped(request.name)
    try:
        if request.sigma is not None:
            scenario = scenario.with_sigma(request.sigma)
    except InputError as exc:
        raise RequestError("sigma", str(exc)) from None
    try:
        if request.deficits is not None:
            scenario = scenario.with_deficits(request.deficits)  # type: ignore[arg-type]
    except InputError as exc:
        raise RequestError("deficits", str(exc)) from None
    try:
        if request.normalisation is not None:
            scenario = scenario.with_normalisation(request.normalisation)  # type: ignore[arg-type]
    except InputError as exc:
        raise RequestError("normalisation", str(exc)) from None
    try:
        if request.draws is not None:
            scenario = scenario.with_uncertainty(
                UncertaintySpec(draws=request.draws, level=request.level, seed=request.seed)
            )
        check_uncertainty(scenario)
    except InputError as exc:
        raise RequestError("draws", f"{request.name}: {exc}") from None
    return scenario


class JobQueue:
    """Runs scenario jobs one at a time on a worker thread; keeps the last ``keep`` finished.

    The worker is a daemon thread: a server that stops does not wait for a long Monte Carlo
    run to end (the job is lost with the process, as every job is on a restart).
    """

    def __init__(
        self, store: ReadOnlyStore, *, max_pending: int = 8, keep: int = 100, max_draws: int = 200
    ):
        self.store = store
        self.max_pending = max_pending
        self.keep = keep
        self.max_draws = max_draws
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._queue: queue.Queue[tuple[str, ScenarioRequest] | None] = queue.Queue()
        self._worker: threading.Thread | None = None

    def _start(self) -> None:
        if self._worker is None or not self._worker.is_alive():
            # each worker has its own queue, so a stop signal never reaches its successor
            self._queue = queue.Queue()
            self._worker = threading.Thread(
                target=self._loop, args=(self._queue,), name="bilat-scenario", daemon=True
            )
            self._worker.start()

    def _loop(self, inbox: queue.Queue[tuple[str, ScenarioRequest] | None]) -> None:
        while (item := inbox.get()) is not None:
            self._run(*item)

    def submit(self, request: ScenarioRequest) -> Job:
        """Queue a run (InputError for an unknown scenario or too many draws, QueueFull when
        too many wait)."""
        if request.draws is not None and request.draws > self.max_draws:
            raise RequestError(
                "draws", f"at most {self.max_draws} Monte Carlo draws on this server"
            )
        prepare(request)  # fail now, not in the background: bad name, options or draws
        with self._lock:
            pending = sum(j.state not in _FINISHED for j in self._jobs.values())
            if pending >= self.max_pending:
                raise QueueFull(
                    f"{pending} scenario runs are already waiting or running; "
                    "poll one of them and try again when it has finished"
                )
            job = Job(id=uuid.uuid4().hex, name=request.name)
            self._jobs[job.id] = job
            self._forget_old()
            self._start()
            self._queue.put((job.id, request))
        return job

    def get(self, job_id: str) -> Job | None:
        """The job's current snapshot, or None if unknown (or forgotten)."""
        with self._lock:
            return self._jobs.get(job_id)

    def _update(self, job_id: str, **changes: Any) -> None:
        with self._lock:
            self._jobs[job_id] = replace(self._jobs[job_id], **changes)

    def _forget_old(self) -> None:
        done = [j for j in self._jobs.values() if j.state in _FINISHED]
        for j in sorted(done, key=lambda j: j.submitted)[: max(0, len(done) - self.keep)]:
            del self._jobs[j.id]

    def _run(self, job_id: str, request: ScenarioRequest) -> None:
        from bilat.api import serialize
        from bilat.scenarios import baseline_for, run

        step = self._update
        try:
            step(job_id, state="running", progress=0.05, stage="reading the scenario")
            scenario = prepare(request)
            step(job_id, progress=0.15, stage="building the baseline from the store")
            store = self.store.open_store()
            base = baseline_for(scenario, store)
            what = "solving the general equilibrium"
            if scenario.uncertainty is not None:
                what += f" and {scenario.uncertainty.draws} Monte Carlo draws"
            step(job_id, progress=0.5, stage=what)
            result = run(scenario, store, baseline=base)
            body = serialize.scenario(result)
        except BilatError as exc:
            step(
                job_id,
                state="failed",
                progress=1.0,
                stage="failed",
                error=str(exc),
                finished=time.time(),
            )
            return
        except Exception as exc:  # a bug, not a user error: report it on the job, keep serving
            step(
                job_id,
                state="failed",
                progress=1.0,
                stage="failed",
                error=f"internal error: {type(exc).__name__}: {exc}",
                finished=time.time(),
            )
            return
        step(job_id, state="done", progress=1.0, stage="done", result=body, finished=time.time())

    def shutdown(self) -> None:
        """Stop the worker after the job it is running (queued jobs are dropped); a later
        submit starts a new worker."""
        with self._lock:
            worker, self._worker = self._worker, None
            if worker is None:
                return
            while True:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is not None:
                    self._jobs[item[0]] = replace(
                        self._jobs[item[0]],
                        state="failed",
                        stage="failed",
                        error="the server stopped before this run started",
                        finished=time.time(),
                    )
            self._queue.put(None)
