"""A code column across uploads: March's operators ``101`` (read as numbers: no leading zero) and April's ``001``
(text) are one column of codes. The store keeps it as text from then on, with one warning line naming the file and
the column, through the CLI and the API (Korean names); measurements and words of another kind are still refused.

The workbooks carry the operator's number format ``000`` (written with zipfile, see tests/test_excel_codes.py);
the expected values are the strings Python's formatting gives (``f"{1:03d}"``), not the reader's."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from gwangyang.api import i18n
from gwangyang.cli.main import main
from gwangyang.store import Store
from gwangyang.store import production as dataset
from tests.test_excel_codes import styled_xlsx

from .test_production_orgs import A_ORG, PRODUCTION, SQL, site, upload  # noqa: F401 - site is a fixture

HEADER: list[object] = ["셀ID", "작업자", "용량(mAh)"]


def _month(path: Path, prefix: str, operators: list[int]) -> Path:
    """A month's table: cells ``prefix-NN``, the operator formatted ``000``, a capacity."""
    rows: list[list[object]] = [HEADER]
    rows += [[f"{prefix}-{i:02d}", op, 2500 + i] for i, op in enumerate(operators)]
    return styled_xlsx(path, {"생산": rows}, {"생산": [None, "000", None]})


def _csv(path: Path, prefix: str, operators: Sequence[object]) -> Path:
    lines = [",".join(map(str, HEADER))] + [
        f"{prefix}-{i:02d},{op},{2600 + i}" for i, op in enumerate(operators)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


MARCH = [101, 102, 103, 101, 102, 103]
APRIL = [1, 2, 3, 1]
MAY = [102, 104]

WIDENED = (
    "4월.xlsx: column '작업자' holds codes as text here (e.g. '001') but whole numbers in the production data "
    "already stored: kept as text, and the stored numbers are read as text (e.g. '101')."
)
KEPT_TEXT = (
    "5월.csv: column '작업자' holds codes as text in the production data already stored: its numbers are kept as "
    "text too (e.g. '102')."
)


def _expected() -> dict[str, str]:
    """Each cell's operator as Excel and the CSV show it."""
    shown = {f"3월-{i:02d}": f"{op:03d}" for i, op in enumerate(MARCH)}
    shown |= {f"4월-{i:02d}": f"{op:03d}" for i, op in enumerate(APRIL)}
    return shown | {f"5월-{i:02d}": str(op) for i, op in enumerate(MAY)}


def test_cli_keeps_a_code_column_as_text_across_uploads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = str(tmp_path / "store")
    march = _month(tmp_path / "3월.xlsx", "3월", MARCH)
    assert main(["battery", "production", "ingest", str(march), "--store", root]) == 0
    assert dataset.read(Store(root))["작업자"].tolist() == [101.0, 102.0, 103.0, 101.0, 102.0, 103.0]
    capsys.readouterr()
    april = _month(tmp_path / "4월.xlsx", "4월", APRIL)
    assert main(["battery", "production", "ingest", str(april), "--store", root]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert f"warning {WIDENED}" in err
    may = _csv(tmp_path / "5월.csv", "5월", MAY)
    assert main(["battery", "production", "ingest", str(may), "--store", root, "--json"]) == 0
    import json

    report = json.loads(capsys.readouterr().out)
    assert KEPT_TEXT in report["warnings"]
    assert report["columns"]["extra_text"] == ["작업자"] and report["columns"]["extra_numeric"] == [
        "용량(mAh)"
    ]
    kept = dataset.read(Store(root))
    assert dict(zip(kept["cell_id"], kept["작업자"], strict=True)) == _expected()
    assert kept["용량(mAh)"].tolist()[:6] == [2500.0 + i for i in range(6)]
    # the later parts hold text; March's part is as it was
    types = [
        str(pd.read_parquet(Store(root).production_dir() / p.file)["작업자"].dtype)
        for p in dataset.parts(Store(root))
    ]
    assert types == ["float64", "object", "object"]
    # a measurement in a code column is refused as before: one line, exit 2, nothing kept
    _csv(tmp_path / "6월.csv", "6월", [1.5, 2])
    assert main(["battery", "production", "ingest", str(tmp_path / "6월.csv"), "--store", root]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "6월.csv: column '작업자' holds number here but text in the production data already stored" in err
    assert len(dataset.parts(Store(root))) == 3


def test_words_beside_stored_numbers_are_still_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = str(tmp_path / "store")
    assert (
        main(["battery", "production", "ingest", str(_csv(tmp_path / "a.csv", "a", MAY)), "--store", root])
        == 0
    )
    _csv(tmp_path / "b.csv", "b", ["김", "이"])
    assert main(["battery", "production", "ingest", str(tmp_path / "b.csv"), "--store", root]) == 2
    assert "b.csv: column '작업자' holds text here but number" in " ".join(capsys.readouterr().err.split())


def test_text_codes_first_then_numbers_stay_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = str(tmp_path / "store")
    april = _month(tmp_path / "4월.xlsx", "4월", APRIL)
    assert main(["battery", "production", "ingest", str(april), "--store", root]) == 0
    assert (
        main(
            ["battery", "production", "ingest", str(_csv(tmp_path / "5월.csv", "5월", MAY)), "--store", root]
        )
        == 0
    )
    assert f"warning {KEPT_TEXT}" in " ".join(capsys.readouterr().err.split())
    kept = dataset.read(Store(root))
    assert kept["작업자"].tolist() == ["001", "002", "003", "001", "102", "104"]
    assert [p.columns for p in dataset.parts(Store(root))] == [["cell_id", "작업자", "용량(mAh)"]] * 2


def test_api_keeps_an_organisations_code_column_as_text(site: dict[str, Any], tmp_path: Path) -> None:  # noqa: F811
    a = site["a"]
    answers = [
        upload(a, _month(tmp_path / "3월.xlsx", "3월", MARCH)),
        upload(a, _month(tmp_path / "4월.xlsx", "4월", APRIL)),
        upload(a, _csv(tmp_path / "5월.csv", "5월", MAY)),
    ]
    assert [r.status_code for r in answers] == [200, 200, 200], [r.text for r in answers]
    assert WIDENED in answers[1].json()["warnings"]
    assert KEPT_TEXT in answers[2].json()["warnings"]
    listed = a.get(PRODUCTION, params={"limit": 100}).json()
    assert {r["cell_id"]: r["작업자"] for r in listed["rows"]} == _expected()
    assert [p.org for p in dataset.parts(Store(site["root"]))] == [A_ORG] * 3
    # the SQL view holds the column as text too, each cell's operator as shown
    query = 'SELECT cell_id, "작업자", typeof("작업자") FROM production ORDER BY cell_id'
    answer = a.post(SQL, json={"query": query}).json()
    assert answer["rows"] == [[cell, op, "VARCHAR"] for cell, op in sorted(_expected().items())]
    # B keeps its operators as numbers: A's codes neither refuse nor change them
    b = upload(site["b"], _csv(tmp_path / "b.csv", "B", MAY))
    assert b.status_code == 200 and b.json()["warnings"] == []
    assert [r["작업자"] for r in site["b"].get(PRODUCTION).json()["rows"]] == [102.0, 104.0]


def test_the_warnings_read_korean() -> None:
    assert i18n.phrase(WIDENED, "ko") == (
        "4월.xlsx: '작업자' 열은 여기서는 텍스트 코드(예: '001')이지만 이미 저장된 생산 데이터에서는 정수입니다. "
        "텍스트로 보관하며, 저장된 숫자도 텍스트로 읽습니다(예: '101')."
    )
    assert i18n.phrase(KEPT_TEXT, "ko") == (
        "5월.csv: '작업자' 열은 이미 저장된 생산 데이터에서 텍스트 코드이므로 이 파일의 숫자도 텍스트로 "
        "보관합니다(예: '102')."
    )
    note = (
        "생산.xlsx: 146 number cell(s) formatted as codes read as the text Excel shows "
        "(B2: 0 shown as '000', format '000')."
    )
    assert i18n.phrase(note, "ko") == (
        "생산.xlsx: 코드 서식의 숫자 셀 146개를 Excel에 보이는 텍스트로 읽었습니다(B2: 0 → '000', 서식 '000')."
    )
    hidden = (
        "설비.xlsx: 3 number cell(s) have a format that shows a fixed text instead of the number (C2: 7 shown as "
        "'00000', format '\"00000\"'): read as the numbers."
    )
    assert i18n.phrase(hidden, "ko") == (
        "설비.xlsx: 숫자 대신 고정된 텍스트를 보이는 서식의 숫자 셀 3개는 숫자로 읽었습니다(C2: 7 → '00000', "
        "서식 '\"00000\"')."
    )
    refused = (
        "생산95.xls: an Excel 5.0/95 (BIFF5) workbook in code page 10003, for which Python has no text codec: "
        "expected an Excel 97-2003 .xls or an .xlsx (save it again from Excel)."
    )
    assert i18n.phrase(refused, "ko").startswith(
        "생산95.xls: 코드 페이지 10003의 Excel 5.0/95(BIFF5) 통합 문서인데 Python에"
    )


def test_an_empty_column_beside_stored_codes_is_kept_empty(tmp_path: Path) -> None:
    from gwangyang.battery import service

    store = Store(tmp_path / "store")
    service.ingest_production(store, _month(tmp_path / "4월.xlsx", "4월", APRIL))
    _csv(tmp_path / "빈.csv", "빈", ["", ""])
    report = service.ingest_production(store, tmp_path / "빈.csv")
    assert report["warnings"] == ["빈.csv: column '작업자' is empty in every row; kept."]
    assert dataset.read(store)["작업자"].tolist() == ["001", "002", "003", "001", None, None]
