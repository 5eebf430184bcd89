"""A UTF-16 text export read without its mark or refused at a stray byte, a companion's impossible end, a cut file.

:mod:`gwangyang.battery.io.textutf16` refuses a UTF-16 file where a stray byte puts the characters after it out of
place, or where its bytes do not decode (named at the byte and the line); :mod:`~gwangyang.battery.io.registry`
warns that a file without a byte-order mark was read as UTF-16 by its bytes (``text_encoding``), and
:mod:`~gwangyang.battery.io.map_utf16` refuses a column map's ``file.encoding`` that a UTF-16 file contradicts;
:mod:`~gwangyang.battery.io.companion_time` warns that a companion's ``Last_End_DateTime`` lies before the test's
start or before the data's last row (``end_time_mismatch``); :mod:`~gwangyang.battery.io.cut_end` that an Arbin
file's last row lies well before the test's recorded end, and :mod:`~gwangyang.battery.io.novonix` that a Novonix
export's rows disagree with its ``[Summary]``'s ``Started`` or begin well after it (``truncated_file``);
:mod:`~gwangyang.battery.io.maccor_counters` that a thinned Maccor export's running counter had a step's end put back
in its step (``counter_overridden``), or, with no step time, how much may be counted in the step after; and that a
restarting one's steps went on after their last row (``truncated_file``). The file, the bytes, the lines and the times stay as
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
    N_("rows at its end are missing, the file looks cut"),
    N_("rows at its start are missing, the file looks cut"),
    N_("the summary may belong to another test, or the clock was changed"),
    N_("Started is kept as the cell's start"),
    N_("the test's start is not read"),
    N_("they are counted as neither charge nor discharge"),
    # why Python's UTF-16 codec stops (a ``word``: UnicodeDecodeError.reason)
    N_("illegal encoding"),
    N_("illegal UTF-16 surrogate"),
    N_("unexpected end of data"),
    N_("truncated data"),
)
"""Closing parts of the lines below (after ``"; "``), and the codec's reasons; listed for the extractor."""

_N = r"\d+"
_CODEC = r"UTF-16-[LB]E"
_ENCODING = r"'[^']*'"
_STAMP = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"
_SPAN = r"(?:\d+ d )?\d\d:\d\d:\d\d"
_SECONDS = r"\d+(?:\.\d+)?"
_MOMENT = rf"{_STAMP}(?: UTC)?|{_SECONDS} s"
_AMOUNT = r"[\d.]+(?:e[-+]\d+)?"

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
    # gwangyang.battery.io.map_utf16: a column map's file.encoding that a UTF-16 file's mark or bytes contradict
    phrase(
        N_(
            "%(file)s: the column map's file.encoding is %(encoding)s (in %(map)s), but the file starts with a "
            "%(codec)s byte-order mark."
        ),
        encoding=_ENCODING,
        codec=_CODEC,
    ),
    phrase(
        N_(
            "%(file)s: the column map's file.encoding is %(encoding)s (in %(map)s), but the file reads as %(codec)s "
            "by its bytes."
        ),
        encoding=_ENCODING,
        codec=_CODEC,
    ),
    phrase(
        N_(
            "%(file)s: the column map's file.encoding is %(encoding)s (in %(map)s), but the file has no byte-order "
            "mark and does not read as UTF-16 by its bytes (give utf-16-le or utf-16-be if it is UTF-16)."
        ),
        encoding=_ENCODING,
    ),
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
    # gwangyang.battery.io.cut_end: a file's last row well before the test's recorded end (truncated_file)
    phrase(
        N_(
            "%(data)s's last row is at %(last)s, %(source)s gives the test's end as %(end)s: %(gap)s s later, more "
            "than the %(allowed)s s allowed (its longest logging interval, %(interval)s s, and %(clock)s s for the "
            "clocks)"
        ),
        last=_MOMENT,
        end=_MOMENT,
        gap=_SECONDS,
        allowed=_SECONDS,
        interval=_SECONDS,
        clock=_SECONDS,
    ),
    # gwangyang.battery.io.novonix: the [Summary]'s Started against the rows (start_time_mismatch, truncated_file,
    # unknown_format)
    phrase(
        N_(
            "[Summary] gives the test's start (Started) as %(told)s, %(data)s's rows as %(own)s (its first row's date "
            "and time less its run time): %(gap)s s later, more than the %(allowed)s s allowed"
        ),
        told=_STAMP,
        own=_STAMP,
        gap=_SECONDS,
        allowed=_SECONDS,
    ),
    phrase(
        N_(
            "[Summary] gives the test's start (Started) as %(told)s, %(data)s's rows as %(own)s (its first row's date "
            "and time less its run time): %(gap)s s earlier, more than the %(allowed)s s allowed"
        ),
        told=_STAMP,
        own=_STAMP,
        gap=_SECONDS,
        allowed=_SECONDS,
    ),
    phrase(
        N_(
            "%(data)s's first row is at %(first)s (run time %(hours)s h), [Summary] gives the test's start (Started) "
            "as %(told)s: %(gap)s s later, more than the %(allowed)s s allowed (its longest logging interval, "
            "%(interval)s s, and %(clock)s s for the clock)"
        ),
        first=_STAMP,
        hours=_SECONDS,
        told=_STAMP,
        gap=_SECONDS,
        allowed=_SECONDS,
        interval=_SECONDS,
        clock=_SECONDS,
    ),
    phrase(N_("[Summary] 'Started' holds %(value)s, no date this reader knows")),
    # gwangyang.battery.io.maccor_counters (maccor_tails): a running counter in a thinned export
    phrase(
        N_(
            "column %(name)s runs on across steps and %(n)s steps went on after their last row (first at line "
            "%(line)s): %(amount)s in all, written in the next step's first row, is put back in its step's last row"
        ),
        n=_N,
        line=_N,
        amount=_AMOUNT,
    ),
    phrase(
        N_(
            "column %(name)s runs on across steps and the file has no step time: of what it gains at %(n)s step "
            "changes (first at line %(line)s), up to %(amount)s in all may have been passed by the step before, after "
            "its last row, and is counted in the step after"
        ),
        n=_N,
        line=_N,
        amount=_AMOUNT,
    ),
    phrase(
        N_(
            "column %(name)s restarts at each step and %(n)s steps went on after their last row (first at line "
            "%(line)s, up to %(gap)s s): about %(amount)s in all, at each one's last rate, is in no row, and those "
            "steps and their cycles read that much less"
        ),
        n=_N,
        line=_N,
        gap=_N,
        amount=_AMOUNT,
    ),
    # gwangyang.battery.io.maccor_states: a State letter the Maccor reader does not know
    phrase(
        N_(
            "column %(name)s: %(n)s rows have the state %(letter)s, which this reader does not know (first at line "
            "%(line)s)"
        ),
        n=_N,
        letter=r"'[^']*'|\(empty\)",
        line=_N,
    ),
    # gwangyang.battery.io.state_codes: a state code a column map's [state] table does not name
    phrase(
        N_(
            "column %(name)s: %(n)s rows have the state %(letter)s, which the column map does not name (first at "
            "line %(line)s)"
        ),
        n=_N,
        letter=r"'[^']*'|\(empty\)",
        line=_N,
    ),
)
"""Patterns of the UTF-16 reader's refusals and warning and of a companion's end time, each with its msgid."""
