"""The embedded store: cells as Parquet files queried with DuckDB, and every other kept result (:mod:`.artifacts`)."""

from . import artifacts as artifacts
from .store import Store as Store
