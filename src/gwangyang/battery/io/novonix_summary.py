"""Novonix's ``<stem>_metadata.csv`` per-cycle summary, checked as strictly as a data file.

* Its shape (a row without its header's number of fields, an unclosed quote, no ``Cycle`` column, an empty
  file) is refused in one line naming the summary; one that ends inside such a row says so too.
* A summary whose last row ends with no line break (cut after it was written) has that row's last field left
  unread (it may be cut short), with a ``truncated_file`` warning naming the summary and the column; the
  fields before it are whole (a separator follows each).
* A summary with its header and no row is warned about (``unknown_format``) and gives no per-cycle figure.
* A column Novonix does not write is named in an ``unknown_column`` warning.
* A value of a column read (``Cycle``, ``Qc``, ``Qd``, ``Ec``, ``Ed``, ``CE``) that is not a finite number is
  left empty, named with its column, row and count in an ``unknown_format`` warning (an empty value: not
  recorded).

Read with the csv module, not pandas: pandas' C parser ends a field at a NUL byte without a word.
The data file is read all the same in the warning cases: the summary gives only Novonix's own per-cycle
figures (``vendor_cycles``), and what is not read stays unknown rather than wrong.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np
import pandas as pd

from ...errors import CorruptFileError, one_line
from ...written import as_written
from .. import schema as s
from .textfile import scan_text
from .textrows import check_rows

COLUMNS = {
    "Cycle": s.CYCLE,
    "Qc": s.CHARGE_CAPACITY,
    "Qd": s.DISCHARGE_CAPACITY,
    "Ec": s.CHARGE_ENERGY,
    "Ed": s.DISCHARGE_ENERGY,
    "CE": "coulombic_efficiency",
}
"""The summary's columns read, and their canonical names."""

KNOWN = frozenset(
    [
        "Cycle",
        "AverageChargeVoltage",
        "AverageDischargeVoltage",
        "CE",
        "CEndPt",
        "CEndPtPercent",
        "CIE",
        "DeltaV",
        "DEndPt",
        "Ec",
        "EcPercent",
        "Ed",
        "EdPercent",
        "EE",
        "Qc",
        "QcPercent",
        "Qd",
        "QdPercent",
        "SlipC",
        "SlipCPercent",
        "SlipD",
        "SlipDPercent",
    ]
) | {""}
"""The columns Novonix writes (``""``: the row index of the export); others are warned about."""


def _number(text: str) -> float:
    r"""A finite number, or NaN (pandas' ``to_numeric`` reads ``'0.0766\x0031919'`` as 0.0766)."""
    try:
        value = float(text)
    except ValueError:
        return math.nan
    return value if math.isfinite(value) else math.nan


def summary_path(path: Path) -> Path:
    """Where the per-cycle summary of a Novonix file lives."""
    return path.with_name(f"{path.stem}_metadata.csv")


def read_summary(path: Path) -> tuple[pd.DataFrame | None, list[dict[str, str]]]:
    """Novonix's own per-cycle summary (canonical names) and its warnings; None when there is no summary.

    Raises
    ------
    CorruptFileError
        The summary's shape is broken (see the module docstring); the message names it.
    """
    summary = summary_path(path)
    if not summary.is_file():
        return None, []
    text = scan_text(summary, nul_checked=True)  # NUL in a value: warned by its own check
    notes = list(text.warnings)
    raw = summary.read_bytes()
    if not raw.strip():
        raise CorruptFileError(f"{summary}: Novonix summary is empty.")
    cut = not raw.endswith((b"\n", b"\r"))
    try:
        check_rows(summary, 0, ",", None, text.encoding)
        decoded = raw.decode(text.encoding, errors="replace").removeprefix("\ufeff")
        records = [r for r in csv.reader(io.StringIO(decoded, newline="")) if r]
    except CorruptFileError as exc:
        if not cut:
            raise
        raise CorruptFileError(
            f"{one_line(str(exc))} (This summary looks truncated: it ends with no line break.)"
        ) from None
    except csv.Error as exc:
        raise CorruptFileError(one_line(f"{summary}: not a readable Novonix summary ({exc}).")) from None
    header, rows = [c.strip() for c in records[0]], records[1:]
    if cut and not rows:
        raise CorruptFileError(
            f"{summary}: Novonix summary has no row: it ends inside its header line (cut?)."
        )
    if "Cycle" not in header:
        raise CorruptFileError(f"{summary}: no 'Cycle' column in the Novonix summary.")
    name = summary.name
    if not rows:  # a test with no cycle summed yet, or one cut at a line break: the data file says it all
        notes.append(
            s.warning("unknown_format", f"{name} has no row: no per-cycle figure of Novonix's", summary)
        )
        return None, notes
    notes += s.unread_columns([c for c in header if c not in KNOWN], summary, f"{name}: column(s)")
    if cut and rows:
        notes.append(
            s.warning(
                "truncated_file",
                f"{name} ends with no line break: the last field ({as_written(header[-1], None)}) of its last row may be cut "
                "short; not read",
                summary,
            )
        )
        rows[-1][-1] = ""
    out: dict[str, pd.Series] = {}
    for column, canonical in COLUMNS.items():
        if column not in header:
            continue
        cells = [row[header.index(column)].strip() for row in rows]
        values = np.array([_number(c) for c in cells])  # Python's float: exact, and no number past a NUL
        bad = np.isnan(values) & np.array([c != "" for c in cells], dtype=bool)
        if bad.any():
            first = int(np.flatnonzero(bad)[0])
            notes.append(
                s.warning(
                    "unknown_format",
                    f"{name}: column {as_written(column, None)}: {int(bad.sum())} of {len(rows)} values are no finite number, "
                    f"e.g. {as_written(cells[first])} (row {first + 1}); left empty",
                    summary,
                )
            )
        whole = bool(np.isfinite(values).all() and (values == np.round(values)).all())
        out[canonical] = pd.Series(values.astype(np.int64) if column == "Cycle" and whole else values)
    return pd.DataFrame(out), notes
