"""The twin loop's refusals (a space the twin cannot run) and the twin's short-start warning read Korean.

The lines are made by the project's own functions (:func:`~gwangyang.optimize.twin_protocol.point_protocol`,
:func:`~gwangyang.battery.twin_start.start_warnings` on a start table written by hand), so a change of wording that
the catalogue does not follow fails here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gwangyang.api import i18n
from gwangyang.battery.step_protocol import parse_protocol
from gwangyang.battery.twin_start import start_warnings
from gwangyang.errors import InputError
from gwangyang.optimize.twin_protocol import point_protocol

REFUSALS = [
    (
        {"cc1": 3.0, "온도": 25.0},
        "트윈 루프: 급속.toml: 매개변수 온도: 충전 프로토콜의 일부가 아닙니다; 트윈은 cc1..ccN(C-rate), "
        "soc1..socN-1(각 단계가 끝나는 SOC, 퍼센트), soc_from/soc_to(SOC 구간, 기본 0-80) 또는 텍스트 "
        "프로토콜(RATES@FROM-TO)을 읽습니다.",
    ),
    (
        {"cc1": 3.0, "cc3": 2.0},
        "트윈 루프: 급속.toml: 매개변수 cc2이(가) 없습니다. 공간에 cc3이(가) 있습니다 (단계 1~3).",
    ),
    (
        {"cc1": 3.0, "soc2": 50.0, "cc2": 2.0},
        "트윈 루프: 급속.toml: 매개변수 soc2: 공간의 단계는 2개이고, 마지막 단계는 soc_to에서 끝납니다.",
    ),
    (
        {"cc1": 3.0, "soc1": 30.0, "cc2": 2.0, "cc3": 1.0},
        "트윈 루프: 급속.toml: 매개변수 soc2이(가) 없습니다. 마지막을 뺀 모든 단계에 끝 SOC를 주거나, 하나도 주지 마십시오.",
    ),
    (
        {"cc1": 3.0, "soc1": 90.0, "cc2": 2.0},
        "트윈 루프: 급속.toml: 매개변수 soc_to = 80이(가) soc1 = 90보다 크지 않습니다 (공간에 제약 'soc1 < soc_to'을(를) "
        "추가하십시오).",
    ),
    (
        {"protocol": "6-5-4", "cc1": 2.0},
        "트윈 루프: 급속.toml: 매개변수 cc1: 텍스트 프로토콜과 함께 있습니다 (둘 중 하나만 주십시오).",
    ),
    (
        {"cc1": 3.0, "cc2": 0.0},
        "트윈 루프: 급속.toml: 매개변수 cc2 = 0: 0보다 크고 10 C 이하인 C-rate여야 합니다.",
    ),
    ({"cc1": 3.0, "soc_to": 120.0}, "트윈 루프: 급속.toml: 매개변수 soc_to = 120: SOC는 0~100 %여야 합니다."),
    (
        {"cc1": 3.0, "cc2": 2.0, "soc_from": 80.0},
        "트윈 루프: 급속.toml: 매개변수 soc_from: SOC 구간 80-80 %가 비어 있습니다 (soc_from < soc_to여야 합니다).",
    ),
    ({"cc1": 3.0, "cc2": "빠름"}, "트윈 루프: 급속.toml: 매개변수 cc2 = '빠름': 유한한 숫자여야 합니다."),
    # a space's table read by pandas: the value as written, not np.float64(nan)
    (
        {"cc1": 3.0, "cc2": np.float64("nan")},
        "트윈 루프: 급속.toml: 매개변수 cc2 = nan: 유한한 숫자여야 합니다.",
    ),
    (
        {f"cc{k}": 1.0 for k in range(1, 22)},
        "트윈 루프: 급속.toml: 매개변수 cc21: 트윈은 1~20개 단계를 실행합니다.",
    ),
]


@pytest.mark.parametrize(("point", "expected"), REFUSALS)
def test_the_twin_loops_refusals_read_korean(point: dict[str, object], expected: str) -> None:
    with pytest.raises(InputError) as caught:
        point_protocol(point, "급속.toml")
    assert i18n.phrase(str(caught.value), "ko") == expected


def test_a_refused_text_protocol_reads_the_parser_s_line_korean_too() -> None:
    # before, the parser's English followed the Korean prefix (test_i18n_protocol has every parser refusal)
    with pytest.raises(InputError) as caught:
        point_protocol({"protocol": "빠름@0-80"}, "급속.toml")
    assert i18n.phrase(str(caught.value), "ko") == (
        "트윈 루프: 급속.toml: 매개변수 protocol: 프로토콜 '빠름@0-80': C와 % SOC로 쓴 'RATES@FROM-TO'여야 합니다 (예: "
        "6-5-4-3-2@0-80(같은 폭의 단계) 또는 6x10-5x30-4x40@0-80(RATExWIDTH: 폭의 합이 구간과 같아야 함))."
    )


def test_no_c_rate_reads_korean() -> None:
    with pytest.raises(InputError) as caught:
        point_protocol({"soc1": 30.0}, "space '두 단계'")
    assert i18n.phrase(str(caught.value), "ko").startswith(
        "트윈 루프: space '두 단계': soc1 중에 C-rate 매개변수 cc1이 없습니다; 트윈은 cc1..ccN(C-rate)"
    )


def test_the_short_start_warning_reads_korean() -> None:
    # Cycles 2 and 3 of 2@90-100 started at 83.1 % (by hand); cycle 1 at its 90 %.
    starts = pd.DataFrame({"cycle_index": [1, 2, 3], "start_soc_pct": [90.0, 83.1164, 83.1093]})
    (line,) = start_warnings(starts, parse_protocol("2@90-100"), 3.6, 0)
    assert line == (
        "twin: protocol 2@90-100, cell 0: cycle 2 started its CC steps at 83.1 % SOC, not 90 %: the 1 C charge to "
        "the window's start ended at charge_limit_v = 3.6 V (2 of 3 cycle(s))."
    )
    assert i18n.phrase(line, "ko") == (
        "트윈: 프로토콜 2@90-100, 셀 0: 사이클 2의 CC 단계가 90 %가 아닌 SOC 83.1 %에서 시작했습니다. 구간 시작까지의 "
        "1 C 충전이 charge_limit_v = 3.6 V에서 끝났습니다 (사이클 3회 중 2회)."
    )
    assert start_warnings(starts.assign(start_soc_pct=90.0), parse_protocol("2@90-100"), 3.6, 0) == []


def test_a_policy_with_a_note_reads_korean() -> None:
    with pytest.raises(InputError) as caught:
        parse_protocol("3.6C(80%)-3.6C 새구조")
    assert (
        str(caught.value)
        == "protocol '3.6C(80%)-3.6C 새구조': '새구조' after the steps is not part of a protocol."
    )
    assert i18n.phrase(str(caught.value), "ko") == (
        "프로토콜 '3.6C(80%)-3.6C 새구조': 단계 뒤의 '새구조'은(는) 프로토콜의 일부가 아닙니다."
    )


def test_the_start_drift_warning_and_the_hold_refusal_read_korean(tmp_path: Path) -> None:
    from gwangyang.battery.twin_config import TwinConfig
    from gwangyang.battery.twin_start import drift_warnings

    # Cycles 2 and 3 of a 1 C CC discharge (no hold) started 15.8 % fuller than cycle 1 (test_twin_drift.py).
    starts = pd.DataFrame({"cycle_index": [1, 2, 3], "start_drift_pct": [0.0, 15.7765, 15.7686]})
    (line,) = drift_warnings(starts, parse_protocol("6-5-4@40-80"), 2.0, 1)
    assert i18n.phrase(line, "ko") == (
        "트윈: 프로토콜 6-5-4@40-80, 셀 1: 사이클 2은(는) 첫 사이클의 충전 상태에서 공칭 용량의 +15.8 % 벗어난 곳에서 "
        "시작했습니다 (2 %를 넘은 사이클: 3회 중 2회). lower_voltage_v = 2 V까지의 방전이 셀을 첫 사이클이 시작한 "
        "상태로 되돌리지 못해, 단계들의 SOC가 다른 상태에서 셉니다 (cycling.discharge_cv_cutoff_c는 그 C-rate까지 "
        "하한 전압을 유지합니다)."
    )
    assert drift_warnings(starts.assign(start_drift_pct=1.2), parse_protocol("6-5-4@40-80"), 2.0, 1) == []
    path = tmp_path / "급속.toml"
    path.write_text("[cycling]\ndischarge_cv_cutoff_c = -1\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        TwinConfig.from_file(path)
    assert i18n.phrase(str(caught.value), "ko") == (
        f"{path}: cycling.discharge_cv_cutoff_c: 0 이상의 C-rate여야 합니다 (0: 방전 뒤 전압 유지 없음) (입력: -1)."
    )
