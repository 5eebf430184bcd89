"""What the port page starts from, and the demo's port run it shows until jobs of its own are kept."""

from __future__ import annotations

from typing import Any

from ...store import Store, artifacts
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
