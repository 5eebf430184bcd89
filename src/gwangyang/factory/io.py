"""Read a production line's sensor table (CSV or Parquet with a time column) and the Braatz TEP files.

The Tennessee Eastman process files of Chiang, Russell & Braatz (2000) are whitespace-separated
numbers, 52 variables per sample (41 measurements ``xmeas_01..41`` then 11 manipulated variables
``xmv_01..11``), one sample every 3 minutes. ``d00.dat`` is stored transposed (52 rows × 500 samples);
the reader detects that by shape. In the ``dNN_te.dat`` test files the fault starts after sample 160.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import CorruptFileError, InputError, UnknownFormatError
from ..sheets import korean_datetimes
from .table_checks import date_form_notes, join_time_columns, time_notes

TEP_VARIABLES: tuple[str, ...] = tuple(
    [f"xmeas_{i:02d}" for i in range(1, 42)] + [f"xmv_{i:02d}" for i in range(1, 12)]
)
"""Column names of the 52 TEP variables, in file order."""

TEP_SAMPLE_MINUTES = 3.0
"""Sampling interval of the TEP files."""

TEP_FAULT_START = 160
"""Index of the first faulty sample in the ``dNN_te.dat`` test files (fault introduced after 8 h)."""

TEP_BRAATZ_FAULTS = 21
"""Faults of the full Braatz set (``d01``..``d21``, Chiang, Russell & Braatz 2000, ch. 8); a higher number is
not one of the book's runs and has no published figure."""

TEP_FILE = re.compile(r"^d(\d{2})(_te)?\.dat(\.gz)?$", re.IGNORECASE)
"""Name of a Braatz file: ``dNN.dat`` (training) or ``dNN_te.dat`` (test), optionally gzipped."""

TEP_TIME_COLUMN = "time_min"
"""Time column that :func:`read_tep` adds: minutes since the start of the run."""


class ConstantColumnWarning(UserWarning):
    """What a fit left out or changed, reported by the service as a warning line.

    A constant or label column, rows with an empty value, or the holdout check of a table too short for it.
    """


class TableNoteWarning(UserWarning):
    """Something reading a table did that its user should know (a title line skipped, numbers converted...)."""


def read_table_notes(
    path: str | Path, time_column: str | None = None, source: str | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """Read a sensor table and say what reading it did.

    Parameters
    ----------
    path
        ``.csv``, ``.csv.gz``, ``.txt``, ``.tsv`` (any common separator and encoding, see
        :mod:`gwangyang.sheets`), ``.xlsx`` (the first sheet holding a table) or ``.parquet``; TEP
        ``.dat``/``.dat.gz`` files are read by :func:`read_tep` and get a ``time_min`` column.
    time_column
        Column that must be present; numbers are kept, text is parsed as date-times (Korean forms too).
    source
        Name of the file in messages (default: the path).

    Returns
    -------
    (pandas.DataFrame, list of str)
        The table, in file order, and one-line notes naming the file (lines skipped, numbers converted,
        names joined or numbered, the time column's order and spacing).
    """
    from ..sheets import EXCEL_SUFFIXES, TEXT_SUFFIXES, read_sheet

    path = Path(path)
    source = source or str(path)
    if not path.is_file():
        raise InputError(f"{source}: no such file.")
    name = path.name.lower()
    notes: list[str] = []
    try:
        if name.endswith((".parquet", ".pq")):
            table = pd.read_parquet(path)
        elif name.endswith((".dat", ".dat.gz")):
            table = read_tep(path)
        elif name.endswith(TEXT_SUFFIXES + EXCEL_SUFFIXES):
            sheet = read_sheet(path, source)
            table, notes = sheet.table, sheet.notes
        else:
            raise UnknownFormatError(f"{source}: expected a .csv, .csv.gz, .xlsx, .parquet or TEP .dat file.")
    except InputError:
        raise
    except Exception as exc:  # parsers raise many types; the user needs the file name
        raise CorruptFileError(f"{source}: cannot be read as a table ({type(exc).__name__}: {exc}).") from exc
    if table.shape[0] == 0 or table.shape[1] == 0:
        raise CorruptFileError(f"{source}: the table is empty.")
    if time_column is not None:
        table, joined = join_time_columns(table, time_column, source)
        notes += [joined] if joined else []
        if time_column in table.columns:
            notes += date_form_notes(table[time_column], time_column, source)
        table = parse_time(table, time_column, source)
        notes.extend(time_notes(table[time_column], time_column, source))
    return table, notes


def read_table(path: str | Path, time_column: str | None = None) -> pd.DataFrame:
    """:func:`read_table_notes`, each note given as a :class:`TableNoteWarning`.

    Parameters
    ----------
    path
        The table file (see :func:`read_table_notes`).
    time_column
        Column that must be present; numbers are kept, text is parsed as date-times.

    Returns
    -------
    pandas.DataFrame
        The table, in file order.
    """
    table, notes = read_table_notes(path, time_column)
    for note in notes:
        warnings.warn(note, TableNoteWarning, stacklevel=2)
    return table


def parse_time(table: pd.DataFrame, time_column: str, source: str | Path = "table") -> pd.DataFrame:
    """Check that ``time_column`` exists and is numbers or date-times (text is parsed, Korean forms too)."""
    if time_column not in table.columns:
        shown = ", ".join(map(str, list(table.columns)[:8]))
        raise InputError(f"{source}: no time column {time_column!r}; columns are {shown}.")
    column = table[time_column]
    if column.isna().any():
        row = int(np.nonzero(column.isna().to_numpy())[0][0])
        raise InputError(
            f"{source}: time column {time_column!r} is empty in {int(column.isna().sum())} row(s), "
            f"the first data row {row + 1}; expected a time on every row."
        )
    if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column):
        return table
    parsed = korean_datetimes(column)
    if parsed is None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                parsed = pd.to_datetime(column, errors="raise", format="mixed")
        except (ValueError, TypeError, OverflowError) as exc:
            bad = pd.to_datetime(column, errors="coerce", format="mixed").isna().to_numpy()
            row = int(np.nonzero(bad)[0][0]) if bad.any() else 0
            raise InputError(
                f"{source}: time column {time_column!r} holds {str(column.iloc[row])[:40]!r} (data row {row + 1}); "
                "expected numbers or date-times such as 2024-03-05 14:13:00 or 2024. 3. 5. 오후 2:13:00."
            ) from exc
    out = table.copy()
    out[time_column] = parsed.to_numpy()
    return out


def numeric_matrix(table: pd.DataFrame, columns: list[str], source: str | Path = "table") -> np.ndarray:
    """The given columns as a float matrix; a missing or non-numeric column raises an error naming it."""
    for column in columns:
        if column not in table.columns:
            raise InputError(f"{source}: column {column!r} is missing.")
        values = table[column]
        if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            converted = pd.to_numeric(values, errors="coerce")
            flags = (converted.isna() & values.notna()).to_numpy()
            if not flags.any():
                continue
            row = int(np.nonzero(flags)[0][0])
            raise InputError(
                f"{source}: column {column!r} has non-numeric values ({int(flags.sum())}, e.g. "
                f"{str(values.iloc[row])[:30]!r} in data row {row + 1}); expected numbers."
            )
    matrix = table[columns].to_numpy(dtype=np.float64)
    finite = np.isfinite(matrix)
    if not finite.all():
        j = int(np.nonzero(~finite.all(axis=0))[0][0])
        rows = np.nonzero(~finite[:, j])[0]
        raise InputError(
            f"{source}: column {columns[j]!r} has {rows.size} missing or infinite value(s), the first in data "
            f"row {rows[0] + 1}; expected a number on every row (fill or remove those rows)."
        )
    return matrix


def variable_columns(table: pd.DataFrame, time_column: str) -> list[str]:
    """Every column but the time column (and the date and clock columns it joins): the process variables."""
    parts = {p.strip() for p in time_column.split("+", 1)} if "+" in time_column else set()
    return [str(c) for c in table.columns if c != time_column and c not in parts]


def read_tep(path: str | Path) -> pd.DataFrame:
    """Read one Braatz TEP file (``dNN.dat``, ``dNN_te.dat``, optionally gzipped).

    Returns
    -------
    pandas.DataFrame
        ``time_min`` (0, 3, 6, ...) and the 52 variables of :data:`TEP_VARIABLES`.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            values = np.loadtxt(path, dtype=np.float64, ndmin=2)
    except Exception as exc:
        raise CorruptFileError(
            f"{path}: not a TEP data file of whitespace-separated numbers ({exc})."
        ) from exc
    n = len(TEP_VARIABLES)
    if values.shape[1] != n and values.shape[0] == n:
        values = values.T  # d00.dat is stored one variable per row
    if values.shape[1] != n or values.shape[0] < 2:
        raise CorruptFileError(f"{path}: expected {n} TEP variables per sample, got shape {values.shape}.")
    if not np.isfinite(values).all():
        raise CorruptFileError(f"{path}: holds non-finite values.")
    table = pd.DataFrame(values, columns=list(TEP_VARIABLES))
    table.insert(0, TEP_TIME_COLUMN, np.arange(len(table)) * TEP_SAMPLE_MINUTES)
    return table


@dataclass
class TEPFolder:
    """What a folder of Braatz files holds: the faults that have a test file, and what could not be placed.

    ``faults`` are the numbers ``NN >= 1`` with a ``dNN_te.dat[.gz]`` (the file a fault is scored on);
    ``notes`` name every file that is not used, and why (one line each).
    """

    folder: Path
    faults: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def scan_tep_folder(folder: str | Path) -> TEPFolder:
    """List the Braatz files in ``folder``; plain and gzipped files may be mixed.

    Raises
    ------
    InputError
        The folder does not exist, or lacks ``d00.dat`` (normal training) or ``d00_te.dat`` (normal test).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder}: no such folder of TEP files.")
    found: dict[tuple[int, bool], list[str]] = {}
    strays: list[str] = []
    for path in sorted(folder.iterdir()):
        if not path.is_file():
            continue
        match = TEP_FILE.match(path.name)
        if match is None:
            if re.match(r"^d\d+.*\.dat", path.name, re.IGNORECASE):
                strays.append(path.name)
            continue
        found.setdefault((int(match.group(1)), match.group(2) is not None), []).append(path.name)
    for key in (0, False), (0, True):
        if key not in found:
            stem = f"d00{'_te' if key[1] else ''}.dat"
            raise InputError(f"{folder}: no TEP file {stem} or {stem}.gz (normal operation) in the folder.")
    scan = TEPFolder(folder)
    scan.faults = sorted(n for n, test in found if test and n > 0)
    for name in strays:
        scan.notes.append(f"{name}: not a Braatz file name (dNN.dat or dNN_te.dat, NN two digits); not used.")
    for (number, test), names in sorted(found.items()):
        if len(names) > 1:
            scan.notes.append(f"{' and '.join(names)}: the same run twice; {names[0]} is read.")
        if not test and number > 0 and (number, True) not in found:
            scan.notes.append(
                f"{names[0]}: training file without its test file d{number:02d}_te.dat; not scored."
            )
    return scan


def tep_case_path(folder: str | Path, fault: int, test: bool = True) -> Path:
    """The file of fault ``NN`` (0 = normal) in a folder: ``dNN.dat[.gz]`` (training) or ``dNN_te.dat[.gz]`` (test)."""
    stem = f"d{int(fault):02d}{'_te' if test else ''}.dat"
    folder = Path(folder)
    for candidate in (folder / stem, folder / f"{stem}.gz"):
        if candidate.is_file():
            return candidate
    if folder.is_dir():  # D05_TE.DAT and the like, on a file system that minds the case
        for name in (stem, f"{stem}.gz"):
            for candidate in sorted(folder.iterdir()):
                if candidate.name.lower() == name and candidate.is_file():
                    return candidate
    raise InputError(f"{folder}: no TEP file {stem} or {stem}.gz.")


def read_tep_case(folder: str | Path, fault: int, test: bool = True) -> pd.DataFrame:
    """Read ``dNN.dat[.gz]`` (training) or ``dNN_te.dat[.gz]`` (test) for fault ``NN`` (0 = normal) from a folder."""
    return read_tep(tep_case_path(folder, fault, test))
