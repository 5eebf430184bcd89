"""Model selection without peeking, and "unseen batch" estimates, for early cycle-life models.

* :func:`grouped_cv_rmse`: cross-validated RMSE of a life model on training cells, with folds
  that keep cells of one group (charging policy, batch) together.
* :func:`nested_selection`: choose among candidate models by :func:`grouped_cv_rmse` on the
  training cells only, and estimate the error of that whole choice by an outer grouped split
  (nested cross-validation). The primary test is then scored once, by the caller.
* :func:`leave_one_group_out`: fit on all batches but one, predict the one left out (with the
  model's conformal interval), for each batch: the estimate of the error on a batch the model
  has never seen.

Features are computed once per cell (they learn nothing from the data); only regressors are refit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from ..errors import InputError
from .severson import EarlyLifeSet

ModelFactory = Callable[[], Pipeline]
"""A function returning an unfitted ``features → CycleLifeRegressor`` pipeline."""


def _groups(data: EarlyLifeSet, column: str) -> np.ndarray:
    if column not in data.table.columns:
        raise InputError(
            f"cells table: no {column!r} column to group by (have {', '.join(map(str, data.table.columns))})."
        )
    return data.table[column].astype(str).to_numpy()


def pipeline_features(pipeline: Pipeline, data: EarlyLifeSet) -> np.ndarray:
    """The features a ``features → regressor`` pipeline computes of ``data``'s cells (its last step left out)."""
    return np.asarray(pipeline[:-1].fit(data.cells).transform(data.cells), dtype="float64")


def _rmse(actual: np.ndarray, predicted: np.ndarray) -> float:
    return float(np.sqrt(np.mean((np.asarray(predicted) - np.asarray(actual)) ** 2)))


def grouped_cv_rmse(
    factory: ModelFactory,
    data: EarlyLifeSet,
    group: str = "policy",
    n_folds: int = 5,
    features: np.ndarray | None = None,
) -> tuple[float, np.ndarray]:
    """Out-of-fold RMSE (cycles) of the model's point prediction, folds grouped by ``group``.

    Parameters
    ----------
    factory
        Builds the unfitted pipeline.
    data
        Training cells with known life and a ``group`` column.
    group
        Column of ``data.table`` whose values stay together in one fold.
    n_folds
        Folds (at most the number of groups).
    features
        The pipeline's features of ``data`` if already computed.

    Returns
    -------
    tuple
        RMSE and the out-of-fold predictions.
    """
    from sklearn.model_selection import GroupKFold

    groups = _groups(data, group)
    folds = min(int(n_folds), len(set(groups)))
    if folds < 2:
        raise InputError(f"cells table: {group!r} has one value; cannot cross-validate by it.")
    pipeline = factory()
    x = pipeline_features(pipeline, data) if features is None else features
    life = data.cycle_life
    predicted = np.empty(len(life))
    for train, held in GroupKFold(folds).split(x, life, groups):
        regressor = factory()[-1].set_params(conformal="split")
        base = regressor._base(len(train)).fit(x[train], np.log10(life[train]))
        predicted[held] = 10.0 ** base.predict(x[held])
    return _rmse(life, predicted), predicted


@dataclass
class NestedResult:
    """Outcome of :func:`nested_selection`.

    Attributes
    ----------
    chosen
        Candidate chosen on all training cells.
    inner
        Grouped-CV RMSE of every candidate on all training cells.
    nested_rmse
        RMSE of the whole selection procedure, estimated by the outer grouped split.
    outer_choices
        Candidate chosen in each outer fold.
    """

    chosen: str
    inner: dict[str, float]
    nested_rmse: float
    outer_choices: list[str] = field(default_factory=list)


def nested_selection(
    candidates: dict[str, ModelFactory],
    data: EarlyLifeSet,
    group: str = "policy",
    inner_folds: int = 5,
    outer_folds: int = 5,
    fallback: str | None = "policy",
    progress: Callable[[int, int], None] | None = None,
    features: dict[str, np.ndarray] | None = None,
) -> NestedResult:
    """Choose among ``candidates`` by grouped CV on ``data`` only; estimate the choice's error by nesting.

    Parameters
    ----------
    candidates
        Name → model factory.
    data
        Training cells.
    group
        Grouping column (cells of one charging policy stay in one fold; ``batch``: selection for a
        batch never seen).
    inner_folds, outer_folds
        Folds of the selection and of its assessment.
    fallback
        Grouping column of the inner selection in an outer fold whose training part holds one value
        of ``group`` (with two batches, each outer fold trains on one batch): ``policy`` by default.
    progress
        Called as ``progress(done, total)`` after each candidate's features and each outer fold.
    features
        Candidate → its pipeline's features of ``data``, where already computed.

    Returns
    -------
    NestedResult
    """
    from sklearn.model_selection import GroupKFold

    if not candidates:
        raise InputError("model selection: no candidate models.")
    groups = _groups(data, group)
    folds = min(int(outer_folds), len(set(groups)))
    report = progress or (lambda done, total: None)
    total = len(candidates) + folds
    given = features or {}
    features = {}
    for name, make in candidates.items():
        features[name] = given[name] if name in given else pipeline_features(make(), data)
        report(len(features), total)
    inner = {
        name: grouped_cv_rmse(make, data, group, inner_folds, features[name])[0]
        for name, make in candidates.items()
    }
    chosen = min(inner, key=lambda name: inner[name])
    life = data.cycle_life
    predicted = np.empty(len(life))
    choices: list[str] = []
    for train, held in GroupKFold(folds).split(life, life, groups):
        part = data.subset(np.isin(np.arange(len(life)), train))
        by = group if len(set(groups[train].tolist())) >= 2 or fallback is None else fallback
        scores = {
            name: grouped_cv_rmse(make, part, by, inner_folds, features[name][train])[0]
            for name, make in candidates.items()
        }
        best = min(scores, key=lambda name: scores[name])
        choices.append(best)
        regressor = candidates[best]()[-1].set_params(conformal="split")
        base = regressor._base(len(train)).fit(features[best][train], np.log10(life[train]))
        predicted[held] = 10.0 ** base.predict(features[best][held])
        report(len(candidates) + len(choices), total)
    return NestedResult(chosen, inner, _rmse(life, predicted), choices)


def leave_one_group_out(
    factory: ModelFactory, data: EarlyLifeSet, group: str = "batch", features: np.ndarray | None = None
) -> pd.DataFrame:
    """Predict each group's cells (with the conformal interval) from a model fitted on the others.

    With ``conformal="group-cv+"`` (the default of :func:`gwangyang.battery.life_fit.fit_life`) the
    interval is the one ``fit_life`` makes of the training cells
    (:func:`gwangyang.battery.life_groups.cross_batch_interval`: folds by their batches, or by their
    charging policies with the lot shift when they hold one batch); the held-out group is never seen.

    ``features`` replaces the pipeline's own features (e.g. another featurizer's columns); only the
    pipeline's last step, the regressor, is then used.

    Returns
    -------
    pandas.DataFrame
        One row per cell: ``cell``, ``group``, ``cycle_life``, ``predicted``, ``lower``, ``upper``.
    """
    groups = _groups(data, group)
    values = list(dict.fromkeys(groups))
    if len(values) < 2:
        raise InputError(f"cells table: {group!r} has one value; nothing to leave out.")
    x = pipeline_features(factory(), data) if features is None else np.asarray(features, dtype="float64")
    rows = []
    from .life import conformal_mode
    from .life_groups import cross_batch_interval

    for value in values:
        held = groups == value
        regressor = factory()[-1]
        fit_kw: dict[str, Any] = {}
        if conformal_mode(str(regressor.conformal)) == "group-cv+":
            # The default interval of the training cells only: their batches, or their policies (and
            # the lot shift) within one batch, or shuffled folds and the lot shift.
            params, fit_kw["groups"], _ = cross_batch_interval(data.subset(~held))
            regressor.set_params(
                conformal=params["conformal"], lot_shift=bool(regressor.lot_shift) or params["lot_shift"]
            )
        regressor.fit(x[~held], data.cycle_life[~held], **fit_kw)
        predicted, lower, upper = regressor.predict_interval(x[held])
        rows.append(
            pd.DataFrame(
                {
                    "cell": data.table["cell"][held].to_numpy(),
                    "group": value,
                    "cycle_life": data.cycle_life[held],
                    "predicted": predicted,
                    "lower": lower,
                    "upper": upper,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def group_metrics(frame: pd.DataFrame) -> dict[str, dict[str, float]]:
    """RMSE, mean % error, coverage and mean width per group and pooled (``all``) of :func:`leave_one_group_out`."""
    from .life_predict import life_metrics

    out = {}
    parts: Sequence[tuple[str, pd.DataFrame]] = [*frame.groupby("group", sort=False), ("all", frame)]
    for name, part in parts:
        out[str(name)] = life_metrics(
            part["cycle_life"].to_numpy(),
            part["predicted"].to_numpy(),
            part["lower"].to_numpy(),
            part["upper"].to_numpy(),
        )
    return out


def evaluate_factory(factory: ModelFactory, **kwargs: Any) -> ModelFactory:
    """A factory whose regressor gets ``kwargs`` (e.g. ``conformal="normalized-cv+"``)."""

    def make() -> Pipeline:
        pipeline = factory()
        pipeline[-1].set_params(**kwargs)
        return pipeline

    return make
