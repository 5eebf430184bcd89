"""UTF-16 text exports: their encoding (with or without a byte-order mark) and where their decoding breaks.

Excel's "Unicode text" writes UTF-16 with a byte-order mark; some Windows tools write UTF-16-LE (or BE) without
one. A head without the mark is taken as UTF-16 text (:func:`bare_utf16`) when, read in one byte order:

* at least :data:`ASCII_SHARE` of its first :data:`SAMPLE_BYTES` bytes' code units are ASCII text (a printable
  character, a tab or a line break: one zero byte beside one non-zero byte, in that order), at least 8, more than
  its zero code units, and one of them is a line break;
* the others are characters of text too (Hangul, Chinese, accented Latin...): no unpaired surrogate, no control
  character, nothing unassigned or private (:meth:`str.isprintable`); a zero code unit (NUL damage) is allowed
  and left to :func:`.textnul.refuse_utf16_nul`;
* it starts as text in that byte order (read in the other one, its ASCII characters have their zero byte first);
  where a stray byte shifts the characters inside the head (:func:`refuse_shift`), those after it count as read
  one byte further on, so that the file is refused naming that byte rather than taken for binary.

Binary files fail it: their zero bytes come with control characters, surrogates or unassigned code points, and
seldom at every other place. The file is then read as a UTF-16 file with its mark is, with a ``text_encoding``
warning that its encoding was inferred.

A stray byte inside UTF-16 text (a lone zero byte, an odd length) shifts every character after it by one byte:
ASCII text then reads as other characters whose low byte is zero (``"1,"`` as ``"㄀Ⰰ"``), which the decoder takes
without a word, or it fails at the end. :func:`refuse_shift` finds where the shift starts (:data:`SHIFT_RUN`
such characters in a row) and refuses the file naming that byte and its line; :func:`decode_utf16` names any
other decoding error at its byte and line too.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...errors import CorruptFileError

SAMPLE_BYTES = 4096
"""How much of a head the byte-order rule looks at."""

ASCII_SHARE = 0.2
"""The least share of a head's code units that are ASCII text for the head to be taken as UTF-16 without a mark."""

SHIFT_RUN = 8
"""How many characters in a row read one byte out of place (ASCII text with its zero byte first) mark a shift."""

BLOCK_UNITS = 1 << 20
"""How many code units one step of the search for a shift looks at."""

_BOMS = {codecs.BOM_UTF16_LE: "utf-16-le", codecs.BOM_UTF16_BE: "utf-16-be"}
_ASCII_TEXT = np.zeros(0x10000, dtype=bool)
_ASCII_TEXT[[9, 10, 13, *range(0x20, 0x7F)]] = True
_SHIFTED = np.zeros(0x10000, dtype=bool)
_SHIFTED[[code << 8 for code in (9, 10, 13, *range(0x20, 0x7F))]] = True


@dataclass(frozen=True)
class Utf16:
    """How a UTF-16 file is read.

    Attributes
    ----------
    codec
        ``utf-16-le`` or ``utf-16-be``.
    start
        Where its text starts: 2 after a byte-order mark, else 0.
    """

    codec: str
    start: int

    @property
    def inferred(self) -> bool:
        """Whether the byte order was inferred from the bytes (no byte-order mark)."""
        return self.start == 0


def _units(raw: bytes, codec: str) -> np.ndarray:
    """The code units of ``raw`` (an even number of bytes) in ``codec``'s byte order."""
    return np.frombuffer(raw, dtype="<u2" if codec == "utf-16-le" else ">u2")


def _first_run(shifted: np.ndarray) -> int | None:
    """Index of the first :data:`SHIFT_RUN` true values in a row (all, where fewer are given); None if none."""
    run = min(SHIFT_RUN, len(shifted))
    at = np.flatnonzero(shifted)  # few in a file that is whole: the cost follows them
    if run == 0 or len(at) < run:
        return None
    hits = np.flatnonzero(at[run - 1 :] - at[: len(at) - run + 1] == run - 1)
    return int(at[hits[0]]) if len(hits) else None


def _text_like(sample: bytes, codec: str) -> int:
    """How many ASCII code units ``sample`` holds read in ``codec`` when it reads as text (see the module); else 0.

    Where a stray byte shifts the characters inside the sample, those after it count read one byte further on (the
    file is then refused naming the byte, :func:`refuse_shift`): the text must start in ``codec``'s order.
    """
    units = _units(sample, codec)
    shifted = _SHIFTED[units]
    first = _first_run(shifted)
    if first is None:
        first = len(units)
    if first < 8:
        return 0
    aligned, rest = units[:first], units[first:]
    own = int(_ASCII_TEXT[aligned].sum())
    if own < max(8, ASCII_SHARE * len(aligned)) or int((aligned == 0).sum()) >= own:
        return 0  # the text's start: ASCII text in this order, more of it than NUL (a binary's zero blocks)
    ascii_count = own + int(_SHIFTED[rest].sum())
    breaks = int(np.isin(aligned, (10, 13)).sum()) + int(np.isin(rest, (0x0A00, 0x0D00)).sum())
    if ascii_count < ASCII_SHARE * len(units) or not breaks:
        return 0
    text_part = sample[: 2 * first]
    if 0xD800 <= int(aligned[-1]) < 0xDC00:  # a surrogate pair cut by the sample's end
        text_part = text_part[:-2]
    try:
        text = text_part.decode(codec)
    except UnicodeDecodeError:
        return 0
    others = text.translate({0: None, 9: None, 10: None, 13: None})
    return ascii_count if others.isprintable() else 0


def bare_utf16(head: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` for a head of UTF-16 text without a byte-order mark, else None.

    See the module docstring for the rule. Korean or Chinese text passes as well as ASCII where a fifth of the
    head's characters are ASCII (digits, separators and line breaks: the rows of a cycler export).
    """
    sample = head[:SAMPLE_BYTES]
    sample = sample[: len(sample) - len(sample) % 2]
    if len(sample) < 16:
        return None
    scores = {codec: _text_like(sample, codec) for codec in ("utf-16-le", "utf-16-be")}
    best = max(scores, key=lambda codec: scores[codec])
    if scores[best] == 0 or scores["utf-16-le"] == scores["utf-16-be"]:
        return None
    return best


def utf16_encoding(head: bytes) -> Utf16 | None:
    """The UTF-16 encoding of a head: by its byte-order mark, else by :func:`bare_utf16`; None for other heads."""
    if (codec := _BOMS.get(head[:2])) is not None:
        return Utf16(codec, 2)
    if (codec := bare_utf16(head)) is not None:
        return Utf16(codec, 0)
    return None


def utf16_text_head(head: bytes, found: Utf16) -> bytes:
    """A UTF-16 head (after its mark) as UTF-8, for a reader's ``can_load`` (a zero code unit: NUL)."""
    cut = head[found.start : len(head) - (len(head) - found.start) % 2]
    return codecs.decode(cut, found.codec, errors="replace").encode("utf-8")


def shift_start(raw: bytes, found: Utf16) -> int | None:
    """Offset of the first character read one byte out of place after a stray byte; None where there is none.

    The shift shows as :data:`SHIFT_RUN` code units in a row that are ASCII text with its two bytes swapped (or,
    where fewer are left, all those to the end of a file of an odd length); zero code units right before them are
    part of it (a stray zero byte before a big-endian ASCII character's zero byte), and so is one whose high byte is
    an ASCII character and low byte not zero (another stray byte before a little-endian ASCII character).
    """
    body = raw[found.start :]
    odd = len(body) % 2
    units = _units(body[: len(body) - odd], found.codec)
    first = None
    for low in range(0, len(units) - SHIFT_RUN + 1, BLOCK_UNITS):  # blocks overlapping by a run less one
        hit = _first_run(_SHIFTED[units[low : low + BLOCK_UNITS + SHIFT_RUN - 1]])
        if hit is not None:
            first = low + hit
            break
    if first is None:
        tail = _SHIFTED[units[-SHIFT_RUN:]]
        if not (odd and len(tail) >= 2 and tail[-2:].all()):
            return None
        first = len(units) - (len(tail) if tail.all() else len(tail) - int(np.flatnonzero(~tail)[-1]) - 1)
    if first > 0 and units[first - 1] and _ASCII_TEXT[units[first - 1] >> 8] and units[first - 1] & 0xFF:
        first -= 1  # a stray byte that is not zero, read with the next ASCII character's byte (little-endian)
    while first > 0 and units[first - 1] == 0:
        first -= 1
    return found.start + 2 * first


def _line(raw: bytes, found: Utf16, at: int) -> int:
    """The line of byte ``at`` of a UTF-16 file (counted in its text before it)."""
    cut = raw[found.start : at - (at - found.start) % 2]
    return codecs.decode(cut, found.codec, errors="replace").count("\n") + 1


def refuse_shift(path: Path, raw: bytes, found: Utf16) -> None:
    """Refuse a UTF-16 file in which a stray byte puts the characters after it out of place (:func:`shift_start`).

    Raises
    ------
    CorruptFileError
        Named at the byte where the characters start being read across two, and its line; one line.
    """
    at = shift_start(raw, found)
    if at is not None:
        raise CorruptFileError(
            f"{path}: does not decode as {found.codec.upper()} from byte {at} on (line {_line(raw, found, at)}): a "
            "stray byte there (a lone zero byte, or one byte too many) puts every character after it one byte out "
            "of place; the file is damaged there; repair or export it again."
        )


def decode_utf16(path: Path, raw: bytes, found: Utf16) -> str:
    """The text of a UTF-16 file after its mark; checked first by :func:`refuse_shift` and for NUL.

    Raises
    ------
    CorruptFileError
        The bytes do not decode: named at the first that does not, and its line; one line.
    """
    try:
        return raw[found.start :].decode(found.codec)
    except UnicodeDecodeError as exc:
        bad = found.start + exc.start
        odd = (
            " (an odd number of bytes: half a character at its end)" if exc.reason == "truncated data" else ""
        )
        raise CorruptFileError(
            f"{path}: does not decode as {found.codec.upper()} at byte {bad} (line {_line(raw, found, bad)}: "
            f"{exc.reason}){odd}; the file is damaged there; repair or export it again."
        ) from None
