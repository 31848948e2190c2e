"""Many estimations at once (one gravity model per HS chapter, many Monte Carlo draws) on an
existing engine: joblib's processes on one machine, or Spark's executors on a cluster.

bilat schedules nothing itself. Code that fans out writes ``joblib.Parallel(...)``; the block
``with parallel_backend("spark"):`` sends those same tasks to Spark through ``joblibspark``,
so the scenarios' Monte Carlo (``UncertaintySpec(n_jobs=…)``) and :func:`estimate_by` run on a
cluster unchanged.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import pandas as pd

from bilat.errors import BilatError, InputError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

Workers = Literal["serial", "joblib", "spark"]
WORKERS: tuple[str, ...] = ("serial", "joblib", "spark")


@contextlib.contextmanager
def parallel_backend(
    workers: str = "joblib",
    n_jobs: int = -1,
    *,
    session: SparkSession | None = None,
    master: str | None = None,
) -> Iterator[None]:
    """Run the block's ``joblib.Parallel`` calls serially, on local processes or on Spark.

    ``workers``: ``serial``; ``joblib`` (loky processes on this machine); ``spark`` (one Spark
    task per joblib batch, through joblibspark, on ``session`` or a session for ``master``,
    default ``BILAT_SPARK_MASTER``). ``n_jobs``: workers at once (-1: all cores / all slots).
    """
    import joblib

    if workers not in WORKERS:
        raise InputError(f"workers {workers!r} is not one of {', '.join(WORKERS)}")
    if workers == "serial":
        with joblib.parallel_config(backend="sequential", n_jobs=1):
            yield
        return
    if workers == "joblib":
        with joblib.parallel_config(backend="loky", n_jobs=n_jobs):
            yield
        return
    try:
        from joblibspark import register_spark
    except ImportError as exc:
        raise BilatError(
            "parallel work on Spark needs joblibspark: pip install joblibspark"
        ) from exc
    from bilat.store.engines.spark import spark_session

    if session is None:
        spark_session(master)  # joblibspark finds the active session
    register_spark()
    with warnings.catch_warnings(), joblib.parallel_config(backend="spark", n_jobs=n_jobs):
        # local mode has no stage-level scheduling; joblibspark warns on every call
        warnings.filterwarnings("ignore", message="Spark local mode doesn't support stage-level")
        warnings.filterwarnings("ignore", message="Spark session is not provided")
        yield


@dataclass(frozen=True)
class GroupEstimates:
    """One PPML gravity fit per group (e.g. HS chapter): coefficients, and groups that failed."""

    by: str
    formula: str
    table: pd.DataFrame = field(repr=False)  # group, term, estimate, std_error, p_value, nobs
    failed: dict[str, str] = field(default_factory=dict)

    def coef(self, group: str, term: str) -> float:
        """One group's point estimate of ``term`` (log points)."""
        row = self.table[(self.table.group == group) & (self.table.term == term)]
        if row.empty:
            raise InputError(f"no estimate of {term!r} for {self.by} {group!r}")
        return float(row.estimate.iloc[0])

    def to_frame(self) -> pd.DataFrame:
        """The tidy table: one row per group and term."""
        return self.table.copy()

    def __str__(self) -> str:
        lines = [f"PPML gravity by {self.by}: {self.formula}", self.table.to_string(index=False)]
        lines += [f"  {self.by} {g}: not estimated: {why}" for g, why in self.failed.items()]
        return "\n".join(lines)

    def __repr__(self) -> str:
        groups = self.table.group.nunique() if len(self.table) else 0
        return f"<GroupEstimates by {self.by}: {groups} estimated, {len(self.failed)} failed>"

    def _repr_html_(self) -> str:
        from bilat.render.html import Section, fragment, table

        failed = [f"failed: {g}: {w}" for g, w in self.failed.items()]
        title = f"PPML gravity by {self.by}: {self.formula}"
        return fragment(Section(title, [table(self.table)], footer=failed))


def _fit_one(
    group: str, frame: pd.DataFrame, formula: str, cluster: str | None
) -> tuple[str, pd.DataFrame | None, str]:
    """Estimate one group; returns (group, coefficients or None, why it failed)."""
    from bilat.scenarios.gravity.estimate import estimate

    try:
        res = estimate(frame, formula, cluster=cluster)
    except BilatError as exc:  # one chapter without variation must not sink the others
        return group, None, str(exc)
    coefs = res.coefficients.reset_index()[["term", "estimate", "std_error", "p_value"]]
    return group, coefs.assign(nobs=res.nobs), ""


def estimate_by(
    panel: pd.DataFrame,
    by: str,
    formula: str | None = None,
    *,
    cluster: str | None = "pair_id",
    workers: str = "joblib",
    n_jobs: int = -1,
    session: SparkSession | None = None,
) -> GroupEstimates:
    """One PPML gravity model per value of ``by`` (e.g. ``chapter``), fitted in parallel.

    ``panel`` is a gravity panel (``bilat.scenarios.gravity.build_panel`` plus the column
    ``by``); trade in USD. ``workers``: ``serial``, ``joblib`` (this machine) or ``spark``
    (the cluster of ``BILAT_SPARK_MASTER``, or ``session``). Every group is fitted exactly as
    ``bilat.scenarios.gravity.estimate`` would, so the answer does not depend on ``workers``.
    """
    from joblib import Parallel, delayed

    from bilat.scenarios.gravity.estimate import DEFAULT_FORMULA

    formula = formula or DEFAULT_FORMULA
    if by not in panel.columns:
        raise InputError(f"panel has no column {by!r} to split by; columns are {list(panel)}")
    groups = [(str(g), part) for g, part in panel.groupby(by, sort=True, observed=True)]
    if not groups:
        raise InputError(f"panel is empty: nothing to estimate by {by!r}")
    with parallel_backend(workers, n_jobs, session=session):
        # each task ships only its group's rows (not the whole panel) to the worker
        out = Parallel()(delayed(_fit_one)(g, part, formula, cluster) for g, part in groups)
    fitted = [c.assign(group=g) for g, c, _ in out if c is not None]
    failed = {g: why for g, c, why in out if c is None}
    cols = ["group", "term", "estimate", "std_error", "p_value", "nobs"]
    table = pd.concat(fitted, ignore_index=True)[cols] if fitted else pd.DataFrame(columns=cols)
    return GroupEstimates(by=by, formula=formula, table=table, failed=failed)
