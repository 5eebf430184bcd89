"""The parts of a routing problem: sites, vehicle types, orders, shipments and settings, each checked on creation.

Each is a frozen record whose ``__post_init__`` refuses values that cannot be right on their own (a latitude
beyond 90, a shift that ends before it starts...); :class:`~gwangyang.logistics.problem.RoutingProblem` checks
how they fit together and :mod:`.problem_tables` builds them from a problem file's tables.
Times are minutes after midnight; distances km; costs in whole currency units.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..errors import InputError
from ..written import as_written


@dataclass(frozen=True)
class Site:
    """A place: a depot (terminal, warehouse) or a customer site, at latitude/longitude."""

    id: str
    latitude: float
    longitude: float
    name: str = ""
    kind: str = "site"

    def __post_init__(self) -> None:
        if not self.id:
            raise InputError("site.id: must be a non-empty string")
        if not -90 <= self.latitude <= 90:
            raise InputError(
                f"site {self.id}: latitude must be within -90..90, got {as_written(self.latitude)}"
            )
        if not -180 <= self.longitude <= 180:
            raise InputError(
                f"site {self.id}: longitude must be within -180..180, got {as_written(self.longitude)}"
            )
        if self.kind not in ("depot", "site"):
            raise InputError(f"site {self.id}: kind must be 'depot' or 'site', got {as_written(self.kind)}")


@dataclass(frozen=True)
class VehicleType:
    """A truck type: how many, what they carry, what they cost, when the drivers work.

    ``shift`` bounds departure and return; ``max_duration_min`` is the regular working time of a route (break
    included), ``break_min`` the break every driver takes (paid, and it lengthens the route), ``max_overtime_min``
    the overtime allowed beyond the regular time; ``cost_per_hour`` is the driver's wage for the route's whole
    duration and ``overtime_cost_per_hour`` the premium on top of it for each hour of overtime.

    Which orders it may serve: ``allowed_sites`` / ``allowed_orders`` (when either is given, only the orders at
    those sites or with those ids) less ``forbidden_sites`` / ``forbidden_orders``. Sites are named by id or by
    name as the file writes them; :class:`~gwangyang.logistics.problem.RoutingProblem` checks every name and keeps
    ids. Which shipments it may carry: ``allowed_shipments`` (when given, only those ids) less
    ``forbidden_shipments``; the order lists do not restrict shipments, nor these orders. A shipment's own
    ``allowed_vehicles`` / ``forbidden_vehicles`` restrict it further (:meth:`RoutingProblem.may_carry`).
    """

    name: str
    count: int
    capacity: tuple[float, ...]
    start_depot: str
    end_depot: str = ""
    fixed_cost: float = 0.0
    cost_per_km: float = 1.0
    shift: tuple[float, float] = (0.0, 1440.0)
    max_duration_min: float = math.inf
    break_min: float = 0.0
    max_overtime_min: float = 0.0
    cost_per_hour: float = 0.0
    overtime_cost_per_hour: float = 0.0
    allowed_sites: tuple[str, ...] | None = None
    allowed_orders: tuple[str, ...] | None = None
    forbidden_sites: tuple[str, ...] = ()
    forbidden_orders: tuple[str, ...] = ()
    allowed_shipments: tuple[str, ...] | None = None
    forbidden_shipments: tuple[str, ...] = ()

    @property
    def restricted(self) -> bool:
        """Whether any allowed or forbidden list is given."""
        return (
            self.allowed_sites is not None
            or self.allowed_orders is not None
            or bool(self.forbidden_sites or self.forbidden_orders)
        )

    def may_carry(self, shipment: Shipment) -> bool:
        """Whether this type's own lists let it carry ``shipment`` (the shipment's lists are not consulted)."""
        if self.allowed_shipments is not None and shipment.id not in self.allowed_shipments:
            return False
        return shipment.id not in self.forbidden_shipments

    def may_serve(self, order: Order) -> bool:
        """Whether this type may serve ``order`` (site names already resolved to ids)."""
        listed = self.allowed_sites is not None or self.allowed_orders is not None
        if (
            listed
            and order.site not in (self.allowed_sites or ())
            and order.id not in (self.allowed_orders or ())
        ):
            return False
        return order.site not in self.forbidden_sites and order.id not in self.forbidden_orders

    def __post_init__(self) -> None:
        if self.count < 1:
            raise InputError(f"vehicle {self.name}: count must be at least 1, got {as_written(self.count)}")
        if any(c <= 0 for c in self.capacity):
            raise InputError(
                f"vehicle {self.name}: capacity must be positive, got {as_written(list(self.capacity))}"
            )
        if self.fixed_cost < 0 or self.cost_per_km < 0:
            raise InputError(f"vehicle {self.name}: fixed_cost and cost_per_km must be non-negative")
        if self.shift[1] < self.shift[0]:
            raise InputError(f"vehicle {self.name}: shift ends before it starts")
        for label, value in (
            ("max_duration_min", self.max_duration_min),
            ("break_min", self.break_min),
            ("max_overtime_min", self.max_overtime_min),
            ("cost_per_hour", self.cost_per_hour),
            ("overtime_cost_per_hour", self.overtime_cost_per_hour),
        ):
            if math.isnan(value) or value < 0:
                raise InputError(
                    f"vehicle {self.name}: {label} must be non-negative, got {as_written(value)}"
                )
        if self.break_min > self.max_duration_min:
            raise InputError(f"vehicle {self.name}: break_min is longer than max_duration_min")


@dataclass(frozen=True)
class Order:
    """A delivery: a quantity per load dimension to a site within a time window, with a service time.

    ``prize`` (currency units, above 0): the order is worth that much and may be left out, forgoing it (PyVRP's
    prize-collecting clients); ``group``: of the orders sharing a group name, exactly one is served.
    """

    id: str
    site: str
    quantity: tuple[float, ...]
    window: tuple[float, float] = (0.0, 1440.0)
    service_min: float = 0.0
    prize: float = 0.0
    group: str = ""

    def __post_init__(self) -> None:
        if self.window[1] < self.window[0]:
            raise InputError(f"order {self.id}: window closes before it opens")
        if self.service_min < 0:
            raise InputError(f"order {self.id}: service_min must be non-negative")
        if not (math.isfinite(self.prize) and self.prize >= 0):
            raise InputError(
                f"order {self.id}: prize must be a finite number >= 0, got {as_written(self.prize)}"
            )


@dataclass(frozen=True)
class Shipment:
    """A pickup-delivery pair: a quantity loaded at one site and unloaded at another by the same truck, in that order.

    Either end may be a depot (a container terminal, say). ``cargo`` is a free label (``"import"``, ``"empty"``).
    ``allowed_vehicles`` (when given, only those vehicle types, by name) less ``forbidden_vehicles``: which types
    may carry it.
    """

    id: str
    pickup: str
    delivery: str
    quantity: tuple[float, ...]
    pickup_window: tuple[float, float] = (0.0, 1440.0)
    delivery_window: tuple[float, float] = (0.0, 1440.0)
    pickup_service_min: float = 0.0
    delivery_service_min: float = 0.0
    cargo: str = ""
    allowed_vehicles: tuple[str, ...] | None = None
    forbidden_vehicles: tuple[str, ...] = ()

    def may_use(self, vehicle: str) -> bool:
        """Whether this shipment's own lists let vehicle type ``vehicle`` (its name) carry it."""
        if self.allowed_vehicles is not None and vehicle not in self.allowed_vehicles:
            return False
        return vehicle not in self.forbidden_vehicles

    def __post_init__(self) -> None:
        if self.pickup == self.delivery:
            raise InputError(f"shipment {self.id}: pickup and delivery are the same site {self.pickup!r}")
        if self.pickup_service_min < 0 or self.delivery_service_min < 0:
            raise InputError(f"shipment {self.id}: service times must be non-negative")


@dataclass(frozen=True)
class Settings:
    """How distances and times are obtained, and the names of the load dimensions."""

    dimensions: tuple[str, ...] = ("load",)
    circuity: float = 1.3
    speed_kmh: float = 40.0
    distance_matrix: str | None = None
    duration_matrix: str | None = None
    currency: str = "KRW"
    approximate_coordinates: bool = True
    note: str = ""
