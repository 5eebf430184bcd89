"""Fleet questions for the move-level AGV model: policies and fleet sizes compared, and a closed form.

:func:`compare_fleets` runs every dispatch policy with every fleet size on common random numbers;
:func:`cycle_time_estimate` is the closed-form rate the model is validated against.

Its intervals claim what :mod:`.compare`'s do: a KPI's interval over replications lies inside the
KPI's bounds (a share in ``[0, 1]``, the others in ``[0, inf)``; :func:`.compare.replication_interval`),
a paired difference inside what ``B - A`` can be (:func:`.compare.difference_interval`), and none is
given from one replication or from values (differences) that are the same in every replication; the
document's ``warnings`` say which and why.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

from ..errors import InputError
from .agv import simulate_fleet
from .agv_dispatch import DISPATCH
from .agv_plan import FLEET_UNITS, FleetPlan
from .compare import MIN_REPLICATIONS, difference_interval, replication_interval
from .lanes import build_layout
from .result import kpi_bounds
from .steady_report import NO_VARIATION


def cycle_time_estimate(plan: FleetPlan) -> float:
    """Closed-form moves per hour per crane with one AGV per crane, discharges only, no batteries.

    An AGV's cycle is an empty drive from a block to a crane, the transfer there, a loaded drive to
    a random block and the transfer there. With jobs taken in due order the crane is unrelated to
    where the AGV is, so both drives average the mean crane-block route ``d`` over all pairs:
    ``cycle = 2 d / v + t_quay + t_yard``. When this is longer than the crane's own cycle the crane
    waits for its AGV and makes ``60 / cycle`` moves an hour, else its own rate.
    """
    layout = build_layout(plan.cranes, plan.blocks, plan.quay_length_m, plan.settings)
    mean = float(layout.distance[np.ix_(layout.quay, layout.blocks)].mean())
    speed = plan.speed_kmh * 1000.0 / 60.0
    cycle = 2 * mean / speed + plan.settings.quay_transfer_min + plan.settings.yard_transfer_min
    return min(60.0 / cycle * plan.agvs / plan.cranes, plan.qc_moves_per_hour)


Progress = Callable[[int, int], None]


def compare_fleets(
    plan: FleetPlan,
    policies: list[str],
    fleets: list[int],
    replications: int = 5,
    hours: float = 8.0,
    seed: int = 0,
    warmup_h: float = 1.0,
    level: float = 0.95,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Every policy with every fleet size over the same seeds (common random numbers).

    Returns
    -------
    dict
        ``runs``: per (policy, AGVs) the mean and confidence interval of each KPI over the
        replications; ``differences``: per policy after the first and per fleet size, the paired
        difference to the first policy with its interval; ``fleet_curve``: per policy, moves/hour per
        crane against the number of AGVs (for a plot).
    """
    if replications < 1:
        raise InputError(f"replications: must be >= 1, got {replications}")
    for p in policies:
        if p not in DISPATCH:
            raise InputError(f"policies: {p!r} is not one of {', '.join(DISPATCH)}")
    if not policies or not fleets:
        raise InputError("policies and fleets: at least one of each is needed")
    total = len(policies) * len(fleets) * replications
    done = 0
    values: dict[tuple[str, int], list[dict[str, float]]] = {}
    for policy in policies:
        for n in fleets:
            variant = dataclasses.replace(plan, dispatch=policy, agvs=n)
            rows = []
            for r in range(replications):
                rows.append(simulate_fleet(variant, hours, seed + r, warmup_h).kpis)
                done += 1
                if progress is not None:
                    progress(done, total)
            values[(policy, n)] = rows

    def interval(x: list[float], k: str) -> dict[str, Any]:
        mean, low, high, reason = replication_interval(np.array(x), level, kpi_bounds(k, FLEET_UNITS))
        return {"mean": mean, "ci_low": low, "ci_high": high, "no_interval": reason}

    def paired(a: list[dict[str, float]], b: list[dict[str, float]], k: str) -> dict[str, Any]:
        mean, low, high, reason = difference_interval(
            np.array([row[k] for row in a]),
            np.array([row[k] for row in b]),
            level,
            kpi_bounds(k, FLEET_UNITS),
        )
        return {"mean": mean, "ci_low": low, "ci_high": high, "no_interval": reason}

    kpis = {
        key: {k: interval([row[k] for row in rows], k) for k in FLEET_UNITS} for key, rows in values.items()
    }
    runs: list[dict[str, Any]] = [{"dispatch": p, "agvs": n, "kpis": kpis[(p, n)]} for p, n in values]
    base = policies[0]
    differences = [
        {
            "dispatch": p,
            "versus": base,
            "agvs": n,
            "kpis": {k: paired(values[(base, n)], values[(p, n)], k) for k in FLEET_UNITS},
        }
        for p in policies[1:]
        for n in fleets
    ]
    curve = {p: [{"agvs": n, **kpis[(p, n)]["moves_per_hour_per_crane"]} for n in fleets] for p in policies}
    return {
        "scenario": plan.name,
        "cranes": plan.cranes,
        "qc_moves_per_hour": plan.qc_moves_per_hour,
        "hours": hours,
        "warmup_h": warmup_h,
        "replications": replications,
        "seeds": list(range(seed, seed + replications)),
        "level": level,
        "units": dict(FLEET_UNITS),
        "runs": runs,
        "differences": differences,
        "fleet_curve": curve,
        "warnings": fleet_warnings(runs, differences, replications),
    }


def fleet_warnings(
    runs: list[dict[str, Any]], differences: list[dict[str, Any]], replications: int
) -> list[str]:
    """Why KPIs of :func:`compare_fleets`'s ``runs`` and ``differences`` have no interval, one line per reason and KPIs.

    One replication: one line for all. Else one line per run (policy and fleet size) with KPIs the same
    in every replication, and one per difference with KPIs whose differences are.
    """
    if replications < MIN_REPLICATIONS:
        return [
            f"no intervals: {replications} replication, fewer than {MIN_REPLICATIONS}; "
            f"run at least {MIN_REPLICATIONS} replications"
        ]
    out = []
    for run in runs:
        names = [k for k, v in run["kpis"].items() if v["no_interval"] == NO_VARIATION]
        if names:
            out.append(
                f"no interval for {', '.join(names)} of {run['dispatch']} with {run['agvs']} AGVs: the same value "
                "in every replication, no estimate of their variation (nothing of it happened, or the counts "
                "came out equal: more or longer replications may give one)"
            )
    for diff in differences:
        names = [k for k, v in diff["kpis"].items() if v["no_interval"] == NO_VARIATION]
        if names:
            out.append(
                f"no interval for the differences of {', '.join(names)} between {diff['dispatch']} and "
                f"{diff['versus']} with {diff['agvs']} AGVs: B - A is the same in every replication, no estimate "
                "of its variation"
            )
    return out
