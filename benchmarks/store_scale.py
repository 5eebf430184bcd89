"""Store at production scale: formation-like cells (three cycles, a few thousand rows each, lots and dates).

For each N (10^3, 10^4, 10^5; 10^6 with --large) prints:

- ingest of raw files (read, summarise, commit) with 1 and 2 workers, rows/s and files/s, on a
  sample of ``--ingest-files`` BDF files (the full pipeline runs ~30-60 files/s per core, so a
  plant loads its history through the same commit path in bulk: that is the next line);
- bulk commit of N cells (``Store.commit_cells``, 500 cells a commit), rows/s and cells/s;
- store size against the raw files (BDF CSV bytes per cell measured on the sample, times N);
- fleet queries: max discharge capacity per cell, and mean of it per lot (``cells`` view), on the
  appended store and after ``compact``; and the same max-capacity query on the first layout (a
  folder per cell, DuckDB over a glob: the peer, built up to ``--peer-max`` cells);
- the first fleet query after the catalog is dropped from memory (``fleet 1st``: it loads the catalog);
- one cell's time series (median of 20 random cells; the first read includes loading the catalog);
- growth per decade of each time.

Goals (issue 18): fleet query < 1 s at 10^5 cells, one cell < 100 ms at any N, growth < 3x a decade.

Usage: .venv/bin/python benchmarks/store_scale.py --cells 1000 10000 [--rows 3000] [--large]
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from gwangyang.battery.ingest import ingest
from gwangyang.battery.io.bdf import to_bdf
from gwangyang.compute import ProcessExecutor, SerialExecutor
from gwangyang.store import Store, catalog_reads
from gwangyang.store.legacy import shard

LOTS = 20
BATCH = 500
FLEET_MAX = "SELECT cell_id, max(discharge_capacity_ah) AS q FROM cycles GROUP BY cell_id"
FLEET_LOT = (
    "SELECT lot, avg(q) AS mean_q, count(*) AS cells FROM "
    "(SELECT cell_id, max(discharge_capacity_ah) AS q FROM cycles GROUP BY cell_id) JOIN cells USING (cell_id) "
    "GROUP BY lot"
)
GOAL_FLEET_S = 1.0
GOAL_CELL_S = 0.100
GOAL_GROWTH = 3.0


def formation_cell(
    k: int, rows: int, rng: np.random.Generator
) -> tuple[str, dict, pd.DataFrame, pd.DataFrame]:
    """One formation-like cell: charge and discharge in each of three cycles, 1 s sampling."""
    lot = k % LOTS
    cell_id = f"F{lot:02d}-{k:07d}"
    per_half = rows // 6
    t = np.arange(6 * per_half, dtype="float64")
    cycle = np.repeat([1, 2, 3], 2 * per_half)
    charging = np.tile(np.repeat([True, False], per_half), 3)
    capacity = 2.5 * (1 + 0.02 * rng.standard_normal())
    current = np.where(charging, capacity / 2, -capacity / 2) + 0.001 * rng.standard_normal(len(t))
    progress = np.tile(np.arange(per_half) / per_half, 6)
    voltage = np.where(charging, 3.0 + 1.2 * progress, 4.2 - 1.2 * progress) + 0.002 * rng.standard_normal(
        len(t)
    )
    q = np.abs(current) * progress * per_half / 3600.0
    ts = pd.DataFrame(
        {
            "cell_id": cell_id,
            "test_time_s": t,
            "cycle_index": cycle,
            "step_index": np.where(charging, 1, 2) + 2 * (cycle - 1),
            "current_a": current,
            "voltage_v": voltage,
            "charge_capacity_ah": np.where(charging, q, 0.0),
            "discharge_capacity_ah": np.where(charging, 0.0, q),
            "temperature_c": 25 + rng.standard_normal(len(t)) * 0.1,
        }
    )
    per_cycle = (3, 2 * per_half)
    cycles = pd.DataFrame(
        {
            "cell_id": cell_id,
            "cycle_index": [1, 2, 3],
            "charge_capacity_ah": ts["charge_capacity_ah"].to_numpy().reshape(per_cycle).max(axis=1),
            "discharge_capacity_ah": ts["discharge_capacity_ah"].to_numpy().reshape(per_cycle).max(axis=1),
        }
    )
    day = pd.Timestamp("2026-01-01") + pd.Timedelta(days=k % 300)
    meta = {
        "cell_id": cell_id,
        "lot": f"L{lot:02d}",
        "vendor": "formation",
        "rows": len(ts),
        "cycles": 3,
        "first_time": day.isoformat(),
        "last_time": (day + pd.Timedelta(seconds=float(t[-1]))).isoformat(),
        "nominal_capacity_ah": 2.5,
        "sources": [{"name": f"{cell_id}.bdf.csv", "hash": f"h{k}"}],
    }
    return cell_id, meta, ts, cycles


def formation_batch(
    first: int, count: int, rows: int, rng: np.random.Generator
) -> list[tuple[str, dict, dict]]:
    """``count`` cells like :func:`formation_cell`, built as one Arrow table each and sliced per cell (fast)."""
    per_half = rows // 6
    n = 6 * per_half
    ks = np.arange(first, first + count)
    t = np.tile(np.arange(n, dtype="float64"), count)
    cycle = np.tile(np.repeat([1, 2, 3], 2 * per_half), count)
    charging = np.tile(np.repeat([True, False], per_half), 3 * count)
    capacity = np.repeat(2.5 * (1 + 0.02 * rng.standard_normal(count)), n)
    current = np.where(charging, capacity / 2, -capacity / 2) + 0.001 * rng.standard_normal(n * count)
    progress = np.tile(np.arange(per_half) / per_half, 6 * count)
    voltage = np.where(charging, 3.0 + 1.2 * progress, 4.2 - 1.2 * progress)
    q = np.abs(current) * progress * per_half / 3600.0
    ids = [f"F{k % LOTS:02d}-{k:07d}" for k in ks]
    ts = pa.table(
        {
            "cell_id": pa.array(np.repeat(ids, n)),
            "test_time_s": t,
            "cycle_index": cycle,
            "step_index": np.where(charging, 1, 2) + 2 * (cycle - 1),
            "current_a": current,
            "voltage_v": voltage,
            "charge_capacity_ah": np.where(charging, q, 0.0),
            "discharge_capacity_ah": np.where(charging, 0.0, q),
            "temperature_c": 25 + rng.standard_normal(n * count) * 0.1,
        }
    )
    shape = (count, 3, 2 * per_half)
    cycles = pa.table(
        {
            "cell_id": pa.array(np.repeat(ids, 3)),
            "cycle_index": np.tile([1, 2, 3], count),
            "charge_capacity_ah": ts["charge_capacity_ah"].to_numpy().reshape(shape).max(axis=2).ravel(),
            "discharge_capacity_ah": ts["discharge_capacity_ah"]
            .to_numpy()
            .reshape(shape)
            .max(axis=2)
            .ravel(),
        }
    )
    out = []
    for j, (k, cell_id) in enumerate(zip(ks, ids, strict=True)):
        day = pd.Timestamp("2026-01-01") + pd.Timedelta(days=int(k) % 300)
        meta = {
            "cell_id": cell_id,
            "lot": f"L{int(k) % LOTS:02d}",
            "vendor": "formation",
            "rows": n,
            "cycles": 3,
            "first_time": day.isoformat(),
            "last_time": (day + pd.Timedelta(seconds=float(n - 1))).isoformat(),
            "nominal_capacity_ah": 2.5,
            "sources": [{"name": f"{cell_id}.bdf.csv", "hash": f"h{k}"}],
        }
        tables = {"timeseries": ts.slice(j * n, n), "cycles": cycles.slice(3 * j, 3)}
        out.append((cell_id, meta, tables))
    return out


def raw_files(folder: Path, count: int, rows: int) -> tuple[list[Path], int]:
    """BDF CSV files of ``count`` cells (the raw files a cycler exports); their total bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1)
    paths = []
    for k in range(count):
        cell_id, _meta, ts, _cycles = formation_cell(k, rows, rng)
        path = folder / f"{cell_id}.bdf.csv"
        to_bdf(ts.drop(columns=["cell_id"])).to_csv(path, index=False)
        paths.append(path)
    return paths, sum(p.stat().st_size for p in paths)


def timed(fn, repeat: int = 3) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(first, best) seconds of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times[0], min(times)


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def ingest_rate(files: list[Path], workdir: Path, workers: int) -> tuple[float, float, float]:
    """rows/s and files/s of the full ingest pipeline, and files per CPU second of this process."""
    store = Store(workdir / f"ingest{workers}")
    executor = SerialExecutor() if workers == 1 else ProcessExecutor(workers=workers, batch_size=8)
    start, cpu = time.perf_counter(), time.process_time()
    report = ingest(files, store=store, executor=executor)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    executor.close()
    rows = sum(i["rows"] for i in report.ingested)
    return rows / elapsed, len(report.ingested) / elapsed, len(report.ingested) / cpu


def peer_query(root: Path) -> float:
    """The first layout's fleet query: DuckDB over a glob of one Parquet file per cell."""
    import duckdb

    con = duckdb.connect()
    start = time.perf_counter()
    con.read_parquet((root / "cells" / "*" / "*" / "cycles.parquet").as_posix()).aggregate(
        "cell_id, max(discharge_capacity_ah)"
    ).fetchall()
    return time.perf_counter() - start


def run_n(n: int, rows: int, workdir: Path, raw_per_cell: float, peer_max: int) -> dict[str, float]:
    store = Store(workdir / f"store{n}")
    rng = np.random.default_rng(n)
    peer_root = workdir / f"peer{n}"
    out: dict[str, float] = {}
    written_rows = 0
    commit_s = commit_cpu = 0.0
    for first in range(0, n, BATCH):
        batch = formation_batch(first, min(BATCH, n - first), rows, rng)
        for cell_id, _meta, tables in batch:
            written_rows += tables["timeseries"].num_rows
            if n <= peer_max:
                folder = peer_root / "cells" / shard(cell_id) / cell_id
                folder.mkdir(parents=True)
                pq.write_table(tables["cycles"], folder / "cycles.parquet", compression="zstd")
        start, cpu = time.perf_counter(), time.process_time()
        with store.write_lock():
            store.commit_cells(batch)
        commit_s += time.perf_counter() - start
        commit_cpu += time.process_time() - cpu
    out["bulk_rows_s"] = written_rows / commit_s
    out["bulk_cells_s"] = n / commit_s
    out["bulk_cpu_share"] = commit_cpu / commit_s
    catalog_reads._CACHE.clear()
    out["fleet_appended_s"] = timed(lambda: store.sql(FLEET_MAX))[1]
    out["files_appended"] = len(store.files("timeseries")) + len(store.files("cycles"))
    start = time.perf_counter()
    report = store.compact(retain_s=0)
    out["compact_s"] = time.perf_counter() - start
    out["files_compacted"] = report["files_after"]
    catalog_reads._CACHE.clear()
    out["fleet_first_s"], out["fleet_s"] = timed(lambda: store.sql(FLEET_MAX))
    out["lot_s"] = timed(lambda: store.sql(FLEET_LOT))[1]
    fleet = store.sql(FLEET_MAX)
    assert len(fleet) == n
    catalog_reads._CACHE.clear()
    ids = [f"F{k % LOTS:02d}-{k:07d}" for k in np.random.default_rng(7).integers(0, n, 21)]
    start = time.perf_counter()
    first_ts = store.timeseries(ids[0])
    out["cell_first_s"] = time.perf_counter() - start
    assert len(first_ts) == 6 * (rows // 6)
    times = []
    for cell_id in ids[1:]:
        start = time.perf_counter()
        store.timeseries(cell_id)
        times.append(time.perf_counter() - start)
    out["cell_s"] = statistics.median(times)
    out["store_mb"] = folder_size(store.root) / 1e6
    out["raw_mb"] = raw_per_cell * n / 1e6
    out["peer_s"] = peer_query(peer_root) if n <= peer_max else float("nan")
    shutil.rmtree(store.root, ignore_errors=True)
    shutil.rmtree(peer_root, ignore_errors=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--large", action="store_true", help="also 10^6 cells")
    parser.add_argument("--rows", type=int, default=3000, help="time-series rows per cell")
    parser.add_argument("--ingest-files", type=int, default=200, help="raw files for the ingest rate")
    parser.add_argument("--peer-max", type=int, default=10_000, help="largest N built in the first layout")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    sizes = sorted(set(args.cells + ([1_000_000] if args.large else [])))
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="store-scale-", dir=args.workdir))
    try:
        print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        files, raw_bytes = raw_files(workdir / "raw", args.ingest_files, args.rows)
        raw_per_cell = raw_bytes / len(files)
        print(f"ingest of {len(files)} BDF CSV files ({args.rows} rows each, {raw_per_cell / 1e3:.0f} kB):")
        for workers in (1, 2):
            rows_s, files_s, files_cpu = ingest_rate(files, workdir, workers)
            where = "in this process" if workers == 1 else "committing only, here"
            print(
                f"  {workers} worker(s): {rows_s:12,.0f} rows/s {files_s:8.1f} files/s "
                f"({files_cpu:6.1f} files per CPU second {where})"
            )
        print()
        header = (
            f"{'cells':>9} {'bulk rows/s':>12} {'cells/s':>8} {'files app/cmp':>13} {'compact s':>9} "
            f"{'MB store/raw':>14} {'fleet app':>9} {'fleet 1st':>9} {'fleet':>7} {'per lot':>7} {'1st cell':>8} {'cell':>7} "
            f"{'peer fleet':>10} {'peer/ours':>9}"
        )
        print(header)
        results = {}
        for n in sizes:
            r = run_n(n, args.rows, workdir, raw_per_cell, args.peer_max)
            results[n] = r
            print(
                f"{n:>9,} {r['bulk_rows_s']:>12,.0f} {r['bulk_cells_s']:>8,.0f} "
                f"{int(r['files_appended']):>6}/{int(r['files_compacted']):<6} {r['compact_s']:>9.1f} "
                f"{r['store_mb']:>6.0f}/{r['raw_mb']:<7.0f} {r['fleet_appended_s']:>9.3f} {r['fleet_first_s']:>9.3f} {r['fleet_s']:>7.3f} "
                f"{r['lot_s']:>7.3f} {r['cell_first_s']:>8.3f} {r['cell_s']:>7.4f} "
                f"{r['peer_s']:>10.3f} {r['peer_s'] / r['fleet_s']:>9.1f}",
                flush=True,
            )
        print()
        for n, r in results.items():
            print(
                f"bulk commit at {n:,}: {r['bulk_cpu_share']:.0%} of its wall time on this process's CPU (the rest: I/O, a busy machine)"
            )
        ordered = sorted(results)
        for small, big in itertools.pairwise(ordered):
            decades = np.log10(big / small)
            grow = {
                k: (results[big][k] / results[small][k]) ** (1 / decades)
                for k in ("fleet_s", "lot_s", "cell_s")
            }
            print(
                f"growth per decade {small:,} -> {big:,}: fleet {grow['fleet_s']:.2f}x, per lot {grow['lot_s']:.2f}x, "
                f"one cell {grow['cell_s']:.2f}x (goal < {GOAL_GROWTH:g}x)"
            )
        for n, r in results.items():
            fleet_ok = "ok" if r["fleet_s"] < GOAL_FLEET_S or n < 100_000 else "MISSED"
            cell_ok = "ok" if r["cell_s"] < GOAL_CELL_S else "MISSED"
            print(
                f"goals at {n:,}: fleet < {GOAL_FLEET_S:g} s {fleet_ok}; one cell < {GOAL_CELL_S * 1e3:g} ms {cell_ok}"
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
