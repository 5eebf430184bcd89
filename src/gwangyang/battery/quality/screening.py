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

Here the table is split into lots and the results gathered; one lot is scored and explained in
:mod:`.lot_screener`, from :mod:`.robust_z` and :mod:`.run_rules`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ...errors import InputError
from ...written import as_written
from .lot_screener import FlaggedCell, LotScreener, screen_lot
from .tables import numeric_columns, require_column


def _uninformative(values: pd.Series) -> bool:
    """Empty in every cell, or one value throughout: nothing to compare cells on."""
    return bool(values.nunique(dropna=True) <= 1)


def measurement_notes(
    table: pd.DataFrame, measured: list[str], exclude: list[str] | None, id_column: str, source: str = "table"
) -> list[str]:
    """What screening leaves out or fills in, one line each.

    Parameters
    ----------
    table
        The cells.
    measured
        The measurement columns chosen.
    exclude
        The id and lot columns when the measurements were chosen by default (then text columns are named as
        not screened), else None.
    id_column
        The cell-id column (a cell with a missing value is named by it).
    source
        The table's name, at the start of each note.

    Returns
    -------
    list of str
        Text columns not screened (status labels such as ``OK``/``NG``), empty or constant columns left out,
        and columns with missing values (screened on the cells' other measurements).
    """
    notes = []
    if exclude is not None:
        skipped = [c for c in table.columns if c not in exclude and c not in measured]
        for column in skipped:
            values = table[column]
            if pd.api.types.is_datetime64_any_dtype(values):
                continue
            numbers = pd.to_numeric(values, errors="coerce")
            words = values.notna() & numbers.isna()
            if words.any() and numbers.notna().sum() > words.sum():  # a measurement with a stray word
                row = int(np.flatnonzero(words.to_numpy())[0])
                raise InputError(
                    f"{source}: column {column!r} holds numbers but {as_written(values.iloc[row])} for cell "
                    f"{str(table[id_column].iloc[row])!r} (data row {row + 1}); expected a number or an empty cell."
                )
        texts = {c: table[c].dropna() for c in skipped}
        shown = ", ".join(
            f"{c!r} (e.g. {str(v.iloc[0])[:20]!r})" if len(v) else repr(c) for c, v in texts.items()
        )
        if skipped:
            notes.append(f"{source}: columns that are not numbers not screened: {shown}.")
    for column in measured:
        values = table[column]
        if values.isna().all():
            notes.append(f"{source}: column {column!r} is empty in every cell; left out.")
        elif _uninformative(values):
            notes.append(
                f"{source}: column {column!r} holds one value ({values.dropna().iloc[0]}) in every cell; left out."
            )
        elif values.isna().any():
            first = table[id_column][values.isna()].iloc[0]
            notes.append(
                f"{source}: column {column!r} is missing for {int(values.isna().sum())} cell(s) (first {str(first)!r}); "
                "each is filled with its lot's median (robust z 0) and the cell screened on its other measurements."
            )
    return notes


@dataclass
class ScreeningResult:
    """Result of screening a table of cells."""

    n_cells: int
    flagged: list[FlaggedCell]
    scores: pd.DataFrame
    lot_alarms: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    filled: dict[str, int] = field(default_factory=dict)
    """Missing values filled with their lot's median, per measurement (only those with any)."""

    @property
    def filled_values(self) -> int:
        """Missing values filled with their lot's median, in all."""
        return sum(self.filled.values())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: ``{"flagged": [...], "n_cells", "lot_alarms", "notes", "filled_values", "filled"}``."""
        return {
            "flagged": [f.to_dict() for f in self.flagged],
            "n_cells": self.n_cells,
            "lot_alarms": self.lot_alarms,
            "notes": self.notes,
            "filled_values": self.filled_values,
            "filled": self.filled,
        }

    def summary(self) -> str:
        """One line."""
        return (
            f"{len(self.flagged)} of {self.n_cells} cells flagged; {len(self.lot_alarms)} lot alarms; "
            f"{self.filled_values} missing value(s) filled with the lot median"
        )


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
    require_column(table, id_column, "id_column", source)
    if lot_column is not None:
        require_column(table, lot_column, "lot_column", source)
    if table[id_column].duplicated().any():
        dup = table[id_column][table[id_column].duplicated()].iloc[0]
        raise InputError(f"{source}: id column {id_column!r} has duplicate id {dup!r}.")
    exclude = [id_column] + ([lot_column] if lot_column else [])
    measured = numeric_columns(table, columns, exclude, source)
    notes = measurement_notes(table, measured, exclude if columns is None else None, id_column, source)
    if len(table) < 3:
        raise InputError(f"{source}: screening needs at least 3 cells to compare, got {len(table)}.")
    measured = [c for c in measured if not _uninformative(table[c])]
    if not measured:
        raise InputError(f"{source}: every measurement column is empty or constant; nothing to screen.")
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
                done = list(pool.map(lambda job: screen_lot(*job[1]), jobs))
        else:
            done = [screen_lot(*job[1]) for job in jobs]
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
    counts = np.sum([r.filled for r in done], axis=0) if done else np.zeros(len(measured), dtype=int)
    filled = {column: int(n) for column, n in zip(measured, counts, strict=True) if n}
    return ScreeningResult(len(table), flagged, scores, alarms, notes, filled)
