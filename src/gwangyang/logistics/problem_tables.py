"""A problem file's tables as the parts of a routing problem: every field checked, unknown ones refused by name.

Each reader takes the parsed TOML/JSON value and ``where`` (``"vehicles[2]"``...), which every message starts
with, and returns a record of :mod:`.entities`. Times are minutes after midnight or ``"HH:MM"``
(:func:`~gwangyang.logistics.times.parse_time`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ..errors import InputError
from .entities import Order, Settings, Shipment, Site, VehicleType
from .times import format_time, parse_time


def read_window(value: Any, where: str) -> tuple[float, float]:
    """``[open, close]`` as minutes after midnight; a window that closes before it opens is refused."""
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise InputError(f"{where}: expected [open, close], got {value!r}")
    opens, closes = parse_time(value[0], f"{where}[0]"), parse_time(value[1], f"{where}[1]")
    if closes < opens:
        raise InputError(
            f"{where}: window closes ({format_time(closes)}) before it opens ({format_time(opens)})"
        )
    return opens, closes


def read_quantity(value: Any, where: str, dims: int) -> tuple[float, ...]:
    """``dims`` finite non-negative numbers (a bare number when ``dims`` is 1)."""
    items = value if isinstance(value, list | tuple) else [value]
    if len(items) != dims or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in items):
        raise InputError(f"{where}: expected {dims} number(s), one per dimension, got {value!r}")
    if any(not math.isfinite(v) or v < 0 for v in items):
        raise InputError(f"{where}: quantities must be finite and non-negative, got {value!r}")
    return tuple(float(v) for v in items)


def read_fields(value: Any, where: str, allowed: set[str], required: set[str]) -> dict[str, Any]:
    """A table with only ``allowed`` keys and all ``required`` ones; the first unknown or missing key is named."""
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


def read_array(value: Any, where: str) -> list[Any]:
    """An array (of tables)."""
    if not isinstance(value, list):
        raise InputError(f"{where}: expected an array of tables")
    return value


def read_number(value: Any, where: str) -> float:
    """A finite number (not a boolean)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(f"{where}: expected a number, got {value!r}")
    return float(value)


def read_site(raw: Any, where: str) -> Site:
    """A ``[[sites]]`` table."""
    d = read_fields(
        raw, where, {"id", "name", "latitude", "longitude", "kind"}, {"id", "latitude", "longitude"}
    )
    try:
        return Site(
            str(d["id"]),
            read_number(d["latitude"], f"{where}.latitude"),
            read_number(d["longitude"], f"{where}.longitude"),
            str(d.get("name", "")),
            str(d.get("kind", "site")),
        )
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from exc


def read_vehicle(raw: Any, where: str, dims: int) -> VehicleType:
    """A ``[[vehicles]]`` table, its capacity in ``dims`` numbers."""
    allowed = {"name", "count", "capacity", "start_depot", "end_depot", "fixed_cost", "cost_per_km", "shift"}
    allowed |= set(VEHICLE_TIMES) | set(VEHICLE_CLIENTS)
    d = read_fields(raw, where, allowed, {"name", "count", "capacity", "start_depot"})
    count = d["count"]
    if isinstance(count, bool) or not isinstance(count, int):
        raise InputError(f"{where}.count: expected an integer, got {count!r}")
    shift = read_window(d["shift"], f"{where}.shift") if "shift" in d else (0.0, 1440.0)
    extra: dict[str, Any] = {k: read_number(d[k], f"{where}.{k}") for k in VEHICLE_TIMES if k in d}
    extra |= {k: read_names(d[k], f"{where}.{k}") for k in VEHICLE_CLIENTS if k in d}
    capacity = read_quantity(d["capacity"], f"{where}.capacity", dims)
    fixed_cost = read_number(d.get("fixed_cost", 0), f"{where}.fixed_cost")
    cost_per_km = read_number(d.get("cost_per_km", 1), f"{where}.cost_per_km")
    try:
        return VehicleType(
            str(d["name"]),
            count,
            capacity,
            str(d["start_depot"]),
            str(d.get("end_depot", d["start_depot"])),
            fixed_cost,
            cost_per_km,
            shift,
            **extra,
        )
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from exc


def read_names(value: Any, where: str) -> tuple[str, ...]:
    """A list of names (non-empty strings; Korean as written), each once."""
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v.strip() for v in value):
        raise InputError(f"{where}: expected a list of names (non-empty strings), got {value!r}")
    doubled = [v for v in value if value.count(v) > 1]
    if doubled:
        raise InputError(f"{where}: {doubled[0]!r} is listed twice")
    return tuple(value)


VEHICLE_CLIENTS = (
    "allowed_sites",
    "allowed_orders",
    "forbidden_sites",
    "forbidden_orders",
    "allowed_shipments",
    "forbidden_shipments",
)
"""Optional vehicle fields naming the orders a vehicle type may serve (sites by id or name, orders by id) and the
shipments it may carry (by id)."""

SHIPMENT_VEHICLES = ("allowed_vehicles", "forbidden_vehicles")
"""Optional shipment fields naming the vehicle types (by name) that may carry it."""


VEHICLE_TIMES = (
    "max_duration_min",
    "break_min",
    "max_overtime_min",
    "cost_per_hour",
    "overtime_cost_per_hour",
)
"""Optional vehicle fields for the driver's working time and wage."""


def read_shipment(
    raw: Any, where: str, dims: int, appointments: Mapping[str, tuple[float, float]] | None = None
) -> Shipment:
    """A ``[[shipments]]`` table; ``appointment`` names a window of ``appointments`` (the terminal end's window)."""
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
        *SHIPMENT_VEHICLES,
    }
    d = read_fields(raw, where, allowed, {"id", "pickup", "delivery", "quantity"})
    windows = {
        key: read_window(d[key], f"{where}.{key}") if key in d else (0.0, 1440.0)
        for key in ("pickup_window", "delivery_window")
    }
    if "appointment" in d:
        # The gate appointment is the window at the terminal: the pickup of an import box, the
        # delivery of anything brought to the terminal (empty returns, exports).
        key = "pickup_window" if d.get("cargo") == "import" else "delivery_window"
        ident = str(d["appointment"])
        if key in d:
            raise InputError(f"{where}: both appointment and {key} given (the appointment gives that window)")
        if appointments is None or ident not in appointments:
            raise InputError(f"{where}.appointment: {ident!r} is not in the [appointments] file")
        windows[key] = appointments[ident]
    vehicles = {k: read_names(d[k], f"{where}.{k}") for k in SHIPMENT_VEHICLES if k in d}
    quantity = read_quantity(d["quantity"], f"{where}.quantity", dims)
    services = [
        read_number(d.get(k, 0), f"{where}.{k}") for k in ("pickup_service_min", "delivery_service_min")
    ]
    try:
        return Shipment(
            str(d["id"]),
            str(d["pickup"]),
            str(d["delivery"]),
            quantity,
            windows["pickup_window"],
            windows["delivery_window"],
            services[0],
            services[1],
            str(d.get("cargo", "")),
            **vehicles,
        )
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from exc


def read_order(raw: Any, where: str, dims: int) -> Order:
    """An ``[[orders]]`` table, its quantity in ``dims`` numbers."""
    d = read_fields(
        raw,
        where,
        {"id", "site", "quantity", "window", "service_min", "prize", "group"},
        {"id", "site", "quantity"},
    )
    window = read_window(d["window"], f"{where}.window") if "window" in d else (0.0, 1440.0)
    service = read_number(d.get("service_min", 0), f"{where}.service_min")
    quantity = read_quantity(d["quantity"], f"{where}.quantity", dims)
    prize = read_number(d.get("prize", 0), f"{where}.prize")
    try:
        return Order(str(d["id"]), str(d["site"]), quantity, window, service, prize, str(d.get("group", "")))
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from exc


SETTINGS_TEXTS = ("distance_matrix", "duration_matrix", "currency", "note")
"""Settings given as text (file names relative to the problem file, labels)."""


def read_settings(raw: Any) -> Settings:
    """The ``[settings]`` table: dimension names, circuity and speed as numbers, the labels as text.

    Raises
    ------
    InputError
        An unknown field, a value of the wrong kind (``settings.circuity: expected a number, got 'x'``), a
        circuity below 1 or a speed that is not positive.
    """
    d = read_fields(raw, "settings", set(Settings.__dataclass_fields__), set())
    dims = d.get("dimensions", ["load"])
    if not isinstance(dims, list) or not dims or not all(isinstance(x, str) and x.strip() for x in dims):
        raise InputError(f"settings.dimensions: expected a list of names, got {dims!r}")
    d["dimensions"] = tuple(dims)
    for key in ("circuity", "speed_kmh"):
        if key in d:
            d[key] = read_number(d[key], f"settings.{key}")
    for key in SETTINGS_TEXTS:
        if key in d and not isinstance(d[key], str):
            raise InputError(f"settings.{key}: expected a string, got {d[key]!r}")
    if not isinstance(d.get("approximate_coordinates", True), bool):
        raise InputError(
            f"settings.approximate_coordinates: expected true or false, got {d['approximate_coordinates']!r}"
        )
    settings = Settings(**d)
    if settings.circuity < 1 or settings.speed_kmh <= 0:
        raise InputError("settings: circuity must be >= 1 and speed_kmh positive")
    return settings
