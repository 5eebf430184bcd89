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
from functools import cache, partial
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent
from babel.support import Translations

from .auth_phrases import AUTH_PHRASES
from .battery_phrases import BATTERY_PHRASES
from .column_map_phrases import COLUMN_MAP_PHRASES
from .factory_phrases import (
    FACTORY_PHRASES,
    FACTORY_SENSOR_PHRASES,
    FACTORY_TABLE_PHRASES,
    FACTORY_TEP_PHRASES,
)
from .forecast_input_phrases import FORECAST_INPUT_PHRASES
from .forecast_phrases import FORECAST_PHRASES, ISO_WEEK_PHRASES
from .form_phrases import FORM_PHRASES
from .optimize_phrases import OPTIMIZE_PHRASES
from .phrases import PREFIXES
from .port_file_phrases import PORT_FILE_PHRASES
from .port_phrases import PORT_PHRASES
from .protocol_phrases import PROTOCOL_PHRASES
from .reader_ingest_phrases import INGEST_PHRASES
from .reader_phrases import READER_PHRASES
from .reader_text_phrases import READER_TEXT_PHRASES
from .request_phrases import REQUEST_PHRASES
from .route_file_phrases import ROUTE_FILE_PHRASES
from .route_instance_phrases import ROUTE_INSTANCE_PHRASES
from .routing_phrases import ROUTING_PHRASES
from .store_query_phrases import STORE_QUERY_PHRASES
from .store_view_phrases import STORE_VIEW_PHRASES
from .toml_file_phrases import TOML_FILE_PHRASES
from .triage_phrases import TRIAGE_PHRASES
from .twin_phrases import TWIN_PHRASES
from .upload_phrases import UPLOAD_PHRASES
from .value_phrases import NAME_GROUPS, NAMED_TERMS, VALUE_PHRASES, in_name
from .vrplib_phrases import VRPLIB_PHRASES

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

PATTERNS = (
    PREFIXES
    + FORECAST_INPUT_PHRASES
    + FACTORY_SENSOR_PHRASES
    + FACTORY_PHRASES
    + VRPLIB_PHRASES
    + PORT_FILE_PHRASES
    + TWIN_PHRASES
    + OPTIMIZE_PHRASES
    + PROTOCOL_PHRASES
    + TOML_FILE_PHRASES
    + COLUMN_MAP_PHRASES
    + TRIAGE_PHRASES
    + UPLOAD_PHRASES
    + ISO_WEEK_PHRASES
    + INGEST_PHRASES
    + READER_PHRASES
    + READER_TEXT_PHRASES
    + ROUTE_INSTANCE_PHRASES
    + ROUTE_FILE_PHRASES
    + STORE_VIEW_PHRASES
    + BATTERY_PHRASES
    + STORE_QUERY_PHRASES
    + ROUTING_PHRASES
    + FACTORY_TABLE_PHRASES
    + FACTORY_TEP_PHRASES
    + FORECAST_PHRASES
    + REQUEST_PHRASES
    + AUTH_PHRASES
    + FORM_PHRASES
    + PORT_PHRASES
)
"""Every composed line's pattern and msgid, tried in this order: :data:`.phrases.PREFIXES` (a prefix such as
``scenario B:`` before a line, whose ``rest`` is read again), a forecast series' refusals for its table, dates,
values and length (:mod:`.forecast_input_phrases`, before the lines of the factory and the readers that would read
them in part: ``... has 1 missing date(s), the first in data row 2``), a sensor table's refusals (:data:`.factory_phrases.FACTORY_SENSOR_PHRASES`), the factory's SPC lines, a VRPLIB or Solomon
instance's refusals (their prefixes take only the format's keywords), the port scenario's refusals, the twin's
warnings, a campaign's state file (:mod:`.optimize_phrases`), the charging-protocol parser's refusals (:mod:`.protocol_phrases`), the other TOML files' refusals, a column map's and triage's refusals, the upload refusals, a forecast's week label past its year's weeks
(:data:`.forecast_phrases.ISO_WEEK_PHRASES`, before the ingest's and the readers' lines, :mod:`.reader_ingest_phrases`
then :mod:`.reader_phrases`, that would read it in part), a routing problem's companion
files', instance's and unserved orders' lines (:mod:`.route_instance_phrases`) and a routing problem
file's refusals (the most specific), the store views' warnings (:mod:`.store_view_phrases`), then the battery
part's lines, the SQL runner's refusals, the routing results' lines, a sensor table's refusals, the Tennessee
Eastman evaluation's fault-start lines, the forecast's
lines, a request field's refusals (:mod:`.request_phrases`, the API's own lines of a field that fails validation, and
:mod:`.form_phrases`, whose ``where`` is any field) and the port's warnings."""


@cache
def script_phrases(lang: str) -> list[tuple[str, str]]:
    """:data:`PATTERNS` for the pages' scripts: ``(pattern, translated template)``, the pattern in JavaScript's syntax.

    The scripts' ``phrase`` (``web/static/common.js``) does what :func:`phrase` does with them, so a
    composed line that reaches a page as data (a job's warnings) reads as it would on a rendered page.
    Empty for English (the lines are English).
    """
    if lang == "en":
        return []
    catalogue = translations(lang)
    return [(pattern.pattern.replace("(?P<", "(?<"), catalogue.gettext(msgid)) for pattern, msgid in PATTERNS]


@cache
def script_values(lang: str) -> list[tuple[str, str]]:
    """:data:`.value_phrases.VALUE_PHRASES` for the pages' scripts, as :func:`script_phrases` gives the patterns."""
    if lang == "en":
        return []
    catalogue = translations(lang)
    return [
        (pattern.pattern.replace("(?P<", "(?<"), catalogue.gettext(msgid)) for pattern, msgid in VALUE_PHRASES
    ]


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
    """A line a service composed (``"; "``-separated parts) in ``lang``: each part by the catalogue or :data:`PATTERNS`.

    A pattern's ``word`` (and ``word_*``) group is translated as one term, its ``words`` group term by term
    (``", "``-separated), its ``weekdays`` (and ``weekdays_*``) groups word by word (space-separated weekday
    names: ``Mon Tue Sat``, ``Saturday or Sunday``). English inside any other group's value (a file's joined
    sheets, ``1 d 01:00:19``) is replaced by :data:`.value_phrases.VALUE_PHRASES`.
    """
    if value is None:
        return ""
    text = str(value)
    if lang == "en":
        return text
    catalogue = translations(lang)
    return "; ".join(_part(part, catalogue) for part in text.split("; "))


def _part(part: str, catalogue: gettext.NullTranslations) -> str:
    """One part of a composed line: the catalogue's, else the first matching pattern's (its ``rest`` read again)."""
    translated = catalogue.gettext(part)
    if translated != part:
        return translated
    for pattern, msgid in PATTERNS:
        match = pattern.match(part)
        if match:
            fields = match.groupdict()
            for key in fields:
                if key in NAME_GROUPS and key.startswith("word_"):  # a name, or a term standing for one
                    fields[key] = (
                        fields[key] if fields[key] not in NAMED_TERMS else catalogue.gettext(fields[key])
                    )
                elif key == "word" or key.startswith("word_"):  # a term (a policy's name)
                    fields[key] = catalogue.gettext(fields[key])
            if "words" in fields:  # a ", "-separated list of terms (KPI names), each translated
                fields["words"] = ", ".join(catalogue.gettext(w) for w in fields["words"].split(", "))
            for (
                key
            ) in fields:  # space-separated weekday names ("Mon Tue", "Saturday or Sunday"), each translated
                if key == "weekdays" or key.startswith("weekdays_"):
                    fields[key] = " ".join(catalogue.gettext(w) for w in fields[key].split(" "))
            for key in fields:  # English inside a value (a file's joined sheets, "1 d 01:00:19")
                if key != "rest" and key not in NAME_GROUPS and fields[key] is not None:
                    fields[key] = _values(fields[key], catalogue)
            if "rest" in fields:  # a line after a prefix (PREFIXES)
                fields["rest"] = _part(fields["rest"], catalogue)
            return catalogue.gettext(msgid) % fields
    return part


def _values(text: str, catalogue: gettext.NullTranslations) -> str:
    """``text`` with each piece of :data:`.value_phrases.VALUE_PHRASES` in it translated, a name's aside."""
    for pattern, msgid in VALUE_PHRASES:
        if pattern.search(text):
            text = pattern.sub(partial(_filled, catalogue.gettext(msgid)), text)
    return text


def _filled(template: str, match: re.Match[str]) -> str:
    """``template`` filled with ``match``'s groups; the piece as it is where it is part of a name."""
    if in_name(match.string, match.start(), match.end()):
        return match.group(0)
    return template % match.groupdict()
