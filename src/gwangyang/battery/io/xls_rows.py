"""The rows each sheet of a BIFF8 ``.xls`` workbook says it has (its ``DIMENSIONS`` record).

calamine reads a damaged ``.xls`` sheet up to the damage and gives back the rows before it without a word:
the sheet's size comes from the cells read. Each sheet's own ``DIMENSIONS`` record (BIFF8 record 0x0200,
written before its cells) says how many rows it holds, which :func:`declared_rows` reads from the compound
file's ``Workbook`` stream (header, FAT, directory: MS-CFB; ``BOUNDSHEET8`` records give each sheet's offset:
MS-XLS). Anything this reading does not understand gives no answer (an empty dict), never an error.
"""

from __future__ import annotations

import struct
from pathlib import Path

_END = 0xFFFFFFFE
"""The FAT's end-of-chain mark; larger values (free, FAT, DIFAT sectors) end a chain too."""


def _stream(data: bytes, name: str) -> bytes | None:
    """A stream of a compound file by its name (regular sectors only), or None."""
    shift = struct.unpack_from("<H", data, 0x1E)[0]
    if shift not in (9, 12):
        return None
    size = 1 << shift
    sectors = (len(data) - 512) // size + 1

    def sector(n: int) -> bytes:
        return data[(n + 1) * size : (n + 2) * size]

    count, first_dir = struct.unpack_from("<II", data, 0x2C)
    difat = list(struct.unpack_from("<109I", data, 0x4C))
    next_difat, difat_count = struct.unpack_from("<II", data, 0x44)
    for _ in range(min(difat_count, sectors)):
        if next_difat >= _END:
            break
        block = sector(next_difat)
        entries = struct.unpack_from(f"<{size // 4}I", block) if len(block) == size else ()
        difat += list(entries[:-1])
        next_difat = entries[-1] if entries else _END
    fat: list[int] = []
    for n in difat[:count]:
        block = sector(n)
        if len(block) == size:
            fat += struct.unpack_from(f"<{size // 4}I", block)

    def chain(start: int) -> bytes:
        out, n, seen = [], start, 0
        while n < _END and n < len(fat) and seen <= sectors:
            out.append(sector(n))
            n, seen = fat[n], seen + 1
        return b"".join(out)

    directory = chain(first_dir)
    for at in range(0, len(directory) - 127, 128):
        length = struct.unpack_from("<H", directory, at + 0x40)[0]
        entry = directory[at : at + max(0, min(length, 64) - 2)].decode("utf-16-le", "replace")
        if entry == name and directory[at + 0x42] == 2:
            start, stream_size = struct.unpack_from("<II", directory, at + 0x74)
            if stream_size < 4096:  # in the mini stream: a workbook too small to matter
                return None
            return chain(start)[:stream_size]
    return None


def _records(stream: bytes, at: int) -> list[tuple[int, int]]:
    """The (type, offset of data) of BIFF records from ``at`` to the next EOF record."""
    out = []
    while at + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, at)
        out.append((kind, at + 4))
        if kind == 0x000A:  # EOF
            break
        at += 4 + length
    return out


def declared_rows(path: Path) -> dict[str, int]:
    """Each sheet's row count by its ``DIMENSIONS`` record (last used row + 1), by sheet name.

    An empty dict where the file is not such a workbook or this reading does not follow it.
    """
    try:
        data = path.read_bytes()
        stream = _stream(data, "Workbook")
        if stream is None:
            return {}
        sheets = {}
        for kind, at in _records(stream, 0):
            if kind == 0x0085:  # BOUNDSHEET8: stream offset of the sheet's BOF, state, type, name
                offset = struct.unpack_from("<I", stream, at)[0]
                count, high = stream[at + 6], stream[at + 7] & 1
                raw = stream[at + 8 : at + 8 + count * (2 if high else 1)]
                sheets[raw.decode("utf-16-le" if high else "latin-1")] = offset
        out = {}
        for name, offset in sheets.items():
            for kind, at in _records(stream, offset):
                if kind == 0x0200:  # DIMENSIONS: first row, last row + 1 (u32 each), first and last column
                    out[name] = struct.unpack_from("<I", stream, at + 4)[0]
                    break
        return out
    except (struct.error, IndexError, ValueError, OSError, UnicodeDecodeError):
        return {}
