"""``POST /api/v1/battery/sql`` over cells whose extra column is text in some and numbers in others: ``warnings``.

The whole store's views (an admin) and an organisation's (in memory: before, its query failed on the column) give
the same rows and a warning naming the table, the column, example cells and files; the pages translate it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from fastapi.testclient import TestClient

from gwangyang import accounts
from gwangyang.api import create_app, i18n
from gwangyang.store import Store
from tests.store.test_dask_columns import with_columns
from tests.store.test_layout import formation_cell, put

from .conftest import AUTH, TOKEN

ORG = "광양소재"
SQL = "/api/v1/battery/sql"
QUERY = "SELECT cell_id, 등급 FROM cycles ORDER BY cell_id, cycle_index"


def cell(cell_id: str, seed: int, grade: pa.Array, org: str | None) -> tuple[str, dict, dict]:
    cell_id, meta, tables = with_columns(
        formation_cell(cell_id, "로트", seed, rows=9), "cycles", {"등급": grade}
    )
    return cell_id, {**meta, "org": org} if org else meta, tables


@pytest.fixture
def site(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """셀-가 (int64) and 셀-나 (text) of 광양소재, 셀-다 (text) shared, 셀-라 (int64) of another organisation."""
    root = tmp_path / "store"
    token = accounts.add_user(root, "운영자", ORG, "operator")[1]
    store = Store(root)
    put(store, [cell("셀-가", 1, pa.array([1, 2, 3]), ORG), cell("셀-라", 4, pa.array([4, 5, 6]), "다른곳")])
    put(
        store,
        [cell("셀-나", 2, pa.array(["A", "B", "C"]), ORG), cell("셀-다", 3, pa.array(["x", "y", "z"]), None)],
    )
    files = {c: store.snapshot().location(c, "cycles").file for c in ("셀-가", "셀-나")}  # type: ignore[union-attr]
    app = create_app(root, token=TOKEN)
    with (
        TestClient(app, headers=AUTH) as admin,
        TestClient(app, headers={"Authorization": f"Bearer {token}"}) as operator,
    ):
        yield {"admin": admin, "operator": operator, "files": files}


def test_the_answer_carries_the_warning_and_the_rows_are_unchanged(site: dict[str, Any]) -> None:
    files = site["files"]
    admin = site["admin"].post(SQL, json={"query": QUERY})
    assert admin.status_code == 200, admin.text
    body = admin.json()
    # by hand: 셀-가 and 셀-라 share the int64 file, 셀-나 and 셀-다 the text one
    assert body["warnings"] == [
        f"table cycles: column '등급' is text in 1 file(s) (cells 셀-나, 셀-다: {files['셀-나']}) and int64 in 1 "
        f"file(s) (cells 셀-가, 셀-라: {files['셀-가']}): the view reads it as text (numbers as DuckDB writes them: "
        "7, 1.0, true)."
    ]
    assert [r[1] for r in body["rows"]] == ["1", "2", "3", "A", "B", "C", "x", "y", "z", "4", "5", "6"]
    operator = site["operator"].post(
        SQL, json={"query": QUERY}
    )  # 셀-가, 셀-나 and the shared 셀-다, in memory
    assert operator.status_code == 200, operator.text
    body = operator.json()
    assert body["warnings"] == [
        f"table cycles: column '등급' is text in 1 file(s) (cells 셀-나, 셀-다: {files['셀-나']}) and int64 in 1 "
        f"file(s) (cells 셀-가: {files['셀-가']}): the view reads it as text (numbers as DuckDB writes them: "
        "7, 1.0, true)."
    ]
    assert body["rows"] == [["셀-가", v] for v in "123"] + [["셀-나", v] for v in "ABC"] + [
        ["셀-다", v] for v in "xyz"
    ]
    quiet = site["operator"].post(SQL, json={"query": "SELECT count(*) FROM cells"}).json()
    assert quiet["warnings"] == [] and quiet["rows"] == [[3]]


def test_the_warning_reads_in_korean(site: dict[str, Any]) -> None:
    files = site["files"]
    [english] = site["operator"].post(SQL, json={"query": QUERY}).json()["warnings"]
    assert i18n.phrase(english, "ko") == (
        f"표 cycles: 열 '등급'이(가) 파일 1개(셀 셀-나, 셀-다: {files['셀-나']})에서는 텍스트이고 파일 1개(셀 셀-가: "
        f"{files['셀-가']})에서는 int64입니다: 뷰는 이 열을 텍스트로 읽습니다(숫자는 DuckDB가 쓰는 대로: 7, 1.0, true)."
    )
