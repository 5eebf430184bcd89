"""The twin's warning for CC steps that ended on ``charge_limit_v`` (:func:`~gwangyang.battery.twin_steps.cc_limit_warnings`) read Korean.

The line is made by the twin's own function from a step table written by hand (two cycles of 8-6-5-4 C on a 5 Ah
cell), so its numbers are checked here too: cycle 1 charged 1 + 0.4 + 0.2 + 0.1 = 1.7 Ah = 34.0 % of 5 Ah, cycle 2
1 + 0.45 + 1 + 0.3 = 2.75 Ah = 55.0 %; the planned 4 x 20 % = 80 %.
"""

from __future__ import annotations

import pandas as pd

from gwangyang.battery.protocols import ChargingProtocol
from gwangyang.battery.twin_steps import STEP_COLUMNS, cc_limit_warnings, cycle_columns

from .test_i18n_spc import korean

NOMINAL_AH = 5.0
CHARGED = {1: (1.0, 0.4, 0.2, 0.1), 2: (1.0, 0.45, 1.0, 0.3)}
"""Ah charged per cycle and step; a step short of its planned 1 Ah ended on the limit."""


def step_limit_warning() -> str:
    """The twin's line for :data:`CHARGED` (cell 3, charge_limit_v 4.2 V)."""
    protocol = ChargingProtocol.parse("8-6-5-4")
    rows = [
        (c, k, rate, 0.2 * NOMINAL_AH, q, q < 0.2 * NOMINAL_AH)
        for c, charged in CHARGED.items()
        for k, (rate, q) in enumerate(zip(protocol.rates, charged, strict=True), start=1)
    ]
    steps = pd.DataFrame(rows, columns=list(STEP_COLUMNS))
    (line,) = cc_limit_warnings(steps, cycle_columns(steps, protocol, NOMINAL_AH), protocol, 4.2, 3)
    return line


STEP_LIMIT_WARNING = (
    "twin: protocol 8-6-5-4, cell 3: CC step(s) 2 (6 C, 2 of 2 cycle(s)), 3 (5 C, 1 of 2 cycle(s)), "
    "4 (4 C, 2 of 2 cycle(s)) ended at charge_limit_v = 4.2 V before their planned SOC; the CC steps charged to "
    "34.0 % SOC of the planned 80 % (cycle 1): the cell took less charge at those rates than the protocol says."
)
"""The line :func:`step_limit_warning` must give."""


def test_step_limit_warning_reads_korean() -> None:
    assert step_limit_warning() == STEP_LIMIT_WARNING
    korean(
        STEP_LIMIT_WARNING,
        "트윈: 프로토콜 8-6-5-4, 셀 3: CC 단계 2 (6 C, 사이클 2회 중 2회), 3 (5 C, 사이클 2회 중 1회), "
        "4 (4 C, 사이클 2회 중 2회)이(가) 계획된 SOC에 이르기 전에 charge_limit_v = 4.2 V에서 끝났습니다; "
        "CC 단계는 계획된 80 % 중 SOC 34.0 %까지 충전했습니다 (사이클 1). 셀이 그 전류율에서 프로토콜이 말하는 것보다 "
        "적게 충전되었습니다.",
    )


def test_one_step_at_the_limit_reads_korean() -> None:
    """One step: the list's last pattern alone (the line of ``test_twin_warnings.py``'s 10 C step, its SOC made up)."""
    english = (
        "twin: protocol 10@0-100, cell 0: CC step(s) 1 (10 C, 1 of 1 cycle(s)) ended at charge_limit_v = 3.6 V before "
        "their planned SOC; the CC steps charged to 12.5 % SOC of the planned 100 % (cycle 1): the cell took less "
        "charge at those rates than the protocol says."
    )
    korean(
        english,
        "트윈: 프로토콜 10@0-100, 셀 0: CC 단계 1 (10 C, 사이클 1회 중 1회)이(가) 계획된 SOC에 이르기 전에 "
        "charge_limit_v = 3.6 V에서 끝났습니다; CC 단계는 계획된 100 % 중 SOC 12.5 %까지 충전했습니다 (사이클 1). "
        "셀이 그 전류율에서 프로토콜이 말하는 것보다 적게 충전되었습니다.",
    )
