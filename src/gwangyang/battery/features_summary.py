"""Per-cycle summary values that the ``full`` feature set reads: charge time, temperature integral, resistance.

Severson et al. 2019's ``full`` set adds to the Q(V) features the mean charge time of cycles 2–6,
the temperature integral over cycles 2–b, the minimum internal resistance over cycles 2–b and the
resistance at cycle b minus cycle 2. They come from a cell's per-cycle summary
(:attr:`~gwangyang.battery.features_curves.CellCurves.summary`, columns :data:`SUMMARY_FOR_FULL`);
a cell without them is refused with a message that names the column and the sets that do not need it.
"""

from __future__ import annotations

import pandas as pd

from ..errors import InputError
from .features_curves import CellCurves

SUMMARY_FOR_FULL: tuple[str, ...] = ("charge_time_s", "temperature_integral_c_s", "internal_resistance_ohm")
"""Per-cycle summary columns that the ``full`` set needs."""


def summary_column(cell: CellCurves, column: str, low: int, high: int) -> pd.Series:
    """One summary column over cycles low..high, indexed by cycle, missing values dropped.

    Raises
    ------
    InputError
        The cell has no such column, or no value of it in the range.
    """
    summary = cell.summary
    if summary is None or column not in summary.columns or "cycle_index" not in summary.columns:
        raise InputError(
            f"{cell.cell}: the full feature set needs per-cycle {column!r}, which this cell does not have; "
            "use the variance or discharge set."
        )
    rows = summary[(summary["cycle_index"] >= low) & (summary["cycle_index"] <= high)]
    values = pd.to_numeric(rows[column], errors="coerce")
    values.index = rows["cycle_index"].to_numpy()
    if values.notna().sum() == 0:
        raise InputError(
            f"{cell.cell}: the full feature set needs {column!r} over cycles {low}–{high}, but none is recorded; "
            "use the variance or discharge set."
        )
    return values.dropna()


def summary_features(cell: CellCurves, last: int) -> dict[str, float]:
    """The ``full`` set's summary features over cycles first..last (2..b in Severson's files).

    Returns
    -------
    dict
        ``mean_charge_time_2_6`` (cycles first..first+4), ``temperature_integral`` (sum),
        ``min_internal_resistance`` and ``internal_resistance_last_minus_2`` (cycle last minus first).
    """
    first = cell.first_cycle
    out: dict[str, float] = {}
    out["mean_charge_time_2_6"] = float(summary_column(cell, "charge_time_s", first, first + 4).mean())
    out["temperature_integral"] = float(summary_column(cell, "temperature_integral_c_s", first, last).sum())
    resistance = summary_column(cell, "internal_resistance_ohm", first, last)
    out["min_internal_resistance"] = float(resistance.min())
    if first not in resistance.index or last not in resistance.index:
        raise InputError(
            f"{cell.cell}: the full feature set needs internal resistance at cycles {first} and {last}."
        )
    out["internal_resistance_last_minus_2"] = float(resistance.loc[last] - resistance.loc[first])
    return out
