"""The texts the code composes for the pages: words that reach them as data and patterns of composed lines.

:data:`TERMS` lists words that services return as values (part titles, anomaly kinds, JSON type names), and
:data:`PHRASES` the lines services compose from parts (flags, warnings, errors), each pattern with the msgid
that translates it. ``N_`` marks a msgid for the extractor (``pybabel extract -k N_``); :mod:`.i18n`
translates them (:func:`.i18n.phrase` on the server, :func:`.i18n.script_phrases` for the scripts).
"""

from __future__ import annotations

import re


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark for extraction only"
    """Mark ``message`` for the catalogue without translating it here (translated where it is shown)."""
    return message


def phrase(msgid: str, **groups: str) -> tuple[re.Pattern[str], str]:
    r"""One :data:`PHRASES` entry made from its msgid: the msgid's text, each ``%(name)s`` a named group.

    ``groups`` gives a placeholder's pattern (``n=r"\d+"``); a placeholder not given matches ``.+``. So the
    pattern cannot drift from the msgid it translates (only Pydantic's ``Input should be a valid`` line, whose pattern
    also takes an optional tail the msgid leaves out, is written by hand).
    """
    parts = re.split(r"%\((\w+)\)s", msgid)
    body = "".join(
        f"(?P<{part}>{groups.get(part, '.+')})" if k % 2 else re.escape(part.replace("%%", "%"))
        for k, part in enumerate(parts)
    )
    return re.compile(f"^{body}$"), msgid


DAY_NAME = "(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
"""A weekday's English name in a composed line (a ``word`` group: translated as a term)."""

SHORT_DAYS = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)(?: (?:Mon|Tue|Wed|Thu|Fri|Sat|Sun))*"
"""Working weekdays as a calendar's ``working_days`` spell them, space-separated (``Mon Tue Wed``)."""

ISO_DATE = r"\d{4}-\d{2}-\d{2}"

TERMS: tuple[str, ...] = (
    # Values of the service documents that pages show as words: part titles, anomaly kinds, triage grades.
    N_("Batteries"),
    N_("Quality"),
    N_("Port"),
    N_("Logistics"),
    N_("Factory"),
    N_("Optimize"),
    N_("admin"),
    N_("operator"),
    N_("viewer"),
    N_("the forecast is of ordinary business days"),
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
    # the working weekdays of a forecast's business-day calendar (its frequency's working_days)
    N_("Mon"),
    N_("Tue"),
    N_("Wed"),
    N_("Thu"),
    N_("Fri"),
    N_("Sat"),
    N_("Sun"),
    N_("or"),
    # the parts of a forecast series' refusals that never change (frequency.ONE_ROW_A_PERIOD and the advice)
    N_(
        "the forecaster takes one row per month, quarter, half-year, year, week, fortnight, day or business day, "
        "evenly spaced"
    ),
    N_("a business-day series holds Monday to Friday only: move or drop those rows"),
    N_("a business-day series holds its working weekdays only: move or drop those rows"),
    N_("move or drop those rows, or give that weekday as working"),
    N_("a weekday worked only some weeks is not holidays: give it every week or drop it"),
    N_("capacity drop"),
    N_("capacity step"),
    N_("efficiency dip"),
    N_("resistance jump"),
    N_("capacity_drop"),
    N_("capacity_step"),
    N_("efficiency_dip"),
    N_("resistance_jump"),
    N_("second life"),
    N_("reuse"),
    N_("recycle"),
    N_("second_life"),
    N_("health, life and fleet summaries leave them out"),
    N_("capacity"),
    N_("noise"),
    N_("split into one cycle each"),
    N_("OPTIMAL"),
    N_("shipped Severson sample (train split)"),
    N_("capacity spike"),
    N_("capacity_spike"),
    N_("queued"),
    N_("running"),
    N_("done"),
    N_("failed"),
    N_("maximize"),
    N_("minimize"),
    N_("nearest"),
    N_("earliest_due"),
    N_("lookahead"),
    N_("FEASIBLE"),
    N_("INFEASIBLE"),
    # port KPIs (gwangyang.port.result.KPI_UNITS) and their units
    N_("vessel_calls"),
    N_("teu"),
    N_("teu_per_year"),
    N_("mean_wait_h"),
    N_("p95_wait_h"),
    N_("mean_service_h"),
    N_("p95_service_h"),
    N_("berth_occupancy"),
    N_("qc_moves_per_hour"),
    N_("qc_net_moves_per_hour"),
    N_("vehicle_utilization"),
    N_("yard_crane_utilization"),
    N_("gate_utilization"),
    N_("gate_trucks"),
    N_("gate_mean_wait_min"),
    N_("gate_p95_wait_min"),
    N_("gate_p95_time_min"),
    N_("gate_wait_share"),
    N_("yard_mean_teu"),
    N_("yard_peak_teu"),
    N_("yard_fill_mean"),
    N_("yard_fill_peak"),
    N_("yard_rehandles_per_move"),
    N_("yard_blocked_qc_h"),
    N_("yard_export_wait_h"),
    N_("energy_kwh"),
    N_("co2_t"),
    N_("charging_share"),
    N_("empty_travel_share"),
    N_("qc_vehicle_wait_share"),
    N_("gate_appointment_delay_h"),
    N_("calls"),
    N_("fraction"),
    N_("moves/h (gross)"),
    N_("moves/h (net)"),
    N_("trucks"),
    N_("rehandles/move"),
    N_("crane-h"),
    # the AGV model's KPIs (gwangyang.port.agv_plan.FLEET_UNITS) that the simulation's do not name
    N_("moves_per_hour_per_crane"),
    N_("qc_idle_share"),
    N_("qc_idle_min_per_move"),
    N_("congestion_share"),
    N_("km_per_move"),
    N_("kwh_per_move"),
    # the closing part of gwangyang.port.weather_control.weather_warnings (``"; "``-separated)
    N_("run more days"),
    # units of gwangyang.port.result.KPI_UNITS and agv_plan.FLEET_UNITS not named above
    N_("TEU/yr"),
    N_("moves/h"),
    # the kind of file in gwangyang.battery.io.registry's "unknown cycler format" error
    N_("text"),
    N_("binary"),
    # the kinds of value in Pydantic's "Input should be a valid ..." (an API's 422 detail)
    N_("number"),
    N_("integer"),
    N_("list"),
    N_("array"),
    N_("dictionary"),
    N_("string"),
    N_("boolean"),
)
"""Words that reach the pages as data; listed so that the extractor puts them in the catalogue."""


PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    # Lines the services compose from parts (flags, screening reasons); ``word`` groups are translated too.
    phrase(N_("end of life (SOH < %(limit)s %%)"), limit=r"[\d.]+"),
    phrase(N_("%(word)s (cycle %(cycle)s)"), word=r"[a-z_ ]+", cycle=r"\d+"),
    phrase(N_("%(name)s high (robust z %(z)s)"), name=r"\S+", z=r"[-+\d.]+"),
    phrase(N_("%(name)s low (robust z %(z)s)"), name=r"\S+", z=r"[-+\d.]+"),
    phrase(
        N_("multivariate outlier (robust Mahalanobis² %(d2)s > %(limit)s)"), d2=r"[\d.]+", limit=r"[\d.]+"
    ),
    phrase(N_("isolation forest outlier (score %(score)s)"), score=r"[-\d.]+"),
    phrase(
        N_("%(n)s cycle(s) not complete (no charge or no discharge, or cut by the file): %(cycles)s"),
        n=r"\d+",
        cycles=r".*",
    ),
    phrase(N_("store cells of known life (%(store)s)"), store=r".*"),
    phrase(N_("cycler cycle %(cycle)s holds %(n)s charge/discharge loops"), cycle=r"\d+", n=r"\d+"),
    phrase(
        N_("%(n)s cycle(s) complete, with coulombic efficiency outside %(low)s-%(high)s: %(cycles)s"),
        n=r"\d+",
        low=r"[\d.]+",
        high=r"[\d.]+",
        cycles=r".*",
    ),
    # gwangyang.battery.service.cell_health (the cell page's health note): the cell as repr writes it
    phrase(
        N_("(cell %(cell)s: %(word)s: needs at least %(n)s cycles with a positive capacity, got %(got)s.)"),
        cell=r"'[^']*'|\"[^\"]*\"",
        word=r"[a-z_ ]+",
        n=r"\d+",
        got=r"\d+",
    ),
    # gwangyang.battery.life_predict.predict_cells: a prediction beyond the training range
    phrase(
        N_(
            "feature %(name)s lies %(sd)s training standard deviations outside the training cells' range: "
            "the prediction extrapolates and its interval was not calibrated there"
        ),
        name=r"\S+",
        sd=r"[\d.]+",
    ),
    # Errors the API returns (``detail``) and failed jobs' errors, as the pages' scripts show them
    # (split at ``"; "`` like every composed line). gwangyang.battery.io.registry: a file of no known cycler
    phrase(
        N_("%(where)s: unknown cycler format (%(word)s file not recognised as %(vendors)s or %(last)s"),
        word=r"text|binary",
        last=r"[^ ;]+",
    ),
    phrase(N_("use --column-map for another cycler).")),
    # gwangyang.store.query: the guarded SQL runner
    phrase(N_("query: the store is read-only here")),
    phrase(N_("expected a SELECT statement, got %(kind)s."), kind=r"\w+"),
    phrase(N_("query: no view named %(name)s"), name=r"'[^']*'"),
    phrase(
        N_("query: view %(name)s holds no rows here yet (views with rows: %(rows)s)."),
        name=r"'[^']*'",
        rows=r"[\w, ]+",
    ),
    phrase(
        N_("query: view %(name)s holds no rows here yet (the store holds no cells yet)."), name=r"'[^']*'"
    ),
    phrase(N_("query: view %(name)s holds no rows here yet."), name=r"'[^']*'"),
    phrase(N_("expected one of %(views)s (views with rows: %(rows)s)."), views=r"[\w, ]+", rows=r"[\w, ]+"),
    phrase(N_("expected one of %(views)s (the store holds no cells yet)."), views=r"[\w, ]+"),
    phrase(N_("expected one of %(views)s."), views=r"[\w, ]+"),
    phrase(N_("query: stopped after the time limit of %(s)s s."), s=r"\S+"),
    phrase(
        N_("query: Binder Error: Referenced column %(name)s not found in FROM clause!%(rest)s"),
        name='"[^"]*"',
        rest=r".*",
    ),
    phrase(N_("query: Parser Error: syntax error at or near %(near)s%(rest)s"), near='"[^"]*"', rest=r".*"),
    phrase(N_("query: Parser Error: syntax error at end of input%(rest)s"), rest=r".*"),
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
        N_("group %(g)s (%(members)s): %(n)s served, exactly one must be"), g=r"\d+", members=".*", n=r"\d+"
    ),
    phrase(N_("required client(s) not served exactly once: %(clients)s")),
    phrase(N_("more routes than vehicles of type: %(types)s")),
    # gwangyang.factory.io / streaming: a sensor table without the monitor's time column
    phrase(N_("%(where)s: no time column %(name)s%(stop)s"), name=r"'[^']*'", stop=r"\.?"),
    phrase(N_("columns are %(columns)s.")),
    # gwangyang.battery.schema: columns of a cycler file that the reader left out (an ingest warning)
    phrase(N_("column(s) not read: %(columns)s")),
    # gwangyang.logistics.holidays / iso_weeks: a forecast's notes ("; "-separated parts)
    phrase(
        N_(
            "%(n)s missing business day(s) taken as holidays and filled with the same weekday interpolated "
            "between the weeks around them: %(days)s"
        ),
        n=r"\d+",
    ),
    phrase(N_("the series holds ISO week 53 (%(weeks)s)"), weeks=r"[^()]+"),
    phrase(
        N_(
            "working calendar of %(n)s days a week: no %(words)s in the series' %(weeks)s weeks, so those are "
            "closed days, not missing days"
        ),
        n=r"\d",
        weeks=r"\d+",
    ),
    phrase(
        N_(
            "the season is %(season)s periods (364 days), so after a week 53 each week is compared with the "
            "week one number later a year before"
        ),
        season=r"\d+",
    ),
    phrase(N_("working calendar of %(n)s days a week, as given: %(words)s closed"), n=r"\d"),
    # gwangyang.logistics.frequency / holidays: a forecast series refused for dates on the wrong weekdays
    phrase(
        N_(
            "%(where)s holds business days with %(n)s weekend date(s) among them (the first %(date)s, a %(word)s)"
        ),
        n=r"\d+",
        date=ISO_DATE,
        word=DAY_NAME,
    ),
    phrase(
        N_(
            "%(where)s holds working days %(weekdays)s with %(n)s date(s) on %(weekdays_closed)s among them (the "
            "first %(date)s, a %(word)s)"
        ),
        weekdays=SHORT_DAYS,
        n=r"\d+",
        weekdays_closed=f"{DAY_NAME}(?: or {DAY_NAME})*",
        date=ISO_DATE,
        word=DAY_NAME,
    ),
    phrase(
        N_(
            "%(where)s: working days %(weekdays)s with %(n)s date(s) on other weekdays (the first %(date)s, a %(word)s)"
        ),
        weekdays=SHORT_DAYS,
        n=r"\d+",
        date=ISO_DATE,
        word=DAY_NAME,
    ),
    phrase(N_("working days %(weekdays)s are given for daily dates only"), weekdays=SHORT_DAYS),
    # gwangyang.logistics.weekdays: a working_days value that names no weekday
    phrase(
        N_(
            "%(where)s: %(got)s is not a weekday (expected Mon..Sun, Monday..Sunday, 월..일 or 월요일..일요일, as a "
            "list or a range such as Mon-Sat or 월~토)"
        ),
        where=r"[^:]+",
    ),
    phrase(
        N_(
            "%(where)s: no weekday given (expected Mon..Sun, Monday..Sunday, 월..일 or 월요일..일요일, as a list "
            "or a range such as Mon-Sat or 월~토)"
        ),
        where=r"[^:]+",
    ),
    phrase(
        N_("%(where)s holds %(word)s dates"), word=r"monthly|quarterly|half-yearly|yearly|weekly|fortnightly"
    ),
    phrase(
        N_("%(where)s: %(n)s of %(total)s %(word)ss are missing (the first %(date)s)"),
        n=r"\d+",
        total=r"\d+",
        word=DAY_NAME,
        date=ISO_DATE,
    ),
    # Pydantic's messages in an API's 422 detail (common.js writes each as "field: message")
    phrase(N_("%(where)s: Field required"), where=r"[^:]+"),
    # gwangyang.api.form_fields.form_model: an upload's form field (seed, workers, days) as the model reads it
    phrase(
        N_("%(where)s: Input should be greater than or equal to %(n)s, got %(got)s"), where="[^:]+", n=r"\S+"
    ),
    phrase(
        N_("%(where)s: Input should be less than or equal to %(n)s, got %(got)s"), where="[^:]+", n=r"\S+"
    ),
    phrase(N_("%(where)s: Input should be greater than %(n)s, got %(got)s"), where="[^:]+", n=r"\S+"),
    phrase(N_("%(where)s: Input should be less than %(n)s, got %(got)s"), where="[^:]+", n=r"\S+"),
    # a field's value of the wrong kind or not among the choices (form fields, a scenario's, SPC's chart)
    phrase(N_("%(where)s: expected a number, got %(got)s")),
    phrase(N_("%(where)s: expected one of %(choices)s, got %(got)s."), where="[^:]+"),
    (
        re.compile(
            r"^(?P<where>[^:]+): Input should be a valid (?P<word>number|integer|list|array|dictionary|string|boolean)(?:, .*)?$"
        ),
        N_("%(where)s: Input should be a valid %(word)s"),
    ),
    phrase(N_("%(where)s: Input should be greater than or equal to %(n)s"), where=r"[^:]+", n=r"\S+"),
    phrase(N_("%(where)s: Input should be less than or equal to %(n)s"), where=r"[^:]+", n=r"\S+"),
    phrase(N_("%(where)s: Input should be greater than %(n)s"), where=r"[^:]+", n=r"\S+"),
    phrase(N_("%(where)s: Input should be less than %(n)s"), where=r"[^:]+", n=r"\S+"),
)
"""Patterns of the composed lines, each with the msgid that translates it (``word``, ``word_*`` and ``words`` groups: terms)."""


PREFIXES: tuple[tuple[re.Pattern[str], str], ...] = (
    # which of two uploaded scenarios a refusal is about (POST /port/compare/file), then the refusal itself
    phrase(N_("scenario %(label)s: %(rest)s"), label="[AB]"),
)
"""Prefixes before a line that has its own pattern, tried first: :func:`.i18n.phrase` reads a ``rest`` group as a
line again."""
