"""Port scenario and twin config refusals that reached Korean users in English, each read Korean with its data kept.

The gang-size and AGV-pool refusals of a scenario (:meth:`gwangyang.port.terminal.Scenario._check_gangs`), its
settings out of their choices or range or not read by its arrival process, a file that is not TOML (tomllib's own
reason and position inside the sentence, :func:`gwangyang.files.read_toml`) and the twin config's unknown keys and
other refusals (:class:`gwangyang.battery.twin_config.TwinConfig`): the English is the API's answer or
the loader's line, the Korean written here by hand. :func:`gwangyang.api.i18n.phrase` must give it, with the file,
field, key names and the line and column unchanged, and the pages' ``phrase`` (``common.js``, under Node where it is
installed) the same.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gwangyang.api import i18n
from gwangyang.battery.twin_config import TwinConfig
from gwangyang.errors import InputError

from .page_script import page_phrases
from .test_i18n_spc import korean
from .test_port_compare_upload import pair
from .test_port_compare_upload import upload as upload_pair
from .test_port_upload import CALLS, POISSON, SCENARIO, upload

NOT_TOML = "광양.toml: not a TOML scenario file (not valid TOML: "
NOT_TOML_KO = "광양.toml: TOML 시나리오 파일이 아닙니다 (올바른 TOML이 아님: "

AGV = '\n[automation]\nhorizontal_transport = "agv"\n'
"""The move-level AGV model switched on (its pool checked when the scenario is read)."""

SCENARIO_CASES = [
    # a pool of 3 trucks in gangs of 4 cannot serve one crane
    (
        SCENARIO.replace('name = "트럭"', 'name = "트럭"\ncount = 3\nper_crane = 4'),
        "광양.toml: transport[0].count: 3 vehicles are fewer than one gang of per_crane = 4 (lower per_crane, or "
        "count = 0 for a pool that never holds the cranes up)",
        "광양.toml: transport[0].count: 차량 3대는 작업조 하나(per_crane = 4)보다 적습니다 (per_crane을 낮추거나, "
        "크레인을 기다리게 하지 않는 풀이면 count = 0으로 하세요)",
    ),
    (
        SCENARIO.replace('name = "야드"\n', 'name = "야드"\ncranes = 1\nper_crane = 2\n'),
        "광양.toml: yards[0].cranes: 1 yard cranes are fewer than one gang of per_crane = 2 (lower per_crane, or "
        "cranes = 0 for yard cranes that never hold the quay up)",
        "광양.toml: yards[0].cranes: 야드 크레인 1대는 작업조 하나(per_crane = 2)보다 적습니다 (per_crane을 "
        "낮추거나, 안벽 작업을 기다리게 하지 않는 야드 크레인이면 cranes = 0으로 하세요)",
    ),
    # the move-level AGV model: a pool of no AGV, no AGV pool, an AGV pool at no berth
    (
        SCENARIO.replace('name = "트럭"', 'name = "트럭"\nkind = "agv"\ncount = 0') + AGV,
        "광양.toml: transport[0].count: the AGV pool of the move-level model (automation.horizontal_transport = "
        "'agv') needs at least one AGV, got 0",
        "광양.toml: transport[0].count: 이동 단위 모델(automation.horizontal_transport = 'agv')의 AGV 풀에는 "
        "AGV가 1대 이상 있어야 합니다 (입력: 0)",
    ),
    (
        SCENARIO + AGV,
        "광양.toml: automation.horizontal_transport: 'agv' needs a transport pool of kind agv or lift-agv",
        "광양.toml: automation.horizontal_transport: 'agv'에는 kind가 agv 또는 lift-agv인 운송 풀이 있어야 합니다",
    ),
    (
        SCENARIO
        + '\n[[transport]]\nname = "AGV 무리"\nkind = "agv"\ncount = 5\n'
        + AGV
        + 'transport = "AGV 무리"\n',
        "광양.toml: automation.transport: the AGV pool 'AGV 무리' serves no berth",
        "광양.toml: automation.transport: AGV 풀 'AGV 무리'이(가) 맡은 선석이 없습니다",
    ),
    # not TOML: tomllib's reason and where it stopped (line 3 is "chunk_moves = 20"; column 1 is its first letter)
    (
        SCENARIO.replace("chunk_moves = 20", "chunk_moves 20"),
        NOT_TOML + "Expected '=' after a key in a key/value pair (at line 3, column 13)).",
        NOT_TOML_KO + "키/값 쌍의 키 뒤에 '='가 있어야 함 (3행 13열)).",
    ),
    (
        SCENARIO.replace("chunk_moves = 20", "chunk_moves = "),
        NOT_TOML + "Invalid value (at line 3, column 15)).",
        NOT_TOML_KO + "올바르지 않은 값 (3행 15열)).",
    ),
    (
        SCENARIO.replace("chunk_moves = 20", "= 20"),
        NOT_TOML + "Invalid statement (at line 3, column 1)).",
        NOT_TOML_KO + "올바른 문장이 아님 (3행 1열)).",
    ),
    (
        SCENARIO.replace("chunk_moves = 20", "chunk_moves = 20\nchunk_moves = 21"),
        NOT_TOML + "Cannot overwrite a value (at line 4, column 17)).",
        NOT_TOML_KO + "이미 정한 값을 덮어쓸 수 없음 (4행 17열)).",
    ),
    (
        SCENARIO.replace("chunk_moves = 20", "chunk_moves = 20 21"),
        NOT_TOML + "Expected newline or end of document after a statement (at line 3, column 18)).",
        NOT_TOML_KO + "문장 뒤에 줄바꿈이나 문서 끝이 와야 함 (3행 18열)).",
    ),
    (
        SCENARIO.replace("[arrivals]", "[arrivals"),
        NOT_TOML + "Expected ']' at the end of a table declaration (at line 23, column 10)).",
        NOT_TOML_KO + "테이블 선언 끝에 ']'가 있어야 함 (23행 10열)).",
    ),
    (
        SCENARIO + "\n[arrivals]\n",
        NOT_TOML + "Cannot declare ('arrivals',) twice (at line 27, column 10)).",
        NOT_TOML_KO + "('arrivals',)을(를) 두 번 선언할 수 없음 (27행 10열)).",
    ),
    # an unclosed string: the line break is the character tomllib stops at (line 1, column 17 of 'name = "...')
    (
        SCENARIO.replace('name = "광양 신규 부두"', 'name = "광양 신규 부두'),
        NOT_TOML + "Illegal character '\\n' (at line 1, column 17)).",
        NOT_TOML_KO + "허용되지 않는 문자 '\\n' (1행 17열)).",
    ),
    # an array left open: tomllib reaches the next table before its "]"
    (
        SCENARIO.replace("cycle_cv = 0.0", "cycle_cv = [0.0"),
        NOT_TOML + "Unclosed array (at line 17, column 1)).",
        NOT_TOML_KO + "닫히지 않은 배열 (17행 1열)).",
    ),
    # the end of the file reached inside a value
    (
        SCENARIO + "x = ",
        NOT_TOML + "Invalid value (at end of document)).",
        NOT_TOML_KO + "올바르지 않은 값 (문서 끝)).",
    ),
    # not UTF-8: the codec's reason (byte 0xff at the first position)
    (
        "\xff" + SCENARIO,
        NOT_TOML + "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte).",
        NOT_TOML_KO + "UTF-8로 읽을 수 없는 바이트 0xff (위치 0): 올바르지 않은 시작 바이트).",
    ),
]
"""Scenarios refused by ``POST /api/v1/port/simulate/file``: the TOML, the API's detail and its Korean."""


def _bytes(text: str) -> bytes:
    """The scenario as UTF-8, but a leading ``\\xff`` as that one byte (a file that is not UTF-8)."""
    return b"\xff" + text[1:].encode() if text.startswith("\xff") else text.encode()


@pytest.mark.parametrize(("scenario", "english", "expected"), SCENARIO_CASES)
def test_scenario_refusals_read_korean(
    fresh_client: TestClient, scenario: str, english: str, expected: str
) -> None:
    reply = upload(fresh_client, [("광양.toml", _bytes(scenario)), ("입항 일정.csv", CALLS.encode())])
    assert reply.status_code == 400 and reply.json()["detail"] == english, reply.text
    korean(english, expected)


def test_scenario_b_that_is_not_toml_reads_korean_with_its_position(fresh_client: TestClient) -> None:
    # three readings in one line: the comparison's "scenario B:", the loader's sentence, tomllib's reason at its place
    files = pair(b=SCENARIO.replace("chunk_moves = 20", "chunk_moves = "))
    reply = upload_pair(fresh_client, files)
    english = "scenario B: " + NOT_TOML + "Invalid value (at line 3, column 15))."
    assert reply.status_code == 400 and reply.json()["detail"] == english
    korean(english, "시나리오 B: " + NOT_TOML_KO + "올바르지 않은 값 (3행 15열)).")


SETTING_CASES = [
    # a setting out of its choices or range, or one the chosen arrival process would not read
    (
        SCENARIO.replace("cycle_cv = 0.0", 'cycle_cv = 0.0\nkind = "로봇"'),
        "광양.toml: cranes[0].kind: must be 'manual' or 'automated', got '로봇'",
        "광양.toml: cranes[0].kind: 'manual', 'automated' 중 하나여야 합니다 (입력: '로봇')",
    ),
    (
        SCENARIO.replace('name = "트럭"', 'name = "트럭"\nkind = "bike"'),
        "광양.toml: transport[0].kind: must be truck, agv or lift-agv, got 'bike'",
        "광양.toml: transport[0].kind: truck, agv, lift-agv 중 하나여야 합니다 (입력: 'bike')",
    ),
    (
        SCENARIO + '\n[automation]\ndispatch = "random"\n',
        "광양.toml: automation.dispatch: must be nearest, earliest_due or lookahead, got 'random'",
        "광양.toml: automation.dispatch: nearest, earliest_due, lookahead 중 하나여야 합니다 (입력: 'random')",
    ),
    (
        SCENARIO + "\n[gate]\ngate_share = 1.5\n",
        "광양.toml: gate.gate_share: must be in [0, 1], got 1.5",
        "광양.toml: gate.gate_share: [0, 1] 범위여야 합니다 (입력: 1.5)",
    ),
    (
        SCENARIO + "\n[weather]\ndowntime_fraction = 1.0\n",
        "광양.toml: weather.downtime_fraction: must be in [0, 1), got 1.0",
        "광양.toml: weather.downtime_fraction: [0, 1) 범위여야 합니다 (입력: 1.0)",
    ),
    (
        SCENARIO.replace('yard = "야드"', 'yard = "야드"\nopen_from_h = 25.0\nopen_to_h = 3.0'),
        "광양.toml: berths[0].open_from_h/open_to_h: need hours of the day, 0 <= from < 24, 0 <= to <= 24, "
        "from != to (from > to: open across midnight), got 25.0, 3.0",
        "광양.toml: berths[0].open_from_h/open_to_h: 하루 중 시각이어야 합니다: 0 <= from < 24, 0 <= to <= 24, "
        "from != to (from > to: 자정을 넘겨 운영) (입력: 25.0, 3.0)",
    ),
    (
        SCENARIO.replace('schedule = "입항 일정.csv"', ""),
        "광양.toml: arrivals.schedule: a file is needed when process = 'file'",
        "광양.toml: arrivals.schedule: process = 'file'이면 입항 목록 파일이 있어야 합니다",
    ),
    (
        POISSON.split("[[arrivals.services]]")[0],
        "광양.toml: arrivals.services: at least one service is needed",
        "광양.toml: arrivals.services: 항로(service)가 하나 이상 있어야 합니다",
    ),
    (
        POISSON.replace('process = "poisson"', 'process = "poisson"\nschedule = "입항 일정.csv"'),
        "광양.toml: arrivals.schedule: only read with process = 'file' (process is 'poisson')",
        "광양.toml: arrivals.schedule: process = 'file'일 때만 읽습니다 (지금 process: 'poisson')",
    ),
    (
        POISSON.replace('process = "poisson"', 'process = "file"\nschedule = "입항 일정.csv"'),
        "광양.toml: arrivals.services: not used with process = 'file' (the call list gives the calls); remove "
        "them, or choose process = 'scheduled' or 'poisson'",
        "광양.toml: arrivals.services: process = 'file'에서는 쓰지 않습니다 (입항 목록이 입항을 정함); 지우거나 "
        "process = 'scheduled' 또는 'poisson'을 고르세요",
    ),
    (
        POISSON.replace("calls_per_week = 1.0", "calls_per_week = 1.0\neta_noise_h = 2.0"),
        "광양.toml: arrivals.services[0].eta_noise_h: only used with process = 'scheduled' (Poisson arrivals have "
        "no timetable to miss), got 2.0",
        "광양.toml: arrivals.services[0].eta_noise_h: process = 'scheduled'일 때만 씁니다 (포아송 도착에는 어긋날 "
        "시간표가 없음, 입력: 2.0)",
    ),
]
"""Scenario settings refused when the TOML is read (uploaded alone: the loader refuses it before any call list)."""


@pytest.mark.parametrize(("scenario", "english", "expected"), SETTING_CASES)
def test_scenario_setting_refusals_read_korean(
    fresh_client: TestClient, scenario: str, english: str, expected: str
) -> None:
    reply = upload(fresh_client, [("광양.toml", scenario.encode())])
    assert reply.status_code == 400 and reply.json()["detail"] == english, reply.text
    korean(english, expected)


TWIN_CASES = [
    (
        '[model]\nname = "SPM"\n[cycling]\nupper_voltage_v = 4.2\n[plot]\nx = 1\n[colour]\n',
        "unknown key(s) colour, plot.",
        "알 수 없는 키 colour, plot.",
    ),
    (
        '[model]\nname = "SPM"\n[cycling]\nupper_voltage_v = 4.2\nstop_v = 2.0\n',
        "cycling: unknown key(s) stop_v.",
        "cycling: 알 수 없는 키 stop_v.",
    ),
    (
        '[model]\nname = "SPM"\nset = "Chen2020"\n',
        "model: unknown key(s) set; expected name, parameter_set, degradation_from, options.",
        "model: 알 수 없는 키 set; 쓸 수 있는 키는 name, parameter_set, degradation_from, options입니다.",
    ),
    (
        '[model\nname = "SPM"\n',
        "not a TOML twin config file (not valid TOML: Expected ']' at the end of a table declaration (at line 1, "
        "column 7)).",
        "TOML 트윈 설정 파일이 아닙니다 (올바른 TOML이 아님: 테이블 선언 끝에 ']'가 있어야 함 (1행 7열)).",
    ),
    # the config's other refusals, each a value of its own
    (
        '[model]\nname = "P2D"\n',
        "model.name: expected one of SPM, SPMe, DFN, got 'P2D'.",
        "model.name: SPM, SPMe, DFN 중 하나여야 합니다 (입력: 'P2D').",
    ),
    (
        'model = "SPM"\n',
        "model: expected a table with name and parameter_set.",
        "model: name과 parameter_set이 있는 테이블이어야 합니다.",
    ),
    (
        '[model]\nname = "SPM"\noptions = { thermal = 1 }\n',
        'model.options: expected a table of "option" = "value".',
        'model.options: "옵션" = "값" 형식의 테이블이어야 합니다.',
    ),
    ("variation = 0.1\n", "variation: expected a table.", "variation: 테이블이어야 합니다."),
    (
        '[cycling]\nupper_voltage_v = "높게"\n',
        "upper_voltage_v: expected a finite number, got '높게'.",
        "upper_voltage_v: 유한한 숫자여야 합니다 (입력: '높게').",
    ),
    (
        "[variation]\ncapacity = -0.1\n",
        "variation.capacity: expected a relative std >= 0, got -0.1.",
        "variation.capacity: 상대 표준편차는 0 이상이어야 합니다 (입력: -0.1).",
    ),
    (
        "[cycling]\nupper_voltage_v = 3.0\nlower_voltage_v = 3.5\n",
        "cycling: expected lower_voltage_v < upper_voltage_v.",
        "cycling: lower_voltage_v가 upper_voltage_v보다 작아야 합니다.",
    ),
    (
        "[cycling]\ndischarge_c = 0\n",
        "cycling.discharge_c: expected a positive number, got 0.",
        "cycling.discharge_c: 양수여야 합니다 (입력: 0).",
    ),
]
"""Twin configs refused by :meth:`TwinConfig.from_file`: the TOML, the line after the file's name, its Korean."""


@pytest.mark.parametrize(("config", "english", "expected"), TWIN_CASES)
def test_twin_config_refusals_read_korean(tmp_path: Path, config: str, english: str, expected: str) -> None:
    path = tmp_path / "첸2020 셀.toml"
    path.write_text(config, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        TwinConfig.from_file(path)
    assert str(caught.value) == f"{path}: {english}"
    korean(str(caught.value), f"{path}: {expected}")


def test_the_pages_script_reads_them_as_the_server() -> None:
    lines = [
        *(english for _, english, _ in SCENARIO_CASES),
        *(english for _, english, _ in SETTING_CASES),
        "scenario B: " + NOT_TOML + "Invalid value (at line 3, column 15)).",
        *(f"셀.toml: {english}" for _, english, _ in TWIN_CASES),
        # met when a run starts (a scenario built in Python), and the AGV plan's own lines
        "transport 트럭: count 3 is less than per_crane 4",
        "yard 야드: cranes 1 is less than per_crane 2",
        "광양: transport pool 'AGV 무리' serves no berth",
        "광양: no transport pool of kind agv or lift-agv (automation.transport)",
        "dispatch: must be one of nearest, earliest_due, lookahead, got '무작위'",
    ]
    server = [i18n.phrase(line, "ko") for line in lines]
    assert page_phrases(lines) == server
    assert server[-5:] == [
        "운송 풀 트럭: count 3이(가) per_crane 4보다 작습니다",
        "야드 야드: cranes 1이(가) per_crane 2보다 작습니다",
        "광양: 운송 풀 'AGV 무리'이(가) 맡은 선석이 없습니다",
        "광양: kind가 agv 또는 lift-agv인 운송 풀이 없습니다 (automation.transport)",
        "dispatch: nearest, earliest_due, lookahead 중 하나여야 합니다 (입력: '무작위')",
    ]
