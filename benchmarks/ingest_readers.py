"""Reader throughput and peak memory: our cycler readers against cellpy's loaders on the same files.

Each side reads each file set in a fresh Python process (so imports and caches of one run do not
help the next); the process reports rows, seconds spent reading (imports excluded) and its peak
resident memory (``resource.getrusage(RUSAGE_SELF).ru_maxrss``, imports included). Before timing,
each process reads the set's smallest file once, untimed, so one-off lazy imports and loader set-up
(on both sides) do not count as reading. cellpy is the
optional ``bench`` extra (``pip install -e .[bench]``); a file cellpy cannot read is reported as a
failure, with its error, not left out.

Files: the largest cycler fixtures in ../shared/data/battery/cyclers (BEEP, navani, cellpy, PyProBE
test files) and the CALCE CS2_35 Arbin exports in ../shared/data/battery/calce (CALCE battery data via
XiuzeZhou/RUL); sources in ../shared/data/README.md. The default run uses 3 CALCE files; ``--full``
reads all 25.

Since issue 14 a third side, ``ours+steps``, reads each file and then does what ingest adds to the
read: the steps table, cycles from the signal, cycle kinds and completeness, plausibility checks
(``structure`` below). ``cost`` is that work's share of read + structure, the issue's budget being
at most 15 % (``cost`` = 1 - (+steps rows/s) / (read-only rows/s)). On a machine shared with other
work a single timed pass mostly measures the scheduler, so this side reads and structures each file
``--inner`` times in one process and keeps, per file, the least CPU time of each (the reads and the
structuring are timed alike; ``cost wall`` is the same from the least wall-clock times). ``ratio``
is ours/cellpy rows/s on the same files. The last lines aggregate the ``ours+steps`` runs: total rows
over total time, read only against read + structure, over all file sets and over the cycler fixtures
alone (small files, where the fixed cost of structuring a file weighs most).

Usage: .venv/bin/python benchmarks/ingest_readers.py [--full] [--repeat 1] [--inner 5]
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "battery"
CYCLERS = DATA / "cyclers"
CALCE = DATA / "calce" / "CS2_35"

CELLPY_ROWS_PER_S_CALCE = 9_800
"""cellpy on the 25 CALCE files as measured when issue 2 was filed (the issue's benchmark section)."""

FIXTURES: list[tuple[str, str]] = [
    # (path under cyclers/, cellpy instrument for it)
    ("arbin/bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx", "arbin_sql_xlsx"),
    ("arbin/arbin_example.res", "arbin_res"),
    ("arbin/2017-05-09_test-TC-contact_CH33.csv", "arbin_sql_csv"),
    ("maccor/PredictionDiagnostics_000109_tztest.010", "maccor_txt"),
    ("neware/nw_regular_export_ife_example.csv", "neware_txt"),
    ("biologic/00_test_04_MB_C01.mpr", "biologics_mpr"),
]


def worker(side: str, instrument: str, files: list[str], inner: int = 5) -> dict[str, Any]:
    """Read ``files`` with one side in this process; report rows, seconds and peak memory."""
    import resource

    rows = 0
    error = None
    warm_up = min(files, key=lambda name: Path(name).stat().st_size)
    split = {"read_cpu": 0.0, "structure_cpu": 0.0, "read_wall": 0.0, "structure_wall": 0.0}
    if side in ("ours", "ours+steps"):
        from gwangyang.battery.io import read_cycler

        with contextlib.suppress(Exception):
            data = read_cycler(warm_up)
            if side == "ours+steps":
                structure(data)
        start, cpu_start = time.perf_counter(), _cpu()
        try:
            for name in files:
                if side == "ours":
                    rows += read_cycler(name).rows
                    continue
                # least time of each part over the inner rounds (see the module docstring)
                best = dict.fromkeys(split, float("inf"))
                for _ in range(max(inner, 1)):
                    wall, cpu = time.perf_counter(), time.process_time()
                    data = read_cycler(name)
                    best["read_wall"] = min(best["read_wall"], time.perf_counter() - wall)
                    best["read_cpu"] = min(best["read_cpu"], time.process_time() - cpu)
                    wall, cpu = time.perf_counter(), time.process_time()
                    structure(data)
                    best["structure_wall"] = min(best["structure_wall"], time.perf_counter() - wall)
                    best["structure_cpu"] = min(best["structure_cpu"], time.process_time() - cpu)
                for key, value in best.items():
                    split[key] += value
                rows += data.rows
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
    else:
        import logging
        import warnings

        warnings.simplefilter("ignore")
        logging.disable(logging.CRITICAL)
        import cellpy

        with contextlib.suppress(Exception):
            cellpy.get(warm_up, instrument=instrument, auto_summary=False)
        start, cpu_start = time.perf_counter(), _cpu()
        try:
            for name in files:
                cell = cellpy.get(name, instrument=instrument, auto_summary=False)
                rows += len(cell.data.raw)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
    seconds, cpu_seconds = time.perf_counter() - start, _cpu() - cpu_start
    if side == "ours+steps":
        seconds = split["read_wall"] + split["structure_wall"]
        cpu_seconds = split["read_cpu"] + split["structure_cpu"]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "rows": rows,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "peak_mb": peak_mb,
        "error": error,
        **split,
    }


def structure(data: Any) -> None:
    """What ingest adds to a read since issue 14: steps, cycles from the signal, kinds, checks."""
    from gwangyang.battery.checks import check_cycles
    from gwangyang.battery.cycles import cycle_summary
    from gwangyang.battery.pairing import apply_signal_cycles

    ts, steps, _notes = apply_signal_cycles(data.timeseries)
    check_cycles(cycle_summary(ts, steps), data.nominal_capacity_ah, steps=steps)


def _cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(side: str, instrument: str, files: list[Path], inner: int = 5) -> dict[str, Any]:
    """Run :func:`worker` in a fresh interpreter (in a scratch folder: cellpy writes log files)."""
    script = str(Path(__file__).resolve())
    command = [sys.executable, script, "--worker", side, instrument, str(inner), *map(str, files)]
    with tempfile.TemporaryDirectory() as scratch:
        env = dict(os.environ, HOME=scratch)
        done = subprocess.run(command, capture_output=True, text=True, cwd=scratch, env=env, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {
            "rows": 0,
            "seconds": 0.0,
            "cpu_seconds": 0.0,
            "peak_mb": 0.0,
            "error": f"exit {done.returncode}: {tail}",
        }
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def _cell(result: dict[str, Any], size_mb: float) -> tuple[str, str, str]:
    if result["error"]:
        return "failed", "", f"{result['peak_mb']:.0f}" if result["peak_mb"] else ""
    seconds = max(result["seconds"], 1e-9)
    return f"{result['rows'] / seconds:,.0f}", f"{size_mb / seconds:.2f}", f"{result['peak_mb']:.0f}"


def _share(result: dict[str, Any], clock: str) -> float:
    """Structuring's share of read + structure on one clock (``cpu`` or ``wall``)."""
    structure_s = result[f"structure_{clock}"]
    return float(structure_s / max(result[f"read_{clock}"] + structure_s, 1e-12))


def main() -> None:
    """Measure the three sides on each file set and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="all 25 CALCE files (default: 3)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per side; the fastest is kept")
    parser.add_argument("--inner", type=int, default=5, help="rounds per file for the cost (least time kept)")
    args = parser.parse_args()
    calce = sorted(CALCE.glob("*.xlsx"))
    if not args.full:
        calce = [CALCE / n for n in ("CS2_35_10_15_10.xlsx", "CS2_35_1_18_11.xlsx", "CS2_35_8_19_10.xlsx")]
    sets = [(f"CALCE CS2_35 ({len(calce)} xlsx)", "arbin_sql_xlsx", calce)]
    sets += [(name, instrument, [CYCLERS / name]) for name, instrument in FIXTURES]
    header = (
        f"{'files':48} {'rows':>8} {'MB':>6} | {'ours rows/s':>12} {'MB/s':>6} {'peak MB':>7} | "
        f"{'+steps rows/s':>13} {'cost':>5} {'cost wall':>9} | "
        f"{'cellpy rows/s':>13} {'MB/s':>6} {'peak MB':>7} | {'ratio':>6} {'cpu':>6} {'memory':>6}"
    )
    if importlib.util.find_spec("cellpy") is None:
        print(
            "cellpy, the peer, is not installed (pip install -e .[bench]): its columns read 'failed', no ratio"
        )
    print(header)
    print("-" * len(header))
    failures = []
    costs: list[float] = []
    totals: list[tuple[str, dict[str, Any]]] = []
    for label, instrument, files in sets:
        size_mb = sum(f.stat().st_size for f in files) / 1e6
        results = {}
        for side in ("ours", "ours+steps", "cellpy"):
            runs = [measure(side, instrument, files, args.inner) for _ in range(max(args.repeat, 1))]
            results[side] = min(runs, key=lambda r: (r["error"] is not None, r["seconds"]))
        ours, theirs, steps = results["ours"], results["cellpy"], results["ours+steps"]
        steps_rate = cost = cost_wall = ""
        if not steps["error"]:
            share = _share(steps, "cpu")
            steps_rate = f"{steps['rows'] / max(steps['seconds'], 1e-9):,.0f}"
            cost, cost_wall = f"{share:.0%}", f"{_share(steps, 'wall'):.0%}"
            costs.append(share)
            totals.append((label, steps))
        ratio = cpu = memory = ""
        if not ours["error"] and not theirs["error"]:
            ratio = f"{(ours['rows'] / ours['seconds']) / (theirs['rows'] / theirs['seconds']):.1f}x"
            cpu = f"{(ours['rows'] / ours['cpu_seconds']) / (theirs['rows'] / theirs['cpu_seconds']):.1f}x"
            memory = f"{ours['peak_mb'] / theirs['peak_mb']:.2f}x"
        rows = ours["rows"] or theirs["rows"]
        o, c = _cell(ours, size_mb), _cell(theirs, size_mb)
        print(
            f"{label[:48]:48} {rows:>8} {size_mb:>6.2f} | {o[0]:>12} {o[1]:>6} {o[2]:>7} | "
            f"{steps_rate:>13} {cost:>5} {cost_wall:>9} | "
            f"{c[0]:>13} {c[1]:>6} {c[2]:>7} | {ratio:>6} {cpu:>6} {memory:>6}",
            flush=True,
        )
        for side, result in results.items():
            if result["error"]:
                failures.append(f"{side} on {label}: {result['error'][:200]}")
    print()
    print(
        f"Issue 2 goal: >= 10x cellpy's rows/s (cellpy measured ~{CELLPY_ROWS_PER_S_CALCE:,} rows/s on the 25 CALCE"
    )
    print(
        "files when the issue was filed) at no more peak memory. ratio = ours/cellpy rows/s; memory = ours/cellpy"
    )
    print("peak RSS (imports included).")
    if costs:
        print(
            "Issue 14 goal: steps, cycles from the signal and the checks cost <= 15 % of read + structure "
            f"(least CPU time of {args.inner} rounds per file); worst {max(costs):.0%}."
        )
        for name, chosen in (
            ("all files", totals),
            ("cycler fixtures", [item for item in totals if not item[0].startswith("CALCE")]),
        ):
            print(_aggregate(name, [result for _, result in chosen]))
    for line in failures:
        print("FAILED", line)


def _aggregate(name: str, results: list[dict[str, Any]]) -> str:
    """Total rows over total time of the ``ours+steps`` runs: read only against read + structure, and the cost."""
    rows = sum(r["rows"] for r in results)
    parts = []
    for clock in ("cpu", "wall"):
        read = sum(r[f"read_{clock}"] for r in results)
        structure_s = sum(r[f"structure_{clock}"] for r in results)
        parts.append(
            f"{clock}: read only {rows / max(read, 1e-12):,.0f} rows/s, read + structure "
            f"{rows / max(read + structure_s, 1e-12):,.0f} rows/s, cost {structure_s / max(read + structure_s, 1e-12):.1%}"
        )
    return f"Aggregate over {name} ({len(results)} sets, {rows:,} rows): " + "; ".join(parts)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        print(json.dumps(worker(sys.argv[2], sys.argv[3], sys.argv[5:], int(sys.argv[4]))))
    else:
        main()
