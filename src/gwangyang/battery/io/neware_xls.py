"""Neware BTSDA 7's binary Excel export (``.xls``, BIFF8): the record sheets, joined, read as the record table.

BTSDA 7 writes the levels of a test as sheets of one workbook: ``Info``, ``Cycle_<channel>``,
``Statis_<channel>`` and the records in ``Detail_<channel>`` (``record`` in BTSDA 8, ``记录层`` on a Chinese
install), besides auxiliary sheets (``DetailVol_...``, ``DetailTemp_...``). An ``.xls`` sheet holds at most
65,536 rows, so a longer record table goes on in further record sheets (``Detail_1_2_3``, ``Detail_1_2_3_2``,
``record(2)``, ``记录层2``, ...), each with the header again (or without it). The record sheets are joined in
the workbook's order (:func:`joined_records`): their record numbers (``DataPoint``, ``Record Index``,
``记录序号``) must carry on from one sheet to the next. A sheet starting at or before the previous one's last
record (two channels, or a sheet twice) is refused naming both sheets; records missing between two sheets are
warned about (``rows_dropped``). The joined cells are read as the ``.xlsx`` record sheet is
(:func:`.neware_xlsx.read_record_rows`); the other sheets are not read, which a warning says.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from pathlib import Path

from ...errors import CorruptFileError, one_line
from .. import schema as s
from ..schema import CyclerData
from .base import Reader
from .neware_xlsx import read_record_rows
from .neware_zh import FLAT_NAMES, translate

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""The compound-file header every ``.xls`` (BIFF8) workbook starts with."""
RECORD_SHEET = re.compile(
    r"^(record|records|detail(_.*)?|记录层|记录数据|记录)([ _-]?\(?\d+\)?)?$", re.IGNORECASE
)
"""A record sheet, or its continuation (``record(2)``, ``记录层2``; ``Detail_...`` takes any ending)."""
_INFO_SHEET = re.compile(
    r"^(info|信息|测试信息|unit|test|cycle.*|statis.*|step|循环层|工步层)$", re.IGNORECASE
)
"""Sheets BTSDA writes besides the records: test information, cycle and step summaries (not read)."""


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


def _record_numbers(rows: Sequence[Sequence[object]], column: int) -> tuple[float, float] | None:
    """The first and last record number of a sheet's data rows (None when it has none that reads)."""
    found = [_number(r[column]) for r in rows if column < len(r)]
    numbers = [v for v in found if v is not None and math.isfinite(v)]
    return (numbers[0], numbers[-1]) if numbers else None


def joined_records(
    path: Path, sheets: Sequence[tuple[str, Sequence[Sequence[object]]]]
) -> tuple[list[list[object]], list[dict[str, str]]]:
    """The record sheets' rows as one table (one header), and warnings about records missing between them.

    Parameters
    ----------
    path
        The workbook, named in refusals and warnings.
    sheets
        Each record sheet's name and rows, in the workbook's order; the first starts with the header.

    Raises
    ------
    CorruptFileError
        A later sheet with another header, or whose record numbers do not come after the previous sheet's.
    """
    name, rows = sheets[0]
    header = [str(v).strip() if v is not None else "" for v in rows[0]] if rows else []
    table = [list(r) for r in rows]
    notes: list[dict[str, str]] = []
    english = translate(header, FLAT_NAMES)
    column = english.index("DataPoint") if "DataPoint" in english else None
    span = _record_numbers(table[1:], column) if column is not None else None
    for later, more in sheets[1:]:
        first = [str(v).strip() if v is not None else "" for v in more[0]] if more else []
        if first[: len(header)] == header:
            more = more[1:]
        elif more and _number(more[0][0]) is None and any(first):
            raise CorruptFileError(
                one_line(
                    f"{path}: Neware record sheet {later!r} starts with the header {first!r}, not that of sheet "
                    f"{name!r} ({header!r}); one table is expected in the record sheets."
                )
            )
        body = [list(r) for r in more if any(v not in (None, "") for v in r)]
        if not body:
            continue
        following = _record_numbers(body, column) if column is not None else None
        if span is not None and following is not None:
            if following[0] <= span[1]:
                raise CorruptFileError(
                    f"{path}: Neware record sheets {name!r} and {later!r} overlap: {name!r} ends at record "
                    f"{span[1]:g}, {later!r} starts at record {following[0]:g} (expected {span[1] + 1:g}); "
                    "one channel's records, each once, are expected."
                )
            if following[0] > span[1] + 1:
                missing = following[0] - span[1] - 1
                notes.append(
                    s.warning(
                        "rows_dropped",
                        f"records {span[1] + 1:g} to {following[0] - 1:g} ({missing:g}) are missing between "
                        f"record sheets {name!r} (ends at {span[1]:g}) and {later!r} (starts at {following[0]:g})",
                        path,
                    )
                )
        table.extend(body)
        name, span = later, following if following is not None else span
    return table, notes


class NewareXlsReader:
    """Neware BTSDA 7 binary Excel export (``.xls``): the record sheets."""

    name = "neware"

    def can_load(self, path: Path, head: bytes) -> bool:
        """A BIFF8 workbook with a record sheet; or any compound file named ``.xls`` that calamine cannot open.

        A damaged ``.xls`` is claimed so that reading it says it is damaged rather than of an unknown cycler.
        """
        if not head.startswith(OLE2_MAGIC):
            return False
        from python_calamine import CalamineWorkbook

        try:
            names = CalamineWorkbook.from_path(str(path)).sheet_names
        except Exception:  # damaged, or not a workbook (an MSI, a Word file)
            return path.suffix.lower() == ".xls"
        return bool(record_sheets(names))

    def read(self, path: Path) -> CyclerData:
        """Read the record sheets, joined, through the record-table reader."""
        from python_calamine import CalamineWorkbook

        path = Path(path)
        try:
            book = CalamineWorkbook.from_path(str(path))
            names = record_sheets(book.sheet_names)
            sheets = [(n, book.get_sheet_by_name(n).to_python(skip_empty_area=False)) for n in names]
            others = [n for n in book.sheet_names if n not in names]
        except Exception as exc:  # calamine raises its own errors on a damaged workbook
            raise CorruptFileError(
                one_line(f"{path}: not a readable Excel .xls workbook ({type(exc).__name__}: {exc}).")
            ) from exc
        if not sheets:
            raise CorruptFileError(
                f"{path}: Neware .xls workbook has no record sheet (Detail_..., record, 记录层)."
            )
        rows, notes = joined_records(path, sheets)
        if len(rows) < 2:
            raise CorruptFileError(f"{path}: Neware .xls record sheet {names[0]!r} holds no records.")
        where = f"sheet {names[0]!r}" if len(names) == 1 else f"sheets {', '.join(map(repr, names))} joined"
        data = read_record_rows(path, rows, where, {"format": "record_xls", "sheets": names})
        unread = [n for n in others if not _INFO_SHEET.match(n.strip())]
        if unread:
            notes.append(
                s.warning("unknown_column", f"sheet(s) not read: {', '.join(map(repr, unread))}", path)
            )
        data.warnings.extend(notes)
        return data


READERS: list[Reader] = [NewareXlsReader()]
