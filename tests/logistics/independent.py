"""Independent checks for routing tests: parse the raw benchmark files with plain Python and re-score routes.

Nothing here uses gwangyang's readers or evaluator, so a test that passes both agrees with a second route.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path


def parse_vrp(path: Path) -> tuple[int, dict[int, tuple[float, float]], dict[int, int], int]:
    """Capacity, node coordinates, demands and the depot node of a VRPLIB EUC_2D CVRP file."""
    coords: dict[int, tuple[float, float]] = {}
    demand: dict[int, int] = {}
    capacity, depot, section = 0, 1, ""
    for line in path.read_text().splitlines():
        parts = line.split()
        if not parts:
            continue
        if parts[0].startswith("CAPACITY"):
            capacity = int(parts[-1])
        elif parts[0].endswith("_SECTION"):
            section = parts[0]
        elif parts[0] == "EOF":
            break
        elif section == "NODE_COORD_SECTION":
            coords[int(parts[0])] = (float(parts[1]), float(parts[2]))
        elif section == "DEMAND_SECTION":
            demand[int(parts[0])] = int(parts[1])
        elif section == "DEPOT_SECTION" and parts[0] != "-1":
            depot = int(parts[0])
    return capacity, coords, demand, depot


def check_cvrp(path: Path, routes: list[list[int]]) -> int:
    """Assert each route is within capacity and every customer is visited once; return the TSPLIB EUC_2D cost."""
    capacity, coords, demand, depot = parse_vrp(path)
    seen = [node for route in routes for node in route]
    assert sorted(seen) == sorted(n for n in coords if n != depot), "each customer exactly once"
    cost = 0
    for route in routes:
        assert sum(demand[n] for n in route) <= capacity, f"route over capacity: {route}"
        path_nodes = [depot, *route, depot]
        for a, b in itertools.pairwise(path_nodes):
            (xa, ya), (xb, yb) = coords[a], coords[b]
            cost += int(math.sqrt((xa - xb) ** 2 + (ya - yb) ** 2) + 0.5)  # TSPLIB nint
    return cost


def check_solomon(path: Path, routes: list[list[int]]) -> float:
    """Assert capacity, fleet size, every window (arrive by the due date, wait if early) and the depot's closing
    time on exact Euclidean times; return the total distance."""
    lines = path.read_text().splitlines()
    vehicles, capacity = (int(v) for v in lines[4].split())
    rows = {}
    for line in lines[9:]:
        parts = line.split()
        if len(parts) == 7:
            number, x, y, q, ready, due, service = (float(v) for v in parts)
            rows[int(number)] = (x, y, q, ready, due, service)
    assert len(routes) <= vehicles
    assert sorted(n for r in routes for n in r) == sorted(n for n in rows if n != 0)

    def dist(a: int, b: int) -> float:
        return math.hypot(rows[a][0] - rows[b][0], rows[a][1] - rows[b][1])

    total = 0.0
    for route in routes:
        assert sum(rows[n][2] for n in route) <= capacity
        t, here = 0.0, 0
        for n in route:
            t += dist(here, n)
            assert t <= rows[n][4] + 1e-9, f"customer {n} reached at {t} after due {rows[n][4]}"
            t = max(t, rows[n][3]) + rows[n][5]
            total += dist(here, n)
            here = n
        t += dist(here, 0)
        total += dist(here, 0)
        assert t <= rows[0][4] + 1e-9, "back at the depot after it closes"
    return total
