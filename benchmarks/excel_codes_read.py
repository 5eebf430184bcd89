"""Time ``read_sheet`` on a 30,000 × 11 ``.xlsx`` whose four code columns are formatted ``000``, ``"LOT-"0000``,
``00000-0000`` and ``@``, against the same workbook with the formats ignored, and profile the difference.

The workbook is written as ``tests/test_excel_codes.py`` writes its test workbooks (``styled_xlsx``: XML parts
with zipfile, every number as a float, as Excel stores it). Prints the best of ``--repeat`` runs in seconds:
``read_sheet`` with the formats read, with them ignored (``xlsx_code_cells`` replaced by an empty answer) and
their ratio, the scan ``xlsx_code_cells`` alone, ``apply_code_formats`` alone, then the top functions of one
profiled read.

Usage: PYTHONPATH=src .venv/bin/python benchmarks/excel_codes_read.py [--rows 30000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the test workbooks' writer
from tests.test_excel_codes import styled_xlsx

from timing import best

HEADER = ["셀ID", "작업자", "자재코드", "우편번호", "설비", "전압", "전류", "온도", "용량", "저항", "수량"]
FORMATS: list[str | None] = [
    None,
    "000",
    '"LOT-"0000',
    "00000-0000",
    "@",
    None,
    None,
    None,
    None,
    None,
    "#,##0",
]


def workbook(path: Path, rows: int) -> Path:
    body: list[list[object]] = [HEADER]
    for i in range(rows):
        codes: list[object] = [f"셀-{i:06d}", (i * 7) % 120, 40 + i % 5000, 123450000 + i, i % 50]
        measured = [
            3.6 + (i % 97) / 1000,
            1.0 + (i % 13) / 100,
            25.0 + (i % 31) / 10,
            2500 + i % 300,
            0.01 * (i % 7),
        ]
        body.append([*codes, *measured, 1000 + i])
    return styled_xlsx(path, {"검사": body}, {"검사": FORMATS})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=30_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from gwangyang import excel_codes, sheets

    with tempfile.TemporaryDirectory() as folder:
        path = workbook(Path(folder) / "생산.xlsx", args.rows)
        print(f"workbook: {args.rows} rows x {len(HEADER)} columns, {path.stat().st_size / 1e6:.1f} MB")
        with_formats = best(lambda: sheets.read_sheet(path), args.repeat)
        cells = excel_codes.xlsx_code_cells(str(path), "검사")
        scan = best(lambda: excel_codes.xlsx_code_cells(str(path), "검사"), args.repeat)
        real = sheets.xlsx_code_cells
        sheets.xlsx_code_cells = lambda path, sheet: {}  # type: ignore[assignment]
        try:
            without = best(lambda: sheets.read_sheet(path), args.repeat)
        finally:
            sheets.xlsx_code_cells = real
        from python_calamine import CalamineWorkbook

        grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("검사").to_python()
        apply = best(lambda: excel_codes.apply_code_formats([list(r) for r in grid], cells), args.repeat)
        print(
            f"read_sheet: {with_formats:.3f} s with the code formats, {without:.3f} s with them ignored, "
            f"ratio {with_formats / without:.2f}"
        )
        print(
            f"  xlsx_code_cells: {scan:.3f} s ({len(cells)} cells); apply_code_formats (+ copy): {apply:.3f} s"
        )
        profile = cProfile.Profile()
        profile.enable()
        sheets.read_sheet(path)
        profile.disable()
        text = io.StringIO()
        pstats.Stats(profile, stream=text).sort_stats("tottime").print_stats(14)
        print("\n".join(line for line in text.getvalue().splitlines() if line.strip())[:3500])


if __name__ == "__main__":
    main()
