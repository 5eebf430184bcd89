"""Neware BTSDA 7's binary Excel export (``.xls``, BIFF8 or BIFF5): the record sheets, joined, as the record table.

Detected by the compound-file header and a record sheet among the workbook's sheets; read by
:func:`.neware_sheets.read_record_workbook` (calamine reads BIFF8 as the factory uploads' ``.xls``; BIFF5 is read
in its code page by :func:`.xls_book.open_book`), where
the record sheets that the ``.xls`` row limit (65,536) splits a long record table over are joined.
"""

from __future__ import annotations

from pathlib import Path

from ..schema import CyclerData
from .base import Reader
from .neware_sheets import read_record_workbook, record_sheets
from .xls_book import open_book

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""The compound-file header every ``.xls`` (BIFF8) workbook starts with."""


class NewareXlsReader:
    """Neware BTSDA 7 binary Excel export (``.xls``): the record sheets."""

    name = "neware"

    def can_load(self, path: Path, head: bytes) -> bool:
        """A BIFF8 or BIFF5 workbook with a record sheet; or any compound file named ``.xls`` that cannot be opened.

        A damaged ``.xls`` is claimed so that reading it says it is damaged rather than of an unknown cycler.
        """
        if not head.startswith(OLE2_MAGIC):
            return False
        try:
            names = open_book(path)[0]  # a BIFF5 workbook's names decoded in its code page
        except Exception:  # damaged, or not a workbook (an MSI, a Word file)
            return path.suffix.lower() == ".xls"
        return bool(record_sheets(names))

    def read(self, path: Path) -> CyclerData:
        """Read the record sheets, joined, through the record-table reader."""
        return read_record_workbook(Path(path), "xls")


READERS: list[Reader] = [NewareXlsReader()]
