"""Life from formation data: rank cells by expected cycle life right after manufacturing.

Weng et al. (2021, Joule 5:2971, "Predicting the impact of formation protocols on battery lifetime
immediately after manufacturing") found that the cell resistance at low state of charge measured at
the end of the line (R_LS, here the 10 s discharge-pulse resistance at 5 % SOC,
``dcr_10s_5_soc_at_c3``) tracks cycle life. The ranker is a ridge regression on log cycle life from
such features, with optional test-condition columns (e.g. the ageing temperature) as covariates;
it is judged by the Spearman rank correlation of leave-one-out predictions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from ...errors import InputError
from .tables import numeric_columns

DEFAULT_FEATURES: tuple[str, ...] = ("dcr_10s_5_soc_at_c3",)
"""Weng et al. 2021's end-of-line signal R_LS (resistance at 5 % SOC, 10 s pulse) in their data set's naming."""

_R_LS = re.compile(r"^dcr_(\d+)s_5_soc_at_c(\d+)$")
"""Weng et al.'s naming of a discharge-pulse resistance at 5 % SOC: ``dcr_<pulse>s_5_soc_at_c<cycle>``."""

ID_COLUMNS: tuple[str, ...] = ("cellid", "cell_id", "cell", "id", "barcode")
"""Cell-id columns looked for, in order, when the default ``cellid`` is not in a table."""


def default_features(table: pd.DataFrame) -> tuple[list[str], str | None]:
    """The R_LS feature of a table: :data:`DEFAULT_FEATURES`, else its earliest 5 % SOC discharge-pulse resistance.

    A table of another test plan may measure R_LS at another check-up cycle or with another pulse length
    (``dcr_<s>s_5_soc_at_c<n>``): the earliest cycle is taken (the end of line), the pulse nearest 10 s
    first. Returns the features and a note saying which was taken in place of the default (None when the
    default is there).

    Raises
    ------
    InputError
        No such column: name the feature columns in ``features``.
    """
    if all(c in table.columns for c in DEFAULT_FEATURES):
        return list(DEFAULT_FEATURES), None
    found = []
    for column in table.columns:
        match = _R_LS.match(str(column))
        if match is not None and pd.api.types.is_numeric_dtype(table[column]):
            found.append((int(match.group(2)), abs(int(match.group(1)) - 10), str(column)))
    if not found:
        resistances = [str(c) for c in table.columns if "dcr" in str(c).lower() or "resist" in str(c).lower()]
        hint = f" (resistance columns: {', '.join(resistances[:5])})" if resistances else ""
        raise InputError(
            f"formation table: no column {DEFAULT_FEATURES[0]!r} nor another dcr_<s>s_5_soc_at_c<n> resistance; "
            f"name the feature columns in features{hint}."
        )
    chosen = min(found)[2]
    return [
        chosen
    ], f"{DEFAULT_FEATURES[0]} is not a column; R_LS taken from {chosen}, the earliest 5 % SOC resistance"


DEFAULT_COVARIATES: tuple[str, ...] = ("is_room_temp_aging",)
"""Test conditions of Weng et al. 2021's data set (cells aged at room temperature and at 45 °C), added to the
features when no covariates are given and the table has them: across both ageing temperatures R_LS alone does
not beat the mean life (leave-one-out skill below 0), within each it ranks life (Spearman −0.77 and −0.83)."""

NO_SKILL = 0.0
"""Leave-one-out skill at or below which the features are reported as not predicting life."""


class FormationLifeRanker:
    """Ridge regression of log10 cycle life on formation features (scikit-learn estimator contract).

    Parameters
    ----------
    alphas
        Ridge penalties tried by internal cross-validation.
    """

    def __init__(self, alphas: tuple[float, ...] = tuple(np.logspace(-3, 3, 13))) -> None:
        self.alphas = alphas

    def fit(self, X: np.ndarray, y: np.ndarray) -> FormationLifeRanker:
        """Fit on features ``X`` (n×p) and cycle lives ``y`` (positive)."""
        from sklearn.linear_model import RidgeCV
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        X = np.asarray(X, dtype="float64")
        y = np.asarray(y, dtype="float64")
        if X.ndim != 2 or len(X) != len(y):
            raise InputError(
                f"features must be a 2-D table with one row per life value, got {X.shape} and {y.shape}."
            )
        if len(y) < 3:
            raise InputError(f"life-from-formation needs at least 3 cells, got {len(y)}.")
        if not np.all(np.isfinite(X)):
            raise InputError("formation features contain missing or infinite values.")
        if not np.all(np.isfinite(y) & (y > 0)):
            raise InputError("cycle life must be a positive number for every cell.")
        self.model_ = make_pipeline(StandardScaler(), RidgeCV(alphas=self.alphas)).fit(X, np.log10(y))
        self.n_features_in_ = X.shape[1]
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Predicted cycle life."""
        return np.asarray(10 ** self.model_.predict(np.asarray(X, dtype="float64")))

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Hyper-parameters (scikit-learn contract)."""
        return {"alphas": self.alphas}

    def set_params(self, **params: Any) -> FormationLifeRanker:
        """Set hyper-parameters (scikit-learn contract)."""
        for key, value in params.items():
            setattr(self, key, value)
        return self


@dataclass
class FormationEvaluation:
    """Leave-one-out evaluation of life-from-formation ranking."""

    target: str
    features: list[str]
    spearman: float
    spearman_by_group: dict[str, float]
    predictions: pd.DataFrame
    skill: float = float("nan")
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "target": self.target,
            "features": self.features,
            "spearman": self.spearman,
            "spearman_by_group": self.spearman_by_group,
            "skill": self.skill,
            "warnings": self.warnings,
            "predictions": self.predictions.to_dict(orient="records"),
        }


def loo_skill(log_life: np.ndarray, log_predicted: np.ndarray) -> float:
    """1 − the squared error of the leave-one-out predictions over that of the leave-one-out mean (log10 life).

    The mean of the other cells, (Σy − yᵢ)/(n − 1), is what a model without signal predicts; its predictions
    fall as yᵢ rises, so their rank correlation with life is −1 by construction. A skill at or below 0 says
    the features did no better than that.
    """
    n = len(log_life)
    mean_of_others = (log_life.sum() - log_life) / (n - 1)
    baseline = float(np.sum((mean_of_others - log_life) ** 2))
    return 1.0 - float(np.sum((log_predicted - log_life) ** 2)) / baseline if baseline > 0 else float("nan")


def leave_one_out(
    table: pd.DataFrame,
    target: str = "cycles_to_80_pct",
    features: list[str] | None = None,
    covariates: list[str] | None = None,
    id_column: str = "cellid",
    group_column: str | None = None,
) -> FormationEvaluation:
    """Leave-one-cell-out predictions and their Spearman rank correlation with measured life.

    Parameters
    ----------
    table
        One row per cell with formation features and the measured life.
    target
        Measured life column (e.g. ``cycles_to_80_pct``).
    features
        Formation features; default :data:`DEFAULT_FEATURES` (or the table's R_LS by another name,
        :func:`default_features`). Cells without a positive ``target`` or a feature value are left out
        and named in the warnings.
    covariates
        Test-condition columns added to the features (e.g. ``is_room_temp_aging``); None: those of
        :data:`DEFAULT_COVARIATES` the table has, [] for none.
    id_column
        Cell id column.
    group_column
        Column to report the rank correlation within each group as well.

    Returns
    -------
    FormationEvaluation
        Overall and per-group Spearman ρ, the leave-one-out skill (:func:`loo_skill`), the out-of-sample
        predictions and a warning where the features do not beat the mean.
    """
    warnings = []
    if features:
        features = list(features)
    else:
        features, note = default_features(table)
        warnings += [note] if note else []
    if covariates is None:
        covariates = [c for c in DEFAULT_COVARIATES if c in table.columns and c not in features]
    columns = numeric_columns(table, features + list(covariates or []) + [target], [], "formation table")
    values = table[columns].to_numpy(dtype="float64")
    usable = np.isfinite(values).all(axis=1) & (values[:, -1] > 0)
    if not usable.all():
        # a cell that did not reach the target (aged for a shorter time) or missed a measurement has no
        # place in the ranking; it is named, not dropped silently
        ids = (
            table[id_column].astype(str)
            if id_column in table
            else pd.Series(np.arange(len(table)).astype(str))
        )
        left = ids[~usable].tolist()
        warnings.append(
            f"{len(left)} cell(s) without a positive {target} or without a value of {', '.join(columns[:-1])} "
            f"left out: {', '.join(left[:10])}{' ...' if len(left) > 10 else ''}"
        )
        table = table[usable].reset_index(drop=True)
    X = table[columns[:-1]].to_numpy(dtype="float64")
    y = table[target].to_numpy(dtype="float64")
    predictions = np.empty(len(y))
    for k in range(len(y)):
        keep = np.arange(len(y)) != k
        model = FormationLifeRanker().fit(X[keep], y[keep])
        predictions[k] = model.predict(X[k : k + 1])[0]
    out = pd.DataFrame(
        {
            "id": table[id_column].astype(str) if id_column in table else np.arange(len(y)),
            "measured": y,
            "predicted": predictions,
        }
    )
    by_group: dict[str, float] = {}
    if group_column is not None:
        for group, rows in out.groupby(table[group_column].astype(str).to_numpy()):
            by_group[str(group)] = float(spearmanr(rows["predicted"], rows["measured"]).statistic)
    rho = float(spearmanr(predictions, y).statistic)
    skill = loo_skill(np.log10(y), np.log10(predictions))
    if not skill > NO_SKILL:
        warnings.append(
            f"{', '.join(columns[:-1])}: the leave-one-out predictions of {target} are no better than the mean "
            f"of the other cells (skill {skill:.2f}); their rank correlation ({rho:.2f}) is then the mean's "
            "artefact, not a ranking: add the test conditions as covariates or compare cells tested alike"
        )
    return FormationEvaluation(target, columns[:-1], rho, by_group, out, skill, warnings)
