"""What the field-count check of text exports costs: :func:`gwangyang.battery.io.textrows.check_rows` against
Python's csv module counting the same records.

Generated files in a scratch folder: ``plain`` (469,750 comma-separated lines of 14 fields, unquoted, as large
as the IFE Neware export's lines repeated), ``quoted`` (197,870 lines with every field quoted, as BTSDA 7
writes them) and ``comments`` (the plain rows with a quoted comments field holding a line break on every tenth
record). ``check`` is the check as the readers call it, ``peak`` its peak Python memory (tracemalloc; the check
reads the file in blocks, never whole), ``csv`` the peer: ``len(row)`` of every record of ``csv.reader`` over
the file opened with ``newline=""``; ``ratio`` = check / csv. Each time is the least of ``--repeat`` runs (the
machine is shared).

Usage: .venv/bin/python benchmarks/battery_field_counts.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from gwangyang.battery.io.textrows import check_rows

ROW = [
    "1",
    "2",
    "3.123456",
    "4.5",
    "0.000123",
    "2019-10-21 10:59:59",
    "7",
    "8",
    "9.75",
    "10",
    "11",
    "12",
    "13",
]


def _files(folder: Path) -> dict[str, Path]:
    header = ",".join(f"col{i}" for i in range(14))
    plain = ",".join([*ROW, "CC_Chg"])
    quoted = ",".join(f'"{value}"' for value in [*ROW, "CC_Chg"])
    comment = ",".join([*ROW, '"charge, then\r\nrest"'])
    paths = {name: folder / f"{name}.csv" for name in ("plain", "quoted", "comments")}
    paths["plain"].write_text(header + "\r\n" + (plain + "\r\n") * 469_750, encoding="utf-8")
    paths["quoted"].write_text(header + "\r\n" + (quoted + "\r\n") * 197_870, encoding="utf-8")
    block = (plain + "\r\n") * 9 + comment + "\r\n"
    paths["comments"].write_text(header + "\r\n" + block * 46_975, encoding="utf-8")
    return paths


def _least(run: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def _csv_counts(path: Path) -> int:
    with open(path, encoding="utf-8", newline="") as handle:
        return sum(len(row) != 14 for row in csv.reader(handle))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        for name, path in _files(Path(scratch)).items():
            check = _least(lambda: check_rows(path, 0, ",", None), args.repeat)  # noqa: B023
            tracemalloc.start()
            check_rows(path, 0, ",", None)
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            peer = _least(lambda: _csv_counts(path), args.repeat)  # noqa: B023
            size = path.stat().st_size / 2**20
            print(
                f"{name:9s} {size:5.1f} MiB  check {check:.3f} s  peak {peak:5.1f} MiB  csv {peer:.3f} s"
                f"  ratio {check / peer:.2f}"
            )


if __name__ == "__main__":
    main()
