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


def _leading_date(text: str) -> tuple[str, int] | None:
    """The ISO 8601 date a label starts with and where it ends in the label, or None."""
    iso = _ISO_DATE.match(text)
    if iso is not None and 1 <= int(iso.group(2)) <= 12 and 1 <= int(iso.group(3)) <= 31:
        return f"{iso.group(1)}-{iso.group(2)}-{iso.group(3)}", iso.end()
    us = _US_DATE.match(text)
    if us is not None and 1 <= int(us.group(1)) <= 12 and 1 <= int(us.group(2)) <= 31:
        year = int(us.group(3)) + (2000 if len(us.group(3)) == 2 else 0)
        return f"{year:04d}-{int(us.group(1)):02d}-{int(us.group(2)):02d}", us.end()
    return None


def batch_key(label: Any) -> str:
    """A batch label with its date spelled one way (ISO 8601).

    ``5/12/17``, ``2017-05-12``, ``20170512`` and ``2017-05-12_batchdata`` (the MATR file names) all give
    ``2017-05-12``. Slashed dates are read month first, as the MATR data (Severson et al. 2019) writes them; a label
    without a date is returned stripped. For comparing batches named in two tables.
    """
    text = str(label).strip()
    date = _leading_date(text)
    return text if date is None else date[0]


_BATCH_SUFFIX = "_batchdata"
"""What may follow a date in a label that names the date's batch (the MATR file names)."""


def _group_key(label: str) -> str:
    """The batch a label names when grouping cells: its date, or the label where it is more than a date.

    A date spelling only (``5/12/17``, ``2017-05-12``, ``20170512``, ``2017-05-12_batchdata``) gives its date.
    Stricter than :func:`batch_key`: ``2017-05-12a`` and ``2017-05-12b`` may be two batches of one day.
    """
    text = label.strip()
    date = _leading_date(text)
    if date is None or text[date[1] :].lower() not in ("", _BATCH_SUFFIX):
        return label
    return date[0]


def batch_groups(labels: Any) -> tuple[np.ndarray, list[str]]:
    """One label per batch however its date is spelt, and a note for each batch spelt two ways or more.

    Each cell gets the first spelling (in table order) of its batch's date, so that labels spelt one way
    come back unchanged, and with them the folds made of them. A label that is not a date is its own batch.

    Returns
    -------
    tuple
        The labels (text, one per cell) and, per merged batch, ``"batch spellings '5/12/17' and
        '2017-05-12' name one batch (2017-05-12): one group"``.
    """
    text = [str(v) for v in np.asarray(labels, dtype=object).ravel()]
    keys = [_group_key(label) for label in text]
    spellings: dict[str, list[str]] = {}  # per batch, its spellings in table order (the first is kept)
    for key, label in zip(keys, text, strict=True):
        if label not in spellings.setdefault(key, []):
            spellings[key].append(label)
    notes = [
        f"batch spellings {' and '.join(map(repr, spelt))} name one batch ({key}): one group"
        for key, spelt in spellings.items()
        if len(spelt) > 1
    ]
    return np.asarray([spellings[key][0] for key in keys], dtype=object), notes


def with_batch_groups(data: EarlyLifeSet) -> EarlyLifeSet:
    """``data`` with its ``batch`` column one label per batch (:func:`batch_groups`); as given without one."""
    if "batch" not in data.table.columns:
        return data
    from .severson import EarlyLifeSet as Set

    labels, notes = batch_groups(data.table["batch"].astype(str).to_numpy())
    if not notes:
        return data
    return Set(data.cells, data.table.assign(batch=labels))


def batch_notes(data: EarlyLifeSet) -> list[str]:
    """The notes of :func:`batch_groups` on ``data``'s ``batch`` column (none without one)."""
    if "batch" not in data.table.columns:
        return []
    return batch_groups(data.table["batch"].astype(str).to_numpy())[1]


def interval_groups(data: EarlyLifeSet) -> tuple[np.ndarray | None, str | None]:
    """Groups of ``group-cv+`` and the column they come from: ``batch``, else ``policy``.

    Leaving one batch out calibrates the interval on the error for a batch the fold model has not
    seen. Cells of a single batch carry no batch-to-batch shift; leaving one charging policy out is
    the next coarsest grouping they name, and :func:`cross_batch_params` then adds the lot shift.
    ``(None, None)`` where neither column names two values. One batch spelt two ways (``5/12/17`` and
    ``2017-05-12``) is one group (:func:`batch_groups`).
    """
    for column in ("batch", "policy"):
        if column in data.table.columns:
            labels = data.table[column].astype(str).to_numpy()
            if column == "batch":
                labels = batch_groups(labels)[0]
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
