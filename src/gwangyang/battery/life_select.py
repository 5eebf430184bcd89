"""``--model auto``: choose the early-life model on the training cells only, then fit it.

:func:`select_life_model` scores every candidate of :data:`SELECTION_CANDIDATES` by cross-validation
on the training cells, folds grouped as the default interval groups them
(:func:`~gwangyang.battery.life_groups.interval_groups`): one fold per batch where the cells name two
batches or more (the question an early-life model answers: the error on a batch it has not seen),
else by charging policy, else shuffled folds. The candidate of lowest cross-validated RMSE is chosen;
an outer split of the same kind estimates the error of the whole choice (nested cross-validation,
:func:`~gwangyang.battery.selection.nested_selection`). Nothing outside the training cells is looked
at: a test set is then scored once, by the caller.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import numpy as np

from ..errors import InputError
from .severson import EarlyLifeSet

AUTO_MODEL = "auto"
"""Model name that asks :func:`~gwangyang.battery.life_fit.fit_life` to select the model."""

SELECTION_CANDIDATES: tuple[str, ...] = (
    "variance",
    "discharge",
    "extended",
    "robust",
    "multipair",
    "ensemble",
    "charging",
)
"""Models ``auto`` chooses among: the elastic nets of :data:`~gwangyang.battery.life.LIFE_MODELS`
and their ensemble. ``full`` needs a per-cycle summary the Q(V) files do not carry, and ``gbm`` is
left out: LightGBM cannot extrapolate beyond the training cells (leave-one-batch-out RMSE 412, the
worst of all, docs/life.md)."""

SELECTION_FOLDS = 5
"""Folds of the selection and of its outer assessment (at most one per group)."""

SHUFFLED_COLUMN = "shuffled_fold"
"""Column of random fold labels added for cells that name neither batches nor charging policies."""


def _with_shuffled_folds(data: EarlyLifeSet, seed: int = 0) -> EarlyLifeSet:
    labels = np.random.default_rng(seed).permutation(len(data.cells)) % SELECTION_FOLDS
    return EarlyLifeSet(data.cells, data.table.assign(**{SHUFFLED_COLUMN: labels.astype(str)}))


def usable_candidates(
    data: EarlyLifeSet, cycles: tuple[int, int] = (10, 100), names: Sequence[str] = SELECTION_CANDIDATES
) -> tuple[dict[str, Any], dict[str, np.ndarray], dict[str, str]]:
    """Model factories whose features every training cell gives, those features, and why the others are refused.

    ``charging`` needs each cell's charging policy; a refused model is named with the first
    cell's error (e.g. ``train_cell1: the charging feature set needs the cell's charging policy``).
    """
    from .life import LIFE_MODELS, make_life_model
    from .selection import pipeline_features

    usable: dict[str, Any] = {}
    features: dict[str, np.ndarray] = {}
    refused: dict[str, str] = {}
    for name in names:
        if name not in LIFE_MODELS:
            raise InputError(f"model auto: candidate {name!r} is not one of {', '.join(LIFE_MODELS)}.")
        factory = partial(make_life_model, name, cycles=cycles)
        try:
            features[name] = pipeline_features(factory(), data)
        except InputError as exc:
            refused[name] = str(exc)
            continue
        usable[name] = factory
    return usable, features, refused


def select_life_model(
    data: EarlyLifeSet,
    cycles: tuple[int, int] = (10, 100),
    progress: Callable[[int, int], None] | None = None,
    candidates: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Choose a model by grouped cross-validation on ``data`` only, and estimate that choice's error.

    Parameters
    ----------
    data
        Training cells of known life.
    cycles
        Cycle pair (a, b) of ΔQ(V) = Q_b − Q_a.
    progress
        Called as ``progress(done, total)`` as candidates and outer folds are done.
    candidates
        Models to choose among (None: :data:`SELECTION_CANDIDATES`).

    Returns
    -------
    dict
        ``chosen`` (a :data:`SELECTION_CANDIDATES` name), ``folds_by`` (``batch``, ``policy`` or
        ``shuffled``), ``cv_rmse_cycles`` (each candidate's cross-validated RMSE of the point
        prediction), ``nested_rmse_cycles`` (the outer estimate of the whole selection; with two
        batches each outer fold trains on one batch and selects by policy or shuffled folds inside
        it), ``outer_choices`` and ``refused`` (model → why it was not a candidate).

    Raises
    ------
    InputError
        No candidate's features can be computed, or too few cells to cross-validate.
    """
    from .life_groups import interval_groups, with_batch_groups
    from .selection import nested_selection

    data = with_batch_groups(data)  # one batch spelt two ways is one group (the fit's warnings say so)

    factories, features, refused = usable_candidates(
        data, cycles, SELECTION_CANDIDATES if candidates is None else candidates
    )
    if not factories:
        first = next(iter(refused.values()), "no candidate models")
        raise InputError(f"model auto: no candidate model can use these cells ({first}).")
    if len(data.cells) < 2 * SELECTION_FOLDS:
        raise InputError(
            f"model auto: {len(data.cells)} training cells; at least {2 * SELECTION_FOLDS} are needed."
        )
    grouped = _with_shuffled_folds(data)
    column = interval_groups(data)[1]
    group = column or SHUFFLED_COLUMN
    fallback = "policy" if column == "batch" and _policies_in_every_batch(data) else SHUFFLED_COLUMN
    result = nested_selection(
        factories,
        grouped,
        group=group,
        inner_folds=SELECTION_FOLDS,
        outer_folds=SELECTION_FOLDS,
        fallback=fallback,
        progress=progress,
        features=features,
    )
    return {
        "chosen": result.chosen,
        "folds_by": column or "shuffled",
        "cv_rmse_cycles": {name: float(v) for name, v in result.inner.items()},
        "nested_rmse_cycles": float(result.nested_rmse),
        "outer_choices": list(result.outer_choices),
        "refused": refused,
    }


def _policies_in_every_batch(data: EarlyLifeSet) -> bool:
    """Whether each batch names two charging policies or more (so that it can be cross-validated by policy)."""
    if "policy" not in data.table.columns:
        return False
    counts = data.table.groupby(data.table["batch"].astype(str))["policy"].nunique()
    return bool((counts >= 2).all())
