"""What a sensor table's columns hold besides numbers, each finding a one-line note.

A date and a clock in two columns, the time's order and spacing, a monitor's names spelt otherwise, empty
cells, label columns.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError


def _clock_text(column: pd.Series, part: str) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(column):
        return column.dt.strftime("%Y-%m-%d" if part == "date" else "%H:%M:%S")
    return column.astype("string").str.strip()


def join_time_columns(
    table: pd.DataFrame, time_column: str, source: str | Path = "table"
) -> tuple[pd.DataFrame, str | None]:
    """A date and a clock time kept in two columns, named ``"일자+시각"``, joined into one column of that name.

    Many line exports write the date and the time of day apart; ``time_column`` names both with a ``+``
    (only where no column has that name). Returns the table and a note, or the table as it was and None.
    """
    if time_column in table.columns or "+" not in time_column:
        return table, None
    day, clock = (part.strip() for part in time_column.split("+", 1))
    if day not in table.columns or clock not in table.columns:
        return table, None
    joined = _clock_text(table[day], "date") + " " + _clock_text(table[clock], "time")
    out = table.copy()
    out[time_column] = joined.astype(object).where(table[day].notna() & table[clock].notna(), None)
    return out, f"{source}: the time is {day!r} and {clock!r} joined."


_DAY_MONTH = r"^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*\d{4}\b"
"""A date written day and month first, in either order (``05/01/2024``): the order cannot be told from one row."""


def date_form_notes(column: pd.Series, time_column: str, source: str | Path = "table") -> list[str]:
    """Notes on a time column of text whose dates are written in more than one form, read row by row.

    Parsed with ``format="mixed"``, each row is read on its own: ``2024-01-05`` and ``05/01/2024`` in one column,
    or ``13/01/2024`` (day first, it can be nothing else) beside ``05/01/2024`` (read month first, 1 May). The
    rows then go back and forth in time with no word of why.
    """
    if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column):
        return []
    text = column.reset_index(drop=True).dropna().astype(str).str.strip()
    text = text[text.str.contains(r"\d", regex=True)]
    forms = (
        text.str.replace(r"(\d:\d+)[.,]\d+", r"\1", regex=True)  # fractions of a second, written or not
        .str.replace(r"오전|오후|[AaPp]\.?[Mm]\.?", "M", regex=True)  # morning or afternoon, one form
        .str.replace(r"\d+", "9", regex=True)
    )
    notes = []
    if forms.nunique() > 1:
        other = forms.index[forms != forms.iloc[0]][0]
        notes.append(
            f"{source}: time column {time_column!r} mixes {forms.nunique()} date forms (e.g. {text.iloc[0]!r} in "
            f"data row {text.index[0] + 1}, {text[other]!r} in data row {other + 1}); each row is read on its own; "
            "write one form, year first (2024-01-05)."
        )
    parts = text.str.extract(_DAY_MONTH).dropna().astype(int)
    day_first = parts.index[parts[0] > 12]
    either = parts.index[(parts[0] <= 12) & (parts[1] <= 12) & (parts[0] != parts[1])]
    if len(day_first) and len(either):
        notes.append(
            f"{source}: time column {time_column!r}: {text[day_first[0]]!r} (data row {day_first[0] + 1}) is day "
            f"first, but {len(either)} date(s) such as {text[either[0]]!r} (data row {either[0] + 1}) are read "
            "month first; write dates year first (2024-01-05)."
        )
    return notes


def time_notes(column: pd.Series, time_column: str, source: str | Path = "table") -> list[str]:
    """Notes on a time column's order and spacing: rows out of order, repeated times, uneven sampling.

    Rows are monitored in file order whatever their times; dynamic PCA assumes even sampling.
    """
    values = column.to_numpy()
    if len(values) < 3:
        return []
    steps = np.diff(values.astype("datetime64[ns]").astype(np.int64) if column.dtype.kind == "M" else values)
    steps = steps.astype(np.float64)
    notes = []
    back = np.nonzero(steps < 0)[0]
    if back.size:
        notes.append(
            f"{source}: time column {time_column!r} goes back {back.size} time(s), first at data row "
            f"{back[0] + 2}; rows are monitored in file order."
        )
    same = int(np.sum(steps == 0))
    if same:
        notes.append(f"{source}: time column {time_column!r} repeats a time {same} time(s).")
    forward = steps[steps > 0]
    if forward.size >= 2:
        typical = float(np.median(forward))
        gaps = np.nonzero(steps > 3 * typical)[0]
        if gaps.size:
            notes.append(
                f"{source}: uneven sampling in {time_column!r}: {gaps.size} gap(s) over 3 times the usual step, "
                f"the first after data row {gaps[0] + 1} ({steps[gaps[0]] / typical:.1f} steps)."
            )
    return notes


def _loose(name: str) -> str:
    return "".join(str(name).split()).casefold().replace("（", "(").replace("）", ")")


def match_columns(
    table: pd.DataFrame, wanted: list[str], source: str | Path = "table"
) -> tuple[pd.DataFrame, list[str]]:
    """The table with each of ``wanted`` found: a name spelt with other spaces or case is renamed, and said.

    Raises
    ------
    InputError
        A wanted column has no match, or more than one; the message lists the table's columns.
    """
    present = {str(c) for c in table.columns}
    renames: dict[str, str] = {}
    for name in wanted:
        if name in present:
            continue
        close = [str(c) for c in table.columns if _loose(str(c)) == _loose(name)]
        if len(close) != 1:
            shown = ", ".join(repr(str(c)) for c in list(table.columns)[:10])
            raise InputError(f"{source}: column {name!r} of the monitor is missing; the table has {shown}.")
        renames[close[0]] = name
    if not renames:
        return table, []
    notes = [f"{source}: column {old!r} read as the monitor's {new!r}." for old, new in renames.items()]
    return table.rename(columns=renames), notes


def complete_rows(
    table: pd.DataFrame, columns: list[str], source: str | Path = "table", what: str = "scored"
) -> tuple[pd.DataFrame, str | None]:
    """The rows with a value in every one of ``columns``, and a note on the rows left out (None: none was).

    A sensor that drops out leaves empty cells; those rows are left out (``what``: "scored", "used in the
    fit") and said, naming their count, the first one's data row and column. Infinite values and words
    stay in and are refused by :func:`numeric_matrix`.
    """
    present = [c for c in columns if c in table.columns]
    empty = table[present].isna().to_numpy()
    rows = empty.any(axis=1)
    if not rows.any():
        return table, None
    first = int(np.nonzero(rows)[0][0])
    column = present[int(np.nonzero(empty[first])[0][0])]
    note = (
        f"{source}: {int(rows.sum())} row(s) with an empty value not {what} (the first: data row {first + 1}, "
        f"column {column!r})."
    )
    if rows.all():
        raise InputError(
            f"{source}: every row has an empty value (the first in column {column!r}); nothing to use."
        )
    kept: pd.DataFrame = table.iloc[np.nonzero(~rows)[0]].reset_index(drop=True)
    return kept, note


def text_columns(table: pd.DataFrame, columns: list[str]) -> dict[str, str]:
    """Of ``columns``, those that are labels, not numbers (status such as ``OK``/``NG``, ``정상``/``이상``).

    A label column has more than half of its values not numbers. Each comes with an example value; a
    column empty throughout comes with ``"(empty)"``.
    """
    out = {}
    for column in columns:
        values = table[column]
        if values.isna().all():
            out[column] = "(empty)"
        elif pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
            converted = pd.to_numeric(values, errors="coerce")
            bad = values[converted.isna() & values.notna()]
            # mostly numbers with a stray word is a broken measurement, refused by numeric_matrix
            if len(bad) and len(bad) * 2 > int(values.notna().sum()):
                out[column] = repr(bad.iloc[0])[:30]
    return out
