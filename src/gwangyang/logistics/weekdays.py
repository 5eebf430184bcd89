"""Weekday names as a user writes them, in English or Korean: ``Mon``, ``Monday``, ``월``, ``월요일``.

:func:`parse_working_days` reads the working weekdays of a calendar (``--working-days``, the API's
``working_days``) from a list or ranges of them: ``Mon-Sat``, ``월~토``, ``월요일-금요일``, ``Mon,Tue,Wed``,
``월 화 수 목 금``, ``월화수목금토`` (Korean one-letter names need no separator), or a list of such words. A range
may wrap past Sunday (``Sun-Thu``: a Sunday-to-Thursday week). Anything else is refused naming the word.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from ..errors import InputError
from ..written import as_written

ENGLISH = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
"""Full English names, Monday first (0 Monday .. 6 Sunday, as :attr:`pandas.Timestamp.weekday`)."""

KOREAN = ("월", "화", "수", "목", "금", "토", "일")
"""Korean one-letter names, 월 (Monday) first; the full name adds 요일 (월요일)."""

WORDS: dict[str, int] = {
    **{name.lower(): d for d, name in enumerate(ENGLISH)},
    **{name[:3].lower(): d for d, name in enumerate(ENGLISH)},
    **{name: d for d, name in enumerate(KOREAN)},
    **{f"{name}요일": d for d, name in enumerate(KOREAN)},
}
"""Every spelling read as a weekday: ``monday``, ``mon``, ``월``, ``월요일`` (English case-insensitive)."""

EXPECTED = "Mon..Sun, Monday..Sunday, 월..일 or 월요일..일요일, as a list or a range such as Mon-Sat or 월~토"
"""What a refusal says is expected."""

_RANGE = re.compile(r"^(?P<first>[^-~–]+?)\s*(?:-|~|–|\.\.)\s*(?P<last>[^-~–]+)$")
_SEPARATORS = re.compile(r"[\s,;/·、]+")
_KOREAN_RUN = re.compile(f"^[{''.join(KOREAN)}]+$")


def weekday(word: str, where: str = "working_days") -> int:
    """The weekday (0 Monday .. 6 Sunday) a word names: ``Mon``, ``monday``, ``월`` or ``월요일``.

    Raises
    ------
    InputError
        A word that names no weekday.
    """
    key = unicodedata.normalize("NFC", word.strip())
    found = WORDS.get(key.lower())
    if found is None:
        raise InputError(f"{where}: {word.strip()[:40]!r} is not a weekday (expected {EXPECTED})")
    return found


def parse_working_days(value: str | Sequence[str], where: str = "working_days") -> tuple[int, ...]:
    """The weekdays (0 Monday .. 6 Sunday, sorted) of a list or ranges of weekday names in English or Korean.

    ``value`` is text (``"Mon-Sat"``, ``"월, 화, 수"``, ``"월화수목금"``) or a sequence of such texts
    (``["Mon", "Tue"]``, ``["월~금", "토"]``); a day named twice counts once.

    Raises
    ------
    InputError
        No day named, or a word that is no weekday (named, with what is expected).
    """
    parts = [value] if isinstance(value, str) else list(value)
    days: set[int] = set()
    for part in parts:
        if not isinstance(part, str):
            raise InputError(f"{where}: expected weekday names, got {as_written(part)}"[:200])
        text = unicodedata.normalize("NFC", part)
        for item in _SEPARATORS.sub(" ", text).replace(" - ", "-").replace(" ~ ", "~").split():
            days.update(_item(item, where))
    if not days:
        raise InputError(f"{where}: no weekday given (expected {EXPECTED})")
    return tuple(sorted(days))


def _item(item: str, where: str) -> list[int]:
    """The days of one item: a name, a range (wrapping past Sunday) or a run of Korean one-letter names."""
    match = _RANGE.match(item)
    if match:
        first, last = weekday(match["first"], where), weekday(match["last"], where)
        return [(first + k) % 7 for k in range((last - first) % 7 + 1)]
    if item.lower() not in WORDS and _KOREAN_RUN.match(item):
        return [KOREAN.index(ch) for ch in item]
    return [weekday(item, where)]


def day_names(days: Sequence[int]) -> str:
    """Weekdays as pandas' ``weekmask`` and the result's ``working_days`` spell them: ``Mon Tue Wed``."""
    return " ".join(ENGLISH[d][:3] for d in sorted(days))
