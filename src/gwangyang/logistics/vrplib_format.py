"""Read VRPLIB instances in PyVRP's dialect: every specification and section is honoured, or refused by name.

Understood (see ``docs/logistics.md`` for the meaning of each):

- specifications ``NAME``, ``COMMENT``, ``TYPE``, ``DIMENSION``, ``VEHICLES``, ``CAPACITY``, ``EDGE_WEIGHT_TYPE``
  (``EUC_2D``, ``CEIL_2D``, ``EXPLICIT``), ``EDGE_WEIGHT_FORMAT``, ``NODE_COORD_TYPE``, ``DISPLAY_DATA_TYPE``,
  ``SERVICE_TIME``, ``RELEASE_TIME``, ``DISTANCE`` (a route length limit) and the uniform forms of the vehicle
  fields below;
- node sections ``NODE_COORD``, ``EDGE_WEIGHT``, ``DEMAND`` (or ``LINEHAUL``), ``BACKHAUL``, ``SERVICE_TIME``,
  ``TIME_WINDOW``, ``RELEASE_TIME``, ``PICKUP_AND_DELIVERY``, ``DEPOT``, ``DISPLAY_DATA``;
- vehicle sections (one row per vehicle) and their uniform specifications: ``CAPACITY``, ``VEHICLES_DEPOT``,
  ``VEHICLES_RELOAD_DEPOT``, ``VEHICLES_MAX_RELOADS``, ``VEHICLES_MAX_DURATION``, ``VEHICLES_MAX_DISTANCE``,
  ``VEHICLES_FIXED_COST``, ``VEHICLES_UNIT_DISTANCE_COST``.

- ``PRIZE_SECTION`` (``node prize``, one row per node): a client with a prize above 0 is optional, served for
  its prize (PyVRP's prize-collecting clients; a zero prize means required, as in PyVRP's reader);
- ``MUTUALLY_EXCLUSIVE_GROUP_SECTION`` (``group node node ...``): exactly one client of each group is served
  (its members are otherwise optional; a group of one member is no constraint and is dropped, as PyVRP does);
- ``VEHICLES_ALLOWED_CLIENTS_SECTION`` (``vehicle node node ...``, one row per vehicle): the clients that vehicle
  may serve (PyVRP gives each distinct set its own profile).

Refused with an error naming them: anything else. ``TYPE: VRPB`` adds the backhaul order (deliveries before
pickups on every trip). Vehicles with equal attributes become one vehicle type; ``Instance.fleet`` keeps the
file's numbering, so that a ``.sol`` file's ``Route #k`` is checked on vehicle ``k``.

The rounding of distances follows the convention of each family's best-known solutions (:data:`CONVENTIONS`).
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..errors import CorruptFileError
from .instance import Instance, Shipment, VehicleSpec
from .vrplib_choices import ALLOWED, read_allowed, read_groups, read_prizes
from .vrplib_sections import (
    MAX_COORDINATE,
    VEHICLE_SECTIONS,
    Reader,
    euclidean,
)
from .vrplib_sections import number as read_number

CONVENTIONS: dict[str, tuple[str, float]] = {
    "MDVRPTW": ("exact", 1e-3),
    "HFVRP": ("exact", 100.0),
    "MTVRPTWR": ("dimacs", 0.1),
    "VRPTW": ("dimacs", 0.1),
    "PCVRPTW": ("dimacs", 0.1),
}
"""``TYPE`` → (distance rounding, factor from the cost in a ``.sol`` file to ours), from the READMEs of PyVRP/Instances
(MIT): MDVRPTW (Vidal et al. 2013) and HFVRP (Pessoa et al. 2018, costs x 100 in the file) use unrounded distances
("exact": to 1/1000); MTVRPTWR (Yang 2023) and VRPTW use DIMACS (distances truncated to 1/10, ``.sol`` costs x 10).
Every other type: TSPLIB ``nint`` (Euclidean rounded to the nearest integer), ``.sol`` costs as they are. PCVRPTW
(prize-collecting, modified Gehring & Homberger): DIMACS, as PyVRP's benchmarking page (pyvrp.org/dev/benchmarking.html)
says its benchmark is rounded."""

NINT_TYPES = ("CVRP", "VRPB")
"""Types whose best-known solutions use TSPLIB ``nint`` distances (Uchoa et al. 2017's X set; Queiroga et al. 2020's
VRPB, made from it). Any other ``TYPE`` not in :data:`CONVENTIONS` is read with ``nint`` too, and the instance's
``notes`` say so (:func:`rounding_note`)."""


def rounding_note(kind: str, edge_weight_type: str) -> str | None:
    """A note for a ``TYPE`` whose rounding convention is not known here (None: known, or distances given)."""
    if kind in CONVENTIONS or kind in NINT_TYPES or edge_weight_type not in ("EUC_2D",):
        return None
    return (
        f"TYPE {kind}: no distance rounding convention is known here for this family; Euclidean distances were "
        "rounded to the nearest integer (TSPLIB nint, as CVRP), so costs may differ from the family's published ones"
    )


def _distances(
    r: Reader, order: list[int], coords: np.ndarray | None, convention: str
) -> tuple[np.ndarray, float]:
    """Distance matrix (in ``order``) rounded by the convention, and the scale that makes it integral."""
    kind = r.header.get("EDGE_WEIGHT_TYPE", "")
    if kind in ("EUC_2D", "CEIL_2D"):
        if coords is None:
            raise CorruptFileError(f"{r.path}: EDGE_WEIGHT_TYPE {kind} needs a NODE_COORD_SECTION")
        exact = euclidean(coords)
        if kind == "CEIL_2D":
            return np.ceil(exact - 1e-9), 1.0
        if convention == "exact":
            return np.round(exact * 1000) / 1000, 1000.0
        if convention == "dimacs":
            return np.floor(exact * 10 + 1e-9) / 10, 10.0
        return np.floor(exact + 0.5), 1.0
    if kind != "EXPLICIT":
        raise CorruptFileError(
            f"{r.path}: EDGE_WEIGHT_TYPE {kind or '(missing)'} not supported (EUC_2D, CEIL_2D, EXPLICIT)"
        )
    fmt = r.header.get("EDGE_WEIGHT_FORMAT", "")
    values = np.array(
        [
            read_number(r.path, "EDGE_WEIGHT_SECTION", v)
            for row in r.sections.get("EDGE_WEIGHT_SECTION", [])
            for v in row
        ]
    )
    n = r.n
    full = np.zeros((n, n))
    if fmt == "FULL_MATRIX":
        if values.size != n * n:
            raise CorruptFileError(
                f"{r.path}: EDGE_WEIGHT_SECTION has {values.size} numbers, expected {n * n}"
            )
        full = values.reshape(n, n)
    elif fmt in ("LOWER_ROW", "UPPER_ROW", "LOWER_DIAG_ROW", "UPPER_DIAG_ROW"):
        diag = fmt.endswith("DIAG_ROW")
        rows, cols = np.tril_indices(n, 0 if diag else -1)
        if fmt.startswith("UPPER"):
            rows, cols = np.triu_indices(n, 0 if diag else 1)
        if values.size != rows.size:
            raise CorruptFileError(
                f"{r.path}: EDGE_WEIGHT_SECTION has {values.size} numbers, expected {rows.size}"
            )
        full[rows, cols] = values
        full[cols, rows] = values
    else:
        raise CorruptFileError(f"{r.path}: EDGE_WEIGHT_FORMAT {fmt or '(missing)'} not supported")
    if (full < 0).any():
        raise CorruptFileError(f"{r.path}: EDGE_WEIGHT_SECTION: distances must be >= 0")
    position = {node: k for k, node in enumerate(r.ids)}
    perm = [position[i] for i in order]
    matrix = full[np.ix_(perm, perm)]
    integral = bool(np.all(matrix == np.round(matrix)))
    return (matrix, 1.0) if integral else (np.round(matrix * 1000) / 1000, 1000.0)


def read_vrplib(path: str | Path) -> Instance:
    """Read a VRPLIB instance in PyVRP's dialect (see the module's docstring).

    Raises
    ------
    CorruptFileError
        A missing, short, non-numeric, negative or non-finite value; an inconsistent numbering.
    InputError
        A section or specification the reader does not handle (named in the message).
    """
    path = Path(path)
    r = Reader(path)
    kind = r.header.get("TYPE", "CVRP").split()[0].upper() if r.header.get("TYPE") else "CVRP"
    convention = CONVENTIONS.get(kind, ("nint", 1.0))[0]
    depot_ids = [r.integer("DEPOT_SECTION", row[0]) for row in r.sections.get("DEPOT_SECTION", []) if row]
    depot_ids = [d for d in depot_ids if d != -1] or [r.ids[0]]
    if any(d not in r.known_ids for d in depot_ids) or len(set(depot_ids)) != len(depot_ids):
        raise CorruptFileError(f"{path}: DEPOT_SECTION must name distinct node numbers of the file")
    order = depot_ids + [i for i in r.ids if i not in depot_ids]
    nd = len(depot_ids)
    index = {node: k for k, node in enumerate(order)}
    clients = order[nd:]
    m = len(clients)

    coords = None
    if "NODE_COORD_SECTION" in r.sections:
        table = r.node_values("NODE_COORD_SECTION", 2, minimum=None)
        coords = np.array([table[i] for i in order])
        big = np.abs(coords) > MAX_COORDINATE
        if big.any():
            node = order[int(np.argwhere(big)[0][0])]
            raise CorruptFileError(
                f"{path}: NODE_COORD_SECTION node {node}: coordinates beyond +-{MAX_COORDINATE:g} are not supported"
            )
    elif "DISPLAY_DATA_SECTION" in r.sections:
        table = r.node_values("DISPLAY_DATA_SECTION", 2, minimum=None)
        coords = np.array([table[i] for i in order])
    distance, scale = _distances(r, order, coords if "NODE_COORD_SECTION" in r.sections else None, convention)
    if not np.isfinite(distance).all():
        raise CorruptFileError(f"{path}: distances are not finite numbers")

    demand_name = "DEMAND_SECTION" if "DEMAND_SECTION" in r.sections else "LINEHAUL_SECTION"
    dims = 1
    demand_by = {i: [0.0] for i in r.ids}
    if demand_name in r.sections:
        width = max(len(row) for row in r.sections[demand_name] if row) - 1
        dims = max(1, width)
        demand_by = r.node_values(demand_name, dims)
    pickup_by = r.node_values("BACKHAUL_SECTION", dims) if "BACKHAUL_SECTION" in r.sections else {}
    for d in depot_ids:
        if any(demand_by[d]) or any(pickup_by.get(d, [0.0])):
            raise CorruptFileError(f"{path}: depot node {d} has a demand; depots cannot")
    demand = np.array([demand_by[i] for i in clients], dtype=float).reshape(m, dims)
    pickup = np.array([pickup_by.get(i, [0.0] * dims) for i in clients], dtype=float).reshape(m, dims)

    service = np.zeros(m)
    if "SERVICE_TIME_SECTION" in r.sections:
        table = r.node_values("SERVICE_TIME_SECTION", 1)
        service = np.array([table[i][0] for i in clients])
    elif "SERVICE_TIME" in r.header:
        service = np.full(m, r.spec_number("SERVICE_TIME"))
    release = np.zeros(m)
    if "RELEASE_TIME_SECTION" in r.sections:
        table = r.node_values("RELEASE_TIME_SECTION", 1)
        release = np.array([table[i][0] for i in clients])
    elif "RELEASE_TIME" in r.header:
        release = np.full(m, r.spec_number("RELEASE_TIME"))
    tw = {i: [0.0, math.inf] for i in r.ids}
    if "TIME_WINDOW_SECTION" in r.sections:
        tw = r.node_values("TIME_WINDOW_SECTION", 2)
        bad = [i for i in r.ids if tw[i][1] < tw[i][0]]
        if bad:
            raise CorruptFileError(
                f"{path}: TIME_WINDOW_SECTION node {bad[0]}: window closes before it opens"
            )

    shipments: list[Shipment] = []
    if "PICKUP_AND_DELIVERY_SECTION" in r.sections:
        if "TIME_WINDOW_SECTION" in r.sections or "SERVICE_TIME_SECTION" in r.sections:
            raise CorruptFileError(
                f"{path}: PICKUP_AND_DELIVERY_SECTION gives windows and service times; "
                "TIME_WINDOW_SECTION or SERVICE_TIME_SECTION may not give them again"
            )
        shipments = _pairs(r, depot_ids, index, tw, service, demand, dims)

    prize = read_prizes(r, depot_ids, clients)
    named_groups = (
        read_groups(r, depot_ids, index) if "MUTUALLY_EXCLUSIVE_GROUP_SECTION" in r.sections else {}
    )
    groups = list(named_groups.values())
    grouped = {c for g in groups for c in g}
    required = np.array([prize[c] == 0 and c not in grouped for c in range(m)], dtype=bool)

    if r.header.get("VEHICLES"):
        count = int(r.spec_number("VEHICLES", 1))
    else:
        given = [s for s in sorted(VEHICLE_SECTIONS) if s in r.sections]
        if not given and ALLOWED in r.sections:
            given = [ALLOWED]
        count = len([row for row in r.sections[given[0]] if row]) if given else max(1, m)
    total = float((demand.sum(axis=0) + pickup.sum(axis=0)).max()) if m else 0.0
    for s in shipments:
        total += max(s.amount)
    capacity = r.vehicle_values("CAPACITY", count, None)
    if not capacity[0]:
        if total > 0:
            raise CorruptFileError(f"{path}: missing CAPACITY (or CAPACITY_SECTION) for the demands")
        capacity = [[1.0] * dims] * count
    capacity = [c * dims if len(c) == 1 else c for c in capacity]
    if any(len(c) != dims for c in capacity):
        raise CorruptFileError(f"{path}: CAPACITY needs {dims} number(s) per vehicle, one per demand column")
    depots = r.vehicle_values("VEHICLES_DEPOT", count, lambda: [float(depot_ids[0])])
    reloads = r.vehicle_values("VEHICLES_RELOAD_DEPOT", count, list)
    max_reloads = r.vehicle_values("VEHICLES_MAX_RELOADS", count, lambda: [math.inf])
    max_duration = r.vehicle_values("VEHICLES_MAX_DURATION", count, lambda: [math.inf])
    dist_spec = r.spec_number("DISTANCE") if "DISTANCE" in r.header else math.inf
    max_distance = r.vehicle_values("VEHICLES_MAX_DISTANCE", count, lambda: [dist_spec])
    fixed = r.vehicle_values("VEHICLES_FIXED_COST", count, lambda: [0.0])
    unit = r.vehicle_values("VEHICLES_UNIT_DISTANCE_COST", count, lambda: [1.0])
    allowed = read_allowed(r, count, depot_ids, index) if ALLOWED in r.sections else [None] * count
    if ALLOWED in r.sections:
        anyone = set().union(*(a if a is not None else range(m) for a in allowed))
        lost = [c for c in range(m) if c not in anyone and required[c]]
        if lost:
            raise CorruptFileError(
                f"{path}: {ALLOWED}: node {clients[lost[0]]} must be served but no vehicle may visit it"
            )

    def depot_index(where: str, value: float) -> int:
        node = int(value)
        if node not in depot_ids:
            raise CorruptFileError(f"{path}: {where} names node {node}, which is not in DEPOT_SECTION")
        return index[node]

    def vehicle(k: int) -> VehicleSpec:
        depot = depot_index(f"VEHICLES_DEPOT vehicle {k + 1}", depots[k][0])
        return VehicleSpec(
            name="",
            count=1,
            capacity=tuple(capacity[k]),
            fixed_cost=fixed[k][0],
            cost_per_distance=unit[k][0],
            start_depot=depot,
            end_depot=depot,
            max_duration=max_duration[k][0],
            max_distance=max_distance[k][0],
            reload_depots=tuple(depot_index(f"VEHICLES_RELOAD_DEPOT vehicle {k + 1}", d) for d in reloads[k]),
            max_reloads=None if math.isinf(max_reloads[k][0]) else int(max_reloads[k][0]),
            allowed_clients=allowed[k],
        )

    types: dict[VehicleSpec, int] = {}
    fleet = [types.setdefault(spec, len(types)) for spec in (vehicle(k) for k in range(count))]
    vehicles = [
        replace(
            spec,
            name=f"type {t + 1}: capacity {'/'.join(f'{c:g}' for c in spec.capacity)}, depot {order[spec.start_depot]}"
            + ("" if spec.allowed_clients is None else f", {len(spec.allowed_clients)} clients allowed"),
            count=fleet.count(t),
        )
        for spec, t in types.items()
    ]

    for c in range(m):
        if not any(
            (demand[c] <= np.asarray(v.capacity) + 1e-9).all()
            and (pickup[c] <= np.asarray(v.capacity) + 1e-9).all()
            for v in vehicles
        ):
            most = max(max(v.capacity) for v in vehicles)
            raise CorruptFileError(
                f"{path}: node {clients[c]} demands more than CAPACITY {most:g} of every vehicle"
            )
    for pair in shipments:
        if not any((np.asarray(pair.amount) <= np.asarray(v.capacity) + 1e-9).all() for v in vehicles):
            raise CorruptFileError(
                f"{path}: pickup node {clients[pair.pickup]} carries more than the capacity of every vehicle"
            )
    depot_tw = np.array([tw[d] for d in depot_ids], dtype=float)
    integral = all(float(x).is_integer() for x in np.concatenate([demand.ravel(), pickup.ravel()]))
    return Instance(
        name=r.header.get("NAME", path.stem),
        source="vrplib",
        location_names=[str(i) for i in order],
        coordinates=coords if coords is not None else np.zeros((r.n, 2)),
        num_depots=nd,
        distance=distance,
        duration=distance.copy(),
        client_location=np.arange(nd, r.n),
        client_label=list(clients),
        demand=demand,
        service=service,
        tw_early=np.array([tw[i][0] for i in clients], dtype=float),
        tw_late=np.array([tw[i][1] for i in clients], dtype=float),
        vehicles=vehicles,
        depot_tw=depot_tw,
        dimensions=("demand",) if dims == 1 else tuple(f"demand{d + 1}" for d in range(dims)),
        distance_scale=scale,
        duration_scale=scale,
        demand_scale=scale if integral else max(scale, 1000.0),
        pickup=pickup,
        release=release,
        shipments=shipments,
        backhauls_last=kind == "VRPB",
        fleet=fleet,
        convention=convention,
        prize=prize,
        required=required,
        groups=groups,
        group_names=list(named_groups),
        notes=[note] if (note := rounding_note(kind, r.header.get("EDGE_WEIGHT_TYPE", ""))) else [],
    )


def _pairs(
    r: Reader,
    depot_ids: list[int],
    index: dict[int, int],
    tw: dict[int, list[float]],
    service: np.ndarray,
    demand: np.ndarray,
    dims: int,
) -> list[Shipment]:
    """Pickup-delivery pairs of ``PICKUP_AND_DELIVERY_SECTION``.

    Rows are ``node demand early late service pickup delivery``, the siblings by node number (0: none); windows and
    service times are written into ``tw`` and ``service``.
    """
    name = "PICKUP_AND_DELIVERY_SECTION"
    rows = r.node_values(name, 6, minimum=None)
    nd = len(depot_ids)
    shipments: list[Shipment] = []
    for node, (amount, early, late, serve, pick, deliver) in rows.items():
        where = f"{r.path}: {name} node {node}"
        if min(early, late, serve, pick, deliver) < 0 or late < early:
            raise CorruptFileError(f"{where}: windows, service and siblings must be >= 0, the window ordered")
        tw[node] = [early, late]
        if node in depot_ids:
            continue
        service[index[node] - nd] = serve
        if demand[index[node] - nd].any():
            raise CorruptFileError(f"{where}: also has a DEMAND_SECTION demand")
        if pick == 0 and deliver > 0:
            partner = rows.get(int(deliver))
            if partner is None or int(partner[4]) != node:
                raise CorruptFileError(
                    f"{where}: its delivery node {int(deliver)} does not name it as its pickup"
                )
            if amount < 0:
                raise CorruptFileError(f"{where}: a pickup's demand must be >= 0")
            shipments.append(Shipment(index[node] - nd, index[int(deliver)] - nd, (amount,) * dims))
        elif deliver == 0 and pick > 0:
            partner = rows.get(int(pick))
            if partner is None or int(partner[5]) != node:
                raise CorruptFileError(
                    f"{where}: its pickup node {int(pick)} does not name it as its delivery"
                )
        else:
            raise CorruptFileError(f"{where}: is neither a pickup (0, delivery) nor a delivery (pickup, 0)")
    return shipments
