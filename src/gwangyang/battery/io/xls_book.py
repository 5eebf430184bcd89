"""A cycler's Excel workbook as sheet names and rows: BIFF5 by :mod:`gwangyang.xls_biff5`, the rest by calamine.

calamine reads Excel 5.0/95 (BIFF5) text in a two-byte code page as garbage (a Chinese BTSDA export's sheet
``记录层`` and its header ``电压(V)`` in code page 936 come back as ``������`` and the like) and misreads its number
formats, so a BIFF5 workbook is read as the factory sheets read it (:func:`gwangyang.xls_biff5.biff5_book`:
text decoded in the workbook's ``CODEPAGE``, dates by the cell's format); BIFF8 ``.xls`` and ``.xlsx`` by
calamine. Either way a sheet's cells are decoded only when asked for: detection, which needs the sheet names,
reads the workbook's globals alone.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ...xls_biff5 import biff5_book

Rows = list[list[Any]]


def open_book(path: Path) -> tuple[list[str], Callable[[str], Rows]]:
    """The workbook's sheet names, in its order, and a function giving a sheet's rows from A1.

    Parameters
    ----------
    path
        An ``.xls`` or ``.xlsx`` workbook.

    Returns
    -------
    tuple
        The names and ``rows(name)``: the cells as ``CalamineSheet.to_python(skip_empty_area=False)`` gives them,
        decoded when asked for (a BIFF5 sheet's text not in the code page, or the sheet cut short, is refused then).

    Raises
    ------
    gwangyang.errors.CorruptFileError
        A BIFF5 workbook whose sheet list is cut short or whose sheet names are not in its code page (one line
        naming ``path``).
    Exception
        Whatever calamine raises on a workbook it cannot open.
    """
    if path.suffix.lower() == ".xls":
        found = biff5_book(path, str(path))
        if found is not None:
            return found
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))

    def rows(name: str) -> Rows:
        return book.get_sheet_by_name(name).to_python(skip_empty_area=False)

    return list(book.sheet_names), rows
