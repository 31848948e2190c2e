"""Which query engine runs the ledger: DuckDB on one machine (default) or Spark for a cluster.

``Store(path, engine="spark")`` (or ``--engine spark``, ``BILAT_ENGINE=spark``) reads the same
store through Spark; ``bilat.store.session.SparkStore`` does it with a given SparkSession.

Settings are read when asked, never at import: the argument, else ``BILAT_ENGINE``, else
``duckdb``; Spark's master the argument, else ``BILAT_SPARK_MASTER``, else ``local[2]``.
"""

from __future__ import annotations

import os
import warnings
from typing import TYPE_CHECKING, Literal

from bilat.errors import BilatError, InputError

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pandas as pd

Engine = Literal["duckdb", "spark"]
ENGINES: tuple[str, ...] = ("duckdb", "spark")
DEFAULT_SPARK_MASTER = "local[2]"

#: The type every engine sums USD values in: exact decimals, so a sum is the same whatever
#: order the engine's threads add the rows in (floats summed in parallel differ in their last
#: digits from run to run), then back to a float. Ten decimals hold a double of a flow's size
#: closely enough that a sum differs from the exactly rounded float sum by < 1e-5 USD.
USD_SUM_TYPE = "decimal(38, 10)"


def engine_setting(explicit: str | None = None) -> Engine:
    """The engine to use: the argument, else ``BILAT_ENGINE``, else ``duckdb``."""
    name = explicit or os.environ.get("BILAT_ENGINE") or "duckdb"
    name = name.strip().lower()
    if name not in ENGINES:
        where = "" if explicit else " (from BILAT_ENGINE)"
        raise InputError(f"engine {name!r}{where} is not one of {', '.join(ENGINES)}")
    return name  # type: ignore[return-value]


def spark_master(explicit: str | None = None) -> str:
    """Spark's master URL: the argument, else ``BILAT_SPARK_MASTER``, else ``local[2]``.

    Any master Spark accepts: ``local[N]``, ``spark://host:7077``, ``yarn``, ``k8s://…``,
    or a Spark Connect address ``sc://host:15002``.
    """
    return explicit or os.environ.get("BILAT_SPARK_MASTER") or DEFAULT_SPARK_MASTER


def spark_location(explicit: str | None = None) -> str | None:
    """Where Spark reads the store's Parquet files, if not the store's own folder.

    The argument, else ``BILAT_SPARK_LOCATION`` (e.g. ``s3a://bucket/bilat-store``: a copy of
    the store folder that the cluster can read), else None (the local folder).
    """
    return explicit or os.environ.get("BILAT_SPARK_LOCATION") or None


class EngineError(BilatError, RuntimeError):
    """A query the chosen engine cannot run as written; names the operation and the engine."""

    def __init__(self, operation: str, engine: str, detail: str = "", fix: str = ""):
        self.operation, self.engine = operation, engine
        msg = f"{operation}: not supported on the {engine} engine"
        if detail:
            msg += f" ({detail})"
        msg += "; " + (fix or "run this question with --engine duckdb (BILAT_ENGINE=duckdb)")
        super().__init__(msg)


def engine_of(expr: ir.Expr) -> str:
    """The name of the engine an expression runs on (``duckdb``, ``pyspark`` …)."""
    import ibis

    backend = ibis.get_backend(expr)
    return str(getattr(backend, "name", type(backend).__module__))


def execute(expr: ir.Expr) -> pd.DataFrame:
    """Run an expression on its engine; what the engine lacks raises EngineError, never a
    silently different answer.

    Ibis refuses at compile time an operation it cannot translate for the engine; Spark (with
    ANSI SQL, its default from 4.0) refuses at run time arithmetic that DuckDB would turn into
    inf or NaN, such as a share of a zero total. Both become one error naming the operation.
    """
    import ibis.common.exceptions as com

    try:
        with warnings.catch_warnings():
            # pyspark warns that Arrow "has reached the error below": the error is raised anyway
            warnings.filterwarnings("ignore", message="toPandas attempted Arrow optimization")
            return expr.execute()
    except (com.OperationNotDefinedError, com.UnsupportedOperationError) as exc:
        op = getattr(exc, "args", [""])[0]
        raise EngineError(_operation_name(str(op)), engine_of(expr), str(exc)) from exc
    except Exception as exc:
        # only Spark's ANSI arithmetic errors are translated; anything else is a real failure
        name = type(exc).__name__
        if name in ("ArithmeticException", "SparkArithmeticException") or "DIVIDE_BY_ZERO" in str(
            exc
        ):
            first = str(exc).splitlines()[0]
            raise EngineError(
                "arithmetic (division by zero or overflow)",
                engine_of(expr),
                first,
                "Spark's ANSI mode refuses it where DuckDB would give inf or NaN; report the "
                "question, or run it with --engine duckdb",
            ) from exc
        raise


def _operation_name(message: str) -> str:
    # ibis: "Compilation rule for 'Kurtosis' operation is not defined"
    if "'" in message:
        return message.split("'")[1]
    return message or "an operation"


__all__ = [
    "DEFAULT_SPARK_MASTER",
    "ENGINES",
    "Engine",
    "EngineError",
    "engine_of",
    "engine_setting",
    "execute",
    "spark_location",
    "spark_master",
]
