"""One production lot screened: its cells scored against each other, the flagged ones explained.

Robust univariate z-scores (:mod:`.robust_z`), a robust Mahalanobis distance from a minimum covariance
determinant fit (:mod:`.robust`), an Isolation Forest score (:mod:`.iforest`) and run rules
(:mod:`.run_rules`); :func:`screen_lot` turns the scores into flagged cells with reasons and driving
measurements.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ...errors import InputError
from .robust_z import column_median, robust_z
from .run_rules import run_rule_alarms


@dataclass
class FlaggedCell:
    """One flagged cell with its score and the reasons."""

    id: str
    lot: str | None
    score: float
    reasons: list[str]
    drivers: list[str]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "lot": self.lot,
            "score": self.score,
            "reasons": self.reasons,
            "drivers": self.drivers,
        }


class LotScreener:
    """Scores cells of one lot against each other (scikit-learn style: parameters in ``__init__``).

    Parameters
    ----------
    z_threshold
        Modified z-score beyond which a measurement flags a cell.
    alpha
        False-alarm rate of the robust Mahalanobis test (chi-square quantile).
    contamination
        Isolation Forest contamination; None reports its score without flagging.
    random_state
        Seed of the MCD and Isolation Forest.
    mcd_max_rows
        Largest number of cells the MCD is fitted on; a larger lot is fitted on a random subset of
        this size (an MCD estimate from a random subsample is still robust) and all its cells are scored.
    n_estimators, max_samples
        Trees of the Isolation Forest and the cells each is grown on (Liu et al. 2008: 100 and 256).
    """

    def __init__(
        self,
        z_threshold: float = 3.5,
        alpha: float = 0.001,
        contamination: float | None = None,
        random_state: int = 0,
        mcd_max_rows: int = 500,
        n_estimators: int = 100,
        max_samples: int = 256,
    ) -> None:
        self.z_threshold = z_threshold
        self.alpha = alpha
        self.contamination = contamination
        self.random_state = random_state
        self.mcd_max_rows = mcd_max_rows
        self.n_estimators = n_estimators
        self.max_samples = max_samples

    def _validate(self) -> None:
        if not self.z_threshold > 0:
            raise InputError(f"z_threshold must be positive, got {self.z_threshold}.")
        if not 0 < self.alpha < 0.5:
            raise InputError(f"alpha must be in (0, 0.5), got {self.alpha}.")
        if self.contamination is not None and not 0 < self.contamination <= 0.5:
            raise InputError(f"contamination must be in (0, 0.5], got {self.contamination}.")

    def score(self, values: np.ndarray) -> dict[str, np.ndarray]:
        """Scores of each row: ``z`` (n×p), ``mahalanobis2`` and ``contrib`` (n×p, NaN when skipped), ``iforest``.

        ``iforest`` is the Isolation Forest anomaly score in (0, 1] (higher: more isolated); with a
        ``contamination`` it is negated for the cells not in that share.
        """
        from .iforest import IsolationForest
        from .robust import min_cov_det

        self._validate()
        n, p = values.shape
        z, centre = robust_z(values)
        filled = values
        if not np.isfinite(values).all():
            filled = np.where(np.isfinite(values), values, centre)
            centre = column_median(filled)
        d2 = np.full(n, np.nan)
        contrib = np.full((n, p), np.nan)
        if n >= 5 * p and n >= 10:
            spread = np.std(filled, axis=0)
            spread = np.where(spread > 0, spread, 1.0)
            standard = (filled - centre) / spread
            fit_rows = standard
            if n > self.mcd_max_rows:
                rng = np.random.default_rng(self.random_state)
                fit_rows = standard[rng.choice(n, self.mcd_max_rows, replace=False)]
            location, covariance = min_cov_det(fit_rows, self.random_state)
            diff = standard - location
            contrib = diff * (diff @ np.linalg.pinv(covariance, hermitian=True))
            d2 = contrib.sum(axis=1)
        iforest = np.full(n, np.nan)
        if n >= 8:
            forest = IsolationForest(self.n_estimators, self.max_samples, self.random_state).fit(filled)
            iforest = forest.score(filled)
            if self.contamination is not None:
                outlier = iforest > np.quantile(iforest, 1.0 - self.contamination)
                iforest = np.where(outlier, iforest, -iforest)
        return {"z": z, "mahalanobis2": d2, "contrib": contrib, "iforest": iforest}


@dataclass
class LotResult:
    """What :func:`screen_lot` found in one lot: flagged cells, run-rule alarms, notes and each cell's scores."""

    flagged: list[FlaggedCell]
    alarms: list[dict[str, Any]]
    notes: list[str]
    max_abs_z: np.ndarray
    mahalanobis2: np.ndarray
    iforest: np.ndarray
    filled: np.ndarray
    """Missing values of each measurement filled with the lot's median (robust z 0 there) for the MCD and forest."""


def screen_lot(
    screener: LotScreener,
    values: np.ndarray,
    ids: np.ndarray,
    measured: list[str],
    lot: str,
    lot_name: str | None,
    limit: float,
) -> LotResult:
    """Score one lot and explain its flagged cells."""
    n = len(values)
    notes: list[str] = []
    result = screener.score(values)
    if np.isnan(result["mahalanobis2"]).all():
        notes.append(
            f"lot {lot}: robust Mahalanobis skipped ({n} cells for {len(measured)} measurements; "
            "it needs at least 5 cells per measurement)."
        )
    z = result["z"]
    z_threshold = screener.z_threshold
    alarms = run_rule_alarms(z, ids, measured, lot_name)
    d2_all = result["mahalanobis2"]
    abs_z = np.abs(z)
    max_abs_z = abs_z.max(axis=1)
    suspects = (max_abs_z > z_threshold) | (np.isfinite(d2_all) & (d2_all > limit))
    if screener.contamination is not None:
        suspects |= result["iforest"] > 0
    flagged = []
    for k in np.flatnonzero(suspects):
        reasons, drivers = [], []
        for j in np.argsort(-abs_z[k]):
            if abs_z[k, j] > z_threshold:
                direction = "high" if z[k, j] > 0 else "low"
                reasons.append(f"{measured[j]} {direction} (robust z {z[k, j]:+.1f})")
                drivers.append(measured[j])
        d2 = d2_all[k]
        if np.isfinite(d2) and d2 > limit:
            top = np.argsort(-result["contrib"][k])[:3]
            reasons.append(f"multivariate outlier (robust Mahalanobis² {d2:.1f} > {limit:.1f})")
            drivers.extend(measured[j] for j in top if measured[j] not in drivers)
        if screener.contamination is not None and result["iforest"][k] > 0:
            reasons.append(f"isolation forest outlier (score {result['iforest'][k]:.2f})")
        if reasons:
            score = float(max(max_abs_z[k] / z_threshold, (d2 / limit) if np.isfinite(d2) else 0.0))
            flagged.append(FlaggedCell(str(ids[k]), lot_name, round(score, 3), reasons, drivers))
    filled = (~np.isfinite(values)).sum(axis=0)
    return LotResult(flagged, alarms, notes, max_abs_z, d2_all, np.abs(result["iforest"]), filled)
