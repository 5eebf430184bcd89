"""Names, caching and shared types of the battery services."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ...errors import InputError
from ...store import Store
from ..io.base import MAX_ID_BYTES, safe_cell_id

if TYPE_CHECKING:
    import pandas as pd


Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)``."""

CELL_ID_LENGTH = MAX_ID_BYTES
"""Longest cell id accepted by name, in UTF-8 bytes: the longest id ingest makes (:data:`.io.base.MAX_ID_BYTES`)."""


def check_cell_id(cell_id: str) -> str:
    """Return ``cell_id`` if it is a cell id as ingest makes them (Unicode kept); refuse anything else.

    Refused: characters a file system cannot hold, a leading dot, ``..``, more than
    :data:`CELL_ID_LENGTH` bytes of UTF-8 (see :func:`gwangyang.battery.io.base.safe_cell_id`, which makes
    only ids this accepts).
    """
    if (
        not isinstance(cell_id, str)
        or not 0 < len(cell_id.encode("utf-8", errors="replace")) <= CELL_ID_LENGTH
        or safe_cell_id(cell_id) != cell_id
        or cell_id.startswith(".")
        or ".." in cell_id
    ):
        shown = cell_id[:60] if isinstance(cell_id, str) else cell_id
        raise InputError(
            f"cell id {shown!r}: expected a plain name (no '/', '\\', ':', '*', '?', '\"', '<', '>', '|', "
            f"control characters, leading dot or '..'; at most {CELL_ID_LENGTH} bytes of UTF-8)."
        )
    return cell_id


_CACHE: dict[tuple[str, str], tuple[tuple[Any, ...], Any]] = {}
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 512


def store_signature(store: Store) -> tuple[Any, ...]:
    """A cheap fingerprint of the store's cells (the catalog's file names; see :meth:`Store.signature`).

    Every commit adds a catalog file, so an unchanged signature means unchanged cells.
    """
    return store.signature()


def cached(store: Store, key: str, compute: Callable[[], Any]) -> Any:
    """``compute()``, remembered until the store's cells change (pages and the API answer read-mostly traffic)."""
    signature = store_signature(store)
    slot = (str(store.root), key)
    hit = _CACHE.get(slot)
    if hit is not None and hit[0] == signature:
        return hit[1]
    value = compute()
    with _CACHE_LOCK:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
        _CACHE[slot] = (signature, value)
    return value


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = json.loads(
        df.to_json(orient="records", date_format="iso", double_precision=15)
    )
    return out
