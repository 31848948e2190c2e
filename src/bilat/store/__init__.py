"""The canonical Parquet store with a manifest; atomic, idempotent ingestion; Ibis on DuckDB."""

from bilat.store.store import FileResult, Store

__all__ = ["FileResult", "Store"]
