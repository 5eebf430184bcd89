"""Time :func:`gwangyang.sheet_cells.convert_column` on 200,000-row text columns, as a CSV's text cells reach it.

Columns: lot labels (``로트-0001``, 4,000 distinct), date-times as text (all distinct), OK/NG verdicts and
numbers written as text (the path a workbook's or a converted column takes). Prints the best of 3 runs per
column in seconds. Before/after: run it with ``PYTHONPATH`` on an export of the older ``src``
(``git archive <commit> src | tar -x -C /tmp/before``) and on this one.

Usage: PYTHONPATH=src .venv/bin/python benchmarks/sheets_convert.py [--rows 200000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from gwangyang.sheet_cells import convert_column


def columns(rows: int) -> dict[str, pd.Series]:
    """The four text columns of ``rows`` cells."""
    rng = np.random.default_rng(0)
    stamps = pd.date_range("2024-01-01", periods=rows, freq="s").strftime("%Y-%m-%d %H:%M:%S")
    return {
        "lot": pd.Series([f"로트-{i // 50:04d}" for i in range(rows)], dtype=object),
        "time": pd.Series(stamps, dtype=object),
        "verdict": pd.Series(np.where(rng.random(rows) < 0.1, "NG", "OK"), dtype=object),
        "numbers as text": pd.Series([f"{v:.4f}" for v in rng.normal(size=rows)], dtype=object),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()
    total = 0.0
    for name, column in columns(args.rows).items():
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            convert_column(column, ",", typed=False)
            best = min(best, time.perf_counter() - start)
        total += best
        print(f"{name:>16}: {best:.3f} s")
    print(f"{'all four':>16}: {total:.3f} s ({args.rows} rows each)")


if __name__ == "__main__":
    main()
