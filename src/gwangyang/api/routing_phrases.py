"""The routing part's composed lines as the routes page shows them: a route's violations and a result's warnings.

:mod:`gwangyang.logistics.check` and :mod:`~gwangyang.logistics.views` compose them from the orders, depots and
times of a result; a problem's text that is no TOML or JSON and a VRPLIB family's rounding note are here too. A
problem file's own refusals are :mod:`.route_file_phrases`, a matrix's, an appointment file's and the instance's
:mod:`.route_instance_phrases`.
"""

from __future__ import annotations

import re

from .phrases import N_, phrase

ROUTING_TERMS: tuple[str, ...] = (
    # gwangyang.logistics.parallel: the parallel PyVRP search's failures (a job's error)
    N_("pyvrp: a worker process stopped answering"),
    N_("pyvrp: no worker returned a solution"),
    # gwangyang.logistics.service.latest_view: no routes or forecast kept yet (a 404's detail)
    N_("no routes in the store yet: run a job or `gwangyang demo`."),
    N_("no forecast in the store yet: run a job or `gwangyang demo`."),
    # gwangyang.logistics.baseline.refuse: what the ortools baseline does not model (a "words" group's terms,
    # split at ", ": the last feature's own comma makes two terms) and the advice after it
    N_("reloads"),
    N_("pickup-delivery pairs"),
    N_("backhauls"),
    N_("release times"),
    N_("duration or distance limits"),
    N_("duration costs or breaks"),
    N_("prizes"),
    N_("client groups or allowed clients"),
    N_("use --solver pyvrp"),
)
"""Whole lines of the solver, translated by the catalogue as they are."""

ROUTING_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    # gwangyang.logistics.protocol.check_limits and solver: a solve's settings
    phrase(N_("time_limit: expected a positive number of seconds, got %(value)s")),
    phrase(N_("seed: expected a non-negative integer, got %(value)s")),
    phrase(
        N_("%(name)s: expected a whole number from 1 to %(most)s, got %(value)s"), name=r"\w+", most=r"[\d,]+"
    ),
    phrase(N_("solver: expected 'pyvrp' or 'ortools', got %(value)s")),
    phrase(N_("sync_every: expected a positive number of seconds or None, got %(value)s")),
    phrase(N_("sync_every_iterations: expected a whole number, 1 or more, got %(value)s")),
    phrase(
        N_("sync_every (%(s)s s) and sync_every_iterations (%(n)s): give one or the other, not both"),
        s=r"\S+",
        n=r"\S+",
    ),
    phrase(N_("pyvrp: iterations per epoch must be 1 or more, got %(value)s")),
    phrase(N_("%(name)s: the ortools baseline does not model %(words)s")),
    phrase(N_("%(name)s: backhaul order needs linehaul and backhaul clients at distinct locations")),
    # gwangyang.logistics.service: a problem file that is neither TOML nor JSON (the parser's reason follows)
    phrase(N_("problem_text: not valid TOML or JSON (%(rest)s)"), rest=r".*"),
    # gwangyang.logistics.vrplib_format.rounding_note: a VRPLIB TYPE of no known rounding convention (a note)
    phrase(N_("TYPE %(kind)s: no distance rounding convention is known here for this family"), kind=r"\S+"),
    phrase(
        N_(
            "Euclidean distances were rounded to the nearest integer (TSPLIB nint, as CVRP), so costs may differ from the family's published ones"
        )
    ),
    # gwangyang.logistics.check: a route's violations (the routes page prefixes the route and its vehicle type)
    phrase(N_("serves %(order)s, which its vehicle type may not visit")),
    phrase(N_("reloads at depot %(depot)s, which is not one of its reload depots")),
    phrase(N_("%(n)s reloads, more than its limit of %(limit)s"), n=r"\d+", limit=r"\d+"),
    phrase(N_("delivers pair %(order)s before (or without) picking it up on this route")),
    phrase(N_("trip %(n)s starts with backhaul %(order)s"), n=r"\d+"),
    phrase(N_("delivers to %(order)s after backhaul %(other)s on trip %(n)s"), n=r"\d+"),
    phrase(
        N_("carries %(q)s %(dim)s on trip %(n)s, over its capacity %(cap)s"), q=r"\S+", n=r"\d+", cap=r"\S+"
    ),
    phrase(N_("picks up pair %(order)s but never delivers it")),
    phrase(
        N_(
            "cannot leave before %(start)s (release times, windows), after its depot or shift closes at %(closes)s"
        ),
        start=r"\S+",
        closes=r"\S+",
    ),
    phrase(N_("reaches reload depot %(depot)s %(late)s after it closes"), late=r"\S+"),
    phrase(N_("reaches %(order)s %(late)s after its window closes"), late=r"\S+"),
    phrase(N_("returns %(late)s after its shift or depot closes"), late=r"\S+"),
    phrase(
        N_("lasts %(d)s, over its duration limit %(limit)s plus %(ot)s overtime"),
        d=r"\S+",
        limit=r"\S+",
        ot=r"\S+",
    ),
    phrase(N_("lasts %(d)s, over its duration limit %(limit)s"), d=r"\S+", limit=r"\S+"),
    phrase(N_("drives %(d)s, over its distance limit %(limit)s"), d=r"\S+", limit=r"\S+"),
    # gwangyang.logistics.views.result_warnings: why a routing result is infeasible beyond its routes
    phrase(
        N_("group %(g)s (%(members)s): %(n)s served, exactly one must be"),
        g=r"[^:(]+",
        members=".*",
        n=r"\d+",
    ),
    phrase(N_("required client(s) not served exactly once: %(clients)s")),
    phrase(N_("more routes than vehicles of type: %(types)s")),
)
"""Patterns of the routing results' lines, each with the msgid that translates it."""
