"""A cycler file refused or read with a warning, as the battery pages show it: the readers' and the ingest's lines.

:mod:`gwangyang.battery.io` (the readers, :mod:`~gwangyang.battery.io.textnul`, :mod:`~gwangyang.battery.io.texttail`,
:mod:`~gwangyang.battery.io.textfile`, :mod:`~gwangyang.battery.io.companion_time`,
:mod:`~gwangyang.battery.io.maccor_counters`, :mod:`~gwangyang.battery.io.neware_zh`), :mod:`gwangyang.battery.ingest`,
:mod:`~gwangyang.battery.grouping`, :mod:`~gwangyang.battery.schema`, :mod:`~gwangyang.battery.pairing` and
:mod:`~gwangyang.battery.checks` name the file, the column, the line and the values; the patterns keep them as they
are. A refusal starts with the file (``.+``: a name may hold spaces, colons and Hangul); an ingest's warning is its
``detail`` (the file is a field of its own). Lines that hold ``"; "`` are read part by part, so a closing part that
never changes is a term of :data:`READER_TERMS`. :data:`.reader_vendor_phrases.VENDOR_PHRASES` (the vendor readers' refusals) and
:data:`.reader_neware_phrases.NEWARE_PHRASES` (a Neware workbook's step and cycle sheets) follow them; :mod:`.i18n` tries them
after the upload refusals and the ingest's own lines (:data:`.reader_ingest_phrases.INGEST_PHRASES`).
"""

from __future__ import annotations

import re

from .phrases import N_, phrase
from .reader_neware_phrases import NEWARE_PHRASES
from .reader_vendor_phrases import VENDOR_PHRASES

READER_TERMS: tuple[str, ...] = (
    # closing parts (after "; ") of the lines below, translated by the catalogue as they are
    N_("export it again (or cut the NUL bytes off to read what is there)."),
    N_("repair or export the file again."),
    N_("that possibly partial row was dropped and the file read up to its last whole line"),
    N_("not read"),
    N_("not read on its own"),
    N_("only the first is read"),
    N_("an Arbin CSV reads <stem>_Metadata.csv, a Novonix export <stem>_metadata.csv)"),
    N_("the companion's start is kept as the cell's, the rows keep their own time stamps"),
    N_("the companion's start is kept as the cell's"),
    N_("renumbered"),
    # the encoding's name in a text_encoding warning (a ``word``)
    N_("Korean Windows"),
    N_("Western Windows"),
    # what undecodable bytes were read as in an undecodable_text warning (a ``word``)
    N_("U+FFFD or ÿ"),
    N_("latin-1 control characters or ÿ"),
    N_("rows sorted by time"),
    N_("left empty there"),
    N_("left empty"),
    N_("kept as UTF-8"),
    N_("one of them is expected."),
    N_("which holds the data is a guess, one of them is expected."),
    N_("per-step and cumulative values cannot be told apart safely"),
    N_(
        "read it with a column map (--column-map) that gives capacity_ah and energy_wh the convention per_step "
        "(restarting at each step) or running (running on across steps)."
    ),
    N_('set options.on_invalid = "drop" to skip such rows.'),
)
"""Closing parts of the readers' lines (after ``"; "``); listed for the extractor."""

_N = r"\d+"
_STAMP = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"
_SPAN = r"(?:\d+ d )?\d\d:\d\d:\d\d"
_VENDOR = r"Arbin|Basytec|Neware BTS CSV|Neware record"
_UNREAD = r"U\+FFFD or ÿ|latin-1 control characters or ÿ|U\+FFFD"
"""What an encoding's undecodable bytes were read as (a ``word``: translated as a term)."""

READER_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    # gwangyang.battery.io.textnul: NUL bytes (a zero-filled tail, or one inside the data)
    phrase(
        N_(
            "%(file)s: the file ends in %(n)s bytes of NUL (\\x00) from line %(line)s on, a zero-filled tail: the "
            "copy or the export stopped while it was being written, so rows may be missing"
        ),
        n=_N,
        line=_N,
    ),
    phrase(
        N_(
            "%(file)s: line %(line)s holds a NUL byte (\\x00, byte %(at)s) inside the data: the file is damaged there "
            "(a value would be cut short at it)"
        ),
        line=_N,
        at=_N,
    ),
    phrase(
        N_(
            "%(file)s: line %(line)s holds a NUL byte (\\x00\\x00 in UTF-16, byte %(at)s) inside the data: the file "
            "is damaged there (a value would be cut short at it)"
        ),
        line=_N,
        at=_N,
    ),
    # gwangyang.battery.io.texttail (a truncated_file warning): the last line cut short
    phrase(
        N_(
            "the file looks truncated: it ends inside line %(line)s with no line break after it (that line has "
            "%(found)s of %(expected)s fields)"
        ),
        line=_N,
        found=_N,
        expected=_N,
    ),
    phrase(
        N_(
            "the file looks truncated: it ends inside line %(line)s with no line break after it (its last field "
            "may be cut short)"
        ),
        line=_N,
    ),
    # a companion's last line cut short (arbin_meta, novonix_summary), or holding more rows than one
    phrase(N_("%(file)s ends with no line break: its last field (%(field)s) may be cut short")),
    phrase(
        N_("%(file)s ends with no line break: the last field (%(field)s) of its last row may be cut short")
    ),
    phrase(N_("%(file)s: %(n)s rows"), n=_N),
    # gwangyang.battery.io.companion_time: a companion's start against the data file's own time stamps
    phrase(
        N_(
            "%(companion)s gives the test's start as %(told)s UTC, %(data)s's time stamps as %(own)s (its first dated "
            "row less its test time): %(data_again)s is %(span)s behind, a whole %(h)s h: its clock is in another "
            "time zone (UTC%(zone)s if the companion's is UTC)"
        ),
        told=_STAMP,
        own=_STAMP,
        span=_SPAN,
        h=_N,
        zone=r"[-+]\d+",
    ),
    phrase(
        N_(
            "%(companion)s gives the test's start as %(told)s UTC, %(data)s's time stamps as %(own)s (its first dated "
            "row less its test time): %(data_again)s is %(span)s ahead, a whole %(h)s h: its clock is in another "
            "time zone (UTC%(zone)s if the companion's is UTC)"
        ),
        told=_STAMP,
        own=_STAMP,
        span=_SPAN,
        h=_N,
        zone=r"[-+]\d+",
    ),
    phrase(
        N_(
            "%(companion)s gives the test's start as %(told)s UTC, %(data)s's time stamps as %(own)s (its first dated "
            "row less its test time): %(data_again)s is %(span)s behind (another day), more than %(m)s minutes and no "
            "whole number of hours: the companion may belong to another test, or a clock was wrong"
        ),
        told=_STAMP,
        own=_STAMP,
        span=_SPAN,
        m=_N,
    ),
    phrase(
        N_(
            "%(companion)s gives the test's start as %(told)s UTC, %(data)s's time stamps as %(own)s (its first dated "
            "row less its test time): %(data_again)s is %(span)s ahead (another day), more than %(m)s minutes and no "
            "whole number of hours: the companion may belong to another test, or a clock was wrong"
        ),
        told=_STAMP,
        own=_STAMP,
        span=_SPAN,
        m=_N,
    ),
    phrase(
        N_(
            "%(companion)s gives the test's start as %(told)s UTC, %(data)s's time stamps as %(own)s (its first dated "
            "row less its test time): %(data_again)s is %(span)s behind, more than %(m)s minutes and no whole number "
            "of hours: the companion may belong to another test, or a clock was wrong"
        ),
        told=_STAMP,
        own=_STAMP,
        span=_SPAN,
        m=_N,
    ),
    phrase(
        N_(
            "%(companion)s gives the test's start as %(told)s UTC, %(data)s's time stamps as %(own)s (its first dated "
            "row less its test time): %(data_again)s is %(span)s ahead, more than %(m)s minutes and no whole number "
            "of hours: the companion may belong to another test, or a clock was wrong"
        ),
        told=_STAMP,
        own=_STAMP,
        span=_SPAN,
        m=_N,
    ),
    # gwangyang.battery.io.textfile / latin_korean: the text's encoding (text_encoding, undecodable_text)
    phrase(
        N_(
            "read as %(enc)s (%(word)s): the file is not %(head)s text from byte %(byte)s on (line %(line)s: "
            "%(shown)s, %(decoded)s in %(enc_again)s), and %(enc_third)s decodes all of it"
        ),
        enc=r"[\w-]+",
        word=r"Korean Windows|Western Windows",
        head=r"[\w-]+",
        byte=_N,
        line=_N,
        enc_again=r"[\w-]+",
        enc_third=r"[\w-]+",
    ),
    phrase(
        N_(
            "%(n)s character(s) are not %(enc)s (nor %(other)s nor %(third)s) text and were read as %(word)s, the "
            "first at byte %(byte)s (line %(line)s: %(shown)s)"
        ),
        n=_N,
        enc=r"[\w-]+",
        other=r"[\w-]+",
        third=r"[\w-]+",
        word=_UNREAD,
        byte=_N,
        line=_N,
    ),
    phrase(
        N_(
            "%(n)s character(s) are not %(enc)s (nor %(other)s) text and were read as %(word)s, the first at byte "
            "%(byte)s (line %(line)s: %(shown)s)"
        ),
        n=_N,
        enc=r"[\w-]+",
        other=r"[\w-]+",
        word=_UNREAD,
        byte=_N,
        line=_N,
    ),
    phrase(
        N_(
            "%(n)s character(s) are not %(enc)s text and were read as %(word)s, the first at byte %(byte)s (line "
            "%(line)s: %(shown)s)"
        ),
        n=_N,
        enc=r"[\w-]+",
        word=_UNREAD,
        byte=_N,
        line=_N,
    ),
    phrase(
        N_(
            "read as UTF-8, but its only non-ASCII characters are accented Latin letters or symbols that stand in "
            "words as Korean does, and the same bytes are Korean text in cp949 (Korean Windows): line %(line)s "
            "reads %(utf8)s in UTF-8 and %(cp949)s in cp949"
        ),
        line=_N,
    ),
    # gwangyang.battery.schema: columns left out, rows left out, time going back, a test appended to another
    phrase(
        N_(
            "%(n)s of %(m)s row(s) left out: their test time, cycle, current or voltage is not a number (the first "
            "is data row %(row)s as the reader read the file)"
        ),
        n=_N,
        m=_N,
        row=_N,
    ),
    phrase(
        N_("test time goes back %(n)s time(s), first from %(a)s s to %(b)s s (row %(row)s)"),
        n=_N,
        a=r"\S+",
        b=r"\S+",
        row=_N,
    ),
    phrase(
        N_("test time starts again at data row %(row)s (%(n)s time(s)): a test appended to another"),
        row=_N,
        n=_N,
    ),
    phrase(
        N_("its rows follow the previous test's, its cycles numbered on from %(cycle)s"),
        cycle=r"\S+",
    ),
    phrase(N_("%(file)s: missing required column(s) %(columns)s.")),
    phrase(N_("%(file)s: no valid rows (time, cycle, current and voltage must be finite numbers).")),
    # dates a reader could not read (arbin_csv, arbin_xlsx, neware_bts, generic)
    phrase(
        N_(
            "column %(name)s (%(canonical)s): %(n)s of %(m)s values are no date this reader knows, e.g. %(eg)s"
        ),
        canonical=r"\w+",
        n=_N,
        m=_N,
    ),
    # gwangyang.battery.pairing: the cycler's cycle counter against the signal
    phrase(N_("cycler cycle counter goes back from %(a)s to %(b)s"), a=r"\S+", b=r"\S+"),
    phrase(N_("... and %(n)s more counter resets"), n=_N),
    # gwangyang.battery.checks: cycles flagged by the ingest's checks
    phrase(
        N_("%(n)s cycle(s) move over %(f)sx the nominal %(ah)s Ah: %(cycles)s"), n=_N, f=r"[\d.]+", ah=r"\S+"
    ),
    phrase(
        N_("%(n)s cycle(s) move over %(f)sx the median of their neighbours: %(cycles)s"), n=_N, f=r"[\d.]+"
    ),
    phrase(
        N_(
            "%(n)s cycle(s) logged too thinly to integrate their capacity (a charge or discharge step of under "
            "%(rows)s rows"
        ),
        n=_N,
        rows=_N,
    ),
    phrase(N_("not complete, left out of health, life and fleet figures): %(cycles)s")),
    # the readers' refusals: a column's unit, a missing column, a header naming one column twice
    phrase(
        N_(
            "%(file)s: %(vendor)s column %(name)s: unit %(unit)s not known to this reader (expected one of %(units)s)."
        ),
        vendor=_VENDOR,
    ),
    phrase(N_("%(file)s: not a complete Arbin export: missing column(s) %(columns)s.")),
    phrase(N_("%(file)s: BDF file lacks the required column(s) %(columns)s.")),
    phrase(
        N_(
            "%(file)s: column %(name)s (%(canonical)s) is missing or not a finite number in data row %(row)s (line %(line)s)"
        ),
        canonical=r"\w+",
        row=_N,
        line=_N,
    ),
    phrase(N_("%(file)s: no row has finite time, cycle, current and voltage.")),
    phrase(
        N_("%(file)s: Neware header line %(line)s: %(a)s and %(b)s both stand for the column %(name)s"),
        line=_N,
    ),
    phrase(N_("%(file)s: Maccor export has both %(a)s and %(b)s for %(canonical)s"), canonical=r"\w+"),
    # gwangyang.battery.io.maccor_counters: a capacity counter per step or running on
    phrase(
        N_(
            "%(file)s: column %(name)s: the counter restarts at some %(what)s changes (line %(a)s) and runs on at "
            "others (line %(b)s)"
        ),
        what=r"step|cycle",
        a=_N,
        b=_N,
    ),
    phrase(
        N_(
            "%(file)s: column %(name)s: too little passes before each %(what)s change (first at line %(line)s) to "
            "tell whether the counter restarts or runs on"
        ),
        what=r"step|cycle",
        line=_N,
    ),
    phrase(
        N_(
            "column %(name)s: too little passes before each %(what)s change (first at line %(line)s) to tell whether "
            "it restarts or runs on"
        ),
        what=r"step|cycle",
        line=_N,
    ),
    phrase(N_("read as restarting, the other reading differs by %(d)s in all"), d=r"\S+"),
    # gwangyang.battery.io.registry: a reader that failed on a file it took for its own
    phrase(N_("%(file)s: not a readable %(reader)s file (%(why)s)."), reader=r"\w+"),
    *VENDOR_PHRASES,
    *NEWARE_PHRASES,
)
"""Patterns of the cycler readers' refusals and warnings, each with the msgid that translates it."""
