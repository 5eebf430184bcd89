from __future__ import annotations

import itertools
import json

from gwangyang.port.demo import _small_berth_instance, demo_step


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
