"""State of health of retired cells from a short pulse test (Tao et al. 2024, PulseBat data set).

Tao, Ma, Fang, ... & Sun (2024), "Generative learning assisted state-of-health estimation for
sustainable battery recycling with random retirement conditions", Nature Communications 15:10154,
publish the PulseBat data: 21 voltages ``U1..U21`` sampled through a train of short current pulses,
at state of charge 5 %–50 %, with the measured SOH of each retired cell (LMO 10 Ah, NMC 2.1 Ah,
NMC 21 Ah, LFP 35 Ah; MIT licence). The estimator here uses the features ``[U1, Uk - U1]`` (the
open-circuit level and the polarisation shape) with gradient boosting (or ridge) per chemistry and
reports an interval from out-of-fold residuals (split conformal, grouped by cell).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ...errors import InputError
from .tables import require_column

PULSE_COLUMNS: tuple[str, ...] = tuple(f"u{k}_v" for k in range(1, 22))
"""The 21 pulse voltages of the PulseBat tables, in our naming (``U1`` → ``u1_v``)."""

TAO_2024_UNSEEN_MAPE = 0.06
"""Tao et al. 2024 (Nat. Commun. 15:10154, abstract): SOH "MAPE below 6 % even under unseen retirement
conditions" (their generative-augmented estimator, 2 700 cells' pulse data)."""

MODELS = ("gbr", "ridge")


def cell_type(chemistry: Any, nominal_capacity_ah: Any) -> str:
    """A cell type label such as ``NMC 2.1Ah``."""
    return f"{chemistry_key(chemistry)} {float(nominal_capacity_ah):g}Ah"


def pulse_features(table: pd.DataFrame, source: str = "table") -> np.ndarray:
    """``[U1, U2 - U1, ..., U21 - U1]`` of each row (n × 21).

    Raises
    ------
    InputError
        A pulse column is missing or not numeric.
    """
    for column in PULSE_COLUMNS:
        require_column(table, column, "pulse voltage", source)
        if not pd.api.types.is_numeric_dtype(table[column]):
            raise InputError(f"{source}: column {column!r} must be numeric volts.")
    u = table[list(PULSE_COLUMNS)].to_numpy(dtype="float64")
    if not np.all(np.isfinite(u)):
        row = int(np.flatnonzero(~np.isfinite(u).all(axis=1))[0])
        raise InputError(f"{source}: row {row + 1} has a missing pulse voltage.")
    return np.c_[u[:, :1], u[:, 1:] - u[:, :1]]


def _make(model: str, random_state: int) -> Any:
    if model == "gbr":
        from sklearn.ensemble import GradientBoostingRegressor

        return GradientBoostingRegressor(random_state=random_state)
    if model == "ridge":
        from sklearn.linear_model import RidgeCV
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        return make_pipeline(StandardScaler(), RidgeCV(alphas=tuple(np.logspace(-4, 3, 15))))
    raise InputError(f"model: expected one of {', '.join(MODELS)}, got {model!r}.")


def _check_training(table: pd.DataFrame, source: str) -> None:
    for column in ("id", "chemistry", "soh"):
        require_column(table, column, "training column", source)


class PulseSOHEstimator:
    """SOH from pulse voltages, one model per chemistry (scikit-learn style: parameters in ``__init__``).

    Parameters
    ----------
    model
        ``gbr`` (gradient boosting) or ``ridge``.
    coverage
        Coverage of the SOH interval (split conformal on out-of-fold absolute errors).
    folds
        Folds (grouped by cell id) used to calibrate the interval.
    random_state
        Seed.
    """

    def __init__(
        self, model: str = "gbr", coverage: float = 0.9, folds: int = 5, random_state: int = 0
    ) -> None:
        self.model = model
        self.coverage = coverage
        self.folds = folds
        self.random_state = random_state

    def fit(self, table: pd.DataFrame, source: str = "training table") -> PulseSOHEstimator:
        """Fit on a PulseBat-style table (``id``, ``chemistry``, ``soh``, ``u1_v..u21_v``)."""
        from sklearn.model_selection import GroupKFold

        _check_training(table, source)
        if not 0 < self.coverage < 1:
            raise InputError(f"coverage must be in (0, 1), got {self.coverage}.")
        X = pulse_features(table, source)
        y = table["soh"].to_numpy(dtype="float64")
        chem = table["chemistry"].map(chemistry_key).to_numpy()
        ids = table["id"].astype(str).to_numpy()
        self.models_: dict[str, Any] = {}
        self.halfwidth_: dict[str, float] = {}
        for name in sorted(set(chem)):
            rows = chem == name
            cells = len(set(ids[rows]))
            if cells < 2:
                raise InputError(
                    f"{source}: chemistry {name!r} has {cells} cell; its interval needs 2 cells or more."
                )
            residual = np.empty(int(rows.sum()))
            Xc, yc, gc = X[rows], y[rows], ids[rows]
            # as many folds as asked, or one cell per fold where a chemistry has fewer cells
            for train, test in GroupKFold(min(self.folds, cells)).split(Xc, groups=gc):
                fold = _make(self.model, self.random_state).fit(Xc[train], yc[train])
                residual[test] = np.abs(fold.predict(Xc[test]) - yc[test])
            n = len(residual)
            level = min(1.0, np.ceil((n + 1) * self.coverage) / n)
            self.halfwidth_[name] = float(np.quantile(residual, level))
            self.models_[name] = _make(self.model, self.random_state).fit(Xc, yc)
        return self

    @property
    def chemistries(self) -> list[str]:
        """Chemistries the estimator was trained on."""
        return sorted(self.models_)

    def predict(self, table: pd.DataFrame, source: str = "table") -> pd.DataFrame:
        """SOH estimate of each row with its interval: columns ``soh``, ``soh_low``, ``soh_high``.

        Raises
        ------
        InputError
            A row's chemistry has no trained model.
        """
        require_column(table, "chemistry", "chemistry column", source)
        X = pulse_features(table, source)
        chem = table["chemistry"].map(chemistry_key).to_numpy()
        unknown = sorted(set(chem) - set(self.models_))
        if unknown:
            raise InputError(
                f"{source}: unknown chemistry {unknown[0]!r} (pulse models exist for {', '.join(self.chemistries)})."
            )
        soh = np.empty(len(table))
        half = np.empty(len(table))
        for name in set(chem):
            rows = chem == name
            soh[rows] = self.models_[name].predict(X[rows])
            half[rows] = self.halfwidth_[name]
        return pd.DataFrame({"soh": soh, "soh_low": soh - half, "soh_high": soh + half}, index=table.index)


def mape(predicted: np.ndarray, measured: np.ndarray) -> float:
    """Mean absolute percentage error, as a fraction."""
    return float(np.mean(np.abs(np.asarray(predicted) - measured) / np.asarray(measured)))


@dataclass
class PulseEvaluation:
    """SOH MAPE per cell type: within the type (grouped folds by cell) and with its chemistry held out."""

    within: dict[str, float]
    held_out: dict[str, float]
    model: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, with Tao et al.'s bound alongside."""
        return {
            "model": self.model,
            "within_type_mape": self.within,
            "held_out_type_mape": self.held_out,
            "tao_2024_unseen_mape_bound": TAO_2024_UNSEEN_MAPE,
        }


def evaluate(
    table: pd.DataFrame, model: str = "gbr", folds: int = 5, held_out: bool = True, random_state: int = 0
) -> PulseEvaluation:
    """MAPE of SOH per cell type (chemistry and nominal capacity).

    Within a type: ``folds``-fold cross-validation grouped by cell id (no cell in both train and test).
    Held out: trained on the other chemistries, tested on this one (both NMC formats leave together),
    reported per type.
    """
    from sklearn.model_selection import GroupKFold

    _check_training(table, "pulse table")
    require_column(table, "nominal_capacity_ah", "training column", "pulse table")
    X = pulse_features(table, "pulse table")
    y = table["soh"].to_numpy(dtype="float64")
    types = np.array(
        [cell_type(c, q) for c, q in zip(table["chemistry"], table["nominal_capacity_ah"], strict=False)]
    )
    ids = table["id"].astype(str).to_numpy()
    within: dict[str, float] = {}
    outside: dict[str, float] = {}
    for name in sorted(str(t) for t in set(types)):
        rows = np.flatnonzero(types == name)
        cells = len(set(ids[rows]))
        if cells < 2:
            raise InputError(
                f"pulse table: cell type {name!r} has {cells} cell; cross-validation needs 2 or more."
            )
        predicted = np.empty(len(rows))
        for train, test in GroupKFold(min(folds, cells)).split(rows, groups=ids[rows]):
            fitted = _make(model, random_state).fit(X[rows[train]], y[rows[train]])
            predicted[test] = fitted.predict(X[rows[test]])
        within[name] = round(mape(predicted, y[rows]), 5)
    chem = table["chemistry"].map(chemistry_key).to_numpy()
    if held_out and len(set(chem)) > 1:
        for name in sorted(str(c) for c in set(chem)):
            test_rows = chem == name
            fitted = _make(model, random_state).fit(X[~test_rows], y[~test_rows])
            predicted = fitted.predict(X[test_rows])
            for kind in sorted(str(t) for t in set(types[test_rows])):
                part = types[test_rows] == kind
                outside[kind] = round(mape(predicted[part], y[test_rows][part]), 5)
    return PulseEvaluation(within, outside, model)


PULSEBAT_COLUMNS = {
    "ID": "id",
    "Mat": "chemistry",
    "Qn": "nominal_capacity_ah",
    "Q": "capacity_ah",
    "SOH": "soh",
    "SOC": "soc_percent",
    **{f"U{k}": f"u{k}_v" for k in range(1, 22)},
}
"""PulseBat spreadsheet columns and their names here."""

PULSEBAT_OPTIONAL: tuple[str, ...] = ("Q", "SOH", "SOC")
"""PulseBat columns a workbook may lack (a table of cells to grade needs no measured SOH)."""

ALL_SHEET = "SOC ALL"
"""The PulseBat sheet that holds every state of charge (the others, ``SOC5`` ... ``SOC50``, one each)."""

CHEMISTRY_SPELLINGS: dict[str, str] = {
    "NCM": "NMC",
    "NCM111": "NMC111",
    "LIFEPO4": "LFP",
    "LICOO2": "LCO",
    "LIMN2O4": "LMO",
}
"""Other spellings of one chemistry, so that a table's ``NCM`` cells meet a model trained on ``NMC`` ones."""


def chemistry_key(value: Any) -> str:
    """A chemistry label as the pulse models name it: upper case, ``NCM`` written ``NMC``, formulas by their initials."""
    text = str(value).strip().upper()
    return CHEMISTRY_SPELLINGS.get(text, text)


def _squeeze(name: Any) -> str:
    return "".join(str(name).split()).replace("_", "").upper()


def pulsebat_sheet(sheets: dict[str, pd.DataFrame], source: str = "workbook") -> pd.DataFrame:
    """The table of one PulseBat workbook's sheets: its ``SOC ALL`` sheet (however spaced or cased).

    A workbook without one gives the rows of every sheet that holds the PulseBat columns (one sheet per
    state of charge, ``SOC5`` ... ``SOC50``), in sheet order.

    Raises
    ------
    InputError
        No sheet holds the PulseBat columns; a required column (``ID``, ``Mat``, ``Qn``, ``U1``..``U21``)
        is missing.
    """
    tables = {name: frame.rename(columns=lambda c: str(c).strip()) for name, frame in sheets.items()}
    required = [c for c in PULSEBAT_COLUMNS if c not in PULSEBAT_OPTIONAL]
    whole = [name for name in tables if _squeeze(name) == _squeeze(ALL_SHEET)]
    if whole:
        chosen = [whole[0]]
    else:
        chosen = [name for name, frame in tables.items() if all(c in frame.columns for c in required)]
        if not chosen:
            chosen = list(tables)[:1]
    frame = pd.concat([tables[name] for name in chosen], ignore_index=True) if chosen else pd.DataFrame()
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputError(f"{source}: PulseBat column {missing[0]!r} missing.")
    present = [c for c in PULSEBAT_COLUMNS if c in frame.columns]
    return frame[present].rename(columns=PULSEBAT_COLUMNS)


def read_pulsebat(folder: str | os.PathLike[str]) -> pd.DataFrame:
    """Read every PulseBat workbook under ``folder`` (or the one workbook ``folder`` names) into one table.

    Each workbook is opened by :func:`gwangyang.workbook.open_workbook` (refused as every workbook of the package is:
    encrypted, damaged or cut, in one line naming it) and gives :func:`pulsebat_sheet` of its sheets.
    """
    from ...workbook import open_workbook

    root = Path(folder)
    paths = [root] if root.is_file() else sorted(root.rglob("*.xlsx"))
    if not paths:
        raise InputError(f"{folder}: no PulseBat .xlsx workbooks found.")
    frames = []
    for path in paths:
        book = open_workbook(path)
        sheets = {name: sheet_frame(book.rows(name)) for name in book.names}
        frames.append(pulsebat_sheet(sheets, str(path)))
    out = pd.concat(frames, ignore_index=True)
    out["id"] = out["id"].astype(str)
    return out


def sheet_frame(rows: list[list[Any]]) -> pd.DataFrame:
    """A sheet's rows as ``pandas.read_excel(engine="calamine")`` makes them: the first row the header.

    As pandas' calamine reader does, whole floats become integers and the rows are typed by pandas' ``TextParser``
    (empty cells missing); the four shared PulseBat workbooks give frames equal to ``read_excel``'s.
    """
    from pandas.io.parsers.readers import TextParser  # type: ignore[attr-defined]  # public, not in pandas-stubs

    cells = [[int(v) if isinstance(v, float) and v.is_integer() else v for v in row] for row in rows]
    if not cells:
        return pd.DataFrame()
    return TextParser(cells, header=0).read()
