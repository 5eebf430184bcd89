"""Results of a campaign's suggestions as engineers bring them: a CSV or JSON table, checked row by row.

Columns: ``id`` (a suggestion of the open round), ``value`` or the objective's own name (``수명``), and
optionally ``std`` (the value's known uncertainty), ``cell`` (which cell: several rows of one id with
different cells are replicate experiments of that point), ``status`` (``failed`` or ``실패`` for a run
that gave no result: the suggestion is closed without a value; anything else must be ``ok``/``완료``
or empty), ``lower``/``upper`` (an early prediction's interval, as :func:`gwangyang.optimize.early.early_results`
writes), ``warnings`` (what the run reported beside its value, e.g. the twin's CC steps that ended on their voltage
limit: a list of lines, or one text; kept with the campaign's round, :func:`row_warnings`) and free-text
``note``/``비고``/``메모``. Any other column is refused, so that a misnamed ``std``
(``표준편차``) is not dropped without a word. Headers are read with surrounding spaces removed; a CSV
in UTF-8 (with or without BOM) or cp949 (Excel on Korean Windows) reads alike.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputError
from .bayesopt import Observation
from .space import SearchSpace
from .tables import read_csv_table

FAILED = ("failed", "실패")
"""``status`` words of a run that gave no result."""
DONE = ("", "ok", "done", "완료", "성공")
"""``status`` words of a run that gave its value."""
NOTE_COLUMNS = ("note", "notes", "비고", "메모")
"""Free-text columns, read and not used."""
SOURCES = ("measured", "predicted", "twin")
"""Where a result comes from: measured to the end, early-predicted, or simulated."""


@dataclass
class ResultRows:
    """Checked results: the new observations and the ids of failed runs."""

    observations: list[Observation] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    """Each id's ``warnings`` (only ids that have some)."""


def read_results(path: str | Path) -> pd.DataFrame:
    """Read a results file (CSV, or JSON: a list of objects or ``{"results": [...]}``).

    Raises
    ------
    InputError
        Missing file or one that is not a table.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such results file.")
    if path.suffix.lower() != ".json":
        return read_csv_table(path, "result", dtype={"id": str})  # ids stay text (r000-001, or 7 not 7.0)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a JSON table of results ({type(exc).__name__}).") from exc
    rows = data.get("results") if isinstance(data, dict) else data
    if not isinstance(rows, list):
        raise InputError(f'{path}: expected a JSON list of results or {{"results": [...]}}.')
    return pd.DataFrame(rows)


def check_results(
    table: pd.DataFrame,
    pending: dict[str, dict[str, Any]],
    space: SearchSpace,
    where: str,
    source: str = "measured",
) -> ResultRows:
    """Check every row against the open round's suggestions; nothing is kept unless all rows pass.

    Raises
    ------
    InputError
        A missing or unknown column, an id that is not a pending suggestion, an id given twice for one
        cell, a value or std that is not a finite number (std must be >= 0), a value outside the
        objective's ``low``/``high``, a failed run with a value, or a status word not understood
        (the row is named); a ``source`` not in :data:`SOURCES`.
    """
    if source not in SOURCES:
        raise InputError(f"source: expected one of {', '.join(SOURCES)}, got {source!r}.")
    table = table.rename(columns=lambda c: str(c).strip())
    columns = list(table.columns)
    if "value" in columns and space.objective in columns and space.objective != "value":
        raise InputError(f"{where}: both 'value' and {space.objective!r} columns; keep one.")
    value_column = "value" if "value" in columns else space.objective
    if "id" not in columns or value_column not in columns:
        raise InputError(
            f"{where}: expected columns 'id' and 'value' (or {space.objective!r}); got {', '.join(columns)}."
        )
    known = {"id", value_column, "std", "cell", "status", "lower", "upper", "warnings", *NOTE_COLUMNS}
    unknown = [c for c in columns if c not in known]
    if unknown:
        raise InputError(
            f"{where}: column(s) {', '.join(unknown)} not understood; expected id, {value_column}, "
            f"and optionally std, cell, status, lower, upper, warnings, {'/'.join(NOTE_COLUMNS)}."
        )
    out = ResultRows()
    seen: dict[str, set[str]] = {}
    for i, row in enumerate(table.to_dict("records")):
        at = f"{where}: row {i + 1}"
        ident = _text(row["id"])
        if ident not in pending:
            raise InputError(f"{at}: id {ident!r} is not a suggestion of the open round.")
        cell = _text(row.get("cell"))
        if pending[ident].get("observed") or pending[ident].get("failed") or cell in seen.get(ident, set()):
            hint = "" if "cell" in columns else " (replicate cells of one point: add a cell column)"
            raise InputError(f"{at}: suggestion {ident!r} already has a result{hint}.")
        seen.setdefault(ident, set()).add(cell)
        lines = row_warnings(row.get("warnings"), at)
        if lines:
            out.warnings.setdefault(ident, []).extend(lines)
        status = _text(row.get("status")).lower()
        raw = row[value_column]
        if status in FAILED:
            if _number(raw) is not None:
                raise InputError(f"{at}: {ident!r} is marked {status} but has {value_column} {raw!r}.")
            out.failed.append(ident)
            continue
        if status not in DONE:
            words = ", ".join(repr(w) for w in (*DONE[1:], *FAILED))
            raise InputError(f"{at}: status {row.get('status')!r} not understood; expected {words} or empty.")
        value = _number(raw)
        if value is None:
            hint = "; for a run that gave no result write status = failed" if _blank(raw) else ""
            raise InputError(f"{at}: {value_column} of {ident!r} is {raw!r}, not a finite number{hint}.")
        problem = space.objective_problem(value)
        if problem is not None:
            raise InputError(f"{at}: {value_column} of {ident!r} is {value:g}, {problem}.")
        std = _number(row.get("std", 0.0)) if "std" in row and not _blank(row.get("std")) else 0.0
        if std is None or std < 0:
            raise InputError(f"{at}: std of {ident!r} must be a finite number >= 0.")
        item = pending[ident]
        out.observations.append(
            Observation(
                id=ident,
                params=dict(item["params"]),
                value=value,
                std=std,
                round=int(item["round"]),
                source=source,
                cell=cell or None,
            )
        )
    both = set(out.failed) & {o.id for o in out.observations}
    if both:
        raise InputError(f"{where}: suggestion {sorted(both)[0]!r} is both failed and measured.")
    return out


def row_warnings(value: Any, at: str) -> list[str]:
    """A row's ``warnings``: a list of lines, one text (a CSV cell; lines split at newlines), or nothing.

    Raises
    ------
    InputError
        Neither a text nor a list of texts.
    """
    if isinstance(value, (list, tuple)):
        if not all(isinstance(w, str) for w in value):
            raise InputError(f"{at}: warnings: expected a list of texts.")
        return [w.strip() for w in value if w.strip()]
    if _blank(value):
        return []
    if not isinstance(value, str):
        raise InputError(f"{at}: warnings: expected a text or a list of texts, got {type(value).__name__}.")
    return [w.strip() for w in value.splitlines() if w.strip()]


def _text(value: Any) -> str:
    if _blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == ""


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None
