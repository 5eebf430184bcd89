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


def mmc_dict(c: int = 3, lam_per_h: float = 0.21, service_h: float = 10.0) -> dict[str, Any]:
    """An M/M/c terminal: Poisson arrivals, c berths with one crane each, exponential handling.

    Handling is exponential because the TEU per call are gamma with CV 1 (= exponential) and the
    crane works at a deterministic rate; transport and yard are unconstrained (count = 0).
    """
    moves = 1000
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
    }


@pytest.fixture
def mmc() -> dict[str, Any]:
    return copy.deepcopy(mmc_dict())
