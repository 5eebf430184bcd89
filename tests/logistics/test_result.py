"""The evaluator on a hand-made line instance where every number is worked out by hand."""

from __future__ import annotations

import numpy as np

from gwangyang.logistics.check import evaluate
from gwangyang.logistics.instance import Instance, VehicleSpec


def line_instance(optional: bool = False) -> Instance:
    # Depot at 0, clients at 10 and 20 on a line; travel time equals distance.
    pos = np.array([0.0, 10.0, 20.0])
    distance = np.abs(pos[:, None] - pos[None, :])
    return Instance(
        name="line",
        source="problem",
        location_names=["D", "A", "B"],
        coordinates=np.column_stack([pos, pos * 0]),
        num_depots=1,
        distance=distance,
        duration=distance.copy(),
        client_location=np.array([1, 2]),
        client_label=["a", "b"],
        demand=np.array([[3.0], [4.0]]),
        service=np.array([5.0, 5.0]),
        tw_early=np.array([30.0, 0.0]),
        tw_late=np.array([40.0, 50.0]),
        vehicles=[
            VehicleSpec(
                "truck", 1, (6.0,), fixed_cost=100.0, cost_per_distance=2.0, shift_start=0, shift_end=100
            )
        ],
        depot_tw=np.array([[0.0, np.inf]]),
        optional=optional,
    )


def test_schedule_loads_and_cost_by_hand() -> None:
    result = evaluate(line_instance(), [(0, [0, 1])], "hand")
    route = result.routes[0]
    # Leave at 20 to reach a at 30 (its opening); serve 30-35; reach b at 45 <= 50, leave 50; back at 70.
    assert [(s.arrival, s.start, s.departure) for s in route.stops] == [
        (30.0, 30.0, 35.0),
        (45.0, 45.0, 50.0),
    ]
    assert (route.start_time, route.end_time, route.duration) == (20.0, 70.0, 50.0)
    assert route.distance == 40.0
    assert result.cost == 100.0 + 2.0 * 40.0
    # Load 3 + 4 = 7 exceeds the capacity 6.
    assert route.load == (7.0,)
    assert not route.is_feasible() and not result.is_feasible()


def test_lateness_missing_and_fleet() -> None:
    result = evaluate(line_instance(), [(0, [1, 0])], "hand")
    stops = result.routes[0].stops
    # b first: leave at 0 (b opens at 0), arrive 20, leave 25; reach a at 35, inside 30..40: on time.
    assert [s.lateness for s in stops] == [0.0, 0.0]
    late = evaluate(line_instance(), [(0, [1]), (0, [0])], "hand")
    assert late.fleet_exceeded == ["truck"]  # two routes, one truck
    missing = evaluate(line_instance(), [(0, [1])], "hand")
    assert missing.missing_required == ["a"] and not missing.is_feasible()
    optional = evaluate(line_instance(optional=True), [(0, [1])], "hand")
    assert optional.unserved[0]["order"] == "a" and optional.is_feasible()


def test_to_dict_is_json_ready() -> None:
    import json

    d = evaluate(line_instance(), [(0, [1, 0])], "hand").to_dict()
    assert d["routes"] == [["b", "a"]] and d["feasible"] is False
    json.dumps(d, allow_nan=False)
