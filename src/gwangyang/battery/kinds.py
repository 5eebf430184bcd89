"""Per cycle of a steps table: its kind (ageing, RPT, HPPC, reset, other) and whether it is complete."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import schema as s
from .arrays import run_starts
from .pairing import step_phases

EDGE_TOLERANCE_V = 0.1
"""The last cycle of a file is complete when its last charge or discharge ends within this of the
voltage where such steps usually end in the file."""

HEAD_EXCESS = 1.2
"""The first cycle of a file discharging more than this times its charge began mid-charge."""

HPPC_MIN_PULSES = 4
"""A cycle with at least this many pulses is an HPPC (hybrid pulse power characterisation) cycle."""

MIN_STEP_ROWS = 3
"""A major charge or discharge step logged in fewer rows than this has no capacity that can be integrated
(a trapezoid over one or two rows sees nothing of a step that lasted hours); a cycle whose largest such
step of one direction is that thin is ``undersampled``: not complete, and left out of health figures."""

CYCLE_KINDS: tuple[str, ...] = ("aging", "rpt", "hppc", "reset", "other")
"""Cycle kinds: ``aging`` (the test's repeated cycle), ``rpt`` (a reference performance test: a full
cycle at another rate), ``hppc`` (pulses), ``reset`` (a full cycle that prepares an HPPC, as BEEP's
diagnostic protocol names it) and ``other`` (a cycle without both a charge and a discharge)."""


def _typical(values: np.ndarray, exclude: int) -> float:
    """Median of the finite ``values`` but the one at ``exclude`` (NaN when none)."""
    keep = np.isfinite(values)
    keep[exclude] = False
    ordered = np.sort(values[keep])
    n = len(ordered)
    if n == 0:
        return np.nan
    return float((ordered[(n - 1) // 2] + ordered[n // 2]) / 2.0)


def annotate_cycles(
    steps: pd.DataFrame, heads: set[int] | None = None, tails: set[int] | None = None
) -> pd.DataFrame:
    """Per cycle: its ``kind``, whether it is ``complete`` and its step count.

    A cycle is complete when it has a major charge and a major discharge, each logged in enough rows to
    integrate (:data:`MIN_STEP_ROWS`; else it is ``undersampled``). The last cycle of a file
    must also end its last major step near the voltage where such steps usually end (else the file
    cut it), and the first must not discharge more than :data:`HEAD_EXCESS` times its charge (else
    the file began in the middle of its charge). Kinds: see :data:`CYCLE_KINDS`.

    Parameters
    ----------
    steps
        The steps table.
    heads, tails
        Positions (0-based, in cycle order) of the cycles a file starts (ends) with; default the
        first (last) cycle.

    Returns
    -------
    pandas.DataFrame
        Columns ``cycle_index``, ``kind``, ``complete``, ``steps``, ``pulses``, ``undersampled``.
    """
    columns = [s.CYCLE, "kind", "complete", "steps", "pulses", "undersampled"]
    if len(steps) == 0:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    return pd.DataFrame(annotation_columns(steps, heads, tails))


def annotation_columns(
    steps: pd.DataFrame, heads: set[int] | None, tails: set[int] | None
) -> dict[str, np.ndarray]:
    """:func:`annotate_cycles`'s columns as arrays (``steps`` not empty)."""
    phases = step_phases(steps)
    cycles = steps[s.CYCLE].to_numpy()
    starts = run_starts(cycles)
    bounds = np.append(starts, len(cycles))
    ends_v = steps["end_voltage_v"].to_numpy(dtype="float64")
    amps = np.abs(steps["mean_current_a"].to_numpy(dtype="float64"))
    types = steps["type"].to_numpy()
    k = len(starts)
    pulses = np.add.reduceat((types == "pulse").astype("int64"), starts)
    has_c = np.add.reduceat((phases == 1).astype("int64"), starts) > 0
    has_d = np.add.reduceat((phases == -1).astype("int64"), starts) > 0
    # the last major step of each cycle: its direction and end voltage
    last = np.maximum.reduceat(np.where(phases != 0, np.arange(len(phases)), -1), starts)
    found = last >= starts
    last_dir = np.where(found, phases[np.maximum(last, 0)], 0).astype("int8")
    last_v = np.where(found, ends_v[np.maximum(last, 0)], np.nan)
    # each cycle's signature: the rate bins of its largest major discharge and charge currents
    signature = np.stack(
        [_rate_bins(np.maximum.reduceat(np.where(phases == d, amps, -np.inf), starts)) for d in (-1, 1)],
        axis=1,
    )
    thin = _undersampled(phases, steps, starts) & has_c & has_d
    complete = has_c & has_d & ~thin
    heads = {0} if heads is None else heads
    tails = {k - 1} if tails is None else tails
    charged = np.add.reduceat(steps["charge_capacity_ah"].to_numpy(dtype="float64"), starts)
    discharged = np.add.reduceat(steps["discharge_capacity_ah"].to_numpy(dtype="float64"), starts)
    for j in sorted(heads):
        # a file begun in the middle of a charge: the discharge takes out more than was put in
        if 0 <= j < k and complete[j] and discharged[j] > HEAD_EXCESS * charged[j]:
            complete[j] = False
    for j in sorted(tails):
        if 0 <= j < k and complete[j]:
            same = np.flatnonzero(last_dir == last_dir[j])
            typical = _typical(last_v[same], int(np.searchsorted(same, j)))
            complete[j] = not (np.isfinite(typical) and abs(last_v[j] - typical) > EDGE_TOLERANCE_V)
    kinds = _kinds(signature, has_c & has_d, pulses)
    return {
        s.CYCLE: cycles[starts].astype("int64"),
        "kind": kinds,
        "complete": complete,
        "steps": np.diff(bounds).astype("int64"),
        "pulses": pulses,
        "undersampled": thin,
    }


def _undersampled(phases: np.ndarray, steps: pd.DataFrame, starts: np.ndarray) -> np.ndarray:
    """Per cycle: whether its largest major charge or discharge step has under :data:`MIN_STEP_ROWS` rows."""
    if "rows" not in steps.columns:
        return np.zeros(len(starts), dtype=bool)
    rows = steps["rows"].to_numpy(dtype="int64")
    thin = np.zeros(len(starts), dtype=bool)
    for direction in (1, -1):
        most = np.maximum.reduceat(np.where(phases == direction, rows, -1), starts)
        thin |= (most >= 0) & (most < MIN_STEP_ROWS)
    return thin


def undersampled_cycles(steps: pd.DataFrame) -> np.ndarray:
    """The cycles (``cycle_index``) of a steps table whose capacity cannot be integrated (see :data:`MIN_STEP_ROWS`)."""
    if len(steps) == 0:
        return np.zeros(0, dtype="int64")
    phases = step_phases(steps)
    cycles = steps[s.CYCLE].to_numpy()
    starts = run_starts(cycles)
    has_c = np.logical_or.reduceat(phases == 1, starts)
    has_d = np.logical_or.reduceat(phases == -1, starts)
    thin = _undersampled(phases, steps, starts) & has_c & has_d
    return np.asarray(cycles[starts][thin], dtype="int64")


def _rate_bins(current: np.ndarray) -> np.ndarray:
    """Currents within ~10 % of each other share a bin; no current (-inf, NaN) is bin 0."""
    finite = np.isfinite(current)
    bins = np.zeros(len(current), dtype="int64")
    bins[finite] = np.round(np.log(np.maximum(current[finite], 1e-12)) / np.log(1.1))
    return bins


def _kinds(signature: np.ndarray, full: np.ndarray, pulses: np.ndarray) -> np.ndarray:
    """Kind of each cycle (see :data:`CYCLE_KINDS`) from its signature (``(k, 2)`` rate bins)."""
    hppc = pulses >= HPPC_MIN_PULSES
    candidates = full & ~hppc
    kinds = np.where(hppc, "hppc", np.where(full, "aging", "other")).astype(object)
    if candidates.any():
        # one integer per signature (a bin is -290 for 1e-12 A, 97 for 1e4 A)
        bins = np.clip(signature[candidates], -2000, 2000) + 2000
        codes = bins[:, 0] * 4096 + bins[:, 1]
        _, first, counts = np.unique(codes, return_index=True, return_counts=True)
        # the most common signature; ties go to the one seen first
        best = int(np.lexsort((first, -counts))[0])
        if counts[best] > 1:
            common = signature[candidates][first[best]]
            near = np.all(np.abs(signature - common) <= 1, axis=1)
            kinds[candidates & ~near] = "rpt"
    reset = np.zeros(len(kinds), dtype=bool)
    reset[:-1] = (kinds[:-1] == "rpt") & (kinds[1:] == "hppc")
    kinds[reset] = "reset"
    return kinds
