"""Time the Neware ``.xls`` reader's detection on an Excel 5.0/95 (BIFF5) workbook of the shared records.

The workbook is written as ``tests/battery/io/test_neware_xls_biff5.py`` writes its BIFF5 exports (``tests/biff5.py``,
code page 936, BTSDA's Chinese record layout) with all 9,295 records of the shared IFE export in one ``记录层``
sheet beside ``信息``. Prints the best of ``--repeat`` runs in seconds: the sheet names found the way detection
found them before (every sheet decoded, :func:`gwangyang.xls_biff5.biff5_sheets`), ``NewareXlsReader.can_load``
(the workbook's globals alone, :func:`gwangyang.xls_biff5.biff5_book`), and ``read``; ``ratio`` = can_load / the detection before.

Usage: PYTHONPATH=src .venv/bin/python benchmarks/neware_xls_detect.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the test workbooks' writer
from tests.battery.io.test_neware_chinese import FLAT
from tests.battery.io.test_neware_xls import _rows
from tests.biff5 import biff5_xls

from gwangyang.battery.io.neware_xls import NewareXlsReader
from gwangyang.xls_biff5 import biff5_sheets
from timing import best


def _serial(value: datetime) -> float:
    return (value - datetime(1899, 12, 30)).total_seconds() / 86400


def main() -> None:
    """Write the workbook, time the three calls, print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rows = _rows(FLAT)
    cells = [[_serial(v) if isinstance(v, datetime) else v for v in r] for r in rows]
    formats = ["yyyy-mm-dd hh:mm:ss" if isinstance(v, datetime) else None for v in rows[1]]
    with tempfile.TemporaryDirectory() as folder:
        path = biff5_xls(
            Path(folder) / "记录95.xls",
            {"信息": [["通道", "1-1"]], "记录层": cells},
            {"记录层": formats},
            936,
        )
        head = path.read_bytes()[:8]
        reader = NewareXlsReader()
        assert reader.can_load(path, head)
        print(f"{path.stat().st_size:,} bytes, {len(rows) - 1:,} records; best of {args.repeat} (s)")
        before = best(lambda: biff5_sheets(path, "x"), args.repeat)
        after = best(lambda: reader.can_load(path, head), args.repeat)
        print(f"  names, every sheet decoded (detection before): {before:.4f}")
        print(f"  can_load (the globals alone):                  {after:.4f}  ratio {after / before:.4f}")
        print(
            f"  read:                                          {best(lambda: reader.read(path), args.repeat):.4f}"
        )


if __name__ == "__main__":
    main()
