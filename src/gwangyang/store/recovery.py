"""Cleaning up after a killed writer: first-layout cells left in ``trash``, and files no commit names.

A commit of the catalog layout is one rename, so a killed writer leaves at most temporary files
and data files that no catalog segment names; these are removed once old enough that no reader
can still be reading them. A killed writer of the first layout (a folder per cell) may have left
cells in ``trash``, which are put back when the store opens and no writer holds the lock. The
:class:`~gwangyang.store.store.Store` calls these; it decides which files are named.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from . import legacy
from .catalog import CATALOG
from .lock import WriteLock


def recover_abandoned(root: Path) -> bool:
    """Put back first-layout cells a killed writer left in ``root/trash`` (when no writer holds the lock).

    Parameters
    ----------
    root
        The local store's folder.

    Returns
    -------
    bool
        Whether anything was recovered (False as well when another writer holds the lock or the
        folder cannot be read).
    """
    trash = root / "trash"
    try:
        if not trash.is_dir() or not any(trash.iterdir()):
            return False
        lock = WriteLock(root)
        if not lock.try_acquire():
            return False
    except OSError:
        return False
    try:
        legacy.recover(root)
    except OSError:
        return False
    finally:
        lock.release()
    return True


_NAME = re.compile(r"^([vc])(\d{12})\.parquet$")


def drop_covered(root: Path, grace_s: float) -> int:
    """Delete the catalog files the latest checkpoint covers that are at least ``grace_s`` seconds old; how many.

    A snapshot reads its cells' metadata from its catalog files when asked for, so those files stay
    as long as the data files a compaction replaced (a reader may still hold the snapshot).
    """
    folder = root / CATALOG
    try:
        found = [(m.group(1), int(m.group(2)), p) for p in folder.iterdir() if (m := _NAME.match(p.name))]
    except FileNotFoundError:
        return 0
    base = max((v for kind, v, _p in found if kind == "c"), default=0)
    now, removed = time.time(), 0
    for kind, version, path in found:
        if version < base or (kind == "v" and version == base):
            try:
                if now - path.stat().st_mtime >= grace_s:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                pass
    return removed


def sweep_unnamed(root: Path, named: set[str], grace_s: float) -> int:
    """Delete temporary files, and data files not in ``named``, that are at least ``grace_s`` seconds old.

    Parameters
    ----------
    root
        The local store's folder; its ``tables`` and catalog folders are swept.
    named
        Data files (relative to ``root``) the latest snapshot names; they are kept. Catalog files the
        latest checkpoint covers go too (:func:`drop_covered`).
    grace_s
        Age (by modification time) below which an unnamed file is kept: a reader may still use it.

    Returns
    -------
    int
        How many files were deleted.
    """
    now = time.time()
    removed = drop_covered(root, grace_s)
    for folder in (root / "tables", root / CATALOG):
        if not folder.exists():
            continue
        for path in folder.rglob("*"):
            if not path.is_file():
                continue
            rel = path.relative_to(root).as_posix()
            stale = path.name.endswith(".tmp") or (folder.name == "tables" and rel not in named)
            if stale:
                try:
                    if now - path.stat().st_mtime >= grace_s:
                        path.unlink()
                        removed += 1
                except FileNotFoundError:
                    pass
    return removed
