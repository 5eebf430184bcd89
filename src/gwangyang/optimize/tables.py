"""Reading the CSV tables a user gives the optimiser (past experiments, results): one line naming what is wrong."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import InputError


def read_csv_table(path: Path, what: str, dtype: dict[str, type] | None = None) -> pd.DataFrame:
    """The CSV at ``path`` (UTF-8 or cp949) with its header's names stripped of spaces.

    Parameters
    ----------
    path
        The file.
    what
        What a row is, in messages (``"experiment"``, ``"result"``).
    dtype
        Column types given to :func:`pandas.read_csv`.

    Raises
    ------
    InputError
        An empty file, one that is not CSV, or a column name given twice (pandas would read the second ``x``
        as a column ``x.1`` nobody named), also once spaces are stripped (``' 수명'``, ``'수명'``).
    """
    from ..battery.io.base import file_encoding

    try:
        encoding = file_encoding(path)  # cp949 from Excel on Korean Windows too
        table = pd.read_csv(path, encoding=encoding, dtype=dtype)
        header = pd.read_csv(path, encoding=encoding, header=None, nrows=1, dtype=str).iloc[0]
    except pd.errors.EmptyDataError as exc:
        raise InputError(f"{path}: the file is empty; expected a header row and a row per {what}.") from exc
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a CSV table of {what}s ({type(exc).__name__}).") from exc
    names = ["" if pd.isna(name) else str(name).strip() for name in header]  # " 수명" as Excel users type it
    for k, name in enumerate(names):
        if name and name in names[:k]:
            raise InputError(
                f"{path}: column name {name!r} appears more than once (columns {names.index(name) + 1} and "
                f"{k + 1}); expected one column per {'parameter' if what == 'experiment' else 'field'}."
            )
    return table.set_axis(
        [n if n else str(c).strip() for n, c in zip(names, table.columns, strict=True)], axis="columns"
    )
