"""Arbin's ``<stem>_Metadata.csv`` companion (BEEP / MITS Pro), checked as strictly as a data file.

The companion holds one header and one row. What is wrong with it is never passed over:

* its shape (a row without its header's number of fields, an unclosed quote, no header or no row) is
  refused in one line naming the companion, as a data file would be; a companion that ends inside
  such a line says so too;
* a companion whose row ends without a line break (cut after it was written) has that row's last field
  left unread (it may be cut short), with a ``truncated_file`` warning naming the companion and the field;
  the fields before it are whole (a separator follows each) and are read;
* a column this reader does not know is named in an ``unknown_column`` warning; the others are read;
* a value that is not of its column's form (an integer id or flag, unix seconds, a number, or text
  without control characters or undecodable bytes) is named, with its column, in an ``unknown_format``
  warning and is not read (an empty value means "not recorded" and is fine);
* rows after the first are named in an ``unknown_format`` warning and not read.

The data file is read all the same in the warning cases: the companion only adds the channel, the start
time and labels (barcode, schedule, ids), and what is not read stays unknown rather than wrong.
"""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path

import pandas as pd

from ...errors import CorruptFileError, one_line
from ...written import as_written
from .. import schema as s
from ..schema import CyclerData
from .arbin import _key
from .companion_time import cut_end_warning, end_warning, start_warning
from .textfile import scan_text
from .textrows import check_rows

_INT, _EPOCH, _FLOAT, _TEXT = "an integer", "unix seconds", "a number", "text"
COLUMNS: dict[str, str] = {
    "": _INT,  # the row index pandas (BEEP) writes under an empty header
    "test_id": _INT,
    "device_id": _INT,
    "iv_ch_id": _INT,
    "first_start_datetime": _EPOCH,
    "resumed_times": _INT,
    "last_resume_datetime": _EPOCH,
    "last_end_datetime": _EPOCH,
    "schedule_file_name": _TEXT,
    "databases": _TEXT,
    "item_id": _TEXT,
    "grade_id": _INT,
    "has_aux": _INT,
    "has_special": _INT,
    "schedule_version": _TEXT,
    "log_aux_data_flag": _INT,
    "log_special_data_flag": _INT,
    "rowstate": _INT,
    "canconfig_filename": _TEXT,
    "m_ncanconfigmd5": _TEXT,
    "value": _FLOAT,
    "value2": _FLOAT,
}
"""The companion's columns (normalised names) and the form of their values."""

NAMES = {
    "schedule_file_name": "schedule",
    "item_id": "barcode",
    "test_id": "test_id",
    "device_id": "device_id",
    "iv_ch_id": "iv_ch_id",
    "databases": "databases",
}
"""Companion columns kept in ``CyclerData.extra``, under these names."""

LATEST_EPOCH = 4.1e9
"""Unix seconds past this (year 2099) are no Arbin time stamp."""
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffd]")


def companion_of(path: Path) -> Path | None:
    """The ``<stem>_Metadata.csv`` (or ``_metadata.csv``) beside an Arbin CSV, or None."""
    for name in (f"{path.stem}_Metadata.csv", f"{path.stem}_metadata.csv"):
        if (candidate := path.with_name(name)).is_file():
            return candidate
    return None


def column_key(column: str) -> str | None:
    """A companion header's normalised name (``""`` only for an empty one), or None for one with no letters."""
    if not column:
        return ""
    return _key(column)[0] or None  # '비고' is no column of Arbin's, not the empty index header


def valid(value: str, form: str) -> bool:
    """Whether a (stripped, non-empty) companion value has its column's form."""
    if form == _TEXT:
        return _CONTROL.search(value) is None
    try:
        number = float(value)
    except ValueError:
        return False
    if not math.isfinite(number):
        return False
    if form == _FLOAT:
        return True
    if not number.is_integer() or number < 0:
        return False
    return form != _EPOCH or number < LATEST_EPOCH


def _table(companion: Path, encoding: str, cut: bool) -> list[list[str]]:
    """The companion's records as text cells (header first, blank lines skipped), after its shape is checked.

    Read with the csv module, not pandas: pandas' C parser ends a field at a NUL byte without a word.
    """
    raw = companion.read_bytes()
    first = raw.split(b"\n", 1)[0]
    sep = ";" if first.count(b";") > first.count(b",") else ","
    try:
        check_rows(companion, 0, sep, None, encoding)  # a comment holding the separator: no shifted row
        text = raw.decode(encoding, errors="replace").removeprefix("\ufeff")
        records = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=sep) if r]
    except CorruptFileError as exc:
        if not cut:
            raise
        raise CorruptFileError(
            f"{one_line(str(exc))} (This metadata file looks truncated: it ends with no line break.)"
        ) from None
    except Exception as exc:
        raise CorruptFileError(one_line(f"{companion}: not a readable Arbin metadata file ({exc}).")) from exc
    if len(records) < 2:
        where = "inside its header line (cut?)" if cut else "after its header"
        raise CorruptFileError(f"{companion}: Arbin metadata file has no row: it ends {where}.")
    return records


def read_metadata(companion: Path) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The companion's checked values (normalised column name to text) and its warnings.

    Raises
    ------
    CorruptFileError
        The companion's shape is broken (see the module docstring); the message names it.
    """
    text = scan_text(companion, nul_checked=True)  # NUL in a value: warned by its own check
    notes = list(text.warnings)
    with open(companion, "rb") as handle:
        handle.seek(0, 2)
        size = handle.tell()
        handle.seek(max(0, size - 1))
        cut = size > 0 and handle.read(1) not in (b"\n", b"\r")
    if size == 0:
        raise CorruptFileError(f"{companion}: Arbin metadata file is empty.")
    header, *rows = _table(companion, text.encoding, cut)
    name = companion.name
    columns = [c.strip() for c in header]
    unknown = [c for c in columns if column_key(c) not in COLUMNS]
    notes += s.unread_columns(unknown, companion, f"{name}: column(s)")
    if len(rows) > 1:
        notes.append(
            s.warning("unknown_format", f"{name}: {len(rows)} rows; only the first is read", companion)
        )
    cells = [v.strip() for v in rows[0]]
    if cut and len(rows) == 1:
        notes.append(
            s.warning(
                "truncated_file",
                f"{name} ends with no line break: its last field ({as_written(columns[-1], None)}) may be cut short; not read",
                companion,
            )
        )
        cells[-1] = ""
    row: dict[str, str] = {}
    for column, value in zip(columns, cells, strict=True):
        key = column_key(column)
        if not value or key not in COLUMNS:
            continue
        if valid(value, COLUMNS[key]):
            row[key] = value
            continue
        notes.append(
            s.warning(
                "unknown_format",
                f"{name}: column {as_written(column, None)} holds {as_written(value)}, not {COLUMNS[key]}; not read",
                companion,
            )
        )
    return row, notes


def apply_metadata(data: CyclerData, path: Path) -> None:
    """Add what the companion of an Arbin CSV says (channel, start time, labels) and its warnings.

    A start time that disagrees with the data file's own time stamps is warned about
    (:func:`.companion_time.start_warning`: ``time_zone`` or ``start_time_mismatch``), and so is an end time
    before the start or before the data's last time stamp (:func:`.companion_time.end_warning`:
    ``end_time_mismatch``; its end is then not kept), or well after it (:func:`.companion_time.cut_end_warning`:
    ``truncated_file``, rows missing at the file's end). The start and end kept are in ``extra`` (``test_start``,
    ``test_end``: ISO 8601, UTC), stored with the cell's metadata.
    """
    companion = companion_of(path)
    if companion is None:
        return
    row, notes = read_metadata(companion)
    data.warnings.extend(notes)
    if "iv_ch_id" in row:
        data.channel = str(
            int(float(row["iv_ch_id"])) + 1
        )  # IV_Ch_ID counts from 0: BEEP's CH33 file says 32
    start = float(row.get("first_start_datetime", 0))
    if start > 0:
        data.start_time = pd.Timestamp(start, unit="s", tz="UTC")
        note = start_warning(companion, data.start_time, path, data.timeseries)
        if note is not None:
            data.warnings.append(note)
        data.extra["test_start"] = data.start_time.isoformat()
    end = float(row.get("last_end_datetime", 0))  # 0: not recorded (a test still running)
    if end > 0:
        told = pd.Timestamp(end, unit="s", tz="UTC")
        begun = data.start_time if start > 0 else None
        note = end_warning(companion, told, begun, path, data.timeseries)
        if note is None:  # an end that can be: kept, and held against the last row
            data.extra["test_end"] = told.isoformat()
            note = cut_end_warning(companion, told, begun, path, data.timeseries)
        if note is not None:
            data.warnings.append(note)
    data.extra.update({out: row[key] for key, out in NAMES.items() if key in row})
    data.extra["metadata_file"] = companion.name
