"""The port's step of ``gwangyang demo``: a short simulation of both shipped scenarios and a berth plan."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .berth_model import BerthInstance
from .berths import solve_cpsat, solve_fcfs
from .cranes import CraneInstance, solve_cranes
from .simulation import simulate
from .terminal import load_scenario

DEMO_BERTHS: dict[str, Any] = {
    "name": "demo-12x3",
    "arrival": [0, 1, 2, 4, 5, 7, 8, 10, 12, 13, 15, 18],
    "opening": [0, 0, 0],
    "closing": [200, 200, 200],
    "handling": [
        [6, 8, -1],
        [4, 5, 6],
        [7, 7, 9],
        [3, 4, 3],
        [5, 6, 5],
        [8, 9, -1],
        [2, 3, 2],
        [6, 5, 6],
        [4, 4, 5],
        [5, 7, 6],
        [3, 3, 3],
        [6, 6, 7],
    ],
    "deadline": [200] * 12,
}
"""Twelve vessels on three berths, made up for the demo (berth 2 cannot take vessels 0 and 5); also the
port page's example request."""


def _small_berth_instance() -> BerthInstance:
    d = DEMO_BERTHS
    return BerthInstance.build(
        d["name"], d["arrival"], d["opening"], d["closing"], d["handling"], d["deadline"]
    )


def demo_step(store: Any = None, days: float = 14.0, seed: int = 0) -> dict[str, Any]:
    """Simulate ``days`` of both shipped scenarios, plan berths for a small instance, schedule cranes.

    ``store`` is not used here (see :func:`port_demo_step`, which saves the result in the store).

    Returns
    -------
    dict
        ``scenarios`` (KPIs of each), ``berth_plan`` (CP-SAT against FCFS, with the Gantt table) and
        ``crane_schedule`` (makespan of the shipped example).
    """
    scenarios = {}
    for name in ("gwangyang-today", "gwangyang-automated"):
        result = simulate(load_scenario(name), days=days, seed=seed)
        scenarios[name] = result.to_dict(include_vessels=False)["kpis"]
    instance = _small_berth_instance()
    fcfs = solve_fcfs(instance)
    plan = solve_cpsat(instance, time_limit=10.0, workers=1)
    cranes = CraneInstance.from_file(Path(__file__).parent / "instances" / "qcsp-10.toml")
    schedule = solve_cranes(cranes, time_limit=20.0, workers=1)
    return {
        "days": days,
        "scenarios": scenarios,
        "berth_plan": {**plan.to_dict(), "fcfs_objective": fcfs.objective},
        "crane_schedule": {
            "instance": schedule.instance,
            "makespan": schedule.makespan,
            "status": schedule.status,
        },
    }


def demo_path(store: Any) -> Path:
    """Where :func:`port_demo_step` saves its summary: ``<store>/port/demo.json``."""
    return Path(store.root) / "port" / "demo.json"


def port_demo_step(store: Any) -> dict[str, Any]:
    """The port's step of ``gwangyang demo`` (a few seconds): :func:`demo_step`, saved in the store.

    The port page runs its own jobs and reads nothing from the store; the summary is saved at
    :func:`demo_path` so that it can be looked at after the demo.
    """
    summary = demo_step(store)
    path = demo_path(store)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(summary, indent=1), encoding="utf-8")
    return {**summary, "saved": str(path)}
