r"""Where a text export ends inside a record: the last line, when no line break follows it, may be cut.

A cycler writes each record with its line break; a copy stopped early (a full disk, a transfer cut off, a
file taken while the test still runs) ends inside a record. When that record has lost fields, the field count
shows it; when it is cut inside its last field (``3.1`` of ``3.1234``, ``2024-05-0`` of a date) or right after
a separator, nothing in the record does. The only sign is the missing line break, so :func:`cut_tail` treats
the last line of any text file that does not end with one as possibly cut: the readers read the file up to its
last whole line and a ``truncated_file`` warning names the line that was dropped.

Some exports end without a line break though whole (a few BioLogic, Basytec and Maccor samples do). Their last
line is kept when its fields are all there and its last field has the written form that field has in the
three lines or more right above it (:func:`shape`: ``22.2591`` and ``0.0000000E+000`` keep their digits after the point
or in the exponent, a date its two-digit day), since a value cut short loses that form (``22.259``,
``0.0000000E+00``, ``2024-05-0``). Where the lines above write that field in several forms (``7``, ``12``,
``0.5``) nothing shows whether the last one is whole, and it is dropped with the warning.

A last line of blanks alone (spaces, tabs, a DOS end-of-file ``\x1a``) holds no record and is passed over; a
file without any line break (its header alone, cut) is left to the reader, which refuses it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .base import looks_binary, read_head

TAIL_BYTES = 65536
"""How much of a file's end is read at a time when looking for its last line break."""
_SEPARATORS = (b"\t", b";", b",")
_BLANK = b" \t\x1a\x00"
FORM_LINES = 20
"""Lines above the last read to compare its last field's form with theirs (the three right above must agree)."""
_DIGITS = re.compile(rb"\d+")


@dataclass(frozen=True)
class Tail:
    """A text file's unterminated last line.

    Attributes
    ----------
    keep
        Bytes to keep: the file up to and with its last line break.
    line
        The 1-based number of the dropped line.
    found, expected
        Its fields and those of the line above (one separator that splits the two lines above alike), when
        it has fewer; else both None.
    """

    keep: int
    line: int
    found: int | None = None
    expected: int | None = None

    def detail(self) -> str:
        """The ``truncated_file`` warning's text."""
        if self.found is not None:
            what = f"that line has {self.found} of {self.expected} fields"
        else:
            what = "its last field may be cut short"
        return (
            f"the file looks truncated: it ends inside line {self.line} with no line break after it ({what}); "
            "that possibly partial row was dropped and the file read up to its last whole line"
        )


def cut_tail(path: Path) -> Tail | None:
    r"""The last line of a text file that does not end with a line break, else None.

    Binary files (:func:`.base.looks_binary` on the head or the tail), files that end with a line break
    (``\n`` or ``\r``), a blank last line and files without any line break give None.
    """
    size = path.stat().st_size
    if size == 0 or looks_binary(read_head(path, 4096)):
        return None
    with open(path, "rb") as handle:
        start = max(0, size - TAIL_BYTES)
        handle.seek(start)
        tail = handle.read()
        if looks_binary(tail[-4096:]) or tail.endswith((b"\n", b"\r")):
            return None
        end = _last_break(tail)
        while end < 0 and start > 0:  # a last line longer than the tail read
            start = max(0, start - TAIL_BYTES)
            handle.seek(start)
            block = handle.read(TAIL_BYTES)
            end = _last_break(block)
            tail = block + tail
        if end < 0:
            return None
        last = tail[end + 1 :]
        if not last.strip(_BLANK):
            return None
        fields = _fields(last, tail[: end + 1].splitlines()[-FORM_LINES:])
        if fields is None:
            return None
        keep = start + end + 1  # the line is counted (a read of the file) only for a line that is dropped
        return Tail(keep, _count_breaks(handle, keep, tail[end : end + 1]) + 1, *fields)


def _fields(last: bytes, lines: list[bytes]) -> tuple[int, int] | tuple[None, None] | None:
    """The unterminated ``last`` line's fields and its neighbours' when it has fewer; None when it is whole.

    Whole: all its fields are there and its last has the form of the lines right above (:func:`_same_form`).
    ``(None, None)``: it may be cut (no separator splits the two lines above alike, or its last field's form
    differs).
    """
    for sep in _SEPARATORS:
        if len(lines) < 2:
            break
        expected = lines[-1].count(sep) + 1
        if expected > 2 and lines[-2].count(sep) + 1 == expected:
            found = last.count(sep) + 1
            if found < expected:
                return found, expected
            if found == expected and _same_form(last, lines, sep, expected):
                return None
            break
    return None, None


def shape(field: bytes) -> bytes:
    """A field's written form: each run of digits as ``#`` but the last, which keeps its length (``#.<4>``).

    ``22.2591`` → ``#.<4>``, ``0.0000000E+000`` → ``#.#E+<3>``, ``3:56:24 PM`` → ``#:#:<2> PM``; a value cut
    inside its last digits or its tail changes it.
    """
    field = field.strip()
    runs = list(_DIGITS.finditer(field))
    if not runs:
        return field
    final = runs[-1]
    return _DIGITS.sub(b"#", field[: final.start()]) + b"<%d>" % len(final.group()) + field[final.end() :]


def _same_form(last: bytes, lines: list[bytes], sep: bytes, fields: int) -> bool:
    """Whether ``last``'s last field has the form that field has in the three lines or more right above it."""
    form, agreeing = shape(last.split(sep)[-1]), 0
    for row in reversed(lines):
        if row.count(sep) + 1 != fields or shape(row.split(sep)[-1]) != form:
            break
        agreeing += 1
    return agreeing >= 3


def _last_break(block: bytes) -> int:
    return max(block.rfind(b"\n"), block.rfind(b"\r"))


def _count_breaks(handle: BinaryIO, end: int, kind: bytes) -> int:
    r"""Line breaks in the file's first ``end`` bytes (``\r`` alone where the file ends its lines so)."""
    handle.seek(0)
    newline = b"\n" if kind == b"\n" or b"\n" in handle.read(min(end, 1 << 20)) else b"\r"
    handle.seek(0)
    count, remaining = 0, end
    while remaining > 0:
        block = handle.read(min(remaining, 1 << 22))
        if not block:
            break
        count += block.count(newline)
        remaining -= len(block)
    return count
