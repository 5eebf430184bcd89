"""Neware BTSDA Excel exports (``.xlsx``): the record sheets, read as the record table (:mod:`.neware_record`).

Detected by a record sheet (``record``, ``Detail_...``; on a Chinese install ``记录层`` or ``记录数据``) among the
workbook's sheets; read by :func:`.neware_sheets.read_record_workbook`, as BTSDA 7's binary ``.xls``
(:mod:`.neware_xls`). BTSDA 8's ``record`` sheet, which names no cycle or step, takes them from the ``step``
sheet (:mod:`.neware_stepjoin`); the ``cycle`` sheet is checked against the records (:mod:`.neware_crosscheck`).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ..schema import CyclerData
from .base import Reader
from .neware_sheets import read_record_workbook, record_sheets


def _sheet_names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    return re.findall(r"<(?:\w+:)?sheet\b[^>]*?\bname=\"([^\"]*)\"", workbook)


class NewareXlsxReader:
    """Neware BTSDA Excel export: a workbook with a record sheet."""

    name = "neware"

    def can_load(self, path: Path, head: bytes) -> bool:
        """A zip workbook with a record sheet (``record``, ``Detail_...``, ``记录层``, ``记录数据``)."""
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            return bool(record_sheets(_sheet_names(path)))
        except Exception:  # no workbook: another reader's, or damaged (the Arbin reader names it)
            return False

    def read(self, path: Path) -> CyclerData:
        """Read the record sheets, joined, through the record-table reader."""
        return read_record_workbook(Path(path), "xlsx")


READERS: list[Reader] = [NewareXlsxReader()]
