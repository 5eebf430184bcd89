"""One way to open an Excel workbook, with one set of refusals, for every reader of workbooks in the package.

A workbook is read the same whoever reads it (a factory table, a quality table, a PulseBat folder, an Arbin
export), and is refused the same way when it cannot be:

* an Excel 5.0/95 (BIFF5) ``.xls`` is read by :mod:`gwangyang.xls_biff5` (its text decoded in its code page, Korean
  949 included, and refused in one line naming the sheet and cell where it is not);
* a password-protected workbook (a compound file holding an ``EncryptedPackage`` stream: Office's encryption of an
  ``.xlsx``) is refused as such, rather than as a damaged one;
* anything else by calamine; whatever calamine cannot open or read (a truncated zip, garbage bytes, a panic of
  its Rust code) is refused in one line: ``<file>: not a readable Excel workbook (<why>).``

Sheet names are kept as written (Korean names read as they are).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import CorruptFileError, one_line

Rows = list[list[Any]]
"""A sheet's cells from A1, as ``CalamineSheet.to_python(skip_empty_area=False)`` gives them."""

_COMPOUND = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


@dataclass
class Workbook:
    """An open workbook: its sheet names in its order, and each sheet's rows and merged ranges on demand."""

    source: str
    names: list[str]
    _rows: Callable[[str], Rows] = field(repr=False)
    _merged: Callable[[str], list[Any]] = field(repr=False, default=lambda name: [])

    def rows(self, name: str) -> Rows:
        """The sheet's cells from A1 (empty rows and columns kept).

        Raises
        ------
        CorruptFileError
            calamine cannot read the sheet (one line naming the file).
        """
        return read_guarded(self.source, lambda: self._rows(name))

    def merged(self, name: str) -> list[Any]:
        """The sheet's merged ranges, ``((row0, col0), (row1, col1))`` each (none for a BIFF5 workbook)."""
        return read_guarded(self.source, lambda: self._merged(name))


def open_workbook(path: str | Path, source: str | None = None) -> Workbook:
    """Open an ``.xlsx``, ``.xlsm`` or ``.xls`` workbook (see the module for the refusals).

    Parameters
    ----------
    path
        The workbook.
    source
        The file's name in messages (default: ``path`` as given).

    Raises
    ------
    CorruptFileError
        The workbook is encrypted, damaged, cut short or no workbook; one line naming ``source``.
    """
    path = Path(path)
    source = str(path) if source is None else source
    if path.suffix.lower() == ".xls":
        from .xls_biff5 import biff5_book

        found = biff5_book(path, source)  # the globals now, each sheet's cells when asked for (as calamine's)
        if found is not None:
            names, rows = found
            return Workbook(source, names, rows)
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head == _COMPOUND and _ENCRYPTED in path.read_bytes():
        raise CorruptFileError(
            f"{source}: the workbook is encrypted (password-protected): save it without a password and read it again."
        )
    from python_calamine import CalamineWorkbook

    book = read_guarded(source, lambda: CalamineWorkbook.from_path(str(path)))
    return Workbook(
        source,
        list(book.sheet_names),
        lambda name: book.get_sheet_by_name(name).to_python(skip_empty_area=False),
        lambda name: book.get_sheet_by_name(name).merged_cell_ranges or [],
    )


def read_guarded(source: str, call: Callable[[], Any]) -> Any:
    """``call()``, whatever calamine (or fastexcel on it) raises refused in one line naming ``source``.

    Raises
    ------
    CorruptFileError
        ``<source>: not a readable Excel workbook (<why>).``
    """
    try:
        return call()
    except CorruptFileError:
        raise
    except Exception as exc:  # calamine raises its own types
        raise CorruptFileError(
            one_line(f"{source}: not a readable Excel workbook ({type(exc).__name__}: {exc}).")
        ) from exc
    except BaseException as exc:  # a panic in calamine: pyo3's PanicException is no Exception
        if type(exc).__name__ != "PanicException":
            raise
        raise CorruptFileError(
            one_line(f"{source}: not a readable Excel workbook (the reader failed: {exc}).")
        ) from exc
