"""A planner's own scenario uploaded (``POST /api/v1/port/simulate/file``): the CLI's document for the same files,
hand-computed schedules and offered loads, Korean names end to end, bad files refused before any job, nothing kept.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gwangyang.api import i18n
from gwangyang.cli.main import main

from .conftest import nothing_left

PORT = "/api/v1/port"

SCENARIO = """name = "광양 신규 부두"
description = "업로드 시험: 선석 하나, 크레인 하나 (25 moves/h, 일정)"
chunk_moves = 20

[[berths]]
name = "1번 선석"
length_m = 300.0
transport = "트럭"
yard = "야드"

[[cranes]]
berth = "1번 선석"
count = 1
moves_per_hour = 25.0
cycle_cv = 0.0

[[transport]]
name = "트럭"

[[yards]]
name = "야드"

[arrivals]
process = "file"
schedule = "입항 일정.csv"
"""
"""One 300 m berth, one crane at 25 moves/h without variation, no breakdowns, weather or vehicle limits."""

CALLS = "vessel,arrival_h,teu,length_m\n한빛호,2,400,200\n대양호,13,400,250\n광양 1호,27,400,250\n"
"""Three calls of 400 TEU = 250 moves = 10 h at 25 moves/h (1.6 TEU a move)."""


POISSON = SCENARIO.replace(
    'process = "file"\nschedule = "입항 일정.csv"',
    'process = "poisson"\n\n[[arrivals.services]]\nname = "동남아"\ncalls_per_week = 1.0\n'
    "teu_per_call = 400.0\nlength_m = 200.0",
)
"""The same terminal with one Poisson service of one 400 TEU call a week (10 h of work) instead of a call list."""


def upload(
    client: TestClient, files: list[tuple[str, bytes]], data: dict[str, str] | None = None, wait: int = 120
) -> Any:
    return client.post(
        f"{PORT}/simulate/file",
        params={"wait": wait},
        files=[("files", (name, content)) for name, content in files],
        data=data or {},
    )


def korean_files(calls: str = CALLS) -> list[tuple[str, bytes]]:
    return [("광양 신규.toml", SCENARIO.encode()), ("입항 일정.csv", calls.encode())]


def test_uploaded_scenario_is_the_cli_document_with_a_hand_schedule(
    fresh_client: TestClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    response = upload(fresh_client, korean_files(), {"days": "2", "seed": "3"})
    assert response.status_code == 201, response.text
    job = response.json()["job"]
    assert job["params"]["file"] == "광양 신규.toml" and job["params"]["scenario"] == "광양 신규 부두"
    by_api = job["result"]
    assert (by_api["file"], by_api["call_list"], by_api["scenario"]) == (
        "광양 신규.toml",
        "입항 일정.csv",
        "광양 신규 부두",
    )
    # By hand, first come first served on the one berth: 한빛호 2-12, 대양호 13-23, 광양 1호 27-37 h.
    plan = {row["name"]: [row["arrival_h"], row["start_h"], row["end_h"]] for row in by_api["berth_plan"]}
    hand = {"한빛호": [2, 2, 12], "대양호": [13, 13, 23], "광양 1호": [27, 27, 37]}
    assert sorted(plan) == sorted(hand) and all(plan[n] == pytest.approx(hand[n]) for n in hand)
    # Offered load: 3 calls x 10 h of work in 48 h on one berth open 24 h a day = 30 / 48.
    assert by_api["load"]["offered_load"] == pytest.approx(30 / 48)
    assert by_api["kpis"]["mean_wait_h"] == 0 and by_api["kpis"]["mean_service_h"] == pytest.approx(10)
    assert nothing_left(fresh_client)
    # The same files through the CLI: the same document but for the names the upload adds.
    for name, content in korean_files():
        (tmp_path / name).write_bytes(content)
    code = main(
        [
            "port",
            "simulate",
            "--scenario",
            str(tmp_path / "광양 신규.toml"),
            "--days",
            "2",
            "--seed",
            "3",
            "--json",
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    by_cli = json.loads(captured.out)
    assert {k: v for k, v in by_api.items() if k not in ("file", "call_list")} == by_cli


def test_replications_and_a_decomposed_korean_file_name(fresh_client: TestClient) -> None:
    # A macOS file name arrives decomposed (NFD); the scenario names it composed (NFC): the same file.
    decomposed = unicodedata.normalize("NFD", "입항 일정.csv")
    assert decomposed != "입항 일정.csv"
    files = [("광양 신규.toml", SCENARIO.encode()), (decomposed, CALLS.encode())]
    response = upload(fresh_client, files, {"days": "2", "replications": "2"})
    assert response.status_code == 201, response.text
    result = response.json()["job"]["result"]
    # A call list is the same in every replication: the calls and their service times do not vary.
    assert result["replications"] == 2 and result["kpis"]["vessel_calls"] == 3
    assert result["confidence_intervals"]["vessel_calls"]["no_interval"] == "no variation"


def test_an_overloaded_call_list_warns_and_the_warnings_read_korean(fresh_client: TestClient) -> None:
    # Six 10 h calls in the first 6 h of a 48 h run and one after it: work 60 h in 48 h, offered load 1.25.
    rows = "".join(f"{n}호,{h},400,250\n" for n, h in zip("가나다라마바", range(6), strict=True))
    calls = "vessel,arrival_h,teu,length_m\n" + rows + "늦은호,50,400,250\n"
    response = upload(fresh_client, korean_files(calls), {"days": "2"})
    assert response.status_code == 201, response.text
    result = response.json()["job"]["result"]
    assert result["load"]["offered_load"] == pytest.approx(60 / 48)
    warnings = result["warnings"]
    later, overload = warnings[0], warnings[1]
    assert later == (
        "1 of the call list's 7 calls arrive after the run's 2 days (the first, '늦은호', at 50 h) and are left "
        "out; run more than 2.083 days to include them"
    )
    assert overload.startswith(
        "not in steady state: the offered load of the berths is 1.25 (arrival work 1.25 "
    )
    korean = [i18n.phrase(w, "ko") for w in warnings]
    assert korean[0] == (
        "입항 목록의 7척 중 1척이 실행 기간 2일 이후에 도착해 빠졌습니다(첫 선박 '늦은호', 50 h); "
        "포함하려면 2.083일보다 길게 실행하세요"
    )
    assert "1.25" in korean[1] and "정상 상태" in korean[1] and "not in steady state" not in korean[1]
    # every warning of the run reads Korean, none is left in English
    for english, translated in zip(warnings, korean, strict=True):
        assert translated != english and "the " not in translated, english


def test_a_scenario_without_call_list_runs_and_no_vessel_warns_in_korean(fresh_client: TestClient) -> None:
    response = upload(fresh_client, [("포아송.toml", POISSON.encode())], {"days": "0.01"})
    assert response.status_code == 201, response.text
    result = response.json()["job"]["result"]
    assert result["call_list"] is None and result["kpis"]["vessel_calls"] == 0
    # Offered load of one service: 1 call a week x 10 h over 168 h.
    assert result["load"]["offered_load"] == pytest.approx(10 / 168)
    first = result["warnings"][0]
    assert first.startswith("no vessel arrived in the run's 0.01 days (the services bring 0.0014 on average)")
    assert i18n.phrase(first, "ko") == (
        "이 실행의 0.01일 동안 도착한 선박이 없습니다(항로들이 평균 0.0014척을 데려옴): 선박 KPI는 측정된 값이 아니라 "
        "선박이 없어서 0입니다; 더 길게 실행하세요"
    )


@pytest.mark.parametrize(
    ("files", "status", "detail"),
    [
        # the TOML loader's own refusals, naming the file and field
        (
            [("광양.toml", b'name = "x"\n[[berths]\nname = 1')],
            400,
            "광양.toml: not a TOML scenario file (not valid TOML:",
        ),
        ([("광양.toml", b"\xff\xfe\x00garbage\x81")], 400, "광양.toml: not a TOML scenario file"),
        (
            [("광양.toml", SCENARIO.replace("chunk_moves", "chunk_move").encode()), ("입항 일정.csv", b"")],
            400,
            "광양.toml: chunk_move: unknown field",
        ),
        (
            [("광양.toml", SCENARIO.replace("cycle_cv = 0.0", "cycle_cv = 0.0\nspeed = 2").encode())],
            400,
            "광양.toml: cranes[0].speed: unknown field",
        ),
        (
            [("광양.toml", SCENARIO.replace('berth = "1번 선석"', 'berth = "2번 선석"').encode())],
            400,
            "광양.toml: cranes[0].berth: '2번 선석' is not a berth (known: 1번 선석)",
        ),
        (
            [("광양.toml", SCENARIO.replace("length_m = 300.0", 'length_m = "길다"').encode())],
            400,
            "광양.toml: berths[0].length_m: expected a number, got '길다'",
        ),
        # the call list: missing, another name, a path, not read by the scenario, bad rows
        (
            [("광양.toml", SCENARIO.encode())],
            400,
            "광양.toml: arrivals.schedule: the scenario reads its calls from",
        ),
        (
            [("광양.toml", SCENARIO.encode()), ("다른.csv", CALLS.encode())],
            400,
            "광양.toml: arrivals.schedule: '입항 일정.csv' is not the uploaded call list '다른.csv'",
        ),
        (
            [("광양.toml", SCENARIO.replace("입항 일정.csv", "/etc/passwd").encode())],
            400,
            "광양.toml: arrivals.schedule: an uploaded scenario names its call list by file name only",
        ),
        (
            [("광양.toml", SCENARIO.replace("입항 일정.csv", "../../secret.csv").encode())],
            400,
            "광양.toml: arrivals.schedule: an uploaded scenario names its call list by file name only",
        ),
        (
            [
                ("광양.toml", SCENARIO.encode()),
                ("입항 일정.csv", CALLS.replace("한빛호,2,", "한빛호,x,").encode()),
            ],
            400,
            "입항 일정.csv: row 1: arrival_h must be a number >= 0, got 'x'",
        ),
        (
            [("광양.toml", SCENARIO.encode()), ("입항 일정.csv", CALLS.replace(",200\n", ",366\n").encode())],
            400,
            "입항 일정.csv: row 1: length_m: vessel '한빛호' is 366 m, longer than every berth",
        ),
        (
            [("광양.toml", SCENARIO.encode()), ("입항 일정.csv", b"\x00\xff\xfe\x81\x00")],
            400,
            "입항 일정.csv: ",
        ),
        (
            [
                ("광양.toml", POISSON.encode()),
                ("입항 일정.csv", b""),
            ],
            400,
            "입항 일정.csv: the scenario 광양.toml reads no call list (arrivals.process is 'poisson', not 'file')",
        ),
        # base_dir is the file's own folder, not a field a file may set
        (
            [("광양.toml", ('base_dir = "/etc"\n' + SCENARIO).encode()), ("입항 일정.csv", CALLS.encode())],
            400,
            "광양.toml: base_dir: not a scenario field",
        ),
        # the wrong kind or number of files
        ([("광양.xlsx", b"PK\x03\x04")], 415, "광양.xlsx: unknown file kind (expected a scenario .toml"),
        ([("입항 일정.csv", CALLS.encode())], 400, "upload: expected one scenario .toml and at most one"),
        (
            [("가.toml", SCENARIO.encode()), ("나.toml", SCENARIO.encode())],
            400,
            "upload: expected one scenario .toml",
        ),
        (
            [("광양.toml", b" " * (256 * 1024 + 1))],
            413,
            "광양.toml: 262145 bytes is over the limit of 262144 bytes",
        ),
    ],
)
def test_bad_files_are_refused_before_any_job(
    fresh_client: TestClient, files: list[tuple[str, bytes]], status: int, detail: str
) -> None:
    response = upload(fresh_client, files)
    assert response.status_code == status, response.text
    message = response.json()["detail"]
    assert message.startswith(detail) and "\n" not in message and "uploads/" not in message, message
    assert fresh_client.get("/api/v1/jobs").json() == [] or not any(
        j["kind"] == "port.simulate" for j in fresh_client.get("/api/v1/jobs").json()
    )
    assert nothing_left(fresh_client)


def test_bad_form_fields_and_an_oversize_upload(fresh_client: TestClient) -> None:
    response = upload(fresh_client, korean_files(), {"days": "400"})
    assert response.status_code == 400 and response.json()["detail"].startswith("days: ")
    response = upload(fresh_client, korean_files(), {"seed": "x"})
    assert response.json()["detail"] == "seed: expected a number, got 'x'"
    # past the server's upload limit (2 MiB here)
    response = upload(fresh_client, [*korean_files()[:1], ("입항 일정.csv", b"a" * (3 * 1024 * 1024))])
    assert response.status_code == 413
    assert nothing_left(fresh_client)


def test_a_file_outside_cannot_be_read_through_schedule_in_the_cli_either(tmp_path: Path) -> None:
    # base_dir in a scenario file was taken as the folder of its call list: refused now, on every route
    from gwangyang.errors import InputError
    from gwangyang.port.terminal import Scenario

    path = tmp_path / "s.toml"
    path.write_text('base_dir = "/etc"\n' + SCENARIO, encoding="utf-8")
    with pytest.raises(InputError, match=r"s.toml: base_dir: not a scenario field"):
        Scenario.from_file(path)


def test_port_warnings_made_by_their_functions_read_korean() -> None:
    from gwangyang.port.offered_load import overload_warning

    # a comparison names the overloaded scenario first; the offered load by hand: 1.5 berth-hours an hour on 1
    line = overload_warning({"offered_load": 1.5, "work_h_per_h": 1.5, "capacity_h_per_h": 1.0})
    assert line is not None and "1.50" in line
    for english in (line, f"광양 신규 부두: {line}"):
        korean = i18n.phrase(english, "ko")
        assert "선석의 제공 부하가 1.50입니다" in korean and "not in steady state" not in korean
    assert i18n.phrase(f"광양 신규 부두: {line}", "ko").startswith("광양 신규 부두: 정상 상태가 아님")
    cpsat = (
        "CP-SAT found no solution and no bound within its 1.5 s (status UNKNOWN); the lower bound is the best "
        "of the others"
    )
    assert i18n.phrase(cpsat, "ko") == (
        "CP-SAT가 할당된 1.5초 안에 해도 하한도 찾지 못했습니다(상태 UNKNOWN); 하한은 나머지 하한 중 가장 좋은 값입니다"
    )
    assert i18n.phrase("no Lagrangian bound: the budget gives it no steps", "ko") == (
        "라그랑주 하한 없음: 작업 예산이 단계를 하나도 주지 않습니다"
    )
