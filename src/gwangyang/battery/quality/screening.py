"""Production-lot screening: robust univariate and multivariate outlier scores with reasons.

A cell is flagged when a calibrated test fires:

* robust univariate score, the modified z-score ``0.6745 (x - median) / MAD`` of Iglewicz & Hoaglin
  (1993), computed within the cell's lot, beyond ``z_threshold`` (default 3.5, their recommendation);
* robust squared Mahalanobis distance from a minimum covariance determinant (MCD) fit, beyond the
  chi-square quantile at ``alpha`` (Rousseeuw & Van Driessen 1999; :mod:`.robust`), when the lot has
  enough cells for the number of measurements.

Isolation Forest (Liu, Ting & Zhou 2008; :mod:`.iforest`) adds a ranking score; it flags only when the
user sets a ``contamination``. SPC run rules (Western Electric) are checked per lot over production order
and reported as lot alarms.

A million cells in lots of ten thousand screen in seconds: medians by partition, the MCD and the forest in
vectorised numpy, run rules as moving sums over all measurements at once, lots on threads (``n_jobs``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numba as nb
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


def _median(values: np.ndarray) -> np.ndarray:
    """Column medians; NaN-aware only when there is a NaN (``np.median`` partitions, ``np.nanmedian`` loops).

    The columns are partitioned as contiguous rows of the transposed array (a strided partition is slow).
    """
    columns = np.ascontiguousarray(values.T)
    if np.isnan(columns).any():
        return np.asarray(np.nanmedian(columns, axis=1))
    return np.asarray(np.median(columns, axis=1))


def modified_z(values: np.ndarray) -> np.ndarray:
    """Modified z-scores of the columns of ``values`` (NaN-aware; a zero MAD falls back to the mean absolute deviation)."""
    return _robust_z(values)[0]


def _robust_z(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Modified z-scores and the column medians."""
    median = _median(values)
    deviation = np.abs(values - median)
    mad = _median(deviation)
    fallback = np.nanmean(deviation, axis=0) * 1.2533  # mean absolute deviation -> MAD scale for a normal
    scale = np.where(mad > 0, mad, fallback)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = MAD_SCALE * (values - median) / scale
    return np.where(np.isfinite(z), z, 0.0), median


RUN_RULES = (
    ("2 of 3 beyond 2 sigma", 3, 2, 2.0),
    ("4 of 5 beyond 1 sigma", 5, 4, 1.0),
    ("8 in a row on one side", 8, 8, 0.0),
)
"""Western Electric rules 2-4: name, window, points needed in the window, level (in sigma)."""


@nb.njit(cache=True, nogil=True)
def _first_runs(z: np.ndarray, windows: np.ndarray, needs: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """First window start of each rule firing, per measurement, side (high, low) and rule; -1 when it never fires.

    One pass over each measurement in production order keeps a moving count of the points beyond each
    rule's level.
    """
    n, p = z.shape
    rules = len(windows)
    out = np.full((p, 2, rules), -1, dtype=np.int64)
    for j in range(p):
        for side_index in range(2):
            side = 1.0 if side_index == 0 else -1.0
            for r in range(rules):
                window, need, level = windows[r], needs[r], levels[r]
                count = 0
                for i in range(n):
                    if side * z[i, j] > level:
                        count += 1
                    if i >= window and side * z[i - window, j] > level:
                        count -= 1
                    if i >= window - 1 and count >= need:
                        out[j, side_index, r] = i - window + 1
                        break
    return out


def _run_rule_alarms(
    z: np.ndarray, ids: np.ndarray, columns: list[str], lot: str | None
) -> list[dict[str, Any]]:
    """Western Electric rules 2-4 over production order, on robust z (rule 1 is the univariate flag).

    Alarms are listed by measurement, then side (high first), then rule; each names the cells of the first
    window where the rule fires.
    """
    windows = np.array([rule[1] for rule in RUN_RULES], dtype=np.int64)
    needs = np.array([rule[2] for rule in RUN_RULES], dtype=np.int64)
    levels = np.array([rule[3] for rule in RUN_RULES], dtype=np.float64)
    first = _first_runs(np.ascontiguousarray(z, dtype=np.float64), windows, needs, levels)
    alarms = []
    for j, side, r in zip(*np.nonzero(first >= 0), strict=True):
        start = int(first[j, side, r])
        name, window = RUN_RULES[r][0], RUN_RULES[r][1]
        alarms.append(
            {
                "lot": lot,
                "measurement": columns[j],
                "rule": name,
                "direction": "high" if side == 0 else "low",
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
        z, centre = _robust_z(values)
        filled = values
        if not np.isfinite(values).all():
            filled = np.where(np.isfinite(values), values, centre)
            centre = _median(filled)
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
class _LotResult:
    flagged: list[FlaggedCell]
    alarms: list[dict[str, Any]]
    notes: list[str]
    max_abs_z: np.ndarray
    mahalanobis2: np.ndarray
    iforest: np.ndarray


def _screen_lot(
    screener: LotScreener,
    values: np.ndarray,
    ids: np.ndarray,
    measured: list[str],
    lot: str,
    lot_name: str | None,
    limit: float,
) -> _LotResult:
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
    alarms = _run_rule_alarms(z, ids, measured, lot_name)
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
    return _LotResult(flagged, alarms, notes, max_abs_z, d2_all, np.abs(result["iforest"]))


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
    n_jobs: int = 1,
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
    n_jobs
        Lots screened at once (threads; the array work releases the GIL). The result does not depend on it.

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
    if n_jobs < 1:
        raise InputError(f"n_jobs must be at least 1, got {n_jobs}.")
    screener = LotScreener(z_threshold, alpha, contamination, random_state)
    screener._validate()
    values = np.empty((len(table), len(measured)), dtype="float64")  # column by column: no DataFrame copy
    for j, column in enumerate(measured):
        values[:, j] = table[column].to_numpy(dtype="float64", na_value=np.nan)
    ids = table[id_column].to_numpy()  # made text only where shown (flags, alarms, scores)
    if lot_column:
        codes, uniques = pd.factorize(table[lot_column], sort=False, use_na_sentinel=False)
        lot_names = [str(u) for u in uniques]
    else:
        codes, lot_names = np.zeros(len(table), dtype=np.int64), ["all"]
    order = np.argsort(codes, kind="stable")  # each lot's cells together, in production order
    bounds = np.concatenate([[0], np.cumsum(np.bincount(codes, minlength=len(lot_names)))])
    limit = float(stats.chi2.ppf(1 - alpha, len(measured)))
    notes: list[str] = []
    jobs = []
    for k, lot in enumerate(lot_names):
        rows = order[bounds[k] : bounds[k + 1]]
        if len(rows) < 3:
            notes.append(f"lot {lot}: only {len(rows)} cell(s), not screened against each other.")
            continue
        lot_name = None if lot_column is None else str(lot)
        jobs.append((rows, (screener, values[rows], ids[rows], measured, str(lot), lot_name, limit)))
    from threadpoolctl import threadpool_limits  # a scikit-learn dependency

    # one BLAS thread: the lot's matrices are small, and OpenBLAS threads left spinning after each
    # product slow the compiled forest down by a third on a busy machine; lots run on our own threads
    with threadpool_limits(1, user_api="blas"):
        if n_jobs > 1 and len(jobs) > 1:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(n_jobs) as pool:
                done = list(pool.map(lambda job: _screen_lot(*job[1]), jobs))
        else:
            done = [_screen_lot(*job[1]) for job in jobs]
    flagged: list[FlaggedCell] = []
    alarms: list[dict[str, Any]] = []
    for lot_result in done:
        flagged.extend(lot_result.flagged)
        alarms.extend(lot_result.alarms)
        notes.extend(lot_result.notes)
    if jobs:
        scored = np.concatenate([rows for rows, _ in jobs])
        scores = pd.DataFrame(
            {
                "id": ids[scored],
                "lot": None if lot_column is None else np.asarray(lot_names, dtype=object)[codes[scored]],
                "max_abs_z": np.concatenate([r.max_abs_z for r in done]),
                "mahalanobis2": np.concatenate([r.mahalanobis2 for r in done]),
                "iforest_score": np.concatenate([r.iforest for r in done]),
            }
        )
    else:
        scores = pd.DataFrame()
    flagged.sort(key=lambda f: -f.score)
    return ScreeningResult(len(table), flagged, scores, alarms, notes)
