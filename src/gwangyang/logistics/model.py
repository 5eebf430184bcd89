"""The routing domain: sites, orders, a mixed fleet and the problem that holds them, validated on creation.

A problem file (TOML or JSON) has a ``name``, an optional ``[settings]`` table and arrays of ``sites``,
``vehicles`` and ``orders``; see the README's *Logistics* section and ``scenarios/gwangyang.toml``.
Times are minutes after midnight or ``"HH:MM"``; distances km; costs in whole currency units.
"""

from __future__ import annotations

import json
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import CorruptFileError, InputError, UnknownFormatError
from ..files import read_text
from .convert import problem_to_instance
from .instance import Instance
from .times import format_time, parse_time


def _window(value: Any, where: str) -> tuple[float, float]:
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise InputError(f"{where}: expected [open, close], got {value!r}")
    opens, closes = parse_time(value[0], f"{where}[0]"), parse_time(value[1], f"{where}[1]")
    if closes < opens:
        raise InputError(
            f"{where}: window closes ({format_time(closes)}) before it opens ({format_time(opens)})"
        )
    return opens, closes


def _quantity(value: Any, where: str, dims: int) -> tuple[float, ...]:
    items = value if isinstance(value, list | tuple) else [value]
    if len(items) != dims or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in items):
        raise InputError(f"{where}: expected {dims} number(s), one per dimension, got {value!r}")
    if any(not math.isfinite(v) or v < 0 for v in items):
        raise InputError(f"{where}: quantities must be finite and non-negative, got {value!r}")
    return tuple(float(v) for v in items)


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
            raise InputError(f"site {self.id}: latitude must be within -90..90, got {self.latitude}")
        if not -180 <= self.longitude <= 180:
            raise InputError(f"site {self.id}: longitude must be within -180..180, got {self.longitude}")
        if self.kind not in ("depot", "site"):
            raise InputError(f"site {self.id}: kind must be 'depot' or 'site', got {self.kind!r}")


@dataclass(frozen=True)
class VehicleType:
    """A truck type: how many, what they carry, what they cost, when the drivers work.

    ``shift`` bounds departure and return; ``max_duration_min`` is the regular working time of a route (break
    included), ``break_min`` the break every driver takes (paid, and it lengthens the route), ``max_overtime_min``
    the overtime allowed beyond the regular time; ``cost_per_hour`` is the driver's wage for the route's whole
    duration and ``overtime_cost_per_hour`` the premium on top of it for each hour of overtime.
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

    def __post_init__(self) -> None:
        if self.count < 1:
            raise InputError(f"vehicle {self.name}: count must be at least 1, got {self.count}")
        if any(c <= 0 for c in self.capacity):
            raise InputError(f"vehicle {self.name}: capacity must be positive, got {list(self.capacity)}")
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
                raise InputError(f"vehicle {self.name}: {label} must be non-negative, got {value}")
        if self.break_min > self.max_duration_min:
            raise InputError(f"vehicle {self.name}: break_min is longer than max_duration_min")


@dataclass(frozen=True)
class Order:
    """A delivery: a quantity per load dimension to a site within a time window, with a service time."""

    id: str
    site: str
    quantity: tuple[float, ...]
    window: tuple[float, float] = (0.0, 1440.0)
    service_min: float = 0.0

    def __post_init__(self) -> None:
        if self.window[1] < self.window[0]:
            raise InputError(f"order {self.id}: window closes before it opens")
        if self.service_min < 0:
            raise InputError(f"order {self.id}: service_min must be non-negative")


@dataclass(frozen=True)
class Shipment:
    """A pickup-delivery pair: a quantity loaded at one site and unloaded at another by the same truck, in that order.

    Either end may be a depot (a container terminal, say). ``cargo`` is a free label (``"import"``, ``"empty"``).
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


@dataclass(frozen=True)
class RoutingProblem:
    """A day's dispatch problem, checked for consistency on creation.

    Raises
    ------
    InputError
        Unknown site references, duplicate ids, an order heavier than every vehicle type.
    """

    name: str
    sites: tuple[Site, ...]
    vehicles: tuple[VehicleType, ...]
    orders: tuple[Order, ...]
    settings: Settings = field(default_factory=Settings)
    base_dir: Path = Path()
    shipments: tuple[Shipment, ...] = ()

    def __post_init__(self) -> None:
        dims = len(self.settings.dimensions)
        ids = [s.id for s in self.sites]
        if len(set(ids)) != len(ids):
            raise InputError(f"sites: duplicate id {next(i for i in ids if ids.count(i) > 1)!r}")
        kinds = {s.id: s.kind for s in self.sites}
        if not self.vehicles:
            raise InputError("vehicles: at least one vehicle type is needed")
        for v in self.vehicles:
            for role, depot in (("start_depot", v.start_depot), ("end_depot", v.end_depot or v.start_depot)):
                if kinds.get(depot) != "depot":
                    raise InputError(f"vehicle {v.name}: {role} {depot!r} is not a site of kind 'depot'")
            if len(v.capacity) != dims:
                raise InputError(
                    f"vehicle {v.name}: capacity needs {dims} number(s) for {list(self.settings.dimensions)}"
                )
        order_ids = [o.id for o in self.orders]
        if len(set(order_ids)) != len(order_ids):
            raise InputError(f"orders: duplicate id {next(i for i in order_ids if order_ids.count(i) > 1)!r}")
        for o in self.orders:
            if kinds.get(o.site) != "site":
                raise InputError(f"order {o.id}: site {o.site!r} is not a site of kind 'site'")
            if len(o.quantity) != dims:
                raise InputError(
                    f"order {o.id}: quantity needs {dims} number(s) for {list(self.settings.dimensions)}"
                )
            if not any(
                all(q <= c for q, c in zip(o.quantity, v.capacity, strict=True)) for v in self.vehicles
            ):
                raise InputError(
                    f"order {o.id}: quantity {list(o.quantity)} exceeds the capacity of every vehicle type"
                )
        ids = order_ids + [s.id for s in self.shipments]
        if len(set(ids)) != len(ids):
            raise InputError(f"shipments: id {next(i for i in ids if ids.count(i) > 1)!r} is used twice")
        for s in self.shipments:
            for role, site in (("pickup", s.pickup), ("delivery", s.delivery)):
                if site not in kinds:
                    raise InputError(f"shipment {s.id}: {role} site {site!r} is not a site")
            if len(s.quantity) != dims:
                raise InputError(
                    f"shipment {s.id}: quantity needs {dims} number(s) for {list(self.settings.dimensions)}"
                )
            if not any(
                all(q <= c for q, c in zip(s.quantity, v.capacity, strict=True)) for v in self.vehicles
            ):
                raise InputError(
                    f"shipment {s.id}: quantity {list(s.quantity)} exceeds the capacity of every vehicle type"
                )
        if not self.orders and not self.shipments:
            raise InputError("orders: at least one order or shipment is needed")

    @classmethod
    def from_file(cls, path: str | Path) -> RoutingProblem:
        """Load a problem from a ``.toml`` or ``.json`` file; messages name the file and the field."""
        path = Path(path)
        text = read_text(path, "problem file")  # UTF-8, as TOML and JSON (RFC 8259) require
        if path.suffix.lower() not in (".toml", ".json"):
            raise UnknownFormatError(f"{path}: expected a .toml or .json problem file")
        try:
            data = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
        except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
            raise CorruptFileError(f"{path}: not valid {path.suffix[1:].upper()} ({exc})") from exc
        if not isinstance(data, dict):
            raise CorruptFileError(f"{path}: expected a table at the top level")
        try:
            return cls.from_dict(data, base_dir=path.parent)
        except InputError as exc:
            raise type(exc)(f"{path}: {exc}") from exc

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], base_dir: Path = Path()) -> RoutingProblem:
        """Build a problem from parsed TOML/JSON, rejecting unknown fields."""
        top = _fields(
            data,
            "problem",
            {"name", "settings", "sites", "vehicles", "orders", "shipments", "appointments"},
            {"sites", "vehicles"} if "shipments" in data else {"sites", "vehicles", "orders"},
        )
        raw_settings = _fields(top.get("settings", {}), "settings", set(Settings.__dataclass_fields__), set())
        dims = raw_settings.get("dimensions", ["load"])
        if not isinstance(dims, list) or not dims or not all(isinstance(d, str) for d in dims):
            raise InputError(f"settings.dimensions: expected a list of names, got {dims!r}")
        settings = Settings(**{**raw_settings, "dimensions": tuple(dims)})
        if settings.circuity < 1 or settings.speed_kmh <= 0:
            raise InputError("settings: circuity must be >= 1 and speed_kmh positive")
        sites = tuple(_site(s, f"sites[{i}]") for i, s in enumerate(_list(top["sites"], "sites")))
        vehicles = tuple(
            _vehicle(v, f"vehicles[{i}]", len(dims)) for i, v in enumerate(_list(top["vehicles"], "vehicles"))
        )
        orders = tuple(
            _order(o, f"orders[{i}]", len(dims)) for i, o in enumerate(_list(top.get("orders", []), "orders"))
        )
        slots = _appointments(top["appointments"], base_dir) if "appointments" in top else {}
        shipments = tuple(
            _shipment(s, f"shipments[{i}]", len(dims), slots)
            for i, s in enumerate(_list(top.get("shipments", []), "shipments"))
        )
        return cls(str(top.get("name", "problem")), sites, vehicles, orders, settings, base_dir, shipments)

    def to_instance(self) -> Instance:
        """The solver-neutral :class:`~gwangyang.logistics.instance.Instance` of this problem."""
        return problem_to_instance(self)


def _fields(value: Any, where: str, allowed: set[str], required: set[str]) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise InputError(f"{where}: expected a table, got {type(value).__name__}")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise InputError(
            f"{where}: unknown field {unknown[0]!r} (expected one of {', '.join(sorted(allowed))})"
        )
    missing = sorted(required - set(value))
    if missing:
        raise InputError(f"{where}: missing field {missing[0]!r}")
    return dict(value)


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise InputError(f"{where}: expected an array of tables")
    return value


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(f"{where}: expected a number, got {value!r}")
    return float(value)


def _site(raw: Any, where: str) -> Site:
    d = _fields(raw, where, {"id", "name", "latitude", "longitude", "kind"}, {"id", "latitude", "longitude"})
    try:
        return Site(
            str(d["id"]),
            _number(d["latitude"], f"{where}.latitude"),
            _number(d["longitude"], f"{where}.longitude"),
            str(d.get("name", "")),
            str(d.get("kind", "site")),
        )
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from exc


def _vehicle(raw: Any, where: str, dims: int) -> VehicleType:
    allowed = {"name", "count", "capacity", "start_depot", "end_depot", "fixed_cost", "cost_per_km", "shift"}
    allowed |= set(_VEHICLE_TIMES)
    d = _fields(raw, where, allowed, {"name", "count", "capacity", "start_depot"})
    count = d["count"]
    if isinstance(count, bool) or not isinstance(count, int):
        raise InputError(f"{where}.count: expected an integer, got {count!r}")
    shift = _window(d["shift"], f"{where}.shift") if "shift" in d else (0.0, 1440.0)
    try:
        return VehicleType(
            str(d["name"]),
            count,
            _quantity(d["capacity"], f"{where}.capacity", dims),
            str(d["start_depot"]),
            str(d.get("end_depot", d["start_depot"])),
            _number(d.get("fixed_cost", 0), f"{where}.fixed_cost"),
            _number(d.get("cost_per_km", 1), f"{where}.cost_per_km"),
            shift,
            **{k: _number(d[k], f"{where}.{k}") for k in _VEHICLE_TIMES if k in d},
        )
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from exc


_VEHICLE_TIMES = (
    "max_duration_min",
    "break_min",
    "max_overtime_min",
    "cost_per_hour",
    "overtime_cost_per_hour",
)
"""Optional vehicle fields for the driver's working time and wage."""


def _appointments(raw: Any, base_dir: Path) -> dict[str, tuple[float, float]]:
    """The gate appointments of ``[appointments] file``: window per id.

    The file is a CSV with columns ``id, start, end`` (and any others), as written by
    :func:`gwangyang.port.appointments.write_appointments`.
    """
    import csv
    import io

    d = _fields(raw, "appointments", {"file"}, {"file"})
    path = base_dir / str(d["file"])
    try:
        text = read_text(path, "gate appointments CSV").removeprefix("\ufeff")  # Excel's byte-order mark
    except InputError as exc:
        raise type(exc)(f"appointments.file: {exc}") from exc
    try:
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise CorruptFileError(f"appointments.file: {path}: not a readable CSV ({exc})") from exc
    out: dict[str, tuple[float, float]] = {}
    for i, row in enumerate(rows):
        where = f"appointments.file {path.name} row {i + 2}"
        missing = [c for c in ("id", "start", "end") if not row.get(c)]
        if missing:
            raise InputError(f"{where}: missing {missing[0]!r} (columns id, start, end)")
        if row["id"] in out:
            raise InputError(f"{where}: id {row['id']!r} appears twice")
        out[row["id"]] = _window([row["start"], row["end"]], where)
    return out


def _shipment(
    raw: Any, where: str, dims: int, appointments: Mapping[str, tuple[float, float]] | None = None
) -> Shipment:
    allowed = {
        "id",
        "pickup",
        "delivery",
        "quantity",
        "pickup_window",
        "delivery_window",
        "pickup_service_min",
        "delivery_service_min",
        "cargo",
        "appointment",
    }
    d = _fields(raw, where, allowed, {"id", "pickup", "delivery", "quantity"})
    windows = {
        key: _window(d[key], f"{where}.{key}") if key in d else (0.0, 1440.0)
        for key in ("pickup_window", "delivery_window")
    }
    if "appointment" in d:
        # The gate appointment is the window at the terminal: the pickup of an import box, the
        # delivery of anything brought to the terminal (empty returns, exports).
        key = "pickup_window" if d.get("cargo") == "import" else "delivery_window"
        ident = str(d["appointment"])
        if key in d:
            raise InputError(f"{where}: both appointment and {key} given (the appointment is the {key})")
        if appointments is None or ident not in appointments:
            raise InputError(f"{where}.appointment: {ident!r} is not in the [appointments] file")
        windows[key] = appointments[ident]
    try:
        return Shipment(
            str(d["id"]),
            str(d["pickup"]),
            str(d["delivery"]),
            _quantity(d["quantity"], f"{where}.quantity", dims),
            windows["pickup_window"],
            windows["delivery_window"],
            _number(d.get("pickup_service_min", 0), f"{where}.pickup_service_min"),
            _number(d.get("delivery_service_min", 0), f"{where}.delivery_service_min"),
            str(d.get("cargo", "")),
        )
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from exc


def _order(raw: Any, where: str, dims: int) -> Order:
    d = _fields(raw, where, {"id", "site", "quantity", "window", "service_min"}, {"id", "site", "quantity"})
    window = _window(d["window"], f"{where}.window") if "window" in d else (0.0, 1440.0)
    service = _number(d.get("service_min", 0), f"{where}.service_min")
    try:
        return Order(
            str(d["id"]), str(d["site"]), _quantity(d["quantity"], f"{where}.quantity", dims), window, service
        )
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from exc
