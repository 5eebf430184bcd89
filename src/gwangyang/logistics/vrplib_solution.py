"""VRPLIB ``.sol`` files: read one (routes and cost), map its routes to an instance's visits, write one."""

from __future__ import annotations

import math
import re
from pathlib import Path

from ..errors import CorruptFileError, InputError
from ..files import read_text
from .instance import Instance
from .result import RoutingResult
from .vrplib_sections import number as read_number


def read_solution(path: str | Path) -> tuple[list[list[int]], float]:
    """Routes (as written: location numbers from 0, depots first) and the cost of a VRPLIB ``.sol`` file."""
    path = Path(path)
    routes: list[list[int]] = []
    cost = math.nan
    for raw in read_text(path, "VRPLIB solution file").splitlines():
        line = raw.strip()
        if line.lower().startswith("route"):
            head, colon, visits = line.partition(":")
            try:
                if not colon:
                    raise ValueError(head)
                routes.append([int(v) for v in visits.split()])
            except ValueError as exc:
                raise CorruptFileError(
                    f"{path}: route line {raw[:40]!r}: expected 'Route #k:' and location numbers"
                ) from exc
        elif re.match(r"^cost\b", line, re.IGNORECASE):  # 'Cost 27591', 'cost: 1234.5', 'COST = 12'
            fields = re.sub(r"[:=]", " ", line).split()
            cost = read_number(path, "Cost", fields[1] if len(fields) > 1 else "")
    if not routes or math.isnan(cost):
        raise CorruptFileError(f"{path}: expected 'Route #k: ...' lines and a 'Cost N' line")
    return routes, cost


def solution_visits(instance: Instance, routes: list[list[int]]) -> list[list[int]]:
    """A ``.sol`` file's routes in the checker's encoding.

    Location ``k`` is the file's node ``k + 1``; a depot inside a route is a reload there (see
    :func:`gwangyang.logistics.route_check.reload_visit`).
    """
    where: dict[int, int] = {}
    for loc, name in enumerate(instance.location_names):
        where[int(name) - 1] = loc
    client_at = {int(loc): c for c, loc in enumerate(instance.client_location)}
    out: list[list[int]] = []
    for route in routes:
        visits = []
        for number in route:
            if number not in where:
                raise InputError(
                    f"{instance.name}: solution visits location {number}, which the instance lacks"
                )
            loc = where[number]
            visits.append(-1 - loc if loc < instance.num_depots else client_at[loc])
        out.append(visits)
    return out


def write_solution(
    result: RoutingResult, instance: Instance, path: str | Path, cost_factor: float = 1.0
) -> None:
    """Write a result as a VRPLIB ``.sol`` file that :func:`read_solution` and :func:`solution_visits` read back.

    ``Route #k`` is the file's vehicle ``k`` (``instance.fleet``; a vehicle without a route gets an empty line when
    a later one has a route), its visits location numbers from 0 (the file's node numbers less one; a reload is its
    depot's number). Clients left unserved simply do not appear. ``Cost`` is ``result.cost`` (with prizes: route costs
    plus prizes forgone, PyVRP's objective) divided by ``cost_factor`` (the family's ``.sol`` factor,
    :data:`CONVENTIONS`).
    """
    if instance.source != "vrplib":
        raise InputError(
            f"{instance.name}: a .sol file numbers VRPLIB nodes; this instance is from {instance.source}"
        )
    fleet = instance.fleet or [0] * sum(v.count for v in instance.vehicles)
    type_of = {v.name: t for t, v in enumerate(instance.vehicles)}
    lines: dict[int, str] = {}
    for route in result.routes:
        t = type_of[route.vehicle_type]
        vehicle = [k for k, kind in enumerate(fleet) if kind == t][route.vehicle_index]
        numbers = [
            int(
                instance.location_names[
                    -1 - s.client if s.client < 0 else int(instance.client_location[s.client])
                ]
            )
            - 1
            for s in route.stops
        ]
        lines[vehicle] = " ".join(map(str, numbers))
    last = max(lines, default=-1)
    text = [f"Route #{k + 1}: {lines.get(k, '')}".rstrip() for k in range(last + 1)]
    text.append(f"Cost {result.cost / cost_factor:.10g}")
    Path(path).write_text("\n".join(text) + "\n", encoding="utf-8")
