"""A sensor table's refusals (gwangyang.sheets, gwangyang.factory.io) read Korean on the factory page.

Each English line is the one the code raises for a real bad file; the Korean is written by hand.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from gwangyang.api import i18n
from gwangyang.errors import GwangyangError
from gwangyang.factory.io import numeric_matrix, parse_time, read_table

ENGLISH = ("expected", "column", "row", "missing", "header", "table", "empty", "holds", "values")
"""Words of the English lines that no Korean line may keep (the file and column names here hold none)."""


def korean(english: str, expected: str) -> None:
    """``english`` reads as ``expected`` in Korean, with no English word left."""
    translated = i18n.phrase(english, "ko")
    assert translated == expected, translated
    said = translated.rsplit("/", 1)[-1]  # the words after a temporary folder's path
    assert not [w for w in ENGLISH if w in said], translated


def refusal(call: object) -> str:
    with pytest.raises(GwangyangError) as caught:
        call()  # type: ignore[operator]
    return str(caught.value)


def test_table_file_refusals_read_korean(tmp_path: Path) -> None:
    words = tmp_path / "센서.csv"
    words.write_text("온도\n", encoding="utf-8")  # a header and no row below it
    english = refusal(lambda: read_table(words))
    assert english == f"{words}: no rows below the header; expected a header row and rows of values."
    korean(english, f"{words}: 머리글 아래에 행이 없습니다; 머리글 행과 그 아래 값의 행이 있어야 합니다.")
    other = tmp_path / "센서.pdf"
    other.write_bytes(b"%PDF-1.4")
    english = refusal(lambda: read_table(other))
    assert english == f"{other}: expected a .csv, .csv.gz, .xlsx, .parquet or TEP .dat file."
    korean(english, f"{other}: .csv, .csv.gz, .xlsx, .parquet 또는 TEP .dat 파일이어야 합니다.")


def test_column_refusals_read_korean() -> None:
    table = pd.DataFrame(
        {"시각": ["2024-03-05 14:13:00", "어제"], "온도": [1.0, float("nan")], "압력": ["1", "x"]}
    )
    english = refusal(lambda: parse_time(table, "시각", "센서.csv"))
    assert english.startswith("센서.csv: time column '시각' holds '어제' (data row 2); ")
    korean(
        english,
        "센서.csv: 시간 열 '시각'에 '어제'이(가) 있습니다 (데이터 2행); "
        "숫자나 2024-03-05 14:13:00, 2024. 3. 5. 오후 2:13:00 같은 날짜·시각이어야 합니다.",
    )
    english = refusal(lambda: parse_time(table.assign(시각=[float("nan"), 1.0]), "시각", "센서.csv"))
    korean(
        english,
        "센서.csv: 시간 열 '시각'이(가) 1개 행에서 비어 있습니다 (첫 행: 데이터 1행); 모든 행에 시각이 있어야 합니다.",
    )
    korean(
        refusal(lambda: numeric_matrix(table, ["유량"], "센서.csv")), "센서.csv: 열 '유량'이(가) 없습니다."
    )
    korean(
        refusal(lambda: numeric_matrix(table, ["압력"], "센서.csv")),
        "센서.csv: 열 '압력'에 숫자가 아닌 값이 있습니다 (1개, 예: 데이터 2행의 'x'); 숫자여야 합니다.",
    )
    # read by the SPC patterns' "has %(value)s in data row" before: the pattern order keeps this one first
    korean(
        refusal(lambda: numeric_matrix(table, ["온도"], "센서.csv")),
        "센서.csv: 열 '온도'에 빠졌거나 무한대인 값이 1개 있습니다 (첫 행: 데이터 2행); "
        "모든 행에 숫자가 있어야 합니다 (그 행을 채우거나 지우세요).",
    )


def test_spc_form_s_missing_column_reads_korean(fresh_client: TestClient) -> None:
    reply = fresh_client.post(
        "/api/v1/factory/spc",
        files={"files": ("검사.csv", b"a,b\n1,2\n3,4\n")},
        data={"column": "두께"},
    )
    assert reply.status_code == 400 and reply.json()["detail"] == "검사.csv: column '두께' is missing."
    korean(reply.json()["detail"], "검사.csv: 열 '두께'이(가) 없습니다.")
