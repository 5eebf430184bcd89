"""Our own checker: score any set of routes on an instance and name every constraint they break.

Nothing here uses a solver. Each route is scored by :func:`~gwangyang.logistics.route_check.route_result`
(capacity, windows, shift and depot hours, duration and distance limits, reloads, release times, backhaul order,
pickup-delivery pairs, allowed clients); :func:`evaluate` adds what only all routes together show: that every
required client is served exactly once, that exactly one client of each group is served, and that no vehicle type
is used more often than it exists.

Prize-collecting instances are scored as PyVRP defines their objective: the route costs (fixed and per distance)
plus the prizes of the clients left unserved (``prize_forgone``); both parts are reported.

A route is ``(vehicle type, visits)``: client indices in visiting order, with
:func:`~gwangyang.logistics.route_check.reload_visit` (a negative number) for a return to a depot between trips.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .instance import Instance
from .result import RouteResult, RoutingResult
from .route_check import route_result

Route = tuple[int, list[int]]


def evaluate(
    instance: Instance,
    routes: Sequence[Route],
    solver: str,
    runtime_s: float = 0.0,
    seed: int = 0,
    workers: int = 1,
    iterations: int = 0,
) -> RoutingResult:
    """Score routes on an instance and check every constraint it has.

    Parameters
    ----------
    instance
        The instance the routes belong to.
    routes
        ``(vehicle type index, visits)`` per route; routes without a client are dropped.
    solver
        Name to record.

    Returns
    -------
    RoutingResult
        Clients neither routed nor screened out are ``unserved`` (optional instances) or ``missing_required``;
        a client served twice is in ``missing_required`` too.
    """
    out: list[RouteResult] = []
    used = [0] * len(instance.vehicles)
    paired = instance.paired()
    counts: dict[int, int] = {}
    for vt, visits in routes:
        clients = [c for c in visits if c >= 0]
        if not clients:
            continue
        out.append(route_result(instance, vt, used[vt], list(visits), paired))
        used[vt] += 1
        for c in clients:
            counts[c] = counts.get(c, 0) + 1
    doubled = [instance.client_label[c] for c, n in counts.items() if n > 1]
    unserved: list[dict[str, Any]] = [
        {"order": instance.client_label[c], "reason": reason}
        for c, reason in sorted(instance.unserved.items())
    ]
    missing: list[str | int] = list(doubled)
    group_of = instance.group_of()
    served_in = [[c for c in group if c in counts] for group in instance.groups]
    for c in instance.active_clients():
        if c not in counts:
            if c in group_of or instance.prize[c] > 0:
                unserved.append(_left_out(instance, c, group_of, served_in))
            elif instance.optional:
                unserved.append(
                    {
                        "order": instance.client_label[c],
                        "reason": "no feasible route found for it with the fleet, capacities and windows",
                    }
                )
            elif c in group_of or not instance.is_required(c):
                unserved.append(_left_out(instance, c, group_of, served_in))
            else:
                missing.append(instance.client_label[c])
    groups_broken = [
        f"group {instance.group_name(g)} ({' '.join(str(instance.client_label[c]) for c in group)}): {len(served)} served, "
        "exactly one must be"
        for g, (group, served) in enumerate(zip(instance.groups, served_in, strict=True))
        if len(served) != 1
    ]
    collected = float(sum(float(instance.prize[c]) for c in counts))
    forgone = float(instance.prize.sum()) - collected
    exceeded = [v.name for v, n in zip(instance.vehicles, used, strict=True) if n > v.count]
    return RoutingResult(
        instance.name,
        solver,
        out,
        unserved,
        cost=float(sum(r.cost for r in out)) + forgone,
        distance=float(sum(r.distance for r in out)),
        runtime_s=runtime_s,
        seed=seed,
        workers=workers,
        iterations=iterations,
        missing_required=missing,
        fleet_exceeded=exceeded,
        distance_unit=instance.distance_unit,
        time_unit=instance.time_unit,
        prize_collected=collected,
        prize_forgone=forgone,
        group_violations=groups_broken,
    )


def _left_out(
    instance: Instance, c: int, group_of: dict[int, int], served_in: list[list[int]]
) -> dict[str, Any]:
    """The ``unserved`` entry of an optional client: why it may be left out, and the prize forgone."""
    prize = float(instance.prize[c])
    if c in group_of:
        g = group_of[c]
        chosen = " ".join(str(instance.client_label[k]) for k in served_in[g])
        reason = (
            f"group {instance.group_name(g)}: member {chosen} served instead"
            if chosen
            else f"group {instance.group_name(g)}: no member served"
        )
    else:
        reason = "optional client, not worth its detour"
    if prize:
        reason += f"; prize {prize:g} forgone"
    return {"order": instance.client_label[c], "reason": reason, "prize": prize}


def check_solution(
    instance: Instance, routes: Sequence[Sequence[int]], fleet: Sequence[int] | None = None
) -> RoutingResult:
    """Check a solution given as one list of visits per vehicle (as a VRPLIB ``.sol`` numbers its routes).

    Parameters
    ----------
    instance
        The instance.
    routes
        Visits per vehicle, in the :func:`evaluate` encoding; route ``k`` is driven by vehicle ``k``.
    fleet
        Vehicle type of each vehicle (default ``instance.fleet``, or type 0 for all when that is empty).

    Returns
    -------
    RoutingResult
        As :func:`evaluate` returns it.
    """
    fleet = list(fleet if fleet is not None else instance.fleet)
    typed = [(fleet[k] if k < len(fleet) else 0, list(visits)) for k, visits in enumerate(routes)]
    return evaluate(instance, typed, "check")
