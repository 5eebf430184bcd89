from __future__ import annotations

import json

import numpy as np
import pytest

from gwangyang.port.kpis import time_average_in_system
from gwangyang.port.result import KPI_UNITS
from gwangyang.port.simulation import simulate
from gwangyang.port.terminal import load_scenario

from .conftest import ISSUE_KPIS


def test_time_average_in_system_by_hand() -> None:
    # Vessel A in system [0, 10], B [5, 15]; over [0, 10]: 10 + 5 = 15 vessel-hours / 10 h = 1.5.
    assert time_average_in_system(np.array([0.0, 5.0]), np.array([10.0, 15.0]), 0.0, 10.0) == 1.5


def test_result_is_json_ready_with_issue_kpis() -> None:
    result = simulate(load_scenario("gwangyang-today"), days=3, seed=0)
    document = json.loads(json.dumps(result.to_dict()))
    for name in ISSUE_KPIS:
        assert name in document["kpis"] and name in KPI_UNITS
    assert len(document["gantt"]) == document["kpis"]["vessel_calls"]
    assert set(document["gantt"][0]) == {
        "vessel",
        "name",
        "service",
        "berth",
        "arrival_h",
        "start_h",
        "end_h",
    }
    # Energy total is the sum over equipment types; CO2 likewise.
    assert sum(v["kwh"] for v in document["energy_by_equipment"].values()) == pytest.approx(
        document["kpis"]["energy_kwh"]
    )
    assert sum(v["co2_t"] for v in document["energy_by_equipment"].values()) == pytest.approx(
        document["kpis"]["co2_t"]
    )
