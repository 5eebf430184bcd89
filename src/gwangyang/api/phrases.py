"""How a composed line is translated: ``N_`` marks a msgid, :func:`phrase` makes a line's pattern from it.

Services compose lines (flags, warnings, errors) from parts and return them in English; the pages read them
Korean through :func:`.i18n.phrase`, which tries each part against :data:`.i18n.PATTERNS`. Those patterns live
with their concept (``*_phrases.py``: :mod:`.battery_phrases`, :mod:`.store_query_phrases`,
:mod:`.routing_phrases`, :mod:`.forecast_phrases`, :mod:`.form_phrases` and the others), each written once as its
msgid with :func:`phrase`; words that reach the pages as data are :mod:`.terms`. ``N_`` marks a msgid for the
extractor (``pybabel extract -k N_``). :data:`PREFIXES` are the lines' prefixes, tried first.
"""

from __future__ import annotations

import re


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark for extraction only"
    """Mark ``message`` for the catalogue without translating it here (translated where it is shown)."""
    return message


def phrase(msgid: str, **groups: str) -> tuple[re.Pattern[str], str]:
    r"""One pattern of :data:`.i18n.PATTERNS` made from its msgid: the msgid's text, each ``%(name)s`` a named group.

    ``groups`` gives a placeholder's pattern (``n=r"\d+"``); a placeholder not given matches ``.+``. So the
    pattern cannot drift from the msgid it translates (only Pydantic's ``Input should be a valid`` line, whose pattern
    also takes an optional tail the msgid leaves out, is written by hand).
    """
    return re.compile(f"^{_body(msgid, groups)}$"), msgid


def value(msgid: str, **groups: str) -> tuple[re.Pattern[str], str]:
    r"""A piece of English inside a value (``1 d 01:00:19``, ``3 (2 rows)``), found anywhere in it: its pattern.

    As :func:`phrase`, but not anchored and each placeholder must be given: :func:`.i18n.phrase` replaces every
    such piece of a pattern's groups (a file, a span of time, a list of cycles) by its translation.
    """
    return re.compile(_body(msgid, groups)), msgid


def _body(msgid: str, groups: dict[str, str]) -> str:
    """The regular expression of ``msgid``: its text escaped, each ``%(name)s`` a named group."""
    parts = re.split(r"%\((\w+)\)s", msgid)
    return "".join(
        f"(?P<{part}>{groups.get(part, '.+')})" if k % 2 else re.escape(part.replace("%%", "%"))
        for k, part in enumerate(parts)
    )


PREFIXES: tuple[tuple[re.Pattern[str], str], ...] = (
    # which of two uploaded scenarios a refusal is about (POST /port/compare/file), then the refusal itself
    phrase(N_("scenario %(label)s: %(rest)s"), label="[AB]"),
)
"""Prefixes before a line that has its own pattern, tried first: :func:`.i18n.phrase` reads a ``rest`` group as a
line again."""
