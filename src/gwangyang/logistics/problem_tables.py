"""A problem file's tables as the parts of a routing problem: every field checked, unknown ones refused by name.

Each reader takes the parsed TOML/JSON value and ``where`` (``"vehicles[2]"``...), which every message starts
with, and returns a record of :mod:`.entities`. Times are minutes after midnight or ``"HH:MM"``
(:func:`~gwangyang.logistics.times.parse_time`).

Text fields follow one rule (:func:`read_id`, :func:`read_string`): an identifier (a site, order or shipment id, a
reference to one, an order's ``group``, an appointment) is non-empty text or a whole number, kept as its decimal
text (``id = 7`` is ``"7"``, as a spreadsheet writes an id column); a float (``7.5``, also ``7.0``), a boolean,
a table or an array is refused. Every other text (names, ``kind``, ``cargo``, labels, file names) must be a
string. A refusal names the row and the field (``sites[2].name: expected a string, got 5``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ..errors import InputError
from ..written import as_written
from .entities import Order, Settings, Shipment, Site, VehicleType
from .times import format_time, parse_time


def read_window(value: Any, where: str) -> tuple[float, float]:
    """``[open, close]`` as minutes after midnight; a window that closes before it opens is refused."""
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise InputError(f"{where}: expected [open, close], got {as_written(value)}")
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
        raise InputError(f"{where}: expected {dims} number(s), one per dimension, got {as_written(value)}")
    if any(not math.isfinite(v) or v < 0 for v in items):
        raise InputError(f"{where}: quantities must be finite and non-negative, got {as_written(value)}")
    return tuple(float(v) for v in items)


def read_fields(value: Any, where: str, allowed: set[str], required: set[str]) -> dict[str, Any]:
    """A table with only ``allowed`` keys and all ``required`` ones; the first unknown or missing key is named.

    ``where`` "" is the top level: the message starts with the field, and the caller puts the file's name (or the
    request's field) before it, once.
    """
    at = f"{where}: " if where else ""
    if not isinstance(value, Mapping):
        raise InputError(f"{at}expected a table, got {type(value).__name__}")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise InputError(f"{at}unknown field {unknown[0]!r} (expected one of {', '.join(sorted(allowed))})")
    missing = sorted(required - set(value))
    if missing:
        raise InputError(f"{at}missing field {missing[0]!r}")
    return dict(value)


def read_id(value: Any, where: str) -> str:
    """An identifier: non-empty text as written, or a whole number as its decimal text (``7`` -> ``"7"``).

    Raises
    ------
    InputError
        A float (``7.5``, ``7.0``), a boolean, a table, an array, or empty text.
    """
    if (
        isinstance(value, bool)
        or not isinstance(value, str | int)
        or (isinstance(value, str) and not value.strip())
    ):
        raise InputError(f"{where}: expected non-empty text or a whole number, got {as_written(value)}")
    return str(value)


def read_string(value: Any, where: str) -> str:
    """A text field (a name, a kind, a label): a string as written (Korean as it is); nothing else is converted."""
    if not isinstance(value, str):
        raise InputError(f"{where}: expected a string, got {as_written(value)}")
    return value


def read_ids(value: Any, where: str) -> tuple[str, ...]:
    """A list of ids or names (:func:`read_id` each: text, or a whole number for an id), each once."""
    if not isinstance(value, list | tuple):
        raise InputError(
            f"{where}: expected a list (each item text or a whole number), got {as_written(value)}"
        )
    return once([read_id(v, f"{where}[{k}]") for k, v in enumerate(value)], where)


def once(items: list[str], where: str) -> tuple[str, ...]:
    """``items``, refused when one is listed twice (after :func:`read_id`, ``7`` and ``"7"`` are one id)."""
    doubled = [v for v in items if items.count(v) > 1]
    if doubled:
        raise InputError(f"{where}: {doubled[0]!r} is listed twice")
    return tuple(items)


def read_array(value: Any, where: str) -> list[Any]:
    """An array (of tables)."""
    if not isinstance(value, list):
        raise InputError(f"{where}: expected an array of tables")
    return value


def read_number(value: Any, where: str) -> float:
    """A finite number (not a boolean)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(f"{where}: expected a number, got {as_written(value)}")
    return float(value)


def read_site(raw: Any, where: str) -> Site:
    """A ``[[sites]]`` table."""
    d = read_fields(
        raw, where, {"id", "name", "latitude", "longitude", "kind"}, {"id", "latitude", "longitude"}
    )
    ident = read_id(d["id"], f"{where}.id")
    latitude = read_number(d["latitude"], f"{where}.latitude")
    longitude = read_number(d["longitude"], f"{where}.longitude")
    name = read_string(d.get("name", ""), f"{where}.name")
    kind = read_string(d.get("kind", "site"), f"{where}.kind")
    try:
        return Site(ident, latitude, longitude, name, kind)
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from exc


def read_vehicle(raw: Any, where: str, dims: int) -> VehicleType:
    """A ``[[vehicles]]`` table, its capacity in ``dims`` numbers."""
    allowed = {"name", "count", "capacity", "start_depot", "end_depot", "fixed_cost", "cost_per_km", "shift"}
    allowed |= set(VEHICLE_TIMES) | set(VEHICLE_CLIENTS)
    d = read_fields(raw, where, allowed, {"name", "count", "capacity", "start_depot"})
    name = read_string(d["name"], f"{where}.name")
    start_depot = read_id(d["start_depot"], f"{where}.start_depot")
    end_depot = read_id(d["end_depot"], f"{where}.end_depot") if "end_depot" in d else start_depot
    count = d["count"]
    if isinstance(count, bool) or not isinstance(count, int):
        raise InputError(f"{where}.count: expected an integer, got {as_written(count)}")
    shift = read_window(d["shift"], f"{where}.shift") if "shift" in d else (0.0, 1440.0)
    extra: dict[str, Any] = {k: read_number(d[k], f"{where}.{k}") for k in VEHICLE_TIMES if k in d}
    extra |= {k: read_ids(d[k], f"{where}.{k}") for k in VEHICLE_CLIENTS if k in d}
    capacity = read_quantity(d["capacity"], f"{where}.capacity", dims)
    fixed_cost = read_number(d.get("fixed_cost", 0), f"{where}.fixed_cost")
    cost_per_km = read_number(d.get("cost_per_km", 1), f"{where}.cost_per_km")
    try:
        return VehicleType(
            name, count, capacity, start_depot, end_depot, fixed_cost, cost_per_km, shift, **extra
        )
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from exc


def read_names(value: Any, where: str) -> tuple[str, ...]:
    """A list of names (non-empty strings; Korean as written), each once."""
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v.strip() for v in value):
        raise InputError(f"{where}: expected a list of names (non-empty strings), got {as_written(value)}")
    return once(list(value), where)


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
    ident = read_id(d["id"], f"{where}.id")
    pickup = read_id(d["pickup"], f"{where}.pickup")
    delivery = read_id(d["delivery"], f"{where}.delivery")
    cargo = read_string(d.get("cargo", ""), f"{where}.cargo")
    windows = {
        key: read_window(d[key], f"{where}.{key}") if key in d else (0.0, 1440.0)
        for key in ("pickup_window", "delivery_window")
    }
    if "appointment" in d:
        # The gate appointment is the window at the terminal: the pickup of an import box, the
        # delivery of anything brought to the terminal (empty returns, exports).
        key = "pickup_window" if cargo == "import" else "delivery_window"
        slot = read_id(d["appointment"], f"{where}.appointment")
        if key in d:
            raise InputError(f"{where}: both appointment and {key} given (the appointment gives that window)")
        if appointments is None or slot not in appointments:
            raise InputError(f"{where}.appointment: {slot!r} is not in the [appointments] file")
        windows[key] = appointments[slot]
    vehicles = {k: read_names(d[k], f"{where}.{k}") for k in SHIPMENT_VEHICLES if k in d}
    quantity = read_quantity(d["quantity"], f"{where}.quantity", dims)
    services = [
        read_number(d.get(k, 0), f"{where}.{k}") for k in ("pickup_service_min", "delivery_service_min")
    ]
    try:
        return Shipment(
            ident,
            pickup,
            delivery,
            quantity,
            windows["pickup_window"],
            windows["delivery_window"],
            services[0],
            services[1],
            cargo,
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
    ident = read_id(d["id"], f"{where}.id")
    site = read_id(d["site"], f"{where}.site")
    group = read_id(d["group"], f"{where}.group") if "group" in d else ""
    window = read_window(d["window"], f"{where}.window") if "window" in d else (0.0, 1440.0)
    service = read_number(d.get("service_min", 0), f"{where}.service_min")
    quantity = read_quantity(d["quantity"], f"{where}.quantity", dims)
    prize = read_number(d.get("prize", 0), f"{where}.prize")
    try:
        return Order(ident, site, quantity, window, service, prize, group)
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
        raise InputError(f"settings.dimensions: expected a list of names, got {as_written(dims)}")
    d["dimensions"] = tuple(dims)
    for key in ("circuity", "speed_kmh"):
        if key in d:
            d[key] = read_number(d[key], f"settings.{key}")
    for key in SETTINGS_TEXTS:
        if key in d:
            d[key] = read_string(d[key], f"settings.{key}")
    if not isinstance(d.get("approximate_coordinates", True), bool):
        raise InputError(
            f"settings.approximate_coordinates: expected true or false, got {as_written(d['approximate_coordinates'])}"
        )
    settings = Settings(**d)
    if settings.circuity < 1 or settings.speed_kmh <= 0:
        raise InputError("settings: circuity must be >= 1 and speed_kmh positive")
    return settings
