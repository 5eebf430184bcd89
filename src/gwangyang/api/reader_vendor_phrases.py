"""A cycler file refused by its vendor's reader or by the text scanner, as the battery pages show it.

The refusals of :mod:`gwangyang.battery.io`'s vendor readers (Arbin CSV, metadata, ``.res`` and workbooks,
BioLogic ``.mpr`` and text exports, Maccor, Neware ``.nda``/``.ndax``, BTS CSV, record tables and workbooks,
Novonix summaries, Basytec), of the text scanner (:mod:`~gwangyang.battery.io.textparse`,
:mod:`~gwangyang.battery.io.textrows`, :mod:`~gwangyang.battery.io.textrecords`) and of the column-mapped reader
(:mod:`~gwangyang.battery.io.generic`, :mod:`~gwangyang.battery.io.mapped_values`), and the registry's (:mod:`~gwangyang.battery.io.registry`). Each names the
file first (``.+``: spaces, colons and Hangul); columns, lines and values stay as the reader wrote them.
:data:`.reader_phrases.READER_PHRASES` tries them after the readers' common lines.
"""

from __future__ import annotations

import re

from .phrases import N_, phrase
from .reader_neware_text_phrases import NEWARE_TEXT_PHRASES

VENDOR_TERMS: tuple[str, ...] = (
    # closing parts (after "; ") of the lines below, translated by the catalogue as they are
    N_("a quote that opens a field must be closed by another."),
    N_("the file looks truncated."),
    N_("set options.allow_cycle_gaps = true in the column map to accept it."),
    N_("no date_time"),
    N_("skipped"),
    N_("file damaged."),
    N_("rows read as they stand"),
    N_("one table is expected in the record sheets."),
    N_("one channel's records, each once, are expected."),
    N_("the steps start where the absolute time says, but not before the previous record"),
)
"""Closing parts of the vendor readers' refusals (after ``"; "``); listed for the extractor."""

_N = r"\d+"

VENDOR_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    # a refusal with a note after it that the file looks truncated too (registry, arbin_meta, novonix_summary):
    # the refusal before it is read again
    phrase(
        N_("%(rest)s (%(name)s looks truncated too: it ends inside line %(line)s with no line break.)"),
        line=_N,
    ),
    phrase(N_("%(rest)s (This metadata file looks truncated: it ends with no line break.)")),
    phrase(N_("%(rest)s (This summary looks truncated: it ends with no line break.)")),
    # gwangyang.battery.schema.unread_columns: the columns a reader left out (the first ten named, the rest counted)
    phrase(N_("column(s) not read: %(columns)s and %(n)s more"), n=_N),
    phrase(N_("BDF column(s) not read: %(columns)s and %(n)s more"), n=_N),
    phrase(N_("BDF column(s) not read: %(columns)s")),
    phrase(N_("record column(s) not read: %(columns)s and %(n)s more"), n=_N),
    phrase(N_("record column(s) not read: %(columns)s")),
    phrase(N_("%(file)s: column(s) not read: %(columns)s and %(n)s more"), n=_N),
    phrase(N_("%(file)s: column(s) not read: %(columns)s")),
    # gwangyang.battery.io.registry: the file as a whole
    phrase(N_("%(file)s: no such file.")),
    phrase(N_("%(file)s: file is empty.")),
    # gwangyang.battery.io.textparse, textrows, textrecords: the header and the rows of a text export
    phrase(
        N_("%(file)s: no header line starting with %(marker)s in the first %(n)s lines."),
        marker=r"'.*'",
        n=_N,
    ),
    phrase(
        N_("%(file)s: the header on line %(line)s has no %(sep)s-separated columns."), line=_N, sep=r"'.*'"
    ),
    phrase(N_("%(file)s: the file ends before its header line %(line)s."), line=_N),
    phrase(N_("%(file)s: cannot parse the table below line %(line)s (%(why)s)."), line=_N),
    phrase(
        N_("%(file)s: line %(line)s has %(found)s fields where the header (line %(header)s) has %(wanted)s"),
        line=_N,
        found=_N,
        header=_N,
        wanted=r"\d+(?: or \d+)*",
    ),
    phrase(
        N_("%(file)s: line %(line)s has %(found)s fields where %(what)s has %(wanted)s"),
        line=_N,
        found=_N,
        wanted=r"\d+(?: or \d+)*",
    ),
    phrase(
        N_(
            "a text field holding a tab without quotes would shift the values after it, so the file is refused "
            "rather than read shifted."
        )
    ),
    phrase(
        N_(
            "a text field holding a comma without quotes would shift the values after it, so the file is refused "
            "rather than read shifted."
        )
    ),
    phrase(
        N_(
            "a text field holding a semicolon without quotes would shift the values after it, so the file is "
            "refused rather than read shifted."
        )
    ),
    phrase(
        N_(
            "a text field holding a %(sep)s without quotes would shift the values after it, so the file is refused "
            "rather than read shifted."
        )
    ),
    phrase(
        N_(
            "%(file)s: line %(line)s opens a double-quoted field that is never closed (the file ends inside it)"
        ),
        line=_N,
    ),
    # gwangyang.battery.io.generic and .mapped_values: a column-mapped text file
    phrase(
        N_("%(file)s: no column %(wanted)s (for %(canonical)s) in the header on line %(line)s"),
        canonical=r"\w+",
        line=_N,
    ),
    # .mapped_values: the user's map (``--column-map``, an upload's ``.toml``) and the field that names the column
    phrase(N_("the column map %(map)s names it in %(field)s"), field=r"[\w.]+"),
    phrase(N_("found: %(names)s.")),
    phrase(N_("%(file)s: the last line has %(last)s of %(n)s fields"), last=_N, n=_N),
    phrase(N_("%(file)s: no data rows after the header on line %(line)s."), line=_N),
    phrase(
        N_("%(file)s: cycle index skips cycle(s) from %(a)s to %(b)s at data row %(row)s"),
        a=r"\S+",
        b=r"\S+",
        row=_N,
    ),
    phrase(
        N_("%(file)s: cycle index goes back from %(a)s to %(b)s at data row %(row)s"),
        a=r"\S+",
        b=r"\S+",
        row=_N,
    ),
    # gwangyang.battery.io.maccor
    phrase(N_('%(file)s: not a Maccor export (expected a "Today\'s Date" line and a Rec# or Rec, header).')),
    phrase(
        N_(
            '%(file)s: Maccor text export: expected its data header on line 2, after the "Today\'s Date" line (a '
            "tab-separated line starting Rec# or Rec with Maccor's columns: Cyc#, Step, Amps, Volts, ...)"
        )
    ),
    phrase(N_("none in the first %(n)s lines."), n=_N),
    # gwangyang.battery.io.arbin_meta, arbin_csv, arbin_xlsx, arbin_res
    phrase(N_("%(file)s: Arbin metadata file has no row: it ends inside its header line (cut?).")),
    phrase(N_("%(file)s: Arbin metadata file has no row: it ends after its header.")),
    phrase(N_("%(file)s: Arbin metadata file is empty.")),
    phrase(N_("%(file)s: not a readable Arbin metadata file (%(why)s).")),
    phrase(N_("%(file)s: column %(column)s holds %(value)s, not %(what)s")),
    phrase(N_("%(file)s: not a readable Arbin CSV (%(why)s).")),
    phrase(N_("%(file)s: Arbin Channel sheet has no data row.")),
    phrase(N_("%(file)s: Arbin workbook has no Channel_* sheet.")),
    phrase(N_("%(file)s: Arbin Channel sheets have different header rows.")),
    phrase(N_("%(file)s: not a readable Excel workbook (%(why)s).")),
    # gwangyang.workbook: the one opener of workbooks (sheets, quality tables, PulseBat, Arbin .xlsx)
    phrase(
        N_(
            "%(file)s: the workbook is encrypted (password-protected): save it without a password and read it "
            "again."
        )
    ),
    phrase(N_("%(file)s: reading Arbin .res files needs mdbtools' mdb-export (apt-get install mdbtools).")),
    phrase(N_("%(file)s: Arbin .res database is truncated (table %(table)s runs past the end).")),
    phrase(N_("%(file)s: not a readable Arbin .res database (mdb-export %(table)s: %(why)s).")),
    phrase(N_("%(file)s: Arbin .res database has no table %(table)s.")),
    phrase(N_("%(file)s: not an Arbin .res file (no MS Access 'Standard Jet DB' header).")),
    phrase(N_("%(file)s: Arbin .res database is truncated (size not a whole number of pages).")),
    phrase(N_("%(file)s: Arbin .res has no data rows in Channel_Normal_Table.")),
    phrase(N_("%(file)s: mdb-export did not finish reading table %(table)s.")),
    phrase(N_("%(file)s: unreadable %(table)s in Arbin .res (%(why)s).")),
    # gwangyang.battery.io.biologic, biologic_mpr, biologic_mpr_data, biologic_table
    phrase(N_("%(file)s: .mpr data module holds no data points.")),
    phrase(N_("%(file)s: EC-Lab text header has no 'Nb header lines' entry.")),
    phrase(N_("%(file)s: EC-Lab text export ends inside its %(n)s-line header."), n=_N),
    phrase(N_("%(file)s: no EC-Lab column header (time/s, Ewe/V or Ecell/V, I/mA) found.")),
    phrase(N_("%(file)s: BioLogic text export has a header but no data rows.")),
    phrase(N_("%(file)s: not a readable BioLogic text export (%(why)s).")),
    phrase(N_("%(file)s: not a BioLogic .mpr file (no 'BIO-LOGIC MODULAR FILE' magic).")),
    phrase(N_("%(file)s: .mpr file has no 'VMP data' module (modules: %(modules)s).")),
    phrase(N_("%(file)s: .mpr module header expected at byte %(at)s"), at=_N),
    phrase(N_("%(file)s: .mpr file truncated inside a module header at byte %(at)s."), at=_N),
    phrase(
        N_("%(file)s: .mpr file truncated: module %(module)s needs %(end)s bytes, file has %(size)s."),
        end=_N,
        size=_N,
    ),
    phrase(N_("%(file)s: .mpr data module too short (%(n)s bytes)."), n=_N),
    phrase(N_("%(file)s: .mpr data module truncated in its column list.")),
    phrase(
        N_(
            "%(file)s: .mpr data module (version %(version)s) holds %(size)s bytes, but %(n)s records of %(width)s "
            "bytes from byte %(at)s need %(needed)s (damaged file, or a column width this reader gets wrong among "
            "ids %(ids)s)."
        ),
        size=_N,
        n=_N,
        width=_N,
        at=_N,
        needed=_N,
    ),
    phrase(
        N_(
            "%(file)s: .mpr data column id(s) %(ids)s not known to this reader, and the module's size does not tell "
            "their widths (please report the file's EC-Lab version and technique)."
        )
    ),
    phrase(
        N_(
            ".mpr data module version %(version)s not known to this reader: read as version %(shape)s, the records "
            "taken from the end of the module"
        )
    ),
    phrase(N_(".mpr data column id %(ids)s (%(w)s bytes a record) not known to this reader"), w=_N),
    phrase(N_(".mpr data column ids %(ids)s (%(w)s bytes a record) not known to this reader"), w=_N),
    phrase(
        N_(
            "no I/mA column: current from %(control)s in galvanostatic mode, elsewhere from dq/mA.h over time"
        ),
        control=r"\S+",
    ),
    phrase(
        N_(
            "no I/mA column: current from dq/mA.h over time (%(control)s disagrees with dq/mA.h by more than "
            "%(share)s)"
        ),
        control=r"\S+",
        share=r"\d+%",
    ),
    phrase(N_("%(file)s: BioLogic table has no 'time/s' column.")),
    phrase(N_("%(file)s: 'time/s' holds neither seconds nor date-times of a known form.")),
    phrase(N_("%(file)s: BioLogic table has no 'time/s' column (%(skipped)s skipped).")),
    phrase(
        N_(
            "%(file)s: BioLogic table needs a voltage (%(voltages)s) and a current (%(currents)s, or %(control)s in "
            "galvanostatic mode, or dq/mA.h) column."
        )
    ),
    *NEWARE_TEXT_PHRASES,  # the Neware readers' lines (.reader_neware_text_phrases), in their place
    # gwangyang.battery.io.novonix_summary: a Novonix export's summary companion
    phrase(N_("%(file)s: Novonix summary is empty.")),
    phrase(N_("%(file)s: Novonix summary has no row: it ends inside its header line (cut?).")),
    phrase(N_("%(file)s: no 'Cycle' column in the Novonix summary.")),
    phrase(N_("%(file)s: not a readable Novonix summary (%(why)s).")),
    phrase(N_("%(file)s has no row: no per-cycle figure of Novonix's")),
    phrase(
        N_(
            "%(file)s: column %(column)s: %(n)s of %(m)s values are no finite number, e.g. %(eg)s (row %(row)s)"
        ),
        n=_N,
        m=_N,
        row=_N,
    ),
    # gwangyang.battery.io.basytec: a start of test that is no date
    phrase(N_("~Start of Test: %(value)s is no date this reader knows")),
)
"""Patterns of the vendor readers' and the text scanner's refusals, each with the msgid that translates it."""
