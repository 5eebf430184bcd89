"""A column map's columns found in a header, their text converted, and the rows whose required values are numbers.

The steps of :func:`.generic.read_mapped` before the capacity counters (:mod:`.mapped_counters`): which header
column each canonical column reads (:func:`resolve_column`), which the map neither reads nor knows
(:func:`unread_columns`), values to numbers or date-times (:func:`convert`), date-times to seconds since the first
(:func:`seconds_since_first`), and the rows with a finite time, cycle, current and voltage (:func:`check_required`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ...errors import CorruptFileError, one_line
from ...written import as_written
from .. import schema as s
from .column_map import ColumnMap, ColumnSpec
from .textdates import parse_datetime
from .textparse import parse_duration, to_float

_EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def unread_columns(names: list[str], cmap: ColumnMap, path: Path) -> list[dict[str, str]]:
    """An ``unknown_column`` warning listing the header's columns the map neither reads nor knows."""
    used = {source for spec in cmap.columns.values() for source in spec.sources}
    if cmap.state is not None:
        used.update(cmap.state.sources)
    used.update(cmap.known_columns)
    unread = [n for n in names if n not in used and n.strip() and not n.startswith("Unnamed")]
    return s.unread_columns(unread, path)


def resolve_column(
    path: Path,
    sources: tuple[str, ...],
    canonical: str,
    names: list[str],
    header_line: int,
    asked: tuple[str | None, str] = (None, ""),
) -> str:
    """The first of ``sources`` the header has.

    ``asked``: the user's column map (its path; None for a built-in reader's map) and the field that names the
    column (``columns.voltage_v.source``), both named in the refusal.

    Raises
    ------
    CorruptFileError
        The header has none of them; the message names the file, the line, the map's field and the columns found.
    """
    for source in sources:
        if source in names:
            return source
    shown = ", ".join(names[:30]) + (", ..." if len(names) > 30 else "")
    wanted = " or ".join(repr(x) for x in sources)
    origin, field = asked
    named = "" if origin is None else f"; the column map {origin} names it in {field}"
    raise CorruptFileError(
        one_line(
            f"{path}: no column {wanted} (for {canonical}) in the header on line {header_line + 1}{named}; "
            f"found: {shown}."
        )
    )


def convert(series: pd.Series, spec: ColumnSpec, decimal: str = ".") -> Any:
    """A column's text as its spec reads it: numbers times ``scale``, durations in seconds, or datetime64."""
    if spec.format == "number":
        return to_float(series, decimal) * spec.scale
    if spec.format == "duration":
        return parse_duration(series, decimal) * spec.scale
    moments: Any
    if spec.format == "excel_days":
        days = to_float(series)
        days[(days < -1e5) | (days > 1e6)] = np.nan  # outside the years 1626..4637: not a date
        moments = _EXCEL_EPOCH + pd.to_timedelta(days * 86400.0, unit="s").round("ms")
    else:
        moments = parse_datetime(series, spec.datetime_formats)
    return pd.Series(moments).to_numpy(dtype="datetime64[ns]")


def check_required(
    path: Path, values: dict[str, Any], resolved: dict[str, str], on_invalid: str, first_line: int
) -> np.ndarray:
    """Rows whose required values are finite; raise on the first bad one when asked to."""
    n = len(values[s.TIME])
    keep = np.ones(n, dtype=bool)
    for canonical in s.REQUIRED_COLUMNS:
        array = values[canonical]
        good = np.isfinite(array)
        if on_invalid == "error" and not good.all():
            row = int(np.flatnonzero(~good)[0])
            raise CorruptFileError(
                f"{path}: column {as_written(resolved[canonical], None)} ({canonical}) is missing or not a finite number "
                f'in data row {row + 1} (line {first_line + row}); set options.on_invalid = "drop" to skip such rows.'
            )
        keep &= good
    if not keep.any():
        raise CorruptFileError(f"{path}: no row has finite time, cycle, current and voltage.")
    return keep


def seconds_since_first(values: Any) -> Any:
    """Date-times as seconds since the first (NaN where none); numbers as they are."""
    if values.dtype.kind != "M":
        return values
    valid = ~np.isnat(values)
    seconds = np.full(len(values), np.nan)
    if valid.any():
        origin = values[valid][0]
        seconds[valid] = (values[valid] - origin) / np.timedelta64(1, "s")
    return seconds
