"""One Severson ``Qdlin`` matrix file: Q (Ah) on a voltage grid (rows) for consecutive cycles (columns).

Severson et al. 2019's export (petermattia/revisit-severson-et-al) is numbers only: 1000 rows on a linear
grid from 3.6 V down to 2.0 V, 99 columns for cycles 2..100. :func:`read_qdlin` also reads a file of another
row count (on the same span), with more cycles, with a header row of cycle numbers or names, or with a first
column of voltages; it refuses a transposed matrix, NaNs and too few cycles with one line naming the file.
:mod:`~gwangyang.battery.severson` reads the folders of such files.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import CorruptFileError, InputError
from .features_curves import SEVERSON_QDLIN_VOLTAGES, CellCurves

QDLIN_VOLTAGES = 1000
"""Rows of Severson's ``Qdlin`` export: a linear grid from 3.6 V down to 2.0 V. A file with another number of
rows is read on a linear grid over the same span (:func:`qdlin_voltages`)."""

QDLIN_SPAN_V: tuple[float, float] = (3.6, 2.0)
"""First and last voltage of a ``Qdlin`` matrix's rows (Severson et al. 2019's ``Qdlin``: 3.6 V down to 2.0 V)."""

MIN_QDLIN_VOLTAGES = 10
"""Fewest rows a ``Qdlin`` matrix may have (the ΔQ(V) statistics need 10 points in their window)."""

QDLIN_FIRST_CYCLE = 2
"""Cycle number of a ``Qdlin`` file's first column."""

MIN_CYCLES = 100
"""Early-life prediction needs cycles up to 100 (Severson's default pair is 10 and 100)."""


def qdlin_voltages(rows: int) -> np.ndarray:
    """Voltage of each row of a ``Qdlin`` matrix of ``rows`` rows: linear from 3.6 V down to 2.0 V.

    1000 rows give :data:`~gwangyang.battery.features_curves.SEVERSON_QDLIN_VOLTAGES` itself.
    """
    if rows == QDLIN_VOLTAGES:
        return SEVERSON_QDLIN_VOLTAGES
    return np.linspace(QDLIN_SPAN_V[0], QDLIN_SPAN_V[1], rows)


def _transposed(matrix: np.ndarray) -> bool:
    """Whether Q spreads along the rows rather than down the columns (cycles as rows, voltages as columns).

    Down a column (3.6 V to 2.0 V) Q runs from about 0 to the cell's capacity; along a row (cycle to
    cycle) it changes by the fade, a few per cent. Interquartile ranges, so that a few glitch cycles
    (the batch-1 files hold cycles logged at ~31 Ah) do not decide.
    """
    if min(matrix.shape) < 4:
        return False
    percentile = np.percentile if np.isfinite(matrix).all() else np.nanpercentile  # the NaN one is slow
    low, high = percentile(matrix, [25, 75], axis=0)
    down = float(np.median(high - low))
    low, high = percentile(matrix, [25, 75], axis=1)
    across = float(np.median(high - low))
    return across > down


def read_qdlin(path: Path, cell: str | None = None, min_cycles: int = MIN_CYCLES) -> CellCurves:
    """Read one ``Qdlin`` matrix file (CSV, optionally gzipped).

    Rows are voltages on a linear grid from 3.6 V down to 2.0 V (:func:`qdlin_voltages`: 1000 in
    Severson's export, any number from :data:`MIN_QDLIN_VOLTAGES` read on the same span), columns
    cycles 2, 3, ... (99 in the shared files; more are kept).

    Parameters
    ----------
    path
        The file.
    cell
        Cell name; default: the file name without ``.csv.gz``.
    min_cycles
        The last cycle the file must reach.

    Returns
    -------
    CellCurves
    """
    name = cell or path.name.removesuffix(".gz").removesuffix(".csv")
    matrix, first_cycle, voltages = _read_matrix(path)
    layout = "a voltages × cycles matrix (rows 3.6 V down to 2.0 V, columns cycles 2, 3, ...)"
    if matrix.ndim != 2 or matrix.shape[0] < MIN_QDLIN_VOLTAGES or matrix.shape[1] < 1:
        raise InputError(
            f"{path}: expected {layout} of at least {MIN_QDLIN_VOLTAGES} voltages, got shape {matrix.shape}."
        )
    if _transposed(matrix):
        raise InputError(
            f"{path}: expected {layout}; Q rises along the rows of this {matrix.shape[0]} × {matrix.shape[1]} "
            "matrix, so its rows look like cycles (transposed?)."
        )
    if not np.isfinite(matrix).all():
        raise InputError(
            f"{path}: Q(V) matrix holds {int((~np.isfinite(matrix)).sum())} NaN or empty values."
        )
    last = first_cycle + matrix.shape[1] - 1
    if last < min_cycles:
        raise InputError(
            f"{path}: has cycles {first_cycle}–{last}; early-life prediction needs {min_cycles} cycles."
        )
    if voltages is None:
        voltages = qdlin_voltages(matrix.shape[0])
    return CellCurves(name, matrix, first_cycle=first_cycle, voltages=voltages, source=str(path))


_NUMBER = re.compile(r"(\d+)")


def _read_matrix(path: Path) -> tuple[np.ndarray, int, np.ndarray | None]:
    """The Q(V) matrix of a file, its first cycle and its voltages (None: the linear 3.6-2.0 V grid).

    Severson's export is numbers only. A copy written with a header row (cycle numbers ``2,3,...`` or names
    ``cycle_2,...``: the first cycle is read from it) or with a first column of voltages (taken as the grid;
    rows running up from 2.0 V are turned to run down) holds the same curves.
    """
    header: np.ndarray | None = None
    try:
        values = pd.read_csv(path, header=None, dtype="float64", encoding="utf-8-sig").to_numpy()
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file.") from exc
    except ValueError:
        values, header = _read_with_names(path)  # a row of names above the numbers
    except (pd.errors.ParserError, pd.errors.EmptyDataError, OSError, EOFError) as exc:
        raise CorruptFileError(f"{path}: not a numeric Q(V) matrix ({type(exc).__name__}).") from exc
    first_cycle = QDLIN_FIRST_CYCLE
    if header is None and len(values) > 1:
        row = values[0]
        if _consecutive(row, 1) or (len(row) > 2 and np.isnan(row[0]) and _consecutive(row[1:], 1)):
            header, values = row, values[1:]  # a row of cycle numbers (above a voltage column: blank there)
    body = values[:, 1:]
    voltages = None
    if values.shape[1] > 1 and _voltage_column(values[:, 0], body):
        voltages, values = values[:, 0], body
        if header is not None:
            header = header[1:]
        if voltages[0] < voltages[-1]:  # rows from low to high voltage: turned to run down
            voltages, values = voltages[::-1].copy(), values[::-1].copy()
    if header is not None:
        numbers = [int(m.group(1)) if (m := _NUMBER.search(str(h))) else None for h in header]
        if (
            numbers
            and all(n is not None for n in numbers)
            and _consecutive(np.array(numbers, dtype=float), 0)
        ):
            first_cycle = int(numbers[0])  # type: ignore[arg-type]
        elif any(n is not None for n in numbers):
            raise InputError(
                f"{path}: the header row names cycles {header[0]!r}...{header[-1]!r}, not consecutive ones."
            )
    return values, first_cycle, voltages


def _read_with_names(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """The numbers below a first row of names, and that row; CorruptFileError where a value below is not a number."""
    try:
        raw = pd.read_csv(path, header=None, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError, OSError, EOFError) as exc:
        raise CorruptFileError(f"{path}: not a numeric Q(V) matrix ({type(exc).__name__}).") from exc
    text = np.char.strip(raw.to_numpy(dtype=str))
    values = raw.apply(lambda col: pd.to_numeric(col.str.strip(), errors="coerce")).to_numpy(dtype="float64")
    unread = np.isnan(values) & ~np.isin(text, ["", "nan", "NaN", "NA"])
    if len(values) >= 2 and unread[0].any() and not unread[1:].any():
        return values[1:], raw.to_numpy(dtype=str)[0]
    shown = text[1:][unread[1:]] if unread[1:].any() else text[unread]
    example = f" (value {str(shown[0])[:20]!r})" if len(shown) else ""
    raise CorruptFileError(f"{path}: not a numeric Q(V) matrix{example}.")


def _consecutive(row: np.ndarray, least: int) -> bool:
    """Whether a row is whole numbers counting up by one from at least ``least`` (cycle numbers)."""
    return bool(
        len(row) >= 2
        and np.isfinite(row).all()
        and (row == np.round(row)).all()
        and row[0] >= least
        and (np.diff(row) == 1).all()
    )


def _voltage_column(column: np.ndarray, rest: np.ndarray) -> bool:
    """Whether a first column holds the voltages.

    It must be strictly monotonic within 0.5-5 V, span 0.5 V or more, and run against the Q of the other
    columns (Q grows as the voltage falls); a Q column starts near 0 Ah and so never passes.
    """
    if len(column) < 3 or not np.isfinite(column).all() or rest.shape[1] == 0:
        return False
    steps = np.diff(column)
    if not ((steps < 0).all() or (steps > 0).all()):
        return False
    if column.min() < 0.5 or column.max() > 5.0 or np.ptp(column) < 0.5:
        return False
    q_trend = np.nanmedian(rest[-1] - rest[0])
    return bool(np.sign(q_trend) == -np.sign(column[-1] - column[0]))
