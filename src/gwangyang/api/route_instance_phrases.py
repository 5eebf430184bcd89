"""What a routing problem's companion files and its instance refuse, and why an order is left unserved, in Korean.

A problem file read by ``gwangyang routes solve`` may name a distance or duration matrix CSV
(:func:`gwangyang.logistics.distances.read_matrix_csv`) and a gate appointments CSV
(:mod:`gwangyang.logistics.appointment_file`); :class:`gwangyang.logistics.instance.Instance` checks what the
readers built; :func:`gwangyang.logistics.convert.screen` and :mod:`gwangyang.logistics.check` say why an order is
left out of the routes (the routes page's ``unserved`` list). Files, sites, ids and times stay as they are; the
reasons pandas and :mod:`csv` give are a ``rest`` read again. :mod:`.i18n` tries these before
:data:`.route_file_phrases.ROUTE_FILE_PHRASES` (an appointment row's prefix before the time refusals there).
"""

from __future__ import annotations

import re

from .phrases import N_, phrase

ROUTE_INSTANCE_TERMS: tuple[str, ...] = (
    # the kinds of file gwangyang.files.read_text is told to expect (the ``word_what`` of the refusals below)
    N_("distance or duration matrix CSV"),
    N_("gate appointments CSV"),
    # an order left unserved (convert.screen, check): reasons that never change
    N_("quantity exceeds the capacity of every vehicle type"),
    N_("no vehicle can serve it and return to its depot before the end of its shift"),
    N_("no feasible route found for it with the fleet, capacities and windows"),
    N_("optional client, not worth its detour"),
    # pandas' reason for a CSV with nothing in it
    N_("No columns to parse from file"),
)
"""Whole parts and words of the lines, translated by the catalogue as they are."""

_N = r"\d+"

_WHAT = r"distance or duration matrix CSV|gate appointments CSV"

ROUTE_INSTANCE_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    # gwangyang.logistics.appointment_file: the problem file, then the appointments file (a row's prefix is read again)
    phrase(N_("%(file)s: appointments.file %(csv)s row %(row)s: %(rest)s"), row=_N),
    # gwangyang.logistics.distances.haversine_matrices: a problem's settings.circuity and speed_kmh
    phrase(N_("circuity: expected a factor >= 1, got %(value)s")),
    phrase(N_("speed_kmh: expected a positive speed, got %(value)s")),
    phrase(N_("%(file)s: appointments.file: %(rest)s")),
    phrase(N_("missing %(column)s (columns id, start, end)"), column=r"'\w+'"),
    phrase(N_("id %(id)s appears twice")),
    phrase(N_("%(file)s: not a readable CSV (%(rest)s)")),
    phrase(N_("field larger than field limit (%(n)s)"), n=_N),
    # gwangyang.files.read_bytes / read_text: a named file missing, a folder, or not UTF-8
    phrase(N_("%(file)s: file not found")),
    phrase(N_("%(file)s: is a folder, expected a %(word_what)s"), word_what=_WHAT),
    phrase(
        N_(
            "%(file)s: not UTF-8 text (byte %(byte)s, line %(line)s: %(word)s), expected a %(word_what)s in UTF-8"
        ),
        byte=_N,
        line=_N,
        word_what=_WHAT,
    ),
    # gwangyang.logistics.distances.read_matrix_csv (pandas' reason read again)
    phrase(N_("%(file)s: not a readable CSV matrix (%(rest)s)")),
    phrase(
        N_("Error tokenizing data. C error: Expected %(n)s fields in line %(line)s, saw %(saw)s"),
        n=_N,
        line=_N,
        saw=_N,
    ),
    phrase(N_("%(file)s: matrix has no row or column for site(s) %(sites)s")),
    phrase(N_("%(file)s: matrix entries must be numbers (%(rest)s)")),
    phrase(N_("could not convert string to float: %(value)s")),
    phrase(N_("%(file)s: matrix entries must be finite and non-negative")),
    # gwangyang.logistics.instance.Instance: what the readers built, checked (the instance's name first)
    phrase(N_("%(name)s: distance and duration matrices must be %(n)s x %(m)s"), n=_N, m=_N),
    phrase(N_("%(name)s: %(field)s has %(k)s entries for %(m)s clients"), field=r"\w+", k=_N, m=_N),
    phrase(N_("%(name)s: no vehicle types")),
    phrase(N_("%(name)s: a client belongs to more than one pickup-delivery pair")),
    phrase(N_("%(name)s: pickup-delivery pair names client %(c)s of %(m)s"), c=r"-?\d+", m=_N),
    phrase(N_("%(name)s: client %(client)s is one end of a pickup-delivery pair and has its own demand")),
    phrase(N_("%(name)s: prizes must be finite and >= 0")),
    phrase(N_("%(name)s: client %(client)s is one end of a pickup-delivery pair and has a prize")),
    phrase(N_("%(name)s: group %(k)s names client %(c)s of %(m)s"), k=_N, c=r"-?\d+", m=_N),
    phrase(N_("%(name)s: client %(client)s is in more than one group")),
    phrase(N_("%(name)s: client %(client)s is in a group and one end of a pickup-delivery pair")),
    phrase(N_("%(name)s: vehicle type %(type)s may serve no client")),
    phrase(N_("%(name)s: vehicle type %(type)s allows client %(c)s of %(m)s"), c=r"-?\d+", m=_N),
    # gwangyang.logistics.convert.screen and check: why an order is left unserved (the terms above, and these)
    phrase(N_("earliest possible arrival %(arrival)s is after the window closes at %(closes)s")),
    # a group's name as its file writes it: a VRPLIB group's number, a problem file's group (Korean too)
    phrase(N_("group %(g)s: member %(members)s served instead"), g=r"[^:]+"),
    phrase(N_("group %(g)s: no member served"), g=r"[^:]+"),
    phrase(N_("prize %(prize)s forgone"), prize=r"\S+"),
)
"""Patterns of the companion files', the instance's and the unserved orders' lines, each with its msgid."""
