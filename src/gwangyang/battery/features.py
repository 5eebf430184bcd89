"""Severson et al. (2019) early-life features as a scikit-learn transformer, and the feature code's import path.

:class:`SeversonFeatures` turns cells into one of Severson's feature sets; it is the first step of
every cycle-life pipeline, so it is pickled into every model file (``.gwm``,
:mod:`~gwangyang.battery.modelfile`), and pickle names a class by its module path: model files name
``gwangyang.battery.features.SeversonFeatures``. The class therefore stays defined here; moving it
would break every saved model.

The rest of the feature code lives in one module per concept, and this module re-exports their
public names for callers outside the package (as before the code was split):

* :mod:`~gwangyang.battery.features_curves`: :class:`CellCurves` (one cell's Q(V) curves, summary,
  policy), :func:`as_cells`, :data:`SEVERSON_QDLIN_VOLTAGES`;
* :mod:`~gwangyang.battery.features_dq`: ΔQ(V) (:func:`delta_q`; the ``robust`` set's medians over
  :data:`MEDIAN_SPAN` cycles) over :data:`PAPER_DQ_WINDOW`, and the statistics taken of it;
* :mod:`~gwangyang.battery.features_capacity`: capacity with logging glitches left out
  (:data:`GLITCH_FRACTION`), the capacity-fade line;
* :mod:`~gwangyang.battery.features_summary`: the per-cycle summary values of the ``full`` set
  (:data:`SUMMARY_FOR_FULL`);
* :mod:`~gwangyang.battery.features_sets`: :data:`FEATURE_SETS` (variance, discharge, full,
  extended, robust, multipair, charging, ensemble) and :data:`ENSEMBLE_MEMBERS`;
* :mod:`~gwangyang.battery.features_cell`: :func:`cell_features`, one cell's values of a set.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from ..errors import InputError
from .features_capacity import GLITCH_FRACTION as GLITCH_FRACTION
from .features_cell import cell_features as cell_features
from .features_curves import SEVERSON_QDLIN_VOLTAGES as SEVERSON_QDLIN_VOLTAGES
from .features_curves import CellCurves as CellCurves
from .features_curves import as_cells as as_cells
from .features_dq import MEDIAN_SPAN as MEDIAN_SPAN
from .features_dq import PAPER_DQ_WINDOW as PAPER_DQ_WINDOW
from .features_dq import delta_q as delta_q
from .features_sets import ENSEMBLE_MEMBERS as ENSEMBLE_MEMBERS
from .features_sets import FEATURE_SETS as FEATURE_SETS
from .features_summary import SUMMARY_FOR_FULL as SUMMARY_FOR_FULL

__all__ = [
    "ENSEMBLE_MEMBERS",
    "FEATURE_SETS",
    "GLITCH_FRACTION",
    "MEDIAN_SPAN",
    "PAPER_DQ_WINDOW",
    "SEVERSON_QDLIN_VOLTAGES",
    "SUMMARY_FOR_FULL",
    "CellCurves",
    "SeversonFeatures",
    "as_cells",
    "cell_features",
    "delta_q",
]


class SeversonFeatures(TransformerMixin, BaseEstimator):
    """Transformer from cells (:class:`CellCurves`) to one of Severson's feature sets.

    Parameters
    ----------
    feature_set
        A name of :data:`FEATURE_SETS` (``variance``, ``discharge``,
        ``full``, ``extended``, ``robust``, ``multipair``, ``charging``, ``ensemble``).
    cycles
        Cycle pair (a, b) of ΔQ(V) = Q_b(V) − Q_a(V); default (10, 100) as in the paper.
    dq_window
        Voltage window of the ΔQ(V) statistics; default the paper's 2.0–3.5 V; None: every row.

    Notes
    -----
    Input is a sequence of :class:`CellCurves`, or a 3-D array
    (cells, voltages, cycles) of Q(V) matrices whose first column is cycle 2. Output is a float array
    (cells, features).
    """

    def __init__(
        self,
        feature_set: str = "variance",
        cycles: tuple[int, int] = (10, 100),
        dq_window: tuple[float, float] | None = PAPER_DQ_WINDOW,
    ) -> None:
        self.feature_set = feature_set
        self.cycles = cycles
        self.dq_window = dq_window

    def fit(self, X: Any, y: Any = None) -> SeversonFeatures:
        """Check the parameters; nothing is learned from the data."""
        if self.feature_set not in FEATURE_SETS:
            raise InputError(
                f"feature set: expected one of {', '.join(FEATURE_SETS)}, got {self.feature_set!r}."
            )
        self.n_features_out_ = len(FEATURE_SETS[self.feature_set])
        return self

    def transform(self, X: Any) -> np.ndarray:
        """Features of each cell, shape (cells, features)."""
        cells = as_cells(X)
        window = getattr(self, "dq_window", None)  # models pickled before the window existed
        pair: tuple[int, int] = (int(self.cycles[0]), int(self.cycles[1]))
        rows = [list(cell_features(c, self.feature_set, pair, window).values()) for c in cells]
        return np.asarray(rows, dtype="float64").reshape(len(cells), len(FEATURE_SETS[self.feature_set]))

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Names of the output columns."""
        return np.asarray(FEATURE_SETS[self.feature_set], dtype=object)
