"""A charging protocol's text refused by the parser reads Korean, alone and after the twin loop's prefix.

Each case is a text :func:`gwangyang.battery.step_protocol.parse_protocol` refuses (``RATES@FROM-TO``, Attia's
``CC1-CC2-CC3[-CC4]``, a CC(SOC%)-CC policy); its line is read Korean by :func:`gwangyang.api.i18n.phrase` (and the
page's script under Node where it is installed) as written here by hand, the text, rates and SOC kept, no English
word of the message left. Every ``raise`` of the parser's functions is reached by a case or built directly
(:data:`DIRECT`). Before, only a policy's note had Korean: a refused text protocol read ``트윈 루프: 급속.toml:
매개변수 protocol: protocol '빠름@0-80': expected 'RATES@FROM-TO' in C ...``.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

import numpy as np
import pytest

from gwangyang.api import i18n
from gwangyang.battery import policy, protocols, step_protocol
from gwangyang.battery.protocols import cc4_from
from gwangyang.battery.step_protocol import StepProtocol, parse_protocol
from gwangyang.errors import InputError
from gwangyang.optimize.twin_protocol import point_protocol

from .page_script import page_phrases

EXAMPLE = "(예: '5.4C(40%)-3.6C')."

CASES: list[tuple[str, str, str]] = [
    # RATES@FROM-TO (StepProtocol.parse and its checks)
    (
        "6-48@0-80",
        "protocol 6-48@0-80: step 2: C-rate 48; expected above 0 and at most 10 C.",
        "프로토콜 6-48@0-80: 2단계: C-rate 48; 0보다 크고 10 C 이하여야 합니다.",
    ),
    (
        "빠름@0-80",
        "protocol '빠름@0-80': expected 'RATES@FROM-TO' in C and % SOC, e.g. 6-5-4-3-2@0-80 (equal steps) or "
        "6x10-5x30-4x40@0-80 (RATExWIDTH: widths adding up to the window).",
        "프로토콜 '빠름@0-80': C와 % SOC로 쓴 'RATES@FROM-TO'여야 합니다 (예: 6-5-4-3-2@0-80(같은 폭의 단계) 또는 "
        "6x10-5x30-4x40@0-80(RATExWIDTH: 폭의 합이 구간과 같아야 함)).",
    ),
    (
        "6-5@80-20",
        "protocol '6-5@80-20': SOC window 80-20 %; expected 0 <= FROM < TO <= 100.",
        "프로토콜 '6-5@80-20': SOC 구간 80-20 %; 0 <= FROM < TO <= 100이어야 합니다.",
    ),
    (
        "6x10-5@0-80",
        "protocol '6x10-5@0-80': give every step a width (RATExWIDTH) or none.",
        "프로토콜 '6x10-5@0-80': 모든 단계에 폭(RATExWIDTH)을 주거나 하나도 주지 마십시오.",
    ),
    (
        "6x10-5x30@0-80",
        "protocol '6x10-5x30@0-80': the steps' widths add up to 40 % SOC; the window 0-80 % is 80 %.",
        "프로토콜 '6x10-5x30@0-80': 단계 폭의 합이 40 % SOC입니다; 구간 0-80 %는 80 %입니다.",
    ),
    (
        "6x0-5x80@0-80",
        "protocol 6x0-5x80@0-80: step 1: SOC width 0 %; expected above 0.",
        "프로토콜 6x0-5x80@0-80: 1단계: SOC 폭 0 %; 0보다 커야 합니다.",
    ),
    (
        "-".join(["1"] * 21) + "@0-80",
        f"protocol {'-'.join(['1'] * 21)}@0-80: expected 1 to 20 steps, each with a C-rate and a width.",
        f"프로토콜 {'-'.join(['1'] * 21)}@0-80: 단계는 1~20개여야 하며, 단계마다 C-rate와 폭이 있어야 합니다.",
    ),
    # Attia's CC1-CC2-CC3[-CC4] (ChargingProtocol)
    (
        "4.8-5.2",
        "protocol '4.8-5.2': expected 'CC1-CC2-CC3' or 'CC1-CC2-CC3-CC4' in C, e.g. 4.8-5.2-5.2 (four steps of 20 % "
        "SOC over 0-80 %); other steps or SOC windows: 'RATES@FROM-TO', e.g. 6-5-4-3-2@0-80.",
        "프로토콜 '4.8-5.2': C 단위의 'CC1-CC2-CC3' 또는 'CC1-CC2-CC3-CC4'여야 합니다 (예: 4.8-5.2-5.2, 0-80 %를 "
        "20 % SOC씩 네 단계로); 다른 단계나 SOC 구간은 'RATES@FROM-TO'로 씁니다 (예: 6-5-4-3-2@0-80).",
    ),
    (
        "1-1-1",
        # 16 % SOC steps at 1 C take 9.6 min each: CC1-CC3 take 28.8 min, more than the 10 min charge
        "protocol 1-1-1: CC1-CC3 take 10 min or more; no time left for CC4.",
        "프로토콜 1-1-1: CC1-CC3만으로 10분 이상 걸립니다; CC4에 남는 시간이 없습니다.",
    ),
    (
        "4.8-5.2-5.2-0",
        "protocol '4.8-5.2-5.2-0': C-rates must be positive numbers.",
        "프로토콜 '4.8-5.2-5.2-0': C-rate는 양수여야 합니다.",
    ),
    # a CC(SOC%)-CC policy (policy.parse_policy, the cell named "protocol")
    (
        "5.4C(40)x-3.6C",
        "protocol: charging policy '5.4C(40)x-3.6C' is not a sequence of steps like C1(Q1%)-C2 (expected e.g. "
        "'5.4C(40%)-3.6C').",
        f"프로토콜: 충전 정책 '5.4C(40)x-3.6C'은(는) C1(Q1%)-C2 같은 단계의 나열이 아닙니다 {EXAMPLE}",
    ),
    (
        "5.4C(40%)-0C",
        "protocol: charging policy '5.4C(40%)-0C' has a zero rate (expected e.g. '5.4C(40%)-3.6C').",
        f"프로토콜: 충전 정책 '5.4C(40%)-0C'에 0인 C-rate가 있습니다 {EXAMPLE}",
    ),
    (
        "5.4C(40%)-3.6C(90%)",
        "protocol: charging policy '5.4C(40%)-3.6C(90%)' ends its last step short of or past 80 %; the last step "
        "runs to 80 % (expected e.g. '5.4C(40%)-3.6C').",
        "프로토콜: 충전 정책 '5.4C(40%)-3.6C(90%)'의 마지막 단계가 80 %보다 앞이나 뒤에서 끝납니다; 마지막 단계는 "
        f"80 %까지입니다 {EXAMPLE}",
    ),
    (
        "5C(40%)-4C-3C(60%)-2C",
        "protocol: charging policy '5C(40%)-4C-3C(60%)-2C' leaves out the end of a step before the last (expected "
        "e.g. '5.4C(40%)-3.6C').",
        f"프로토콜: 충전 정책 '5C(40%)-4C-3C(60%)-2C'에서 마지막 전 단계의 끝 SOC가 빠졌습니다 {EXAMPLE}",
    ),
    (
        "5C(60%)-4C(40%)-3C",
        "protocol: charging policy '5C(60%)-4C(40%)-3C' has switch points that are not increasing within 0–100 % "
        "(expected e.g. '5.4C(40%)-3.6C').",
        f"프로토콜: 충전 정책 '5C(60%)-4C(40%)-3C'의 전환 SOC가 0–100 % 안에서 커지지 않습니다 {EXAMPLE}",
    ),
    (
        "5.4C(40%)-3.6C 메모",
        "protocol '5.4C(40%)-3.6C 메모': '메모' after the steps is not part of a protocol.",
        "프로토콜 '5.4C(40%)-3.6C 메모': 단계 뒤의 '메모'은(는) 프로토콜의 일부가 아닙니다.",
    ),
]
"""Texts the parser refuses, its line and the Korean written by hand."""

DIRECT: dict[str, tuple[Callable[[], object], str, str]] = {
    # parse_protocol gives StepProtocol a window it checked; its own check stays for protocols built in code
    "expected within 0-100": (
        lambda: StepProtocol((1.0,), (0.9,), 0.2),
        "protocol 1@20-110: SOC window 20-110 %; expected within 0-100 %.",
        "프로토콜 1@20-110: SOC 구간 20-110 %; 0-100 % 안에 있어야 합니다.",
    ),
    # a space's column read by pandas: the value as written, not np.float64(-1.0)
    "expected a positive C-rate": (
        lambda: cc4_from(np.float64(-1.0), 2.0, 3.0),
        "cc1: expected a positive C-rate, got -1.0.",
        "cc1: 양수인 C-rate여야 합니다 (입력: -1.0).",
    ),
    # a policy of other than 4 rates without their ends: the steps' shape is refused first by _STEPS
    "rates without their ends": (
        lambda: _lists_rates(),
        "protocol: charging policy '1C-2C-3C' lists 3 rates without their ends; only 4 (20 % each) are read "
        "(expected e.g. '5.4C(40%)-3.6C').",
        "프로토콜: 충전 정책 '1C-2C-3C'에 끝 SOC 없는 C-rate가 3개 있습니다; 그렇게 읽는 것은 4개(각 20 %)뿐입니다 "
        f"{EXAMPLE}",
    ),
}
"""Raises no text given to ``parse_protocol`` reaches: how to build each, its line and the Korean."""


def _lists_rates() -> object:
    return policy.parse_policy("1C-2C-3C", cell="protocol")


ENGLISH = (
    "expected",
    "must be",
    "step ",
    "steps",
    "window",
    "give ",
    "charging policy",
    "rate ",
    "rates",
    "width",
    "take ",
    "left ",
    "protocol",
    "after",
    "sequence",
    "zero",
    "short",
    "leaves",
    "increasing",
    "only",
)
"""Words of the messages that must not be left in their Korean (the formats' own words aside)."""

KEPT = ("'RATES@FROM-TO'", "RATExWIDTH", "C-rate", "FROM", "TO", "매개변수 protocol")
"""The formats' own words and a space's parameter name, which the Korean keeps."""


def korean(english: str, expected: str) -> None:
    translated = i18n.phrase(english, "ko")
    assert translated == expected, translated
    rest = translated
    for word in KEPT:
        rest = rest.replace(word, "")
    assert not [w for w in ENGLISH if w in rest], translated


def refused(text: str) -> tuple[str, tuple[str, int]]:
    """The parser's refusal of ``text`` and where it was first raised."""
    with pytest.raises(InputError) as caught:
        parse_protocol(text)
    tb: TracebackType | None = caught.value.__traceback__
    assert tb is not None
    while tb.tb_next is not None:
        tb = tb.tb_next
    return str(caught.value), (Path(tb.tb_frame.f_code.co_filename).name, tb.tb_lineno)


@pytest.mark.parametrize(("text", "english", "expected"), CASES, ids=[c[0][:30] for c in CASES])
def test_the_parser_s_refusals_read_korean(text: str, english: str, expected: str) -> None:
    assert refused(text)[0] == english
    korean(english, expected)


@pytest.mark.parametrize("key", DIRECT)
def test_the_checks_behind_the_parser_read_korean(key: str) -> None:
    build, english, expected = DIRECT[key]
    with pytest.raises(InputError) as caught:
        build()
    assert str(caught.value) == english
    korean(english, expected)


def test_a_refused_text_protocol_reads_korean_after_the_twin_loop_s_prefix() -> None:
    with pytest.raises(InputError) as caught:
        point_protocol({"protocol": "6x10-5x30@0-80"}, "급속.toml")
    assert str(caught.value) == (
        "twin loop: 급속.toml: parameter protocol: protocol '6x10-5x30@0-80': the steps' widths add up to 40 % SOC; "
        "the window 0-80 % is 80 %."
    )
    korean(
        str(caught.value),
        "트윈 루프: 급속.toml: 매개변수 protocol: 프로토콜 '6x10-5x30@0-80': 단계 폭의 합이 40 % SOC입니다; "
        "구간 0-80 %는 80 %입니다.",
    )


def raise_sites() -> dict[tuple[str, int], str]:
    """Every ``raise X(...)`` of the parser's functions: ``(file, line) -> source``."""
    functions = (
        step_protocol.StepProtocol.__post_init__,
        step_protocol.StepProtocol.parse,
        step_protocol.policy_protocol,
        protocols.cc4_from,
        protocols.ChargingProtocol.from_rates,
        protocols.ChargingProtocol.parse,
        policy.parse_policy,
    )
    sites = {}
    for function in functions:
        lines, first = inspect.getsourcelines(function)
        name = Path(inspect.getfile(function)).name
        for node in ast.walk(ast.parse(textwrap.dedent("".join(lines)))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                sites[(name, node.lineno + first - 1)] = ast.unparse(node.exc)
    return sites


def test_every_raise_is_reached_by_a_case_or_built_directly() -> None:
    reached = {refused(text)[1] for text, _, _ in CASES}
    sites = raise_sites()
    assert len(sites) == 19, sites  # 4 + 5 + 1 in step_protocol, 1 + 1 + 2 in protocols, 5 in policy
    missed = {site: text for site, text in sites.items() if site not in reached}
    built = {
        site: text
        for site, text in missed.items()
        if any(key.split()[-1] in text for key in DIRECT) or "without their ends" in text
    }
    assert missed == built, {s: t for s, t in missed.items() if s not in built}
    assert len(built) == len(DIRECT)


def test_the_page_s_script_reads_them_as_the_server() -> None:
    lines = [english for _, english, _ in CASES] + [english for _, english, _ in DIRECT.values()]
    expected = [korean for _, _, korean in CASES] + [korean for _, _, korean in DIRECT.values()]
    assert page_phrases(lines) == expected
