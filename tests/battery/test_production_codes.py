"""Digit codes (an operator ``001``, a material ``0420``, a line ``07``) are kept as text with their zeros through
production ingest and the store, from a CSV (with and without empty cells), an ``.xlsx`` of text cells and an
``.xls``; measurements beside them stay numbers. The expected values are the generated strings themselves."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gwangyang.battery import service
from gwangyang.battery.production import read_production_table
from gwangyang.codes import digit_codes
from gwangyang.sheets import read_sheet
from gwangyang.store import Store
from gwangyang.store import production as dataset
from tests.battery.io.xlsx import write_xlsx

CODES = ("작업자", "자재코드", "라인코드", "설비")


def _rows(n: int = 24) -> list[list[object]]:
    """Korean ids and names; codes with leading zeros of fixed width and of mixed width; two measurements."""
    rng = np.random.default_rng(11)
    rows: list[list[object]] = [["셀ID", "로트", *CODES, "용량(mAh)", "두께_mm"]]
    for i in range(n):
        rows.append(
            [
                f"셀-{i:03d}",
                f"{101 + i // 8}",
                f"{(i % 5) * 7:03d}",  # 000, 007, 014, ... fixed width
                f"{(i * 137) % 2000:04d}",  # 0000 .. 1918: fixed width, most with a leading zero
                f"0{i % 3 + 1}",
                ["01", "2", "003", "40"][i % 4],  # mixed widths, some with a leading zero
                int(2500 + rng.integers(-20, 20)),  # a whole measurement: stays a number
                round(5.2 + 0.01 * float(rng.standard_normal()), 4),
            ]
        )
    return rows


def _csv(path: Path, rows: list[list[object]], blanks: bool = False) -> Path:
    lines = []
    for r, row in enumerate(rows):
        cells = ["" if blanks and r in (3, 9) and c in (2, 3) else str(v) for c, v in enumerate(row)]
        lines.append(",".join(cells))
    path.write_bytes(("\n".join(lines) + "\n").encode("cp949"))
    return path


def _expected(rows: list[list[object]], column: str, blanks: bool = False) -> list[object]:
    c = rows[0].index(column)
    return [None if blanks and r in (3, 9) and c in (2, 3) else row[c] for r, row in enumerate(rows) if r]


@pytest.mark.parametrize("blanks", [False, True])
def test_csv_codes_round_trip_through_the_store(tmp_path: Path, blanks: bool) -> None:
    rows = _rows()
    path = _csv(tmp_path / "생산.csv", rows, blanks)
    report = service.ingest_production(Store(tmp_path / "s"), path)
    assert report["columns"]["extra_text"] == list(CODES)
    assert report["columns"]["extra_numeric"] == ["용량(mAh)", "두께_mm"]
    kept = dataset.read(Store(tmp_path / "s"))
    assert kept["cell_id"].tolist() == [row[0] for row in rows[1:]]
    assert kept["lot"].tolist() == [row[1] for row in rows[1:]]
    for column in CODES:
        assert kept[column].tolist() == _expected(rows, column, blanks), column
    assert kept["용량(mAh)"].tolist() == [float(row[6]) for row in rows[1:]]  # type: ignore[arg-type]
    assert kept["두께_mm"].tolist() == [row[7] for row in rows[1:]]


def test_csv_reader_keeps_codes_beside_an_empty_cell(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text("셀ID,작업자,자재,수량\nA1,001,0420,5\nA2,,0421,\nA3,010,,7\n", encoding="utf-8")
    table = read_sheet(path).table
    assert table["작업자"].tolist() == ["001", None, "010"]
    assert table["자재"].tolist() == ["0420", "0421", None]
    assert table["수량"].tolist()[::2] == [5.0, 7.0] and np.isnan(table["수량"].iloc[1])  # a count: a number


def test_xlsx_text_cells_keep_their_zeros(tmp_path: Path) -> None:
    rows = _rows()
    path = write_xlsx(tmp_path / "생산.xlsx", {"검사": rows})  # strings are text cells, ints number cells
    table = read_production_table(path)
    frame = table.frame
    for column in CODES:
        assert frame[column].tolist() == _expected(rows, column), column
    assert table.extra_numeric == ["용량(mAh)", "두께_mm"]
    pd.testing.assert_frame_equal(frame, read_production_table(_csv(tmp_path / "c.csv", rows)).frame)


def test_xls_text_cells_keep_their_zeros(tmp_path: Path) -> None:
    xlwt = pytest.importorskip("xlwt")
    rows = _rows()
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("검사")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.save(str(tmp_path / "생산.xls"))
    frame = read_production_table(tmp_path / "생산.xls").frame
    for column in CODES:
        assert frame[column].tolist() == _expected(rows, column), column


def test_parquet_text_codes_stay_text(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {"cell_id": ["a", "b", "c"], "operator": ["001", "002", None], "ocv_v": [3.6, 3.61, 3.62]}
    )
    frame.to_parquet(tmp_path / "p.parquet")
    assert read_production_table(tmp_path / "p.parquet").frame["operator"].tolist() == ["001", "002", None]


def test_which_cells_are_codes() -> None:
    assert digit_codes(["001", "12"]) and digit_codes(["0420", "1420"]) and digit_codes(["1" * 19])
    assert not digit_codes(["1", "12", "120"])  # counts or whole measurements
    assert not digit_codes(["0.5", "01"]) and not digit_codes(["A01", "001"]) and not digit_codes([])
    assert not digit_codes(["0"])  # a lone zero is a number
