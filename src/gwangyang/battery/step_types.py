"""Step types: what each step of a segmented time series is.

Types: ``rest``; ``ocv`` (a rest long and settled enough to read the open-circuit voltage: see
:data:`OCV_MIN_REST_S` and :data:`OCV_MAX_DVDT`); ``cc_charge``, ``cv_charge``, ``charge`` (neither, e.g. constant power);
``cc_discharge``, ``cv_discharge``, ``discharge``; ``pulse`` (any current for at most
:data:`PULSE_MAX_S`, e.g. the HPPC pulses of a diagnostic test). The steps come from
:mod:`~gwangyang.battery.step_segments`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .arrays import shifted
from .step_segments import CC_SPREAD, cv_starts, spreads

PULSE_MAX_S = 60.0
"""A charge or discharge step lasting at most this long is a pulse (HPPC pulses last 10-30 s)."""

OCV_MIN_REST_S = 1800.0
"""A rest shorter than this is no open-circuit voltage reading. Texas Instruments' Impedance Track
fuel gauges take OCV readings only after 30 min in relaxation (e.g. bq27z746, bq40z50 technical
reference manuals, "RELAXATION mode")."""

OCV_MAX_DVDT = 4e-6
"""An OCV rest ends with its voltage changing by less than this (V/s): the gauges' dV/dt < 4 uV/s
qualification of an OCV reading (bq34z100-G1, bq27xxx; some parts use 1 uV/s)."""

OCV_SLOPE_WINDOW_S = 600.0
"""The end slope of a rest is the least-squares dV/dt of its rows in this last stretch (at least
its last two rows)."""

REST_TYPES = frozenset({"rest", "ocv"})
CHARGE_TYPES = frozenset({"cc_charge", "cv_charge", "charge"})
DISCHARGE_TYPES = frozenset({"cc_discharge", "cv_discharge", "discharge"})

_TYPE_NAMES = np.array(
    ["rest", "cc_charge", "cv_charge", "charge", "cc_discharge", "cv_discharge", "discharge", "pulse", "ocv"],
    dtype=object,
)


def classify(
    steps: pd.DataFrame | dict[str, np.ndarray],
    current: np.ndarray,
    voltage: np.ndarray,
    tolerance: float,
    time: np.ndarray | None = None,
) -> list[str]:
    """Type of each step (see the module docstring) from its rows.

    A pulse is a short step (:data:`PULSE_MAX_S`) that is not a CV hold and whose neighbours do
    not run in its direction (the short CC part of a CC-CV charge is no pulse). A rest is an
    ``ocv`` step when it lasts :data:`OCV_MIN_REST_S` and its voltage has settled
    (:func:`settled`); without ``time`` (the rows' seconds) no rest is.
    """
    return list(classify_array(steps, current, voltage, tolerance, time))


def settled(time: np.ndarray, voltage: np.ndarray) -> bool:
    """Whether a rest's rows end with ``|dV/dt|`` under :data:`OCV_MAX_DVDT`.

    The slope is the least-squares fit over the rows of the last :data:`OCV_SLOPE_WINDOW_S` (at
    least the last two rows); a rest of one row, or of rows at one time, has no slope and is not.
    """
    keep = np.isfinite(time) & np.isfinite(voltage)
    time, voltage = time[keep], voltage[keep]
    if len(time) < 2:
        return False
    window = time >= time[-1] - OCV_SLOPE_WINDOW_S
    window[-2:] = True
    t, v = time[window] - time[-1], voltage[window]
    spread = t - t.mean()
    denominator = float((spread * spread).sum())
    if denominator <= 0:
        return False
    slope = float((spread * (v - v.mean())).sum()) / denominator
    return abs(slope) < OCV_MAX_DVDT


def classify_array(
    steps: pd.DataFrame | dict[str, np.ndarray],
    current: np.ndarray,
    voltage: np.ndarray,
    tolerance: float,
    time: np.ndarray | None = None,
) -> np.ndarray:
    """:func:`classify` as an object array, for all steps at once."""
    means = np.asarray(steps["mean_current_a"], dtype="float64")
    firsts = np.asarray(steps["first_row"], dtype="int64")
    rows = np.asarray(steps["rows"], dtype="int64")
    duration = np.asarray(steps["duration_s"], dtype="float64")
    direction = np.where(np.abs(means) <= tolerance, 0, np.sign(means)).astype("int8")
    before = shifted(direction, 0)
    after = shifted(direction[::-1], 0)[::-1]
    amps = np.abs(np.asarray(current, dtype="float64"))
    active = direction != 0
    cv = np.zeros(len(means), dtype=bool)
    cv[active] = cv_starts(voltage, amps, firsts[active], firsts[active] + rows[active]) == firsts[active]
    with np.errstate(invalid="ignore"):
        pulse = active & ~cv & (duration <= PULSE_MAX_S) & (before != direction) & (after != direction)
    rest_of = active & ~cv & ~pulse
    cc = rest_of & (rows < 3)
    spread = rest_of & ~cc
    cc[spread] = spreads(amps, firsts[spread], firsts[spread] + rows[spread]) <= CC_SPREAD
    # codes into _TYPE_NAMES: charge 1-3, discharge 4-6 (cc, cv, other), pulse 7, rest 0, ocv 8
    code = np.where(cc, 1, np.where(cv, 2, 3)) + np.where(direction < 0, 3, 0)
    code = np.where(pulse, 7, np.where(active, code, 0))
    if time is not None:
        with np.errstate(invalid="ignore"):
            long_rests = np.flatnonzero(~active & (duration >= OCV_MIN_REST_S))
        for j in long_rests:
            a, b = firsts[j], firsts[j] + rows[j]
            if settled(np.asarray(time[a:b], dtype="float64"), np.asarray(voltage[a:b], dtype="float64")):
                code[j] = 8
    out: np.ndarray = _TYPE_NAMES[code]
    return out
