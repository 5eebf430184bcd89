"""Korean (cp949) text that is valid UTF-8 too, and reads as accented Latin letters or symbols: found, and named.

cp949 writes a Hangul syllable as two bytes; where the lead byte is 0xC2-0xC8 and the trail byte
0xA1-0xBF (217 of the 2,350 common syllables: ``체`` c3bc, ``카`` c4ab, ``타`` c5b8, ``크`` c5a9, ``째`` c2b0) the
pair is also one UTF-8 character: a Latin-1 Supplement or Latin Extended letter for 185 of them (``ü``, ``ī``,
``Ÿ``, ``ũ``), a symbol for the other 32 (``째`` ``°``, ``쨉`` ``µ``, ``짹`` ``±``, ``첨`` ``÷``). A short Korean remark
made only of such syllables therefore reads as UTF-8 without an error. :mod:`.textfile` keeps such a file UTF-8
(no language is guessed) but warns when

* every non-ASCII character of the UTF-8 reading is one of those 217 (:data:`AMBIGUOUS`; ``é``, ``ü``, ``°`` and
  ``µ`` are, ``à``, ``Ä``, ``ß``, ``×``, ``Ω`` and UTF-8 Hangul are not) and each is a Hangul syllable in cp949, and
* some word reads as Korean rather than Western (:func:`korean_word`): two or more of those characters in a
  row, with a symbol or a Latin Extended letter among them or else outnumbering the word's ASCII letters
  (``체크`` read ``üũ``, ``첫째`` read ``ù°``, ``OCV체크`` read ``OCVüũ``). Western text puts its accented letters
  and symbols one by one among ASCII letters and numbers (``Müller``, ``réglé``, ``créé``, ``ação``, ``°C``,
  ``µA``, ``±0.1``): such a file, whose bytes could be either, gets no warning.

The watch costs one ``bytes.translate`` per non-ASCII block of the scan (an ASCII block one ``isascii``),
and a check of the non-ASCII bytes left (decoded as UTF-8: those 217; as cp949: Hangul), until the first
character that is no such one ends it: in a text of ASCII and two-byte characters UTF-8 and cp949 pair the
bytes alike, so the non-ASCII bytes can be read apart from the rest. Until a Korean word is found, each such
block is searched for two such pairs in a row (one ``bytes.translate`` and ``find``; only the words around a hit are
looked at).
"""

from __future__ import annotations

import re
from pathlib import Path

from ...written import as_written
from .. import schema as s

AMBIGUOUS = "\u00a1-\u00bf\u00e1-\u00ff\u0121-\u013f\u0161-\u017f\u01a1-\u01bf\u01e1-\u01ff\u0221-\u023f"
"""The characters UTF-8 writes as a lead byte 0xC2-0xC8 and a trail byte 0xA1-0xBF (the only two-byte pairs
that are a Hangul syllable in cp949 too)."""
_NOT_AMBIGUOUS = re.compile(f"[^{AMBIGUOUS}]")
_NOT_HANGUL = re.compile("[^\uac00-\ud7a3]")
_ASCII = bytes(range(0x80))
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
_CLASSES = bytes(
    ord("L") if 0xC2 <= byte <= 0xC8 else ord("T") if 0xA1 <= byte <= 0xBF else ord(".")
    for byte in range(256)
)
"""Each byte as a lead (``L``) or trail (``T``) byte of those characters, or neither: ``LTLT`` is two in a row
(a UTF-8 trail byte is never a lead, so the pairs cannot be misaligned)."""
_WORD_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") | frozenset(
    range(0x80, 0x100)
)
_CONTEXT_CARRY = 64
"""Bytes of the block before kept to look at a word cut by the block's start."""
_SHOWN_CHARS = 60
"""Characters of a line a warning shows, at most."""
_CONTEXT_BYTES = 512
"""Bytes read on each side of the first non-ASCII byte to show its line."""


def korean_word(text: bytes) -> int | None:
    """Offset of the first word of ``text`` (UTF-8 bytes) that reads as Korean in cp949, or None.

    A word is a run of ASCII letters and non-ASCII characters; it reads as Korean where it holds two or more
    of :data:`AMBIGUOUS` in a row, and among them a symbol or a Latin Extended letter (which Western words do
    not put next to another accented letter: ``üũ``, ``ù°``), or else they outnumber its ASCII letters
    (Latin-1 letters alone: ``créé`` and ``ação`` are Western, ``éü`` alone is not).
    """
    classes = text.translate(_CLASSES)  # at memory speed; then str.find, not a regex scan of every byte
    at = classes.find(b"LTLT")
    while at >= 0:
        start, end = at, at + 4
        while classes.startswith(b"LT", end):
            end += 2
        at = classes.find(b"LTLT", end)
        run = text[start:end]
        latin1 = run[0::2].count(0xC3) * 2 == len(run) and b"\xc3\xb7" not in run  # Latin-1 letters alone
        if not latin1:
            return start
        while start > 0 and text[start - 1] in _WORD_BYTES:
            start -= 1
        while end < len(text) and text[end] in _WORD_BYTES:
            end += 1
        word = text[start:end]
        wide = sum(1 for byte in word if byte >= 0xC0)
        if wide > len(word.translate(None, bytes(range(0x80, 0x100)))):
            return start
    return None


class LatinWatch:
    """Fed the blocks of a UTF-8 scan: whether its non-ASCII text is all cp949 Hangul and reads as Korean words."""

    def __init__(self) -> None:
        self.suspect = True
        """No character seen yet says UTF-8 (becomes False for good at the first one)."""
        self.korean: int | None = None
        """Offset of the first word that reads as Korean (:func:`korean_word`); None while there is none."""
        self.first: int | None = None
        """Offset of the first non-ASCII byte; None while there is none."""
        self.offset = 0
        self.carry = b""
        self.context = b""

    def feed(self, block: bytes) -> None:
        """Look at the next block of the file (an ASCII one costs one ``isascii``)."""
        if block.isascii():
            self.offset += len(block)
            self.context = block[-_CONTEXT_CARRY:]
            return
        found = _HIGH_BYTE.search(block) if self.suspect or self.first is None else None
        at = found.start() if found else 0
        if self.first is None:
            self.first = self.offset + at
        start = self.offset - len(self.context)
        self.offset += len(block)
        if not self.suspect:
            return
        # the block's first non-ASCII character alone settles most files (Ω, ×, UTF-8 Hangul) at once
        head = block[at : at + 4].decode("utf-8", errors="ignore")[:1] if block[at] >= 0xC0 else ""
        if head and not head.isascii() and _NOT_AMBIGUOUS.match(head) is not None:
            self.suspect = False
            return
        # ASCII bytes out: what stays is the multi-byte characters (none holds an ASCII byte), in pairs
        # when they are all such characters; a lead byte that ends the block waits for its trail
        wide = self.carry + block.translate(None, _ASCII)
        self.carry = wide[-1:] if wide[-1] >= 0xC0 else b""
        wide = wide[: len(wide) - len(self.carry)]
        try:  # the 217 characters in UTF-8, and the same pairs in cp949 Hangul syllables, each
            letters = _NOT_AMBIGUOUS.search(wide.decode("utf-8")) is None
            self.suspect = letters and _NOT_HANGUL.search(wide.decode("cp949")) is None
        except UnicodeDecodeError:
            self.suspect = False
        if self.suspect and self.korean is None:
            word = korean_word(self.context + block)
            self.korean = None if word is None else start + word
        self.context = block[-_CONTEXT_CARRY:]

    def found(self) -> bool:
        """The whole file seen: its non-ASCII characters all such, Hangul in cp949, and some word Korean."""
        return self.suspect and self.korean is not None and self.first is not None and not self.carry


def _excerpt(line: str) -> str:
    """At most :data:`_SHOWN_CHARS` characters of a line, from a little before its first non-ASCII one."""
    first = next((i for i, char in enumerate(line) if not char.isascii()), 0)
    start = max(0, min(first - _SHOWN_CHARS // 3, len(line) - _SHOWN_CHARS))
    end = start + _SHOWN_CHARS
    return ("…" if start else "") + line[start:end] + ("…" if end < len(line) else "")


def korean_as_latin(watch: LatinWatch, path: Path, data: bytes | None = None) -> dict[str, str] | None:
    """The ``text_encoding`` warning for a file ``watch`` has seen whole, or None when it is not suspect.

    The warning shows the line of the first word that reads as Korean, in UTF-8 and in cp949; ``data`` is
    the file's bytes where the caller has them (else the bytes around that line are read from ``path``).
    """
    if not watch.found() or watch.korean is None:
        return None
    first = watch.korean
    start = max(0, first - _CONTEXT_BYTES)
    if data is not None:
        window = data[start : first + _CONTEXT_BYTES]
        number = data.count(b"\n", 0, first) + 1
    else:
        number = 1
        with open(path, "rb") as handle:  # the lines before it, counted block by block (a rare case)
            left = first
            while left > 0 and (block := handle.read(min(left, 1 << 22))):
                number += block.count(b"\n")
                left -= len(block)
            handle.seek(start)
            window = handle.read(2 * _CONTEXT_BYTES)
    at = first - start
    line = window[window.rfind(b"\n", 0, at) + 1 :]
    line = line.split(b"\n", 1)[0].rstrip(b"\r")
    detail = (
        "read as UTF-8, but its only non-ASCII characters are accented Latin letters or symbols that stand "
        f"in words as Korean does, and the same bytes are Korean text in cp949 (Korean Windows): line {number} reads "
        f"{as_written(_excerpt(line.decode('utf-8', errors='replace')), None)} in UTF-8 and "
        f"{as_written(_excerpt(line.decode('cp949', errors='replace')), None)} in cp949; kept as UTF-8"
    )
    return s.warning("text_encoding", detail, path)
