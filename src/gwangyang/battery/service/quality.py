"""Quality: screening, triage of retired cells, formation ranking, the quality summary."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ...errors import InputError, NotFoundError
from ...files import jsonable
from ...store import Store, artifacts
from .health import anomalies_by_cell

if TYPE_CHECKING:
    import pandas as pd


QUALITY_SUMMARY = "summary"
"""Name of the demo's quality summary (``quality/summary.json``)."""


def read_quality_table(path: Path) -> pd.DataFrame:
    """A per-cell table (CSV, ``.xlsx`` or Parquet; a PulseBat folder or workbook is read as one table)."""
    return read_quality_table_notes(path)[0]


def _is_pulsebat_workbook(path: Path) -> bool:
    """A workbook whose sheets are PulseBat's (``SOC ALL``, ``SOC5`` ...); any other is a plain table."""
    from ...workbook import open_workbook

    names = open_workbook(
        path
    ).names  # refused as every workbook is (encrypted, damaged, cut), naming the file
    return any("".join(str(n).split()).lower().startswith("soc") for n in names)


def read_quality_table_notes(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """:func:`read_quality_table` and the notes on what reading it did (title lines, numbers converted...)."""
    from ..quality.pulse import read_pulsebat
    from ..quality.tables import read_table_notes

    workbook = path.is_file() and path.suffix.lower() in (".xlsx", ".xlsm")
    if path.is_dir() or (workbook and _is_pulsebat_workbook(path)):
        return read_pulsebat(path), []
    return read_table_notes(path, path.name)


def _table(table: Path | pd.DataFrame) -> tuple[pd.DataFrame, str, list[str]]:
    """A per-cell table, its name for messages and the reading notes (a DataFrame is taken as it is)."""
    if isinstance(table, Path):
        frame, notes = read_quality_table_notes(table)
        return frame, table.name, notes
    return table, "table", []


def screen_table(
    table: Path | pd.DataFrame,
    id_column: str,
    lot_column: str | None = None,
    columns: list[str] | None = None,
    z_threshold: float = 3.5,
    contamination: float | None = None,
    source: str | None = None,
) -> dict[str, Any]:
    """Screen a per-cell production table (a file or a DataFrame): flagged cells with reasons and driving measurements, lot alarms, notes."""
    from ..quality.screening import screen

    if not id_column:
        raise InputError("id_column: expected the name of the table's cell-id column.")
    frame, name, notes = _table(table)
    result = screen(
        frame,
        id_column,
        lot_column,
        columns,
        z_threshold=z_threshold,
        contamination=contamination,
        source=source or name,
    )
    document: dict[str, Any] = jsonable(result.to_dict())
    document["notes"] = notes + document["notes"]
    return document


def fit_pulse_estimator(
    table: Path | pd.DataFrame, model: str = "gbr", folds: int = 5, source: str | None = None
) -> Any:
    """A pulse SOH estimator fitted on a pulse table with measured ``soh``."""
    from ..quality.pulse import PulseSOHEstimator

    frame, name, _ = _table(table)
    return PulseSOHEstimator(model=model, folds=folds).fit(frame, source or name)


@lru_cache(maxsize=4)
def shipped_pulse_estimator(model: str = "gbr") -> Any:
    """The pulse SOH estimator trained on the shipped PulseBat sample (fitted once per process and model)."""
    from ...samples import pulse_table
    from ..quality.pulse import PulseSOHEstimator

    return PulseSOHEstimator(model=model).fit(pulse_table(), "shipped PulseBat data")


def triage_table(
    table: Path | pd.DataFrame,
    rules: Path | None = None,
    train: Path | None = None,
    model: str = "gbr",
    source: str | None = None,
    estimator: Any = None,
) -> dict[str, Any]:
    """Grade retired cells into second life, reuse or recycle, with their material value.

    Pulse tables (``u1_v`` ... ``u21_v``) are estimated with ``estimator``, else a model trained on ``train``,
    else on the shipped PulseBat sample; tables with ``soh`` are graded as they are. Rules default to
    :class:`~gwangyang.battery.quality.triage.TriageRules` ().
    """
    from ..quality.pulse import PULSE_COLUMNS
    from ..quality.triage import TriageRules, triage

    cells, name, notes = _table(table)
    chosen = TriageRules.from_toml(rules) if rules is not None else TriageRules()
    if estimator is None and all(c in cells.columns for c in PULSE_COLUMNS):
        estimator = (
            shipped_pulse_estimator(model)
            if train is None
            else fit_pulse_estimator(train, model, source=str(train))
        )
    result: dict[str, Any] = jsonable(triage(cells, estimator, chosen, source=source or name))
    if notes:
        result["notes"] = notes
    return result


def evaluate_triage(table: Path, model: str = "gbr") -> dict[str, Any]:
    """SOH MAPE per cell type, within the type and with its chemistry held out, beside Tao et al. 2024."""
    from ..quality.pulse import evaluate

    result: dict[str, Any] = jsonable(evaluate(read_quality_table(table), model=model).to_dict())
    return result


def rank_formation(
    table: Path,
    target: str = "cycles_to_80_pct",
    features: list[str] | None = None,
    covariates: list[str] | None = None,
    id_column: str = "cellid",
) -> dict[str, Any]:
    """Rank cells by expected life from formation data; leave-one-out Spearman correlation.

    ``covariates`` None takes the default test conditions the table has (``is_room_temp_aging``),
    ``["none"]`` none.
    """
    from ..quality.formation import ID_COLUMNS, leave_one_out
    from ..quality.tables import read_table_notes

    data, notes = read_table_notes(table, table.name)
    if id_column not in data.columns:
        if id_column != ID_COLUMNS[0]:
            raise InputError(f"{table}: id_column {id_column!r} is not a column.")
        # the default's name is Weng et al.'s; another table may call it otherwise (else: row numbers)
        id_column = next((c for c in ID_COLUMNS if c in data.columns), "")
    conditions = [] if covariates == ["none"] else covariates
    result: dict[str, Any] = jsonable(leave_one_out(data, target, features, conditions, id_column).to_dict())
    result["warnings"] = notes + result["warnings"]
    return result


def save_quality_summary(store: Store, summary: dict[str, Any]) -> Path:
    """Keep the quality summary (screening, anomalies, triage) the quality page shows."""
    return artifacts.save(store, "quality", QUALITY_SUMMARY, summary)


def quality_summary(store: Store) -> dict[str, Any] | None:
    """The quality summary kept in the store, if any."""
    try:
        result: dict[str, Any] = artifacts.load(store, "quality", QUALITY_SUMMARY)
    except NotFoundError:
        return None
    return result


def quality_overview(store: Store) -> dict[str, Any]:
    """What the quality page shows: the kept summary's screening and triage and :func:`check_anomalies`'s list."""
    data = quality_summary(store) or {}
    found = [a for cell in anomalies_by_cell(store).values() for a in cell]
    found.sort(key=lambda a: (a["cell_id"], a["cycle_index"], a["kind"]))
    triage = data.get("triage") or {}
    return {
        "screening": data.get("screening"),
        "anomalies": found,
        "triage": triage,
        "triage_cells": sorted(triage.get("cells", []), key=lambda c: c["soh"]),
    }


def soh_mape(predicted: Any, measured: Any) -> float:
    """Mean absolute percentage error of estimated SOH against measured SOH, as a fraction."""
    from ..quality.pulse import mape

    return mape(np.asarray(predicted, dtype="float64"), np.asarray(measured, dtype="float64"))
