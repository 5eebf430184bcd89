"""A store's table of every cell as a Dask dataframe over one snapshot's files (dead rows dropped).

The same columns and rows as the table's SQL view (:func:`.views.table_view`), read by Dask instead
of DuckDB, locally or on a cluster (``Store.dask``, :mod:`.fleet`): the files' columns united by name in
the view's order, a column a file lacks as nulls, one dtype per column for every partition
(:mod:`.table_union`). A partition is one file, or up to :data:`PART_ROWS` rows of its row groups.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..errors import InputError
from .catalog import TABLES
from .table_union import TableUnion, conform, to_pandas
from .view_files import view_files

if TYPE_CHECKING:
    from .store import Store

PART_ROWS = 1 << 20
"""Rows a partition aims at (a compacted file of 4 million rows is read as four partitions)."""

Part = tuple[str, tuple[int, ...], tuple[str, ...], tuple[str, ...] | None]
"""One partition: a file's path, its row groups, the dead cells whose rows it leaves out, the columns its live
cells have (None: all; the others read as nulls)."""


class _ReadPart:
    """Reads one partition: the file's row groups, dead rows dropped, brought to the union's columns and dtypes.

    Dask's optimiser passes fewer ``columns`` when a query needs fewer.
    """

    def __init__(
        self, fs: Any, local: bool, union: TableUnion, columns: list[str], pyarrow_strings: bool, token: str
    ) -> None:
        self.fs = fs
        self.local = local
        self.union = union
        self._columns = columns
        self.pyarrow_strings = pyarrow_strings
        self.token = token

    def __dask_tokenize__(self) -> tuple[str, tuple[str, ...], bool]:
        return (self.token, tuple(self._columns), self.pyarrow_strings)

    def __call__(self, part: Part, columns: list[str] | None = None) -> pd.DataFrame:
        path, groups, gone, kept = part
        wanted_columns = self._columns if columns is None else list(columns)
        with open(path, "rb") if self.local else self.fs.open(path, "rb") as handle:
            parquet = pq.ParquetFile(handle)
            present = set(parquet.schema_arrow.names)
            if kept is not None:  # a column only dead cells had reads as nulls (its live rows are null)
                present &= {*kept, "cell_id"}
            wanted = [*wanted_columns, *(["cell_id"] if gone and "cell_id" not in wanted_columns else [])]
            data = parquet.read_row_groups(list(groups), columns=[c for c in wanted if c in present])
        if gone:
            data = data.filter(pc.invert(pc.is_in(data["cell_id"], pa.array(list(gone), pa.string()))))
        return to_pandas(conform(data, self.union, wanted_columns), self.union, self.pyarrow_strings)


def _parts(
    path: str, footer: pq.FileMetaData, gone: tuple[str, ...], kept: frozenset[str] | None
) -> list[Part]:
    """A file's partitions: consecutive row groups of up to :data:`PART_ROWS` rows (one, if the file has none)."""
    keep = None if kept is None else tuple(sorted(kept))
    out: list[Part] = []
    groups: list[int] = []
    rows = 0
    for g in range(footer.num_row_groups):
        n = footer.row_group(g).num_rows
        if groups and rows + n > PART_ROWS:
            out.append((path, tuple(groups), gone, keep))
            groups, rows = [], 0
        groups.append(g)
        rows += n
    out.append((path, tuple(groups), gone, keep))
    return out


def dask_table(store: Store, table: str, columns: Sequence[str] | None = None) -> Any:
    """Every cell's rows of ``table`` as a Dask dataframe over the snapshot's files (dead rows dropped).

    Parameters
    ----------
    store
        The store: a local folder or any fsspec URL (``s3://...``; credentials as the store's
        ``storage_options``).
    table
        ``timeseries``, ``cycles``, ``curves`` or ``steps``.
    columns
        The columns wanted, in this order; default every column of the SQL view, in its order.

    Returns
    -------
    dask.dataframe.DataFrame
        The SQL view's columns and rows (``SELECT * FROM <table>``): the cells' own columns united by
        name (none from the folders ``lot=`` and ``bucket=``), a column a cell lacks as nulls (``NaN``,
        ``<NA>`` in an ``Int64`` or ``boolean`` column), one dtype per column in every partition. A
        column that is text in some files and numbers in others is text (:class:`.MixedColumnWarning`).
        Run it on a cluster with ``dask.distributed.Client`` (which reads ``$DASK_SCHEDULER_ADDRESS``).
    """
    import dask.dataframe as dd
    from dask.base import tokenize
    from dask.dataframe.utils import pyarrow_strings_enabled

    if table not in TABLES:
        raise InputError(f"table: expected one of {', '.join(TABLES)}, got {table!r}.")
    snap = store.snapshot()
    found = view_files(store, snap, table, warn=True)
    if found is None:
        raise InputError(f"table {table}: no cell in {store.url or store.root} has it.")
    union = found.union
    wanted = list(union.schema.names) if columns is None else list(columns)
    unknown = [c for c in wanted if c not in union.schema.names]
    if unknown:
        raise InputError(
            f"table {table}: no column {', '.join(map(repr, unknown))} in any cell "
            f"(columns: {', '.join(union.schema.names)})."
        )
    for column, line in union.clashes:
        if column in wanted:
            raise InputError(line)
    parts: list[Part] = []
    for file, footer, kept in zip(found.files, found.footers, found.keep, strict=True):
        parts.extend(_parts(store.path_of(file), footer, found.dead.get(file, ()), kept))
    strings = pyarrow_strings_enabled()  # Dask's dataframe.convert-string, on by default
    token = tokenize(parts, str(union.schema))  # the files, their row groups and dead cells: the rows
    reader = _ReadPart(store.fs, store.local, union, wanted, strings, token)
    meta = to_pandas(conform(union.schema.empty_table(), union, wanted), union, strings)
    return dd.from_map(reader, parts, meta=meta, label=f"store-{table}", enforce_metadata=False)
