"""The default interval's groups: how the training cells are folded for an interval on a new batch.

:func:`cross_batch_interval` is what :func:`~gwangyang.battery.life_fit.fit_life` (and the CLI and the
API) asks of :class:`~gwangyang.battery.life.CycleLifeRegressor` by default (:data:`DEFAULT_CONFORMAL`):
one fold per batch, else per charging policy plus the lot shift, else shuffled folds plus the lot
shift and a warning. :func:`interval_groups` also groups the ``auto`` model selection
(:mod:`gwangyang.battery.life_select`) and leave-one-batch-out (:mod:`gwangyang.battery.selection`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .severson import EarlyLifeSet


DEFAULT_CONFORMAL = "group-cv+"
"""The interval a user gets by default (:func:`~gwangyang.battery.life_fit.fit_life`, ``battery life fit``, the API's fit): the one
that holds for cells of a batch the model has not seen (:func:`cross_batch_interval`). The estimator
:class:`~gwangyang.battery.life.CycleLifeRegressor` itself defaults to ``cv+``: ``group-cv+`` needs groups at fit time."""

NO_GROUPS_WARNING = (
    "the training cells name neither two batches nor two charging policies ('batch' or 'policy' "
    "column): the interval is CV+ over shuffled folds widened by the lot shift; its residuals hold no "
    "shift between batches, so on a new batch it covers less than it claims unless the lot shift "
    "bounds that shift"
)
"""Why the default interval falls back to ``cv+`` with the lot shift (e.g. store cells)."""


_ISO_DATE = re.compile(r"(\d{4})[-/_.]?(\d{2})[-/_.]?(\d{2})(?!\d)")
_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})(?!\d)")


def batch_key(label: Any) -> str:
    """A batch label with its date spelled one way (ISO 8601).

    ``5/12/17``, ``2017-05-12``, ``20170512`` and ``2017-05-12_batchdata`` (the MATR file names) all give
    ``2017-05-12``. Slashed dates are read month first, as the MATR data (Severson et al. 2019) writes them; a label
    without a date is returned stripped. For comparing batches named in two tables.
    """
    text = str(label).strip()
    iso = _ISO_DATE.match(text)
    if iso is not None and 1 <= int(iso.group(2)) <= 12 and 1 <= int(iso.group(3)) <= 31:
        return f"{iso.group(1)}-{iso.group(2)}-{iso.group(3)}"
    us = _US_DATE.match(text)
    if us is not None and 1 <= int(us.group(1)) <= 12 and 1 <= int(us.group(2)) <= 31:
        year = int(us.group(3)) + (2000 if len(us.group(3)) == 2 else 0)
        return f"{year:04d}-{int(us.group(1)):02d}-{int(us.group(2)):02d}"
    return text


def interval_groups(data: EarlyLifeSet) -> tuple[np.ndarray | None, str | None]:
    """Groups of ``group-cv+`` and the column they come from: ``batch``, else ``policy``.

    Leaving one batch out calibrates the interval on the error for a batch the fold model has not
    seen. Cells of a single batch carry no batch-to-batch shift; leaving one charging policy out is
    the next coarsest grouping they name, and :func:`cross_batch_params` then adds the lot shift.
    ``(None, None)`` where neither column names two values.
    """
    for column in ("batch", "policy"):
        if column in data.table.columns:
            labels = data.table[column].astype(str).to_numpy()
            if len(set(labels.tolist())) >= 2:
                return labels, column
    return None, None


def cross_batch_interval(data: EarlyLifeSet) -> tuple[dict[str, Any], np.ndarray | None, str | None]:
    """Regressor settings, fold groups and a warning of the interval for a batch ``data`` does not hold.

    * two batches or more: ``group-cv+``, one fold per batch (up to ``n_folds``), no lot shift (the
      residuals are errors on a batch the fold model has not seen);
    * one batch, two charging policies or more: ``group-cv+`` by policy, plus the lot shift (the batch
      shift cannot be measured within one batch, so it is bounded by the lot's own predicted shift);
    * neither (e.g. store cells, which carry no batch or policy): ``cv+`` over shuffled folds plus the
      lot shift, and :data:`NO_GROUPS_WARNING`.

    Returns
    -------
    tuple
        ``{"conformal", "lot_shift"}`` for :class:`CycleLifeRegressor`, the groups to pass to its
        ``fit`` (None for shuffled folds) and the warning (None where groups were found).
    """
    groups, column = interval_groups(data)
    if column is None:
        return {"conformal": "cv+", "lot_shift": True}, None, NO_GROUPS_WARNING
    return {"conformal": "group-cv+", "lot_shift": column != "batch"}, groups, None


def cross_batch_params(data: EarlyLifeSet) -> dict[str, Any]:
    """The regressor settings of :func:`cross_batch_interval`."""
    return cross_batch_interval(data)[0]
