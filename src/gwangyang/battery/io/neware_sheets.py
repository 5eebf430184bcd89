"""Neware BTSDA Excel exports (``.xlsx``, ``.xls``): the record sheets, joined, read as the record table.

BTSDA's "export to Excel" writes the levels of a test as sheets of one workbook: BTSDA 8 ``test``, ``unit``,
``cycle``, ``step`` and the records in ``record`` (on a Chinese install ``记录层`` or ``记录数据``); BTS 7.6
``Info``, ``Cycle_<channel>``, ``Statis_<channel>`` and the records in ``Detail_<channel>``, besides auxiliary
sheets (``DetailVol_...``, ``DetailTemp_...``). The record sheet holds the record table the flat CSV export
holds: one header row, English or Chinese (:mod:`.neware_zh`), one row per record. An ``.xls`` sheet holds at
most 65,536 rows, so a longer record table goes on in further record sheets (``Detail_1_2_3``,
``Detail_1_2_3_2``, ``record(2)``, ``记录层2``, ...), each with the header again or without it. The record
sheets are joined in the workbook's order (:func:`joined_records`): their record numbers (``DataPoint``,
``Record Index``, ``记录序号``) must carry on from one sheet to the next. A sheet starting at or before the
previous one's last record (two channels, or a sheet twice) is refused naming both sheets; records missing
between two sheets are warned about (``rows_dropped``). The joined cells are written out as the record table's
CSV (numbers as Python writes floats, so every digit is kept; dates ``%Y-%m-%d %H:%M:%S``; durations as
seconds) and read by the record-table reader (:mod:`.neware_record`), with its units, checks and warnings; a
refusal or warning names the workbook and its sheets. A record sheet naming no cycle or step (BTSDA 8's
``record``) takes them from the step sheet (:mod:`.neware_stepjoin`); the cycle sheet is kept as ``vendor_cycles``
and checked against the records (:mod:`.neware_crosscheck`); a step sheet beside records naming their cycle and
step is checked against them (:mod:`.neware_stepcheck`); step and cycle sheets split over several sheets are
joined (:mod:`.neware_parts`). Every sheet not read is kept in ``extra["sheets_not_read"]`` with why; those of no
kind known (auxiliary channels) are named in a warning.
"""

from __future__ import annotations

import csv
import io
import math
import re
import tempfile
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path

from ...errors import CorruptFileError, GwangyangError, one_line
from ...written import as_written
from .. import schema as s
from ..schema import CyclerData
from .base import safe_cell_id
from .neware_crosscheck import CYCLE_SHEET, CYCLE_SHEET_NAMES, check_cycle_sheet
from .neware_parts import cell_texts, joined_parts, unread_sheets
from .neware_record import NewareRecordCsvReader
from .neware_statis import STATIS_NAMES, STATIS_SHEET, check_statis
from .neware_stepcheck import STEP_CHECK_NAMES, check_step_sheet
from .neware_stepjoin import STEP_SHEET, STEP_SHEET_NAMES, join_steps, lacks_steps
from .neware_steptime import BTS7_NAMES
from .neware_zh import FLAT_NAMES, translate
from .xls_book import open_book
from .xls_rows import declared_rows

RECORD_SHEET = re.compile(
    r"^(record|records|detail(_.*)?|记录层|记录数据|记录)([ _-]?\(?\d+\)?)?$", re.IGNORECASE
)
"""A record sheet, or its continuation (``record(2)``, ``记录层2``; ``Detail_...`` takes any ending)."""
_INFO_SHEET = re.compile(r"^(info|信息|测试信息|unit|test)$", re.IGNORECASE)
"""Sheets BTSDA writes besides the records, steps and cycles: test information (not read; kept in
``extra["sheets_not_read"]`` with why)."""


def record_sheets(names: list[str]) -> list[str]:
    """The workbook's record sheets, in its order."""
    return [n for n in names if RECORD_SHEET.match(n.strip())]


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return None


def _filled(row: Sequence[object]) -> bool:
    return any(v not in (None, "") for v in row)


def _inside(
    path: Path, sheet: str, numbers: list[float | None], first_row: list[int]
) -> list[dict[str, str]]:
    """Warnings about record numbers that skip or go back inside one sheet (records lost, or out of order)."""
    known = [(v, r) for v, r in zip(numbers, first_row, strict=True) if v is not None and math.isfinite(v)]
    notes = []
    skips = [(a, b, r) for (a, _), (b, r) in pairwise(known) if b > a + 1]
    if skips:
        missing = sum(b - a - 1 for a, b, _ in skips)
        a, b, r = skips[0]
        notes.append(
            s.warning(
                "rows_dropped",
                f"{missing:.15g} record(s) missing inside record sheet {as_written(sheet, None)}: its record numbers skip "
                f"{len(skips)} time(s), first from {a:.15g} to {b:.15g} (sheet row {r})",
                path,
            )
        )
    back = [(a, b, r) for (a, _), (b, r) in pairwise(known) if b <= a]
    if back:
        a, b, r = back[0]
        notes.append(
            s.warning(
                "unknown_format",
                f"record numbers go back or repeat {len(back)} time(s) inside record sheet {as_written(sheet, None)}, first "
                f"from {a:.15g} to {b:.15g} (sheet row {r}); rows read as they stand",
                path,
            )
        )
    return notes


def joined_records(
    path: Path, sheets: Sequence[tuple[str, Sequence[Sequence[object]]]]
) -> tuple[list[list[object]], list[dict[str, str]], list[tuple[str, int]]]:
    """The record sheets' rows as one table (one header), warnings, and where each data row comes from.

    Empty rows are left out. Record numbers that skip (records missing between or inside sheets) are warned
    about (``rows_dropped``), as are ones going back inside a sheet.

    Parameters
    ----------
    path
        The workbook, named in refusals and warnings.
    sheets
        Each record sheet's name and rows, in the workbook's order; the first starts with the header.

    Returns
    -------
    tuple
        The header and data rows; the warnings; each data row's sheet and row number (1-based) in it.

    Raises
    ------
    CorruptFileError
        A later sheet with another header, or whose record numbers do not come after the previous sheet's.
    """
    name, rows = sheets[0]
    header = cell_texts(rows[0]) if rows else []
    english = translate(header, FLAT_NAMES)
    if "DataPoint" not in english:  # BTS 7.6's English names (Record Index)
        english = translate(english, BTS7_NAMES)
    column = english.index("DataPoint") if "DataPoint" in english else None
    table: list[list[object]] = [list(rows[0])] if rows else []
    notes: list[dict[str, str]] = []
    origins: list[tuple[str, int]] = []
    span: tuple[float, float] | None = None
    for index, (sheet, more) in enumerate(sheets):
        skip = 1 if index == 0 else 0
        if index and more:
            first = cell_texts(more[0])
            if first[: len(header)] == header:
                skip = 1
            elif _number(more[0][0]) is None and any(first):
                raise CorruptFileError(
                    one_line(
                        f"{path}: Neware record sheet {as_written(sheet, None)} starts with the header {as_written(first, None, python=True)}, not that of "
                        f"sheet {as_written(sheets[0][0], None)} ({as_written(header, None, python=True)}); one table is expected in the record sheets."
                    )
                )
        body = [(list(r), i + 1) for i, r in enumerate(more) if i >= skip and _filled(r)]
        if not body:
            continue
        numbers = [_number(r[column]) if column is not None and column < len(r) else None for r, _ in body]
        notes += _inside(path, sheet, numbers, [i for _, i in body])
        finite = [v for v in numbers if v is not None and math.isfinite(v)]
        following = (finite[0], finite[-1]) if finite else None
        if span is not None and following is not None:
            if following[0] <= span[1]:
                raise CorruptFileError(
                    f"{path}: Neware record sheets {as_written(name, None)} and {as_written(sheet, None)} overlap: {as_written(name, None)} ends at record "
                    f"{span[1]:.15g}, {as_written(sheet, None)} starts at record {following[0]:.15g} (expected {span[1] + 1:.15g}); "
                    "one channel's records, each once, are expected."
                )
            if following[0] > span[1] + 1:
                missing = following[0] - span[1] - 1
                notes.append(
                    s.warning(
                        "rows_dropped",
                        f"records {span[1] + 1:.15g} to {following[0] - 1:.15g} ({missing:.15g}) are missing between "
                        f"record sheets {as_written(name, None)} (ends at {span[1]:.15g}) and {as_written(sheet, None)} (starts at {following[0]:.15g})",
                        path,
                    )
                )
        table += [r for r, _ in body]
        origins += [(sheet, i) for _, i in body]
        if following is not None:
            name, span = sheet, following
    return table, notes, origins


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


_LINE = re.compile(r"\bline (\d+)\b")


def _sheet_lines(text: str, origins: Sequence[tuple[str, int]]) -> str:
    """A message about the written table's lines, told as the workbook's sheet and row."""

    def place(match: re.Match[str]) -> str:
        row = int(match.group(1)) - 2  # line 1 is the header
        if 0 <= row < len(origins):
            return f"sheet {as_written(origins[row][0], None)} row {origins[row][1]}"
        return match.group(0)

    return _LINE.sub(place, text)


def read_record_rows(
    path: Path,
    rows: Sequence[Sequence[object]],
    where: str,
    extra: dict[str, object],
    origins: Sequence[tuple[str, int]] = (),
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
    origins
        Each data row's sheet and row in the workbook (:func:`joined_records`): a message naming a line of
        the table names them instead. Without, every row is written out (empty ones left out).

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
            text = _sheet_lines(str(exc).replace(str(table), f"{path} ({where})"), origins)
            raise type(exc)(text) from None
    notes = data.timeseries.attrs.get(s.WARNINGS_ATTR, [])
    for note in [*data.warnings, *notes]:
        if note.get("file") == table.name:
            note["file"] = path.name
            note["detail"] = _sheet_lines(note["detail"], origins)
    data.source = path
    data.cell_id = safe_cell_id(path.stem)
    data.extra = {**data.extra, **extra}
    return data


def _why(rows: Sequence[Sequence[object]]) -> str:
    """Why a step or cycle sheet was left out: it is empty, or not joined (a warning says why)."""
    return "not joined" if any(_filled(r) for r in rows) else "empty"


def _cut_sheets(path: Path, read: list[tuple[str, int]]) -> list[dict[str, str]]:
    """Warnings about ``.xls`` record sheets calamine gave fewer rows of than they say they hold."""
    declared = declared_rows(path)
    notes = []
    for name, count in read:
        if declared.get(name, 0) > count:
            notes.append(
                s.warning(
                    "truncated_file",
                    f"record sheet {as_written(name, None)} holds {declared[name]} rows by its own count (its DIMENSIONS record) "
                    f"but {count} could be read: the workbook is damaged there, the rows after are missing",
                    path,
                )
            )
    return notes


def read_record_workbook(path: Path, kind: str) -> CyclerData:
    """Read a BTSDA workbook's record sheets, joined, through the record-table reader.

    Parameters
    ----------
    path
        The workbook (``.xlsx`` or ``.xls``; calamine reads both but BIFF5 ``.xls``, read by
        :func:`.xls_book.open_book` in its code page).
    kind
        The workbook's kind, named in refusals and kept as ``extra["format"]`` (``record_<kind>``).

    Raises
    ------
    CorruptFileError
        A workbook calamine cannot open, without records, with record sheets that do not join, or whose
        table the record-table reader refuses; one line naming the workbook (and its sheets).
    """
    try:
        all_names, sheet = open_book(path)
        names = record_sheets(all_names)
        sheets = [(n, sheet(n)) for n in names]
        others = [n for n in all_names if n not in names]
        steps = [(n, sheet(n)) for n in others if STEP_SHEET.match(n.strip())]
        cycles = [(n, sheet(n)) for n in others if CYCLE_SHEET.match(n.strip())]
        statis = [(n, sheet(n)) for n in others if STATIS_SHEET.match(n.strip())]
    except CorruptFileError:  # a BIFF5 workbook damaged: its reader's one line names the workbook
        raise
    except Exception as exc:  # calamine raises its own errors on a damaged workbook
        raise CorruptFileError(
            one_line(f"{path}: not a readable Excel .{kind} workbook ({type(exc).__name__}: {exc}).")
        ) from exc
    if not sheets:
        raise CorruptFileError(
            f"{path}: Neware .{kind} workbook has no record sheet (Detail_..., record, 记录层)."
        )
    rows, notes, origins = joined_records(path, sheets)
    if kind == "xls":
        notes += _cut_sheets(path, [(n, len(r)) for n, r in sheets])
    if len(rows) < 2:
        raise CorruptFileError(
            f"{path}: Neware .{kind} record sheet {as_written(names[0], None)} holds no records."
        )
    extra: dict[str, object] = {"format": f"record_{kind}", "sheet": names[0], "sheets": names}
    left: dict[str, str] = {}
    for n in others:
        if n not in dict(steps) and n not in dict(cycles) and n not in dict(statis):
            left[n] = "test information" if _INFO_SHEET.match(n.strip()) else "unknown"
    if lacks_steps(rows[0]):  # BTSDA 8's record sheet: cycle and step from the step sheet
        if not steps:
            raise CorruptFileError(
                f"{path}: Neware record sheet {as_written(names[0], None)} names no cycle or step (no 'Cycle Index' or 'Step Index' "
                "column) and the workbook has no step sheet (step, 工步层) to take them from."
            )
        step_rows, step_places, parted = joined_parts(path, steps, STEP_SHEET_NAMES, "Step Number")
        notes += parted
        rows, joined = join_steps(path, rows, origins, step_places[0][0], step_rows, step_places)
        notes += joined  # then the step sheet's times, dates and capacities against the records it gave steps
        notes += check_step_sheet(path, step_places[0][0], step_rows, step_places, rows, origins, joined=True)
        extra["steps_from"] = step_places[0][0]
        extra["step_sheets"] = used = [n for n, _ in steps if n in {sheet for sheet, _ in step_places}]
        left |= {n: _why(r) for n, r in steps if n not in used}
    elif steps:  # the records name their cycle and step: the step sheet checked against them
        step_rows, step_places, parted = joined_parts(path, steps, STEP_CHECK_NAMES, "Step Number")
        notes += parted
        notes += check_step_sheet(path, step_places[0][0], step_rows, step_places, rows, origins)
        extra["step_sheets"] = used = [n for n, _ in steps if n in {sheet for sheet, _ in step_places}]
        left |= {n: _why(r) for n, r in steps if n not in used}
    where = (
        f"sheet {as_written(names[0], None)}"
        if len(names) == 1
        else f"sheets {', '.join(as_written(n, None) for n in names)} joined"
    )
    data = read_record_rows(path, rows, where, extra, origins)
    if cycles:
        cycle_rows, cycle_places, parted = joined_parts(path, cycles, CYCLE_SHEET_NAMES, "Cycle Index")
        notes += parted
        vendor, checked = check_cycle_sheet(path, cycle_places[0][0], cycle_rows, data, cycle_places)
        if vendor is not None:
            data.vendor_cycles = vendor
        data.extra["cycle_sheets"] = used = [
            n for n, _ in cycles if n in {sheet for sheet, _ in cycle_places}
        ]
        left |= {n: _why(r) for n, r in cycles if n not in used}
        notes += checked
    if statis:  # BTS 7.6's step statistics: step by step and cycle by cycle against the records
        statis_rows, statis_places, parted = joined_parts(path, statis, STATIS_NAMES, "Step Number")
        notes += parted + check_statis(
            path, statis_places[0][0], statis_rows, statis_places, rows, origins, data
        )
        data.extra["statis_sheets"] = used = [n for n, _ in statis if n in {p for p, _ in statis_places}]
        left |= {n: _why(r) for n, r in statis if n not in used}
    notes += unread_sheets(path, left)
    data.extra["sheets_not_read"] = left
    data.warnings.extend(notes)
    return data
