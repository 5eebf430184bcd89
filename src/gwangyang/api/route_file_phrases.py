"""A routing problem file refused, as the logistics page shows it: the problem file's and its tables' errors.

:mod:`gwangyang.logistics.problem`, :mod:`~gwangyang.logistics.problem_tables`,
:mod:`~gwangyang.logistics.type_names`, :mod:`~gwangyang.logistics.entities`, :mod:`~gwangyang.logistics.times`
and :mod:`~gwangyang.logistics.route_file` name the file (or ``problem`` for a request's table), the table and row
(``vehicles[2]``), the record (``vehicle 탱크로리:``), the field and the value. A line starts with that ``where``
(``.+``: a file name may hold spaces, colons and Hangul); a record's prefix is a pattern of its own whose ``rest``
is read again, so a record's refusal (``count must be at least 1, got 0``) is written once, and the Korean keeps
the names and values as they are. :mod:`.i18n` tries them after the
upload refusals; the generic ``expected a number`` / ``an integer`` / ``a string`` lines are
:data:`.form_phrases.FORM_PHRASES`' and :data:`.port_file_phrases.PORT_FILE_PHRASES`'.
"""

from __future__ import annotations

import re

from .phrases import N_, phrase

ROUTE_FILE_TERMS: tuple[str, ...] = (
    # the closing part of "vehicle X: allowed_sites: 'Y' names 2 sites (S1, S2); give the id"
    N_("give the id"),
)
"""Closing parts of the refusals (after ``"; "``), translated by the catalogue as they are."""

_WHERE = r".+"
"""The file, table, row and field before the refusal (``광양 배차.toml: vehicles[0]``)."""

_N = r"\d+"

_NAME = r".+?"
"""A record's id or name before ``": "`` (the first one: the refusal after it may hold more)."""

ROUTE_FILE_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    # gwangyang.logistics.problem.RoutingProblem.from_file and gwangyang.files.read_text: the file as a whole
    phrase(N_("%(file)s: expected a .toml or .json problem file")),
    phrase(N_("%(file)s: not valid %(kind)s (%(rest)s)"), kind=r"TOML|JSON"),
    phrase(N_("%(file)s: expected a table at the top level")),
    phrase(
        N_(
            "%(file)s: not UTF-8 text (byte %(byte)s, line %(line)s: %(why)s), expected a problem file in UTF-8"
        ),
        byte=_N,
        line=_N,
    ),
    # gwangyang.logistics.service.parse_problem: a request's problem that is no table
    phrase(N_("%(where)s: expected a table (JSON object) at the top level")),
    # gwangyang.logistics.route_file: a problem from a request may not name files on the server
    phrase(N_("%(where)s: matrix files cannot be named in a request (use coordinates)")),
    phrase(
        N_("%(where)s: a gate appointments file cannot be named in a request (give each shipment's window)")
    ),
    # gwangyang.logistics.vrplib_io.solution_score: a .sol uploaded with our problem file
    phrase(
        N_(
            "%(file)s: a .sol scores a VRPLIB .vrp or Solomon .txt file, not our problem file (.toml or .json)"
        )
    ),
    # gwangyang.logistics.type_names: one name per vehicle type (before the "vehicle X:" prefix below)
    phrase(N_("%(where)s: vehicle type name is empty (got %(got)s)")),
    phrase(
        N_(
            "%(where)s: vehicle type name %(name)s is used by %(n)s types (each type needs a name of its own)"
        ),
        n=_N,
    ),
    phrase(
        N_(
            "%(where)s: vehicle type name %(name)s is used by %(n)s types, written %(forms)s (each type needs a "
            "name of its own: names are compared without surrounding spaces and in Unicode NFC, so decomposed "
            "Hangul is the same name)"
        ),
        n=_N,
    ),
    # the record a refusal is about (entities, RoutingProblem): its ``rest`` is read again by the lines below
    phrase(N_("%(where)s: vehicle %(name)s: %(rest)s"), name=_NAME),
    phrase(N_("%(where)s: order %(name)s: %(rest)s"), name=_NAME),
    phrase(N_("%(where)s: shipment %(name)s: %(rest)s"), name=_NAME),
    phrase(N_("%(where)s: site %(name)s: %(rest)s"), name=_NAME),
    # gwangyang.logistics.problem_tables: the tables and their fields
    phrase(N_("%(where)s: expected a table, got %(got)s"), got=r"\w+"),
    phrase(N_("%(where)s: unknown field %(name)s (expected one of %(known)s)")),
    phrase(N_("%(where)s: missing field %(name)s")),
    phrase(N_("%(where)s: expected an array of tables")),
    phrase(N_("%(where)s: expected non-empty text or a whole number, got %(got)s")),
    phrase(N_("%(where)s: expected a list (each item text or a whole number), got %(got)s")),
    phrase(N_("%(where)s: expected a list of names (non-empty strings), got %(got)s")),
    phrase(N_("%(where)s: expected a list of names, got %(got)s")),
    phrase(N_("%(where)s: %(name)s is listed twice")),
    phrase(N_("%(where)s: expected true or false, got %(got)s")),
    phrase(N_("%(where)s: circuity must be >= 1 and speed_kmh positive")),
    phrase(N_("%(where)s: expected [open, close], got %(got)s")),
    phrase(N_("%(where)s: window closes (%(closes)s) before it opens (%(opens)s)")),
    phrase(N_("%(where)s: expected %(n)s number(s), one per dimension, got %(got)s"), n=_N),
    phrase(N_("%(where)s: quantities must be finite and non-negative, got %(got)s")),
    phrase(N_("%(where)s: both appointment and %(key)s given (the appointment gives that window)")),
    phrase(N_("%(where)s: %(name)s is not in the [appointments] file")),
    # gwangyang.logistics.times.parse_time
    phrase(N_("%(where)s: expected minutes or 'HH:MM', got %(got)s")),
    phrase(N_("%(where)s: expected 'HH:MM', got %(got)s")),
    phrase(N_("%(where)s: minutes must be 0-59 in %(got)s")),
    phrase(N_("%(where)s: expected a non-negative time, got %(got)s")),
    # gwangyang.logistics.entities: a site, vehicle type, order or shipment on its own (after its prefix)
    phrase(N_("%(where)s: site.id: must be a non-empty string")),
    phrase(N_("latitude must be within -90..90, got %(got)s")),
    phrase(N_("longitude must be within -180..180, got %(got)s")),
    phrase(N_("kind must be 'depot' or 'site', got %(got)s")),
    phrase(N_("count must be at least 1, got %(got)s")),
    phrase(N_("capacity must be positive, got %(got)s")),
    phrase(N_("fixed_cost and cost_per_km must be non-negative")),
    phrase(N_("shift ends before it starts")),
    phrase(N_("%(field)s must be non-negative, got %(got)s"), field=r"\w+"),
    phrase(N_("break_min is longer than max_duration_min")),
    phrase(N_("window closes before it opens")),
    phrase(N_("service_min must be non-negative")),
    phrase(N_("prize must be a finite number >= 0, got %(got)s")),
    phrase(N_("pickup and delivery are the same site %(site)s")),
    phrase(N_("service times must be non-negative")),
    # gwangyang.logistics.problem.RoutingProblem: how the tables fit together
    phrase(N_("%(where)s: duplicate id %(id)s")),
    phrase(N_("%(where)s: id %(id)s is used twice")),
    phrase(N_("%(where)s: at least one vehicle type is needed")),
    phrase(N_("%(where)s: at least one order or shipment is needed")),
    phrase(N_("%(role)s %(depot)s is not a site of kind 'depot'"), role=r"start_depot|end_depot"),
    phrase(N_("capacity needs %(n)s number(s) for %(dims)s"), n=_N),
    phrase(N_("its allowed and forbidden lists leave it no order to serve")),
    phrase(
        N_(
            "the allowed and forbidden lists (its own and the shipments') leave it no order or shipment to serve"
        )
    ),
    phrase(N_("site %(site)s is not a site of kind 'site'")),
    phrase(
        N_(
            "no vehicle type may serve it (their allowed_sites, allowed_orders, forbidden_sites and "
            "forbidden_orders leave it out)"
        )
    ),
    phrase(N_("pickup site %(site)s is not a site")),
    phrase(N_("delivery site %(site)s is not a site")),
    phrase(
        N_(
            "no vehicle type may carry it (the vehicles' allowed_shipments and forbidden_shipments and its "
            "allowed_vehicles and forbidden_vehicles leave it out)"
        )
    ),
    phrase(N_("quantity needs %(n)s number(s) for %(dims)s"), n=_N),
    phrase(N_("quantity %(q)s exceeds the capacity of every vehicle type")),
    phrase(N_("quantity %(q)s exceeds the capacity of every vehicle type allowed to serve it (%(names)s)")),
    # a list of a vehicle type or shipment naming what is not there (after the record's prefix)
    phrase(N_("%(where)s: %(name)s is not a vehicle type (expected one of %(names)s)")),
    phrase(N_("%(where)s: %(name)s names vehicle type %(type)s again")),
    phrase(N_("%(where)s: %(name)s is not a shipment id (an order: use allowed_orders or forbidden_orders)")),
    phrase(N_("%(where)s: %(name)s is not a shipment id")),
    phrase(
        N_(
            "%(where)s: %(name)s is not an order id (a shipment: use allowed_shipments or forbidden_shipments)"
        )
    ),
    phrase(N_("%(where)s: %(name)s is not an order id")),
    phrase(N_("%(where)s: %(name)s is not the id or name of a site")),
    phrase(N_("%(where)s: %(name)s names %(n)s sites (%(ids)s)"), n=_N),
    phrase(N_("%(where)s: %(name)s is a depot, not a site orders go to")),
)
"""Patterns of a problem file's refusals, each with the msgid that translates it."""
