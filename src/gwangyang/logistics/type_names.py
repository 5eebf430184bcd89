"""Vehicle type names: one name per type, compared as a reader sees them, wherever a name is used.

A vehicle type is known by its ``name`` everywhere: in a result's routes (``vehicle_type``), in the exports,
in the checker's messages and in a shipment's ``allowed_vehicles`` / ``forbidden_vehicles``. Two types of one
name would make those ambiguous (a route of one type read as the other's), so a problem with two is refused.

Two names are the same when they are equal after Unicode NFC normalisation and with surrounding white space
removed (:func:`name_key`): ``"탱크로리"`` typed on one system and its decomposed form (NFD, conjoining jamo, as
macOS file names and some copies write Hangul), or with a trailing space, look the same to a dispatcher, so they
name one type. The name itself is kept as the file writes it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from ..errors import InputError
from .entities import VehicleType


def name_key(name: str) -> str:
    """The form in which vehicle type names are compared: NFC, without surrounding white space."""
    return unicodedata.normalize("NFC", name).strip()


def check_type_names(vehicles: Sequence[VehicleType]) -> None:
    """Refuse an empty vehicle type name and a name two types share (:func:`name_key`), naming the rows.

    Raises
    ------
    InputError
        ``vehicles[1]: vehicle type name is empty``, or ``vehicles[0], vehicles[2]: vehicle type name '탱크로리'
        is used by 2 types (...)``: the rows (from 0, as the file's ``[[vehicles]]`` tables) and the name.
    """
    rows: dict[str, list[int]] = {}
    for k, v in enumerate(vehicles):
        key = name_key(v.name)
        if not key:
            raise InputError(f"vehicles[{k}]: vehicle type name is empty (got {v.name!r})")
        rows.setdefault(key, []).append(k)
    for key, found in rows.items():
        if len(found) > 1:
            where = ", ".join(f"vehicles[{k}]" for k in found)
            written = list(dict.fromkeys(vehicles[k].name for k in found))
            if len(written) == 1:
                raise InputError(
                    f"{where}: vehicle type name {key!r} is used by {len(found)} types (each type needs a "
                    "name of its own)"
                )
            raise InputError(
                f"{where}: vehicle type name {key!r} is used by {len(found)} types, written "
                f"{', '.join(repr(n) for n in written)} (each type needs a name of its own: names are compared "
                "without surrounding spaces and in Unicode NFC, so decomposed Hangul is the same name)"
            )


def resolve_type_names(
    names: tuple[str, ...] | None, vehicles: Sequence[VehicleType], where: str
) -> tuple[str, ...] | None:
    """``names`` (a shipment's vehicle list) as the vehicle types' own names; each must name one type.

    Raises
    ------
    InputError
        A name no type has (the types listed), or two entries naming one type.
    """
    if names is None:
        return None
    by_key = {name_key(v.name): v.name for v in vehicles}
    out: list[str] = []
    for name in names:
        found = by_key.get(name_key(name))
        if found is None:
            raise InputError(
                f"{where}: {name!r} is not a vehicle type (expected one of "
                f"{', '.join(v.name for v in vehicles)})"
            )
        if found in out:
            raise InputError(f"{where}: {name!r} names vehicle type {found!r} again")
        out.append(found)
    return tuple(out)
