"""The port comparison's unit column reads as the KPI's own Korean name writes its unit (the gate's minutes read
``min`` beside ``게이트 평균 대기 시간 (분)``)."""

from __future__ import annotations

import re

from gwangyang.api import i18n
from gwangyang.port.agv_plan import FLEET_UNITS
from gwangyang.port.result import KPI_UNITS

SAYS_MORE = {
    "qc_moves_per_hour": "회/h (총)",
    "qc_net_moves_per_hour": "회/h (순)",
    "yard_blocked_qc_h": "크레인·h",
}
"""KPIs whose unit says more than their name's parentheses (gross or net moves, crane hours)."""

SYMBOLS = {"h", "kWh", "km", "t", "TEU"}
"""Units Korean writes as the symbol."""


def test_a_kpi_s_unit_reads_as_its_korean_name_writes_it() -> None:
    units = {**KPI_UNITS, **FLEET_UNITS}
    for kpi, unit in units.items():
        name, shown = i18n.phrase(kpi, "ko"), i18n.phrase(unit, "ko")
        assert name != kpi, kpi
        written = re.search(r"\(([^()]*)\)$", name)
        if kpi in SAYS_MORE:
            assert shown == SAYS_MORE[kpi], kpi
        elif written:
            assert shown == written.group(1), (kpi, name, shown)
        assert shown in SYMBOLS or not re.search("[A-Za-z]{2,}", shown.replace("TEU", "")), (kpi, shown)
    assert [i18n.phrase(units[k], "ko") for k in ("gate_mean_wait_min", "qc_idle_min_per_move")] == [
        "분",
        "분",
    ]
