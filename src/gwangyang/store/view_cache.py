"""The process's cache of organisation-scoped view tables (Arrow), kept between queries while a snapshot lasts.

:class:`ViewCache` is thread-safe and least-recently-used by bytes; :data:`VIEW_CACHE` is the one instance
the process's queries share (:func:`.scoped_views.connect_cells` fills it) and :func:`clear_view_cache`
empties it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import pyarrow as pa

from .snapshot import Snapshot

VIEW_CACHE_BYTES = 256 * 2**20
"""Bytes of organisation-scoped view tables (Arrow) a process keeps between queries; least recently used go first."""


class ViewCache:
    """The Arrow tables behind organisation-scoped views, kept between queries (thread-safe, LRU by bytes).

    An entry's key names everything its rows depend on: the store, the exact set of cells (so one
    organisation's tables are never another's), the view, and for ``production`` the manifest's
    stamp, the parts read and the cells left out. Entries of a store live as long as its snapshot:
    the first lookup with another snapshot (a commit, a compaction: the catalog hands out a new
    object) drops them all, so a query after an ingest reads the new rows. A table computed from
    an older snapshot than the current one is not kept.

    Parameters
    ----------
    budget
        Bytes kept at most (:data:`VIEW_CACHE_BYTES`); a larger table is used once and not kept.
    """

    def __init__(self, budget: int = VIEW_CACHE_BYTES) -> None:
        self.budget = budget
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[Any, ...], tuple[pa.Table | None, int]] = OrderedDict()
        self._snapshots: dict[str, Snapshot] = {}
        self._bytes = 0
        self.hits = 0
        self.misses = 0

    def _forget(self, slot: str) -> None:
        for key in [k for k in self._entries if k[0] == slot]:
            self._bytes -= self._entries.pop(key)[1]

    def get(
        self, slot: str, snap: Snapshot, key: tuple[Any, ...], make: Callable[[], pa.Table | None]
    ) -> pa.Table | None:
        """The table of ``(slot, *key)`` under ``snap``, made by ``make()`` (outside the lock) on a miss."""
        full = (slot, *key)
        with self._lock:
            if self._snapshots.get(slot) is not snap:
                self._forget(slot)
                self._snapshots[slot] = snap
            if full in self._entries:
                self._entries.move_to_end(full)
                self.hits += 1
                return self._entries[full][0]
            self.misses += 1
        table = make()
        size = 0 if table is None else int(table.nbytes)
        with self._lock:
            if self._snapshots.get(slot) is snap and size <= self.budget and full not in self._entries:
                self._entries[full] = (table, size)
                self._bytes += size
                while self._bytes > self.budget:
                    self._bytes -= self._entries.popitem(last=False)[1][1]
        return table

    def clear(self) -> None:
        """Forget every table."""
        with self._lock:
            self._entries.clear()
            self._snapshots.clear()
            self._bytes = 0

    @property
    def nbytes(self) -> int:
        """Bytes of the tables kept now."""
        return self._bytes


VIEW_CACHE = ViewCache()
"""The process's cache of organisation-scoped view tables (shared by the API's threads)."""


def clear_view_cache() -> None:
    """Forget the organisation-scoped view tables (the next query reads the store's files again)."""
    VIEW_CACHE.clear()
