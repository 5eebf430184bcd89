"""Fleet queries at 10^4..10^6 cells: where the time goes, and ours against plain DuckDB on the same files.

Builds (once; kept with ``--keep``) a compacted store of formation-like cells with
``store_scale.formation_batch`` (three cycles a cell, ``--rows`` time-series rows), then times, best of
``--repeat``:

- ``sql_max``, ``sql_lot``: ``Store.sql`` of the max-capacity-per-cell query and of the mean per lot
  (the figures of ``store_scale.py``); ``sql_max_rows``: the first with ``max_rows`` (as the CLI and
  the API run queries: Arrow batches, then pandas);
- ``arrow_max``: the same query on the store's view connection, fetched as Arrow (DuckDB's work, no
  pandas); ``groups_only``: its row count only (the grouping without the answer);
- ``peer``: plain DuckDB over a list of the same compacted Parquet files (``read_parquet``, a fresh
  connection each time), fetched as a DataFrame: the floor any store over these files has;
- ``materialise``: the answer's N ids and N maxima from Arrow into a DataFrame, Python strings not
  shared (what an N-row answer costs in pandas at the least).

and, per N, the ratio ``sql_max`` / ``peer`` (wall and CPU).

Usage: nice -n 10 python benchmarks/store_fleet_query.py --cells 10000 100000 1000000 --workdir .bench --keep
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gwangyang.store import Store, catalog_reads
from gwangyang.store.views import connect
from store_scale import FLEET_LOT, FLEET_MAX, formation_batch

BATCH = 10_000


def build(root: Path, n: int, rows: int) -> Store:
    """A compacted store of ``n`` cells at ``root`` (reused when its catalog is there)."""
    store = Store(root)
    if (root / "catalog").exists():
        return store
    rng = np.random.default_rng(n)
    start = time.perf_counter()
    for first in range(0, n, BATCH):
        batch = formation_batch(first, min(BATCH, n - first), rows, rng)
        with store.write_lock():
            store.commit_cells(batch)
    committed = time.perf_counter() - start
    store.compact(retain_s=0)
    print(
        f"built {n:,} cells: commit {committed:.0f} s, compact {time.perf_counter() - start - committed:.0f} s",
        file=sys.stderr,
        flush=True,
    )
    return store


CPU: dict[str, float] = {}
"""CPU seconds (all threads of this process) of the best run of each measure, by name."""


def best(fn: Callable[[], Any], repeat: int, name: str = "") -> float:
    """Best wall time of ``repeat`` calls; the best CPU time goes to :data:`CPU` under ``name``."""
    times, cpus = [], []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    if name:
        CPU[name] = min(cpus)
    return min(times)


def measure(store: Store, n: int, repeat: int) -> dict[str, float]:
    import duckdb

    catalog_reads._CACHE.clear()
    out: dict[str, float] = {}
    store.sql(FLEET_MAX)  # loads the catalog and makes the views once
    store.sql(FLEET_LOT)
    out["sql_max"] = best(lambda: store.sql(FLEET_MAX), repeat, "sql_max")
    out["sql_max_rows"] = best(lambda: store.sql(FLEET_MAX, max_rows=n), repeat, "sql_max_rows")
    out["sql_lot"] = best(lambda: store.sql(FLEET_LOT), repeat, "sql_lot")
    con = connect(store, {"cycles", "cells"})
    out["arrow_max"] = best(lambda: con.sql(FLEET_MAX).to_arrow_table(), repeat, "arrow_max")
    groups = f"SELECT count(*) FROM ({FLEET_MAX})"
    out["groups_only"] = best(lambda: con.sql(groups).fetchall(), repeat, "groups_only")
    answer = con.sql(FLEET_MAX).to_arrow_table()
    files = [store.path_of(f) for f in store.snapshot().files("cycles")]

    def peer() -> None:
        peer_con = duckdb.connect()
        peer_con.sql(
            f"SELECT cell_id, max(discharge_capacity_ah) AS q FROM read_parquet({files!r}) GROUP BY cell_id"
        ).df()
        peer_con.close()

    out["peer_max"] = best(peer, repeat, "peer_max")
    floor = pa.table({"cell_id": answer.column("cell_id"), "q": answer.column("q")})
    out["materialise"] = best(lambda: floor.to_pandas(deduplicate_objects=False), repeat, "materialise")
    out.update({f"cpu_{key}": value for key, value in CPU.items()})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument(
        "--rows", type=int, default=12, help="time-series rows per cell (the queries read cycles)"
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=Path(".bench"))
    parser.add_argument("--keep", action="store_true", help="keep the stores for the next run")
    parser.add_argument("--build-only", action="store_true")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    keys = ("sql_max", "sql_max_rows", "sql_lot", "arrow_max", "groups_only", "peer_max", "materialise")
    print("wall seconds (best of --repeat), then CPU seconds of this process (all threads) of the best run")
    print(f"{'cells':>9} " + " ".join(f"{k:>12}" for k in keys))
    results = {}
    try:
        for n in sorted(args.cells):
            store = build(args.workdir / f"fleet{n}", n, args.rows)
            if args.build_only:
                continue
            cpu = time.process_time()
            wall = time.perf_counter()
            r = measure(store, n, args.repeat)
            share = (time.process_time() - cpu) / (time.perf_counter() - wall)
            results[n] = r
            print(f"{n:>9,} " + " ".join(f"{r[k]:>12.4f}" for k in keys) + f"   (CPU share {share:.0%})")
            print(f"{'cpu':>9} " + " ".join(f"{r['cpu_' + k]:>12.4f}" for k in keys), flush=True)
            print(
                f"{'ratio':>9} sql_max / peer_max {r['sql_max'] / r['peer_max']:.2f} (wall), "
                f"{r['cpu_sql_max'] / r['cpu_peer_max']:.2f} (CPU)",
                flush=True,
            )
        ordered = sorted(results)
        for small, big in itertools.pairwise(ordered):
            decades = np.log10(big / small)
            for prefix in ("", "cpu_"):
                grow = {
                    k: (results[big][prefix + k] / results[small][prefix + k]) ** (1 / decades) for k in keys
                }
                print(
                    f"growth per decade {small:,} -> {big:,} ({'CPU' if prefix else 'wall'}): "
                    + ", ".join(f"{k} {v:.2f}x" for k, v in grow.items())
                )
    finally:
        if not args.keep:
            for n in args.cells:
                shutil.rmtree(args.workdir / f"fleet{n}", ignore_errors=True)


if __name__ == "__main__":
    main()
