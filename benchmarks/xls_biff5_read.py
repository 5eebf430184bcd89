"""Time reading a Korean Excel 5.0/95 (BIFF5, code page 949) workbook: ``xls_biff5.biff5_sheets``, xlrd's
``open_workbook`` (if installed) and the whole ``read_sheet``.

The workbook is written as ``tests/biff5.py`` writes the test workbooks (600 rows of a cell id, a date-time, a
thickness, an RK count and a verdict: 53 kB, under the one-FAT-sector limit of that writer). Prints the best of
``--repeat`` runs in milliseconds, and the ratio ``biff5_sheets`` / xlrd (the peer; said when not installed).

Usage: PYTHONPATH=src .venv/bin/python benchmarks/xls_biff5_read.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the test workbooks' writer
from tests.biff5 import biff5_xls

from timing import best


def main() -> None:
    """Write the workbook and print the timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from gwangyang.sheets import read_sheet
    from gwangyang.xls_biff5 import biff5_sheets

    rows: list[list[object]] = [["셀 번호", "검사일시", "두께(mm)", "수량", "판정"]]
    rows += [
        [f"셀-{i:04d}", 45292 + i / 24, 2.0 + i * 1e-4, 100 + i, "양품" if i % 5 else "불량"]
        for i in range(600)
    ]
    formats: dict[str, list[str | None]] = {"검사": [None, "yyyy-mm-dd hh:mm", "0.000", "0", None]}
    with tempfile.TemporaryDirectory() as folder:
        path = biff5_xls(Path(folder) / "검사95.xls", {"검사": rows}, formats, 949, rk=True)
        print(f"workbook: {path.stat().st_size:,} bytes")
        runs = {
            "biff5_sheets": lambda: biff5_sheets(path, "검사95.xls"),
            "read_sheet": lambda: read_sheet(path),
        }
        try:
            import xlrd

            runs["xlrd.open_workbook"] = lambda: xlrd.open_workbook(str(path))
        except ImportError:
            print("xlrd.open_workbook: skipped (xlrd is not installed; pip install xlrd)")
        times = {name: best(run, args.repeat) for name, run in runs.items()}
        for name, seconds in times.items():
            print(f"{name}: {seconds * 1000:.1f} ms")
        if "xlrd.open_workbook" in times:
            print(f"ratio biff5_sheets / xlrd: {times['biff5_sheets'] / times['xlrd.open_workbook']:.2f}")


if __name__ == "__main__":
    main()
