"""Refusals and notes that reached Korean users in English: each as the API answers it, read Korean with its data kept.

The English lines are the API's own answers (port scenario upload, uploads, routing upload form fields; the factory
SPC's are in ``test_i18n_spc.py``) and the twin's warnings; :func:`gwangyang.api.i18n.phrase` (the pages' ``phrase``
in ``common.js``, run under Node where it is installed) must give the Korean written here by hand: the file, column
and vessel names, rows and numbers unchanged, no English word of the message left.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gwangyang.api import i18n
from gwangyang.battery.twin_config import TwinConfig
from gwangyang.battery.twin_limits import LOWER, UPPER, limit_warnings
from gwangyang.errors import InputError

from .page_script import page_phrases
from .test_i18n_spc import REASON_CASES, SPC_CASES, korean
from .test_i18n_twin_steps import STEP_LIMIT_WARNING
from .test_port_upload import CALLS, POISSON, SCENARIO, upload

PORT_CASES = [
    (
        [("광양.toml", SCENARIO.replace("cycle_cv = 0.0", "cycle_cv = 0.0\nspeed = 2").encode())],
        "광양.toml: cranes[0].speed: unknown field (known: berth, count, cycle_cv, kind, kwh_per_move, "
        "moves_per_hour, mtbf_h, repair_h)",
        "광양.toml: cranes[0].speed: 알 수 없는 항목 (사용할 수 있는 항목: berth, count, cycle_cv, kind, "
        "kwh_per_move, moves_per_hour, mtbf_h, repair_h)",
    ),
    (
        [("광양.toml", SCENARIO.replace('berth = "1번 선석"', 'berth = "2번 선석"').encode())],
        "광양.toml: cranes[0].berth: '2번 선석' is not a berth (known: 1번 선석)",
        "광양.toml: cranes[0].berth: '2번 선석'은(는) 선석이 아닙니다 (선석: 1번 선석)",
    ),
    (
        [("광양.toml", SCENARIO.replace("length_m = 300.0", 'length_m = "길다"').encode())],
        "광양.toml: berths[0].length_m: expected a number, got '길다'",
        "광양.toml: berths[0].length_m: 숫자여야 합니다 (입력: '길다')",
    ),
    (
        [("광양.toml", SCENARIO.replace("chunk_moves = 20", "chunk_moves = 0").encode())],
        "광양.toml: chunk_moves: must be >= 1, got 0",
        "광양.toml: chunk_moves: 1 이상이어야 합니다 (입력: 0)",
    ),
    (
        [("광양.toml", SCENARIO.replace('yard = "야드"', 'yard = "없는 야드"').encode())],
        "광양.toml: berths[0].yard: '없는 야드' is not a yard",
        "광양.toml: berths[0].yard: '없는 야드'은(는) 야드가 아닙니다",
    ),
    (
        [("광양.toml", ('base_dir = "/etc"\n' + SCENARIO).encode()), ("입항 일정.csv", CALLS.encode())],
        "광양.toml: base_dir: not a scenario field (a call list is read relative to the scenario file's folder: "
        "write arrivals.schedule relative to it)",
        "광양.toml: base_dir: 시나리오 항목이 아닙니다 (입항 목록은 시나리오 파일의 폴더를 기준으로 읽으니 "
        "arrivals.schedule을 그 기준으로 쓰세요)",
    ),
    (
        [("광양.toml", SCENARIO.encode()), ("다른.csv", CALLS.encode())],
        "광양.toml: arrivals.schedule: '입항 일정.csv' is not the uploaded call list '다른.csv'",
        "광양.toml: arrivals.schedule: '입항 일정.csv'은(는) 업로드한 입항 목록 '다른.csv'이(가) 아닙니다",
    ),
    (
        [("광양.toml", POISSON.encode()), ("입항 일정.csv", b"")],
        "입항 일정.csv: the scenario 광양.toml reads no call list (arrivals.process is 'poisson', not 'file')",
        "입항 일정.csv: 시나리오 광양.toml은(는) 입항 목록을 읽지 않습니다 (arrivals.process가 'file'이 아니라 "
        "'poisson')",
    ),
    # the call list's rows
    (
        [
            ("광양.toml", SCENARIO.encode()),
            ("입항 일정.csv", CALLS.replace("한빛호,2,", "한빛호,x,").encode()),
        ],
        "입항 일정.csv: row 1: arrival_h must be a number >= 0, got 'x'",
        "입항 일정.csv: 1행: arrival_h은(는) 0 이상의 숫자여야 합니다 (입력: 'x')",
    ),
    (
        [("광양.toml", SCENARIO.encode()), ("입항 일정.csv", CALLS.replace(",200\n", ",366\n").encode())],
        "입항 일정.csv: row 1: length_m: vessel '한빛호' is 366 m, longer than every berth (longest 300 m)",
        "입항 일정.csv: 1행: length_m: 선박 '한빛호'은(는) 366 m로 모든 선석보다 깁니다 (가장 긴 선석 300 m)",
    ),
    (
        [("광양.toml", SCENARIO.encode()), ("입항 일정.csv", CALLS.replace("대양호", "한빛호").encode())],
        "입항 일정.csv: row 2: vessel '한빛호' is listed twice (also row 1)",
        "입항 일정.csv: 2행: 선박 '한빛호'이(가) 두 번 나옵니다 (1행에도 있음)",
    ),
    (
        [("광양.toml", SCENARIO.encode()), ("입항 일정.csv", CALLS.replace("vessel,", "선박,").encode())],
        "입항 일정.csv: column '선박' is not known (expected vessel, arrival_h, arrival, teu, length_m, service, "
        "max_cranes)",
        "입항 일정.csv: 알 수 없는 열 '선박' (사용할 수 있는 열: vessel, arrival_h, arrival, teu, length_m, "
        "service, max_cranes)",
    ),
    (
        [
            ("광양.toml", SCENARIO.encode()),
            ("입항 일정.csv", "vessel,arrival,teu,length_m\n가호,내일,1,100\n".encode()),
        ],
        "입항 일정.csv: row 1: arrival: expected a date and time such as 2026-12-07T14:30+09:00, 2026-12-07 14:30 "
        "or 2026년 12월 7일 14시 30분, got '내일'",
        "입항 일정.csv: 1행: arrival: 2026-12-07T14:30+09:00, 2026-12-07 14:30 또는 2026년 12월 7일 14시 30분 같은 "
        "날짜와 시각이어야 합니다 (입력: '내일')",
    ),
]
"""Scenarios refused by ``POST /api/v1/port/simulate/file``: the files, the API's detail and its Korean."""

TWIN_WARNINGS = {
    # Chen2020's cut-offs are 2.5-4.2 V; the config's cycling voltages lie beyond them
    "cycling.upper_voltage_v = 4.4 V is above Chen2020's upper voltage cut-off 4.2 V: the twin charges past the "
    "cell's rated window (capacities and retention above the nominal are possible).": (
        "cycling.upper_voltage_v = 4.4 V가 Chen2020의 상한 차단 전압 4.2 V보다 높습니다. 트윈이 셀의 정격 범위를 "
        "넘어 충전합니다 (용량과 유지율이 공칭값을 넘을 수 있음)."
    ),
    "cycling.charge_limit_v = 4.45 V is above Chen2020's upper voltage cut-off 4.2 V: the twin charges past the "
    "cell's rated window (capacities and retention above the nominal are possible).": (
        "cycling.charge_limit_v = 4.45 V가 Chen2020의 상한 차단 전압 4.2 V보다 높습니다. 트윈이 셀의 정격 범위를 "
        "넘어 충전합니다 (용량과 유지율이 공칭값을 넘을 수 있음)."
    ),
    "cycling.lower_voltage_v = 2 V is below Chen2020's lower voltage cut-off 2.5 V: the twin discharges past the "
    "cell's rated window.": (
        "cycling.lower_voltage_v = 2 V가 Chen2020의 하한 차단 전압 2.5 V보다 낮습니다. 트윈이 셀의 정격 범위를 "
        "넘어 방전합니다."
    ),
    "cycling.charge_limit_v = 4.45 V is above upper_voltage_v = 4.4 V: the constant-current steps may charge past "
    "the voltage the CV step holds.": (
        "cycling.charge_limit_v = 4.45 V가 upper_voltage_v = 4.4 V보다 높습니다. 정전류 단계가 CV 단계가 유지하는 "
        "전압을 넘어 충전할 수 있습니다."
    ),
}
"""The twin's warnings (after the config file's name) and their Korean."""


@pytest.mark.parametrize(("files", "english", "expected"), PORT_CASES)
def test_port_scenario_refusals_read_korean(
    fresh_client: TestClient, files: list[tuple[str, bytes]], english: str, expected: str
) -> None:
    reply = upload(fresh_client, files)
    assert reply.status_code == 400 and reply.json()["detail"] == english
    korean(english, expected)


@pytest.mark.parametrize(
    ("route", "files", "status", "english", "expected"),
    [
        (
            "/api/v1/port/simulate/file",
            [("광양.xlsx", b"PK\x03\x04")],
            415,
            "광양.xlsx: unknown file kind (expected a scenario .toml and optionally its call list .csv).",
            "광양.xlsx: 알 수 없는 파일 종류 (시나리오 .toml과 선택적으로 그 입항 목록 .csv만 받습니다).",
        ),
        (
            "/api/v1/port/simulate/file",
            [("가.toml", SCENARIO.encode()), ("나.toml", SCENARIO.encode())],
            400,
            "upload: expected one scenario .toml and at most one call list .csv, got 2 and 0.",
            "upload: 시나리오 .toml 하나와 입항 목록 .csv 최대 하나가 필요한데 각각 2개, 0개입니다.",
        ),
        (
            "/api/v1/port/simulate/file",
            [("광양.toml", b" " * (256 * 1024 + 1))],
            413,
            "광양.toml: 262145 bytes is over the limit of 262144 bytes for this kind of file.",
            "광양.toml: 262145바이트로 이 종류 파일의 한도 262144바이트를 넘습니다.",
        ),
        (
            "/api/v1/logistics/routes/file",
            [("배송 문제.xlsx", b"x")],
            415,
            "배송 문제.xlsx: unknown problem format (expected .vrp, .txt, .toml, .json, and optionally a .sol).",
            "배송 문제.xlsx: 알 수 없는 문제 형식 (.vrp, .txt, .toml, .json 파일과 선택적으로 .sol 파일만 받습니다).",
        ),
        (
            "/api/v1/factory/spc",
            [("표 1.csv", b"a\n1\n"), ("표 2.csv", b"a\n1\n")],
            400,
            "upload: expected one table file, got 2.",
            "upload: 표 파일 하나가 필요한데 2개입니다.",
        ),
    ],
)
def test_upload_refusals_read_korean(
    fresh_client: TestClient,
    route: str,
    files: list[tuple[str, bytes]],
    status: int,
    english: str,
    expected: str,
) -> None:
    reply = fresh_client.post(
        route, files=[("files", (name, content)) for name, content in files], data={"column": "a"}
    )
    assert reply.status_code == status and reply.json()["detail"] == english, reply.text
    korean(english, expected)


def test_upload_form_fields_read_korean(fresh_client: TestClient) -> None:
    files = [("광양.toml", SCENARIO.encode()), ("입항 일정.csv", CALLS.encode())]
    seed = upload(fresh_client, files, {"seed": "x"}).json()["detail"]
    assert korean(seed, "seed: 숫자여야 합니다 (입력: 'x')")
    days = upload(fresh_client, files, {"days": "400"}).json()["detail"]
    assert days == "days: expected a number in (0, 366], got 400"
    korean(days, "days: (0, 366] 범위의 숫자여야 합니다 (입력: 400)")
    # the routing upload reads its form before the file
    workers = fresh_client.post(
        "/api/v1/logistics/routes/file",
        files=[("files", ("배송 문제.vrp", b"NAME : x\n"))],
        data={"workers": "two"},
    )
    assert workers.status_code == 400 and workers.json()["detail"] == "workers: expected a number, got 'two'"
    korean(workers.json()["detail"], "workers: 숫자여야 합니다 (입력: 'two')")


def test_twin_voltage_warnings_read_korean(tmp_path: Path) -> None:
    path = tmp_path / "첸2020 셀.toml"
    path.write_text(
        '[model]\nname = "SPM"\nparameter_set = "Chen2020"\n'
        "[cycling]\nupper_voltage_v = 4.4\nlower_voltage_v = 2.0\ncharge_limit_v = 4.45\n",
        encoding="utf-8",
    )
    # Chen2020's own cut-offs (PyBaMM's parameter set: 2.5-4.2 V), given as the set's values
    warnings = limit_warnings(TwinConfig.from_file(path), {UPPER: 4.2, LOWER: 2.5})
    assert sorted(warnings) == sorted(f"{path}: {w}" for w in TWIN_WARNINGS)
    for warning in warnings:
        korean(warning, f"{path}: {TWIN_WARNINGS[warning.split(': ', 1)[1]]}")


@pytest.mark.parametrize(
    ("cycling", "english", "expected"),
    [
        (
            "upper_voltage_v = 5.0\nlower_voltage_v = 4.3\n",
            "cycling: 4.3-5 V lies outside Chen2020's cut-offs 2.5-4.2 V; no cycle can run there.",
            "cycling: 4.3-5 V가 Chen2020의 차단 전압 범위 2.5-4.2 V 밖에 있습니다; 그 범위에서는 사이클을 돌릴 수 "
            "없습니다.",
        ),
        (
            "upper_voltage_v = 4.2\nlower_voltage_v = 2.5\ncharge_limit_v = 2.5\n",
            "cycling.charge_limit_v = 2.5 V: expected above lower_voltage_v = 2.5 V (the constant-current steps "
            "would end at once).",
            "cycling.charge_limit_v = 2.5 V: lower_voltage_v = 2.5 V보다 높아야 합니다 (정전류 단계가 곧바로 "
            "끝납니다).",
        ),
    ],
)
def test_twin_voltage_refusals_read_korean(tmp_path: Path, cycling: str, english: str, expected: str) -> None:
    path = tmp_path / "첸2020 셀.toml"
    path.write_text(
        f'[model]\nname = "SPM"\nparameter_set = "Chen2020"\n[cycling]\n{cycling}', encoding="utf-8"
    )
    with pytest.raises(InputError) as caught:
        limit_warnings(TwinConfig.from_file(path), {UPPER: 4.2, LOWER: 2.5})
    assert str(caught.value) == f"{path}: {english}"
    korean(str(caught.value), f"{path}: {expected}")


COMPARE_REFUSAL = "scenario B: 광양.toml: chunk_move: unknown field (known: berths, cranes)"
"""A refusal of POST /port/compare/file: which scenario, then the loader's own line."""

COMPARE_LATE_CALLS = (
    "광양 크레인 둘: 1 of the call list's 4 calls arrive after the run's 2 days (the first, '한빛호', at 50 h) and are "
    "left out; run more than 2.083 days to include them"
)
"""``port compare``'s late-calls warning: the scenario's name, then simulate's line."""


def test_prefixed_lines_read_korean() -> None:
    assert i18n.phrase(COMPARE_REFUSAL, "ko") == (
        "시나리오 B: 광양.toml: chunk_move: 알 수 없는 항목 (사용할 수 있는 항목: berths, cranes)"
    )
    assert i18n.phrase(COMPARE_LATE_CALLS, "ko") == (
        "광양 크레인 둘: 입항 목록의 4척 중 1척이 실행 기간 2일 이후에 도착해 빠졌습니다(첫 선박 '한빛호', 50 h); "
        "포함하려면 2.083일보다 길게 실행하세요"
    )
    assert i18n.phrase(COMPARE_REFUSAL, "en") == COMPARE_REFUSAL


def test_the_pages_script_reads_them_as_the_server() -> None:
    # common.js's phrase, run in Node over the catalogue and the patterns the pages get (/static/i18n/ko.js)
    lines = [
        *(english for *_, english, _ in SPC_CASES),
        *(english for *_, english, _ in REASON_CASES),
        *(english for _, english, _ in PORT_CASES),
        *(f"첸2020 셀.toml: {w}" for w in TWIN_WARNINGS),
        STEP_LIMIT_WARNING,  # its CC steps a list read again, one step a time
        "셀.toml: cycling: 4.3-5 V lies outside Chen2020's cut-offs 2.5-4.2 V; no cycle can run there.",
        "workers: expected a number, got 'two'",
        "광양.xlsx: unknown file kind (expected a scenario .toml and optionally its call list .csv).",
        "days: Input should be less than or equal to 366, got '400.0'",
        "days: expected a number in (0, 366], got 400",
        "seed: expected an integer in [0, 2147483647], got 2147483648",
        "solver: expected one of 'pyvrp', 'ortools', got 'gurobi'.",
        "path.job_id: expected a job id, 32 lowercase hexadecimal digits, got 'XYZ'",
        # older patterns, now made by phrase() too (re.escape's "\\ " is an identity escape in JavaScript)
        "end of life (SOH < 80 %); capacity drop (cycle 12); efficiency dip (cycle 30)",
        "run at least 5 replications",
        "FEASIBLE (plan from spt+annealing)",
        "query: view 'cycles' holds no rows here yet (views with rows: cells, runs).",
        # a prefix whose rest is read again, and a comparison's late calls (scenario name first)
        COMPARE_REFUSAL,
        COMPARE_LATE_CALLS,
    ]
    phrased = page_phrases(lines)
    assert phrased == [i18n.phrase(line, "ko") for line in lines]
