"""The OR-Tools routing baseline: the same instance, the same integer data, guided local search to a time limit."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import Any

from ..errors import InputError
from .check import evaluate
from .instance import Instance
from .integers import BIG, to_integers
from .protocol import Progress, ProgressCallback, check_limits
from .result import RoutingResult


def refuse(instance: Instance) -> None:
    """Raise :class:`InputError` for the constraints this baseline does not model, rather than ignore them."""
    features = {
        "reloads": any(v.reload_depots for v in instance.vehicles),
        "pickup-delivery pairs": bool(instance.shipments),
        "backhauls": bool(instance.pickup.any()),
        "release times": bool((instance.release > 0).any()),
        "duration or distance limits": any(
            math.isfinite(v.max_duration) or math.isfinite(v.max_distance) for v in instance.vehicles
        ),
        "duration costs or breaks": any(v.unit_duration_cost or v.break_duration for v in instance.vehicles),
        "prizes, client groups or allowed clients": instance.has_choices,
    }
    missing = [name for name, present in features.items() if present]
    if missing:
        raise InputError(
            f"{instance.name}: the ortools baseline does not model {', '.join(missing)}; use --solver pyvrp"
        )


class ORToolsSolver:
    """OR-Tools' routing solver (path-cheapest-arc start, guided local search), on one core."""

    name = "ortools"

    def solve(
        self, instance: Instance, time_limit: float, seed: int = 0, callbacks: Sequence[ProgressCallback] = ()
    ) -> RoutingResult:
        """Solve ``instance`` within ``time_limit`` seconds; ``seed`` is recorded (the search is deterministic)."""
        from ortools.constraint_solver import pywrapcp, routing_enums_pb2

        check_limits(time_limit, seed)
        refuse(instance)
        start = time.monotonic()
        ints = to_integers(instance)
        if not ints.clients:
            return evaluate(instance, [], self.name, seed=seed)
        # Nodes: the depots, then one node per routed client.
        node_loc = list(range(instance.num_depots)) + [int(instance.client_location[c]) for c in ints.clients]
        owner = [t for t, v in enumerate(instance.vehicles) for _ in range(v.count)]
        starts = [instance.vehicles[t].start_depot for t in owner]
        ends = [instance.vehicles[t].end_depot for t in owner]
        manager = pywrapcp.RoutingIndexManager(len(node_loc), len(owner), starts, ends)
        routing = pywrapcp.RoutingModel(manager)
        nd = instance.num_depots

        def node(index: int) -> int:
            return int(manager.IndexToNode(index))

        dist = ints.distance
        costs: dict[int, int] = {}
        for t in set(owner):
            unit = ints.unit_cost[t]
            costs[t] = routing.RegisterTransitCallback(
                lambda i, j, unit=unit: unit * int(dist[node_loc[node(i)], node_loc[node(j)]])
            )
        for vehicle, t in enumerate(owner):
            routing.SetArcCostEvaluatorOfVehicle(costs[t], vehicle)
            routing.SetFixedCostOfVehicle(ints.fixed_cost[t], vehicle)
        for dim in range(instance.num_dimensions):
            demand = [0] * nd + [int(q) for q in ints.demand[:, dim]]
            callback = routing.RegisterUnaryTransitCallback(lambda i, demand=demand: demand[node(i)])
            routing.AddDimensionWithVehicleCapacity(
                callback, 0, [ints.capacity[t][dim] for t in owner], True, f"load{dim}"
            )
        if instance.has_time_windows:
            self._time_dimension(routing, manager, instance, ints, node_loc, owner)
        if instance.optional:
            for k in range(len(ints.clients)):
                routing.AddDisjunction([manager.NodeToIndex(nd + k)], ints.prize)
        params = pywrapcp.DefaultRoutingSearchParameters()
        # Insertion builds a first solution far more reliably than a path heuristic when windows are tight.
        strategy = "PARALLEL_CHEAPEST_INSERTION" if instance.has_time_windows else "PATH_CHEAPEST_ARC"
        params.first_solution_strategy = getattr(routing_enums_pb2.FirstSolutionStrategy, strategy)
        params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
        remaining = max(0.01, time_limit - (time.monotonic() - start) - 0.05)
        params.time_limit.FromMilliseconds(max(1, int(remaining * 1000)))

        def on_solution() -> None:
            event = Progress(
                time.monotonic() - start, time_limit, routing.CostVar().Max() / ints.cost_scale, True
            )
            for callback in callbacks:
                callback(event)

        if callbacks:
            routing.AddAtSolutionCallback(on_solution)
        solution = routing.SolveWithParameters(params)
        routes: list[tuple[int, list[int]]] = []
        if solution is not None:
            for vehicle, t in enumerate(owner):
                index = routing.Start(vehicle)
                visits = []
                while not routing.IsEnd(index):
                    n = node(index)
                    if n >= nd:
                        visits.append(ints.clients[n - nd])
                    index = solution.Value(routing.NextVar(index))
                routes.append((t, visits))
        return evaluate(instance, routes, self.name, time.monotonic() - start, seed)

    @staticmethod
    def _time_dimension(
        routing: Any, manager: Any, instance: Instance, ints: Any, node_loc: list[int], owner: list[int]
    ) -> None:
        nd = instance.num_depots
        service = [0] * nd + [int(s) for s in ints.service]
        duration = ints.duration

        def transit(i: int, j: int) -> int:
            a, b = manager.IndexToNode(i), manager.IndexToNode(j)
            return int(service[a] + duration[node_loc[a], node_loc[b]])

        callback = routing.RegisterTransitCallback(transit)
        ends = (
            [s[1] for s in ints.shift]
            + [int(v) for v in ints.depot_tw[:, 1]]
            + [int(v) for v in ints.tw_late]
        )
        horizon = max([v for v in ends if v < BIG], default=0) + 2 * int(duration.max()) + max(service) + 1
        routing.AddDimension(callback, horizon, horizon, False, "time")
        dimension = routing.GetDimensionOrDie("time")
        for k in range(len(ints.clients)):
            index = manager.NodeToIndex(nd + k)
            dimension.CumulVar(index).SetRange(int(ints.tw_early[k]), min(int(ints.tw_late[k]), horizon))
        for vehicle, t in enumerate(owner):
            early, late = ints.shift[t]
            d_start, d_end = instance.vehicles[t].start_depot, instance.vehicles[t].end_depot
            dimension.CumulVar(routing.Start(vehicle)).SetRange(
                max(early, int(ints.depot_tw[d_start, 0])), min(late, int(ints.depot_tw[d_start, 1]), horizon)
            )
            dimension.CumulVar(routing.End(vehicle)).SetRange(
                max(early, int(ints.depot_tw[d_end, 0])), min(late, int(ints.depot_tw[d_end, 1]), horizon)
            )
