"""Organisation-scoped SQL on the demo's cells: 20 consecutive queries, views rebuilt each time (peer) or cached.

An organisation's query (``Store.sql`` with ``cells`` and ``production_orgs``, as the API's query box runs it)
gets a private in-memory DuckDB connection whose views hold only its cells' rows
(:func:`gwangyang.store.scoped_views.connect_cells`). The peer reads those rows from the Parquet files for every query
(the cache emptied before each, as before the cache existed); ours reuses the views' Arrow tables while the
store's snapshot and production manifest stay the same. The store: the shipped battery samples (the demo's
``battery_step``), two organisations owning alternate cells, and a production table per organisation plus a
shared one. Prints seconds for the 20 queries, per query, and the ratio; the unscoped path (one connection per
thread and snapshot) beside them.

Run: .venv/bin/python benchmarks/store_sql_cache.py [--queries 20]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import pandas as pd

from gwangyang.demo import battery_step
from gwangyang.store import Store, view_cache
from gwangyang.store import production as dataset

QUERIES = [
    "SELECT cell_id, count(*) AS n, max(voltage_v) AS v FROM timeseries GROUP BY cell_id",
    "SELECT cell_id, max(discharge_capacity_ah) AS q FROM cycles GROUP BY cell_id",
    "SELECT count(*) AS n FROM production",
    "SELECT c.cell_id, c.vendor, count(*) AS n FROM cells c JOIN cycles USING (cell_id) GROUP BY 1, 2",
]


def build(root: Path) -> tuple[Store, list[str]]:
    """The demo's cells, alternate ones owned by org "a", and production tables of "a", "b" and shared."""
    store = Store(root)
    battery_step(store)
    cells = sorted(str(c) for c in store.snapshot().live.index)
    for org, mine in (("a", cells[0::2]), ("b", [f"b-{k}" for k in range(50)]), (None, ["shared-1"])):
        table = pd.DataFrame({"cell_id": mine, "ocv_v": [3.6 + 0.001 * k for k in range(len(mine))]})
        dataset.append(store, table, f"{org}.csv", f"hash-{org}", org)
    return store, cells[0::2]


def timed(store: Store, n: int, cached: bool, scoped: bool, cells: list[str]) -> float:
    start = time.perf_counter()
    for k in range(n):
        if not cached:
            view_cache.clear_view_cache()
        if scoped:
            store.sql(QUERIES[k % len(QUERIES)], cells=cells, production_orgs=lambda org: org in (None, "a"))
        else:
            store.sql(QUERIES[k % len(QUERIES)])
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store, cells = build(Path(tmp) / "store")
        rows = len(store.sql("SELECT cell_id FROM timeseries"))
        print(
            f"store: {len(store.snapshot().live)} cells, {rows:,} time-series rows; org a owns {len(cells)}"
        )
        print(
            f"{'path':28s} {'peer s':>8s} {'ours s':>8s} {'peer/q ms':>10s} {'ours/q ms':>10s} {'ratio':>6s}"
        )
        for label, scoped in (("org-scoped (connect_cells)", True), ("unscoped (connect)", False)):
            peer = timed(store, args.queries, False, scoped, cells)
            ours = timed(store, args.queries, True, scoped, cells)
            print(
                f"{label:28s} {peer:8.3f} {ours:8.3f} {1000 * peer / args.queries:10.1f} "
                f"{1000 * ours / args.queries:10.1f} {peer / ours:6.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
