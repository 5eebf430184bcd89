"""One pass over a cycler text export: the encoding it is read in, held to for every byte, and the float parser.

The readers sniff a file's encoding from its head (:func:`.base.sniff_encoding`), but a file whose
head is plain ASCII may carry cp949 (Korean Windows) text in row 50,000: a step name, an operator's
remark, a date written ``오후 1:00:02``. :func:`scan_text` makes the decision hold for the whole file:

* the encoding the head gives (UTF-8 after a BOM, or the one a column map declares) must decode
  every byte. A valid file costs one pass in blocks (ASCII blocks at memory speed, others through
  an incremental decoder), on which the huge-exponent check of :func:`.textparse.float_precision`
  is made too, so that no reader reads the file once more for it;
* when it does not and the head was plain ASCII (no evidence for any encoding), cp949 is tried on
  the whole file, and taken when it decodes every byte and most of its non-ASCII characters are
  common Korean ones, as in the sniffing of heads;
* otherwise the file is read with U+FFFD for what does not decode (in the head's encoding, or in
  cp949 where that replaces fewer characters and keeps Korean text), and an ``undecodable_text``
  warning names the file, the byte offset and line of the first byte that does not decode, and
  how many characters were replaced. Nothing is replaced silently.

A head that is neither UTF-8 nor Korean is latin-1 (the Western vendors' ``°`` and ``µ``). latin-1
reads every byte, but a byte it reads as a C1 control character or ``ÿ`` is no Western text: such a
file goes through the same choice (UTF-8, cp949, latin-1: the one that loses fewest characters) and
is warned about. A stray byte in an ASCII file thus becomes one U+FFFD and a warning, not a silent ``ÿ``.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .. import schema as s
from .base import HEAD_BYTES, korean_share, read_head, sniff_encoding
from .textparse import float_precision, huge_exponent

BLOCK_BYTES = 1 << 22
"""How much of a file one step of the scan reads."""

_KOREAN = "cp949"
_LATIN1 = "latin-1"
_NOT_LATIN1_TEXT = re.compile(rb"[\x80-\x9f\xff]")
"""Bytes latin-1 reads as C1 control characters or ``ÿ``: not Western text."""
_UTF8_NAMES = frozenset({"utf-8", "utf-8-sig"})
_LEGIT_FFFD = "\ufffd".encode()


@dataclass(frozen=True)
class TextFile:
    """What a reader needs to read a text export with pandas.

    Attributes
    ----------
    encoding
        The codec for the whole file.
    float_precision
        pandas' ``float_precision`` for it (``"round_trip"`` where a number has a four-digit exponent).
    warnings
        An ``undecodable_text`` warning when some bytes do not decode in ``encoding`` (they are
        read as U+FFFD), else empty.
    """

    encoding: str
    float_precision: Literal["round_trip"] | None
    warnings: list[dict[str, str]] = field(default_factory=list)


class _Check:
    """Strict decoding of a file block by block; ``failed`` once a byte does not decode.

    A sniffed latin-1 fails on a byte that is no character of Western text in it (a C1 control
    character, or ``ÿ``): latin-1 decodes every byte, but such a byte is damage or another encoding.
    """

    def __init__(self, encoding: str, sniffed: bool = True) -> None:
        info = codecs.lookup(encoding)
        self.decoder = info.incrementaldecoder("strict")
        self.latin1 = info.name == "iso8859-1"
        self.sniffed = sniffed
        try:
            self.ascii_compatible = b"\tAz09,;\n".decode(encoding) == "\tAz09,;\n"
        except UnicodeDecodeError:
            self.ascii_compatible = False
        self.failed = False

    def feed(self, block: bytes, final: bool = False) -> None:
        if self.failed:
            return
        if self.latin1:
            self.failed = self.sniffed and _NOT_LATIN1_TEXT.search(block) is not None
            return
        try:
            if self.ascii_compatible and block.isascii():
                # the first byte settles a character the previous block left open; the rest is ASCII
                self.decoder.decode(block[:1], final)
            else:
                self.decoder.decode(block, final)
        except UnicodeDecodeError:
            self.failed = True


def scan_text(path: Path, declared: str | None = None, data: bytes | None = None) -> TextFile:
    """The encoding a text export is read in, checked on every byte, and its float parser.

    Parameters
    ----------
    path
        The file (named in the warning).
    declared
        An encoding the caller was told (a column map's ``file.encoding``); None: sniffed from the
        head, UTF-8 after a BOM.
    data
        The file's bytes, when the caller has read them already (the file is then not read).

    Returns
    -------
    TextFile
        See the module docstring for how the encoding is chosen.
    """
    head = data[:HEAD_BYTES] if data is not None else read_head(path)
    encoding = declared or sniff_encoding(head)
    check = _Check(encoding, sniffed=declared is None)
    round_trip = False
    if data is not None:
        for start in range(0, len(data), BLOCK_BYTES):
            check.feed(data[start : start + BLOCK_BYTES])
        round_trip = float_precision(data) is not None
    else:
        tail = b""
        with open(path, "rb") as handle:
            while block := handle.read(BLOCK_BYTES):
                check.feed(block)
                round_trip = round_trip or huge_exponent(tail + block[:8]) or huge_exponent(block)
                tail = block[-8:]
    check.feed(b"", final=True)
    precision: Literal["round_trip"] | None = "round_trip" if round_trip else None
    if not check.failed:
        return TextFile(encoding, precision)
    raw = data if data is not None else path.read_bytes()
    candidates = [encoding]
    if declared is None and (encoding == _LATIN1 or (encoding == "utf-8" and head.isascii())):
        candidates = ["utf-8", _KOREAN, _LATIN1] if encoding == _LATIN1 else ["utf-8", _KOREAN]
    chosen, warning = _fallback(raw, path, candidates)
    return TextFile(chosen, precision, [] if warning is None else [warning])


@dataclass(frozen=True)
class _Damage:
    """What reading a file in one encoding loses: how many characters, and where the first is."""

    encoding: str
    count: int
    start: int
    end: int
    korean: bool


def _damage(raw: bytes, encoding: str) -> _Damage:
    if encoding == _LATIN1:
        found = [m.start() for m in _NOT_LATIN1_TEXT.finditer(raw)]
        first = found[0] if found else 0
        return _Damage(encoding, len(found), first, first + 1, False)
    text = raw.decode(encoding, errors="replace")
    name = codecs.lookup(encoding).name
    legit = raw.count(_LEGIT_FFFD) if name in _UTF8_NAMES else 0
    korean = encoding == _KOREAN and korean_share(text.replace("\ufffd", ""))
    try:
        raw.decode(encoding)
    except UnicodeDecodeError as exc:
        shift = len(codecs.BOM_UTF8) if name == "utf-8-sig" and raw.startswith(codecs.BOM_UTF8) else 0
        return _Damage(encoding, text.count("\ufffd") - legit, exc.start + shift, exc.end + shift, korean)
    return _Damage(encoding, 0, 0, 0, korean)


def _fallback(raw: bytes, path: Path, candidates: list[str]) -> tuple[str, dict[str, str] | None]:
    """The encoding of those a file may be in that loses fewest characters, and the warning to give.

    cp949 is a candidate only where its reading is Korean text; a tie goes to the first candidate.
    """
    found = [_damage(raw, encoding) for encoding in candidates]
    usable = [d for d in found if d.encoding != _KOREAN or d.korean]
    best = min(usable, key=lambda d: d.count)  # the first candidate wins a tie
    if best.count == 0:
        return best.encoding, None
    others = [d.encoding for d in found if d is not best]
    tried = best.encoding + (f" (nor {' nor '.join(others)})" if others else "")
    line = raw.count(b"\n", 0, best.start) + 1
    what = "latin-1 control characters or ÿ" if best.encoding == _LATIN1 else "U+FFFD"
    detail = (
        f"{best.count} character(s) are not {tried} text and were read as {what}, the first at byte "
        f"{best.start} (line {line}: {raw[best.start : best.end]!r})"
    )
    return best.encoding, s.warning("undecodable_text", detail, path)
