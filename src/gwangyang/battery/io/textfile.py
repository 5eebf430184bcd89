"""One pass over a cycler text export: the encoding it is read in, held to for every byte, and the float parser.

The readers sniff a file's encoding from its head (:func:`.base.sniff_encoding`), but a file whose
head is plain ASCII may carry cp949 (Korean Windows) text in row 50,000: a step name, an operator's
remark, a date written ``오후 1:00:02``; or a cp1252 (Western Windows) ``µ`` or ``°`` in a late
comment. :func:`scan_text` decides on the whole file:

* the encoding the head gives (UTF-8 after a BOM, or the one a column map declares) must decode
  every byte. A valid file costs one pass in blocks (ASCII blocks at memory speed, others through
  an incremental decoder), on which the huge-exponent check of :func:`.textparse.float_precision`
  is made too, so that no reader reads the file once more for it; the file is not decoded again
  here;
* when it does not and the head gave no evidence for its encoding (plain ASCII, or a latin-1 guess),
  the whole file is decoded by the fallbacks in turn: cp949, taken when it decodes every byte and
  most of its non-ASCII characters are common Korean ones (as in the sniffing of heads), then
  cp1252, taken when it decodes every byte to Western text (no ``ÿ``: a lone byte 0xFF is damage,
  not text). A fallback that reads the whole file is used with a ``text_encoding`` warning naming
  it and the byte offset and line of the first byte the head's encoding did not read;
* otherwise the file is read in the candidate that loses fewest characters (UTF-8 first on a tie),
  and an ``undecodable_text`` warning names the file, the byte offset and line of the first byte
  that does not decode, and how many characters were replaced (U+FFFD, or ``ÿ`` and C1 control
  characters in a Western reading). Nothing is replaced silently.

A file that UTF-8 reads whole may still be Korean: a short cp949 text whose syllables all have a lead
byte 0xC2-0xC8 and a trail byte 0xA1-0xBF (``체`` c3bc, ``카`` c4ab, ``타`` c5b8, ``째`` c2b0) is valid UTF-8 too,
and reads as accented Latin letters or symbols (``ü``, ``ī``, ``Ÿ``, ``°``). Such a file stays UTF-8 (no
language is guessed), but when every non-ASCII character of its UTF-8 reading is one of those 217
(:data:`.latin_korean.AMBIGUOUS`), its cp949 reading is ASCII and Hangul syllables alone, and some word reads
as Korean rather than Western (:func:`.latin_korean.korean_word`: two or more such characters in a row), a
``text_encoding`` warning names the line of that word and both readings. Western UTF-8 text, whose accented
letters and symbols stand one by one among ASCII letters and numbers (``réglé``, ``Müller``, ``25 °C``), gets
none.

A head that is neither UTF-8 nor Korean is latin-1 (the Western vendors' ``°`` and ``µ``). latin-1
reads every byte, but a byte it reads as a C1 control character or ``ÿ`` is no Western text: such a
file goes through the same choice, where cp1252 reads its ``’``, ``€`` and ``–``.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .. import schema as s
from .base import HEAD_BYTES, korean_share, read_head, sniff_encoding
from .latin_korean import LatinWatch, korean_as_latin
from .textnul import refuse_nul
from .textparse import float_precision, huge_exponent

BLOCK_BYTES = 1 << 22
"""How much of a file one step of the scan reads."""

_KOREAN = "cp949"
_WESTERN = "cp1252"
_LATIN1 = "latin-1"
_NOT_TEXT = {_LATIN1: bytes([*range(0x80, 0xA0), 0xFF]), _WESTERN: b"\x81\x8d\x8f\x90\x9d\xff"}
"""Per Western encoding, the bytes that are no text in it: latin-1's C1 control characters, the bytes cp1252
does not define (read as U+FFFD); in both ``\xff`` (``ÿ``), damage rather than text."""
FALLBACKS = (_KOREAN, _WESTERN)
"""What a file is decoded in, in turn, when its head gave no evidence and UTF-8 does not read it."""
_NAMES = {_KOREAN: "Korean Windows", _WESTERN: "Western Windows"}
_SHOWN_BYTES = 8
"""Non-ASCII bytes a ``text_encoding`` warning shows from where the head's encoding stopped reading."""
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
        A ``text_encoding`` warning when the head's encoding did not read the whole file and a fallback
        (cp949, cp1252) read all of it; an ``undecodable_text`` warning when some bytes decode in no
        candidate (they are read as U+FFFD); else empty.
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
        self.watch = LatinWatch() if info.name == "utf-8" and sniffed else None
        """For a sniffed UTF-8 (no BOM): whether it may be Korean read as Latin letters."""
        self.nul: int | None = None
        """Offset of the first NUL byte (ASCII-compatible encodings, where it is no character of text)."""
        self.offset = 0

    def feed(self, block: bytes, final: bool = False) -> None:
        if self.nul is None and (self.ascii_compatible or self.latin1):
            at = block.find(b"\x00")
            self.nul = None if at < 0 else self.offset + at
        self.offset += len(block)
        if self.failed:
            return
        if self.latin1:
            self.failed = self.sniffed and len(block.translate(None, _NOT_TEXT[_LATIN1])) != len(block)
            return
        try:
            if self.ascii_compatible and block.isascii():
                # the first byte settles a character the previous block left open; the rest is ASCII
                self.decoder.decode(block[:1], final)
            else:
                self.decoder.decode(block, final)
        except UnicodeDecodeError:
            self.failed = True
        if self.watch is not None and not self.failed:
            self.watch.feed(block)


def scan_text(
    path: Path, declared: str | None = None, data: bytes | None = None, nul_checked: bool = False
) -> TextFile:
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
    nul_checked
        The caller checks each value itself (a companion file read with the csv module): a NUL byte inside the
        data is left to it. Else such a byte is refused (:class:`~gwangyang.errors.CorruptFileError`, naming
        its line): pandas would end the value at it without a word; a zero-filled tail too, in its own words
        (:func:`.textnul.refuse_nul`; UTF-16 files are checked before they get here, :func:`.textnul.refuse_utf16_nul`).

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
    if check.nul is not None and not nul_checked:
        refuse_nul(path, check.nul, data)
    precision: Literal["round_trip"] | None = "round_trip" if round_trip else None
    if not check.failed:
        note = None if check.watch is None else korean_as_latin(check.watch, path, data)
        if note is not None:
            return TextFile(encoding, precision, [note])
        return TextFile(encoding, precision)
    raw = data if data is not None else path.read_bytes()
    if declared is None and (encoding == _LATIN1 or (encoding == "utf-8" and head.isascii())):
        last = [_LATIN1] if encoding == _LATIN1 else []  # a latin-1 head keeps latin-1 as a candidate
        chosen, warning = _fallback(raw, path, encoding, ["utf-8", *FALLBACKS, *last])
    else:  # a declared encoding, or one the head shows (a BOM, UTF-8 or Korean text): held to
        chosen, warning = _fallback(raw, path, encoding, [encoding])
    return TextFile(chosen, precision, [warning])


@dataclass(frozen=True)
class _Damage:
    """What reading a file in one encoding loses: how many characters, and where the first is."""

    encoding: str
    count: int
    start: int
    end: int
    korean: bool


def _damage(raw: bytes, encoding: str) -> _Damage:
    if encoding in _NOT_TEXT:
        first = _first_bad(raw, encoding) or 0
        count = len(raw) - len(raw.translate(None, _NOT_TEXT[encoding]))
        return _Damage(encoding, count, first, first + 1, False)
    name = codecs.lookup(encoding).name
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        shift = len(codecs.BOM_UTF8) if name == "utf-8-sig" and raw.startswith(codecs.BOM_UTF8) else 0
        text = raw.decode(encoding, errors="replace")
        legit = raw.count(_LEGIT_FFFD) if name in _UTF8_NAMES else 0
        korean = encoding == _KOREAN and korean_share(text.replace("\ufffd", ""))
        return _Damage(encoding, text.count("\ufffd") - legit, exc.start + shift, exc.end + shift, korean)
    return _Damage(encoding, 0, 0, 0, encoding == _KOREAN and korean_share(text))


def _where(raw: bytes, damage: _Damage) -> str:
    line = raw.count(b"\n", 0, damage.start) + 1
    return f"byte {damage.start} (line {line}: {raw[damage.start : damage.end]!r})"


def _first_bad(raw: bytes, encoding: str) -> int | None:
    """Offset of the first byte that is no text in ``encoding`` (see :func:`_damage`); None where there is none."""
    if encoding in _NOT_TEXT:  # one memchr per byte value: faster than a regular expression's scan
        found = [at for at in (raw.find(byte) for byte in _NOT_TEXT[encoding]) if at >= 0]
        return min(found, default=None)
    try:
        raw.decode(encoding)
    except UnicodeDecodeError as exc:
        bom = codecs.lookup(encoding).name == "utf-8-sig" and raw.startswith(codecs.BOM_UTF8)
        return exc.start + (len(codecs.BOM_UTF8) if bom else 0)
    return None


def _reads_all(raw: bytes, encoding: str) -> bool:
    """Whether ``encoding`` reads every byte as text (cp949: as Korean text)."""
    if encoding != _KOREAN:
        return _first_bad(raw, encoding) is None
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        return False
    return korean_share(text)


def _fallback(raw: bytes, path: Path, sniffed: str, candidates: list[str]) -> tuple[str, dict[str, str]]:
    """The encoding of those a file may be in that loses fewest characters, and the warning to give.

    ``sniffed`` (the head's encoding) did not read the whole file. The first other candidate that reads
    every byte (cp949: as Korean text) is taken, with a ``text_encoding`` warning that says where ``sniffed``
    first failed: the whole file is decoded once per candidate tried, and no more. When none does, the one
    that loses fewest characters is (a tie to the first; cp949 only where its reading is Korean, cp1252 not
    at all), with an ``undecodable_text`` warning (how many characters, where the first is).
    """
    for encoding in candidates:
        if encoding != sniffed and _reads_all(raw, encoding):
            start = _first_bad(raw, sniffed) or 0
            end = start
            while end < len(raw) and end - start < _SHOWN_BYTES and raw[end] >= 0x80:
                end += 1
            shown, line = raw[start:end], raw.count(b"\n", 0, start) + 1
            detail = (
                f"read as {encoding} ({_NAMES.get(encoding, encoding)}): the file is not "
                f"{'UTF-8' if sniffed == 'utf-8' else sniffed} text from byte {start} on (line {line}: "
                f"{shown!r}, {shown.decode(encoding, errors='replace')!r} in {encoding}), and {encoding} "
                "decodes all of it"
            )
            return encoding, s.warning("text_encoding", detail, path)
    single = len(candidates) == 1
    found = [_damage(raw, encoding) for encoding in candidates if single or encoding != _WESTERN]
    usable = [d for d in found if single or d.encoding != _KOREAN or d.korean]
    best = min(usable, key=lambda d: d.count)  # the first candidate wins a tie
    others = [encoding for encoding in candidates if encoding != best.encoding]
    tried = best.encoding + (f" (nor {' nor '.join(others)})" if others else "")
    what = {
        _LATIN1: "latin-1 control characters or ÿ",
        _WESTERN: "U+FFFD or ÿ",
    }.get(best.encoding, "U+FFFD")
    detail = (
        f"{best.count} character(s) are not {tried} text and were read as {what}, the first at "
        f"{_where(raw, best)}"
    )
    return best.encoding, s.warning("undecodable_text", detail, path)
