"""The number formats of an old Excel ``.xls`` sheet's cells (BIFF8, or BIFF5 of Excel 5.0/95).

For :mod:`gwangyang.excel_codes`: python-calamine reads the values but not the formats, and xlrd is not a dependency, so this reads what is needed
itself: the compound file's ``Workbook`` (BIFF8) or ``Book`` (BIFF5) stream (its FAT and mini FAT chains), and in
it ``CODEPAGE``, the ``FORMAT`` records (format strings by id: a BIFF8 Unicode string, or in BIFF5 a one-byte
length and the code page's bytes, as xlrd's ``handle_format`` reads them), the ``XF`` records (each one's format
id, at offset 2 in both), ``BOUNDSHEET`` (where a sheet starts; BIFF5 names in the code page) and the sheet's
number cells (``NUMBER``, ``RK``, ``MULRK``, ``FORMULA``: row, column, XF). The ``CODEPAGE`` is given back;
the cells of a BIFF5 workbook, whose text (Korean 949) and formats calamine misreads, are read by
:mod:`gwangyang.xls_biff5` from the same stream. Anything it cannot read is left alone: the cells then stay the
numbers calamine gives, which the caller says.
"""

from __future__ import annotations

import codecs
import struct
from dataclasses import dataclass, field
from pathlib import Path

from .excel_codes import Cells
from .excel_number_formats import BUILTIN_FORMATS, CodeFormat, code_format

_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_END = 0xFFFFFFFE
_FREE = 0xFFFFFFFF
_MAX_SECTORS = 1 << 22
"""Longest chain followed (a loop in a damaged file ends here)."""

_BOF, _CODEPAGE, _FORMAT, _XF, _SHEET, _EOF = 0x0809, 0x0042, 0x041E, 0x00E0, 0x0085, 0x000A
_NUMBER, _RK, _MULRK, _FORMULA = 0x0203, 0x027E, 0x00BD, 0x0006


class BrokenXlsError(Exception):
    """The file is not a compound file this reader follows (or its ``Book`` stream is cut short)."""


def workbook_stream(data: bytes) -> bytes:
    """The ``Workbook`` stream (BIFF8) or ``Book`` stream (BIFF5) of a compound file.

    Raises
    ------
    BrokenXlsError
        Not a compound file this reader follows, or no such stream.
    """
    if data[:8] != _MAGIC or len(data) < 512:
        raise BrokenXlsError
    shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
    size, mini_size = 1 << shift, 1 << mini_shift
    n_fat, first_dir = struct.unpack_from("<II", data, 0x2C)
    cutoff, first_mini_fat, _, first_difat, n_difat = struct.unpack_from("<IIIII", data, 0x38)

    def sector(n: int) -> bytes:
        start = (n + 1) * size
        if start + size > len(data) + size:  # the last sector may be short
            raise BrokenXlsError
        return data[start : start + size]

    fat_sectors = [n for n in struct.unpack_from("<109I", data, 0x4C) if n not in (_FREE, _END)]
    nxt = first_difat
    for _ in range(n_difat):
        if nxt in (_FREE, _END):
            break
        block = struct.unpack(f"<{size // 4}I", sector(nxt))
        fat_sectors += [n for n in block[:-1] if n not in (_FREE, _END)]
        nxt = block[-1]
    fat = [e for n in fat_sectors[:n_fat] for e in struct.unpack(f"<{size // 4}I", sector(n))]

    def chain(first: int, table: list[int]) -> list[int]:
        out: list[int] = []
        n = first
        while n < len(table) and len(out) < _MAX_SECTORS:
            out.append(n)
            n = table[n]
        return out

    directory = b"".join(sector(n) for n in chain(first_dir, fat))
    entries = {}
    for i in range(0, len(directory) - 127, 128):
        length = struct.unpack_from("<H", directory, i + 64)[0]
        name = directory[i : i + max(length - 2, 0)].decode("utf-16-le", "replace")
        start, stream_size = struct.unpack_from("<II", directory, i + 116)
        entries[name] = (directory[i + 66], start, stream_size)
    name = "Workbook" if "Workbook" in entries else "Book"  # BIFF8; BIFF5 (Excel 5.0/95)
    if name not in entries or "Root Entry" not in entries:
        raise BrokenXlsError
    _, start, stream_size = entries[name]
    if stream_size >= cutoff:
        return b"".join(sector(n) for n in chain(start, fat))[:stream_size]
    mini_fat_bytes = b"".join(sector(n) for n in chain(first_mini_fat, fat))
    mini_fat = list(struct.unpack(f"<{len(mini_fat_bytes) // 4}I", mini_fat_bytes))
    root = b"".join(sector(n) for n in chain(entries["Root Entry"][1], fat))
    return b"".join(root[n * mini_size : (n + 1) * mini_size] for n in chain(start, mini_fat))[:stream_size]


def biff_records(stream: bytes, at: int = 0) -> list[tuple[int, int, bytes]]:
    """The records from offset ``at`` to the first ``EOF``: (offset, type, body); the last may be cut short."""
    out = []
    while at + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, at)
        out.append((at, kind, stream[at + 4 : at + 4 + length]))
        at += 4 + length
        if kind == _EOF:
            break
    return out


def _unicode(body: bytes, at: int, count: int) -> str:
    """A BIFF8 string of ``count`` characters whose flags byte is at ``at``."""
    flags = body[at]
    at += 1
    if flags & 0x08:
        at += 2
    if flags & 0x04:
        at += 4
    if flags & 0x01:
        return body[at : at + 2 * count].decode("utf-16-le", "replace")
    return body[at : at + count].decode("latin-1")


_NAMED_CODECS = {
    367: "ascii",
    1200: "utf-16-le",
    10000: "mac_roman",
    10006: "mac_greek",
    10007: "mac_cyrillic",
    10029: "mac_latin2",
    10079: "mac_iceland",
    10081: "mac_turkish",
    20866: "koi8_r",
    21866: "koi8_u",
    32768: "mac_roman",
    32769: "cp1252",
    65001: "utf-8",
}
"""CODEPAGE values whose Python codec is not ``cp<value>`` (xlrd's ``encoding_from_codepage`` and more)."""


def codec_name(codepage: int) -> str | None:
    """Python's codec of a CODEPAGE record's value (BIFF5 strings are in it); None when Python has none.

    ``cp949`` for Korean 949 (Unified Hangul Code), ``johab`` for 1361; Mac Korean (10003) has none.
    """
    name = _NAMED_CODECS.get(codepage, f"cp{codepage}")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


@dataclass
class XlsSheet:
    """What :func:`scan_xls` read of one worksheet.

    ``cells``: (row, column) from 0 to the :class:`~gwangyang.excel_number_formats.CodeFormat` of number cells
    formatted as codes. ``biff``: 8 or 5. ``codepage``: the CODEPAGE record's value (1200, UTF-16, in BIFF8).
    """

    cells: Cells = field(default_factory=dict)
    biff: int = 8
    codepage: int = 1200


def scan_xls(path: str | Path, sheet: str) -> XlsSheet | None:
    """Read the number formats of worksheet ``sheet`` of an ``.xls`` (BIFF8, or BIFF5's ``Book`` stream).

    Parameters
    ----------
    path
        The workbook (Excel 97-2003 and xlwt write BIFF8; Excel 5.0/95 wrote BIFF5).
    sheet
        The worksheet's name.

    Returns
    -------
    XlsSheet or None
        None when the formats cannot be read (not a BIFF5 or BIFF8 file this reader follows, or damaged), which
        the caller says.
    """
    try:
        stream = workbook_stream(Path(path).read_bytes())
        records = biff_records(stream)
        if not records or records[0][1] != _BOF or len(records[0][2]) < 2:
            return None
        version = struct.unpack_from("<H", records[0][2], 0)[0]
        if version not in (0x0500, 0x0600):
            return None
        out = XlsSheet(biff=8 if version == 0x0600 else 5)
        codec = "latin-1"
        formats: dict[int, str] = dict(BUILTIN_FORMATS)
        xf_formats: list[int] = []
        starts: list[tuple[str, int]] = []
        for _, kind, body in records:
            if kind == _CODEPAGE and len(body) >= 2:
                out.codepage = struct.unpack_from("<H", body, 0)[0]
                codec = codec_name(out.codepage) or "cp1252"  # the caller refuses it
            elif kind == _FORMAT and len(body) >= 3:
                ident = struct.unpack_from("<H", body, 0)[0]
                formats[ident] = (
                    _unicode(body, 4, struct.unpack_from("<H", body, 2)[0])
                    if out.biff == 8
                    else body[3 : 3 + body[2]].decode(codec, "replace")
                )
            elif kind == _XF and len(body) >= 4:
                xf_formats.append(struct.unpack_from("<H", body, 2)[0])
            elif kind == _SHEET and len(body) >= 7:
                name = (
                    _unicode(body, 7, body[6])
                    if out.biff == 8
                    else body[7 : 7 + body[6]].decode(codec, "replace")
                )
                starts.append((name, struct.unpack_from("<I", body, 0)[0]))
        start = next((at for name, at in starts if name == sheet), None)
        coded: dict[int, CodeFormat] = {}
        for number, ident in enumerate(xf_formats):
            fmt = code_format(formats.get(ident))
            if fmt is not None:
                coded[number] = fmt
        if not coded or start is None:
            return out
        for _, kind, body in biff_records(stream, start):
            if kind in (_NUMBER, _RK, _FORMULA) and len(body) >= 6:
                row, column, xf = struct.unpack_from("<HHH", body, 0)
                if xf in coded:
                    out.cells[(row, column)] = coded[xf]
            elif kind == _MULRK and len(body) >= 6:
                row, first = struct.unpack_from("<HH", body, 0)
                for k in range((len(body) - 6) // 6):
                    xf = struct.unpack_from("<H", body, 4 + 6 * k)[0]
                    if xf in coded:
                        out.cells[(row, first + k)] = coded[xf]
    except (BrokenXlsError, struct.error, IndexError, OSError):
        return None
    return out


def xls_code_cells(path: str | Path, sheet: str) -> Cells | None:
    """The cells of worksheet ``sheet`` formatted as codes (:attr:`XlsSheet.cells` of :func:`scan_xls`).

    Returns
    -------
    dict or None
        (row, column) from 0 to the cell's format; empty when the workbook has no code format; None when its
        formats cannot be read.
    """
    scan = scan_xls(path, sheet)
    return None if scan is None else scan.cells
