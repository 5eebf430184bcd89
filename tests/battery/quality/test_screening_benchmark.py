"""``benchmarks/quality_screening.py`` prints ours and PyOD's Isolation Forest on the same table, and their ratio.

A small table runs by default; the million cells of the acceptance criterion are marked slow (``-m slow``).
No timing is asserted here: the machine's load is not the code's; the ratio is read off the printout.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARK = Path(__file__).resolve().parents[3] / "benchmarks" / "quality_screening.py"


def run(rows: int, lot_size: int) -> str:
    pytest.importorskip("pyod")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    args = [sys.executable, str(BENCHMARK), "--rows", str(rows), "--lot-size", str(lot_size), "--jobs", "2"]
    done = subprocess.run([*args, "--cells", "0"], capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def check(out: str, rows: int) -> None:
    one = re.search(r"ours, 1 thread\(s\):.*\((\d+) flagged, (\d+) lot alarms;", out)
    two = re.search(r"ours, 2 thread\(s\):.*\((\d+) flagged, (\d+) lot alarms;", out)
    assert one and two and one.groups() == two.groups()  # threads change the time, not the answer
    assert f"screening {rows:,} cells" in out and "PyOD IForest" in out
    assert re.search(r"ratio ours \(1 thread\(s\)\) / PyOD: throughput \d+\.\d+x", out)


def test_benchmark_prints_both_and_the_ratio() -> None:
    check(run(6_000, 2_000), 6_000)


@pytest.mark.slow
def test_benchmark_at_a_million_cells() -> None:
    out = run(1_000_000, 10_000)
    check(out, 1_000_000)
    print(out)
