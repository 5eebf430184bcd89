"""The factory's SPC lines as the pages show them: attribute-chart refusals, notes and the ``chart`` entry's reason.

:mod:`gwangyang.factory.attribute_tables`, :mod:`~gwangyang.factory.attribute_charts` and
:mod:`~gwangyang.factory.spc_tables` compose them from the file, column and numbers of a request (``"; "``-separated
parts, each matched on its own: a part that is the same for every request is a term of :data:`FACTORY_TERMS`).
:mod:`.i18n` tries the patterns after :data:`.phrases.PREFIXES`.
"""

from __future__ import annotations

import re

from .phrases import N_, phrase

FACTORY_TERMS: tuple[str, ...] = (
    # the closing parts of the refusals ("; "-separated), the same for every request
    N_("expected counts ≥ 0."),
    N_("expected a size above 0."),
    N_("expected a subgroup label on every row."),
    N_("expected a subgroup size above 0."),
    N_("expected 1 or more rows per subgroup."),
    N_("expected no more than inspected."),
    N_("a p or np chart needs both conforming and nonconforming items."),
    N_("an np chart needs one size, use the p chart."),
    N_("size_column is for a column of counts."),
    N_("use p or np."),
    N_("a c chart needs some nonconformities."),
    N_("a u chart needs some nonconformities."),
    N_("give a subgroup column (lot) or a subgroup size to count nonconforming items per subgroup."),
    N_("SPC charts here need numbers."),
    N_("if they count defects, ask for a c chart (or u with a size column)."),
    N_("control charts are undefined."),
    N_("each has its own limits from σ̂ = mean(Rᵢ/d2(nᵢ))."),
)
"""Whole parts of the factory's SPC lines (translated by the catalogue as they are); listed for the extractor."""

_NUMBER = r"-?[\d.]+(?:e[-+]?\d+)?"
"""A count or size as ``:g`` writes it."""

_QUOTED = r"'[^']*'|\"[^\"]*\""
"""A column's name as ``repr`` writes it."""


def _phrase(msgid: str, **groups: str) -> tuple[re.Pattern[str], str]:
    """:func:`.phrases.phrase` with a column's and a name's placeholder matching a quoted name."""
    return phrase(msgid, **{"column": _QUOTED, "name": _QUOTED, **groups})


FACTORY_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    # gwangyang.factory.attribute_tables: a column of pass/fail words or counts that cannot be charted
    _phrase(
        N_(
            "%(file)s: column %(column)s: %(value)s in data row %(row)s is neither a pass word (OK, 합격, 양품) nor a fail word "
            "(NG, 불합격, 불량)."
        ),
        row=r"\d+",
    ),
    _phrase(
        N_(
            "%(file)s: column %(column)s: %(value)s in data row %(row)s is neither a count nor a pass/fail word (OK/NG, 합격/불합격)."
        ),
        row=r"\d+",
    ),
    _phrase(N_("%(file)s: empty %(name)s in data row %(row)s"), row=r"\d+"),
    _phrase(
        N_("%(file)s: column %(column)s: negative count %(n)s in data row %(row)s"), n=_NUMBER, row=r"\d+"
    ),
    _phrase(
        N_("%(file)s: column %(column)s: %(n)s in data row %(row)s is not a whole count."),
        n=_NUMBER,
        row=r"\d+",
    ),
    _phrase(N_("%(file)s: column %(column)s: holds pass/fail words, one item per row")),
    _phrase(
        N_(
            "%(file)s: column %(column)s: holds pass/fail words (nonconforming items), but %(chart)s charts count nonconformities"
        ),
        chart=r"[cu]",
    ),
    _phrase(N_("%(file)s: size_column %(name)s is not a column")),
    _phrase(N_("%(file)s: subgroup_column %(name)s is not a column")),
    _phrase(N_("%(file)s: column %(name)s has %(value)s in data row %(row)s"), row=r"\d+"),
    _phrase(
        N_("%(file)s: column %(column)s: %(n)s rows make fewer than 2 subgroups of %(size)s."),
        n=r"\d+",
        size=r"-?\d+",
    ),
    _phrase(
        N_(
            "%(file)s: column %(column)s: the last %(n)s row(s) do not fill a subgroup of %(size)s and are not charted."
        ),
        n=r"\d+",
        size=r"\d+",
    ),
    _phrase(N_("%(file)s: column %(column)s: subgroup size %(size)s"), size=r"-?\d+"),
    _phrase(
        N_(
            "%(file)s: column %(column)s: %(chart)s chart of counts: give the items inspected per row in size_column."
        ),
        chart=r"n?p",
    ),
    # gwangyang.factory.attribute_charts: counts and sizes that make no p, np, c or u chart
    _phrase(
        N_("%(file)s: column %(column)s: expected one size per subgroup, got %(n)s counts and %(m)s sizes."),
        n=r"\d+",
        m=r"\d+",
    ),
    _phrase(N_("%(file)s: column %(column)s: expected at least 2 subgroups, got %(n)s."), n=r"\d+"),
    _phrase(N_("%(file)s: column %(column)s: holds missing or infinite counts or sizes.")),
    _phrase(N_("%(file)s: column %(column)s: negative count %(n)s in subgroup %(k)s"), n=_NUMBER, k=r"\d+"),
    _phrase(N_("%(file)s: column %(column)s: subgroup %(k)s has size %(n)s"), k=r"\d+", n=_NUMBER),
    _phrase(
        N_("%(file)s: column %(column)s: subgroup %(k)s has %(d)s nonconforming of %(n)s inspected"),
        k=r"\d+",
        d=_NUMBER,
        n=_NUMBER,
    ),
    _phrase(N_("%(file)s: column %(column)s: every item passes (no nonconforming item)")),
    _phrase(N_("%(file)s: column %(column)s: every item fails")),
    _phrase(
        N_("%(file)s: column %(column)s: subgroups of different sizes (%(low)s to %(high)s)"),
        low=_NUMBER,
        high=_NUMBER,
    ),
    _phrase(N_("%(file)s: column %(column)s: every count is 0")),
    # gwangyang.factory.spc_tables: a column of labels, whole numbers charted as measurements
    _phrase(
        N_(
            "%(file)s: column %(name)s holds labels (e.g. %(examples)s), not measurements or pass/fail words (OK/NG, 합격/불합격)"
        )
    ),
    _phrase(N_("%(file)s: column %(name)s holds whole numbers ≥ 0 and is charted as measurements")),
    # gwangyang.factory.spc: consecutive subgroups' left-over values, a constant or short column, unequal subgroups
    _phrase(
        N_(
            "%(file)s: column %(column)s: the last %(n)s value(s) do not fill a subgroup of %(size)s and are not on the "
            "X̄-R charts (EWMA, CUSUM and capability use every value)."
        ),
        n=r"\d+",
        size=r"\d+",
    ),
    _phrase(N_("%(file)s: column %(column)s: constant")),
    _phrase(
        N_(
            "%(file)s: column %(column)s: expected at least %(n)s values (2 subgroups of %(size)s), got %(m)s."
        ),
        n=r"\d+",
        size=r"\d+",
        m=r"\d+",
    ),
    _phrase(
        N_("%(file)s: column %(column)s: expected at least %(n)s values, got %(m)s."), n=r"\d+", m=r"\d+"
    ),
    _phrase(
        N_("%(where)s: subgroups of unequal size (%(low)s to %(high)s rows)"),
        low=r"\d+",
        high=r"\d+",
    ),
    # the reason of the answer's ``chart`` entry (attribute_tables._choose, spc_tables.variables_report)
    _phrase(N_("%(chart)s chart, as asked."), chart=r"n?p|c|u"),
    _phrase(N_("%(column)s holds pass/fail words and every subgroup has %(n)s items: np chart."), n=_NUMBER),
    _phrase(
        N_("%(column)s holds pass/fail words and subgroups of %(low)s to %(high)s items: p chart."),
        low=_NUMBER,
        high=_NUMBER,
    ),
    _phrase(N_("%(column)s holds counts with units inspected in %(size)s: u chart.")),
    _phrase(
        N_("%(column)s holds counts of defects over subgroups of %(low)s to %(high)s rows: u chart."),
        low=_NUMBER,
        high=_NUMBER,
    ),
    _phrase(N_("%(column)s holds counts of defects (by its name) and no size column: c chart.")),
    _phrase(N_("%(column)s holds measurements: %(chart)s charts, EWMA and CUSUM."), chart=r"I-MR|Xbar-R"),
    # gwangyang.sheets: workbook numbers formatted as codes (gwangyang.excel_codes)
    _phrase(
        N_(
            "%(file)s: %(n)s number cell(s) formatted as codes read as the text Excel shows (%(cell)s: %(value)s "
            "shown as %(shown)s, format %(format)s)."
        ),
        n=r"\d+",
        cell=r"[A-Z]+\d+",
        value=r"-?\d+",
        shown=_QUOTED,
        format=_QUOTED,
    ),
    _phrase(
        N_(
            "%(file)s: %(n)s number cell(s) have a format that shows a fixed text instead of the number (%(cell)s: "
            "%(value)s shown as %(shown)s, format %(format)s): read as the numbers."
        ),
        n=r"\d+",
        cell=r"[A-Z]+\d+",
        value=_NUMBER,
        shown=_QUOTED,
        format=_QUOTED,
    ),
    _phrase(
        N_(
            "%(file)s: %(n)s number cell(s) have a format that shows nothing, where Excel shows an empty cell "
            "(%(cell)s: %(value)s, format %(format)s): read as the numbers."
        ),
        n=r"\d+",
        cell=r"[A-Z]+\d+",
        value=_NUMBER,
        format=_QUOTED,
    ),
    _phrase(
        N_(
            "%(file)s: the workbook's number formats could not be read (not an Excel BIFF5 or BIFF8 file this reader "
            "follows, or damaged): number cells formatted as codes (000) are read as numbers."
        )
    ),
    # gwangyang.xls_biff5: a Korean (two-byte code page) Excel 5.0/95 workbook that cannot be read
    _phrase(
        N_(
            "%(file)s: an Excel 5.0/95 (BIFF5) workbook in code page %(codepage)s, for which Python has no text "
            "codec: expected an Excel 97-2003 .xls or an .xlsx (save it again from Excel)."
        ),
        codepage=r"\d+",
    ),
    _phrase(
        N_(
            "%(file)s: an Excel 5.0/95 (BIFF5) workbook cut short or damaged: its sheet list has no end record."
        )
    ),
    _phrase(
        N_(
            "%(file)s: an Excel 5.0/95 (BIFF5) workbook cut short or damaged: sheet %(sheet)s has no end record."
        ),
        sheet=_QUOTED,
    ),
    _phrase(
        N_(
            "%(file)s: an Excel 5.0/95 (BIFF5) workbook damaged: sheet %(sheet)s holds a cell at row %(row)s, column "
            "%(col)s, past Excel 95's last row (16384) or column (256)."
        ),
        sheet=_QUOTED,
        row=r"\d+",
        col=r"\d+",
    ),
    _phrase(
        N_(
            "%(file)s: the name of sheet %(n)s is not text in code page %(codepage)s (the workbook's CODEPAGE "
            "record): the file is damaged or its code page is wrong."
        ),
        n=r"\d+",
        codepage=r"\d+",
    ),
    _phrase(
        N_(
            "%(file)s: sheet %(sheet)s, cell %(cell)s: its bytes are not text in code page %(codepage)s (the "
            "workbook's CODEPAGE record): the file is damaged or its code page is wrong."
        ),
        sheet=_QUOTED,
        cell=r"[A-Z]+\d+",
        codepage=r"\d+",
    ),
    # gwangyang.battery.service.production_kinds: a code column across production uploads
    _phrase(
        N_(
            "%(file)s: column %(column)s holds codes as text here (e.g. %(example)s) but whole numbers in the production "
            "data already stored: kept as text, and the stored numbers are read as text (e.g. %(stored)s)."
        ),
        example=_QUOTED,
        stored=_QUOTED,
    ),
    _phrase(
        N_(
            "%(file)s: column %(column)s holds codes as text in the production data already stored: its numbers are "
            "kept as text too (e.g. %(example)s)."
        ),
        example=_QUOTED,
    ),
)
"""Patterns of the factory's SPC lines, each with the msgid that translates it."""


SENSOR_TABLE_TERMS: tuple[str, ...] = (
    # gwangyang.sheets and gwangyang.factory.io: the closing parts of a sensor table's refusals
    N_("expected a header row and rows of values."),
    N_("expected numbers or date-times such as 2024-03-05 14:13:00 or 2024. 3. 5. 오후 2:13:00."),
    N_("expected a time on every row."),
    N_("expected a number on every row (fill or remove those rows)."),
    N_("expected numbers."),
)
"""Whole parts of a sensor table's refusals (translated by the catalogue as they are); listed for the extractor."""

FACTORY_SENSOR_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    # gwangyang.sheets (a table's header and sheets) and gwangyang.factory.io (a sensor table's file and columns), as
    # the factory page's fit and score forms show them; tried before FACTORY_PHRASES, whose ``has %(value)s in data
    # row`` would read the missing values' line in part
    phrase(N_("%(file)s: no rows below the header")),
    phrase(N_("%(file)s: no header row above the first row of values (line %(line)s)."), line=r"\d+"),
    phrase(N_("%(file)s: every sheet of the workbook is empty.")),
    phrase(N_("%(file)s: the table is empty.")),
    phrase(N_("%(file)s: expected a .csv, .txt, .tsv or .xlsx table.")),
    phrase(N_("%(file)s: expected a .csv, .csv.gz, .xlsx, .parquet or TEP .dat file.")),
    phrase(N_("%(file)s: cannot be read as a table (%(reason)s).")),
    _phrase(N_("%(file)s: column %(column)s is missing.")),
    _phrase(N_("%(file)s: time column %(column)s holds %(value)s (data row %(row)s)"), row=r"\d+"),
    _phrase(
        N_("%(file)s: time column %(column)s is empty in %(n)s row(s), the first data row %(row)s"),
        n=r"\d+",
        row=r"\d+",
    ),
    _phrase(
        N_("%(file)s: column %(column)s has non-numeric values (%(n)s, e.g. %(value)s in data row %(row)s)"),
        n=r"\d+",
        value=_QUOTED,
        row=r"\d+",
    ),
    _phrase(
        N_(
            "%(file)s: column %(column)s has %(n)s missing or infinite value(s), the first in data row %(row)s"
        ),
        n=r"\d+",
        row=r"\d+",
    ),
    phrase(N_("%(file)s: expected %(n)s TEP variables per sample, got shape %(shape)s."), n=r"\d+"),
    phrase(N_("%(file)s: holds non-finite values.")),
)
"""A sensor table's refusals for its file, header and columns, each with the msgid that translates it."""


FACTORY_TABLE_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    # gwangyang.factory.io / streaming: a sensor table without the monitor's time column
    phrase(N_("%(where)s: no time column %(name)s%(stop)s"), name=r"'[^']*'", stop=r"\.?"),
    phrase(N_("columns are %(columns)s.")),
)
"""A sensor table's refusals (its columns named), each with the msgid that translates it."""


TEP_TERMS: tuple[str, ...] = (
    # gwangyang.factory.tep_start: the closing part of the warning when no alarm run reaches the start
    N_("the fault probably started earlier."),
)
"""Whole parts of the Tennessee Eastman evaluation's lines (translated by the catalogue as they are)."""

FACTORY_TEP_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    # gwangyang.factory.tep_start: a test run in alarm before the assumed fault start
    phrase(
        N_(
            "%(file)s: %(count)s of the %(samples)s samples before the fault start (sample %(start)s) are in alarm "
            "(rate %(rate)s, nominal false-alarm rate %(nominal)s, P = %(p)s)"
        ),
        count=r"\d+",
        samples=r"\d+",
        start=r"\d+",
        rate=_NUMBER,
        nominal=_NUMBER,
        p=_NUMBER,
    ),
    phrase(
        N_(
            "the fault probably started earlier: the alarms run without a break from sample %(onset)s to the start."
        ),
        onset=r"\d+",
    ),
    # gwangyang.factory.tep_start: a test run whose alarms after the fault start stay at the false-alarm level
    phrase(
        N_(
            "%(file)s: %(count)s of the %(samples)s samples from the fault start (sample %(start)s) on are in alarm "
            "(rate %(rate)s, under %(factor)s times the nominal false-alarm rate %(nominal)s): the detector does not "
            "see this fault (its alarm rate and delay are those of false alarms)."
        ),
        count=r"\d+",
        samples=r"\d+",
        start=r"\d+",
        rate=_NUMBER,
        factor=_NUMBER,
        nominal=_NUMBER,
    ),
    # gwangyang.factory.evaluate: a test run no longer than the fault start
    phrase(
        N_("%(folder)s: %(file)s has %(n)s samples"),
        file=r"[dD]\d+_[tT][eE]\.[dD][aA][tT](?:\.[gG][zZ])?",
        n=r"\d+",
    ),
    phrase(N_("the fault starts at sample %(start)s (set the fault start to fit the files)."), start=r"\d+"),
)
"""The Tennessee Eastman evaluation's lines about the fault start, each with the msgid that translates it."""
