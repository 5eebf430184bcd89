"""Process optimisation over a table of past experiments: parameters → measured objective.

A plant's table (CSV: one row per experiment, one column per process parameter and one for the
measured objective) becomes the observations of the same batched Bayesian optimiser the charging
loop uses, and :func:`propose` returns the next batch. The search space comes from a space file
or, without one, from the table itself: numeric columns span their observed range (integers stay
integers), text columns are categories of the values seen.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..written import as_written
from .bayesopt import BatchBayesOpt, Observation, Suggestion
from .space import SearchSpace
from .tables import read_csv_table


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a CSV table of past experiments.

    Raises
    ------
    InputError
        Missing file, not a CSV, or no rows.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such table of experiments.")
    table = read_csv_table(path, "experiment")
    if len(table) == 0:
        raise InputError(f"{path}: the table has no rows.")
    return table


def space_from_table(
    table: pd.DataFrame,
    objective: str,
    direction: str = "maximize",
    exclude: tuple[str, ...] = ("std", "id"),
    source: str = "table",
) -> SearchSpace:
    """A search space spanning the table's parameter columns (every column but the objective).

    Raises
    ------
    InputError
        The objective column is missing, or a parameter column has a single value or missing values.
    """
    if objective not in table.columns:
        raise InputError(
            f"{source}: no objective column {objective!r}; columns: {', '.join(map(str, table.columns))}."
        )
    params: dict[str, Any] = {}
    for column in table.columns:
        if column == objective or column in exclude:
            continue
        values = table[column]
        if values.isna().any():
            row = int(np.flatnonzero(values.isna().to_numpy())[0]) + 1
            raise InputError(f"{source}: row {row}: parameter {column!r} is missing.")
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            low, high = float(values.min()), float(values.max())
            if not (math.isfinite(low) and math.isfinite(high)):
                raise InputError(f"{source}: parameter {column!r} has values that are not finite.")
            if low == high:
                raise InputError(f"{source}: parameter {column!r} takes one value only; drop the column.")
            integer = bool(np.all(np.round(values) == values)) and pd.api.types.is_integer_dtype(values)
            params[str(column)] = {"type": "integer" if integer else "continuous", "low": low, "high": high}
        else:
            dated = _dates(values)
            if dated is not None:
                raise InputError(
                    f"{source}: column {column!r} holds dates (e.g. {dated}), not a process setting; drop the "
                    "column, or give a space file naming the parameters."
                )
            seen = sorted({str(v) for v in values})
            if len(seen) < 2:
                raise InputError(f"{source}: parameter {column!r} takes one value only; drop the column.")
            params[str(column)] = {"type": "categorical", "values": seen}
    if not params:
        raise InputError(f"{source}: no parameter columns besides the objective {objective!r}.")
    return SearchSpace.from_dict(
        {
            "name": Path(source).stem,
            "objective": {"name": objective, "direction": direction},
            "parameters": params,
        },
        source=source,
    )


_DATE = r"^\s*\d{1,4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,4}\.?(?:[ T]\S.*)?$"
"""A date as a plant's log writes it, with or without a time: 2024-01-05, 05/01/2024, 2024. 1. 5."""


def _dates(values: pd.Series) -> str | None:
    """The first value and its row (``'05/01/2024' in row 1``) when every value of a text column is a date, else None."""
    text = values.astype(str)
    if not bool(text.str.fullmatch(_DATE).all()):
        return None
    return f"{text.iloc[0]!r} in row 1"


def unused_columns(table: pd.DataFrame, space: SearchSpace, objective: str, source: str) -> list[str]:
    """The warning for a table's columns that ``space`` does not name (left out, and said so), or none.

    ``std`` and ``id`` are read where present, so they are not named.
    """
    left = [str(c) for c in table.columns if c not in (*space.names, objective, "std", "id")]
    if not left:
        return []
    return [
        f"{source}: column(s) {', '.join(map(repr, left))} not parameters of the space {space.name!r}; left out."
    ]


def history_observations(
    space: SearchSpace, table: pd.DataFrame, std_column: str | None = "std", source: str = "table"
) -> list[Observation]:
    """Past experiments as observations (ids ``h0001`` …), checked against the space.

    Raises
    ------
    InputError
        A missing column, a point outside the space, an objective (or std) that is not a finite number, or
        an objective outside the space's ``[objective] low``/``high``.
    """
    objective = space.objective
    if objective not in table.columns:
        raise InputError(f"{source}: no objective column {objective!r}.")
    points = table[space.names].copy()
    for p in space.parameters:
        if p.kind == "categorical" and not p.numeric:
            points[p.name] = points[p.name].astype(str)
    space.check_points(points, source)
    values = pd.to_numeric(table[objective], errors="coerce").to_numpy(dtype="float64")
    bad = ~np.isfinite(values)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"{source}: row {row + 1}: {objective} is {as_written(table[objective].iloc[row], None, python=True)}, not a finite number."
        )
    for row, value in enumerate(values):
        problem = space.objective_problem(float(value))
        if problem is not None:
            raise InputError(f"{source}: row {row + 1}: {objective} is {value:g}, {problem}.")
    stds = np.zeros(len(table))
    if std_column is not None and std_column in table.columns:
        stds = pd.to_numeric(table[std_column], errors="coerce").to_numpy(dtype="float64")
        bad = ~(np.isfinite(stds) & (stds >= 0))
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise InputError(f"{source}: row {row + 1}: {std_column} must be a finite number >= 0.")
    out = []
    for i, record in enumerate(points.to_dict("records")):
        params = {str(k): (v.item() if isinstance(v, np.generic) else v) for k, v in record.items()}
        out.append(Observation(f"h{i + 1:04d}", params, float(values[i]), float(stds[i]), -1, "history"))
    return out


def propose(
    table: pd.DataFrame,
    objective: str,
    batch: int = 4,
    space: SearchSpace | None = None,
    direction: str = "maximize",
    seed: int = 0,
    kappa: float = 2.0,
    source: str = "table",
) -> dict[str, Any]:
    """The next batch of experiments after a table of past ones, and the surrogate's best point.

    Returns
    -------
    dict
        ``{"space": ..., "experiments": n, "best_observed": {...}, "recommended": {...},
        "suggestions": [...], "warnings": [...]}``, JSON-ready; ``warnings``: the table's columns a ``space``
        leaves out (they were dropped without a word).
    """
    warnings = [] if space is None else unused_columns(table, space, objective, source)
    if space is None:
        space = space_from_table(table, objective, direction, source=source)
    elif space.objective != objective:
        space = SearchSpace.from_dict(
            {**space.to_dict(), "objective": {"name": objective, "direction": space.direction}},
            source=space.source,
        )
    history = history_observations(space, table, source=source)
    bo = BatchBayesOpt(space, kappa=kappa, seed=seed)
    suggestions: list[Suggestion] = bo.suggest(history, batch, 0, prefix="next")
    sign = 1.0 if space.direction == "maximize" else -1.0
    best = max(history, key=lambda o: sign * o.value)
    return {
        "space": space.to_dict(),
        "experiments": len(history),
        "best_observed": best.to_dict(),
        "recommended": bo.recommend(history, 0),
        "suggestions": [s.to_dict() for s in suggestions],
        "warnings": warnings,
    }
