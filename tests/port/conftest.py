"""Small scenarios for the port tests, built as dicts so each test can change one field."""

from __future__ import annotations

import copy
from typing import Any

import pytest

ISSUE_KPIS = (
    "vessel_calls",
    "teu",
    "mean_wait_h",
    "p95_wait_h",
    "berth_occupancy",
    "qc_moves_per_hour",
    "vehicle_utilization",
    "energy_kwh",
    "co2_t",
)
"""KPI names the issue asks for."""


def mmc_dict(
    c: int = 3, lam_per_h: float = 0.21, service_h: float = 10.0, gate_utilization: float = 0.0
) -> dict[str, Any]:
    """An M/M/c terminal: Poisson arrivals, c berths with one crane each, exponential handling.

    Handling is exponential because the TEU per call are gamma with CV 1 (= exponential) and the
    crane works at a deterministic rate; transport and yard are unconstrained (count = 0).

    No gate trucks by default (``gate_share`` 0): the gate is computed after the quay and never changes
    it (``test_gate_does_not_change_the_quay_side``). The default gate (one lane, 2 min a truck, half the
    boxes by truck) would get ``lam_per_h`` x 1,000 x 0.5 trucks an hour, a load of 16.7 x ``lam_per_h``:
    3.5 at the default 0.21 calls/h: a queue that only grows (100 days, seed 0: utilisation 3.38, mean
    wait 214,730 min, growing with the run) and two thirds of the run's CPU time (1.36 s against 0.46 s).
    ``gate_utilization`` > 0 keeps the trucks (half the boxes, one lane) with the transaction time that
    gives the lane that load instead (0.5: 0.483 measured, mean wait 0.29 min, 0.47 s).
    """
    moves = 1000
    if gate_utilization > 0:
        trucks_per_h = lam_per_h * moves * 0.5
        gate = {"gate_share": 0.5, "lanes": 1, "minutes_per_truck": 60.0 * gate_utilization / trucks_per_h}
    else:
        gate = {"gate_share": 0.0}
    return {
        "name": "mmc",
        "berths": [
            {"name": f"B{i}", "length_m": 400.0, "transport": "none", "yard": "none"} for i in range(c)
        ],
        "cranes": [
            {"berth": f"B{i}", "count": 1, "moves_per_hour": moves / service_h, "cycle_cv": 0.0}
            for i in range(c)
        ],
        "transport": [{"name": "none"}],
        "yards": [{"name": "none"}],
        "arrivals": {
            "process": "poisson",
            "services": [
                {
                    "name": "s",
                    "calls_per_week": lam_per_h * 168,
                    "teu_per_call": moves * 1.6,
                    "teu_cv": 1.0,
                    "max_cranes": 1,
                }
            ],
        },
        "chunk_moves": 1_000_000,
        "gate": gate,
    }


@pytest.fixture
def mmc() -> dict[str, Any]:
    return copy.deepcopy(mmc_dict())
