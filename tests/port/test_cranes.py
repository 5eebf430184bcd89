from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gwangyang.errors import InputError
from gwangyang.port.crane_model import CraneInstance, CraneTask, check_schedule
from gwangyang.port.cranes import solve_cranes, solve_cranes_exact

EXAMPLE = Path(__file__).resolve().parents[2] / "src" / "gwangyang" / "port" / "instances" / "qcsp-10.toml"

BUDGET = 1.0
"""CP-SAT deterministic seconds for the tests (counted work, no clock): qcsp-10 is proved optimal
after 0.0145 of them (2026-12-06), the 6-task instances sooner."""


def _random_instance(seed: int, tasks: int = 6) -> CraneInstance:
    rng = np.random.default_rng(seed)
    bays = 8
    items: list[CraneTask] = []
    for i in range(tasks):
        after = (i - 1,) if i > 0 and rng.random() < 0.25 else ()
        bay = items[i - 1].bay if after else int(rng.integers(1, bays + 1))
        items.append(CraneTask(bay, int(rng.integers(3, 15)), after))
    return CraneInstance(f"r{seed}", bays, tuple(items), (1, bays), (0, int(rng.integers(0, 5))), 1, 1)


@pytest.mark.parametrize("seed", range(5))
def test_cpsat_matches_exact_enumeration(seed: int) -> None:
    inst = _random_instance(seed)
    exact = solve_cranes_exact(inst)
    cp = solve_cranes(inst, workers=1, budget=BUDGET)
    assert cp.status == "OPTIMAL"
    assert cp.makespan == exact.makespan
    assert check_schedule(inst, cp.table) == []
    assert check_schedule(inst, exact.table) == []


def test_two_cranes_one_bay_apart_cannot_work_side_by_side() -> None:
    # Bays 3 and 4 with safety margin 1 need 2 bays between the cranes: the tasks must run one after
    # the other, so the optimum is 10 + 10 plus travel from the start bays (crane 0 at 1, crane 1 at 8).
    inst = CraneInstance("pair", 8, (CraneTask(3, 10), CraneTask(4, 10)), (1, 8), (0, 0), 1, 1)
    exact = solve_cranes_exact(inst)
    cp = solve_cranes(inst, workers=1, budget=BUDGET)
    # Best: crane 0 does bay 3 (2 bays of travel) in [2, 12]; bay 4 then by crane 1 (4 bays) in [12, 22]
    # or by crane 0 (1 more bay) in [13, 23]: 22.
    assert exact.makespan == cp.makespan == 22
    clash = pd.DataFrame({"task": [0, 1], "crane": [0, 1], "bay": [3, 4], "start": [2, 4], "end": [12, 14]})
    assert any("interfere" in p for p in check_schedule(inst, clash))


def test_shipped_example_is_solved_to_optimality() -> None:
    inst = CraneInstance.from_file(EXAMPLE)
    schedule = solve_cranes(inst, workers=1, budget=BUDGET)
    assert schedule.status == "OPTIMAL" and schedule.lower_bound == schedule.makespan
    assert schedule.budget == BUDGET and schedule.work is not None and schedule.work <= BUDGET
    assert check_schedule(inst, schedule.table) == []
    # Makespan cannot beat the work split evenly over 2 cranes: 310 / 2 = 155.
    assert schedule.makespan >= sum(t.time for t in inst.tasks) / 2


@pytest.mark.parametrize("workers", [1, 2])
def test_budget_gives_the_same_schedule_on_every_run(workers: int) -> None:
    # 0.01 deterministic seconds stop CP-SAT before it proves qcsp-10 optimal (its bound is still
    # far below), so the schedule is the search's, not the unique optimum's: two runs must agree.
    inst = CraneInstance.from_file(EXAMPLE)
    first = solve_cranes(inst, workers=workers, budget=0.01)
    second = solve_cranes(inst, workers=workers, budget=0.01)
    assert first.status == second.status == "FEASIBLE"
    assert first.lower_bound is not None and first.lower_bound < first.makespan
    assert first.table.equals(second.table) and first.work == second.work
    assert check_schedule(inst, first.table) == []
    # no schedule beats the optimum (172, proved with the budget of the test above)
    assert first.makespan >= solve_cranes(inst, workers=1, budget=BUDGET).makespan


@pytest.mark.parametrize("budget", [0.0, -1.0, float("nan"), float("inf")])
def test_bad_budget(budget: float) -> None:
    with pytest.raises(InputError, match="budget: expected CP-SAT deterministic seconds > 0"):
        solve_cranes(CraneInstance.from_file(EXAMPLE), budget=budget)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("bays = 5\n[[cranes]]\ninitial_bay = 1\n[[tasks]]\nbay = 9\ntime = 3\n", r"tasks\[0\].bay"),
        ("bays = 5\n[[cranes]]\ninitial_bay = 1\n[[tasks]]\nbay = 2\ntime = -3\n", r"tasks\[0\].time"),
        (
            "bays = 5\n[[cranes]]\ninitial_bay = 1\n[[tasks]]\nbay = 2\ntime = 3\nafter = [0]\n",
            r"tasks\[0\].after",
        ),
        (
            "bays = 5\n[[cranes]]\ninitial_bay = 1\nspeed = 2\n[[tasks]]\nbay = 2\ntime = 3\n",
            r"cranes\[0\].speed",
        ),
        ("bays = 5\ncolour = 1\n[[cranes]]\ninitial_bay = 1\n[[tasks]]\nbay = 2\ntime = 3\n", "colour"),
        ("bays = 5\n[[tasks]]\nbay = 2\ntime = 3\n", "cranes"),
        (
            "bays = 3\n[[cranes]]\ninitial_bay = 1\n[[cranes]]\ninitial_bay = 3\n[[cranes]]\ninitial_bay = 3\n"
            "[[tasks]]\nbay = 2\ntime = 3\n",
            "do not fit",
        ),
        (
            "bays = 5\n[[cranes]]\ninitial_bay = 1\n[[tasks]]\nbay = 2\ntime = 3\nafter = [1]\n[[tasks]]\nbay = 2\n"
            "time = 3\nafter = [0]\n",
            "cycle",
        ),
        ("bays = [\n", "not valid TOML"),
    ],
)
def test_bad_crane_instances(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(InputError, match=message):
        CraneInstance.from_file(path)
