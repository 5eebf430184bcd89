"""Production-lot screening: robust univariate and multivariate outlier scores with reasons.

A cell is flagged when a calibrated test fires:

* robust univariate score, the modified z-score ``0.6745 (x - median) / MAD`` of Iglewicz & Hoaglin
  (1993), computed within the cell's lot, beyond ``z_threshold`` (default 3.5, their recommendation);
* robust squared Mahalanobis distance from a minimum covariance determinant (MCD) fit, beyond the
  chi-square quantile at ``alpha`` (Rousseeuw & Van Driessen 1999), when the lot has enough cells for
  the number of measurements.

Isolation Forest (Liu, Ting & Zhou 2008) adds a ranking score; it flags only when the user sets a
``contamination``. SPC run rules (Western Electric) are checked per lot over production order and
reported as lot alarms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ...errors import InputError
from .tables import numeric_columns, require_column

MAD_SCALE = 0.6745
"""Modified z-score constant (Iglewicz & Hoaglin 1993): 0.6745 = Φ⁻¹(0.75), so MAD/0.6745 estimates σ."""


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


@dataclass
class ScreeningResult:
    """Result of screening a table of cells."""

    n_cells: int
    flagged: list[FlaggedCell]
    scores: pd.DataFrame
    lot_alarms: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: ``{"flagged": [...], "n_cells", "lot_alarms", "notes"}``."""
        return {
            "flagged": [f.to_dict() for f in self.flagged],
            "n_cells": self.n_cells,
            "lot_alarms": self.lot_alarms,
            "notes": self.notes,
        }

    def summary(self) -> str:
        """One line."""
        return f"{len(self.flagged)} of {self.n_cells} cells flagged; {len(self.lot_alarms)} lot alarms"


def modified_z(values: np.ndarray) -> np.ndarray:
    """Modified z-scores of the columns of ``values`` (NaN-aware; a zero MAD falls back to the mean absolute deviation)."""
    median = np.nanmedian(values, axis=0)
    deviation = np.abs(values - median)
    mad = np.nanmedian(deviation, axis=0)
    fallback = np.nanmean(deviation, axis=0) * 1.2533  # mean absolute deviation -> MAD scale for a normal
    scale = np.where(mad > 0, mad, fallback)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = MAD_SCALE * (values - median) / scale
    return np.where(np.isfinite(z), z, 0.0)


def _run_rule_alarms(
    z: np.ndarray, ids: np.ndarray, columns: list[str], lot: str | None
) -> list[dict[str, Any]]:
    """Western Electric rules 2-4 over production order, on robust z (rule 1 is the univariate flag)."""
    alarms = []
    n = len(z)
    for j, column in enumerate(columns):
        x = z[:, j]
        for side in (1, -1):
            s = side * x
            rules = (
                ("2 of 3 beyond 2 sigma", 3, 2, 2.0),
                ("4 of 5 beyond 1 sigma", 5, 4, 1.0),
                ("8 in a row on one side", 8, 8, 0.0),
            )
            for name, window, need, level in rules:
                if n < window:
                    continue
                hits = np.convolve((s > level).astype(int), np.ones(window, dtype=int), mode="valid")
                where = np.flatnonzero(hits >= need)
                if len(where):
                    start = int(where[0])
                    alarms.append(
                        {
                            "lot": lot,
                            "measurement": column,
                            "rule": name,
                            "direction": "high" if side > 0 else "low",
                            "cells": [str(i) for i in ids[start : start + window]],
                        }
                    )
    return alarms


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
    """

    def __init__(
        self,
        z_threshold: float = 3.5,
        alpha: float = 0.001,
        contamination: float | None = None,
        random_state: int = 0,
        mcd_max_rows: int = 500,
    ) -> None:
        self.z_threshold = z_threshold
        self.alpha = alpha
        self.contamination = contamination
        self.random_state = random_state
        self.mcd_max_rows = mcd_max_rows

    def _validate(self) -> None:
        if not self.z_threshold > 0:
            raise InputError(f"z_threshold must be positive, got {self.z_threshold}.")
        if not 0 < self.alpha < 0.5:
            raise InputError(f"alpha must be in (0, 0.5), got {self.alpha}.")
        if self.contamination is not None and not 0 < self.contamination <= 0.5:
            raise InputError(f"contamination must be in (0, 0.5], got {self.contamination}.")

    def score(self, values: np.ndarray) -> dict[str, np.ndarray]:
        """Scores of each row: ``z`` (n×p), ``mahalanobis2`` and ``contrib`` (n×p, NaN when skipped), ``iforest``."""
        self._validate()
        n, p = values.shape
        z = modified_z(values)
        filled = np.where(np.isfinite(values), values, np.nanmedian(values, axis=0))
        d2 = np.full(n, np.nan)
        contrib = np.full((n, p), np.nan)
        if n >= 5 * p and n >= 10:
            from sklearn.covariance import MinCovDet

            centre = np.median(filled, axis=0)
            spread = np.where(np.std(filled, axis=0) > 0, np.std(filled, axis=0), 1.0)
            standard = (filled - centre) / spread
            fit_rows = standard
            if n > self.mcd_max_rows:
                rng = np.random.default_rng(self.random_state)
                fit_rows = standard[rng.choice(n, self.mcd_max_rows, replace=False)]
            mcd = MinCovDet(random_state=self.random_state).fit(fit_rows)
            diff = standard - mcd.location_
            precision = mcd.get_precision()
            contrib = diff * (diff @ precision)
            d2 = contrib.sum(axis=1)
        iforest = np.full(n, np.nan)
        if n >= 8:
            from sklearn.ensemble import IsolationForest

            model = IsolationForest(
                n_estimators=100,
                contamination="auto" if self.contamination is None else self.contamination,
                random_state=self.random_state,
            ).fit(filled)
            iforest = -model.score_samples(filled)  # higher = more anomalous, in (0, 1]
            if self.contamination is not None:
                iforest = np.where(model.predict(filled) < 0, iforest, -iforest)
        return {"z": z, "mahalanobis2": d2, "contrib": contrib, "iforest": iforest}


def screen(
    table: pd.DataFrame,
    id_column: str,
    lot_column: str | None = None,
    columns: list[str] | None = None,
    z_threshold: float = 3.5,
    alpha: float = 0.001,
    contamination: float | None = None,
    random_state: int = 0,
    source: str = "table",
) -> ScreeningResult:
    """Screen a per-cell measurement table, lot by lot.

    Parameters
    ----------
    table
        One row per cell, in production order.
    id_column, lot_column
        Names of the cell-id and lot columns.
    columns
        Measurement columns; default: every numeric column but the id and lot.
    z_threshold, alpha, contamination, random_state
        See :class:`LotScreener`.
    source
        Name of the table in error messages.

    Returns
    -------
    ScreeningResult
        Flagged cells with reasons and driving measurements, per-cell scores and lot alarms.
    """
    require_column(table, id_column, "--id-column", source)
    if lot_column is not None:
        require_column(table, lot_column, "--lot-column", source)
    if table[id_column].duplicated().any():
        dup = table[id_column][table[id_column].duplicated()].iloc[0]
        raise InputError(f"{source}: id column {id_column!r} has duplicate id {dup!r}.")
    exclude = [id_column] + ([lot_column] if lot_column else [])
    measured = numeric_columns(table, columns, exclude, source)
    if len(table) < 3:
        raise InputError(f"{source}: screening needs at least 3 cells to compare, got {len(table)}.")
    screener = LotScreener(z_threshold, alpha, contamination, random_state)
    lots = table[lot_column].astype(str) if lot_column else pd.Series("all", index=table.index)
    flagged: list[FlaggedCell] = []
    score_frames = []
    alarms: list[dict[str, Any]] = []
    notes: list[str] = []
    limit = float(stats.chi2.ppf(1 - alpha, len(measured)))
    for lot, rows in table.groupby(lots, sort=False):
        if len(rows) < 3:
            notes.append(f"lot {lot}: only {len(rows)} cell(s), not screened against each other.")
            continue
        values = rows[measured].to_numpy(dtype="float64")
        result = screener.score(values)
        if np.isnan(result["mahalanobis2"]).all():
            notes.append(
                f"lot {lot}: robust Mahalanobis skipped ({len(rows)} cells for {len(measured)} measurements; "
                "it needs at least 5 cells per measurement)."
            )
        ids = rows[id_column].astype(str).to_numpy()
        lot_name = None if lot_column is None else str(lot)
        alarms.extend(_run_rule_alarms(result["z"], ids, measured, lot_name))
        z = result["z"]
        d2_all = result["mahalanobis2"]
        suspects = (np.abs(z) > z_threshold).any(axis=1) | (np.isfinite(d2_all) & (d2_all > limit))
        if contamination is not None:
            suspects |= result["iforest"] > 0
        for k in np.flatnonzero(suspects):
            cell = ids[k]
            reasons, drivers = [], []
            for j in np.argsort(-np.abs(z[k])):
                if abs(z[k, j]) > z_threshold:
                    direction = "high" if z[k, j] > 0 else "low"
                    reasons.append(f"{measured[j]} {direction} (robust z {z[k, j]:+.1f})")
                    drivers.append(measured[j])
            d2 = result["mahalanobis2"][k]
            if np.isfinite(d2) and d2 > limit:
                top = np.argsort(-result["contrib"][k])[:3]
                reasons.append(f"multivariate outlier (robust Mahalanobis² {d2:.1f} > {limit:.1f})")
                drivers.extend(measured[j] for j in top if measured[j] not in drivers)
            if contamination is not None and result["iforest"][k] > 0:
                reasons.append(f"isolation forest outlier (score {result['iforest'][k]:.2f})")
            if reasons:
                score = float(
                    max(np.max(np.abs(z[k])) / z_threshold, (d2 / limit) if np.isfinite(d2) else 0.0)
                )
                flagged.append(FlaggedCell(str(cell), lot_name, round(score, 3), reasons, drivers))
        frame = pd.DataFrame({"id": ids, "lot": lot_name})
        frame["max_abs_z"] = np.max(np.abs(z), axis=1)
        frame["mahalanobis2"] = result["mahalanobis2"]
        frame["iforest_score"] = np.abs(result["iforest"])
        score_frames.append(frame)
    scores = pd.concat(score_frames, ignore_index=True) if score_frames else pd.DataFrame()
    flagged.sort(key=lambda f: -f.score)
    return ScreeningResult(len(table), flagged, scores, alarms, notes)
