"""A BIFF5 workbook (Excel 5.0/95, a ``Book`` stream) written record by record, for the readers' tests.

No Python library at hand writes BIFF5 (xlwt writes BIFF8), so the compound file and the records are written
here from the specifications: [MS-CFB] (a version-3 compound file: 512-byte sectors, one FAT sector, the stream
in the FAT since it is kept over the 4,096-byte mini-stream cutoff, one directory sector) and the OpenOffice.org
"Excel File Format" document (BIFF5: BOF 0x0809 version 0x0500, CODEPAGE 0x0042, FORMAT 0x041E with a one-byte
length and the code page's bytes, XF 0x00E0 of 16 bytes, BOUNDSHEET 0x0085, LABEL 0x0204, NUMBER 0x0203,
RK 0x027E, MULRK 0x00BD, BOOLERR 0x0205, FORMULA 0x0006 with its cached result and STRING 0x0207 after a text one).
"""

from __future__ import annotations

import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

_END, _FREE, _FAT_SECTOR, _NONE = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


@dataclass(frozen=True)
class Cached:
    """A formula cell: only its cached result (a number, a text or a bool) is written, as readers take it."""

    value: object


def _formula(r: int, c: int, xf: int, value: object, codec: str) -> bytes:
    """FORMULA (the expression ``=0``, tInt 0) with ``value`` as its result; a text result in a STRING after it."""
    if isinstance(value, bool):
        result = bytes([1, 0, int(value), 0, 0, 0, 0xFF, 0xFF])
    elif isinstance(value, str):
        result = bytes([0, 0, 0, 0, 0, 0, 0xFF, 0xFF])
    else:
        result = struct.pack("<d", float(value))  # type: ignore[arg-type]
    body = struct.pack("<HHH", r, c, xf) + result + struct.pack("<HI", 0, 0) + struct.pack("<HBH", 3, 0x1E, 0)
    out = _record(0x0006, body)
    if isinstance(value, str):
        out += _record(
            0x0207, struct.pack("<H", len(value)) + value.encode(codec)
        )  # characters, as xlrd reads it
    return out


def _record(kind: int, body: bytes) -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def _bof(kind: int) -> bytes:
    return _record(0x0809, struct.pack("<HHHH", 0x0500, kind, 0x0DBB, 0x07CC))


def _string(text: str, codepage: str) -> bytes:
    data = text.encode(codepage)
    return bytes([len(data)]) + data


def book_stream(
    sheets: Mapping[str, Sequence[Sequence[object]]],
    formats: Mapping[str, Sequence[str | None]],
    codepage: int = 949,
    rk: bool = False,
    mulrk: bool = False,
    codec: str | None = None,
    date1904: bool = False,
) -> bytes:
    """The ``Book`` stream: the cells of each sheet, row 0 General, below it column c formatted ``formats[c]``.

    Numbers are NUMBER records (or RK records of whole numbers with ``rk``; with ``mulrk`` too, a row's runs of
    them one MULRK record), texts LABEL records, bools BOOLERR, :class:`Cached` a FORMULA. ``codec``: Python's
    codec of ``codepage`` (default ``cp<codepage>``); ``date1904``: a DATEMODE record (0x0022) of 1, serials
    counted from 1904-01-01 (Excel for Mac's dates), else none (1900).
    """
    codec = codec or f"cp{codepage}"
    codes = sorted({f for fs in formats.values() for f in fs if f is not None})
    ids = {code: 164 + i for i, code in enumerate(codes)}
    globals_ = _bof(0x0005) + _record(0x0042, struct.pack("<H", codepage))
    if date1904:
        globals_ += _record(0x0022, struct.pack("<H", 1))
    globals_ += _record(
        0x0031, struct.pack("<HHHHHBBBB", 200, 0, 0x7FFF, 400, 0, 0, 0, 0, 0) + _string("Arial", codec)
    )
    globals_ += b"".join(_record(0x041E, struct.pack("<H", ids[c]) + _string(c, codec)) for c in codes)
    xf_style = struct.pack("<HHHHII", 0, 0, 0xFFF5, 0x20, 0, 0)
    globals_ += _record(0x00E0, xf_style) * 15  # the 15 style XFs every workbook holds
    globals_ += _record(0x00E0, struct.pack("<HHHHII", 0, 0, 0x0001, 0x20, 0, 0))  # XF 15: General
    xf_of: dict[str | None, int] = {None: 15}
    for i, code in enumerate(codes):
        globals_ += _record(0x00E0, struct.pack("<HHHHII", 0, ids[code], 0x0001, 0x20, 0, 0))
        xf_of[code] = 16 + i
    bodies = []
    for name, rows in sheets.items():
        body = _bof(0x0010)
        width = max(len(r) for r in rows)
        body += _record(0x0200, struct.pack("<HHHHH", 0, len(rows), 0, width, 0))
        columns = formats.get(name, [])
        for r, row in enumerate(rows):
            run: list[tuple[int, int, int]] = []  # (column, xf, RK) of whole numbers side by side
            for c, value in enumerate([*row, None]):
                xf = xf_of[columns[c] if r and c < len(columns) else None]
                whole = isinstance(value, int | float) and not isinstance(value, bool)
                if mulrk and whole and float(value).is_integer() and abs(value) < 2**29:  # type: ignore[arg-type]
                    run.append((c, xf, (int(value) << 2) | 2))  # type: ignore[call-overload]
                    continue
                if run:
                    parts = b"".join(struct.pack("<Hi", x, k) for _, x, k in run)
                    body += _record(
                        0x00BD, struct.pack("<HH", r, run[0][0]) + parts + struct.pack("<H", run[-1][0])
                    )
                    run = []
                if value is None:
                    continue
                if isinstance(value, Cached):
                    body += _formula(r, c, xf, value.value, codec)
                elif isinstance(value, bool):
                    body += _record(0x0205, struct.pack("<HHHBB", r, c, xf, int(value), 0))
                elif isinstance(value, str):
                    data = value.encode(codec)
                    body += _record(0x0204, struct.pack("<HHHH", r, c, xf, len(data)) + data)
                elif not isinstance(value, int | float):
                    raise TypeError(f"cell {r},{c}: text or a number, got {type(value).__name__}")
                elif rk and float(value).is_integer() and abs(value) < 2**29:
                    body += _record(0x027E, struct.pack("<HHHi", r, c, xf, (int(value) << 2) | 2))
                else:
                    body += _record(0x0203, struct.pack("<HHHd", r, c, xf, float(value)))
        bodies.append(body + _record(0x000A, b""))
    sheet_records = [(name, _string(name, codec)) for name in sheets]
    size = len(globals_) + sum(4 + 6 + len(s) for _, s in sheet_records) + 4
    out, at = [], size
    for (_, name_bytes), body in zip(sheet_records, bodies, strict=True):
        out.append(_record(0x0085, struct.pack("<IBB", at, 0, 0) + name_bytes))
        at += len(body)
    return globals_ + b"".join(out) + _record(0x000A, b"") + b"".join(bodies)


def compound_file(stream: bytes, name: str = "Book") -> bytes:
    """A version-3 compound file holding one stream, in the FAT: a stream under the 4,096-byte mini-stream cutoff
    is stored padded with zeros to 4,096 bytes (after the last EOF record, where no reader looks). The FAT takes as
    many sectors as the stream needs (128 entries each, listed in the header's 109: streams up to about 6.8 MB)."""
    data = stream + b"\x00" * (max(4096, -(-len(stream) // 512) * 512) - len(stream))
    size = max(len(stream), 4096)
    n = len(data) // 512
    f = 1
    while f + n + 1 > 128 * f:
        f += 1
    if f > 109:
        raise ValueError("the header lists 109 FAT sectors: keep the stream under 6.8 MB")
    fat = [_FAT_SECTOR] * f + [f + k + 1 for k in range(n - 1)] + [_END, _END]
    fat += [_FREE] * (128 * f - len(fat))
    header = bytearray(512)
    header[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 0x2C, f, f + n, 0, 4096, _END, 0, _END, 0, 0)
    struct.pack_into("<109I", header, 0x4C, *range(f), *([_FREE] * (109 - f)))
    # the first counts at 0x2C: FAT sectors f, first directory sector f + n (the header's 0x28 is 0 for v3)

    def entry(label: str, kind: int, child: int, start: int, length: int) -> bytes:
        raw = label.encode("utf-16-le") + b"\x00\x00" if label else b""
        item = bytearray(128)
        item[: len(raw)] = raw
        struct.pack_into("<HBBIII", item, 64, len(raw), kind, 1, _NONE, _NONE, child)
        struct.pack_into("<III", item, 116, start, length, 0)
        return bytes(item)

    directory = entry("Root Entry", 5, 1, _END, 0) + entry(name, 2, _NONE, f, size)
    directory += entry("", 0, _NONE, 0, 0) * 2
    return bytes(header) + struct.pack(f"<{128 * f}I", *fat) + data + directory


def biff5_xls(
    path: Path,
    sheets: Mapping[str, Sequence[Sequence[object]]],
    formats: Mapping[str, Sequence[str | None]],
    codepage: int = 949,
    rk: bool = False,
    mulrk: bool = False,
    codec: str | None = None,
    date1904: bool = False,
) -> Path:
    """Write the BIFF5 workbook of :func:`book_stream` to ``path``."""
    path.write_bytes(compound_file(book_stream(sheets, formats, codepage, rk, mulrk, codec, date1904)))
    return path
