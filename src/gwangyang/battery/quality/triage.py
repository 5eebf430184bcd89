"""Triage of retired cells into second life, reuse or recycling, with the value of their materials.

Grading rules are configurable (TOML, see :class:`TriageRules`): a cell goes to the first grade
whose limits it meets, in the order second life → reuse → recycle. The SOH comes from the pulse
test (:class:`~gwangyang.battery.quality.pulse.PulseSOHEstimator`) unless the table gives a
measured one; resistance and self-discharge limits apply when the table has those columns. The
value is that of the recoverable cathode metals (:func:`~gwangyang.battery.quality.materials.material_value`)
at the rules' prices and recovery rates.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ...errors import InputError
from ...files import read_toml
from ...written import as_written
from .materials import EU_RECOVERY_TARGETS_2031, cathode, element_masses_kg, material_value
from .pulse import PULSE_COLUMNS, PulseSOHEstimator
from .tables import require_column

ILLUSTRATIVE_PRICES_USD_PER_KG: dict[str, float] = {
    # Illustrative round numbers for examples and tests, NOT market quotes: set your own in the rules file.
    "Li": 60.0,
    "Ni": 17.0,
    "Co": 30.0,
    "Mn": 2.0,
    "Fe": 0.1,
    "Al": 2.0,
}
"""Example metal prices (USD/kg), illustrative only."""

GRADES = ("second_life", "reuse", "recycle")


@dataclass(frozen=True)
class GradeLimits:
    """Limits a cell must meet for one grade; None = not checked."""

    min_soh: float
    max_resistance_mohm: float | None = None
    max_self_discharge_mv_per_day: float | None = None


@dataclass
class TriageRules:
    """Grading limits, prices and recovery rates.

    Defaults: second life at SOH ≥ 0.8, reuse at SOH ≥ 0.6, else recycle; recovery rates are the EU
    2023/1542 targets for 2031; prices are :data:`ILLUSTRATIVE_PRICES_USD_PER_KG`.
    """

    second_life: GradeLimits = field(default_factory=lambda: GradeLimits(0.8))
    reuse: GradeLimits = field(default_factory=lambda: GradeLimits(0.6))
    prices_per_kg: dict[str, float] = field(default_factory=lambda: dict(ILLUSTRATIVE_PRICES_USD_PER_KG))
    recovery: dict[str, float] = field(default_factory=lambda: dict(EU_RECOVERY_TARGETS_2031))
    currency: str = "USD"
    resistance_column: str = "resistance_mohm"
    self_discharge_column: str = "self_discharge_mv_per_day"

    @classmethod
    def from_toml(cls, path: str | os.PathLike[str]) -> TriageRules:
        """Read rules from a TOML file.

        The file looks like this (every key optional)::

        currency = "USD"
        [second_life]
        min_soh = 0.8
        max_resistance_mohm = 1.5        # optional
        max_self_discharge_mv_per_day = 2 # optional
        [reuse]
        min_soh = 0.6
        [prices_per_kg]
        Li = 60.0
        [recovery]
        Li = 0.8
        """
        path = Path(path)
        data = read_toml(path, "rules")
        rules = cls()
        known = {"second_life", "reuse", "prices_per_kg", "recovery", "currency"}
        known |= {"resistance_column", "self_discharge_column"}
        extra = sorted(set(data) - known)
        if extra:
            raise InputError(f"{path}: unknown key {extra[0]!r} (expected {', '.join(sorted(known))}).")
        for grade in ("second_life", "reuse"):
            if grade in data:
                spec = data[grade]
                allowed = {"min_soh", "max_resistance_mohm", "max_self_discharge_mv_per_day"}
                bad = sorted(set(spec) - allowed)
                if bad:
                    raise InputError(f"{path}: [{grade}] unknown key {bad[0]!r}.")
                try:
                    limits = GradeLimits(**{k: float(v) for k, v in spec.items()} | {})
                except TypeError as exc:
                    raise InputError(f"{path}: [{grade}] needs min_soh.") from exc
                except ValueError as exc:
                    raise InputError(f"{path}: [{grade}] limits must be numbers.") from exc
                setattr(rules, grade, limits)
        for table in ("prices_per_kg", "recovery"):
            if table in data:
                try:
                    values = {str(k): float(v) for k, v in data[table].items()}
                except (ValueError, TypeError, AttributeError) as exc:
                    raise InputError(f"{path}: [{table}] must map elements to numbers.") from exc
                getattr(rules, table).update(values)
        for key in ("currency", "resistance_column", "self_discharge_column"):
            if key in data:
                setattr(rules, key, str(data[key]))
        rules.validate(str(path))
        return rules

    def validate(self, source: str = "rules") -> None:
        """Check the limits are consistent."""
        for name in ("second_life", "reuse"):
            soh = getattr(self, name).min_soh
            if not 0 < soh <= 1.2:
                raise InputError(f"{source}: {name}.min_soh must be in (0, 1.2], got {soh}.")
        if self.reuse.min_soh > self.second_life.min_soh:
            raise InputError(f"{source}: reuse.min_soh must not exceed second_life.min_soh.")
        for element, rate in self.recovery.items():
            if not 0 <= rate <= 1:
                raise InputError(f"{source}: recovery rate of {element} must be in [0, 1], got {rate}.")
        for element, price in self.prices_per_kg.items():
            if price < 0:
                raise InputError(f"{source}: price of {element} must not be negative, got {price}.")

    def grade(
        self, soh: float, resistance: float | None, self_discharge: float | None
    ) -> tuple[str, list[str]]:
        """Grade of one cell and the reasons it missed the better grades."""
        reasons: list[str] = []
        for name in ("second_life", "reuse"):
            limits: GradeLimits = getattr(self, name)
            missed = []
            if soh < limits.min_soh:
                missed.append(f"SOH {soh:.3f} < {limits.min_soh:g} for {name}")
            limit_r = limits.max_resistance_mohm
            if limit_r is not None and resistance is not None and resistance > limit_r:
                missed.append(f"resistance {resistance:g} mΩ > {limit_r:g} for {name}")
            limit_sd = limits.max_self_discharge_mv_per_day
            if limit_sd is not None and self_discharge is not None and self_discharge > limit_sd:
                missed.append(f"self-discharge {self_discharge:g} mV/day > {limit_sd:g} for {name}")
            if not missed:
                return name, reasons
            reasons.extend(missed)
        return "recycle", reasons


def _optional_column(table: pd.DataFrame, column: str, source: str) -> pd.Series | None:
    if column not in table.columns:
        return None
    values = pd.to_numeric(table[column], errors="coerce")
    if values.isna().any() and table[column].notna().any():
        bad = table[column][values.isna() & table[column].notna()]
        if len(bad):
            raise InputError(f"{source}: column {column!r} must be numeric, found {as_written(bad.iloc[0])}.")
    return values


def triage(
    table: pd.DataFrame,
    estimator: PulseSOHEstimator | None = None,
    rules: TriageRules | None = None,
    source: str = "table",
) -> dict[str, Any]:
    """Grade each cell and value its recoverable materials.

    Parameters
    ----------
    table
        One or more rows per cell with ``id``, ``chemistry``, ``nominal_capacity_ah`` and either the
        pulse voltages ``u1_v..u21_v`` or a measured ``soh``; optional resistance and self-discharge
        columns (names in ``rules``). Several rows of one cell (pulses at several SOC) are combined by
        the median.
    estimator
        A fitted pulse estimator; needed when ``soh`` is not given.
    rules
        Grading limits and prices; default :class:`TriageRules`.
    source
        Table name in error messages.

    Returns
    -------
    dict
        ``{"cells": [{"id", "chemistry", "soh", "soh_low", "soh_high", "soh_source", "grade",
        "reasons", "value", "metals_kg"}], "totals": {...}, "currency", "rules"}``.
    """
    rules = rules or TriageRules()
    rules.validate()
    for column in ("id", "chemistry", "nominal_capacity_ah"):
        require_column(table, column, "column", source)
    if table.empty:
        raise InputError(f"{source}: no cells.")
    nominal = pd.to_numeric(table["nominal_capacity_ah"], errors="coerce")
    if nominal.isna().any() or (nominal <= 0).any():
        raise InputError(f"{source}: nominal_capacity_ah must be a positive number in every row.")
    for chem in table["chemistry"].astype(str).unique():
        cathode(chem)  # unknown chemistry -> InputError naming it
    has_pulse = all(c in table.columns for c in PULSE_COLUMNS)
    if has_pulse:
        if estimator is None:
            raise InputError(f"{source}: pulse voltages given but no pulse estimator.")
        estimate = estimator.predict(table, source)
        soh_source = "pulse"
    elif "soh" in table.columns:
        measured = _optional_column(table, "soh", source)
        assert measured is not None
        estimate = pd.DataFrame({"soh": measured, "soh_low": np.nan, "soh_high": np.nan}, index=table.index)
        soh_source = "measured"
    else:
        raise InputError(f"{source}: needs pulse voltages u1_v..u21_v or a soh column.")
    work = pd.DataFrame(
        {
            "id": table["id"].astype(str),
            "chemistry": table["chemistry"].astype(str).str.strip().str.upper(),
            "nominal": nominal,
            **estimate,
        }
    )
    resistance = _optional_column(table, rules.resistance_column, source)
    discharge = _optional_column(table, rules.self_discharge_column, source)
    work["resistance"] = resistance if resistance is not None else np.nan
    work["self_discharge"] = discharge if discharge is not None else np.nan
    cells: list[dict[str, Any]] = []
    totals: dict[str, dict[str, float]] = {g: {"cells": 0, "value": 0.0} for g in GRADES}
    # a cell is its id within its chemistry and format: two workbooks may both number their cells 1, 2, ...
    for (cell_id, _, _), rows in work.groupby(["id", "chemistry", "nominal"], sort=False):
        chem = str(rows["chemistry"].iloc[0])
        capacity = float(rows["nominal"].iloc[0])
        soh = float(rows["soh"].median())
        res = float(rows["resistance"].median()) if rows["resistance"].notna().any() else None
        sd = float(rows["self_discharge"].median()) if rows["self_discharge"].notna().any() else None
        grade, reasons = rules.grade(soh, res, sd)
        value = material_value(chem, capacity, rules.prices_per_kg, rules.recovery)
        masses = element_masses_kg(chem, capacity)
        has_interval = bool(rows["soh_low"].notna().any())
        low = float(rows["soh_low"].median()) if has_interval else np.nan
        high = float(rows["soh_high"].median()) if has_interval else np.nan
        cells.append(
            {
                "id": str(cell_id),
                "chemistry": chem,
                "soh": round(soh, 4),
                "soh_low": round(low, 4) if has_interval else None,
                "soh_high": round(high, 4) if has_interval else None,
                "soh_source": soh_source,
                "grade": grade,
                "reasons": reasons,
                "value": round(value, 4),
                "metals_kg": {e: round(m, 6) for e, m in masses.items()},
            }
        )
        totals[grade]["cells"] += 1
        totals[grade]["value"] += value
    for grade in GRADES:
        totals[grade]["value"] = round(totals[grade]["value"], 2)
    batch = {
        "cells": len(cells),
        "value": round(sum(c["value"] for c in cells), 2),
        "by_grade": totals,
    }
    return {
        "cells": cells,
        "totals": batch,
        "currency": rules.currency,
        "prices_illustrative": rules.prices_per_kg == ILLUSTRATIVE_PRICES_USD_PER_KG,
    }
