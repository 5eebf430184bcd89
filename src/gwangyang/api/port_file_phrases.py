"""A planner's own port scenario refused, as the port page's upload form shows it: the TOML loader's and call list's errors.

:mod:`gwangyang.port.terminal` (the scenario's fields), :mod:`~gwangyang.port.field_checks`,
:mod:`~gwangyang.port.schedule_file` and :mod:`~gwangyang.port.arrivals` (the call list's rows) and
:mod:`gwangyang.port.service.uploaded` (the upload's files) name the file, the field or row and the value; the
patterns keep them as they are. :mod:`.i18n` tries them after the other patterns; the generic ``expected a
number`` of a form field is :data:`.form_phrases.FORM_PHRASES`'.

A file that is not TOML is refused with tomllib's own reason inside the sentence (``Invalid value (at line 3,
column 15)``, :func:`gwangyang.files.read_toml`): the sentence's ``rest`` is read again, the position by
:data:`TOML_PHRASES` (line and column kept) and the reason itself by :data:`TOML_TERMS` or :data:`TOML_PHRASES`. The
twin config's TOML refusal (:mod:`.twin_phrases`) reads its reason through them too.
"""

from __future__ import annotations

import re

from .phrases import N_, phrase

_FILE = r".+?"
"""The file's name as the upload gave it (it may hold spaces and Hangul)."""

_FIELD = r"[\w.\[\]]+"
"""A scenario field's dotted path (``cranes[0].berth``)."""

_AT = r"\d+"
"""A line or column number of tomllib's position."""

_REPR = r"'[^']*'|\"[^\"]*\""
"""A character or key as Python's ``repr`` writes it (``'\\n'``, ``"'"``)."""

PORT_FILE_TERMS: tuple[str, ...] = (
    # the closing part of the refusal of services with process = "file" ("; "-separated)
    N_("remove them, or choose process = 'scheduled' or 'poisson'"),
)
"""Whole parts of the scenario's refusals (translated by the catalogue as they are); listed for the extractor."""

TOML_TERMS: tuple[str, ...] = (
    # tomllib's reasons without data (Python 3.11's tomllib/_parser.py), before their position
    N_("Invalid statement"),
    N_("Expected newline or end of document after a statement"),
    N_("Cannot overwrite a value"),
    N_("Expected ']' at the end of a table declaration"),
    N_("Expected ']]' at the end of an array declaration"),
    N_("Expected '=' after a key in a key/value pair"),
    N_("Invalid initial character for a key part"),
    N_("Unclosed array"),
    N_("Unclosed inline table"),
    N_("Unescaped '\\' in a string"),
    N_("Invalid hex value"),
    N_("Escaped character is not a Unicode scalar value"),
    N_("Unterminated string"),
    N_("Invalid date or datetime"),
    N_("Invalid value"),
    # the reason of a file that is not UTF-8 (UnicodeDecodeError's), a ``word`` of the pattern below
    N_("invalid start byte"),
    N_("invalid continuation byte"),
    N_("unexpected end of data"),
)
"""tomllib's reasons that are the same in every file (translated by the catalogue as they are)."""

TOML_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    # where tomllib stopped, kept; the reason before it is read again (a term, or a pattern below)
    phrase(N_("%(rest)s (at line %(line)s, column %(column)s)"), line=_AT, column=_AT),
    phrase(N_("%(rest)s (at end of document)")),
    # tomllib's reasons that quote the file: a character, a key or a table's name
    phrase(N_("Expected %(what)s"), what=_REPR),
    phrase(N_("Found invalid character %(what)s"), what=_REPR),
    phrase(N_("Illegal character %(what)s"), what=_REPR),
    phrase(N_("Cannot declare %(key)s twice")),
    phrase(N_("Cannot mutate immutable namespace %(key)s")),
    phrase(N_("Cannot redefine namespace %(key)s")),
    phrase(N_("Duplicate inline table key %(key)s")),
    # not UTF-8 (read_toml decodes the bytes first)
    phrase(
        N_("'utf-8' codec can't decode byte %(byte)s in position %(position)s: %(word)s"),
        byte=r"0x[0-9a-f]{2}",
        position=_AT,
    ),
    phrase(
        N_("'utf-8' codec can't decode bytes in position %(position)s: %(word)s"),
        position=r"\d+-\d+",
    ),
)
"""Patterns of tomllib's position and of its reasons that quote the file, read again inside a TOML refusal."""


PORT_FILE_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    # gwangyang.files.read_toml: not TOML at all (tomllib's reason follows, read again: TOML_PHRASES, TOML_TERMS)
    phrase(N_("%(file)s: not a TOML scenario file (not valid TOML: %(rest)s)."), file=_FILE),
    phrase(N_("%(file)s: no such scenario file."), file=_FILE),
    # gwangyang.port.terminal: the scenario's fields
    phrase(N_("%(file)s: %(field)s: unknown field (known: %(known)s)"), file=_FILE, field=_FIELD),
    phrase(N_("%(file)s: %(field)s: required field is missing"), file=_FILE, field=_FIELD),
    phrase(N_("%(file)s: %(field)s: expected a list of strings"), file=_FILE, field=_FIELD),
    phrase(
        N_("%(file)s: %(field)s: expected an array of tables ([[%(name)s]])"),
        file=_FILE,
        field=_FIELD,
        name=r"\w+",
    ),
    phrase(N_("%(file)s: %(field)s: expected a table, got %(got)s"), file=_FILE, field=_FIELD),
    phrase(N_("%(where)s: expected an integer, got %(got)s")),
    phrase(N_("%(where)s: expected a string, got %(got)s")),
    phrase(N_("%(where)s: must be >= %(n)s, got %(got)s"), n=r"\d+"),
    phrase(N_("%(where)s: must be > %(n)s, got %(got)s"), n=r"\d+"),
    # a setting among its choices or in its range (equipment, gate, arrivals, weather, automation; the AGV plan's)
    phrase(
        N_("%(where)s: must be %(choices)s or %(last)s, got %(got)s"),
        choices=r"[\w'-]+(?:, [\w'-]+)*",
        last=r"[\w'-]+",
    ),
    phrase(N_("%(where)s: must be one of %(choices)s, got %(got)s")),
    phrase(N_("%(where)s: must be in %(range)s, got %(got)s"), range=r"\[[\d.]+, [\d.]+[\])]"),
    phrase(
        N_(
            "%(where)s: need hours of the day, 0 <= from < 24, 0 <= to <= 24, from != to (from > to: open across "
            "midnight), got %(start)s, %(end)s"
        )
    ),
    # gwangyang.port.conditions: settings the chosen arrival process would not read, or would miss
    phrase(N_("%(file)s: arrivals.schedule: a file is needed when process = 'file'"), file=_FILE),
    phrase(N_("%(file)s: arrivals.services: at least one service is needed"), file=_FILE),
    phrase(
        N_("%(file)s: arrivals.schedule: only read with process = 'file' (process is %(process)s)"),
        file=_FILE,
    ),
    phrase(
        N_("%(file)s: arrivals.services: not used with process = 'file' (the call list gives the calls)"),
        file=_FILE,
    ),
    phrase(
        N_(
            "%(where)s: only used with process = 'scheduled' (Poisson arrivals have no timetable to miss), got "
            "%(got)s"
        )
    ),
    phrase(N_("%(file)s: %(field)s: %(name)s is not a berth (known: %(known)s)"), file=_FILE, field=_FIELD),
    phrase(N_("%(file)s: %(field)s: %(name)s is not a berth"), file=_FILE, field=_FIELD),
    phrase(N_("%(file)s: %(field)s: %(name)s is not a yard"), file=_FILE, field=_FIELD),
    phrase(N_("%(file)s: %(field)s: %(name)s is not a transport pool"), file=_FILE, field=_FIELD),
    phrase(N_("%(file)s: %(field)s: duplicate name %(name)s"), file=_FILE, field=_FIELD),
    phrase(N_("%(file)s: berths: at least one berth is needed"), file=_FILE),
    # gwangyang.port.terminal._check_gangs: vehicles and yard cranes in gangs, the move-level model's AGV pool
    phrase(
        N_(
            "%(file)s: %(field)s: %(count)s vehicles are fewer than one gang of per_crane = %(n)s (lower "
            "per_crane, or count = 0 for a pool that never holds the cranes up)"
        ),
        file=_FILE,
        field=_FIELD,
        count=r"\d+",
        n=r"\d+",
    ),
    phrase(
        N_(
            "%(file)s: %(field)s: %(count)s yard cranes are fewer than one gang of per_crane = %(n)s (lower "
            "per_crane, or cranes = 0 for yard cranes that never hold the quay up)"
        ),
        file=_FILE,
        field=_FIELD,
        count=r"\d+",
        n=r"\d+",
    ),
    phrase(
        N_(
            "%(file)s: %(field)s: the AGV pool of the move-level model (automation.horizontal_transport = 'agv') "
            "needs at least one AGV, got %(got)s"
        ),
        file=_FILE,
        field=_FIELD,
    ),
    phrase(
        N_("%(file)s: automation.horizontal_transport: 'agv' needs a transport pool of kind agv or lift-agv"),
        file=_FILE,
    ),
    phrase(N_("%(file)s: automation.transport: the AGV pool %(name)s serves no berth"), file=_FILE),
    # gwangyang.port.agv_plan (the fleet-size curve and time-lapse): the scenario's AGV pool
    phrase(N_("%(scenario)s: transport pool %(name)s serves no berth")),
    phrase(N_("%(scenario)s: no transport pool of kind agv or lift-agv (automation.transport)")),
    # gwangyang.port.quay_resources: a pool smaller than one gang met when the run starts (a scenario built in Python)
    phrase(N_("transport %(name)s: count %(count)s is less than per_crane %(n)s"), count=r"\d+", n=r"\d+"),
    phrase(N_("yard %(name)s: cranes %(count)s is less than per_crane %(n)s"), count=r"\d+", n=r"\d+"),
    phrase(N_("%(file)s: %(field)s: berth %(name)s has no quay crane"), file=_FILE, field=_FIELD),
    phrase(
        N_(
            "%(file)s: %(field)s: %(m)s m is longer than every berth its vessels may use (longest %(longest)s m)"
        ),
        file=_FILE,
        field=_FIELD,
        m=r"[\d.e+]+",
        longest=r"[\d.e+]+",
    ),
    phrase(
        N_(
            "%(file)s: base_dir: not a scenario field (a call list is read relative to the scenario file's folder: "
            "write arrivals.schedule relative to it)"
        ),
        file=_FILE,
    ),
    # gwangyang.port.service.uploaded: the call list the scenario names against the uploaded one
    phrase(
        N_(
            "%(file)s: the scenario %(scenario)s reads no call list (arrivals.process is %(process)s, not 'file')"
        ),
        file=_FILE,
    ),
    phrase(
        N_(
            "%(file)s: arrivals.schedule: an uploaded scenario names its call list by file name only (a file "
            "uploaded with it), got %(got)s"
        ),
        file=_FILE,
    ),
    phrase(
        N_(
            "%(file)s: arrivals.schedule: the scenario reads its calls from %(name)s: upload that call list with it"
        ),
        file=_FILE,
    ),
    phrase(
        N_("%(file)s: arrivals.schedule: %(name)s is not the uploaded call list %(given)s"),
        file=_FILE,
        name=r"'[^']*'|\"[^\"]*\"",
    ),
    # gwangyang.port.schedule_file and arrivals: the call list's file, columns and rows
    phrase(N_("%(file)s: no such schedule file"), file=_FILE),
    phrase(N_("%(file)s: not UTF-8 or CP949 text"), file=_FILE),
    phrase(N_("%(file)s: not a readable CSV (%(kind)s)"), file=_FILE, kind=r"\w+"),
    phrase(N_("%(file)s: column %(name)s is not known (expected %(columns)s)"), file=_FILE),
    phrase(N_("%(file)s: column %(name)s is missing (need vessel, arrival_h, teu, length_m)"), file=_FILE),
    phrase(
        N_(
            "%(file)s: give the arrival as one column, arrival_h (hours) or arrival (date and time), got both"
        ),
        file=_FILE,
    ),
    phrase(
        N_(
            "%(file)s: give the arrival as one column, arrival_h (hours) or arrival (date and time), got neither"
        ),
        file=_FILE,
    ),
    phrase(N_("%(file)s: row %(row)s: vessel: expected a name, got an empty cell"), file=_FILE, row=r"\d+"),
    phrase(
        N_("%(file)s: row %(row)s: vessel %(name)s is listed twice (also row %(other)s)"),
        file=_FILE,
        row=r"\d+",
        other=r"\d+",
    ),
    phrase(
        N_("%(file)s: row %(row)s: %(column)s must be a number >= 0, got %(got)s"),
        file=_FILE,
        row=r"\d+",
        column=r"\w+",
    ),
    phrase(
        N_("%(file)s: row %(row)s: %(column)s must be a number > 0, got %(got)s"),
        file=_FILE,
        row=r"\d+",
        column=r"\w+",
    ),
    phrase(
        N_("%(file)s: row %(row)s: max_cranes must be a whole number >= 1, got %(got)s"),
        file=_FILE,
        row=r"\d+",
    ),
    phrase(
        N_(
            "%(file)s: row %(row)s: arrival: expected a date and time such as 2026-12-07T14:30+09:00, "
            "2026-12-07 14:30 or 2026년 12월 7일 14시 30분, got %(got)s"
        ),
        file=_FILE,
        row=r"\d+",
    ),
    phrase(
        N_(
            "%(file)s: row %(row)s: arrival: %(got)s has a UTC offset where row 1 has none: write every arrival "
            "with an offset or none"
        ),
        file=_FILE,
        row=r"\d+",
    ),
    phrase(
        N_(
            "%(file)s: row %(row)s: arrival: %(got)s has no UTC offset where row 1 has one: write every arrival "
            "with an offset or none"
        ),
        file=_FILE,
        row=r"\d+",
    ),
    phrase(
        N_(
            "%(file)s: row %(row)s: length_m: vessel %(name)s is %(m)s m, longer than every berth "
            "(longest %(longest)s m)"
        ),
        file=_FILE,
        row=r"\d+",
        m=r"[\d.e+]+",
        longest=r"[\d.e+]+",
    ),
    *TOML_PHRASES,
)
"""Patterns of the port scenario's and call list's refusals (tomllib's :data:`TOML_PHRASES` last), each with the msgid
that translates it."""
