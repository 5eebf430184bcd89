"""The loader contract every cycler reader follows, and small helpers they share."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path
from typing import Protocol, runtime_checkable

from ..schema import CyclerData

HEAD_BYTES = 65536
"""How much of a file ``can_load`` gets to look at."""


@runtime_checkable
class Reader(Protocol):
    """A cycler file reader: a cheap content check and a full read.

    Attributes
    ----------
    name
        Vendor / format name, stored as the cell's ``vendor``.
    """

    name: str

    def can_load(self, path: Path, head: bytes) -> bool:
        """Tell from the first bytes of a file (and its name only as a tie-break) whether this reader applies."""
        ...

    def read(self, path: Path) -> CyclerData:
        """Read the file into the canonical schema; raise ``CorruptFileError`` with a one-line message if it can't."""
        ...


def read_head(path: Path, size: int = HEAD_BYTES) -> bytes:
    """Return the first ``size`` bytes of a file."""
    with open(path, "rb") as handle:
        return handle.read(size)


def head_text(head: bytes) -> str:
    """Decode a file head as text, tolerating any encoding (latin-1 never fails)."""
    encoding = sniff_encoding(head)
    return head.decode(encoding, errors="replace")


_ASCII_RUNS = re.compile(r"[\x00-\x7f]+")


def korean_share(text: str) -> bool:
    """True when most non-ASCII characters of a cp949 reading are in KS X 1001 (EUC-KR), as Korean text's are.

    Each distinct character counts once (the ASCII runs are cut out first, at regex speed).
    """
    common = rare = 0
    for char in set(_ASCII_RUNS.sub("", text)):
        try:
            # two bytes: a KS X 1001 character (a rare syllable comes out as an 8-byte composition)
            common += len(char.encode("euc-kr")) == 2
        except UnicodeEncodeError:
            rare += 1
        else:
            rare += len(char.encode("euc-kr")) != 2
    return common > 0 and common >= rare


def _decode_cut(head: bytes, encoding: str) -> str | None:
    """The head decoded strictly, less a character cut at its very end; None when it does not decode."""
    try:
        return head.decode(encoding)
    except UnicodeDecodeError as exc:
        if exc.end < len(head) or exc.start < len(head) - 3:
            return None
        start = exc.start
    try:
        return head[:start].decode(encoding)
    except UnicodeDecodeError:
        return None


def sniff_encoding(head: bytes) -> str:
    """The text encoding of a file head: ``utf-8-sig`` (BOM), ``utf-8``, ``cp949`` or ``latin-1``.

    Korean Windows machines write text exports in cp949 (a superset of EUC-KR). A head that is
    not UTF-8 is read as cp949 when it decodes so and most of its non-ASCII characters are
    common Korean ones (KS X 1001: Hangul syllables, ``℃``, ``µ``); a latin-1 ``°C`` also decodes
    as cp949, but to a rare syllable, and stays latin-1, which never fails (the Western vendors'
    ``°`` and ``µ``). A head cut inside a multi-byte character is trimmed before the checks.
    """
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    for encoding in ("utf-8", "cp949"):
        text = _decode_cut(head, encoding)
        if text is not None and (encoding == "utf-8" or korean_share(text)):
            return encoding
    return "latin-1"


def file_encoding(path: Path) -> str:
    """:func:`sniff_encoding` of a file's first :data:`HEAD_BYTES` bytes."""
    return sniff_encoding(read_head(path))


def looks_binary(head: bytes) -> bool:
    """True when a head has NUL bytes or mostly non-printable bytes."""
    if not head:
        return False
    if b"\x00" in head[:4096]:
        return True
    sample = head[:4096]
    printable = sum(32 <= b < 127 or b in (9, 10, 13) or b >= 128 for b in sample)
    return printable / len(sample) < 0.9


def file_hash(path: Path) -> str:
    """Content hash of a file (BLAKE2b, 128 bits, hex)."""
    digest = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


_ILLEGAL = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
"""Characters a common file system (Windows, macOS, Linux) cannot hold in a name."""

_DOTS = re.compile(r"\.{2,}")
"""Two dots or more in a row."""

MAX_ID_BYTES = 200
"""Longest cell id in UTF-8 bytes (file systems allow 255 per name)."""


def safe_cell_id(text: str) -> str:
    """Make a cell id from a name: Unicode kept (NFC), only what a file system cannot hold replaced.

    Korean, Chinese or accented names stay as they are (``배터리 1`` stays ``배터리 1``); characters
    no file system allows in a name (slashes, ``: * ? " < > |`` and control characters) and runs of two
    dots or more (``a..b``, which a path check reads as a parent folder) become ``_``; leading and
    trailing dots, spaces and underscores go; the id is cut at :data:`MAX_ID_BYTES` UTF-8 bytes on a
    character boundary. Every id made here is one that
    :func:`gwangyang.battery.service.check_cell_id` accepts, so the API and the pages can address it.
    """
    cleaned = _DOTS.sub("_", _ILLEGAL.sub("_", unicodedata.normalize("NFC", text))).strip(" ._-")
    encoded = cleaned.encode("utf-8")[:MAX_ID_BYTES]
    cleaned = encoded.decode("utf-8", errors="ignore").rstrip(" ._-")
    return cleaned or "cell"
