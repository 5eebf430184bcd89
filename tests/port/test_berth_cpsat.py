"""CP-SAT's own bound on a shipped berth instance, against two independent routes."""

from __future__ import annotations

from pathlib import Path

import pytest

from gwangyang.port.berth_cpsat import build_model, read_plan
from gwangyang.port.berths import (
    BerthInstance,
    assignment_bound,
    check_plan,
    objective,
    solve_spt,
)


@pytest.fixture
def instance(shared: Path) -> BerthInstance:
    return BerthInstance.from_file(shared / "logistics" / "berth" / "f200x15-01.txt")


def test_cumulative_lifts_cpsat_bound_above_the_assignment_relaxation(instance: BerthInstance) -> None:
    from ortools.sat.python import cp_model

    built = build_model(instance)
    solver = cp_model.CpSolver()
    # Deterministic work units, not seconds, so the run is the same on every machine.
    solver.parameters.max_deterministic_time = 0.5
    solver.parameters.num_workers = 1
    solver.parameters.linearization_level = 2
    status = solver.solve(built.model)
    assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    bound = solver.best_objective_bound
    # Sum of handling times: the bound the optional intervals alone give (measured 4,074).
    handling = sum(int(instance.handling[i][instance.handling[i] > 0].min()) for i in range(instance.vessels))
    # The Hungarian assignment relaxation (no arrival times) is an independent bound: 11,063 here.
    # Measured with the cumulative: 12,195 at this work limit.
    assert bound > assignment_bound(instance) > handling
    # A bound stays below every feasible plan: SPT (12,831) and the solution CP-SAT returns.
    spt = solve_spt(instance)
    assert check_plan(instance, spt.assignments) == []
    plan = read_plan(built, solver)
    assert check_plan(instance, plan) == []
    assert bound <= min(spt.objective, objective(instance, plan), solver.objective_value)
    assert objective(instance, plan) == solver.objective_value
