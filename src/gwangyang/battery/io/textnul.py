r"""NUL in a text export: refused naming its line, a zero-filled tail in its own words.

pandas ends a value at a NUL byte without a word (``3.3388161659240723`` with a NUL after ``3.3`` reads 3.3), so a
text export holding one is refused. The same rule holds for every text encoding a file is read in:

* ASCII-compatible encodings (UTF-8, cp949, Western): a ``\x00`` byte, found as the encoding is checked block by
  block (:func:`.textfile.scan_text`), refused by :func:`refuse_nul`;
* UTF-16 (Excel's "Unicode text", with its byte-order mark, or without one: :mod:`.textutf16`): a zero code unit (``\x00\x00`` at a character's
  place), found by :func:`utf16_nul` before the file is decoded, refused by :func:`refuse_utf16_nul` with the byte
  offset in the file itself.

A NUL inside the data is damage at that line. A zero-filled tail (NUL and blanks alone to the end of the file) is
what a copy or an export stopped while being written leaves (the space was allocated, the rows never came), so the
rows before it may be incomplete too. The verdict reads the file in blocks of :data:`BLOCK_BYTES` and stops at the
first block after the NUL that holds anything but padding: a NUL at the head of a large file costs one block more,
never the whole file in memory.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ...errors import CorruptFileError

BLOCK_BYTES = 1 << 20
"""How much of a file one step of the verdict reads."""

NUL_PADDING = b"\x00 \t\r\n\x1a"
"""What follows a text file's first NUL byte when its tail is zero-filled rather than damaged inside."""

_UTF16 = {codecs.BOM_UTF16_LE: "utf-16-le", codecs.BOM_UTF16_BE: "utf-16-be"}


def _tail_message(path: Path, size: int, line: int) -> str:
    return (
        f"{path}: the file ends in {size} bytes of NUL (\\x00) from line {line} on, a zero-filled tail: the copy or "
        "the export stopped while it was being written, so rows may be missing; export it again (or cut the NUL "
        "bytes off to read what is there)."
    )


def _damage_message(path: Path, line: int, what: str) -> str:
    return (
        f"{path}: line {line} holds a NUL byte ({what}) inside the data: the file is damaged there (a value would "
        "be cut short at it); repair or export the file again."
    )


def _blocks(handle: BinaryIO, size: int | None = None) -> Iterator[bytes]:
    """The file from where ``handle`` stands, in blocks: ``size`` bytes at most (None: to the end)."""
    left = size
    while left is None or left > 0:
        block = handle.read(BLOCK_BYTES if left is None else min(left, BLOCK_BYTES))
        if not block:
            return
        if left is not None:
            left -= len(block)
        yield block


def padding_size(blocks: Iterator[bytes]) -> int | None:
    """How many bytes ``blocks`` hold when all are padding (:data:`NUL_PADDING`); None at the first that is not."""
    size = 0
    for block in blocks:
        if block.translate(None, NUL_PADDING):
            return None
        size += len(block)
    return size


def refuse_nul(path: Path, at: int, data: bytes | None = None) -> None:
    """Refuse a text export (ASCII-compatible encoding) whose first NUL byte is at offset ``at``.

    Parameters
    ----------
    path
        The file (named in the message).
    at
        Offset of its first NUL byte.
    data
        The file's bytes when the caller holds them; None: the file is read in blocks, the part after the NUL only
        as far as its first block that is not padding.

    Raises
    ------
    CorruptFileError
        Always: a zero-filled tail, or a NUL inside the data at its line.
    """
    if data is not None:
        view = memoryview(data)
        line = data.count(b"\n", 0, at) + 1
        tail = padding_size(bytes(view[i : i + BLOCK_BYTES]) for i in range(at, len(data), BLOCK_BYTES))
    else:
        with open(path, "rb") as handle:
            line = sum(block.count(b"\n") for block in _blocks(handle, at)) + 1
            tail = padding_size(_blocks(handle))
    if tail is not None:
        raise CorruptFileError(_tail_message(path, tail, line))
    raise CorruptFileError(_damage_message(path, line, f"\\x00, byte {at}"))


def utf16_codec(head: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` for a head starting with that byte-order mark, else None."""
    return _UTF16.get(head[:2])


def utf16_nul(raw: bytes, start: int = 2) -> int | None:
    """Offset of the first zero code unit of a UTF-16 text from ``start``, or of an odd last zero byte.

    ``start`` is 2 after a byte-order mark, 0 without one.
    A pair of zero bytes across two characters (``A`` and ``Ā``, ``41 00 00 01`` in little-endian) is no NUL: only
    pairs at a code unit's place (even offsets) count.
    """
    while (at := raw.find(b"\x00\x00", start)) >= 0:
        if at % 2 == 0:
            return at
        start = at + 1
    if len(raw) % 2 and raw[-1:] == b"\x00":
        return len(raw) - 1
    return None


def _utf16_padding(block: bytes, codec: str) -> bool:
    """Whether a block of UTF-16 code units (an even offset, an odd last zero byte allowed) is all padding."""
    if len(block) % 2:
        if block[-1:] != b"\x00":
            return False
        block = block[:-1]
    low, high = (block[0::2], block[1::2]) if codec == "utf-16-le" else (block[1::2], block[0::2])
    return not high.strip(b"\x00") and not low.translate(None, NUL_PADDING)


def refuse_utf16_nul(path: Path, raw: bytes, codec: str | None = None, start: int = 2) -> None:
    """Refuse a UTF-16 text export holding a zero code unit, as :func:`refuse_nul` refuses a NUL byte.

    The line is counted in the decoded text before the NUL; the offsets are the file's own (two bytes a character).
    Nothing is raised when ``raw`` (the whole file) holds no NUL.

    Parameters
    ----------
    path
        The file (named in the message).
    raw
        Its bytes.
    codec
        ``utf-16-le`` or ``utf-16-be`` for a file without a byte-order mark (its text from ``start``); None: the
        file's mark gives it, and its text starts after it.
    start
        Where the text starts when ``codec`` is given.

    Raises
    ------
    CorruptFileError
        A zero-filled tail, or a NUL inside the data at its line.
    """
    if codec is None:
        codec, start = utf16_codec(raw), 2
    at = None if codec is None else utf16_nul(raw, start)
    if codec is None or at is None:
        return
    line = codecs.decode(raw[start:at], codec, errors="replace").count("\n") + 1
    step = BLOCK_BYTES  # even: each block starts at a code unit's place
    tail = 0
    for offset in range(at, len(raw), step):
        block = raw[offset : offset + step]
        if not _utf16_padding(block, codec):
            raise CorruptFileError(_damage_message(path, line, f"\\x00\\x00 in UTF-16, byte {at}"))
        tail += len(block)
    raise CorruptFileError(_tail_message(path, tail, line))


def nul_free_heads(head: bytes) -> list[bytes]:
    """What a text export's head may have been before NUL damaged it.

    The bytes before the first NUL, those after its first NUL run, and the head with every NUL taken out (blank
    ones left out).
    """
    first = head.find(b"\x00")
    if first < 0:
        return []
    end = first
    while end < len(head) and head[end] == 0:
        end += 1
    found = [head[:first], head[end:], head.replace(b"\x00", b"")]
    return [h for i, h in enumerate(found) if h.strip() and h not in found[:i]]
