"""A point of a search space as the charging protocol the twin runs, read through the one protocol parser.

A space's parameters (and derived columns) name the protocol's parts:

* ``cc1`` ... ``ccN``: the C-rate of each constant-current step (1 to 20 steps, none left out);
* ``soc1`` ... ``soc{N-1}``: the % SOC at which step ``k`` ends (a CC(SOC%)-CC policy, ``5.4C(40%)-3.6C`` is
  ``cc1 = 5.4, soc1 = 40, cc2 = 3.6``); without them the window is split equally;
* ``soc_from``, ``soc_to``: the SOC window in % (default 0-80, as Attia's and Severson's policies);
* ``protocol``: a text category holding the whole protocol (``"6-5-4@0-80"``, ``"4.8-5.2-5.2"``).

Attia's spaces (``cc1``-``cc3``, CC4 derived or from the 10-minute charge, and nothing else) keep their four steps
of 20 % SOC (:class:`~gwangyang.battery.protocols.ChargingProtocol`, whose cache keys the twin keeps). Any other
point is written ``RATES@FROM-TO`` and read by :func:`~gwangyang.battery.step_protocol.parse_protocol`, so the
twin loop takes what ``gwangyang battery twin simulate`` takes and refuses what it refuses. A parameter the twin
cannot read (``temperature_c``) is refused in one line naming the space and the parameter: simulating without it
would give the same value to points that differ.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from itertools import pairwise
from typing import Any

from ..battery.protocols import ChargingProtocol
from ..battery.step_protocol import MAX_C_RATE, MAX_STEPS, StepProtocol, parse_protocol
from ..errors import InputError
from ..written import as_written

DEFAULT_WINDOW = (0.0, 80.0)
"""SOC window (%) of a space that names no ``soc_from``/``soc_to``: Attia's and Severson's 0-80 %."""
READS = (
    "the twin reads cc1..ccN (C-rates), soc1..socN-1 (the SOC in percent each step ends at), soc_from/soc_to "
    "(the window, default 0-80) or a text protocol (RATES@FROM-TO)."
)
"""What a refusal says the twin reads."""

_RATE = re.compile(r"cc(\d+)")
_SWITCH = re.compile(r"soc(\d+)")
_WINDOW = ("soc_from", "soc_to")


def _index(pattern: re.Pattern[str], key: str) -> int | None:
    match = pattern.fullmatch(key)
    return int(match.group(1)) if match else None


def _known(key: str) -> bool:
    return key == "protocol" or key in _WINDOW or any(p.fullmatch(key) for p in (_RATE, _SWITCH))


def _number(point: Mapping[str, Any], key: str, where: str) -> float:
    value = point[key]
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if isinstance(value, bool) or not math.isfinite(number):
        raise InputError(f"{where}: parameter {key} = {as_written(value)}: expected a finite number.")
    return number


def _text(value: float) -> str:
    return f"{value:.12g}"


def point_protocol(
    point: Mapping[str, Any], source: str = "space", derived: Collection[str] = ()
) -> ChargingProtocol | StepProtocol:
    """The protocol a point of a space stands for (see the module's docstring).

    Parameters
    ----------
    point
        The point's parameters and derived columns by name.
    source
        The space (its file), for the messages.
    derived
        Names of ``point`` that are derived columns: one the twin does not read is left out (it is computed from
        the parameters); a parameter the twin does not read is refused.

    Raises
    ------
    InputError
        One line, ``twin loop: SOURCE: parameter NAME: ...``: a parameter the twin does not read, a step left out,
        a switch point of no step, a text protocol beside C-rates, or a protocol the parser refuses.
    """
    where = f"twin loop: {source}"
    keys = [str(k) for k in point]
    unknown = [k for k in keys if not _known(k) and k not in derived]
    if unknown:
        raise InputError(f"{where}: parameter {unknown[0]}: not part of a charging protocol; {READS}")
    rates = sorted((i, k) for k in keys if (i := _index(_RATE, k)) is not None)
    switches = sorted((i, k) for k in keys if (i := _index(_SWITCH, k)) is not None)
    if "protocol" in point:
        other = [k for _, k in rates + switches] + [k for k in _WINDOW if k in point]
        if other:
            raise InputError(
                f"{where}: parameter {other[0]}: beside a text protocol (give one or the other)."
            )
        return _parsed(str(point["protocol"]), f"{where}: parameter protocol")
    if not rates:
        raise InputError(f"{where}: no C-rate parameter cc1 among {', '.join(keys) or 'none'}; {READS}")
    steps = rates[-1][0]
    if steps > MAX_STEPS:
        raise InputError(f"{where}: parameter {rates[-1][1]}: the twin runs 1 to {MAX_STEPS} steps.")
    have = {i for i, _ in rates}
    gap = [i for i in range(1, steps + 1) if i not in have]
    if gap:
        raise InputError(
            f"{where}: parameter cc{gap[0]} missing: the space has cc{steps} (steps 1 to {steps})."
        )
    late = [k for i, k in switches if not 1 <= i < steps]
    if late:
        raise InputError(
            f"{where}: parameter {late[0]}: the space has {steps} step(s), and the last one ends at soc_to."
        )
    if switches and len(switches) != steps - 1:
        lacking = next(f"soc{i}" for i in range(1, steps) if f"soc{i}" not in point)
        raise InputError(
            f"{where}: parameter {lacking} missing: give every step but the last its end, or none."
        )
    values = [_number(point, k, where) for _, k in rates]
    for (_, key), rate in zip(rates, values, strict=True):
        if not 0 < rate <= MAX_C_RATE:
            raise InputError(
                f"{where}: parameter {key} = {rate:g}: expected a C-rate above 0 and at most {MAX_C_RATE:g} C."
            )
    if not switches and not any(k in point for k in _WINDOW) and steps in (3, 4):
        return _attia(values, where)
    start = _number(point, "soc_from", where) if "soc_from" in point else DEFAULT_WINDOW[0]
    end = _number(point, "soc_to", where) if "soc_to" in point else DEFAULT_WINDOW[1]
    for key, value in (("soc_from", start), ("soc_to", end)):
        if not 0 <= value <= 100:
            raise InputError(f"{where}: parameter {key} = {value:g}: expected a SOC from 0 to 100 %.")
    if not switches and not start < end:
        key = "soc_from" if "soc_to" not in point else "soc_to"
        raise InputError(
            f"{where}: parameter {key}: the window {start:g}-{end:g} % is empty (expected soc_from < soc_to)."
        )
    window = f"@{_text(start)}-{_text(end)}"
    if not switches:
        return _parsed("-".join(map(_text, values)) + window, where)
    ends = [_number(point, k, where) for _, k in switches]
    bounds = [start, *ends, end]
    for k in range(1, len(bounds)):
        if not bounds[k] > bounds[k - 1]:
            name = f"soc{k}" if k <= len(ends) else "soc_to"
            before = "soc_from" if k == 1 else f"soc{k - 1}"
            raise InputError(
                f"{where}: parameter {name} = {bounds[k]:g} is not above {before} = {bounds[k - 1]:g} "
                f"(add the constraint '{before} < {name}' to the space)."
            )
    widths = [b - a for a, b in pairwise(bounds)]
    text = "-".join(f"{_text(c)}x{_text(w)}" for c, w in zip(values, widths, strict=True))
    return _parsed(text + window, where)


def _attia(values: list[float], where: str) -> ChargingProtocol:
    """Attia's four steps of 20 % SOC (CC4 given, or from the 10-minute charge)."""
    if len(values) == 4:
        if not values[3] > 0:
            raise InputError(f"{where}: parameter cc4 = {as_written(values[3])}; expected a positive C-rate.")
        return ChargingProtocol(*values)
    return ChargingProtocol.from_rates(*values)


def _parsed(text: str, where: str) -> ChargingProtocol | StepProtocol:
    """``parse_protocol``, its refusal led by the space and the parameter."""
    try:
        return parse_protocol(text)
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from exc


def space_protocol_check(names: Collection[str], derived: Collection[str], source: str) -> None:
    """Refuse a space the twin cannot run before any simulation (its parameters' names; see :func:`point_protocol`).

    Raises
    ------
    InputError
        A parameter the twin does not read, or no ``cc1`` and no ``protocol``.
    """
    keys = [*names, *(d for d in derived if _known(d))]
    unknown = [k for k in names if not _known(k)]
    if unknown:
        raise InputError(
            f"twin loop: {source}: parameter {unknown[0]}: not part of a charging protocol; {READS}."
        )
    if "protocol" not in keys and "cc1" not in keys:
        raise InputError(
            f"twin loop: {source}: no C-rate parameter cc1 among {', '.join(map(str, names))}; {READS}"
        )
