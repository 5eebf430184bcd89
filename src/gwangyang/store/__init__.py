"""The embedded store: Parquet files as the source of truth, queried with DuckDB."""

from .store import Store as Store
