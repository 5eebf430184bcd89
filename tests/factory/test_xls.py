"""Old Excel ``.xls`` workbooks (BIFF8, written here with xlwt) give the same tables and charts as ``.xlsx``,
through the reader, the factory SPC API and the quality screening API."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from gwangyang.demo import FORMATION_COLUMNS, inject_formation_faults
from gwangyang.samples import formation_table
from gwangyang.sheets import read_sheet
from tests.api.conftest import AUTH, TOKEN
from tests.battery.io.xlsx import write_xlsx
from tests.battery.test_production import line_table

xlwt = pytest.importorskip("xlwt")


def write_xls(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """A BIFF8 workbook: one sheet per entry, rows of numbers, text and date-times (styled as dates) as given."""
    book = xlwt.Workbook(encoding="utf-8")
    dated = xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm:ss")
    for name, rows in sheets.items():
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, datetime):
                    sheet.write(r, c, value, dated)
                else:
                    sheet.write(r, c, value)
    book.save(str(path))
    return path


def _lot_rows(seed: int = 0) -> list[list[object]]:
    """A title line, a Korean header, then 12 lots of 4 rows: thickness and an OK/NG verdict."""
    rng = np.random.default_rng(seed)
    rows: list[list[object]] = [["2라인 두께 검사"], ["로트", "두께(mm)", "판정"]]
    for lot in range(12):
        for _ in range(4):
            thickness = round(2.0 + 0.01 * float(rng.normal()), 5)
            rows.append([f"로트-{lot:02d}", thickness, "NG" if rng.random() < 0.2 else "OK"])
    return rows


def _client(tmp_path: Path) -> TestClient:
    from gwangyang.api import create_app

    return TestClient(create_app(tmp_path / "store", token=TOKEN), headers=AUTH)


def test_xls_reads_as_the_xlsx(tmp_path: Path) -> None:
    rows = _lot_rows()
    old = read_sheet(write_xls(tmp_path / "두께.xls", {"표지": [["작성", "김"]], "검사": rows}), "두께.xls")
    new = read_sheet(
        write_xlsx(tmp_path / "두께.xlsx", {"표지": [["작성", "김"]], "검사": rows}), "두께.xlsx"
    )
    pd.testing.assert_frame_equal(old.table, new.table)
    assert list(old.table.columns) == ["로트", "두께(mm)", "판정"] and len(old.table) == 48
    assert old.table["두께(mm)"].tolist() == [r[1] for r in rows[2:]]  # the values written, read back exactly
    assert [n.replace("두께.xls", "F") for n in old.notes] == [n.replace("두께.xlsx", "F") for n in new.notes]
    assert any("sheet '검사' read" in n for n in old.notes)


@pytest.mark.parametrize(
    ("fields", "kind"),
    [
        ({"column": "두께(mm)", "subgroup_column": "로트"}, "Xbar-R"),
        ({"column": "판정", "subgroup_column": "로트"}, "np"),
    ],
)
def test_spc_of_an_xls_upload_equals_the_xlsx(tmp_path: Path, fields: dict[str, str], kind: str) -> None:
    rows = _lot_rows(seed=1)
    old = write_xls(tmp_path / "두께.xls", {"검사": rows})
    new = write_xlsx(tmp_path / "두께.xlsx", {"검사": rows})
    with _client(tmp_path) as c:
        answers = [
            c.post("/api/v1/factory/spc", data=fields, files={"files": (p.name, p.read_bytes())})
            for p in (old, new)
        ]
    assert [a.status_code for a in answers] == [200, 200], answers[0].text
    xls, xlsx = (a.json() for a in answers)
    assert xls["chart"]["type"] == kind
    assert xls["charts"] == xlsx["charts"] and xls["rule_violations"] == xlsx["rule_violations"]
    assert [w.replace(".xlsx", ".xls") for w in xlsx["warnings"]] == xls["warnings"]
    table = pd.DataFrame(rows[2:], columns=rows[1])
    groups = table.groupby("로트", sort=False)
    if kind == "np":  # number of NG items per lot of 4, counted with pandas
        assert xls["charts"][0]["values"] == groups["판정"].apply(lambda s: float((s == "NG").sum())).tolist()
    else:  # subgroup means by pandas
        np.testing.assert_allclose(xls["charts"][0]["values"], groups["두께(mm)"].mean(), rtol=1e-12)


def test_quality_screen_of_an_xls_upload_equals_the_xlsx(tmp_path: Path) -> None:
    table = inject_formation_faults(formation_table())
    rows = [list(table.columns), *table.astype(object).where(table.notna(), "").to_numpy().tolist()]
    old = write_xls(tmp_path / "formation.xls", {"cells": rows})
    new = write_xlsx(tmp_path / "formation.xlsx", {"cells": rows})
    data = {"id_column": "cellid", "lot_column": "lot", "columns": ",".join(FORMATION_COLUMNS)}
    with _client(tmp_path) as c:
        answers = [
            c.post("/api/v1/quality/screen", data=data, files={"files": (p.name, p.read_bytes())})
            for p in (old, new)
        ]
    assert [a.status_code for a in answers] == [200, 200], answers[0].text
    xls, xlsx = (a.json() for a in answers)
    assert xls["flagged"] == xlsx["flagged"] and xls["n_cells"] == xlsx["n_cells"] == 39
    # the CSV route's cells (tests/api/test_quality.py): a workbook's whole-number ids read as 5, as a CSV's
    assert {f["id"] for f in xls["flagged"]} == {"5", "25", "37"}


def test_factory_upload_lists_name_xls(tmp_path: Path) -> None:
    with _client(tmp_path) as c:
        refused = c.post("/api/v1/factory/spc", data={"column": "x"}, files={"files": ("t.exe", b"1")})
    assert refused.status_code == 415 and ".xlsx, .xlsm, .xls," in refused.json()["detail"]


def test_production_upload_of_an_xls_equals_the_xlsx(tmp_path: Path) -> None:
    table = line_table()
    rows: list[list[object]] = [
        list(table.columns),
        *(
            [v.to_pydatetime() if isinstance(v, pd.Timestamp) else v for v in row]
            for row in table.astype(object).to_numpy().tolist()
        ),
    ]
    answers = []
    for path in (
        write_xls(tmp_path / "eol.xls", {"EOL": rows}),
        write_xlsx(tmp_path / "eol.xlsx", {"EOL": rows}),
    ):
        with _client(tmp_path / path.suffix.strip(".")) as c:
            answer = c.post("/api/v1/battery/production", files={"files": (path.name, path.read_bytes())})
            assert answer.status_code == 200, answer.text
            listed = c.get("/api/v1/battery/production", params={"limit": 600}).json()
        answers.append((answer.json(), listed))
    (xls, xls_rows), (xlsx, xlsx_rows) = answers
    assert xls["rows"] == xlsx["rows"] == 600
    assert xls_rows["rows"] == xlsx_rows["rows"]
    first, written = xls_rows["rows"][0], table.iloc[0]
    assert (first["cell_id"], first["lot"], first["line"]) == ("셀-L1-0000", "L1", "광양-1")  # text kept
    assert first["date"] == written["Date"].isoformat() == "2026-03-03T16:00:00"
    assert first["capacity_ah"] == pytest.approx(written["capacity_mAh"] / 1000, rel=1e-12)  # mAh read as mAh
    assert first["ocv_v"] == written["OCV (V)"]
