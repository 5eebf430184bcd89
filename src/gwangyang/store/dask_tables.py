"""A store's table of every cell as a Dask dataframe over one snapshot's files (dead rows dropped).

The same rows as the table's SQL view (:func:`.views.table_view_sql`), read by Dask instead of DuckDB,
locally or on a cluster (``Store.dask``, :mod:`.fleet`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import InputError
from .catalog import TABLES

if TYPE_CHECKING:
    from .store import Store


def dask_table(store: Store, table: str, columns: list[str] | None = None) -> Any:
    """Every cell's rows of ``table`` as a Dask dataframe over the snapshot's files (dead rows dropped).

    Its columns are the cells' own, as the SQL view's: none from the folders ``lot=`` and ``bucket=``.
    Works on a local folder and on any fsspec URL (``s3://...``; pass credentials as the store's
    ``storage_options``). Run it on a cluster with ``dask.distributed.Client`` (which reads
    ``$DASK_SCHEDULER_ADDRESS``).
    """
    import dask.dataframe as dd

    if table not in TABLES:
        raise InputError(f"table: expected one of {', '.join(TABLES)}, got {table!r}.")
    snap = store.snapshot()
    files = snap.files(table)
    if not files:
        raise InputError(f"table {table}: no cell in {store.url or store.root} has it.")
    dead = snap.dead_pairs(table)
    frames = []
    options = {"filesystem": store.fs, "dataset": {"partitioning": None}}  # no columns from folder names
    dirty = set(dead["file"]) if len(dead) else set()
    clean = [store.path_of(f) for f in files if f not in dirty]
    if clean:
        frames.append(dd.read_parquet(clean, columns=columns, **options))
    for file in sorted(dirty):
        gone = set(dead[dead["file"] == file]["cell_id"].astype(str))
        wanted = None if columns is None else list(dict.fromkeys([*columns, "cell_id"]))
        part = dd.read_parquet([store.path_of(file)], columns=wanted, **options)
        part = part[~part["cell_id"].isin(sorted(gone))]
        frames.append(part if columns is None else part[columns])
    return frames[0] if len(frames) == 1 else dd.concat(frames)
