"""A UTF-16 text export read without its mark or refused at a stray byte, and a companion's impossible end time.

:mod:`gwangyang.battery.io.textutf16` refuses a UTF-16 file where a stray byte puts the characters after it out of
place, or where its bytes do not decode (named at the byte and the line); :mod:`~gwangyang.battery.io.registry`
warns that a file without a byte-order mark was read as UTF-16 by its bytes (``text_encoding``);
:mod:`~gwangyang.battery.io.companion_time` warns that a companion's ``Last_End_DateTime`` lies before the test's
start or before the data's last row (``end_time_mismatch``). The file, the bytes, the lines and the times stay as
the reader wrote them; the closing parts after ``"; "`` are :data:`TEXT_TERMS`. :mod:`.i18n` tries these after
:data:`.reader_phrases.READER_PHRASES`.
"""

from __future__ import annotations

import re

from .phrases import N_, phrase

TEXT_TERMS: tuple[str, ...] = (
    # closing parts (after "; ") of the lines below, translated by the catalogue as they are
    N_("the file is damaged there"),
    N_("repair or export it again."),
    N_("its encoding was inferred from its bytes (a zero byte beside each ASCII character, after it)"),
    N_("its encoding was inferred from its bytes (a zero byte beside each ASCII character, before it)"),
    N_("the companion may belong to another test, or a clock was wrong"),
    N_("its end time is not used"),
    # why Python's UTF-16 codec stops (a ``word``: UnicodeDecodeError.reason)
    N_("illegal encoding"),
    N_("illegal UTF-16 surrogate"),
    N_("unexpected end of data"),
    N_("truncated data"),
)
"""Closing parts of the lines below (after ``"; "``), and the codec's reasons; listed for the extractor."""

_N = r"\d+"
_CODEC = r"UTF-16-[LB]E"
_STAMP = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"
_SPAN = r"(?:\d+ d )?\d\d:\d\d:\d\d"

READER_TEXT_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    # gwangyang.battery.io.textutf16: a UTF-16 file's bytes out of place, or not decoding
    phrase(
        N_(
            "%(file)s: does not decode as %(codec)s from byte %(byte)s on (line %(line)s): a stray byte there (a lone "
            "zero byte, or one byte too many) puts every character after it one byte out of place"
        ),
        codec=_CODEC,
        byte=_N,
        line=_N,
    ),
    phrase(
        N_(
            "%(file)s: does not decode as %(codec)s at byte %(byte)s (line %(line)s: truncated data) (an odd number "
            "of bytes: half a character at its end)"
        ),
        codec=_CODEC,
        byte=_N,
        line=_N,
    ),
    phrase(
        N_("%(file)s: does not decode as %(codec)s at byte %(byte)s (line %(line)s: %(word)s)"),
        codec=_CODEC,
        byte=_N,
        line=_N,
    ),
    # gwangyang.battery.io.registry: UTF-16 read without its byte-order mark (text_encoding)
    phrase(N_("read as %(codec)s: the file has no byte-order mark"), codec=_CODEC),
    # gwangyang.battery.io.companion_time: a companion's end before the test's start or the data's last row;
    # the faults (one or both, " and "-joined) are the ``rest``, read again
    phrase(
        N_(
            "%(companion)s gives the test's end (Last_End_DateTime) as %(told)s UTC, %(rest)s: a test cannot end "
            "before it started or before its last row was recorded"
        ),
        told=_STAMP,
    ),
    phrase(
        N_("%(span)s before its start (First_Start_DateTime, %(start)s UTC) and %(rest)s"),
        span=_SPAN,
        start=_STAMP,
    ),
    phrase(N_("%(span)s before its start (First_Start_DateTime, %(start)s UTC)"), span=_SPAN, start=_STAMP),
    phrase(
        N_("%(span)s before %(data)s's last time stamp (%(last)s, UTC%(zone)s)"),
        span=_SPAN,
        last=_STAMP,
        zone=r"[-+]\d+",
    ),
    phrase(N_("%(span)s before %(data)s's last time stamp (%(last)s)"), span=_SPAN, last=_STAMP),
)
"""Patterns of the UTF-16 reader's refusals and warning and of a companion's end time, each with its msgid."""
