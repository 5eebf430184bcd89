"""The port's planning use cases: a berth allocation (CP-SAT against the baselines) and a quay-crane schedule.

Each returns the plan's JSON-ready document and the plan itself (for plots).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...compute import Progress
from ...errors import InputError
from ...files import jsonable


def berth_instance(document: dict[str, Any], source: str = "request") -> Any:
    """A :class:`~gwangyang.port.berth_model.BerthInstance` from ``name, arrival, opening, closing, handling, deadline``."""
    from ..berth_model import BerthInstance

    return BerthInstance.build(
        document.get("name", "instance"),
        document["arrival"],
        document["opening"],
        document["closing"],
        document["handling"],
        document["deadline"],
        source=source,
    )


def plan_berths(
    instance: Any,
    method: str = "cpsat",
    time_limit: float = 10.0,
    seed: int = 0,
    workers: int = 1,
    progress: Progress | None = None,
    budget: Any = None,
) -> tuple[dict[str, Any], Any]:
    """Allocate berths: the plan of ``method`` (cpsat, fcfs, greedy, spt) with the baselines' objectives beside it.

    ``budget`` (a :class:`~gwangyang.port.berth_budget.SearchBudget`): counted work instead of
    ``time_limit``, the same plan on every run.

    Returns
    -------
    (dict, BerthPlan)
        The plan's document (``assignments``, ``objective``..., ``fcfs_objective``, ``greedy_objective``,
        ``spt_objective``, ``improvement_over_fcfs``, ``problems``) and the plan (for plots).
    """
    from ..berth_baselines import solve_fcfs, solve_greedy, solve_spt
    from ..berth_model import check_plan
    from ..berths import solve_cpsat

    baselines = {"fcfs": solve_fcfs(instance), "greedy": solve_greedy(instance), "spt": solve_spt(instance)}
    if method == "cpsat":
        steps = [0]

        def tick(objective: float, bound: float) -> None:
            steps[0] += 1
            if progress is not None:
                progress(steps[0], 0)

        plan = solve_cpsat(instance, time_limit, seed, workers, callback=tick, budget=budget)
    elif method in baselines:
        plan = baselines[method]
    else:
        raise InputError(f"method: expected cpsat, fcfs, greedy or spt, got {method[:20]!r}.")
    fcfs = float(baselines["fcfs"].objective)
    document = {
        **plan.to_dict(),
        "fcfs_objective": fcfs,
        "greedy_objective": float(baselines["greedy"].objective),
        "spt_objective": float(baselines["spt"].objective),
        "improvement_over_fcfs": (fcfs - float(plan.objective)) / fcfs if fcfs else None,
        "problems": check_plan(instance, plan.assignments),
    }
    return jsonable(document), plan


def plan_berths_file(
    path: Path,
    time_limit: float = 60.0,
    seed: int = 0,
    workers: int = 0,
    progress: Progress | None = None,
    budget_s: float | None = None,
) -> tuple[dict[str, Any], Any]:
    """:func:`plan_berths` (CP-SAT) of a DBAP instance file (Kramer et al. 2019 format).

    ``budget_s``: instead of ``time_limit``, the work of about that many seconds on two quiet cores,
    counted (:meth:`~gwangyang.port.berth_budget.SearchBudget.like_seconds`): the same plan every run.
    """
    from ..berth_model import BerthInstance

    budget = berth_budget(budget_s)
    return plan_berths(BerthInstance.from_file(path), "cpsat", time_limit, seed, workers, progress, budget)


def berth_budget(seconds: float | None) -> Any:
    """The :class:`~gwangyang.port.berth_budget.SearchBudget` of about ``seconds`` of work on two quiet cores (None: none)."""
    from ..berth_budget import SearchBudget

    return None if seconds is None else SearchBudget.like_seconds(seconds)


def crane_instance(source: Path | dict[str, Any] | None = None) -> Any:
    """A :class:`~gwangyang.port.crane_model.CraneInstance` from a TOML file, a dict shaped like it, or (None) the shipped example."""
    from ...samples import crane_instance as shipped
    from ..crane_model import CraneInstance

    if isinstance(source, dict):
        return CraneInstance.from_dict(source, "instance")
    return CraneInstance.from_file(shipped() if source is None else source)


def schedule_cranes(
    instance: Path | Any,
    time_limit: float = 10.0,
    seed: int = 0,
    workers: int = 0,
    budget: float | None = None,
) -> tuple[dict[str, Any], Any]:
    """Quay-crane schedule minimising the makespan with CP-SAT: the document and the schedule (for plots).

    ``instance`` is a TOML file or a :class:`~gwangyang.port.crane_model.CraneInstance` (see :func:`crane_instance`).
    ``budget``: CP-SAT's deterministic seconds instead of ``time_limit`` (counted work, the same
    schedule on every run; see :func:`~gwangyang.port.cranes.solve_cranes`).
    """
    from ..cranes import solve_cranes

    chosen = crane_instance(instance) if isinstance(instance, Path) else instance
    schedule = solve_cranes(chosen, time_limit, seed, workers, budget)
    return jsonable(schedule.to_dict()), schedule


def example_berths() -> dict[str, Any]:
    """The berth form's example request: the demo's small instance."""
    from ...samples import DEMO_BERTHS

    return {**DEMO_BERTHS, "method": "cpsat", "time_limit": 5}


def plot_berth_plan(plan: Any, path: Path) -> Path:
    """A berth plan's Gantt chart, as a PNG."""
    from ..plots import plot_berth_plan as draw

    return draw(plan, path)


def plot_crane_schedule(schedule: Any, path: Path) -> Path:
    """A crane schedule's Gantt chart, as a PNG."""
    from ..plots import plot_crane_schedule as draw

    return draw(schedule, path)
