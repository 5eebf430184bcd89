"""Each row's direction from a state column's codes: charge, discharge, those that take their step's, and neither.

Used by a column map's ``[state]`` table (:func:`.mapped_counters.direction_of`) and by the Maccor reader's hook
(:mod:`.maccor_states`, whose letters are those of the shipped ``maccor_text`` map). A step is a run of rows with the
same cycle and step index; a ``follow`` code's row takes the direction of its step's last charge or discharge row
before it (none where the step has none before it), so a Maccor stop row (``S``) counts as its step's last row.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ...written import as_written
from .. import schema as s


def code_directions(
    codes: np.ndarray | pd.Series,
    cycles: np.ndarray,
    steps: np.ndarray | None,
    letters: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]],
) -> tuple[np.ndarray, list[tuple[str, int, int]]]:
    """Each row's direction from its state code, and the codes named in none of ``letters``.

    Parameters
    ----------
    codes
        The state column's text per row (stripped here; a missing value is the empty code).
    cycles, steps
        The cycle and step index per row.
    letters
        The charge, discharge, follow and neutral codes.

    Returns
    -------
    tuple
        The directions (+1, -1, 0) and, per code named in none of ``letters``, the code, its first row (0-based)
        and its count; those rows count neither way.
    """
    charge, discharge, follow, neutral = letters
    labels = pd.Series(np.asarray(codes, dtype=object), dtype=object).fillna("").astype(str).str.strip()
    own = np.where(labels.isin(charge), 1.0, np.where(labels.isin(discharge), -1.0, np.nan))
    change = np.diff(np.asarray(cycles, dtype="float64")) != 0
    if steps is not None:
        change |= np.diff(np.nan_to_num(np.asarray(steps, dtype="float64"), nan=-1.0)) != 0
    segment = np.cumsum(np.r_[False, change])
    carried = pd.Series(own).groupby(segment).ffill().fillna(0.0).to_numpy()
    following = labels.isin(follow).to_numpy()
    direction = np.where(np.isnan(own), np.where(following, carried, 0.0), own).astype(int)
    unknown = ~labels.isin((*charge, *discharge, *follow, *neutral)).to_numpy()
    found = []
    text = labels.to_numpy()
    for letter in pd.unique(text[unknown]):
        rows = np.flatnonzero(unknown & (text == letter))
        found.append((str(letter), int(rows[0]), len(rows)))
    return direction, found


def state_warning(
    path: Path,
    column: str,
    letter: str,
    first_line: int,
    count: int,
    unknown_to: str = "the column map does not name",
) -> dict[str, str]:
    """An ``unknown_format`` warning for rows whose state code is not known.

    ``unknown_to`` says by whom: the column map's ``[state]`` table, or ``"this reader does not know"`` for a
    reader's own letters (:mod:`.maccor_states`).
    """
    shown = repr(letter) if letter else "(empty)"
    return s.warning(
        "unknown_format",
        f"column {as_written(column, None)}: {count} rows have the state {shown}, which {unknown_to} (first at line {first_line}); "
        "they are counted as neither charge nor discharge",
        path,
    )
