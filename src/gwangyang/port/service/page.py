"""What the port page starts from, and the demo's port run it shows until jobs of its own are kept."""

from __future__ import annotations

from typing import Any

from ...store import Store, artifacts
from ..berth_budget import SearchBudget
from .kept import load_run
from .lapse import TIMELAPSE_COMMAND, kept_timelapse
from .plans import berth_instance, crane_instance, example_berths, plan_berths, schedule_cranes
from .simulation import simulate

DEMO_RUN = "demo"
"""Name under which the demo keeps its port run (``port/runs/demo.json``)."""

FLEET_RUN = "fleet-curve"
"""Name under which the demo keeps its AGV fleet comparison (``port/runs/fleet-curve.json``; the port page plots it)."""

FLEET_COMMAND = "gwangyang port compare gwangyang-automated --fleet 11,22,33,44 --json"
"""The command the port page names when no fleet-size curve is kept."""

DEMO_BERTH_BUDGET = SearchBudget(
    lagrangian_steps=2_000,
    cpsat_work=1.0,
    anneal_moves=240_000,
    side_moves=0,
    lns_rounds=2,
    lns_round_work=0.5,
)
"""Work for the demo's berth plan of the sample berths (:mod:`~gwangyang.port.berth_budget`), not a clock.

The 12-vessel sample needs 1,133 subgradient steps (the bound converges) and 0.0009 of CP-SAT's
deterministic seconds to prove its plan optimal (objective 75), so the budget is never the limit;
no second annealing run (a thread racing CP-SAT would make the counted work vary). Measured on the
shared 2-core box: 0.27-0.29 s against 0.62-0.65 s for the clocked ``time_limit=10`` solve, which
once (numba compiling on a loaded machine) returned a FEASIBLE plan from the annealing instead."""

DEMO_CRANE_BUDGET = 1.0
"""CP-SAT deterministic seconds for the demo's crane schedule of the shipped sample (not a clock).

The sample's makespan 172 is proved optimal after 0.0145 deterministic seconds (0.15-0.23 s), so the
budget is never the limit; the clocked ``time_limit=20`` solve took the same time but could end
earlier on a loaded machine with another schedule."""


def page_state(store: Store) -> dict[str, Any]:
    """What the port page starts from: the newest comparison and berth-plan jobs, else the demo's run.

    ``demo_rows`` are ``(kpi, [whole-run value per scenario])``; ``demo_steady`` maps a KPI to its steady
    state per scenario (the document's ``steady_state`` entry, or None) for the KPIs that have one;
    ``demo_warnings`` are ``(scenario, [warning, ...])`` of the scenarios that warn. A run kept before
    these were kept shows neither. ``saved["fleet"]`` is the kept fleet-size curve (:data:`FLEET_RUN`, the scenario, the run lengths,
    ``fleet_curve`` and its ``policies`` in order, as the page's JSON sorts keys, and its ``warnings``: why points have no interval) or None; ``fleet_command`` is how to make one.
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
        | {"policies": list(fleet["fleet_curve"]), "warnings": list(fleet.get("warnings") or [])}
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
    """The demo's port run: ``days`` of both shipped scenarios, a plan of the sample berths, the sample cranes (:func:`demo_plans`).

    Per scenario it keeps the simulation document's ``kpis`` (under ``scenarios``), ``steady_state`` and
    ``warnings`` (each a dict by scenario name), so that the port page shows what the CLI shows.
    """
    kpis, steady, warnings = {}, {}, {}
    for name in ("gwangyang-today", "gwangyang-automated"):
        document, _ = simulate(name, days=days, seed=seed)
        kpis[name] = document["kpis"]
        steady[name] = document["steady_state"]
        warnings[name] = document["warnings"]
    plan, schedule = demo_plans()
    return {
        "days": days,
        "scenarios": kpis,
        "steady_state": steady,
        "warnings": warnings,
        "berth_plan": plan,
        "crane_schedule": {k: schedule[k] for k in ("instance", "makespan", "status", "budget")},
    }


def demo_plans() -> tuple[dict[str, Any], dict[str, Any]]:
    """The demo's berth plan of the sample berths and crane schedule of the sample cranes, on work budgets.

    :data:`DEMO_BERTH_BUDGET` and :data:`DEMO_CRANE_BUDGET` count work instead of seconds, so the page
    shows the same plan and schedule on every run, whatever the machine's load (only ``wall_s`` varies).
    """
    sample = berth_instance(example_berths(), "sample")
    plan, _ = plan_berths(sample, "cpsat", workers=1, budget=DEMO_BERTH_BUDGET)
    schedule, _ = schedule_cranes(crane_instance(), workers=1, budget=DEMO_CRANE_BUDGET)
    return plan, schedule
