"""A column map's ``file.encoding`` held against a UTF-16 file: which UTF-16 the file is read as, or a refusal.

A UTF-16 file is decoded once, to a UTF-8 copy that the column map then reads (:func:`.registry.read_cycler`); the
map's ``file.encoding`` says how the file was written, so it must agree with what the file itself says:

* ``utf-16`` (any spelling Python's codecs know: ``UTF16``, ``utf_16``): the byte-order mark gives the byte order;
  without one, the file's bytes (:func:`.textutf16.bare_utf16`, with a ``text_encoding`` warning that it was
  inferred); a file that has no mark and does not read as UTF-16 by its bytes is refused.
* ``utf-16-le`` / ``utf-16-be``: that byte order, a mark of the same order skipped; a mark of the other order, or
  bytes that read as the other order, are refused.
* no ``file.encoding`` (the default, ``utf-8``) or ``auto``: a UTF-16 file is read as it is without a map (its
  mark, else its bytes).
* any other encoding written in the map, ``utf-8`` included (``cp949``, ``latin-1``...), on a file that is UTF-16
  by its mark or its bytes: refused. A map that says ``utf-8`` means it; only a map silent on the encoding leaves
  the file to say.

Every refusal is one line naming the file, the map file, its ``file.encoding`` and the mark (or byte order) found.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from ...errors import InputError
from ...written import as_written
from .textutf16 import Utf16

UTF16_CODECS = ("utf-16", "utf-16-le", "utf-16-be")
"""Python's names of the UTF-16 codecs (:func:`codecs.lookup`)."""

_READ_AS_IS = ("auto",)
"""Encodings written in a column map under which a UTF-16 file is read as a file without a map is (and no
``file.encoding`` at all: :attr:`.column_map.ColumnMap.encoding_given`)."""


def codec_name(encoding: str) -> str:
    """Python's name of ``encoding`` (``UTF16`` -> ``utf-16``); ``auto`` and unknown names as they are."""
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return encoding


def map_utf16(
    path: Path, found: Utf16 | None, encoding: str, given: bool = True, origin: str = "column map"
) -> tuple[Utf16 | None, bool]:
    """How a file read with a column map whose ``file.encoding`` is ``encoding`` is read as UTF-16 (see the module).

    Parameters
    ----------
    path
        The file (named in a refusal).
    found
        What the file's head says (:func:`.textutf16.utf16_encoding`): its mark's byte order, or the one its bytes
        read in (``start`` 0), or None.
    encoding
        The column map's ``file.encoding`` as written.
    given
        Whether the map wrote ``file.encoding`` (False: the default, under which a UTF-16 file reads as UTF-16).
    origin
        The map file (named in a refusal).

    Returns
    -------
    tuple
        How the file is read as UTF-16 (None: it is not UTF-16 text), and whether its byte order was inferred from
        its bytes (a ``text_encoding`` warning says so).

    Raises
    ------
    InputError
        The map's encoding and the file disagree; one line naming the file, the map file, the map's encoding and
        the file's.
    """
    name = codec_name(encoding)
    if name not in UTF16_CODECS:
        if found is None or not given or name in _READ_AS_IS:
            return found, found is not None and found.inferred
        raise _disagree(path, encoding, origin, found)
    if found is not None and not found.inferred:  # a byte-order mark
        if name in ("utf-16", found.codec):
            return found, False
        raise _disagree(path, encoding, origin, found)
    if name == "utf-16":
        if found is None:
            raise InputError(
                f"{path}: the column map's file.encoding is {as_written(encoding)} (in {origin}), but the file has "
                "no byte-order mark and does not read as UTF-16 by its bytes (give utf-16-le or utf-16-be if it is "
                "UTF-16)."
            )
        return found, True
    if found is not None and found.codec != name:
        raise _disagree(path, encoding, origin, found)
    return Utf16(name, 0), False


def _disagree(path: Path, encoding: str, origin: str, found: Utf16) -> InputError:
    """The refusal of a map's encoding that the file's mark or bytes contradict."""
    codec, written = found.codec.upper(), as_written(encoding)
    said = f"{path}: the column map's file.encoding is {written} (in {origin})"
    if found.inferred:
        return InputError(f"{said}, but the file reads as {codec} by its bytes.")
    return InputError(f"{said}, but the file starts with a {codec} byte-order mark.")
