"""Reading a store's catalog folder: its listing, and the latest snapshot (remembered per process).

A process remembers the last snapshot it read (per store). When the catalog has only grown since
(new segments after that snapshot's version, or a checkpoint at or before it, the segments it covers
gone), the next read applies the new segments to it (:func:`advance`, through
:func:`.snapshot.apply`) instead of reading the whole catalog again, so a bulk load's commits each
cost their own rows, not the store's.
"""

from __future__ import annotations

import re
import threading
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from .catalog import CATALOG, LOG_SCHEMA, segment_name
from .catalog_parts import LAZY, FilePart, rebase, with_parts
from .snapshot import Snapshot, apply, empty_snapshot, reduce

_NAME = re.compile(r"^([vc])(\d{12})\.parquet$")
"""A catalog file's name: ``v`` (segment) or ``c`` (checkpoint) and its version (see :func:`.catalog.segment_name`)."""


_CODED = [f.name for f in LOG_SCHEMA if pa.types.is_dictionary(f.type)]


_EAGER = [f.name for f in LOG_SCHEMA if f.name not in LAZY]


def read_part(fs: Any, path: str, lazy: bool = False) -> pa.Table:
    """One catalog segment or checkpoint as :data:`.catalog.LOG_SCHEMA` (its repeated texts decoded once each).

    With ``lazy``, without the :data:`.catalog_parts.LAZY` columns (read later, when asked for).
    """
    schema = pa.schema([LOG_SCHEMA.field(n) for n in _EAGER]) if lazy else LOG_SCHEMA
    columns = _EAGER if lazy else None
    return pq.read_table(path, filesystem=fs, schema=schema, columns=columns, read_dictionary=_CODED)


def listing_key(fs: Any, root: str) -> tuple[tuple[str, Any, Any], ...]:
    """The catalog's files with their sizes and modification stamps (the snapshot's identity).

    The stamps tell a store deleted and written anew at the same place from the old one.
    """
    folder = f"{root}/{CATALOG}"
    try:
        found = fs.ls(folder, detail=True)
    except FileNotFoundError:
        return ()
    out = []
    for info in found:
        name = str(info["name"]).rsplit("/", 1)[-1]
        if _NAME.match(name):
            stamp = info.get("mtime", info.get("LastModified", info.get("ETag", info.get("created"))))
            out.append((name, info.get("size"), str(stamp)))
    return tuple(sorted(out))


def listing(fs: Any, root: str) -> tuple[str, ...]:
    """The catalog's file names, sorted."""
    return tuple(name for name, _size, _stamp in listing_key(fs, root))


def latest_version(names: tuple[str, ...]) -> int:
    """The newest version named in a catalog listing (0: empty)."""
    versions = [int(m.group(2)) for n in names if (m := _NAME.match(n))]
    return max(versions, default=0)


def advance(
    fs: Any,
    root: str,
    known: tuple[tuple[str, Any, Any], ...],
    snap: Snapshot,
    key: tuple[tuple[str, Any, Any], ...],
) -> Snapshot | None:
    """The snapshot of listing ``key`` from ``snap`` (the snapshot of listing ``known``); None when it cannot be.

    It can when the catalog has only grown: every file of ``known`` still there is unchanged, the
    ones gone are covered by the latest checkpoint, that checkpoint is not after ``snap``, and the
    segments after ``snap.version`` are all there (one per version). Anything else (a store written
    anew at the same place, a checkpoint past ``snap``) is read whole by the caller.
    """
    before = {name: rest for name, *rest in known}
    now = {name: rest for name, *rest in key}
    checkpoints = sorted(int(n[1:13]) for n in now if n.startswith("c"))
    base = checkpoints[-1] if checkpoints else 0
    if base > snap.version:
        return None
    for name, rest in before.items():
        if name in now:
            if now[name] != rest:
                return None
        elif int(name[1:13]) > base:
            return None  # gone but not covered by a checkpoint
    newer = sorted(int(n[1:13]) for n in now if n.startswith("v") and n not in before)
    if any(v <= snap.version for v in newer) or newer != list(
        range(snap.version + 1, snap.version + 1 + len(newer))
    ):
        return None
    tables = [read_part(fs, f"{root}/{CATALOG}/{segment_name(v)}") for v in newer]
    log = pa.concat_tables(tables) if tables else LOG_SCHEMA.empty_table()
    segments = sum(1 for n in now if n.startswith("v") and int(n[1:13]) > base)
    checkpointed = any(n.startswith("c") and n not in before for n in now)
    out = apply(snap, log, max(snap.version, latest_version(tuple(now))), segments, prune=checkpointed)
    present = {f"{root}/{CATALOG}/{n}" for n in now}
    if not checkpointed and all(not isinstance(p, FilePart) or p.path in present for p in out._parts):
        return out  # else the cells of files gone go to the checkpoint, and parts no cell names any more
    if not checkpoints:
        return None
    path = f"{root}/{CATALOG}/c{base:012d}.parquet"
    with fs.open(path, "rb") as handle:
        rows = pq.ParquetFile(handle).metadata.num_rows
    moved = rebase(out._internal(), out._parts, present, FilePart(fs, path, rows))
    if moved is None:
        return None
    out._live, out._parts = moved
    return out


_CACHE: dict[str, tuple[tuple[tuple[str, Any, Any], ...], Snapshot]] = {}
_CACHE_LOCK = threading.Lock()


def forget(root: str) -> None:
    """Forget the snapshot remembered for a store: its next read reads the catalog whole.

    For a writer that replaced the catalog by a checkpoint past that snapshot (a compaction), which
    :func:`advance` would refuse anyway.
    """
    with _CACHE_LOCK:
        _CACHE.pop(root, None)


def read_snapshot(fs: Any, root: str) -> Snapshot:
    """The catalog's latest state (remembered per process until the catalog folder changes)."""
    for _attempt in range(5):
        key = listing_key(fs, root)
        names = tuple(name for name, _size, _stamp in key)
        hit = _CACHE.get(root)
        if hit is not None and hit[0] == key:
            return hit[1]
        if not names:
            return empty_snapshot()
        if hit is not None:
            try:
                grown = advance(fs, root, hit[0], hit[1], key)
            except FileNotFoundError:
                continue  # a checkpoint made the segments we listed obsolete and they went: list again
            if grown is not None:
                with _CACHE_LOCK:
                    _CACHE[root] = (key, grown)
                return grown
        checkpoints = [n for n in names if n.startswith("c")]
        base = int(_NAME.match(checkpoints[-1]).group(2)) if checkpoints else 0  # type: ignore[union-attr]
        chosen = ([checkpoints[-1]] if checkpoints else []) + [
            n for n in names if n.startswith("v") and int(n[1:13]) > base
        ]
        paths = [f"{root}/{CATALOG}/{n}" for n in chosen]
        try:
            tables = [read_part(fs, path, lazy=True) for path in paths]
        except FileNotFoundError:
            continue  # a checkpoint made the segments we listed obsolete and they went: list again
        log = with_parts(pa.concat_tables(tables), 0, [t.num_rows for t in tables])
        parts = tuple(FilePart(fs, path, t.num_rows) for path, t in zip(paths, tables, strict=True))
        snap = reduce(log, latest_version(names), len(chosen) - (1 if checkpoints else 0), parts)
        with _CACHE_LOCK:
            _CACHE[root] = (key, snap)
        return snap
    raise FileNotFoundError(f"{root}/{CATALOG}: the catalog kept changing while being read.")
