"""Plausibility checks on a cell's cycles: what is suspect is reported, never dropped silently.

Each check returns warning records ``{"file", "cell_id", "kind", "detail"}`` (see
:func:`gwangyang.battery.schema.warning`); a check that fires on many cycles gives one record that
counts them and names the first few.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from . import schema as s
from .kinds import MIN_STEP_ROWS, undersampled_cycles

NOMINAL_FACTOR = 2.0
"""A cycle moving more than this times the cell's nominal capacity is suspect."""

NEIGHBOUR_FACTOR = 3.0
"""A cycle moving more than this times the median of its neighbours is suspect."""

NEIGHBOURS = 5
"""Cycles on each side whose median a cycle is compared with."""

EFFICIENCY_RANGE = (0.8, 1.2)
"""Coulombic efficiency outside this range on a complete cycle is suspect."""

LISTED = 5
"""Cycles named in one warning before the rest are only counted."""


def _cycles_text(cycles: np.ndarray, values: np.ndarray, unit: str) -> str:
    named = ", ".join(
        f"{int(c)} ({v:.4g}{unit})" for c, v in zip(cycles[:LISTED], values[:LISTED], strict=True)
    )
    more = f" and {len(cycles) - LISTED} more" if len(cycles) > LISTED else ""
    return named + more


def neighbour_median(values: np.ndarray, width: int = NEIGHBOURS) -> np.ndarray:
    """Median of the ``2 * width + 1`` values centred on each value (fewer at the ends).

    The value itself is in its window: one outlier cannot move the median of eleven. Missing and
    infinite values are left out of the windows (as pandas' rolling median does).
    """
    values = np.asarray(values, dtype="float64")
    n = len(values)
    if n == 0:
        return values.copy()
    padded = np.full(n + 2 * width, np.nan)
    padded[width : width + n] = np.where(np.isfinite(values), values, np.nan)  # as pandas: inf is missing
    # NaN (padding, missing) sorts last: the first `count` of each window are its values
    windows = np.sort(padded[np.arange(n)[:, None] + np.arange(2 * width + 1)], axis=1)
    count = np.isfinite(windows).sum(axis=1)
    rows = np.arange(n)
    low = windows[rows, np.maximum((count - 1) // 2, 0)]
    high = windows[rows, np.maximum(count // 2, 0)]
    return np.where(count > 0, (low + high) / 2.0, np.nan)


def check_cycles(
    cycles: pd.DataFrame,
    nominal_ah: float | None,
    file_of: Callable[[int], str] | None = None,
    cell_id: str | None = None,
    steps: pd.DataFrame | None = None,
) -> list[dict[str, str]]:
    """Warnings on a per-cycle summary with ``complete`` flags.

    * ``cycle_too_large``: charge or discharge over :data:`NOMINAL_FACTOR` x the nominal capacity,
      or over :data:`NEIGHBOUR_FACTOR` x the median of its :data:`NEIGHBOURS` neighbours on each side;
    * ``coulombic_efficiency``: outside :data:`EFFICIENCY_RANGE` on a complete cycle;
    * ``undersampled``: cycles whose charge or discharge steps are logged too thinly to integrate their
      capacity (with ``steps``; see :data:`~gwangyang.battery.kinds.MIN_STEP_ROWS`); they are not complete;
    * ``incomplete_cycles``: how many cycles are not complete (summaries leave them out).

    Complete cycles with an implausible coulombic efficiency stay in the cycles table; health, life and
    fleet figures leave out those above the band (a charge cut short; see
    :func:`~gwangyang.battery.cycles.usable_cycles`).

    Parameters
    ----------
    cycles
        The cell's per-cycle summary (``cycle_index``, capacities, ``coulombic_efficiency``, ``complete``).
    nominal_ah
        The cell's nominal capacity, when known.
    file_of
        The source file of a cycle, for the ``file`` field; default none.
    cell_id
        The cell, for the ``cell_id`` field.
    steps
        The cell's steps table, for the ``undersampled`` check; default none (not checked).
    """
    out: list[dict[str, str]] = []
    if len(cycles) == 0:
        return out
    index = cycles[s.CYCLE].to_numpy()
    complete = cycles["complete"].to_numpy(dtype=bool) if "complete" in cycles else np.ones(len(cycles), bool)
    moved = np.fmax(
        cycles["charge_capacity_ah"].to_numpy(dtype="float64"),
        cycles["discharge_capacity_ah"].to_numpy(dtype="float64"),
    )

    def emit(kind: str, mask: np.ndarray, values: np.ndarray, what: str, unit: str) -> None:
        hits = np.flatnonzero(mask)
        if len(hits) == 0:
            return
        first = int(index[hits[0]])
        out.append(
            s.warning(
                kind,
                f"{len(hits)} cycle(s) {what}: {_cycles_text(index[hits], values[hits], unit)}",
                file_of(first) if file_of else None,
                cell_id,
            )
        )

    if nominal_ah is not None and np.isfinite(nominal_ah) and nominal_ah > 0:
        emit(
            "cycle_too_large",
            moved > NOMINAL_FACTOR * nominal_ah,
            moved,
            f"move over {NOMINAL_FACTOR:g}x the nominal {nominal_ah:g} Ah",
            " Ah",
        )
    if len(moved) > 2:
        local = neighbour_median(moved)
        emit(
            "cycle_too_large",
            (local > 0) & (moved > NEIGHBOUR_FACTOR * local),
            moved,
            f"move over {NEIGHBOUR_FACTOR:g}x the median of their neighbours",
            " Ah",
        )
    efficiency = cycles["coulombic_efficiency"].to_numpy(dtype="float64")
    low, high = EFFICIENCY_RANGE
    emit(
        "coulombic_efficiency",
        complete & np.isfinite(efficiency) & ((efficiency < low) | (efficiency > high)),
        efficiency,
        f"complete, with coulombic efficiency outside {low:g}-{high:g}",
        "",
    )
    if steps is not None and len(steps) and "rows" in steps.columns:
        thin = undersampled_cycles(steps)
        emit(
            "undersampled",
            np.isin(index, thin),
            cycles["rows"].to_numpy(dtype="float64") if "rows" in cycles else np.full(len(cycles), np.nan),
            f"logged too thinly to integrate their capacity (a charge or discharge step of under "
            f"{MIN_STEP_ROWS} rows; not complete, left out of health, life and fleet figures)",
            " rows",
        )
    if (~complete).any():
        hits = index[~complete]
        out.append(
            s.warning(
                "incomplete_cycles",
                f"{len(hits)} cycle(s) not complete (no charge or no discharge, or cut by the file): "
                f"{', '.join(str(int(c)) for c in hits[:LISTED])}{' ...' if len(hits) > LISTED else ''}; "
                "health, life and fleet summaries leave them out",
                file_of(int(hits[0])) if file_of else None,
                cell_id,
            )
        )
    return out
