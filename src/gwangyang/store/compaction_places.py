"""Where a compaction put the cells it moved, kept in arrays: no Python object per cell and table.

A compaction of 10^5 cells used to keep one :class:`.catalog.Location` (with its list of row groups) in a
dict per moved cell until its catalog commit; :class:`Places` keeps, per table, the cell's row in the
snapshot's frame, the file (an index into the files written), the first row group and how many, whether the
row groups are shared and the schema (an index into the distinct schema texts), in arrays of 32-bit integers.
"""

from __future__ import annotations

from array import array
from collections.abc import Mapping

import numpy as np
import pandas as pd

from .catalog import TABLES, Location, encode_schema

_PARTS = ("row", "file", "first", "count", "filter", "schema")
"""What :class:`Places` keeps per moved cell and table."""


class Places:
    """The new places of the cells a compaction moved, per table, in arrays.

    Parameters
    ----------
    index
        The snapshot's cell ids, in its frame's row order (a moved cell is kept as its row).
    """

    def __init__(self, index: pd.Index) -> None:
        self._index = index
        self._files: dict[str, int] = {}
        self._schemas: dict[str | None, int] = {}
        self._parts = {t: {p: array("i") for p in _PARTS} for t in TABLES}
        self._odd: dict[tuple[str, int], list[int] | None] = {}
        """Row groups that are not one run (none is so written; kept whole if one ever is), by table and row."""

    def add(self, table: str, locations: Mapping[str, Location]) -> None:
        """Keep where ``locations`` put some cells' rows of ``table`` (each with its schema set)."""
        if not locations:
            return
        rows = self._index.get_indexer(pd.Index(list(locations), dtype=object))
        if (rows < 0).any():
            raise KeyError("compaction moved a cell the snapshot does not hold")
        parts = self._parts[table]
        for row, where in zip(rows.tolist(), locations.values(), strict=True):
            groups = where.row_groups
            first = groups[0] if groups else 0
            count = len(groups) if groups is not None else -1
            if groups is None or groups != list(range(first, first + count)):
                self._odd[(table, row)] = None if groups is None else list(groups)
            text = None if where.schema is None else encode_schema(where.schema)
            parts["row"].append(row)
            parts["file"].append(self._files.setdefault(where.file, len(self._files)))
            parts["first"].append(first)
            parts["count"].append(count)
            parts["filter"].append(int(where.filter))
            parts["schema"].append(self._schemas.setdefault(text, len(self._schemas)))

    def rows(self) -> np.ndarray:
        """The frame rows of every moved cell (any table), sorted, each once."""
        every = [np.frombuffer(self._parts[t]["row"], dtype=np.int32).astype(np.int64) for t in TABLES]
        return np.unique(np.concatenate(every)) if every else np.empty(0, dtype=np.int64)

    def __len__(self) -> int:
        """How many cells moved."""
        return len(self.rows())

    def frame(self, live: pd.DataFrame, version: int) -> pd.DataFrame:
        """``live`` (a snapshot's cells, without their metadata) with the moved tables' new places, at ``version``.

        A copy: the snapshot's frame stays as it is (a reader may hold it).
        """
        out = live.copy()
        versions = out["version"].to_numpy(copy=True)
        versions[self.rows()] = version
        out["version"] = versions
        files = np.array(list(self._files), dtype=object)
        schemas = np.empty(len(self._schemas), dtype=object)
        schemas[:] = list(self._schemas)
        for table in TABLES:
            parts = {
                p: np.frombuffer(a, dtype=np.int32).astype(np.int64) for p, a in self._parts[table].items()
            }
            rows = parts["row"]
            if not len(rows):
                continue
            groups = np.empty(len(rows), dtype=object)
            for n, (row, first, count) in enumerate(
                zip(rows.tolist(), parts["first"].tolist(), parts["count"].tolist(), strict=True)
            ):
                odd = (table, row) in self._odd
                groups[n] = self._odd[(table, row)] if odd else list(range(first, first + count))
            for part, values in (
                ("file", files[parts["file"]]),
                ("rgs", groups),
                ("filter", parts["filter"].astype(bool)),
                ("schema", schemas[parts["schema"]]),
            ):
                column = out[f"{table}_{part}"].to_numpy(dtype=object, copy=True)
                column[rows] = values
                out[f"{table}_{part}"] = column
        return out
