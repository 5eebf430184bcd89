"""Discharge capacity over the early cycles: logging glitches left out, and the capacity-fade line.

The capacity features of Severson et al. 2019 (capacity at cycle 2, max capacity − capacity at cycle 2,
slope and intercept of a line through capacity over cycles 2–b) read one value per cycle. Cycles
logged with a wrong capacity (the Severson batch-1 files hold cycles read as ~31 Ah) would decide
the maximum and tilt the line, so a cycle more than :data:`GLITCH_FRACTION` away from the cell's
median is left out (never filled in) by :func:`clean_capacity`; :func:`fade_line` fits the line.
"""

from __future__ import annotations

import numpy as np

from ..errors import InputError
from .features_curves import CellCurves

GLITCH_FRACTION = 0.10
"""A cycle whose capacity is more than this fraction away from the cell's median over the early
cycles is a logging glitch (the Severson batch-1 files hold cycles read as ~31 Ah); it is left out
of the capacity-fade features, never filled in."""


def clean_capacity(cell: CellCurves, last: int) -> tuple[np.ndarray, np.ndarray]:
    """Cycles first..last (2..last in Severson's files) and their capacity, glitch cycles removed.

    Raises
    ------
    InputError
        Fewer than two cycles are left, or the first cycle's capacity is a glitch (the features
        start from it).
    """
    cycles = np.arange(cell.first_cycle, last + 1)
    assert cell.capacity is not None
    capacity = cell.capacity[: len(cycles)]
    median = np.median(capacity)
    keep = np.abs(capacity - median) <= GLITCH_FRACTION * abs(median)
    cycles, capacity = cycles[keep], capacity[keep]
    if len(capacity) < 2 or cycles[0] != cell.first_cycle:
        raise InputError(
            f"{cell.cell}: discharge capacity at cycle {cell.first_cycle} is missing or a glitch."
        )
    return cycles, capacity


def fade_line(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Least-squares slope and intercept (closed form; np.polyfit is ten times slower here)."""
    xm, ym = x.mean(), y.mean()
    slope = float(np.dot(x - xm, y - ym) / np.dot(x - xm, x - xm))
    return slope, float(ym - slope * xm)
