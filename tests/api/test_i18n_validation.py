"""A request that fails validation: 422 with one line naming each field's place and what was expected.

``gwangyang.api.request_errors`` replaces pydantic's own English (``Input should be greater than or equal to
0.05``) with the project's line, in English or in Korean by the request's language; FastAPI's records stay in
``errors``. Each expected line is written by hand from the route's declared bounds, types and choices.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from gwangyang.api import i18n
from gwangyang.api.fields import SEED_MAX
from gwangyang.api.request_errors import field_lines, interval, shown

BERTHS = {"arrival": [0, 1], "opening": [0], "closing": [100], "handling": [[5], [5]], "deadline": [50, 50]}

CASES: list[tuple[str, str, Any, str, str]] = [
    # (method, path, JSON body, English line, Korean line)
    (
        "post",
        "/api/v1/battery/twin/simulate",
        {"protocol": "6-5-4@40-80", "cycles": 1, "start_c": 0.01},
        "body.start_c: expected a number in [0.05, 10], got 0.01",
        "body.start_c: [0.05, 10] 범위의 숫자여야 합니다 (입력: 0.01)",
    ),
    (
        "post",
        "/api/v1/battery/twin/simulate",
        {"protocol": "6-5-4@40-80", "cycles": 1, "start_c": "2"},
        "body.start_c: expected a number, got '2'",
        "body.start_c: 숫자여야 합니다 (입력: '2')",
    ),
    (
        "post",
        "/api/v1/port/cranes",
        {"seed": True},
        "body.seed: expected an integer, got true",
        "body.seed: 정수여야 합니다 (입력: true)",
    ),
    (
        "post",
        "/api/v1/port/cranes",
        {"seed": SEED_MAX + 1},
        "body.seed: expected an integer in [0, 2147483647], got 2147483648",
        "body.seed: [0, 2147483647] 범위의 정수여야 합니다 (입력: 2147483648)",
    ),
    (
        "post",
        "/api/v1/port/berths/plan",
        {**BERTHS, "time_limit": 0},
        "body.time_limit: expected a number in (0, 120], got 0",
        "body.time_limit: (0, 120] 범위의 숫자여야 합니다 (입력: 0)",
    ),
    (
        "post",
        "/api/v1/port/berths/plan",
        {**BERTHS, "method": "빠른"},
        "body.method: expected one of 'cpsat', 'fcfs', 'greedy', 'spt', got '빠른'.",
        "body.method: 'cpsat', 'fcfs', 'greedy', 'spt' 중 하나여야 합니다 (입력: '빠른').",
    ),
    (
        "post",
        "/api/v1/port/berths/plan",
        {key: value for key, value in BERTHS.items() if key != "deadline"},
        "body.deadline: required but missing",
        "body.deadline: 필수 항목이 없습니다",
    ),
    (  # a list's item: the bounds of the item's own type (Hours: -10**9 to 10**9)
        "post",
        "/api/v1/port/berths/plan",
        {**BERTHS, "arrival": [0, 1_000_000_001]},
        "body.arrival.1: expected an integer in [-1000000000, 1000000000], got 1000000001",
        "body.arrival.1: [-1000000000, 1000000000] 범위의 정수여야 합니다 (입력: 1000000001)",
    ),
    (
        "post",
        "/api/v1/port/berths/plan",
        {**BERTHS, "name": "광" * 81},
        "body.name: expected at most 80 characters, got 81",
        "body.name: 80자 이하여야 합니다 (입력: 81자)",
    ),
    (
        "get",
        "/api/v1/jobs?limit=600",
        None,
        "query.limit: expected an integer in [1, 500], got '600'",
        "query.limit: [1, 500] 범위의 정수여야 합니다 (입력: '600')",
    ),
    (
        "get",
        "/api/v1/jobs?offset=첫째",
        None,
        "query.offset: expected an integer, got '첫째'",
        "query.offset: 정수여야 합니다 (입력: '첫째')",
    ),
    (  # read by hand (optimize's bodies are no model): the same line
        "post",
        "/api/v1/optimize/propose",
        {"rows": [{"x": 1}], "batch": 0},
        "body.batch: expected an integer in [1, 1000], got 0",
        "body.batch: [1, 1000] 범위의 정수여야 합니다 (입력: 0)",
    ),
]


@pytest.mark.parametrize(("method", "path", "body", "english", "korean"), CASES)
def test_a_refused_field_is_one_line_in_english_and_korean(
    fresh_client: TestClient, method: str, path: str, body: Any, english: str, korean: str
) -> None:
    for lang, line in (("en", english), ("ko", korean)):
        headers = {"Accept-Language": lang}
        if body is None:
            response = fresh_client.request(method, path, headers=headers)
        else:
            response = fresh_client.request(method, path, json=body, headers=headers)
        assert response.status_code == 422, response.text
        assert response.json()["detail"] == line
        assert response.headers["Content-Language"] == lang
        # FastAPI's records are kept for programs, pydantic's English and all
        [record] = response.json()["errors"]
        assert ".".join(map(str, record["loc"])) == line.split(":")[0]
    assert fresh_client.get("/api/v1/jobs").headers["X-Total-Count"] == "0"  # nothing started


def test_every_field_refused_is_a_part_of_the_line(fresh_client: TestClient) -> None:
    response = fresh_client.post(
        "/api/v1/port/berths/plan", json={"method": "x"}, headers={"Accept-Language": "ko"}
    )
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "body.arrival: 필수 항목이 없습니다; body.opening: 필수 항목이 없습니다; body.closing: 필수 항목이 없습니다; "
        "body.handling: 필수 항목이 없습니다; body.deadline: 필수 항목이 없습니다; "
        "body.method: 'cpsat', 'fcfs', 'greedy', 'spt' 중 하나여야 합니다 (입력: 'x')."
    )
    assert len(response.json()["errors"]) == 6


def test_a_body_that_is_no_json_names_the_character(fresh_client: TestClient) -> None:
    response = fresh_client.post(
        "/api/v1/port/cranes", content=b'{"seed": ', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "body: not valid JSON at character 9"


def test_the_english_line_reads_korean_through_the_pages_patterns() -> None:
    """``common.js`` and :func:`i18n.phrase` read an English line (a client's, a log's) as the server writes Korean."""
    record = {"type": "greater_than_equal", "loc": ("body", "start_c"), "ctx": {"ge": 0.05}, "input": 0.01}
    english = field_lines([record], "en")
    assert (
        english == "body.start_c: expected a number in [0.05, ∞), got 0.01"
    )  # no route: pydantic's bound only
    assert (
        i18n.phrase(english, "ko")
        == field_lines([record], "ko")
        == ("body.start_c: [0.05, ∞) 범위의 숫자여야 합니다 (입력: 0.01)")
    )


def test_intervals_and_values_are_written_as_a_person_writes_them() -> None:
    assert interval({"ge": 0.05, "le": 10.0}) == "[0.05, 10]"
    assert interval({"gt": 0, "le": 120}) == "(0, 120]"
    assert interval({"lt": -1.5}) == "(-∞, -1.5)"
    assert [shown(v) for v in (None, False, 2.0, "a'b", [1, "x"])] == [
        "null",
        "false",
        "2",
        '"a\'b"',
        '[1, "x"]',
    ]
    assert shown("가" * 50) == repr("가" * 40 + "…")


PATH_IDS: list[tuple[str, str, str]] = [
    # (path, English line, Korean line): each id's pattern, now enforced (400, as the services' checks answer)
    (
        "/api/v1/jobs/XYZ",
        "path.job_id: expected a job id, 32 lowercase hexadecimal digits, got 'XYZ'",
        "path.job_id: 작업 id(소문자 16진수 32자리)여야 합니다 (입력: 'XYZ')",
    ),
    (
        "/api/v1/battery/life/models/..모델",
        "path.name: expected a plain name (letters of any script, digits, '_', '-', '.', no leading dot, no '..', "
        "at most 80 characters), got '..모델'",
        "path.name: 평범한 이름(모든 문자의 글자, 숫자, '_', '-', '.', 점으로 시작하지 않고 '..' 없이 80자 이하)이어야 "
        "합니다 (입력: '..모델')",
    ),
    (
        "/api/v1/optimize/campaigns/%20급속충전",
        "path.name: expected a campaign name (letters of any script, digits, '_', '-', '.' and spaces, none at "
        "either end, no leading dot, no '..', at most 80 characters), got ' 급속충전'",
        "path.name: 캠페인 이름(모든 문자의 글자, 숫자, '_', '-', '.'와 공백, 양 끝에는 공백 없이, 점으로 시작하지 "
        "않고 '..' 없이 80자 이하)이어야 합니다 (입력: ' 급속충전')",
    ),
    (
        "/api/v1/battery/cells/_배터리",
        "path.cell_id: expected a cell id (any script, none of / \\ : * ? \" < > | or control characters, no '..', "
        "not starting or ending with a space, '.', '_' or '-', at most 200 characters), got '_배터리'",
        "path.cell_id: 셀 id(모든 문자 가능, / \\ : * ? \" < > | 와 제어 문자 제외, '..' 없이, 공백·'.'·'_'·'-'로 "
        "시작하거나 끝나지 않고 200자 이하)여야 합니다 (입력: '_배터리')",
    ),
    (
        "/api/v1/battery/cells/" + "셀" * 201,
        "path.cell_id: expected a cell id (any script, none of / \\ : * ? \" < > | or control characters, no '..', "
        "not starting or ending with a space, '.', '_' or '-', at most 200 characters), got '"
        + "셀" * 40
        + "…'",
        "path.cell_id: 셀 id(모든 문자 가능, / \\ : * ? \" < > | 와 제어 문자 제외, '..' 없이, 공백·'.'·'_'·'-'로 "
        "시작하거나 끝나지 않고 200자 이하)여야 합니다 (입력: '" + "셀" * 40 + "…')",
    ),
]


@pytest.mark.parametrize(("path", "english", "korean"), PATH_IDS)
def test_a_path_id_off_its_pattern_is_400_with_one_line(
    fresh_client: TestClient, path: str, english: str, korean: str
) -> None:
    for lang, line in (("en", english), ("ko", korean)):
        response = fresh_client.get(path, headers={"Accept-Language": lang})
        assert response.status_code == 400, response.text
        assert response.json()["detail"] == line
        [record] = response.json()["errors"]
        assert record["type"] == "path_id"
    assert i18n.phrase(english, "ko") == korean  # the pages' patterns read the English line alike


def test_a_path_id_on_its_pattern_reaches_the_service(fresh_client: TestClient) -> None:
    assert fresh_client.get("/api/v1/jobs/" + "a" * 32).json() == {
        "detail": "job " + "a" * 32 + ": no such job."
    }
    assert fresh_client.get("/api/v1/battery/cells/셀 1").status_code == 404
