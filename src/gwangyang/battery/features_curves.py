"""One cell's early-life Q(V) curves, the input of every Severson feature.

A cell enters the feature code as :class:`CellCurves`: its discharge capacity Q(V) on a fixed voltage
grid for consecutive cycles (the paper's ``Qdlin``: rows are voltages from high to low, columns
cycles), plus, for the ``full`` set, a per-cycle summary with charge time, temperature integral and
internal resistance (:data:`~gwangyang.battery.features_summary.SUMMARY_FOR_FULL`), and, for the
``charging`` set, the charging policy's name. :func:`as_cells` turns what the scikit-learn transformer
is given (cells, or a 3-D array of Q(V) matrices) into a list of cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError

SEVERSON_QDLIN_VOLTAGES = np.linspace(3.6, 2.0, 1000)
"""Voltage of each row of a Severson ``Qdlin`` matrix (as exported by petermattia/revisit-severson-et-al)."""


@dataclass
class CellCurves:
    """One cell's early-life data.

    Parameters
    ----------
    cell
        Cell name.
    qdlin
        Discharge capacity Q (Ah) on a voltage grid: shape (voltages, cycles), rows from high to
        low voltage, columns consecutive cycles starting at ``first_cycle``.
    first_cycle
        Cycle number of the first column (2 in Severson's files).
    capacity
        Discharge capacity per column (Ah); default: Q at the lowest voltage of each column.
    summary
        Optional per-cycle table with ``cycle_index`` and any of
        :data:`~gwangyang.battery.features_summary.SUMMARY_FOR_FULL`.
    voltages
        Voltage (V) of each row of ``qdlin``; None where unknown (then ΔQ(V) takes every row).
    policy
        Charging policy name (e.g. ``5.4C(40%)-3.6C``), for the ``charging`` set; None where unknown.
    source
        The matrix file the curves were read from, for error messages; None where not read from a file.
    """

    cell: str
    qdlin: np.ndarray
    first_cycle: int = 2
    capacity: np.ndarray | None = None
    summary: pd.DataFrame | None = field(default=None, repr=False)
    voltages: np.ndarray | None = field(default=None, repr=False)
    policy: str | None = None
    source: str | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        matrix = np.asarray(self.qdlin, dtype="float64")
        if matrix.ndim != 2 or matrix.shape[0] < 2 or matrix.shape[1] < 1:
            raise InputError(
                f"{self.cell}: Q(V) matrix must be 2-D (voltages × cycles), got shape {matrix.shape}."
            )
        if not np.isfinite(matrix).all():
            raise InputError(
                f"{self.cell}: Q(V) matrix holds {int((~np.isfinite(matrix)).sum())} NaN or infinite values."
            )
        self.qdlin = matrix
        if self.capacity is None:
            self.capacity = matrix[-1].copy()
        else:
            self.capacity = np.asarray(self.capacity, dtype="float64")
            if self.capacity.shape != (matrix.shape[1],):
                raise InputError(
                    f"{self.cell}: capacity must have one value per cycle column ({matrix.shape[1]})."
                )
        if self.voltages is not None:
            volts = np.asarray(self.voltages, dtype="float64").ravel()
            if volts.shape != (matrix.shape[0],) or not np.isfinite(volts).all():
                raise InputError(
                    f"{self.cell}: voltages must be {matrix.shape[0]} finite values, one per Q(V) row."
                )
            self.voltages = volts

    @property
    def last_cycle(self) -> int:
        """Cycle number of the last column."""
        return self.first_cycle + self.qdlin.shape[1] - 1

    def column(self, cycle: int) -> np.ndarray:
        """Q(V) of one cycle."""
        if not self.first_cycle <= cycle <= self.last_cycle:
            raise InputError(
                f"{self.cell}: needs cycle {cycle}, but has cycles {self.first_cycle}–{self.last_cycle} "
                f"(at least {cycle} cycles are needed)."
            )
        return self.qdlin[:, cycle - self.first_cycle]


def as_cells(X: Any) -> list[CellCurves]:
    """Turn a sequence of :class:`CellCurves` or a 3-D Q(V) array into a list of cells."""
    if isinstance(X, CellCurves):
        return [X]
    if isinstance(X, np.ndarray):
        if X.ndim != 3:
            raise InputError(
                f"Q(V) input: expected a 3-D array (cells, voltages, cycles), got shape {X.shape}."
            )
        return [CellCurves(f"cell{i}", X[i]) for i in range(X.shape[0])]
    if isinstance(X, Sequence) and all(isinstance(c, CellCurves) for c in X):
        return list(X)
    raise InputError("Q(V) input: expected a list of CellCurves or a 3-D array of Q(V) matrices.")
