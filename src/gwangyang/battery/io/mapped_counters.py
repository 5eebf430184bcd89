"""A column map's capacity and energy counters made canonical: split by direction and made cumulative in each cycle.

The last step of :func:`.generic.read_mapped`: each row's direction (:func:`direction_of`: the state column's codes,
warned where the map names them not, else the sign of the current over its step), a single counter split into charge and discharge
(:func:`split_running` for one that runs on through a cycle), and each counter brought to the canonical
convention, cumulative within each cycle (:func:`accumulate`, from ``per_step``, ``test_cumulative`` or
``per_cycle``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import schema as s
from .column_map import ColumnSpec, StateSpec
from .state_codes import code_directions


def _segments(cycles: np.ndarray, steps: np.ndarray | None) -> np.ndarray:
    change = np.diff(cycles) != 0
    if steps is not None:
        change |= np.diff(np.nan_to_num(steps, nan=-1.0)) != 0
    return np.cumsum(np.r_[False, change])


def direction_of(
    states: pd.Series | None,
    state: StateSpec | None,
    current: np.ndarray,
    cycles: np.ndarray,
    steps: np.ndarray | None,
) -> tuple[np.ndarray, list[tuple[str, int, int]]]:
    """+1 where a row charges, -1 where it discharges, 0 otherwise; and the state codes the map does not name.

    With a state column, by its codes (:func:`.state_codes.code_directions`: ``charge``, ``discharge``, ``follow``
    taking its step's direction, ``neutral``); each code named in none of them comes back with its first row
    (0-based) and count, its rows counting neither way. Without one, by the sign of the current over each step.
    """
    if states is not None and state is not None:
        letters = (state.charge, state.discharge, state.follow, state.neutral)
        return code_directions(
            states.astype("string").to_numpy(dtype=object, na_value=""), cycles, steps, letters
        )
    segment = _segments(cycles, steps)
    total = np.bincount(segment, weights=np.nan_to_num(current))
    return np.sign(total)[segment].astype(int), []


def split_running(
    values: np.ndarray, direction: np.ndarray, cycles: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Split a counter that runs on through a cycle (net or gross) by the direction of each change."""
    values = np.nan_to_num(values)
    change = np.abs(np.diff(values, prepend=values[:1]))
    change[np.r_[True, np.diff(cycles) != 0]] = 0.0
    charge = s.cumulative_within_cycle(np.cumsum(np.where(direction > 0, change, 0.0)), cycles)
    discharge = s.cumulative_within_cycle(np.cumsum(np.where(direction < 0, change, 0.0)), cycles)
    return charge, discharge


def accumulate(
    values: np.ndarray, spec: ColumnSpec, cycles: np.ndarray, steps: np.ndarray | None
) -> np.ndarray:
    """A counter (magnitudes) in its spec's convention made cumulative within each cycle."""
    values = np.nan_to_num(values)
    if spec.convention == "per_step" and steps is not None:
        return s.cumulative_from_steps(values, cycles, np.nan_to_num(steps, nan=-1.0))
    if spec.convention == "test_cumulative":
        return s.cumulative_within_cycle(values, cycles)
    return pd.Series(values).groupby(cycles).cummax().to_numpy(dtype="float64")
