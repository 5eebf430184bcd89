"""The ``production`` view's rows (the production tables an organisation may see), and which views hold rows.

The production data is the store's own dataset (:mod:`.production`), not part of the catalog: its view is
an Arrow table read from the parts ``visible`` accepts, without the shared parts' rows of ``hidden`` cells.
Both the per-thread connection (:mod:`.views`) and an organisation's in-memory views
(:mod:`.scoped_views`) register it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from .catalog import TABLES

if TYPE_CHECKING:
    from .store import Store


def production_arrow(
    store: Store,
    hidden: Collection[str] | None = None,
    visible: Callable[[Any], bool] | None = None,
) -> pa.Table | None:
    """The ``production`` view's rows; None without production data (that ``visible`` accepts).

    ``visible`` picks the parts by their organisation (default: all, as for an admin); ``hidden`` cells'
    rows are left out of the shared parts (cells whose cycling data another organisation owns).
    """
    from .production import part_paths, read

    if not store.local or not part_paths(store, visible):
        return None
    frame = read(store, visible=visible, hidden=hidden)
    return pa.Table.from_pandas(frame, preserve_index=False)


def available_views(store: Store, production_orgs: Callable[[Any], bool] | None = None) -> list[str]:
    """The views that hold rows in the store's current snapshot (in :data:`.views.VIEWS` order).

    ``production`` is among them when a production table of an organisation ``production_orgs`` accepts is
    (default: any).
    """
    from .production import part_paths

    snap = store.snapshot()
    names = ["cells"] if len(snap.ids) else []
    names += [t for t in TABLES if snap.files(t)]
    if store.local and part_paths(store, production_orgs):
        names.append("production")
    return names
