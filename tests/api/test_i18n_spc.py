"""Factory SPC lines that reached Korean users in English: refusals, a note and the ``chart`` entry's reason.

Each as ``POST /api/v1/factory/spc`` answers it, read Korean by :func:`gwangyang.api.i18n.phrase` with the file,
column names and numbers kept (the Korean written here by hand); :func:`korean` is shared with
``test_i18n_refusals.py``.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from gwangyang.api import i18n

SPC_FILE = "검사 표.csv"

SPC_CASES = [
    # every item passes: no p or np chart
    (
        "판정,로트\nOK,A\nOK,A\nOK,B\nOK,B\n",
        {"column": "판정", "subgroup_column": "로트"},
        "검사 표.csv: column '판정': every item passes (no nonconforming item); a p or np chart needs both "
        "conforming and nonconforming items.",
        "검사 표.csv: '판정' 열: 모든 품목이 합격입니다 (부적합품 없음); p 또는 np 관리도에는 적합품과 부적합품이 "
        "모두 있어야 합니다.",
    ),
    # a word that is neither OK nor NG
    (
        "판정,로트\nOK,A\n보류,A\nOK,B\nNG,B\n",
        {"column": "판정", "subgroup_column": "로트", "chart": "p"},
        "검사 표.csv: column '판정': '보류' in data row 2 is neither a pass word (OK, 합격, 양품) nor a fail word "
        "(NG, 불합격, 불량).",
        "검사 표.csv: '판정' 열: 데이터 2행의 '보류'은(는) 합격 단어(OK, 합격, 양품)도 불합격 단어(NG, 불합격, "
        "불량)도 아닙니다.",
    ),
    # a negative count
    (
        "결점,검사수\n1,5\n-2,5\n3,5\n",
        {"column": "결점", "chart": "c"},
        "검사 표.csv: column '결점': negative count -2 in data row 2; expected counts ≥ 0.",
        "검사 표.csv: '결점' 열: 데이터 2행에 음수 개수 -2; 개수는 0 이상이어야 합니다.",
    ),
    # a size of 0
    (
        "결점,검사수\n1,5\n2,0\n3,5\n",
        {"column": "결점", "size_column": "검사수"},
        "검사 표.csv: column '검사수' has '0' in data row 2; expected a subgroup size above 0.",
        "검사 표.csv: '검사수' 열의 데이터 2행 값이 '0'입니다; 부분군 크기는 0보다 커야 합니다.",
    ),
    (
        "결점,검사수\n0,5\n0,5\n0,5\n",
        {"column": "결점", "size_column": "검사수"},
        "검사 표.csv: column '결점': every count is 0; a u chart needs some nonconformities.",
        "검사 표.csv: '결점' 열: 모든 개수가 0입니다; u 관리도에는 부적합이 하나 이상 있어야 합니다.",
    ),
    (
        "결점,검사수\n1,5\n6,5\n3,5\n",
        {"column": "결점", "size_column": "검사수", "chart": "p"},
        "검사 표.csv: column '결점': subgroup 2 has 6 nonconforming of 5 inspected; expected no more than inspected.",
        "검사 표.csv: '결점' 열: 부분군 2에서 검사 5개 중 부적합 6개; 부적합 수는 검사 수를 넘을 수 없습니다.",
    ),
    (
        "판정,로트\nOK,A\nNG,A\nOK,B\nNG,B\nOK,B\n",
        {"column": "판정", "subgroup_column": "로트", "chart": "np"},
        "검사 표.csv: column '판정': subgroups of different sizes (2 to 3); an np chart needs one size, use the p "
        "chart.",
        "검사 표.csv: '판정' 열: 부분군 크기가 서로 다릅니다 (2~3); np 관리도는 부분군 크기가 같아야 하니 p 관리도를 "
        "쓰세요.",
    ),
    (
        "결점,검사수\n1,5\n2,5\n3,5\n",
        {"column": "결점", "size_column": "없음"},
        "검사 표.csv: size_column '없음' is not a column; columns are 결점, 검사수.",
        "검사 표.csv: size_column '없음'은(는) 없는 열입니다; 있는 열: 결점, 검사수.",
    ),
    (
        "결점\n1\n2\n3\n",
        {"column": "결점", "chart": "zz"},
        "chart: expected one of auto, variables, p, np, c, u, got 'zz'.",
        "chart: auto, variables, p, np, c, u 중 하나여야 합니다 (입력: 'zz').",
    ),
    (
        "이름\n가\n나\n다\n",
        {"column": "이름"},
        "검사 표.csv: column '이름' holds labels (e.g. '가'), not measurements or pass/fail words (OK/NG, "
        "합격/불합격); SPC charts here need numbers.",
        "검사 표.csv: '이름' 열에는 측정값이나 합격/불합격 단어(OK/NG, 합격/불합격)가 아닌 표지(예: '가')가 들어 "
        "있습니다; 여기의 SPC 관리도는 숫자가 필요합니다.",
    ),
]
"""Tables refused by ``POST /api/v1/factory/spc``: the table, the form, the API's detail and its Korean."""

REASON_CASES = [
    # the answer's chart entry: why this chart was drawn (np: 2 lots of 2 items each; p: lots of 2 and 3)
    (
        "판정,로트\nOK,A\nNG,A\nOK,B\nNG,B\n",
        {"column": "판정", "subgroup_column": "로트"},
        "'판정' holds pass/fail words and every subgroup has 2 items: np chart.",
        "'판정'에 합격/불합격 단어가 있고 모든 부분군이 2개 품목: np 관리도.",
    ),
    (
        "판정,로트\nOK,A\nNG,A\nOK,B\nNG,B\nOK,B\n",
        {"column": "판정", "subgroup_column": "로트"},
        "'판정' holds pass/fail words and subgroups of 2 to 3 items: p chart.",
        "'판정'에 합격/불합격 단어가 있고 부분군이 2~3개 품목: p 관리도.",
    ),
    (
        "결점,검사수\n1,5\n2,6\n3,5\n",
        {"column": "결점", "size_column": "검사수"},
        "'결점' holds counts with units inspected in '검사수': u chart.",
        "'결점'은(는) 결점 수이고 검사 단위 수가 '검사수'에 있음: u 관리도.",
    ),
    (
        "결점,로트\n1,A\n2,A\n3,B\n",
        {"column": "결점", "subgroup_column": "로트"},
        "'결점' holds counts of defects over subgroups of 1 to 2 rows: u chart.",
        "'결점'은(는) 1~2행 부분군의 결점 수: u 관리도.",
    ),
    (
        "결점\n1\n2\n3\n",
        {"column": "결점"},
        "'결점' holds counts of defects (by its name) and no size column: c chart.",
        "'결점'은(는) (이름으로 보아) 결점 수이고 크기 열이 없음: c 관리도.",
    ),
    ("결점\n1\n2\n3\n", {"column": "결점", "chart": "u"}, "u chart, as asked.", "요청한 대로 u 관리도."),
    (
        "온도\n1.5\n2.5\n3.1\n2.2\n",
        {"column": "온도"},
        "'온도' holds measurements: I-MR charts, EWMA and CUSUM.",
        "'온도'은(는) 측정값: I-MR 관리도, EWMA, CUSUM.",
    ),
]
"""Tables charted by ``POST /api/v1/factory/spc``: the answer's ``chart.reason`` and its Korean."""

ENGLISH = (
    "expected",
    "column",
    "chart,",
    "holds",
    "every",
    "row ",
    "is not",
    "must be",
    "unknown",
    "above",
    "below",
)
"""Words of the English messages that no Korean line may keep (the data quoted in these cases holds none)."""


def korean(english: str, expected: str) -> str:
    """``english`` read Korean, checked against ``expected`` and for English words left."""
    translated = i18n.phrase(english, "ko")
    assert translated == expected, translated
    assert not [w for w in ENGLISH if w in translated.replace("size_column", "")], translated
    return translated


@pytest.mark.parametrize(("table", "fields", "english", "expected"), SPC_CASES)
def test_spc_refusals_read_korean(
    fresh_client: TestClient, table: str, fields: dict[str, str], english: str, expected: str
) -> None:
    reply = fresh_client.post("/api/v1/factory/spc", files={"files": (SPC_FILE, table.encode())}, data=fields)
    assert reply.status_code == 400 and reply.json()["detail"] == english
    korean(english, expected)


@pytest.mark.parametrize(("table", "fields", "english", "expected"), REASON_CASES)
def test_spc_chart_reason_reads_korean(
    fresh_client: TestClient, table: str, fields: dict[str, str], english: str, expected: str
) -> None:
    reply = fresh_client.post("/api/v1/factory/spc", files={"files": (SPC_FILE, table.encode())}, data=fields)
    assert reply.status_code == 200, reply.text
    assert reply.json()["chart"]["reason"] == english
    korean(english, expected)


def test_spc_note_of_a_short_last_subgroup_reads_korean(fresh_client: TestClient) -> None:
    # 5 rows in subgroups of 2: two subgroups, the 5th row left out
    table = "판정\nOK\nNG\nOK\nNG\nOK\n"
    reply = fresh_client.post(
        "/api/v1/factory/spc",
        files={"files": (SPC_FILE, table.encode())},
        data={"column": "판정", "subgroup": "2"},
    )
    assert reply.status_code == 200, reply.text
    note = "검사 표.csv: column '판정': the last 1 row(s) do not fill a subgroup of 2 and are not charted."
    assert note in reply.json()["warnings"]
    korean(note, "검사 표.csv: '판정' 열: 마지막 1행은 크기 2의 부분군을 채우지 못해 관리도에서 뺐습니다.")


def test_spc_notes_of_measurements_name_the_file_and_read_korean(fresh_client: TestClient) -> None:
    # 7 measurements in subgroups of 3: two subgroups, the 7th value left out of the X̄-R charts
    table = "두께\n1.0\n1.2\n0.9\n1.1\n1.3\n1.0\n1.2\n"
    reply = fresh_client.post(
        "/api/v1/factory/spc",
        files={"files": (SPC_FILE, table.encode())},
        data={"column": "두께", "subgroup": "3"},
    )
    assert reply.status_code == 200, reply.text
    note = (
        "검사 표.csv: column '두께': the last 1 value(s) do not fill a subgroup of 3 and are not on the X̄-R charts "
        "(EWMA, CUSUM and capability use every value)."
    )
    assert reply.json()["warnings"] == [note]
    korean(
        note,
        "검사 표.csv: '두께' 열: 마지막 1개 값은 크기 3의 부분군을 채우지 못해 X̄-R 관리도에서 뺐습니다 "
        "(EWMA, CUSUM과 공정능력은 모든 값을 씁니다).",
    )
    # lots of 2 and 3 rows: each lot its own limits
    table = "두께,로트\n1.0,A\n1.2,A\n0.9,B\n1.1,B\n1.3,B\n"
    reply = fresh_client.post(
        "/api/v1/factory/spc",
        files={"files": (SPC_FILE, table.encode())},
        data={"column": "두께", "subgroup_column": "로트"},
    )
    assert reply.status_code == 200, reply.text
    note = "검사 표.csv: 로트: subgroups of unequal size (2 to 3 rows); each has its own limits from σ̂ = mean(Rᵢ/d2(nᵢ))."
    assert reply.json()["warnings"] == [note]
    korean(
        note,
        "검사 표.csv: 로트: 부분군 크기가 서로 다릅니다 (2~3행); 부분군마다 σ̂ = mean(Rᵢ/d2(nᵢ))에서 구한 자체 관리 "
        "한계를 씁니다.",
    )


def test_spc_refusal_of_a_constant_column_names_the_file_and_reads_korean(fresh_client: TestClient) -> None:
    table = "두께\n1.5\n1.5\n1.5\n1.5\n"
    reply = fresh_client.post(
        "/api/v1/factory/spc", files={"files": (SPC_FILE, table.encode())}, data={"column": "두께"}
    )
    assert reply.status_code == 400, reply.text
    english = "검사 표.csv: column '두께': constant; control charts are undefined."
    assert english in reply.text
    korean(english, "검사 표.csv: '두께' 열: 값이 모두 같습니다; 관리도를 정의할 수 없습니다.")


@pytest.mark.parametrize(
    ("table", "fields", "english", "expected"),
    [
        # 7 values cannot make 2 subgroups of 5 (it said "values: expected at least 10 values, got 7.")
        (
            "두께\n1\n2\n3\n2\n1\n3\n2\n",
            {"column": "두께", "subgroup": "5"},
            "검사 표.csv: column '두께': expected at least 10 values (2 subgroups of 5), got 7.",
            "검사 표.csv: '두께' 열: 값이 10개 이상(크기 5의 부분군 2개) 있어야 합니다 (입력: 7개).",
        ),
        (
            "두께\n1.5\n",
            {"column": "두께"},
            "검사 표.csv: column '두께': expected at least 2 values, got 1.",
            "검사 표.csv: '두께' 열: 값이 2개 이상 있어야 합니다 (입력: 1개).",
        ),
    ],
)
def test_spc_refusals_of_too_few_values_name_the_file_and_read_korean(
    fresh_client: TestClient, table: str, fields: dict[str, str], english: str, expected: str
) -> None:
    reply = fresh_client.post("/api/v1/factory/spc", files={"files": (SPC_FILE, table.encode())}, data=fields)
    assert reply.status_code == 400, reply.text
    assert reply.json()["detail"] == english
    korean(english, expected)
