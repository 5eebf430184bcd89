from __future__ import annotations

import itertools
import json
from pathlib import Path

from gwangyang.port.berths import solve_fcfs
from gwangyang.port.demo import _small_berth_instance, demo_path, demo_step, port_demo_step
from gwangyang.store import Store


def test_demo_step_is_json_ready_and_its_berth_plan_is_optimal() -> None:
    out = json.loads(json.dumps(demo_step(None, days=3)))
    assert set(out["scenarios"]) == {"gwangyang-today", "gwangyang-automated"}
    plan = out["berth_plan"]
    assert plan["objective"] <= plan["fcfs_objective"]
    # OPTIMAL: CP-SAT proved a bound equal to its objective (brute force on small instances: test_berths).
    assert plan["status"] == "OPTIMAL"
    assert plan["lower_bound"] == plan["objective"]
    assert out["crane_schedule"]["status"] == "OPTIMAL"


def test_demo_instance_is_consistent() -> None:
    inst = _small_berth_instance()
    assert (inst.vessels, inst.berths) == (12, 3)
    assert not inst.allowed(0, 2) and not inst.allowed(5, 2)
    assert all(inst.allowed(i, k) for i, k in itertools.product([1, 2, 3], range(3)))


def test_port_demo_step_saves_its_summary_in_the_store(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    out = port_demo_step(store)
    saved = json.loads(demo_path(store).read_text(encoding="utf-8"))
    assert out["saved"] == str(demo_path(store))
    assert saved["scenarios"] == json.loads(json.dumps(out["scenarios"]))
    # The plan's FCFS figure is the one solve_fcfs gives on the same instance.
    assert saved["berth_plan"]["fcfs_objective"] == solve_fcfs(_small_berth_instance()).objective
    # Both scenarios see the same traffic (same seed): the same TEU.
    today, auto = saved["scenarios"]["gwangyang-today"], saved["scenarios"]["gwangyang-automated"]
    assert today["teu"] == auto["teu"]
