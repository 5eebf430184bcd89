"""Parquet footers and their Arrow schemas kept per process: a view made again reads no footer twice.

A table view (:mod:`.view_files`) and ``Store.dask`` read every file's footer and combine the files'
schemas. A store's data files are never written over: a commit writes new files under new names
(``part-<version>-<random id>.parquet``) and compaction replaces files by new ones, so a file's footer is the
same for as long as its path names it. The footers are kept by path and, for a local file, its size and
modification time (``os.stat``, microseconds a file), so a file written anew at the same path (a store
removed and written again) is read again; a remote file (an fsspec URL) is kept by its path alone. Least
recently used footers go past :data:`FOOTER_CACHE_BYTES` of serialized footers.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar, cast

import pyarrow as pa
import pyarrow.parquet as pq

FOOTER_THREADS = 8
"""Footers read at once (each an open, a seek and a read)."""

FOOTER_CACHE_BYTES = 64 * 2**20
"""Serialized footer bytes kept per process (a one-cell file's footer: a few KiB)."""

T = TypeVar("T")

Stamp = tuple[int, int] | None
"""A local file's size and modification time in nanoseconds (None: a remote file, kept by path)."""


class FooterCache:
    """Footers by path and stamp, least recently used out past ``limit`` serialized bytes; thread-safe.

    What is derived from a kept footer (its Arrow schema, the columns it holds no null in) is kept with it,
    found by the footer object (:func:`arrow_schema`, :func:`no_nulls`).
    """

    def __init__(self, limit: int = FOOTER_CACHE_BYTES) -> None:
        self.limit = limit
        self._kept: OrderedDict[str, tuple[Stamp, pq.FileMetaData, int]] = OrderedDict()
        self._derived: dict[int, dict[str, Any]] = {}  # by id() of a kept footer (alive while kept)
        self._bytes = 0
        self._lock = threading.Lock()
        self.reads = 0
        """Footers read from files so far (the tests count what the cache saves)."""

    def clear(self) -> None:
        """Forget every footer."""
        with self._lock:
            self._kept.clear()
            self._derived.clear()
            self._bytes = 0

    def _get(self, path: str, stamp: Stamp) -> pq.FileMetaData | None:
        with self._lock:
            entry = self._kept.get(path)
            if entry is None or entry[0] != stamp:
                return None
            self._kept.move_to_end(path)
            return entry[1]

    def _drop(self, path: str) -> None:
        """Forget one path's footer (the lock held)."""
        old = self._kept.pop(path, None)
        if old is not None:
            self._bytes -= old[2]
            self._derived.pop(id(old[1]), None)

    def _put(self, path: str, stamp: Stamp, footer: pq.FileMetaData) -> None:
        size = max(int(footer.serialized_size), 1)
        with self._lock:
            self.reads += 1
            self._drop(path)
            if size > self.limit:
                return
            self._kept[path] = (stamp, footer, size)
            self._derived[id(footer)] = {}
            self._bytes += size
            while self._bytes > self.limit:
                self._drop(next(iter(self._kept)))

    def derived(self, footer: pq.FileMetaData, key: str, make: Callable[[pq.FileMetaData], T]) -> T:
        """``make(footer)``, kept with the footer under ``key`` while the footer is kept (else made each time)."""
        with self._lock:
            mine = self._derived.get(id(footer))
            if mine is not None and key in mine:
                return cast(T, mine[key])
        value = make(footer)
        with self._lock:
            mine = self._derived.get(id(footer))
            if mine is not None:
                mine[key] = value
        return value

    def read(self, fs: Any, paths: Sequence[str], local: bool) -> list[pq.FileMetaData]:
        """Each path's footer (in their order), read only where not kept or the local file changed.

        Raises
        ------
        OSError, ValueError
            A file that is gone or does not read as Parquet (nothing kept for it).
        """
        stamps: list[Stamp] = []
        for path in paths:
            if local:
                stat = os.stat(path)
                stamps.append((stat.st_size, stat.st_mtime_ns))
            else:
                stamps.append(None)
        found = [self._get(p, s) for p, s in zip(paths, stamps, strict=True)]
        missing = [k for k, footer in enumerate(found) if footer is None]

        def one(k: int) -> pq.FileMetaData:
            with open(paths[k], "rb") if local else fs.open(paths[k], "rb") as handle:
                footer = pq.ParquetFile(handle).metadata
            self._put(paths[k], stamps[k], footer)
            return footer

        if len(missing) <= 1:
            read = [one(k) for k in missing]
        else:
            with ThreadPoolExecutor(min(FOOTER_THREADS, len(missing))) as pool:
                read = list(pool.map(one, missing))
        for k, footer in zip(missing, read, strict=True):
            found[k] = footer
        return cast(list[pq.FileMetaData], found)


FOOTERS = FooterCache()
"""The process's footers (every store's, by path)."""


def read_footers(fs: Any, paths: Sequence[str], local: bool) -> list[pq.FileMetaData]:
    """The Parquet footers of ``paths`` (in their order), from :data:`FOOTERS` where kept."""
    return FOOTERS.read(fs, paths, local)


def arrow_schema(footer: pq.FileMetaData) -> pa.Schema:
    """A footer's Arrow schema (made once for a kept footer)."""
    return FOOTERS.derived(footer, "schema", lambda f: f.schema.to_arrow_schema())


Fields = tuple[tuple[str, pa.DataType], ...]
"""A file's top-level columns: names and Arrow types, in the file's order."""


def fields_of(footer: pq.FileMetaData) -> Fields:
    """A footer's columns as (name, type) pairs (made once for a kept footer; cheaper to walk than a schema)."""
    return FOOTERS.derived(footer, "fields", lambda f: tuple((c.name, c.type) for c in arrow_schema(f)))


def kinds_text(footer: pq.FileMetaData) -> str:
    """A footer's column names and types as one text, no metadata (files of one text share one schema)."""
    return FOOTERS.derived(
        footer, "kinds", lambda f: str(pa.schema([pa.field(n, t) for n, t in fields_of(f)]))
    )


def _no_nulls(footer: pq.FileMetaData) -> frozenset[str]:
    leaves: dict[str, list[int]] = {}
    for i in range(footer.num_columns):
        leaves.setdefault(footer.schema.column(i).path, []).append(i)
    out = set()
    for name, index in leaves.items():
        if len(index) != 1:
            continue
        for g in range(footer.num_row_groups):
            stats = footer.row_group(g).column(index[0]).statistics
            if stats is None or not stats.has_null_count or stats.null_count > 0:
                break
        else:
            out.add(name)
    return frozenset(out)


def no_nulls(footer: pq.FileMetaData) -> frozenset[str]:
    """The columns (one leaf each) a file's statistics say hold no null in any row group (made once when kept)."""
    return FOOTERS.derived(footer, "no_nulls", _no_nulls)
