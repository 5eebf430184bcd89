"""The routing problem: a day's sites, fleet, orders and shipments, checked as a whole, read from a problem file.

A problem file (TOML or JSON) has a ``name``, an optional ``[settings]`` table and arrays of ``sites``,
``vehicles`` and ``orders`` (or ``shipments``, with an optional ``[appointments]`` file); see
``docs/logistics.md`` and ``scenarios/gwangyang.toml``. Times are minutes after midnight or ``"HH:MM"``;
distances km; costs in whole currency units.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import CorruptFileError, InputError, UnknownFormatError
from ..files import read_text
from .appointment_file import read_appointments
from .convert import problem_to_instance
from .entities import Order, Settings, Shipment, Site, VehicleType
from .instance import Instance
from .problem_tables import (
    read_array,
    read_fields,
    read_order,
    read_settings,
    read_shipment,
    read_site,
    read_string,
    read_vehicle,
)
from .type_names import check_type_names, resolve_type_names


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
        check_type_names(self.vehicles)
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
        if (
            not self.orders and not self.shipments
        ):  # before the vehicles' lists, which would all serve nothing
            raise InputError("orders: at least one order or shipment is needed")
        object.__setattr__(self, "vehicles", tuple(self._resolve(v) for v in self.vehicles))
        self._check_shipment_lists()
        for v in self.vehicles:
            serves = any(v.may_serve(o) for o in self.orders)
            if not serves and not any(self.may_carry(v, s) for s in self.shipments):
                lists, what = (
                    ("the allowed and forbidden lists (its own and the shipments')", "order or shipment")
                    if self.shipments
                    else ("its allowed and forbidden lists", "order")
                )
                raise InputError(f"vehicle {v.name}: {lists} leave it no {what} to serve")
        for o in self.orders:
            if kinds.get(o.site) != "site":
                raise InputError(f"order {o.id}: site {o.site!r} is not a site of kind 'site'")
            servers = [v for v in self.vehicles if v.may_serve(o)]
            if not servers:
                raise InputError(
                    f"order {o.id}: no vehicle type may serve it (their allowed_sites, allowed_orders, "
                    "forbidden_sites and forbidden_orders leave it out)"
                )
            self._check_load(f"order {o.id}", o.quantity, servers)

        ids = order_ids + [s.id for s in self.shipments]
        if len(set(ids)) != len(ids):
            raise InputError(f"shipments: id {next(i for i in ids if ids.count(i) > 1)!r} is used twice")
        for s in self.shipments:
            for role, site in (("pickup", s.pickup), ("delivery", s.delivery)):
                if site not in kinds:
                    raise InputError(f"shipment {s.id}: {role} site {site!r} is not a site")
            carriers = [v for v in self.vehicles if self.may_carry(v, s)]
            if not carriers:
                raise InputError(
                    f"shipment {s.id}: no vehicle type may carry it (the vehicles' allowed_shipments and "
                    "forbidden_shipments and its allowed_vehicles and forbidden_vehicles leave it out)"
                )
            self._check_load(f"shipment {s.id}", s.quantity, carriers)

    def may_carry(self, vehicle: VehicleType, shipment: Shipment) -> bool:
        """Whether ``vehicle`` may carry ``shipment``: both the type's shipment lists and the shipment's vehicle lists allow it."""
        return vehicle.may_carry(shipment) and shipment.may_use(vehicle.name)

    def _check_shipment_lists(self) -> None:
        """Every shipment a vehicle type's lists name, and every vehicle type a shipment's lists name, exists.

        A shipment's vehicle lists are kept with the types' own names (:func:`.type_names.resolve_type_names`:
        ``"탱크로리 "`` or its NFD form names the type ``"탱크로리"``).
        """
        shipment_ids = {s.id for s in self.shipments}
        order_ids = {o.id for o in self.orders}
        for v in self.vehicles:
            for key in ("allowed_shipments", "forbidden_shipments"):
                for name in getattr(v, key) or ():
                    if name not in shipment_ids:
                        why = (
                            " (an order: use allowed_orders or forbidden_orders)" if name in order_ids else ""
                        )
                        raise InputError(f"vehicle {v.name}: {key}: {name!r} is not a shipment id{why}")
        shipments = []
        for s in self.shipments:
            allowed = resolve_type_names(
                s.allowed_vehicles, self.vehicles, f"shipment {s.id}: allowed_vehicles"
            )
            forbidden = resolve_type_names(
                s.forbidden_vehicles, self.vehicles, f"shipment {s.id}: forbidden_vehicles"
            )
            shipments.append(replace(s, allowed_vehicles=allowed, forbidden_vehicles=forbidden or ()))
        object.__setattr__(self, "shipments", tuple(shipments))

    def _check_load(
        self, label: str, quantity: tuple[float, ...], servers: list[VehicleType] | None = None
    ) -> None:
        """A quantity: one number per dimension, within the capacity of some vehicle type (of ``servers``, if given)."""
        dims = self.settings.dimensions
        if len(quantity) != len(dims):
            raise InputError(f"{label}: quantity needs {len(dims)} number(s) for {list(dims)}")
        fleet = self.vehicles if servers is None else servers
        if not any(all(q <= c for q, c in zip(quantity, v.capacity, strict=True)) for v in fleet):
            which = (
                "every vehicle type"
                if len(fleet) == len(self.vehicles)
                else f"every vehicle type allowed to serve it ({', '.join(v.name for v in fleet)})"
            )
            raise InputError(f"{label}: quantity {list(quantity)} exceeds the capacity of {which}")

    def _resolve(self, vehicle: VehicleType) -> VehicleType:
        """``vehicle`` with the sites of its allowed and forbidden lists named by id; every name checked."""
        if not vehicle.restricted:
            return vehicle
        by_id = {s.id: s for s in self.sites}
        by_name: dict[str, list[Site]] = {}
        for s in self.sites:
            if s.name:
                by_name.setdefault(s.name, []).append(s)
        order_ids = {o.id for o in self.orders}
        shipment_ids = {s.id for s in self.shipments}

        def site_ids(names: tuple[str, ...] | None, field: str) -> tuple[str, ...] | None:
            if names is None:
                return None
            out = []
            for name in names:
                found = [by_id[name]] if name in by_id else by_name.get(name, [])
                if not found:
                    raise InputError(
                        f"vehicle {vehicle.name}: {field}: {name!r} is not the id or name of a site"
                    )
                if len(found) > 1:
                    raise InputError(
                        f"vehicle {vehicle.name}: {field}: {name!r} names {len(found)} sites "
                        f"({', '.join(s.id for s in found)}); give the id"
                    )
                if found[0].kind != "site":
                    raise InputError(
                        f"vehicle {vehicle.name}: {field}: {name!r} is a depot, not a site orders go to"
                    )
                out.append(found[0].id)
            return tuple(out)

        def orders(names: tuple[str, ...] | None, field: str) -> tuple[str, ...] | None:
            for name in names or ():
                if name not in order_ids:
                    why = (
                        " (a shipment: use allowed_shipments or forbidden_shipments)"
                        if name in shipment_ids
                        else ""
                    )
                    raise InputError(f"vehicle {vehicle.name}: {field}: {name!r} is not an order id{why}")
            return names

        return replace(
            vehicle,
            allowed_sites=site_ids(vehicle.allowed_sites, "allowed_sites"),
            allowed_orders=orders(vehicle.allowed_orders, "allowed_orders"),
            forbidden_sites=site_ids(vehicle.forbidden_sites, "forbidden_sites") or (),
            forbidden_orders=orders(vehicle.forbidden_orders, "forbidden_orders") or (),
        )

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
        top = read_fields(
            data,
            "",  # the top level: from_file puts the file's name before the message, a request its field
            {"name", "settings", "sites", "vehicles", "orders", "shipments", "appointments"},
            {"sites", "vehicles"} if "shipments" in data else {"sites", "vehicles", "orders"},
        )
        settings = read_settings(top.get("settings", {}))
        dims = settings.dimensions
        sites = tuple(read_site(s, f"sites[{i}]") for i, s in enumerate(read_array(top["sites"], "sites")))
        vehicles = tuple(
            read_vehicle(v, f"vehicles[{i}]", len(dims))
            for i, v in enumerate(read_array(top["vehicles"], "vehicles"))
        )
        orders = tuple(
            read_order(o, f"orders[{i}]", len(dims))
            for i, o in enumerate(read_array(top.get("orders", []), "orders"))
        )
        slots = read_appointments(top["appointments"], base_dir) if "appointments" in top else {}
        shipments = tuple(
            read_shipment(s, f"shipments[{i}]", len(dims), slots)
            for i, s in enumerate(read_array(top.get("shipments", []), "shipments"))
        )
        name = read_string(top.get("name", "problem"), "name")
        return cls(name, sites, vehicles, orders, settings, base_dir, shipments)

    def to_instance(self) -> Instance:
        """The solver-neutral :class:`~gwangyang.logistics.instance.Instance` of this problem."""
        return problem_to_instance(self)
