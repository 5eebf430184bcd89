"""Time ``Store.dask`` over many appended files (docs/store.md, "Fleet work on Dask").

``build DIR --files N``: a store of N one-cell commits (one ``cycles`` file each, 30 time-series rows and
3 cycles a cell). ``time DIR``: builds ``Store.dask("cycles")`` (every file's footer read for the union of
columns) and computes it on Dask's synchronous scheduler; prints wall and CPU seconds of each.

Usage (run ``time`` with the code before and after alternated, one process each)::

    PYTHONPATH=src .venv/bin/python benchmarks/store_dask_read.py build /tmp/dask-store --files 1000
    PYTHONPATH=src .venv/bin/python benchmarks/store_dask_read.py time /tmp/dask-store
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.store.test_layout's synthetic cell


def main() -> None:
    """Build a store or time a Dask read of it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["build", "time"])
    parser.add_argument("store")
    parser.add_argument("--files", type=int, default=1000)
    args = parser.parse_args()
    from gwangyang.store import Store

    store = Store(args.store)
    if args.command == "build":
        from tests.store.test_layout import formation_cell, put

        for k in range(args.files):
            put(store, [formation_cell(f"셀-{k:05d}", "로트", k, rows=30)])
        return
    store.snapshot()
    t0, c0 = time.perf_counter(), time.process_time()
    frame = store.dask("cycles")
    t1, c1 = time.perf_counter(), time.process_time()
    rows = frame.compute(scheduler="sync")
    t2, c2 = time.perf_counter(), time.process_time()
    print(
        f"files {len(store.files('cycles'))} rows {len(rows)} columns {len(rows.columns)}: "
        f"build {t1 - t0:.3f} s ({c1 - c0:.3f} CPU), compute {t2 - t1:.3f} s ({c2 - c1:.3f} CPU)"
    )


if __name__ == "__main__":
    main()
