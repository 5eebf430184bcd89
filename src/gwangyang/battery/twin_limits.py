"""The twin's cycling voltages against the parameter set's own cut-offs: refused where no cycle can run, warned where beyond.

A PyBaMM parameter set gives the cell's rated window (``Lower voltage cut-off [V]``, ``Upper voltage
cut-off [V]``; Chen2020: 2.5-4.2 V). PyBaMM runs an experiment's own voltages past them without a word: a
Chen2020 cell charged to 4.4 V took 5.63 Ah and discharged 5.48 Ah, a retention of 1.10 of its nominal 5 Ah.
"""

from __future__ import annotations

from typing import Any

from ..errors import InputError
from .twin_config import TwinConfig

UPPER = "Upper voltage cut-off [V]"
LOWER = "Lower voltage cut-off [V]"
TOLERANCE_V = 1e-6
"""Volts within which a cycling voltage equals the set's cut-off."""


def _number(values: Any, key: str) -> float | None:
    """The set's value of ``key`` when it is a number (a set may lack it or give a function)."""
    if key not in values.keys():  # noqa: SIM118 (ParameterValues is not a dict)
        return None
    value = values[key]
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def cycling_limits(config: TwinConfig, values: Any) -> dict[str, float]:
    """The config's cycling settings with ``charge_limit_v`` filled in where the config leaves it out.

    Its default is the parameter set's own ``Upper voltage cut-off [V]`` (Marquis2019: 4.1 V, ORegan2022: 4.4 V;
    it was 4.2 V whatever the set), or ``upper_voltage_v`` where that is lower (the CC steps never pass the
    voltage the CV step holds), or ``upper_voltage_v`` for a set without a numeric cut-off.
    """
    limits = dict(config.limits)
    if "charge_limit_v" not in limits:
        set_upper = _number(values, UPPER)
        upper = limits["upper_voltage_v"]
        limits["charge_limit_v"] = upper if set_upper is None else min(set_upper, upper)
    return limits


def limit_warnings(config: TwinConfig, values: Any = None) -> list[str]:
    """Warnings about the config's cycling voltages beside its parameter set's cut-offs.

    Parameters
    ----------
    config
        The twin config (its ``[cycling]`` voltages and its parameter set).
    values
        The set's ``pybamm.ParameterValues``; default: those the config describes.

    Returns
    -------
    list of str
        One line per voltage beyond the set's window (``upper_voltage_v`` or ``charge_limit_v`` above its upper
        cut-off, ``lower_voltage_v`` below its lower one) and for CC steps limited above the CV voltage.

    Raises
    ------
    InputError
        The cycling window lies wholly outside the set's (no charge or no discharge can happen in it), or
        ``charge_limit_v`` is not above ``lower_voltage_v`` (the CC steps would end at once).
    """
    if values is None:
        from .twin_parameters import parameter_values

        values = parameter_values(config)
    limits = cycling_limits(config, values)
    where, name = config.source, config.parameter_set
    upper, lower, limit = limits["upper_voltage_v"], limits["lower_voltage_v"], limits["charge_limit_v"]
    set_upper, set_lower = _number(values, UPPER), _number(values, LOWER)
    if set_upper is not None and set_lower is not None and (upper <= set_lower or lower >= set_upper):
        raise InputError(
            f"{where}: cycling: {lower:g}-{upper:g} V lies outside {name}'s cut-offs {set_lower:g}-{set_upper:g} V; "
            "no cycle can run there."
        )
    if limit <= lower:
        raise InputError(
            f"{where}: cycling.charge_limit_v = {limit:g} V: expected above lower_voltage_v = {lower:g} V "
            "(the constant-current steps would end at once)."
        )
    warnings = []
    if set_upper is not None:
        for key, volts in (("upper_voltage_v", upper), ("charge_limit_v", limit)):
            if volts > set_upper + TOLERANCE_V:
                warnings.append(
                    f"{where}: cycling.{key} = {volts:g} V is above {name}'s upper voltage cut-off "
                    f"{set_upper:g} V: the twin charges past the cell's rated window (capacities and "
                    "retention above the nominal are possible)."
                )
    if set_lower is not None and lower < set_lower - TOLERANCE_V:
        warnings.append(
            f"{where}: cycling.lower_voltage_v = {lower:g} V is below {name}'s lower voltage cut-off "
            f"{set_lower:g} V: the twin discharges past the cell's rated window."
        )
    if limit > upper + TOLERANCE_V:
        warnings.append(
            f"{where}: cycling.charge_limit_v = {limit:g} V is above upper_voltage_v = {upper:g} V: the "
            "constant-current steps may charge past the voltage the CV step holds."
        )
    return warnings
