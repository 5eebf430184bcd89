"""Peak memory of a compaction against the size of the cells' metadata (docs/store.md, "Compaction and metadata").

``build DIR``: a store of ``--cells`` cells (default 50,000) in ``--commits`` commits (default 10, so every
table has that many small files per lot to merge), each cell with ``--meta-kb`` KB of metadata (default 4;
Korean notes and source hashes) and a few rows. ``compact DIR``: copies it, compacts the copy and prints
the process's peak RSS (``ru_maxrss``) and Arrow's peak allocation, before (the snapshot read) and after
the compaction, and a digest of every cell's metadata and rows before and after (they must be equal).

Usage (one process each, so the peaks are the compaction's)::

    PYTHONPATH=src .venv/bin/python benchmarks/store_compact_meta.py build /tmp/meta-store
    PYTHONPATH=src .venv/bin/python benchmarks/store_compact_meta.py compact /tmp/meta-store
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from gwangyang.store import Store


def cells(start: int, count: int, meta_kb: int) -> list[tuple[str, dict, dict]]:
    """``count`` small cells from ``start``: 6 time-series rows, 3 cycles, ``meta_kb`` KB of metadata each."""
    out = []
    for k in range(start, start + count):
        cell_id = f"셀-{k:06d}"
        note = ("충방전 기록 " + hashlib.sha256(str(k).encode()).hexdigest()) * (meta_kb * 1024 // 80)
        meta = {
            "cell_id": cell_id,
            "lot": f"로트{k % 5}",
            "vendor": "synthetic",
            "rows": 6,
            "cycles": 3,
            "nominal_capacity_ah": 2.5 + k % 7 / 10,
            "sources": [{"file": f"{cell_id}.csv", "hash": hashlib.sha256(cell_id.encode()).hexdigest()}],
            "extra": {"notes": note},
        }
        ts = pa.table(
            {
                "cell_id": [cell_id] * 6,
                "test_time_s": np.arange(6, dtype=float),
                "cycle_index": np.repeat([1, 2, 3], 2),
                "voltage_v": 3.0 + np.arange(6) / 10,
            }
        )
        cyc = pa.table(
            {"cell_id": [cell_id] * 3, "cycle_index": [1, 2, 3], "q": [1.0, 0.9, 0.8 + k % 3 / 100]}
        )
        out.append((cell_id, meta, {"timeseries": ts, "cycles": cyc}))
    return out


def digest(store: Store) -> str:
    """A hash of every cell's metadata (as stored) and its tables' rows."""
    h = hashlib.sha256()
    h.update("\n".join(store.snapshot().column("meta")).encode())
    for query in (
        "SELECT cell_id, test_time_s, cycle_index, voltage_v FROM timeseries ORDER BY cell_id, test_time_s",
        "SELECT cell_id, cycle_index, q FROM cycles ORDER BY cell_id, cycle_index",
    ):
        h.update(store.sql(query).to_csv(index=False).encode())
    return h.hexdigest()


def deep_mb(value: object) -> float:
    """Bytes of Python objects reachable from ``value`` (each counted once; numpy arrays by their buffers).

    Schemas and pandas objects (the snapshot's index of cell ids, which a plan refers to) are not followed.
    """
    seen: set[int] = set()
    stack = [value]
    total = 0
    while stack:
        item = stack.pop()
        if id(item) in seen or isinstance(item, (pd.Index, pd.DataFrame)):
            continue
        seen.add(id(item))
        total += item.nbytes if isinstance(item, np.ndarray) else sys.getsizeof(item)
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(item)
        elif hasattr(item, "__dict__") and not isinstance(item, (pa.Schema, type)):
            stack.extend(vars(item).values())
    return total / 2**20


def phase_probe() -> dict[str, float]:
    """Wraps the compaction's catalog step: the peak and current RSS, Arrow's bytes and the plan's size then."""
    from gwangyang.store import compaction

    seen: dict[str, float] = {}
    frame_of = compaction.moved_frame

    def probe(live, moved, version):  # type: ignore[no-untyped-def]
        with open("/proc/self/statm") as handle:
            rss = int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
        seen.update(peak=peak_mb(), rss=rss, arrow=pa.total_allocated_bytes() / 2**20, moved=deep_mb(moved))
        return frame_of(live, moved, version)

    compaction.moved_frame = probe
    return seen


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=["build", "compact"])
    parser.add_argument("store", type=Path)
    parser.add_argument("--cells", type=int, default=50_000)
    parser.add_argument("--commits", type=int, default=10)
    parser.add_argument("--meta-kb", type=int, default=4)
    args = parser.parse_args()
    if args.action == "build":
        store = Store(args.store)
        per = args.cells // args.commits
        for start in range(0, args.cells, per):
            with store.write_lock():
                store.commit_cells(cells(start, per, args.meta_kb))
        print(f"built {args.cells} cells in {args.commits} commits at {args.store}")
        return
    with tempfile.TemporaryDirectory(dir=args.store.parent) as tmp:
        copy = Path(tmp) / "store"
        shutil.copytree(args.store, copy)
        store = Store(copy)
        store.snapshot()
        before = (peak_mb(), pa.default_memory_pool().max_memory() / 2**20)
        started, cpu = time.perf_counter(), time.process_time()
        planned = phase_probe()
        report = store.compact(retain_s=0)
        took, cpu = time.perf_counter() - started, time.process_time() - cpu
        after = (peak_mb(), pa.default_memory_pool().max_memory() / 2**20)
        print(json.dumps(report))
        print(f"peak RSS MB: {before[0]:.0f} after the snapshot read, {after[0]:.0f} after compaction")
        print(f"Arrow peak MB: {before[1]:.0f} after the snapshot read, {after[1]:.0f} after compaction")
        print(f"compaction {took:.1f} s ({cpu:.1f} s CPU)")
        print(
            f"once planned and written (before the catalog): peak RSS {planned['peak']:.0f} MB, RSS "
            f"{planned['rss']:.0f} MB, Arrow {planned['arrow']:.0f} MB, the moved cells' places {planned['moved']:.1f} MB"
        )
        digest_after = digest(Store(copy))
    shutil.rmtree(copy.parent / "unused", ignore_errors=True)
    original = digest(Store(args.store))
    print(f"cells/meta/rows digest equal before and after: {original == digest_after} ({original[:12]})")


if __name__ == "__main__":
    main()
