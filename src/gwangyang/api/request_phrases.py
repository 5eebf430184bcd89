"""The lines of a request's field refused (:mod:`.request_errors`): their msgids, and the patterns that read them.

Each refusal names the field's place (``body.start_c``, ``query.limit``, ``path.job_id``) and what was expected.
The server writes them in the request's language from these msgids; :data:`REQUEST_PHRASES` reads an English one
(a client's, a log's) as the pages read every composed line. ``expected a number`` and ``expected one of`` are
:data:`.form_phrases.FORM_PHRASES`' lines already (an upload's form fields), read by those patterns.
"""

from __future__ import annotations

import re

from .phrases import N_, phrase

REQUIRED = N_("%(where)s: required but missing")
NUMBER_IN = N_("%(where)s: expected a number in %(range)s, got %(got)s")
INTEGER_IN = N_("%(where)s: expected an integer in %(range)s, got %(got)s")
NUMBER = N_("%(where)s: expected a number, got %(got)s")
INTEGER = N_("%(where)s: expected an integer, got %(got)s")
TEXT = N_("%(where)s: expected text, got %(got)s")
BOOLEAN = N_("%(where)s: expected true or false, got %(got)s")
LIST = N_("%(where)s: expected a list, got %(got)s")
OBJECT = N_("%(where)s: expected an object, got %(got)s")
CHOICES = N_("%(where)s: expected one of %(choices)s, got %(got)s.")
TEXT_AT_MOST = N_("%(where)s: expected at most %(n)s characters, got %(count)s")
TEXT_AT_LEAST = N_("%(where)s: expected at least %(n)s characters, got %(count)s")
ITEMS_AT_MOST = N_("%(where)s: expected at most %(n)s items, got %(count)s")
ITEMS_AT_LEAST = N_("%(where)s: expected at least %(n)s items, got %(count)s")
PATTERN = N_("%(where)s: expected a value matching the pattern %(pattern)s, got %(got)s")
NOT_JSON = N_("%(where)s: not valid JSON at character %(n)s")
UNKNOWN_FIELD = N_("%(where)s: unknown field")
PATH_IDS = {
    "job id": N_("%(where)s: expected a job id, 32 lowercase hexadecimal digits, got %(got)s"),
    "name": N_(
        "%(where)s: expected a plain name (letters of any script, digits, '_', '-', '.', no leading dot, no '..', "
        "at most 80 characters), got %(got)s"
    ),
    "campaign name": N_(
        "%(where)s: expected a campaign name (letters of any script, digits, '_', '-', '.' and spaces, none at "
        "either end, no leading dot, no '..', at most 80 characters), got %(got)s"
    ),
    "cell id": N_(
        "%(where)s: expected a cell id (any script, none of / \\ : * ? \" < > | or control characters, no '..', "
        "not starting or ending with a space, '.', '_' or '-', at most 200 characters), got %(got)s"
    ),
}
"""What each patterned path id is (:func:`.fields.matching`), the line of one that does not match."""

_WHERE = r"[^:]+"
_RANGE = r"[\[(]\S+, \S+[\])]"
"""An interval as :func:`.request_errors.interval` writes it: ``[0.05, 10]``, ``(0, 120]``, ``[0, ∞)``."""

REQUEST_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    phrase(REQUIRED, where=_WHERE),
    phrase(NUMBER_IN, where=_WHERE, range=_RANGE),
    phrase(INTEGER_IN, where=_WHERE, range=_RANGE),
    phrase(INTEGER, where=_WHERE),
    phrase(TEXT, where=_WHERE),
    phrase(BOOLEAN, where=_WHERE),
    phrase(LIST, where=_WHERE),
    phrase(OBJECT, where=_WHERE),
    phrase(TEXT_AT_MOST, where=_WHERE, n=r"\d+"),
    phrase(TEXT_AT_LEAST, where=_WHERE, n=r"\d+"),
    phrase(ITEMS_AT_MOST, where=_WHERE, n=r"\d+"),
    phrase(ITEMS_AT_LEAST, where=_WHERE, n=r"\d+"),
    phrase(PATTERN, where=_WHERE),
    phrase(NOT_JSON, where=_WHERE, n=r"\S+"),
    phrase(UNKNOWN_FIELD, where=_WHERE),
    *(phrase(msgid, where=_WHERE) for msgid in PATH_IDS.values()),
)
"""Patterns of the lines :mod:`.request_errors` writes, each with its msgid."""
