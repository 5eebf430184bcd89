"""A planner's own port scenario refused, as the port page's upload form shows it: the TOML loader's and call list's errors.

:mod:`gwangyang.port.terminal` (the scenario's fields), :mod:`~gwangyang.port.field_checks`,
:mod:`~gwangyang.port.schedule_file` and :mod:`~gwangyang.port.arrivals` (the call list's rows) and
:mod:`gwangyang.port.service.uploaded` (the upload's files) name the file, the field or row and the value; the
patterns keep them as they are. :mod:`.i18n` tries them after the other patterns; the generic ``expected a
number`` of a form field is :data:`.phrases.PHRASES`'.
"""

from __future__ import annotations

import re

from .phrases import N_, phrase

_FILE = r".+?"
"""The file's name as the upload gave it (it may hold spaces and Hangul)."""

_FIELD = r"[\w.\[\]]+"
"""A scenario field's dotted path (``cranes[0].berth``)."""

PORT_FILE_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    # gwangyang.files.read_toml: not TOML at all (the parser's own reason follows, as tomllib writes it)
    phrase(N_("%(file)s: not a TOML scenario file (not valid TOML: %(why)s)."), file=_FILE),
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
    phrase(N_("%(file)s: %(field)s: %(name)s is not a berth (known: %(known)s)"), file=_FILE, field=_FIELD),
    phrase(N_("%(file)s: %(field)s: %(name)s is not a berth"), file=_FILE, field=_FIELD),
    phrase(N_("%(file)s: %(field)s: %(name)s is not a yard"), file=_FILE, field=_FIELD),
    phrase(N_("%(file)s: %(field)s: %(name)s is not a transport pool"), file=_FILE, field=_FIELD),
    phrase(N_("%(file)s: %(field)s: duplicate name %(name)s"), file=_FILE, field=_FIELD),
    phrase(N_("%(file)s: berths: at least one berth is needed"), file=_FILE),
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
)
"""Patterns of the port scenario's and call list's refusals, each with the msgid that translates it."""
