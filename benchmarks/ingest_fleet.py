"""Fleet ingest: N copies of the cycler fixtures under new names, ingested with each executor.

Prints files/s and rows/s for 1 and 2 workers of each back end. The fixture files are the public
test files in ../shared/data/battery/cyclers (sources in ../shared/data/README.md).

Usage: .venv/bin/python benchmarks/ingest_fleet.py [--files 1000]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from gwangyang.battery.grouping import discover
from gwangyang.battery.ingest import ingest
from gwangyang.compute import DaskExecutor, Executor, ProcessExecutor, SerialExecutor
from gwangyang.store import Store

CYCLERS = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "battery" / "cyclers"
FIXTURE_DIRS = ("arbin", "maccor", "neware", "biologic", "novonix", "basytec")


def make_fleet(folder: Path, count: int) -> int:
    """Copy readable fixtures round-robin under new names (with their companions); return total bytes."""
    sources = [p for d in FIXTURE_DIRS for p in discover([CYCLERS / d])]
    probe = Store(folder / "probe")
    report = ingest(sources, store=probe)
    good = [Path(i["file"]) for i in report.ingested]
    shutil.rmtree(folder / "probe")
    total = 0
    for k in range(count):
        src = good[k % len(good)]
        stem = f"fleet{k:05d}_{src.stem.replace('_', '')[:20]}"
        target = folder / "fleet" / f"{stem}{src.suffix}"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(
            src.read_bytes()
            + (b"" if src.suffix in {".nda", ".ndax", ".mpr", ".res", ".xlsx"} else b"\n" * (k // len(good)))
        )
        for companion in (
            src.with_name(src.stem + "_Metadata.csv"),
            src.with_name(src.stem + "_metadata.csv"),
        ):
            if companion.exists():
                shutil.copy(companion, target.with_name(stem + companion.name[len(src.stem) :]))
        total += target.stat().st_size
    return total


def run(executor: Executor, fleet: Path, store_dir: Path) -> tuple[float, int, int]:
    store = Store(store_dir)
    start = time.perf_counter()
    report = ingest([fleet], store=store, executor=executor)
    elapsed = time.perf_counter() - start
    executor.close()
    rows = sum(i["rows"] for i in report.ingested)
    return elapsed, len(report.ingested) + len(report.skipped), rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        size = make_fleet(folder, args.files)
        print(
            f"fleet: {args.files} files, {size / 1e6:.1f} MB (copies of ../shared/data/battery/cyclers fixtures)"
        )
        print(f"{'executor':<10} {'workers':>7} {'seconds':>8} {'files/s':>8} {'rows/s':>10} {'MB/s':>6}")
        baseline = None
        for name, workers in (("serial", 1), ("processes", 1), ("processes", 2), ("dask", 1), ("dask", 2)):
            executor: Executor
            if name == "serial":
                executor = SerialExecutor()
            elif name == "processes":
                executor = ProcessExecutor(workers=workers, batch_size=25)
            else:
                executor = DaskExecutor(workers=workers, batch_size=25)
            elapsed, files, rows = run(executor, folder / "fleet", folder / f"store-{name}-{workers}")
            baseline = baseline or elapsed
            print(
                f"{name:<10} {workers:>7} {elapsed:>8.1f} {files / elapsed:>8.1f} {rows / elapsed:>10.0f} "
                f"{size / 1e6 / elapsed:>6.1f}   speed-up vs serial {baseline / elapsed:.2f}x"
            )


if __name__ == "__main__":
    main()
