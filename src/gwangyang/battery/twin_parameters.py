"""The PyBaMM parameter values a twin config describes, checked: every name known to the set, no unphysical override.

A config's ``[parameters]`` and ``[variation]`` name PyBaMM parameters with PyBaMM's units in brackets
(``"Nominal cell capacity [A.h]"``); a name with another unit is another name and is refused with the
closest known names.
"""

from __future__ import annotations

import difflib
import os
from typing import Any

from ..errors import InputError
from ..written import as_written
from .twin_config import TwinConfig


def pybamm_module() -> Any:
    """PyBaMM, imported on first use."""
    # PyBaMM is heavy (several seconds to import) and would send usage telemetry unless told not to.
    os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")
    import pybamm

    return pybamm


def _parameter_set(pybamm: Any, name: str, where: str) -> Any:
    try:
        return pybamm.ParameterValues(name)
    except Exception as exc:  # PyBaMM's message lists every set on its own line
        known = sorted(getattr(pybamm, "parameter_sets", {}))
        shown = f"; known: {', '.join(known)}" if known else f" ({type(exc).__name__})"
        raise InputError(f"{where} {name!r}: not a PyBaMM parameter set{shown}.") from exc


def parameter_values(config: TwinConfig, factors: dict[str, float] | None = None) -> Any:
    """The ``pybamm.ParameterValues`` a config describes, with one cell's variation factors applied.

    Raises
    ------
    InputError
        An unknown parameter set, a ``[parameters]`` or ``[variation]`` name the set does not have
        (the closest names are shown: a unit other than PyBaMM's is another name), a varied
        parameter that is a function rather than a number, or an override that is unphysical: negative
        where the set's value is positive, or not positive for a temperature, capacity, length, area
        or volume.
    """
    pybamm = pybamm_module()
    values = _parameter_set(pybamm, config.parameter_set, f"{config.source}: model.parameter_set")
    if config.degradation_from:
        # A set without degradation parameters (e.g. Prada2013) borrows those it lacks from another.
        donor = _parameter_set(pybamm, config.degradation_from, f"{config.source}: model.degradation_from")
        missing = {k: donor[k] for k in donor.keys() if k not in values.keys()}  # noqa: SIM118
        values.update(missing, check_already_exists=False)
    known = list(values.keys())
    for table, keys in (("parameters", config.parameters), ("variation", config.variation)):
        for key in keys:
            if key not in values.keys():  # noqa: SIM118 (ParameterValues is not a dict)
                close = difflib.get_close_matches(key, known, n=2, cutoff=0.75)
                hint = f"; closest: {', '.join(repr(c) for c in close)}" if close else ""
                raise InputError(
                    f"{config.source}: {table}.{key!r} is not a parameter of {config.parameter_set}{hint}."
                )
    for key in config.variation:
        if not isinstance(values[key], (int, float)):
            raise InputError(
                f"{config.source}: variation.{key!r}: {config.parameter_set} gives it as a "
                f"{type(values[key]).__name__}, not a number; only numbers can vary."
            )
    for key, value in config.parameters.items():
        default = values[key]
        positive = key.rstrip().endswith(_POSITIVE_UNITS)
        if (positive and value <= 0) or (isinstance(default, (int, float)) and default > 0 > value):
            raise InputError(
                f"{config.source}: parameters.{key!r} = {as_written(value)}: expected a positive number "
                f"({config.parameter_set} has {_shown(default)})."
            )
    values.update(dict(config.parameters))
    # A cell's factor multiplies the config's value where it overrides the set's (it multiplied the set's).
    values.update({k: values[k] * f for k, f in (factors or {}).items()})
    return values


_POSITIVE_UNITS = ("[K]", "[A.h]", "[m]", "[m2]", "[m3]")
"""Units of parameters that must be positive whatever the set says (temperatures, capacities, sizes)."""


def _shown(value: Any) -> str:
    return f"{value:g}" if isinstance(value, (int, float)) else f"a {type(value).__name__}"
