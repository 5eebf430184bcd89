"""The PyBaMM twin's configuration: model, parameter set, degradation options, cycling and cell-to-cell variation.

Config file::

    [model]                              # these four keys only; another is refused
    name = "SPM"                         # SPM, SPMe or DFN
    parameter_set = "OKane2022"          # any pybamm.ParameterValues set
    [model.options]                      # PyBaMM model options
    SEI = "solvent-diffusion limited"
    "lithium plating" = "partially reversible"
    [cycling]
    upper_voltage_v = 4.2
    lower_voltage_v = 2.5
    charge_limit_v = 4.2                 # where the CC steps stop; default: the set's "Upper voltage cut-off [V]"
    discharge_c = 1.0
    cv_cutoff_c = 0.05
    discharge_cv_cutoff_c = 0.05         # the discharge holds lower_voltage_v until C/20 (Attia 2020); 0: CC only
    rest_min = 5.0
    period_s = 30.0
    [variation]                          # relative standard deviation of a log-normal factor
    "SEI solvent diffusivity [m2.s-1]" = 0.2
    [parameters]                         # overrides of the parameter set
    "Ambient temperature [K]" = 298.15
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..files import read_toml
from ..written import as_written

DEFAULT_CONFIG = Path(__file__).with_name("twin_a123_lfp.toml")
"""The shipped config: A123 LFP (Prada2013) with O'Kane et al. 2022's SEI and plating, SPM, Attia's cycling."""
OKANE_CONFIG = Path(__file__).with_name("twin_okane2022.toml")
"""The other shipped config: O'Kane et al. 2022 (PCCP 24:7909) LG M50 (NMC811, 5 Ah), SPM, SEI + plating."""
MODELS = ("SPM", "SPMe", "DFN")
_CYCLING_KEYS = {
    "upper_voltage_v": 4.2,
    "lower_voltage_v": 2.5,
    "discharge_c": 1.0,
    "cv_cutoff_c": 0.05,
    "discharge_cv_cutoff_c": 0.05,
    "rest_min": 5.0,
    "period_s": 30.0,
}
OPTIONAL_CYCLING = ("charge_limit_v",)
"""Cycling keys without a fixed default: ``charge_limit_v`` is the parameter set's own upper cut-off (or
``upper_voltage_v`` where that is lower; :func:`~gwangyang.battery.twin_limits.cycling_limits`)."""


@dataclass(frozen=True)
class TwinConfig:
    """Model, parameter set, degradation options, cycling limits and cell-to-cell variation."""

    model: str = "SPM"
    parameter_set: str = "OKane2022"
    options: dict[str, str] = field(default_factory=dict)
    degradation_from: str | None = None
    cycling: dict[str, float] = field(default_factory=lambda: dict(_CYCLING_KEYS))
    variation: dict[str, float] = field(default_factory=dict)
    parameters: dict[str, float] = field(default_factory=dict)
    source: str = "twin config"

    def __post_init__(self) -> None:
        where = self.source
        if self.model not in MODELS:
            raise InputError(
                f"{where}: model.name: expected one of {', '.join(MODELS)}, got {as_written(self.model)}."
            )
        unknown = set(self.cycling) - set(_CYCLING_KEYS) - set(OPTIONAL_CYCLING)
        if unknown:
            raise InputError(f"{where}: cycling: unknown key(s) {', '.join(sorted(unknown))}.")
        for key, value in {**self.cycling, **self.variation, **self.parameters}.items():
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
                raise InputError(f"{where}: {key}: expected a finite number, got {as_written(value)}.")
        for key, value in self.variation.items():
            if value < 0:
                raise InputError(
                    f"{where}: variation.{key}: expected a relative std >= 0, got {as_written(value)}."
                )
        c = {**_CYCLING_KEYS, **self.cycling}
        if not c["lower_voltage_v"] < c["upper_voltage_v"]:
            raise InputError(f"{where}: cycling: expected lower_voltage_v < upper_voltage_v.")
        for key in ("discharge_c", "cv_cutoff_c", "period_s"):
            if c[key] <= 0:
                raise InputError(
                    f"{where}: cycling.{key}: expected a positive number, got {as_written(c[key])}."
                )
        if c["discharge_cv_cutoff_c"] < 0:
            raise InputError(
                f"{where}: cycling.discharge_cv_cutoff_c: expected a C-rate >= 0 (0: no hold after the discharge), "
                f"got {as_written(c['discharge_cv_cutoff_c'])}."
            )

    @property
    def limits(self) -> dict[str, float]:
        """Cycling settings with defaults filled in.

        ``charge_limit_v`` only where the config gives it: its default depends on the parameter set
        (:func:`~gwangyang.battery.twin_limits.cycling_limits`).
        """
        return {**_CYCLING_KEYS, **{k: float(v) for k, v in self.cycling.items()}}

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "twin config") -> TwinConfig:
        """Build from a config document (the TOML file's dict)."""
        unknown = set(data) - {"model", "cycling", "variation", "parameters"}
        if unknown:
            raise InputError(f"{source}: unknown key(s) {', '.join(sorted(unknown))}.")
        model = data.get("model", {})
        if not isinstance(model, dict):
            raise InputError(f"{source}: model: expected a table with name and parameter_set.")
        unknown = set(model) - {"name", "parameter_set", "degradation_from", "options"}
        if unknown:
            raise InputError(
                f"{source}: model: unknown key(s) {', '.join(sorted(unknown))}; "
                "expected name, parameter_set, degradation_from, options."
            )
        options = model.get("options", {})
        if not isinstance(options, dict) or not all(isinstance(v, str) for v in options.values()):
            raise InputError(f'{source}: model.options: expected a table of "option" = "value".')
        for key in ("cycling", "variation", "parameters"):
            if not isinstance(data.get(key, {}), dict):
                raise InputError(f"{source}: {key}: expected a table.")
        return cls(
            model=str(model.get("name", "SPM")),
            parameter_set=str(model.get("parameter_set", "OKane2022")),
            degradation_from=None
            if model.get("degradation_from") is None
            else str(model["degradation_from"]),
            options={str(k): str(v) for k, v in options.items()},
            cycling=dict(data.get("cycling", {})),
            variation=dict(data.get("variation", {})),
            parameters=dict(data.get("parameters", {})),
            source=source,
        )

    @classmethod
    def from_file(cls, path: str | Path = DEFAULT_CONFIG) -> TwinConfig:
        """Read a TOML config file."""
        return cls.from_dict(read_toml(path, "twin config"), source=str(path))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the config file's tables)."""
        return {
            "model": {
                "name": self.model,
                "parameter_set": self.parameter_set,
                "degradation_from": self.degradation_from,
                "options": dict(self.options),
            },
            "cycling": self.limits,
            "variation": dict(self.variation),
            "parameters": dict(self.parameters),
        }

    def with_model(self, model: str) -> TwinConfig:
        """The same config with another model (SPM, SPMe, DFN)."""
        from dataclasses import replace

        return replace(self, model=model)
