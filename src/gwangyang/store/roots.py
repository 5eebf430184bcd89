"""Where a store lives: a local folder or an fsspec URL, and a cheap fingerprint of what it holds.

:class:`~gwangyang.store.store.Store` opens its root with :func:`open_root` and answers
:meth:`~gwangyang.store.store.Store.signature` with :func:`signature`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, NamedTuple

from ..config import store_path
from .catalog_reads import listing_key

REMOTE_ROOT = Path("/nonexistent-remote-store")
"""The ``root`` folder of a store at a URL (nothing is ever read or written there)."""


class Root(NamedTuple):
    """A store's place: its URL (None for a local folder), fsspec filesystem, local folder and base path."""

    url: str | None
    fs: Any
    root: Path
    base: str


def is_url(root: str | os.PathLike[str] | None) -> bool:
    """Whether ``root`` is a URL (``scheme://...``) rather than a folder."""
    return isinstance(root, str) and "://" in root


def open_root(root: str | os.PathLike[str] | None, storage_options: dict[str, Any] | None = None) -> Root:
    """The place of a store folder or URL; a ``file://`` URL is the local folder (default: :func:`~gwangyang.config.store_path`)."""
    import fsspec

    if is_url(root) and not str(root).startswith("file://"):
        url = str(root).rstrip("/")
        fs, _ = fsspec.core.url_to_fs(url, **(storage_options or {}))
        return Root(url, fs, REMOTE_ROOT, fs._strip_protocol(url))
    if is_url(root):
        root = str(root)[len("file://") :]
    folder = store_path(root)
    return Root(None, fsspec.filesystem("file"), folder, folder.as_posix())


def signature(fs: Any, base: str, cells_dir: Path | None) -> tuple[Any, ...]:
    """A fingerprint that changes whenever the store's cells change: its catalog listing, else its first-layout shards.

    ``cells_dir`` is the first layout's folder of a local store (None for a store at a URL).
    """
    key = listing_key(fs, base)
    if key or cells_dir is None:
        return key
    if not cells_dir.exists():
        return ()
    entries: list[tuple[str, int]] = [("", cells_dir.stat().st_mtime_ns)]
    with os.scandir(cells_dir) as shards:
        entries.extend((e.name, e.stat().st_mtime_ns) for e in shards if e.is_dir())
    return tuple(sorted(entries))
