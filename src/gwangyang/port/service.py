"""The port use cases, once: scenarios, simulate, compare, berth plan, crane schedule, the demo's run.

Each function returns one JSON-ready document that the CLI prints with ``--json``, the API returns as a
job's result and the port page shows. Replications are independent items of an
:class:`~gwangyang.compute.Executor` (serial, processes or Dask).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..compute import Executor
from ..errors import InputError, NotFoundError
from ..files import jsonable
from ..store import Store, artifacts

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)``."""

DEMO_RUN = "demo"
"""Name under which the demo keeps its port run (``port/runs/demo.json``)."""

FLEET_RUN = "fleet-curve"
"""Name under which the demo keeps its AGV fleet comparison (``port/runs/fleet-curve.json``; the port page plots it)."""

FLEET_COMMAND = "gwangyang port compare gwangyang-automated --fleet 11,22,33,44 --json"
"""The command the port page names when no fleet-size curve is kept."""


def scenarios() -> list[str]:
    """Names of the shipped terminal scenarios."""
    from .terminal import shipped_scenarios

    return shipped_scenarios()


def describe_scenarios() -> list[dict[str, str]]:
    """Each shipped scenario's name and description."""
    from .terminal import load_scenario

    return [{"name": n, "description": load_scenario(n).description} for n in scenarios()]


def check_shipped(field: str, name: str) -> str:
    """``name`` if it is a shipped scenario, else an ``InputError`` naming ``field``."""
    names = scenarios()
    if name not in names:
        raise InputError(f"{field}: expected one of {', '.join(names)}, got {name[:60]!r}.")
    return name


def simulate(
    scenario: str | Path,
    days: float = 30.0,
    seed: int = 0,
    replications_count: int = 1,
    warmup_days: float = 0.0,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> tuple[dict[str, Any], Any]:
    """Simulate a terminal: the first replication's result, with KPI means and confidence intervals over ``replications_count`` runs.

    Returns
    -------
    (dict, SimulationResult)
        The document, and the first replication's result (for plots).
    """
    from .compare import replicate, summarize
    from .simulation import simulate as run
    from .terminal import load_scenario

    model = load_scenario(scenario)
    first = run(model, days, seed, warmup_days)
    document: dict[str, Any] = first.to_dict(include_vessels=False)
    if replications_count > 1:
        table = replicate(model, days, replications_count, seed, warmup_days, progress, executor)
        summary = summarize(table)
        document["kpis"] = {k: v["mean"] for k, v in summary.items()}
        document["confidence_intervals"] = summary
        document["replications"] = replications_count
    elif progress is not None:
        progress(1, 1)
    document["berth_plan"] = first.to_dict()["gantt"]
    return jsonable(document), first


def compare_fleets(
    scenario: str | Path,
    policies: str | Sequence[str] | None = None,
    fleet: str | Sequence[int] | None = None,
    replications_count: int = 5,
    hours: float = 8.0,
    seed: int = 0,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """AGV dispatch policies and fleet sizes of one scenario compared with common random numbers.

    ``policies`` and ``fleet`` are lists or comma-separated text (``"nearest,lookahead"``, ``"11,22,44"``);
    by default every policy at the scenario's own fleet size.

    Returns
    -------
    dict
        :func:`gwangyang.port.fleet_compare.compare_fleets`'s document: ``runs`` (KPI means with 95 % intervals per
        policy and fleet size), ``differences`` between policies, and the fleet-size ``curve``.
    """
    from .agv_dispatch import DISPATCH
    from .agv_plan import plan_from_scenario
    from .fleet_compare import compare_fleets as run_fleets
    from .terminal import load_scenario

    plan = plan_from_scenario(load_scenario(scenario))
    if policies is None:
        names = list(DISPATCH)
    elif isinstance(policies, str):
        names = [p.strip() for p in policies.split(",") if p.strip()]
    else:
        names = list(policies)
    if fleet is None:
        sizes = [plan.agvs]
    elif isinstance(fleet, str):
        try:
            sizes = [int(n) for n in fleet.split(",")]
        except ValueError:
            raise InputError(f"--fleet: expected whole numbers separated by commas, got {fleet!r}") from None
    else:
        sizes = [int(n) for n in fleet]
    result: dict[str, Any] = run_fleets(
        plan, names, sizes, replications_count, hours, seed, progress=progress
    )
    return result


def compare(
    a: str | Path,
    b: str | Path,
    days: float = 30.0,
    replications_count: int = 5,
    seed: int = 0,
    warmup_days: float = 0.0,
    executor: Executor | None = None,
    progress: Progress | None = None,
    level: float = 0.95,
) -> dict[str, Any]:
    """Simulate both scenarios with the same seeds (common random numbers) and compare their KPIs.

    The ``2 x replications_count`` simulations are independent items of ``executor``.

    Returns
    -------
    dict
        ``a``, ``b``, ``days``, ``replications``, ``level`` and per KPI its unit, A and B means, B - A with its
        confidence interval and the relative change.
    """
    from .compare import compare as run
    from .terminal import load_scenario

    comparison = run(
        load_scenario(a),
        load_scenario(b),
        days,
        replications_count,
        seed,
        warmup_days,
        level,
        progress,
        executor,
    )
    result: dict[str, Any] = jsonable(comparison.to_dict())
    return result


def berth_instance(document: dict[str, Any], source: str = "request") -> Any:
    """A :class:`~gwangyang.port.berth_model.BerthInstance` from ``name, arrival, opening, closing, handling, deadline``."""
    from .berth_model import BerthInstance

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
    from .berth_model import check_plan
    from .berths import solve_cpsat, solve_fcfs, solve_greedy, solve_spt

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
    from .berth_budget import SearchBudget
    from .berth_model import BerthInstance

    budget = None if budget_s is None else SearchBudget.like_seconds(budget_s)
    return plan_berths(BerthInstance.from_file(path), "cpsat", time_limit, seed, workers, progress, budget)


def crane_instance(source: Path | dict[str, Any] | None = None) -> Any:
    """A :class:`~gwangyang.port.cranes.CraneInstance` from a TOML file, a dict shaped like it, or (None) the shipped example."""
    from ..samples import crane_instance as shipped
    from .cranes import CraneInstance

    if isinstance(source, dict):
        return CraneInstance.from_dict(source, "instance")
    return CraneInstance.from_file(shipped() if source is None else source)


def schedule_cranes(
    instance: Path | Any, time_limit: float = 10.0, seed: int = 0, workers: int = 0
) -> tuple[dict[str, Any], Any]:
    """Quay-crane schedule minimising the makespan with CP-SAT: the document and the schedule (for plots).

    ``instance`` is a TOML file or a :class:`~gwangyang.port.cranes.CraneInstance` (see :func:`crane_instance`).
    """
    from .cranes import solve_cranes

    chosen = crane_instance(instance) if isinstance(instance, Path) else instance
    schedule = solve_cranes(chosen, time_limit, seed, workers)
    return jsonable(schedule.to_dict()), schedule


def example_berths() -> dict[str, Any]:
    """The berth form's example request: the demo's small instance."""
    from ..samples import DEMO_BERTHS

    return {**DEMO_BERTHS, "method": "cpsat", "time_limit": 5}


def save_run(store: Store, name: str, document: dict[str, Any]) -> Path:
    """Keep a port run (simulations, plans) in the store as ``port/runs/<name>.json``."""
    return artifacts.save(store, "port-run", name, document)


def load_run(store: Store, name: str) -> dict[str, Any] | None:
    """A kept port run, or None."""
    try:
        result: dict[str, Any] = artifacts.load(store, "port-run", name)
    except NotFoundError:
        return None
    return result


def save_plan(store: Store, name: str, document: dict[str, Any]) -> Path:
    """Keep a berth plan in the store as ``port/plans/<name>.json``."""
    return artifacts.save(store, "berth-plan", name, document)


TIMELAPSE_SCENARIO = "gwangyang-automated"
"""The scenario whose yard and AGVs the port page shows as a time-lapse."""

TIMELAPSE_RUN = "timelapse"
"""Name under which the demo keeps the port page's time-lapse (``port/runs/timelapse.json``)."""

TIMELAPSE_COMMAND = "gwangyang port timelapse --keep"
"""The command the port page names when no time-lapse is kept and it cannot compute one."""


def timelapse(
    scenario: str | Path = TIMELAPSE_SCENARIO,
    minutes: float = 10.0,
    step_s: float = 15.0,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """A time-lapse of a scenario's AGVs (:func:`gwangyang.port.timelapse.timelapse`, seed 0).

    Its dispatch policy is the scenario's ``automation.dispatch``. The port page shows the kept one
    (:func:`keep_timelapse`; the demo keeps one), else the newest ``port.timelapse`` job's.
    """
    from .agv_plan import plan_from_scenario
    from .terminal import load_scenario
    from .timelapse import timelapse as run_timelapse

    loaded = load_scenario(scenario)
    plan = plan_from_scenario(loaded, loaded.automation.dispatch)
    document: dict[str, Any] = run_timelapse(plan, minutes, seed=0, step_s=step_s)
    if progress is not None:
        progress(1, 1)
    return document


def keep_timelapse(store: Store, document: dict[str, Any]) -> Path:
    """Keep a time-lapse for the port page (``port/runs/timelapse.json``, :data:`TIMELAPSE_RUN`)."""
    return save_run(store, TIMELAPSE_RUN, document)


def kept_timelapse(store: Store) -> dict[str, Any] | None:
    """The kept time-lapse, or None when none is kept (stores made before the demo kept one)."""
    return load_run(store, TIMELAPSE_RUN)


def page_state(store: Store) -> dict[str, Any]:
    """What the port page starts from: the newest comparison and berth-plan jobs, else the demo's run.

    ``demo_rows`` are ``(kpi, [whole-run value per scenario])``; ``demo_steady`` maps a KPI to its steady
    state per scenario (the document's ``steady_state`` entry, or None) for the KPIs that have one;
    ``demo_warnings`` are ``(scenario, [warning, ...])`` of the scenarios that warn. A run kept before
    these were kept shows neither. ``saved["fleet"]`` is the kept fleet-size curve (:data:`FLEET_RUN`, the scenario, the run lengths,
    ``fleet_curve`` and its ``policies`` in order, as the page's JSON sorts keys) or None; ``fleet_command`` is how to make one.
    ``saved["timelapse"]`` is the newest ``port.timelapse`` job, ``timelapse`` the kept time-lapse (:func:`kept_timelapse`)
    or None, ``timelapse_command`` how to keep one; nothing here simulates.
    """
    compare_job = artifacts.latest_job(store, "port.compare")
    plan_job = artifacts.latest_job(store, "port.berths")
    timelapse_job = artifacts.latest_job(store, "port.timelapse")
    demo = load_run(store, DEMO_RUN) or {}
    demo_scenarios = demo.get("scenarios") or {}
    fleet = load_run(store, FLEET_RUN)
    curve = (
        {
            k: fleet[k]
            for k in (
                "scenario",
                "cranes",
                "qc_moves_per_hour",
                "hours",
                "replications",
                "level",
                "fleet_curve",
            )
        }
        | {"policies": list(fleet["fleet_curve"])}
        if fleet and fleet.get("fleet_curve")
        else None
    )
    names = list(demo_scenarios)
    kpis = sorted({k for values in demo_scenarios.values() for k in values})
    steady = demo.get("steady_state") or {}
    warnings = demo.get("warnings") or {}
    return {
        "saved": {
            "compare": compare_job["id"] if compare_job else None,
            "plan": plan_job["id"] if plan_job else None,
            "demo_plan": demo.get("berth_plan") if plan_job is None else None,
            "demo_scenarios": demo.get("scenarios"),
            "demo_days": demo.get("days"),
            "fleet": curve,
            "timelapse": timelapse_job["id"] if timelapse_job else None,
        },
        "fleet_command": FLEET_COMMAND,
        "timelapse": kept_timelapse(store),
        "timelapse_command": TIMELAPSE_COMMAND,
        "demo_names": names,
        "demo_rows": [(k, [demo_scenarios[n].get(k) for n in names]) for k in kpis],
        "demo_steady": {
            k: [(steady.get(n) or {}).get(k) for n in names]
            for k in kpis
            if any((steady.get(n) or {}).get(k) for n in names)
        },
        "demo_warnings": [(n, list(warnings.get(n) or [])) for n in names if warnings.get(n)],
    }


def demo_run(days: float = 14.0, seed: int = 0) -> dict[str, Any]:
    """The demo's port run: ``days`` of both shipped scenarios, a plan of the sample berths, the sample cranes.

    Per scenario it keeps the simulation document's ``kpis`` (under ``scenarios``), ``steady_state`` and
    ``warnings`` (each a dict by scenario name), so that the port page shows what the CLI shows.
    """
    kpis, steady, warnings = {}, {}, {}
    for name in ("gwangyang-today", "gwangyang-automated"):
        document, _ = simulate(name, days=days, seed=seed)
        kpis[name] = document["kpis"]
        steady[name] = document["steady_state"]
        warnings[name] = document["warnings"]
    plan, _ = plan_berths(berth_instance(example_berths(), "sample"), "cpsat", time_limit=10.0, workers=1)
    schedule, _ = schedule_cranes(crane_instance(), time_limit=20.0, workers=1)
    return {
        "days": days,
        "scenarios": kpis,
        "steady_state": steady,
        "warnings": warnings,
        "berth_plan": plan,
        "crane_schedule": {k: schedule[k] for k in ("instance", "makespan", "status")},
    }


def plot_simulation(result: Any, path: Path) -> Path:
    """Queue, berth occupancy and yard of a simulation's first days, as a PNG."""
    from .plots import plot_simulation as draw

    return draw(result, path)


def plot_berth_plan(plan: Any, path: Path) -> Path:
    """A berth plan's Gantt chart, as a PNG."""
    from .plots import plot_berth_plan as draw

    return draw(plan, path)


def plot_crane_schedule(schedule: Any, path: Path) -> Path:
    """A crane schedule's Gantt chart, as a PNG."""
    from .plots import plot_crane_schedule as draw

    return draw(schedule, path)
