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
        ``(num_clients, num_dimensions)`` quantities.
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

    def __post_init__(self) -> None:
        n = len(self.location_names)
        if self.distance.shape != (n, n) or self.duration.shape != (n, n):
            raise InputError(f"{self.name}: distance and duration matrices must be {n} x {n}")
        m = len(self.client_location)
        for label, arr in (
            ("demand", self.demand),
            ("service", self.service),
            ("tw_early", self.tw_early),
            ("tw_late", self.tw_late),
        ):
            if len(arr) != m:
                raise InputError(f"{self.name}: {label} has {len(arr)} entries for {m} clients")
        if not self.vehicles:
            raise InputError(f"{self.name}: no vehicle types")

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

    def active_clients(self) -> list[int]:
        """Client indices the solvers route (those not screened out)."""
        return [c for c in range(self.num_clients) if c not in self.unserved]
