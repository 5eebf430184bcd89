"""The pages' languages: Korean and English message catalogues (gettext via Babel), the language of a request, and locale-aware number and date formats.

The catalogue is ``gwangyang/locale/<lang>/LC_MESSAGES/messages.po`` (compiled to ``messages.mo``, kept
in git and checked against the ``.po`` by a test). English is the source language: its msgids are the
English text, so English needs no catalogue. The language of a request is, in order: ``?lang=``, the
``gwangyang_lang`` cookie, the browser's ``Accept-Language``, then the server's default
(:func:`system_language`: ``$GWANGYANG_LANG``, else Korean when the system locale is Korean).
The CLI never uses this module: its messages stay English.
"""

from __future__ import annotations

import gettext
import math
import os
import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent
from babel.support import Translations

LANGUAGES: tuple[str, ...] = ("ko", "en")
"""Languages of the pages; a msgid is the English text."""

LANGUAGE_NAMES: dict[str, str] = {"ko": "한국어", "en": "English"}
"""Each language's name in itself, as the switch in the navigation shows it."""

LANG_COOKIE = "gwangyang_lang"
"""Cookie holding the language chosen with the switch; it wins over ``Accept-Language``."""

LANG_ENV = "GWANGYANG_LANG"
"""Environment variable naming the server's default language (``ko`` or ``en``)."""

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
"""Folder of the message catalogues."""

DOMAIN = "messages"


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark for extraction only"
    """Mark ``message`` for the catalogue without translating it here (translated where it is shown)."""
    return message


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
    (re.compile(r"^end of life \(SOH < (?P<limit>[\d.]+) %\)$"), N_("end of life (SOH < %(limit)s %%)")),
    (re.compile(r"^(?P<word>[a-z_ ]+) \(cycle (?P<cycle>\d+)\)$"), N_("%(word)s (cycle %(cycle)s)")),
    (
        re.compile(r"^(?P<name>\S+) high \(robust z (?P<z>[-+\d.]+)\)$"),
        N_("%(name)s high (robust z %(z)s)"),
    ),
    (
        re.compile(r"^(?P<name>\S+) low \(robust z (?P<z>[-+\d.]+)\)$"),
        N_("%(name)s low (robust z %(z)s)"),
    ),
    (
        re.compile(r"^multivariate outlier \(robust Mahalanobis² (?P<d2>[\d.]+) > (?P<limit>[\d.]+)\)$"),
        N_("multivariate outlier (robust Mahalanobis² %(d2)s > %(limit)s)"),
    ),
    (
        re.compile(r"^isolation forest outlier \(score (?P<score>[-\d.]+)\)$"),
        N_("isolation forest outlier (score %(score)s)"),
    ),
    (
        re.compile(
            r"^(?P<n>\d+) cycle\(s\) not complete \(no charge or no discharge, or cut by the file\): (?P<cycles>.*)$"
        ),
        N_("%(n)s cycle(s) not complete (no charge or no discharge, or cut by the file): %(cycles)s"),
    ),
    (
        re.compile(r"^store cells of known life \((?P<store>.*)\)$"),
        N_("store cells of known life (%(store)s)"),
    ),
    (
        re.compile(r"^cycler cycle (?P<cycle>\d+) holds (?P<n>\d+) charge/discharge loops$"),
        N_("cycler cycle %(cycle)s holds %(n)s charge/discharge loops"),
    ),
    (
        re.compile(
            r"^(?P<n>\d+) cycle\(s\) complete, with coulombic efficiency outside (?P<low>[\d.]+)-(?P<high>[\d.]+): (?P<cycles>.*)$"
        ),
        N_("%(n)s cycle(s) complete, with coulombic efficiency outside %(low)s-%(high)s: %(cycles)s"),
    ),
    (
        re.compile(
            r"^\((?P<word>[a-z_ ]+): needs at least (?P<n>\d+) cycles with a positive capacity, got (?P<got>\d+)\.\)$"
        ),
        N_("(%(word)s: needs at least %(n)s cycles with a positive capacity, got %(got)s.)"),
    ),
    (
        # gwangyang.battery.life_predict.predict_cells: a prediction beyond the training range
        re.compile(
            r"^feature (?P<name>\S+) lies (?P<sd>[\d.]+) training standard deviations outside the training cells' "
            r"range: the prediction extrapolates and its interval was not calibrated there$"
        ),
        N_(
            "feature %(name)s lies %(sd)s training standard deviations outside the training cells' range: "
            "the prediction extrapolates and its interval was not calibrated there"
        ),
    ),
    (
        # gwangyang.port.weather_control.weather_warnings: a run with too few weather stops to correct for
        re.compile(
            r"^the run saw (?P<stops>\d+) weather stops \((?P<share>[\d.]+) % of (?P<days>\S+) days, "
            r"expected (?P<expected>[\d.]+) %\), too few to correct for weather: the steady states of "
            r"(?P<words>.+) hold for this run's weather only and their intervals leave out the variation of "
            r"weather stops$"
        ),
        N_(
            "the run saw %(stops)s weather stops (%(share)s %% of %(days)s days, expected %(expected)s %%), "
            "too few to correct for weather: the steady states of %(words)s hold for this run's weather only "
            "and their intervals leave out the variation of weather stops"
        ),
    ),
    # gwangyang.port.steady_report.interval_warnings: steady states without an interval, and why
    (
        re.compile(
            r"^no steady-state interval for (?P<words>.+): fewer than (?P<n>\d+) batches in the run's (?P<days>\S+) days$"
        ),
        N_("no steady-state interval for %(words)s: fewer than %(n)s batches in the run's %(days)s days"),
    ),
    (
        re.compile(
            r"^no steady-state interval for (?P<words>.+): the run is shorter than two batches of their "
            r"correlation time \((?P<days>\S+) days\)$"
        ),
        N_(
            "no steady-state interval for %(words)s: the run is shorter than two batches of their correlation "
            "time (%(days)s days)"
        ),
    ),
    (
        re.compile(
            r"^no steady-state interval for (?P<words>.+): their batch means are still correlated at the fewest "
            r"batches allowed \((?P<n>\d+)\)$"
        ),
        N_(
            "no steady-state interval for %(words)s: their batch means are still correlated at the fewest "
            "batches allowed (%(n)s)"
        ),
    ),
    (
        re.compile(
            r"^no steady-state interval for (?P<words>.+): the same value in every batch, no estimate of their "
            r"variation \(what they count did not happen in the run, or cannot happen in this terminal\)$"
        ),
        N_(
            "no steady-state interval for %(words)s: the same value in every batch, no estimate of their "
            "variation (what they count did not happen in the run, or cannot happen in this terminal)"
        ),
    ),
    (re.compile(r"^run at least (?P<days>\S+) days$"), N_("run at least %(days)s days")),
    # gwangyang.port.compare.Comparison.warnings: differences without an interval, and why
    (
        re.compile(
            r"^no interval for the differences of (?P<words>.+): (?P<n>\d+) replication, fewer than (?P<least>\d+)$"
        ),
        N_("no interval for the differences of %(words)s: %(n)s replication, fewer than %(least)s"),
    ),
    (re.compile(r"^run at least (?P<n>\d+) replications$"), N_("run at least %(n)s replications")),
    (
        re.compile(
            r"^no interval for the differences of (?P<words>.+): the same value in every replication of both "
            r"scenarios, no estimate of their variation \(what they count did not happen in the runs, or cannot "
            r"happen in these terminals\)$"
        ),
        N_(
            "no interval for the differences of %(words)s: the same value in every replication of both "
            "scenarios, no estimate of their variation (what they count did not happen in the runs, or cannot "
            "happen in these terminals)"
        ),
    ),
    (
        re.compile(
            r"^no interval for the differences of (?P<words>.+): B - A is the same in every replication \(the "
            r"common random numbers move both scenarios alike\), no estimate of its variation$"
        ),
        N_(
            "no interval for the differences of %(words)s: B - A is the same in every replication (the common "
            "random numbers move both scenarios alike), no estimate of its variation"
        ),
    ),
    # gwangyang.port.fleet_compare.fleet_warnings: fleet KPIs and differences without an interval
    (
        re.compile(r"^no intervals: (?P<n>\d+) replication, fewer than (?P<least>\d+)$"),
        N_("no intervals: %(n)s replication, fewer than %(least)s"),
    ),
    (
        re.compile(
            r"^no interval for (?P<words>.+?) of (?P<word>[a-z_]+) with (?P<n>\d+) AGVs: the same value in every "
            r"replication, no estimate of their variation \(nothing of it happened, or the counts came out "
            r"equal: more or longer replications may give one\)$"
        ),
        N_(
            "no interval for %(words)s of %(word)s with %(n)s AGVs: the same value in every replication, no "
            "estimate of their variation (nothing of it happened, or the counts came out equal: more or longer "
            "replications may give one)"
        ),
    ),
    (
        re.compile(
            r"^no interval for the differences of (?P<words>.+?) between (?P<word>[a-z_]+) and (?P<word_base>[a-z_]+) "
            r"with (?P<n>\d+) AGVs: B - A is the same in every replication, no estimate of its variation$"
        ),
        N_(
            "no interval for the differences of %(words)s between %(word)s and %(word_base)s with %(n)s AGVs: "
            "B - A is the same in every replication, no estimate of its variation"
        ),
    ),
    # Errors the API returns (``detail``) and failed jobs' errors, as the pages' scripts show them
    # (split at ``"; "`` like every composed line). gwangyang.battery.io.registry: a file of no known cycler
    (
        re.compile(
            r"^(?P<where>.+): unknown cycler format \((?P<word>text|binary) file not recognised as "
            r"(?P<vendors>.+) or (?P<last>[^ ;]+)$"
        ),
        N_("%(where)s: unknown cycler format (%(word)s file not recognised as %(vendors)s or %(last)s"),
    ),
    (
        re.compile(r"^use --column-map for another cycler\)\.$"),
        N_("use --column-map for another cycler)."),
    ),
    # gwangyang.store.query: the guarded SQL runner
    (re.compile(r"^query: the store is read-only here$"), N_("query: the store is read-only here")),
    (
        re.compile(r"^expected a SELECT statement, got (?P<kind>\w+)\.$"),
        N_("expected a SELECT statement, got %(kind)s."),
    ),
    (re.compile(r"^query: no view named (?P<name>'[^']*')$"), N_("query: no view named %(name)s")),
    (
        re.compile(
            r"^query: view (?P<name>'[^']*') holds no rows here yet \(views with rows: (?P<rows>[\w, ]+)\)\.$"
        ),
        N_("query: view %(name)s holds no rows here yet (views with rows: %(rows)s)."),
    ),
    (
        re.compile(
            r"^query: view (?P<name>'[^']*') holds no rows here yet \(the store holds no cells yet\)\.$"
        ),
        N_("query: view %(name)s holds no rows here yet (the store holds no cells yet)."),
    ),
    (
        re.compile(r"^query: view (?P<name>'[^']*') holds no rows here yet\.$"),
        N_("query: view %(name)s holds no rows here yet."),
    ),
    (
        re.compile(r"^expected one of (?P<views>[\w, ]+) \(views with rows: (?P<rows>[\w, ]+)\)\.$"),
        N_("expected one of %(views)s (views with rows: %(rows)s)."),
    ),
    (
        re.compile(r"^expected one of (?P<views>[\w, ]+) \(the store holds no cells yet\)\.$"),
        N_("expected one of %(views)s (the store holds no cells yet)."),
    ),
    (re.compile(r"^expected one of (?P<views>[\w, ]+)\.$"), N_("expected one of %(views)s.")),
    (
        re.compile(r"^query: stopped after the time limit of (?P<s>\S+) s\.$"),
        N_("query: stopped after the time limit of %(s)s s."),
    ),
    (
        re.compile(
            r'^query: Binder Error: Referenced column (?P<name>"[^"]*") not found in FROM clause!(?P<rest>.*)$'
        ),
        N_("query: Binder Error: Referenced column %(name)s not found in FROM clause!%(rest)s"),
    ),
    (
        re.compile(r'^query: Parser Error: syntax error at or near (?P<near>"[^"]*")(?P<rest>.*)$'),
        N_("query: Parser Error: syntax error at or near %(near)s%(rest)s"),
    ),
    (
        re.compile(r"^query: Parser Error: syntax error at end of input(?P<rest>.*)$"),
        N_("query: Parser Error: syntax error at end of input%(rest)s"),
    ),
    # gwangyang.logistics.service: a problem file that is neither TOML nor JSON (the parser's reason follows)
    (
        re.compile(r"^problem_text: not valid TOML or JSON \((?P<why>.*)\)$"),
        N_("problem_text: not valid TOML or JSON (%(why)s)"),
    ),
    # gwangyang.factory.io / streaming: a sensor table without the monitor's time column
    (
        re.compile(r"^(?P<where>.+): no time column (?P<name>'[^']*')(?P<stop>\.?)$"),
        N_("%(where)s: no time column %(name)s%(stop)s"),
    ),
    (re.compile(r"^columns are (?P<columns>.+)\.$"), N_("columns are %(columns)s.")),
    # gwangyang.battery.schema: columns of a cycler file that the reader left out (an ingest warning)
    (re.compile(r"^column\(s\) not read: (?P<columns>.+)$"), N_("column(s) not read: %(columns)s")),
    # gwangyang.port.berths: a berth plan the heuristics found, CP-SAT's status first
    (
        re.compile(r"^(?P<word>[A-Z_]+) \(plan from (?P<method>\S+)\)$"),
        N_("%(word)s (plan from %(method)s)"),
    ),
    # Pydantic's messages in an API's 422 detail (common.js writes each as "field: message")
    (re.compile(r"^(?P<where>[^:]+): Field required$"), N_("%(where)s: Field required")),
    (
        re.compile(
            r"^(?P<where>[^:]+): Input should be a valid (?P<word>number|integer|list|array|dictionary|string|boolean)(?:, .*)?$"
        ),
        N_("%(where)s: Input should be a valid %(word)s"),
    ),
    (
        re.compile(r"^(?P<where>[^:]+): Input should be greater than or equal to (?P<n>\S+)$"),
        N_("%(where)s: Input should be greater than or equal to %(n)s"),
    ),
    (
        re.compile(r"^(?P<where>[^:]+): Input should be less than or equal to (?P<n>\S+)$"),
        N_("%(where)s: Input should be less than or equal to %(n)s"),
    ),
    (
        re.compile(r"^(?P<where>[^:]+): Input should be greater than (?P<n>\S+)$"),
        N_("%(where)s: Input should be greater than %(n)s"),
    ),
    (
        re.compile(r"^(?P<where>[^:]+): Input should be less than (?P<n>\S+)$"),
        N_("%(where)s: Input should be less than %(n)s"),
    ),
)
"""Patterns of the composed lines, each with the msgid that translates it (``word``, ``word_*`` and ``words`` groups: terms)."""


@cache
def script_phrases(lang: str) -> list[tuple[str, str]]:
    """:data:`PHRASES` for the pages' scripts: ``(pattern, translated template)``, the pattern in JavaScript's syntax.

    The scripts' ``phrase`` (``web/static/common.js``) does what :func:`phrase` does with them, so a
    composed line that reaches a page as data (a job's warnings) reads as it would on a rendered page.
    Empty for English (the lines are English).
    """
    if lang == "en":
        return []
    catalogue = translations(lang)
    return [(pattern.pattern.replace("(?P<", "(?<"), catalogue.gettext(msgid)) for pattern, msgid in PHRASES]


def normalise(lang: str | None) -> str | None:
    """``"ko"`` or ``"en"`` for a language tag such as ``ko-KR``, ``ko_KR.UTF-8`` or ``EN``; None otherwise."""
    if not lang:
        return None
    primary = lang.strip().replace("_", "-").split("-")[0].split(".")[0].lower()
    return primary if primary in LANGUAGES else None


def system_language(environ: Mapping[str, str] | None = None) -> str:
    """The server's default language: ``$GWANGYANG_LANG``, else the system locale's (``LC_ALL``, ``LC_MESSAGES``, ``LANG``), else English.

    A new install's demo on a Korean system (``LANG=ko_KR.UTF-8``) thus opens in Korean for a browser
    whose ``Accept-Language`` names neither language.
    """
    env = os.environ if environ is None else environ
    explicit = normalise(env.get(LANG_ENV))
    if explicit:
        return explicit
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            return normalise(value) or "en"
    return "en"


def accept_language(header: str | None) -> str | None:
    """The supported language the browser prefers most in an ``Accept-Language`` header, or None.

    ``ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7`` → ``"ko"``; a malformed weight counts as 0.
    """
    if not header:
        return None
    best: tuple[float, int, str] | None = None
    for position, item in enumerate(header.split(",")):
        tag, _, params = item.partition(";")
        lang = normalise(tag)
        if lang is None:
            continue
        weight = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                weight = float(params[2:])
            except ValueError:
                weight = 0.0
        if weight <= 0:
            continue
        key = (-weight, position, lang)
        if best is None or key < best:
            best = key
    return best[2] if best else None


def request_language(
    query: str | None, cookie: str | None, header: str | None, default: str | None = None
) -> str:
    """The language of a page: ``?lang=``, else the cookie, else ``Accept-Language``, else the server default."""
    return (
        normalise(query)
        or normalise(cookie)
        or accept_language(header)
        or normalise(default)
        or system_language()
    )


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``lang`` (English: the msgids themselves)."""
    if lang == "en":
        return gettext.NullTranslations()
    loaded = Translations.load(str(LOCALE_DIR), [lang], DOMAIN)
    if not isinstance(loaded, Translations):
        raise FileNotFoundError(f"{LOCALE_DIR / lang / 'LC_MESSAGES' / (DOMAIN + '.mo')}: missing catalogue")
    return loaded


@cache
def messages(lang: str) -> dict[str, str]:
    """Every translated message of ``lang`` as ``{msgid: text}`` (for the pages' scripts); empty for English."""
    catalogue: dict[Any, str] = getattr(translations(lang), "_catalog", {})
    return {key: text for key, text in catalogue.items() if isinstance(key, str) and key and text}


def gettext_for(lang: str, message: str) -> str:
    """``message`` in ``lang`` (the message itself when the catalogue lacks it)."""
    return translations(lang).gettext(message)


def number(value: Any, lang: str, digits: int | None = None, group: bool = False) -> str:
    """``value`` with the locale's decimal sign, and its grouping when ``group`` (counts on cards).

    ``digits`` fixes the decimals (None: as needed, up to 3). Table cells stay ungrouped by default, so
    that they paste into a spreadsheet as numbers.
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    pattern = "#,##0.###" if digits is None else ("#,##0" + ("." + "0" * digits if digits > 0 else ""))
    # The float's exact binary value, as printf rounds it (Babel would round its shortest repr half-even).
    exact = Decimal(value) if isinstance(value, float) else value
    return format_decimal(exact, format=pattern, locale=Locale.parse(lang), group_separator=group)


def percent(value: Any, lang: str, digits: int = 1) -> str:
    """A fraction as a percentage with the locale's decimal sign and a space before ``%`` (``0.953`` → ``95.3 %``)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "") + " %"
    exact = Decimal(value) if isinstance(value, float) else value
    return format_percent(exact, format=pattern, locale=Locale.parse(lang))


def when(value: Any, lang: str) -> str:
    """A date or an ISO date-time in the locale's medium format; other text unchanged, None as a dash."""
    if value is None or value == "":
        return "—"
    parsed: Any = value
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return value
        if len(value) <= 10:
            parsed = parsed.date()
    if isinstance(parsed, datetime):
        return format_datetime(parsed, "medium", locale=Locale.parse(lang))
    if isinstance(parsed, date):
        return format_date(parsed, "medium", locale=Locale.parse(lang))
    return str(value)


def phrase(value: Any, lang: str) -> str:
    """A line a service composed (``"; "``-separated parts) in ``lang``: each part by the catalogue or :data:`PHRASES`.

    A pattern's ``word`` (and ``word_*``) group is translated as one term, its ``words`` group term by term
    (``", "``-separated).
    """
    if value is None:
        return ""
    text = str(value)
    if lang == "en":
        return text
    catalogue = translations(lang)
    parts = []
    for part in text.split("; "):
        translated = catalogue.gettext(part)
        if translated == part:
            for pattern, msgid in PHRASES:
                match = pattern.match(part)
                if match:
                    fields = match.groupdict()
                    for key in fields:
                        if key == "word" or key.startswith("word_"):  # a term (a policy's name)
                            fields[key] = catalogue.gettext(fields[key])
                    if "words" in fields:  # a ", "-separated list of terms (KPI names), each translated
                        fields["words"] = ", ".join(catalogue.gettext(w) for w in fields["words"].split(", "))
                    translated = catalogue.gettext(msgid) % fields
                    break
        parts.append(translated)
    return "; ".join(parts)
