"""Whole-number ids read from a workbook come out as a CSV's (``5``, not ``5.0``), and ids stored as text
keep their leading zeros, in every consumer: the reader, quality screening, production ingest, factory SPC.

Workbooks are written three ways: ``.xlsx`` with integers as openpyxl writes them (``<v>5</v>``), ``.xlsx``
with every number a float (``<v>5.0</v>``, as tests/battery/io/xlsx.py and some exporters write), and old
``.xls`` with xlwt (small integers as RK records, which calamine gives back as ``int``). The expected values
are the CSV of the same rows, read by the same reader, and the ids written by hand."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from gwangyang.battery.production import read_production_table
from gwangyang.battery.quality.screening import screen
from gwangyang.factory.io import read_table_notes
from gwangyang.sheets import read_sheet
from tests.api.conftest import AUTH, TOKEN
from tests.battery.io.xlsx import write_xlsx

xlwt = pytest.importorskip("xlwt")


def _rows(n: int = 12) -> list[list[object]]:
    """Cell ids 1..n (numbers), a text code with leading zeros, a numeric lot, a measurement, a mixed id."""
    rng = np.random.default_rng(3)
    rows: list[list[object]] = [["cell_id", "code", "lot", "ocv", "tag"]]
    for i in range(1, n + 1):
        ocv = round(3.6 + 0.01 * float(rng.normal()), 6)
        rows.append([i, f"{i:03d}", 100 + (i - 1) // 4, ocv, "A7" if i == 2 else 2**40 + i])
    return rows


def _openpyxl_style(path: Path, rows: list[list[object]]) -> Path:
    """An ``.xlsx`` whose integers are written ``<v>5</v>``, as openpyxl writes an ``int`` cell."""
    plain = write_xlsx(path.with_name("float-" + path.name), {"s": rows})
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"<v>(-?\d+)\.0</v>", rb"<v>\1</v>", data)
            out.writestr(item, data)
    return path


def _xls(path: Path, rows: list[list[object]]) -> Path:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("s")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.save(str(path))
    return path


def _files(tmp_path: Path, rows: list[list[object]]) -> dict[str, Path]:
    tmp_path.mkdir(exist_ok=True)
    csv = tmp_path / "cells.csv"
    csv.write_text("\n".join(",".join(str(v) for v in row) for row in rows) + "\n", encoding="utf-8")
    return {
        "csv": csv,
        "xlsx-int": _openpyxl_style(tmp_path / "cells.xlsx", rows),
        "xlsx-float": write_xlsx(tmp_path / "cells-f.xlsx", {"s": rows}),
        "xls": _xls(tmp_path / "cells.xls", rows),
    }


def test_workbook_ids_read_as_the_csv(tmp_path: Path) -> None:
    files = _files(tmp_path, _rows())
    tables = {k: read_sheet(p).table for k, p in files.items()}
    for kind in ("xlsx-int", "xlsx-float", "xls"):
        pd.testing.assert_frame_equal(tables[kind], tables["csv"], obj=kind)
    table = tables["xls"]
    assert table["cell_id"].dtype == np.int64 and table["cell_id"].tolist() == list(range(1, 13))
    assert table["code"].tolist() == [f"{i:03d}" for i in range(1, 13)]  # text ids keep their zeros
    assert table["lot"].tolist() == [100] * 4 + [101] * 4 + [102] * 4
    assert table["tag"].tolist()[:3] == ["1099511627777", "A7", "1099511627779"]  # numbers among text: no .0
    assert table["ocv"].dtype == np.float64


def test_a_missing_id_gives_the_csv_floats_and_fractions_stay(tmp_path: Path) -> None:
    rows: list[list[object]] = [["id", "x"], [1, 0.5], ["", 1.5], [3, 2.0]]
    files = _files(tmp_path, rows)
    tables = {k: read_sheet(p).table for k, p in files.items()}
    for kind in ("xlsx-int", "xlsx-float", "xls"):
        pd.testing.assert_frame_equal(tables[kind], tables["csv"], obj=kind)
    assert tables["xls"]["x"].tolist() == [0.5, 1.5, 2.0]


def test_screening_and_production_ids_of_a_workbook(tmp_path: Path) -> None:
    rows = [row[:4] for row in _rows(40)]
    rows[1 + 7][3] = 4.5  # cell 8: an outlier in its lot
    files = _files(tmp_path, rows)
    flagged, produced = {}, {}
    for kind, path in files.items():
        table = read_sheet(path).table
        result = screen(table, id_column="cell_id", lot_column="lot", columns=["ocv"])
        flagged[kind] = [str(f.id) for f in result.flagged]
        made = read_production_table(path, id_column="cell_id").frame
        produced[kind] = (made["cell_id"].tolist(), made["lot"].tolist())
    assert "8" in flagged["csv"]
    assert all(v == flagged["csv"] for v in flagged.values())
    ids = ([str(i) for i in range(1, 41)], [str(100 + i // 4) for i in range(40)])
    assert all(v == ids for v in produced.values())
    header: list[list[object]] = [["cell_id", "ocv"]]
    coded = _files(tmp_path / "coded", header + [[f"{i:03d}", 3.6] for i in range(1, 6)])
    for path in coded.values():  # ids stored as text keep their zeros
        assert read_production_table(path).frame["cell_id"].tolist() == ["001", "002", "003", "004", "005"]


def test_factory_spc_subgroup_labels_of_a_workbook(tmp_path: Path) -> None:
    from gwangyang.api import create_app

    files = _files(tmp_path, _rows())
    assert all(read_table_notes(p)[0]["lot"].dtype == np.int64 for p in files.values())
    answers = {}
    with TestClient(create_app(tmp_path / "store", token=TOKEN), headers=AUTH) as c:
        for kind, path in files.items():
            got = c.post(
                "/api/v1/factory/spc",
                data={"column": "ocv", "subgroup_column": "lot"},
                files={"files": (path.name, path.read_bytes())},
            )
            assert got.status_code == 200, got.text
            answers[kind] = got.json()
    assert all(a["charts"] == answers["csv"]["charts"] for a in answers.values())
    text = str(answers["xls"]["charts"])
    assert "100" in text and "100.0" not in text
