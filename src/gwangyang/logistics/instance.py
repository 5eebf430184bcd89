"""The solver-neutral routing instance: locations, matrices, clients and vehicle types as arrays.

Every input (our problem file, a VRPLIB ``.vrp``, a Solomon ``.txt``) becomes an :class:`Instance`; both
solvers read it, and :func:`gwangyang.logistics.result.evaluate` scores any set of routes against it.
Locations ``0 .. num_depots - 1`` are the depots; each client sits at one location.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import InputError


@dataclass(frozen=True)
class VehicleSpec:
    """One vehicle type as the solvers see it.

    Parameters
    ----------
    name
        Type name.
    count
        Vehicles available.
    capacity
        Capacity per load dimension, in the instance's quantity units.
    fixed_cost, cost_per_distance
        Cost of using one vehicle, and per unit of distance.
    start_depot, end_depot
        Depot location indices.
    shift_start, shift_end
        Earliest departure and latest return, in the instance's time unit.
    max_duration
        Longest route (return time less departure time, waiting included); ``inf``: no limit.
    max_distance
        Longest route distance; ``inf``: no limit.
    reload_depots
        Depots where the vehicle may reload between trips (multi-trip); empty: one trip.
    max_reloads
        Most reloads per route; ``None``: no limit beyond ``reload_depots``.
    unit_duration_cost
        Cost per time unit of route duration (a driver's wage).
    max_overtime, unit_overtime_cost
        Time a route may run beyond ``max_duration``, and the extra cost per time unit of it.
    break_duration
        A break the driver must take during the route: it adds to the route's duration (and so counts against
        ``max_duration`` and is paid), and is taken while the truck waits or, failing that, at the depot.
    allowed_clients
        The clients (indices) this type may serve; ``None``: every client (VRPLIB's
        ``VEHICLES_ALLOWED_CLIENTS_SECTION``).
    """

    name: str
    count: int
    capacity: tuple[float, ...]
    fixed_cost: float = 0.0
    cost_per_distance: float = 1.0
    start_depot: int = 0
    end_depot: int = 0
    shift_start: float = 0.0
    shift_end: float = float("inf")
    max_duration: float = float("inf")
    max_distance: float = float("inf")
    reload_depots: tuple[int, ...] = ()
    max_reloads: int | None = None
    unit_duration_cost: float = 0.0
    max_overtime: float = 0.0
    unit_overtime_cost: float = 0.0
    break_duration: float = 0.0
    allowed_clients: tuple[int, ...] | None = None


@dataclass(frozen=True)
class Shipment:
    """A pickup-delivery pair: ``amount`` is loaded at client ``pickup`` and unloaded at client ``delivery``.

    Both ends are clients of the instance (with their own location, window and service time, and no demand of
    their own); one vehicle must visit the pickup, then later on the same route the delivery.
    """

    pickup: int
    delivery: int
    amount: tuple[float, ...]


@dataclass
class Instance:
    """A routing instance in matrix form.

    Parameters
    ----------
    name
        Instance name.
    source
        ``"problem"`` (our file), ``"vrplib"`` or ``"solomon"``.
    location_names
        One name per location, depots first.
    coordinates
        ``(n, 2)`` array: (latitude, longitude) when ``geographic``, else planar (x, y).
    num_depots
        Number of depot locations at the front.
    distance, duration
        ``(n, n)`` matrices in the instance's distance and time units.
    client_location
        Location index of each client.
    client_label
        What each client is called in output: an order id, or the file's node number.
    demand
        ``(num_clients, num_dimensions)`` quantities delivered (loaded at the depot, dropped at the client).
    service, tw_early, tw_late
        Service time and time window of each client.
    vehicles
        The vehicle types.
    depot_tw
        ``(num_depots, 2)`` opening window of each depot.
    dimensions
        Names of the load dimensions.
    distance_scale, duration_scale, demand_scale
        Factors that turn distances, times and quantities into the integers the solvers use.
    ceil_durations
        Round scaled durations up, so that a schedule feasible for the solver is feasible on the exact times.
    optional
        Clients may be left unserved at a penalty (reported as unserved with a reason).
    unserved
        Clients screened out before solving: client index → reason.
    geographic
        Coordinates are latitude/longitude.
    distance_unit, time_unit
        Names of the units, for display.
    pickup
        ``(num_clients, num_dimensions)`` quantities picked up at each client and carried back to a depot
        (backhauls); zeros when not given.
    release
        Release time of each client: a trip that serves it cannot leave its depot earlier; zeros when not given.
    shipments
        Pickup-delivery pairs (see :class:`Shipment`).
    backhauls_last
        On every trip, no delivery client after a pickup client, and a trip does not start with a pickup
        (the classical VRP with backhauls).
    fleet
        Vehicle type of each vehicle as the source file numbers them (for reading the file's solutions).
    convention
        How the source's distances were rounded (``"nint"``, ``"exact"``: to 1/1000, ``"dimacs"``: truncated to 1/10,
        ``"none"``).
    notes
        What the reader assumed where the file did not say (e.g. a rounding convention for an unknown ``TYPE``):
        shown with every result of the instance.
    prize
        Prize of each client, in cost units, collected when it is served (VRPLIB's ``PRIZE_SECTION``); zeros when
        not given. The objective is then PyVRP's: route costs plus the prizes of the clients left unserved.
    required
        Whether each client must be served; ``None``: all of them (unless ``optional``). A client with a prize, or
        in a group, is not required on its own.
    groups
        Client groups of which exactly one member is served (VRPLIB's ``MUTUALLY_EXCLUSIVE_GROUP_SECTION``,
        PyVRP's required ``ClientGroup``); a client is in at most one group.
    group_names
        The name of each group as its file writes it (a problem file's ``group``, a VRPLIB group's number), for
        the messages; empty: the groups are numbered from 1.
    """

    name: str
    source: str
    location_names: list[str]
    coordinates: np.ndarray
    num_depots: int
    distance: np.ndarray
    duration: np.ndarray
    client_location: np.ndarray
    client_label: list[str | int]
    demand: np.ndarray
    service: np.ndarray
    tw_early: np.ndarray
    tw_late: np.ndarray
    vehicles: list[VehicleSpec]
    depot_tw: np.ndarray
    dimensions: tuple[str, ...] = ("demand",)
    distance_scale: float = 1.0
    duration_scale: float = 1.0
    demand_scale: float = 1.0
    ceil_durations: bool = False
    optional: bool = False
    unserved: dict[int, str] = field(default_factory=dict)
    geographic: bool = False
    distance_unit: str = "unit"
    time_unit: str = "unit"
    pickup: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    release: np.ndarray = field(default_factory=lambda: np.zeros(0))
    shipments: list[Shipment] = field(default_factory=list)
    backhauls_last: bool = False
    fleet: list[int] = field(default_factory=list)
    convention: str = "none"
    prize: np.ndarray = field(default_factory=lambda: np.zeros(0))
    required: np.ndarray | None = None
    groups: list[tuple[int, ...]] = field(default_factory=list)
    group_names: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.pickup.size == 0:
            self.pickup = np.zeros_like(self.demand, dtype=float)
        if self.release.size == 0:
            self.release = np.zeros(len(self.client_location))
        if self.prize.size == 0:
            self.prize = np.zeros(len(self.client_location))
        if self.required is None:
            self.required = np.full(len(self.client_location), not self.optional)
        n = len(self.location_names)
        if self.distance.shape != (n, n) or self.duration.shape != (n, n):
            raise InputError(f"{self.name}: distance and duration matrices must be {n} x {n}")
        m = len(self.client_location)
        for label, arr in (
            ("demand", self.demand),
            ("service", self.service),
            ("tw_early", self.tw_early),
            ("tw_late", self.tw_late),
            ("pickup", self.pickup),
            ("release", self.release),
            ("prize", self.prize),
            ("required", self.required),
        ):
            if len(arr) != m:
                raise InputError(f"{self.name}: {label} has {len(arr)} entries for {m} clients")
        if not self.vehicles:
            raise InputError(f"{self.name}: no vehicle types")
        paired = [c for s in self.shipments for c in (s.pickup, s.delivery)]
        if len(set(paired)) != len(paired):
            raise InputError(f"{self.name}: a client belongs to more than one pickup-delivery pair")
        for s in self.shipments:
            for c in (s.pickup, s.delivery):
                if not 0 <= c < m:
                    raise InputError(f"{self.name}: pickup-delivery pair names client {c} of {m}")
                if self.demand[c].any() or self.pickup[c].any():
                    raise InputError(
                        f"{self.name}: client {self.client_label[c]} is one end of a pickup-delivery pair "
                        "and has its own demand"
                    )

        self._check_choices(m)

    def _check_choices(self, m: int) -> None:
        """Prizes, groups and allowed clients: in range, a client in one group at most, no pair end among them."""
        if not np.all(np.isfinite(self.prize)) or (self.prize < 0).any():
            raise InputError(f"{self.name}: prizes must be finite and >= 0")
        paired = set(self.paired())
        prized = [c for c in paired if self.prize[c] > 0]
        if prized:
            raise InputError(
                f"{self.name}: client {self.client_label[prized[0]]} is one end of a pickup-delivery pair and has a prize"
            )
        seen: set[int] = set()
        for k, group in enumerate(self.groups, start=1):
            for c in group:
                if not 0 <= c < m:
                    raise InputError(f"{self.name}: group {k} names client {c} of {m}")
                if c in seen:
                    raise InputError(f"{self.name}: client {self.client_label[c]} is in more than one group")
                if c in paired:
                    raise InputError(
                        f"{self.name}: client {self.client_label[c]} is in a group and one end of a pickup-delivery pair"
                    )
                seen.add(c)
        for v in self.vehicles:
            if v.allowed_clients is not None:
                if not v.allowed_clients:
                    raise InputError(f"{self.name}: vehicle type {v.name} may serve no client")
                bad = [c for c in v.allowed_clients if not 0 <= c < m]
                if bad:
                    raise InputError(f"{self.name}: vehicle type {v.name} allows client {bad[0]} of {m}")

    @property
    def has_choices(self) -> bool:
        """Whether the instance has prizes, groups, clients that are not required, or vehicle-client restrictions."""
        return bool(
            self.prize.any()
            or self.groups
            or (self.required is not None and not self.required.all() and not self.optional)
            or any(v.allowed_clients is not None for v in self.vehicles)
        )

    def group_name(self, g: int) -> str:
        """The name of group ``g`` (an index of ``groups``) as the file writes it; its number from 1 without names."""
        return self.group_names[g] if g < len(self.group_names) else str(g + 1)

    def group_of(self) -> dict[int, int]:
        """Client → index of its group (see ``groups``)."""
        return {c: k for k, group in enumerate(self.groups) for c in group}

    def is_required(self, client: int) -> bool:
        """Whether ``client`` must be served on its own (not optional, no prize, in no group)."""
        return bool(self.required is None or self.required[client])

    @property
    def num_clients(self) -> int:
        """Number of clients (orders or customer nodes)."""
        return len(self.client_location)

    @property
    def num_dimensions(self) -> int:
        """Number of load dimensions."""
        return int(self.demand.shape[1])

    @property
    def has_time_windows(self) -> bool:
        """Whether any client or vehicle has a finite time window."""
        finite = np.isfinite(self.tw_late).any() or any(np.isfinite(v.shift_end) for v in self.vehicles)
        return bool(finite or (self.tw_early > 0).any())

    def paired(self) -> dict[int, tuple[int, str]]:
        """Client → (shipment index, ``"pickup"`` or ``"delivery"``) for the ends of pickup-delivery pairs."""
        out: dict[int, tuple[int, str]] = {}
        for k, s in enumerate(self.shipments):
            out[s.pickup] = (k, "pickup")
            out[s.delivery] = (k, "delivery")
        return out

    def active_clients(self) -> list[int]:
        """Client indices the solvers route (those not screened out)."""
        return [c for c in range(self.num_clients) if c not in self.unserved]
