"""Cycles from the signal: each charge paired with the discharge after it.

A cycle is a major charge followed by its discharge (:func:`signal_cycles`). The cycler's own cycle
counter is kept where it is sound, whatever its convention (one charge and one discharge per counter
cycle, in either order); a counter cycle holding several loops is split, and a counter that goes
back is renumbered, each with a note that the ingest reports as a ``counter_overridden`` warning.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from . import schema as s
from .arrays import changes, frame, run_ends, run_starts, shifted
from .step_types import CHARGE_TYPES, DISCHARGE_TYPES
from .steps import STEP_COLUMNS, step_columns

MAJOR_FRACTION = 0.02
"""A charge or discharge step moving less than this fraction of a typical step's charge is minor
(a top-up, a pulse): it never starts or splits a cycle."""


def step_phases(steps: pd.DataFrame | Mapping[str, np.ndarray]) -> np.ndarray:
    """Per step: ``1`` major charge, ``-1`` major discharge, ``0`` anything else (see :data:`MAJOR_FRACTION`)."""
    types = np.asarray(steps["type"])
    charge = _any_of(types, CHARGE_TYPES)
    discharge = _any_of(types, DISCHARGE_TYPES)
    moved = np.where(
        charge,
        np.asarray(steps["charge_capacity_ah"], dtype="float64"),
        np.asarray(steps["discharge_capacity_ah"], dtype="float64"),
    )
    active = moved[(charge | discharge) & np.isfinite(moved)]
    k = int(0.9 * (len(active) - 1))  # the 90th percentile, nearest rank
    reference = float(np.partition(active, k)[k]) if len(active) else 0.0
    major = ~(moved < MAJOR_FRACTION * reference)  # NaN counts as major
    return np.where(charge & major, 1, np.where(discharge & major, -1, 0)).astype("int8")


def _any_of(types: np.ndarray, names: frozenset[str]) -> np.ndarray:
    # a generator over the objects beats numpy's elementwise object comparisons here
    return np.fromiter((t in names for t in types), dtype=bool, count=len(types))


def sound(phases: np.ndarray) -> bool:
    """Whether a run of step phases holds at most one charge and one discharge (one cycle)."""
    phases = np.asarray(phases)
    charges, discharges = _loops(phases, np.zeros(1, dtype="int64"))
    return bool(charges[0] <= 1 and discharges[0] <= 1)


def _loops(phases: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Charges and discharges per block of steps (``starts``: the first step of each).

    Each run of major steps of one direction (minor steps between them aside) counts once.
    """
    block = np.cumsum(np.isin(np.arange(len(phases)), starts)) - 1
    major = np.flatnonzero(phases != 0)
    direction, owner = phases[major], block[major]
    new = changes(direction) | changes(owner)
    count = len(starts)
    charges = np.bincount(owner[new & (direction == 1)], minlength=count)
    discharges = np.bincount(owner[new & (direction == -1)], minlength=count)
    return charges, discharges


def signal_cycles(steps: pd.DataFrame | Mapping[str, np.ndarray]) -> tuple[np.ndarray, list[str]]:
    """Cycle of each step from the signal, keeping the cycler's counter where it is sound.

    A cycle is a charge followed by its discharge: one starts at each major charge step whose last
    major predecessor was a discharge. The cycler's counter (the steps' ``cycle_index``) is kept
    where each of its cycles holds at most one charge and one discharge (whatever its convention);
    a counter cycle holding several charge/discharge loops is split where the signal starts a
    cycle, and a counter that goes back is renumbered.

    Returns
    -------
    tuple
        The cycle of each step, and one line per disagreement (empty when the counter was kept).
    """
    vendor = np.asarray(steps[s.CYCLE]).astype("int64", copy=False)
    n = len(vendor)
    if n == 0:
        return vendor, []
    phases = step_phases(steps)
    # the last major phase before each step (0 before the first)
    position = np.maximum.accumulate(np.where(phases != 0, np.arange(n), -1))
    previous = shifted(position, -1)
    last = np.where(previous >= 0, phases[np.maximum(previous, 0)], 0)
    signal_start = (phases == 1) & (last == -1)
    vendor_start = changes(vendor)
    notes: list[str] = []
    split = np.zeros(n, dtype=bool)
    block_starts = np.flatnonzero(vendor_start)
    block_ends = run_ends(block_starts, n)
    charges, discharges = _loops(phases, block_starts)
    for j in np.flatnonzero((charges > 1) | (discharges > 1)):
        a, b = block_starts[j], block_ends[j]
        inside = signal_start[a + 1 : b]
        split[a + 1 : b] = inside
        notes.append(
            f"cycler cycle {vendor[a]} holds {int(inside.sum()) + 1} charge/discharge loops; "
            "split into one cycle each"
        )
    backwards = np.flatnonzero(np.diff(vendor) < 0)
    for i in backwards[:5]:
        notes.append(f"cycler cycle counter goes back from {vendor[i]} to {vendor[i + 1]}; renumbered")
    if len(backwards) > 5:
        notes.append(f"... and {len(backwards) - 5} more counter resets")
    if not notes:
        return vendor, []
    boundary = vendor_start | split
    return int(vendor[0]) + np.cumsum(boundary) - 1, notes


def apply_signal_cycles(ts: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Give a time series its cycles from the signal (see :func:`signal_cycles`).

    The cycler's counter is kept as ``vendor_cycle_index``; where a cycle was split the
    within-cycle cumulative capacities and energies restart at the split.

    Returns
    -------
    tuple
        The time series, its steps (:func:`~gwangyang.battery.steps.step_table`) and the
        disagreements found (empty when the cycler's counter was kept).
    """
    ts = ts.copy(deep=False)
    if s.VENDOR_CYCLE not in ts.columns:
        ts.insert(len(ts.columns), s.VENDOR_CYCLE, ts[s.CYCLE].to_numpy(dtype="int64"))
    if len(ts) == 0:
        return ts, pd.DataFrame({c: pd.Series(dtype="float64") for c in STEP_COLUMNS}), []
    steps = step_columns(ts)
    new, notes = signal_cycles(steps)
    if not notes:
        return ts, frame(steps), notes
    rows = steps["rows"]
    old_rows = ts[s.CYCLE].to_numpy()
    new_rows = np.repeat(new, rows)
    firsts = steps["first_row"]
    starts = firsts[changes(new)]
    split_rows = starts[(starts > 0) & (old_rows[np.maximum(starts - 1, 0)] == old_rows[starts])]
    if len(split_rows):
        bounds = run_starts(new_rows)
        lengths = run_ends(bounds, len(ts)) - bounds
        is_split = np.isin(bounds, split_rows)
        for column in (s.CHARGE_CAPACITY, s.DISCHARGE_CAPACITY, s.CHARGE_ENERGY, s.DISCHARGE_ENERGY):
            if column not in ts.columns:
                continue
            values = ts[column].to_numpy(dtype="float64")
            base = np.zeros(len(bounds))
            base[is_split] = values[bounds[is_split] - 1]
            ts[column] = values - np.repeat(base, lengths)
    ts[s.CYCLE] = new_rows
    steps[s.CYCLE] = new
    return ts, frame(steps), notes
