"""Time the SQL views' check of column types over many files (docs/store.md, "SQL": columns read as text).

``build DIR --files N``: a store of N one-cell commits (one ``cycles`` file each, 3 cycles a cell); with
``--mixed K`` every K-th cell's extra column ``등급`` is text, the others' int64. ``time DIR``: in a fresh
process, the first query naming ``cycles`` (the view made, every file's footer read for the check) and a
second one (the view kept); prints wall and CPU seconds, the answer's rows and its warnings. Run it with the
code before and after alternated (``PYTHONPATH`` at each's ``src``), one process each.

Usage::

    PYTHONPATH=src .venv/bin/python benchmarks/store_sql_mixed.py build /tmp/sql-store --files 1000 --mixed 10
    PYTHONPATH=src .venv/bin/python benchmarks/store_sql_mixed.py time /tmp/sql-store
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.store.test_layout's synthetic cell

QUERY = "SELECT count(*) AS n, count(DISTINCT cell_id) AS cells FROM cycles"


def main() -> None:
    """Build a store or time its first and second query."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["build", "time"])
    parser.add_argument("store")
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--mixed", type=int, default=0, help="every K-th cell's 등급 is text (0: none)")
    args = parser.parse_args()
    from gwangyang.store import Store

    store = Store(args.store)
    if args.command == "build":
        import pyarrow as pa
        from tests.store.test_dask_columns import with_columns
        from tests.store.test_layout import formation_cell, put

        for k in range(args.files):
            text = args.mixed and k % args.mixed == 0
            grade = pa.array(["A", "B", "C"]) if text else pa.array([k, k + 1, k + 2])
            put(
                store,
                [with_columns(formation_cell(f"셀-{k:05d}", "로트", k, rows=9), "cycles", {"등급": grade})],
            )
        return
    store.snapshot()
    t0, c0 = time.perf_counter(), time.process_time()
    first = store.sql(QUERY)
    t1, c1 = time.perf_counter(), time.process_time()
    store.sql(QUERY)
    t2, c2 = time.perf_counter(), time.process_time()
    warned = first.attrs.get("warnings")
    print(
        f"files {len(store.files('cycles'))} rows {int(first['n'].iloc[0])}: first query {t1 - t0:.3f} s "
        f"({c1 - c0:.3f} CPU), second {t2 - t1:.3f} s ({c2 - c1:.3f} CPU); warnings {warned}"[:400]
    )


if __name__ == "__main__":
    main()
