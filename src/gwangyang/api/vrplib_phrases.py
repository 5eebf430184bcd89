"""A VRPLIB or Solomon instance refused, as the logistics page shows it: the benchmark readers' errors.

:mod:`gwangyang.logistics.vrplib_sections` (specifications, sections, rows, numbers),
:mod:`~gwangyang.logistics.vrplib_format` (distances, depots, demands, vehicles, pickup-delivery pairs),
:mod:`~gwangyang.logistics.vrplib_choices` (prizes, groups, allowed clients),
:mod:`~gwangyang.logistics.vrplib_solution` (``.sol`` files) and :mod:`~gwangyang.logistics.vrplib_io` (Solomon
files, the kind of a file, best-known costs) name the file, then the specification or section and the node,
vehicle or line (``X-n101-k25.vrp: NODE_COORD_SECTION node 7:``). That place is a prefix pattern of its own whose
``rest`` is read again, so a refusal written after several places (``expected a number, got 'x'``) is written
once. The section and specification names stay as the file writes them (they are the format's keywords); the
prefixes only take those names (:data:`NAMES`), so they never catch another module's line.
:mod:`.i18n` tries these before the port's and the routing problem file's patterns.
"""

from __future__ import annotations

import re

from .phrases import N_, phrase

_FILE = r".+?"
"""The file's name as the upload gave it (it may hold spaces and Hangul)."""

_N = r"-?\d+"
"""A node, vehicle, group, line or row count as the file numbers it."""

_G = r"\S+"
"""A number as Python's ``:g`` writes it (``206``, ``1e+12``, ``nan``)."""

_SECTION = r"[A-Z_]+_SECTION"

SPECIFICATIONS: tuple[str, ...] = (
    "VEHICLES_UNIT_DISTANCE_COST",
    "VEHICLES_MAX_DISTANCE",
    "VEHICLES_MAX_DURATION",
    "VEHICLES_MAX_RELOADS",
    "VEHICLES_FIXED_COST",
    "EDGE_WEIGHT_FORMAT",
    "DISPLAY_DATA_TYPE",
    "EDGE_WEIGHT_TYPE",
    "NODE_COORD_TYPE",
    "VEHICLES_DEPOT",
    "RELEASE_TIME",
    "SERVICE_TIME",
    "DIMENSION",
    "CAPACITY",
    "DISTANCE",
    "VEHICLES",
    "COMMENT",
    "NAME",
    "TYPE",
)
"""The specifications :mod:`gwangyang.logistics.vrplib_sections` reads, longest first (the API reaches the reader only
through the routing service, so they are written here; ``tests/api/test_i18n_vrplib.py`` checks they are the same)."""

NAMES = "|".join((_SECTION, *SPECIFICATIONS))
"""The format's keywords that start a refusal's place: a section or a specification."""

VRPLIB_TERMS: tuple[str, ...] = (
    # the closing parts of the refusals (after "; "), translated by the catalogue as they are
    N_("depots cannot"),
    N_("TIME_WINDOW_SECTION or SERVICE_TIME_SECTION may not give them again"),
    N_("it is refused rather than ignored"),
    N_("groups hold clients"),
    N_("a client is in one group"),
    N_("list clients only"),
    # the kinds of file gwangyang.files.read_text is told to expect (the ``word_what`` of the UTF-8 refusal)
    N_("VRPLIB .vrp or Solomon .txt file"),
    N_("VRPLIB file"),
    N_("Solomon file"),
    N_("VRPLIB solution file"),
    # a specification that is not given (EDGE_WEIGHT_TYPE, EDGE_WEIGHT_FORMAT)
    N_("(missing)"),
)
"""Whole parts and words of the refusals, translated by the catalogue as they are."""

VRPLIB_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    # gwangyang.files.read_text: a file that is not UTF-8 (what it should be is a term above)
    phrase(
        N_(
            "%(file)s: not UTF-8 text (byte %(byte)s, line %(line)s: %(word)s), expected a %(word_what)s in UTF-8"
        ),
        file=_FILE,
        byte=r"\d+",
        line=r"\d+",
        word_what=r"VRPLIB \.vrp or Solomon \.txt file|VRPLIB file|Solomon file|VRPLIB solution file",
    ),
    # gwangyang.logistics.vrplib_io: the kind of file, Solomon files
    phrase(N_("%(file)s: not a problem file (.toml/.json), a VRPLIB .vrp or a Solomon .txt"), file=_FILE),
    phrase(
        N_("%(file)s: expected a Solomon file with VEHICLE (NUMBER, CAPACITY) and CUSTOMER sections"),
        file=_FILE,
    ),
    phrase(
        N_("%(file)s: VEHICLE NUMBER must be >= 1 and CAPACITY positive, got %(count)s and %(capacity)s"),
        file=_FILE,
        count=_N,
        capacity=_G,
    ),
    phrase(N_("%(file)s: customer row needs 7 numbers, got %(got)s"), file=_FILE),
    phrase(N_("%(file)s: expected the depot (customer 0) and at least one customer"), file=_FILE),
    phrase(N_("%(file)s: customer %(customer)s: %(rest)s"), file=_FILE, customer=_N),
    phrase(N_("%(field)s must be a finite number within +-%(max)s"), field=r"XCOORD|YCOORD", max=_G),
    phrase(
        N_("%(field)s must be a finite non-negative number up to %(max)s, got %(got)s"),
        field=r"DEMAND|READY TIME|DUE DATE|SERVICE TIME",
        max=_G,
    ),
    phrase(N_("due date is before ready time")),
    # gwangyang.logistics.vrplib_io: a .sol scored, best-known costs (bks.csv)
    phrase(N_("%(file)s: solution visits location %(location)s, which the instance lacks"), location=_N),
    phrase(
        N_("%(file)s: a .sol scores a VRPLIB .vrp or Solomon .txt file, not %(given)s"),
        file=_FILE,
        given=r"'[^']*'",
    ),
    phrase(N_("%(file)s: no best-known solution (.sol beside it or bks.csv in its folder)"), file=_FILE),
    phrase(
        N_("%(file)s: expected an instance column (%(names)s) and a best-known column (%(values)s)"),
        file=_FILE,
    ),
    phrase(N_("columns are %(columns)s")),
    phrase(N_("%(file)s: line %(line)s: %(column)s %(got)s is not a cost"), file=_FILE, line=r"\d+"),
    phrase(N_("%(file)s: no row for %(name)s in %(table)s (column %(column)s)"), file=_FILE),
    # gwangyang.logistics.vrplib_solution: a .sol's lines; writing one for an instance of another kind
    phrase(
        N_("%(file)s: route line %(got)s: expected 'Route #k:' and location numbers"),
        file=_FILE,
        got=r"'.*'|\".*\"",
    ),
    phrase(N_("%(file)s: expected 'Route #k: ...' lines and a 'Cost N' line"), file=_FILE),
    phrase(N_("%(name)s: a .sol file numbers VRPLIB nodes"), name=_FILE),
    phrase(N_("this instance is from %(source)s"), source=r"\w+"),
    # gwangyang.logistics.vrplib_sections: the file's lines, names and numbering
    phrase(
        N_("%(file)s: line %(line)s: %(section)s appears twice"), file=_FILE, line=r"\d+", section=_SECTION
    ),
    phrase(
        N_("%(file)s: line %(line)s: expected 'KEY : value' or a section, got %(got)s"),
        file=_FILE,
        line=r"\d+",
    ),
    phrase(N_("%(file)s: %(name)s (%(why)s) is not supported"), file=_FILE, name=r"[A-Z_]+"),
    phrase(N_("%(file)s: unknown section %(name)s"), file=_FILE, name=_SECTION),
    phrase(N_("%(file)s: unknown specification %(name)s"), file=_FILE, name=r"[A-Z][A-Z0-9_]*"),
    phrase(N_("%(file)s: missing specification %(name)s"), file=_FILE, name=r"[A-Z_]+"),
    phrase(N_("%(file)s: node numbers repeat"), file=_FILE),
    phrase(N_("%(file)s: missing DEMAND_SECTION for CAPACITY"), file=_FILE),
    phrase(N_("%(file)s: %(name)s must be at least %(min)s, got %(got)s"), file=_FILE, name=NAMES),
    phrase(N_("%(file)s: %(name)s must be >= 0"), file=_FILE, name=NAMES),
    phrase(
        N_("%(file)s: %(section)s has %(n)s rows, expected %(spec)s = %(count)s"),
        file=_FILE,
        section=_SECTION,
        n=r"\d+",
        spec=r"DIMENSION|VEHICLES",
        count=r"\d+",
    ),
    phrase(
        N_("%(file)s: %(section)s (from line %(first)s) has %(n)s rows, expected %(spec)s = %(count)s"),
        file=_FILE,
        section=_SECTION,
        first=r"\d+",
        n=r"\d+",
        spec=r"DIMENSION|VEHICLES",
        count=r"\d+",
    ),
    phrase(
        N_("%(file)s: %(section)s names node %(node)s, which no other section has"),
        file=_FILE,
        section=_SECTION,
        node=_N,
    ),
    phrase(
        N_("%(file)s: %(section)s names vehicle %(vehicle)s of %(count)s"),
        file=_FILE,
        section=_SECTION,
        vehicle=_N,
        count=r"\d+",
    ),
    # gwangyang.logistics.vrplib_format: distances, depots, demands and vehicles
    phrase(
        N_("%(file)s: EDGE_WEIGHT_TYPE %(word)s needs a NODE_COORD_SECTION"), file=_FILE, word=r"[A-Z0-9_]+"
    ),
    phrase(
        N_("%(file)s: EDGE_WEIGHT_TYPE %(word)s not supported (EUC_2D, CEIL_2D, EXPLICIT)"),
        file=_FILE,
        word=r"\(missing\)|\S+",
    ),
    phrase(N_("%(file)s: EDGE_WEIGHT_FORMAT %(word)s not supported"), file=_FILE, word=r"\(missing\)|\S+"),
    phrase(
        N_("%(file)s: EDGE_WEIGHT_SECTION has %(n)s numbers, expected %(count)s"),
        file=_FILE,
        n=r"\d+",
        count=r"\d+",
    ),
    phrase(N_("%(file)s: DEPOT_SECTION must name distinct node numbers of the file"), file=_FILE),
    phrase(N_("%(file)s: distances are not finite numbers"), file=_FILE),
    phrase(N_("%(file)s: depot node %(node)s has a demand"), file=_FILE, node=_N),
    phrase(N_("%(file)s: PICKUP_AND_DELIVERY_SECTION gives windows and service times"), file=_FILE),
    phrase(N_("%(file)s: missing CAPACITY (or CAPACITY_SECTION) for the demands"), file=_FILE),
    phrase(
        N_("%(file)s: CAPACITY needs %(n)s number(s) per vehicle, one per demand column"),
        file=_FILE,
        n=r"\d+",
    ),
    phrase(
        N_("%(file)s: %(name)s vehicle %(vehicle)s names node %(node)s, which is not in DEPOT_SECTION"),
        file=_FILE,
        name=r"VEHICLES_DEPOT|VEHICLES_RELOAD_DEPOT",
        vehicle=_N,
        node=_N,
    ),
    phrase(
        N_("%(file)s: node %(node)s demands more than CAPACITY %(capacity)s of every vehicle"),
        file=_FILE,
        node=_N,
        capacity=_G,
    ),
    phrase(
        N_("%(file)s: pickup node %(node)s carries more than the capacity of every vehicle"),
        file=_FILE,
        node=_N,
    ),
    # the place a refusal is about: its ``rest`` is read again by the lines below
    phrase(N_("%(file)s: %(section)s node %(node)s: %(rest)s"), file=_FILE, section=_SECTION, node=_N),
    phrase(
        N_("%(file)s: %(section)s vehicle %(vehicle)s: %(rest)s"), file=_FILE, section=_SECTION, vehicle=_N
    ),
    phrase(N_("%(file)s: %(section)s line %(line)s: %(rest)s"), file=_FILE, section=_SECTION, line=r"\d+"),
    phrase(N_("%(file)s: %(name)s: %(rest)s"), file=_FILE, name=NAMES),
    phrase(N_("%(file)s: Cost: %(rest)s"), file=r".+?\.sol"),  # a .sol's cost line (vrplib_solution)
    # a number of a specification, section or row (vrplib_sections.number, Reader.integer)
    phrase(N_("expected a number, got %(got)s")),
    phrase(N_("expected a finite number, got %(got)s")),
    phrase(N_("expected an integer, got %(got)s")),
    phrase(N_("%(got)s is too large (at most %(max)s is supported)"), got=r"\S+", max=_G),
    # a node section's row (Reader.node_values), a vehicle section's row (Reader.vehicle_values)
    phrase(N_("expected %(n)s numbers per row, got %(got)s"), n=r"\d+"),
    phrase(N_("expected %(n)s numbers, got %(count)s"), n=r"\d+", count=r"\d+"),
    phrase(N_("values must be >= %(min)s, got %(got)s"), min=_G),
    phrase(N_("values must be >= 0")),
    phrase(N_("coordinates beyond +-%(max)s are not supported"), max=_G),
    phrase(N_("distances must be >= 0")),
    phrase(N_("node %(node)s must be served but no vehicle may visit it"), node=_N),
    # PICKUP_AND_DELIVERY_SECTION's rows (vrplib_format._pairs)
    phrase(N_("windows, service and siblings must be >= 0, the window ordered")),
    phrase(N_("also has a DEMAND_SECTION demand")),
    phrase(N_("its delivery node %(node)s does not name it as its pickup"), node=_N),
    phrase(N_("its pickup node %(node)s does not name it as its delivery"), node=_N),
    phrase(N_("a pickup's demand must be >= 0")),
    phrase(N_("is neither a pickup (0, delivery) nor a delivery (pickup, 0)")),
    # the rows of prizes, groups and allowed clients (vrplib_choices, Reader.node_list), after "SECTION line N:"
    phrase(N_("names node %(node)s, which is not a node of the file"), node=_N),
    phrase(N_("expected 'node prize', got %(got)s")),
    phrase(N_("node %(node)s is given a prize twice"), node=_N),
    phrase(N_("node %(node)s: a prize must be >= 0, got %(got)s"), node=_N),
    phrase(N_("depot node %(node)s cannot have a prize, got %(got)s"), node=_N),
    phrase(N_("group %(group)s appears twice"), group=_N),
    phrase(N_("group %(group)s names depot node %(node)s"), group=_N, node=_N),
    phrase(N_("node %(node)s is in group %(group)s and in group %(other)s"), node=_N, group=_N, other=_N),
    phrase(N_("names vehicle %(vehicle)s"), vehicle=_N),
    phrase(N_("expected each of 1..%(count)s once"), count=r"\d+"),
    phrase(N_("vehicle %(vehicle)s names depot node %(node)s"), vehicle=_N, node=_N),
    phrase(N_("vehicle %(vehicle)s may visit no client"), vehicle=_N),
)
"""Patterns of a VRPLIB or Solomon instance's (and a ``.sol``'s) refusals, each with the msgid that translates it."""
