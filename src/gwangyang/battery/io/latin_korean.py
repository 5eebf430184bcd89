"""Korean (cp949) text that is valid UTF-8 too, and reads as accented Latin letters: found, and named.

cp949 writes a Hangul syllable as two bytes; where the lead byte is 0xC2-0xC8 and the trail byte
0xA1-0xBF (185 of the 2,350 common syllables: ``체`` c3bc, ``카`` c4ab, ``타`` c5b8, ``크`` c5a9) the pair is
also one UTF-8 character, a Latin-1 Supplement or Latin Extended letter (``ü``, ``ī``, ``Ÿ``, ``ũ``). A
short Korean remark made only of such syllables therefore reads as UTF-8 without an error.
:mod:`.textfile` keeps such a file UTF-8 (no language is guessed) but warns when every non-ASCII
character of the UTF-8 reading is such a letter (:data:`LATIN_LETTERS`; a symbol such as ``°``, ``µ``,
``±``, ``Ω`` or ``×`` says the file is UTF-8) and each of them is a Hangul syllable in cp949.

The watch costs one ``bytes.translate`` per non-ASCII block of the scan (an ASCII block one ``isascii``),
and a check of the non-ASCII bytes left (decoded as UTF-8: Latin letters; as cp949: Hangul), until the
first character that is no such letter ends it: in a text of ASCII and two-byte characters UTF-8 and
cp949 pair the bytes alike, so the non-ASCII bytes can be read apart from the rest.
"""

from __future__ import annotations

import re
from pathlib import Path

from .. import schema as s

LATIN_LETTERS = "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
"""Latin-1 Supplement and Latin Extended-A/B letters (``×`` and ``÷`` left out)."""
_NOT_LATIN_LETTER = re.compile(f"[^{LATIN_LETTERS}]")
_NOT_HANGUL = re.compile("[^\uac00-\ud7a3]")
_ASCII = bytes(range(0x80))
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
_SHOWN_CHARS = 60
"""Characters of a line a warning shows, at most."""
_CONTEXT_BYTES = 512
"""Bytes read on each side of the first non-ASCII byte to show its line."""


class LatinWatch:
    """Fed the blocks of a UTF-8 scan: whether its non-ASCII characters are all Latin letters and cp949 Hangul."""

    def __init__(self) -> None:
        self.suspect = True
        """No character seen yet says UTF-8 (becomes False for good at the first one)."""
        self.first: int | None = None
        """Offset of the first non-ASCII byte; None while there is none."""
        self.offset = 0
        self.carry = b""

    def feed(self, block: bytes) -> None:
        """Look at the next block of the file (an ASCII one costs one ``isascii``)."""
        if block.isascii():
            self.offset += len(block)
            return
        found = _HIGH_BYTE.search(block) if self.suspect or self.first is None else None
        at = found.start() if found else 0
        if self.first is None:
            self.first = self.offset + at
        self.offset += len(block)
        if not self.suspect:
            return
        # the block's first non-ASCII character alone settles most files (°, µ, UTF-8 Hangul) at once
        head = block[at : at + 4].decode("utf-8", errors="ignore")[:1] if block[at] >= 0xC0 else ""
        if head and not head.isascii() and _NOT_LATIN_LETTER.match(head) is not None:
            self.suspect = False
            return
        # ASCII bytes out: what stays is the multi-byte characters (none holds an ASCII byte), in pairs
        # when they are all Latin letters; a lead byte that ends the block waits for its trail
        wide = self.carry + block.translate(None, _ASCII)
        self.carry = wide[-1:] if wide[-1] >= 0xC0 else b""
        wide = wide[: len(wide) - len(self.carry)]
        try:  # Latin letters in UTF-8, and the same pairs in cp949 Hangul syllables, each
            letters = _NOT_LATIN_LETTER.search(wide.decode("utf-8")) is None
            self.suspect = letters and _NOT_HANGUL.search(wide.decode("cp949")) is None
        except UnicodeDecodeError:
            self.suspect = False

    def found(self) -> bool:
        """The whole file seen: non-ASCII characters there are, all Latin letters, all Hangul in cp949."""
        return self.suspect and self.first is not None and not self.carry


def _excerpt(line: str) -> str:
    """At most :data:`_SHOWN_CHARS` characters of a line, from a little before its first non-ASCII one."""
    first = next((i for i, char in enumerate(line) if not char.isascii()), 0)
    start = max(0, min(first - _SHOWN_CHARS // 3, len(line) - _SHOWN_CHARS))
    end = start + _SHOWN_CHARS
    return ("…" if start else "") + line[start:end] + ("…" if end < len(line) else "")


def korean_as_latin(watch: LatinWatch, path: Path, data: bytes | None = None) -> dict[str, str] | None:
    """The ``text_encoding`` warning for a file ``watch`` has seen whole, or None when it is not suspect.

    The warning shows the first line with a non-ASCII byte, read in UTF-8 and in cp949; ``data`` is the
    file's bytes where the caller has them (else the bytes around that line are read from ``path``).
    """
    if not watch.found() or watch.first is None:
        return None
    start = max(0, watch.first - _CONTEXT_BYTES)
    if data is not None:
        window = data[start : watch.first + _CONTEXT_BYTES]
        number = data.count(b"\n", 0, watch.first) + 1
    else:
        number = 1
        with open(path, "rb") as handle:  # the lines before it, counted block by block (a rare case)
            left = watch.first
            while left > 0 and (block := handle.read(min(left, 1 << 22))):
                number += block.count(b"\n")
                left -= len(block)
            handle.seek(start)
            window = handle.read(2 * _CONTEXT_BYTES)
    at = watch.first - start  # everything before it is ASCII: no character is cut at the window's start
    line = window[window.rfind(b"\n", 0, at) + 1 :]
    line = line.split(b"\n", 1)[0].rstrip(b"\r")
    detail = (
        "read as UTF-8, but its only non-ASCII characters are accented Latin letters and the same bytes "
        f"are Korean text in cp949 (Korean Windows): line {number} reads "
        f"{_excerpt(line.decode('utf-8', errors='replace'))!r} in UTF-8 and "
        f"{_excerpt(line.decode('cp949', errors='replace'))!r} in cp949; kept as UTF-8"
    )
    return s.warning("text_encoding", detail, path)
