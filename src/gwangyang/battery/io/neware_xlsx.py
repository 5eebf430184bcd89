"""Neware BTSDA Excel exports (``.xlsx``): the record sheet, read as the record table (:mod:`.neware_record`).

BTSDA's "export to Excel" writes the levels as sheets; the record sheet (``record``, ``Detail_...``; on a
Chinese install ``记录层`` or ``记录数据``) holds the record table the flat CSV export holds: one header row,
English or Chinese (:mod:`.neware_zh`), one row per record. Its cells are written out as that CSV (numbers
as Python writes floats, so every digit is kept; dates ``%Y-%m-%d %H:%M:%S``; durations as seconds) and read
by the record-table reader, with its units, checks and warnings; a refusal or warning names the workbook.
BTSDA 7's binary ``.xls`` goes the same way (:mod:`.neware_xls`); the cycle and step sheets are not read.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
import zipfile
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path

from ...errors import CorruptFileError, GwangyangError, one_line
from .. import schema as s
from ..schema import CyclerData
from .base import Reader, safe_cell_id
from .neware_record import NewareRecordCsvReader

_RECORD_SHEET = re.compile(r"^(record|records|detail(_.*)?|记录层|记录数据|记录)$", re.IGNORECASE)
"""The record sheet's names (BTSDA 8, BTS 7.6 ``Detail_<channel>``, Chinese installs)."""


def _sheet_names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    return re.findall(r"<(?:\w+:)?sheet\b[^>]*?\bname=\"([^\"]*)\"", workbook)


def _text(value: object) -> str:
    """One cell as the CSV export writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S" + (".%f" if value.microsecond else ""))
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, timedelta):
        return repr(value.total_seconds())
    if isinstance(value, time):
        return repr(value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6)
    return str(value)


class NewareXlsxReader:
    """Neware BTSDA Excel export: a workbook with a record sheet."""

    name = "neware"

    def can_load(self, path: Path, head: bytes) -> bool:
        """A zip workbook with a record sheet (``record``, ``Detail_...``, ``记录层``, ``记录数据``)."""
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            return any(_RECORD_SHEET.match(name.strip()) for name in _sheet_names(path))
        except Exception:  # no workbook: another reader's, or damaged (the Arbin reader names it)
            return False

    def read(self, path: Path) -> CyclerData:
        """Read the record sheet through the record-table reader."""
        from python_calamine import CalamineWorkbook

        path = Path(path)
        try:
            book = CalamineWorkbook.from_path(str(path))
            sheet = next(n for n in book.sheet_names if _RECORD_SHEET.match(n.strip()))
            rows = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        except StopIteration:
            raise CorruptFileError(f"{path}: Neware workbook has no record sheet.") from None
        except Exception as exc:  # calamine raises its own errors on a damaged workbook
            raise CorruptFileError(
                one_line(f"{path}: not a readable Neware workbook ({type(exc).__name__}: {exc}).")
            ) from exc
        if len(rows) < 2:
            raise CorruptFileError(f"{path}: Neware workbook sheet {sheet!r} holds no records.")
        return read_record_rows(path, rows, f"sheet {sheet!r}", {"format": "record_xlsx", "sheet": sheet})


def read_record_rows(
    path: Path, rows: Sequence[Sequence[object]], where: str, extra: dict[str, object]
) -> CyclerData:
    """Read a record sheet's rows (header first) as the record table, through the record-table reader.

    Parameters
    ----------
    path
        The workbook, named in refusals and warnings, with ``where`` (``sheet 'record'``).
    rows
        The sheet's cells (calamine's values: numbers, text, dates, durations); empty rows are skipped.
    where
        Where in the workbook the rows are, for messages.
    extra
        Added to the result's ``extra``.

    Raises
    ------
    GwangyangError
        As the record-table reader refuses the table, naming the workbook and ``where``.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    width = len(rows[0])
    while width and rows[0][width - 1] in (None, ""):
        width -= 1  # Excel's trailing empty columns
    for row in rows:
        cells = [_text(v) for v in row[:width]]
        if any(cells):
            writer.writerow(cells)
    with tempfile.TemporaryDirectory(prefix="gwangyang-neware-") as folder:
        table = Path(folder) / f"{path.stem}.csv"
        table.write_text(buffer.getvalue(), encoding="utf-8")
        try:
            data = NewareRecordCsvReader().read(table)
        except GwangyangError as exc:  # the message names the workbook and its sheet
            text = str(exc).replace(str(table), f"{path} ({where})")
            raise type(exc)(text) from None
    notes = data.timeseries.attrs.get(s.WARNINGS_ATTR, [])
    for note in [*data.warnings, *notes]:
        if note.get("file") == table.name:
            note["file"] = path.name
    data.source = path
    data.cell_id = safe_cell_id(path.stem)
    data.extra = {**data.extra, **extra}
    return data


READERS: list[Reader] = [NewareXlsxReader()]
