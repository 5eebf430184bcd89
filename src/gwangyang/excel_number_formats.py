r"""Excel number formats that show whole numbers as codes, rendered as Excel renders them.

Excel keeps an operator ``007`` typed into a cell formatted ``000`` (or a zip code ``00000``) as the number 7
and shows it padded: the format, not the value, holds the zeros. A format is a code format when its first
section (``;`` separates positive, negative, zero and text sections) shows the number's digits in integer
placeholders only and either

* pads them: two or more ``0`` placeholders (``00``, ``0000``, ``#000``, ``00000-0000``, ``"LOT-"0000``), or
* puts text with a letter before them (``"LOT-"0``, ``\A0``, ``"제"General``): a label, not a unit.

Literal text (quoted, escaped with ``\``, or the characters Excel shows bare), colours, locales (``[$-412]``),
``_`` spaces and ``*`` fills are allowed. Conditions (``[<=99999]00000;00000-0000``, Excel's "Zip Code + 4") choose
the section when every section is a code and one takes the numbers left. Any other format (``0``, ``#,##0``,
``0.00``, ``0"개"``, a condition with no section for the rest, ``[<=999]000``, dates, percentages) leaves the
number a number, and so does a fractional number. The text
format ``@`` (and any single section holding ``@``) shows a number as General does: its plain text. A format
whose first section shows no digit at all (``"00000"`` in quotes, ``;;;``) shows the same text for every
number and hides the value: :attr:`CodeFormat.hides` (the caller keeps the number and says so). So does an
empty negative or zero section of any format (``#,##0;-#,##0;`` hides zeros, ``0;;`` negatives and zeros): Excel
shows such a number as an empty cell, :attr:`CodeFormat.empty` (the number is kept, and said, the same way).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

_EXACT = 2.0**53
_GENERAL_DIGITS = 1e11
"""General shows whole numbers below this as their digits (larger ones in scientific notation)."""
_ZERO, _HASH, _GENERAL = object(), object(), object()
_PLACES = (_ZERO, _HASH, _GENERAL)
_LITERALS = set("$-+():!^&'~{}<>= /")
"""Characters a number format shows as they are without quotes."""
_COLOURS = re.compile(r"(?i)(black|blue|cyan|green|magenta|red|white|yellow|color\s*\d+|\$[^\]]*)")
_CONDITION = re.compile(r"\s*(<=|>=|<>|<|>|=)\s*(-?\d+(?:\.\d*)?)\s*")
TEXT_FORMAT = "@"
"""The text format: a number in such a cell is shown as General shows it."""

BUILTIN_FORMATS: Mapping[int, str] = {0: "General", 1: "0", 49: "@"}
"""Built-in number formats (ids below 164) that matter here: only ``@`` (49) is a code format."""

Section = tuple[object, ...]
"""A format section's tokens: placeholders (``0``, ``#``, ``General``) and literal texts."""


@dataclass(frozen=True)
class Condition:
    """A section's condition (``[<=99999]``): the section shows the numbers that meet it."""

    op: str
    bound: float

    def holds(self, number: float) -> bool:
        """Whether ``number`` meets the condition."""
        op, bound = self.op, self.bound
        if op == "<=":
            return number <= bound
        if op == ">=":
            return number >= bound
        if op == "<":
            return number < bound
        if op == ">":
            return number > bound
        if op == "=":
            return number == bound
        return number != bound


@dataclass(frozen=True)
class Zeros:
    """A section of ``0`` placeholders and literal texts only (``"LOT-"0000``, ``00000-0000``), compiled.

    ``texts``: the literal text before the first run of placeholders, between runs, and after the last;
    ``runs``: each run's placeholders. :meth:`render` is :func:`_render` of a whole number ≥ 0 without the loop.
    """

    texts: tuple[str, ...]
    runs: tuple[int, ...]
    width: int

    def render(self, number: int) -> str:
        """The section showing ``number`` (≥ 0): digits padded to the width, extra ones in the first run."""
        digits = str(number).zfill(self.width)
        cut = len(digits) - self.width + self.runs[0]
        out = self.texts[0] + digits[:cut]
        for text, run in zip(self.texts[1:-1], self.runs[1:], strict=True):
            out += text + digits[cut : cut + run]
            cut += run
        return out + self.texts[-1]


def _zeros(section: Section | None) -> Zeros | None:
    """The compiled :class:`Zeros` of a section of ``0`` placeholders and texts; None for any other."""
    if section is None or _HASH in section or _GENERAL in section or _ZERO not in section:
        return None
    texts: list[str] = [""]
    runs: list[int] = []
    for token, previous in zip(section, (None, *section[:-1]), strict=True):
        if token is _ZERO:
            if previous is _ZERO:
                runs[-1] += 1
            else:
                runs.append(1)
                texts.append("")
        else:
            texts[-1] += str(token)
    return Zeros(tuple(texts), tuple(runs), sum(runs))


@dataclass(frozen=True)
class CodeFormat:
    """A number format that shows whole numbers as codes (or hides them): its sections (positive, negative, zero).

    ``text``: the ``@`` format (a number shows as General shows it). ``hides``: the first section shows no digit,
    so every number shows the same text (:meth:`show` then gives None and :meth:`hidden` the text). ``empty``: the
    negative or the zero section shows nothing (``#,##0;-#,##0;``), so :meth:`hidden` gives ``""`` for the numbers
    it shows; the first section of such a format may be no code (``sections[0]`` None: :meth:`show` gives None).
    """

    code: str
    sections: tuple[Section | None, ...]
    text: bool = False
    hides: bool = False
    empty: bool = False
    plain: bool = False
    """The first section shows numbers as numbers (``#,##0;-#,##0;``): only the empty sections matter."""
    zeros: Zeros | None = field(default=None, compare=False, repr=False)
    """The first section compiled, where it is ``0`` placeholders and texts: how a positive number shows."""
    conditions: tuple[Condition | None, ...] = ()
    """Each section's condition (``[<=99999]00000;00000-0000``); empty when none has one."""

    def show(self, value: Any) -> str | None:
        """The text Excel shows for ``value``; None where it is not a whole number (it stays a number).

        Parameters
        ----------
        value
            A cell's value as the reader gives it.

        Returns
        -------
        str or None
            The padded code (``007``, ``LOT-042``, ``-007``), or the plain text for ``@``; None for a value that
            is not a whole number below 2⁵³, for a section that shows no digit, and for a format that hides.
        """
        number = _whole(value)
        if number is None or self.hides:
            return None
        if self.text:
            return str(number) if abs(number) < _GENERAL_DIGITS else None
        sign, section = self._section(number)
        if section is None or not any(token in _PLACES for token in section):
            return None
        return _render(section, abs(number), sign)

    def hidden(self, value: Any) -> str | None:
        """For a format that hides: the fixed text Excel shows in place of the number ``value``.

        Any finite number, whole or not (``"00000"`` shows ``00000`` for 7 and for 1.5); ``""`` where Excel shows
        an empty cell (``;;;``, and 0 under ``#,##0;-#,##0;``: an :attr:`empty` section); None for anything else.
        """
        if not (self.hides or self.empty) or isinstance(value, bool) or not isinstance(value, int | float):
            return None
        if not math.isfinite(value):
            return None
        sign, section = self._section(value)
        if section is None or any(token in _PLACES for token in section):
            return None
        return sign + "".join(str(token) for token in section)

    def _section(self, number: float) -> tuple[str, Section | None]:
        """The section that shows ``number``, and the sign Excel adds (only a single section adds ``-``).

        With conditions, the first section whose condition holds, or the first without one (the rest).
        """
        if self.conditions:
            for section, condition in zip(self.sections, self.conditions, strict=True):
                if condition is None or condition.holds(number):
                    return ("-" if number < 0 else ""), section
            return "", None
        if number < 0 and len(self.sections) > 1:
            return "", self.sections[1]
        if number < 0:
            return "-", self.sections[0]
        if number == 0 and len(self.sections) > 2:
            return "", self.sections[2]
        return "", self.sections[0]


def _whole(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not float(value).is_integer() or abs(value) >= _EXACT:
        return None
    return int(value)


def _render(section: Section, number: int, sign: str) -> str:
    """The section with the digits of ``number`` in its placeholders, as Excel fills them (from the right)."""
    if _GENERAL in section:
        if number >= _GENERAL_DIGITS:
            return ""  # General shows scientific notation: not a code (the caller keeps the number)
        return sign + "".join(str(number) if t is _GENERAL else str(t) for t in section)
    zeros = sum(1 for token in section if token is _ZERO)
    places = sum(1 for token in section if token is _ZERO or token is _HASH)
    digits = str(number).zfill(zeros) if number or zeros else ""
    blank = max(places - len(digits), 0)  # leading # placeholders with no digit show nothing
    extra = max(len(digits) - places, 0)  # digits beyond the placeholders all go to the first one
    out, used, seen = [sign], 0, 0
    for token in section:
        if token is _ZERO or token is _HASH:
            seen += 1
            if seen <= blank:
                continue
            take = extra + 1 if used == 0 else 1
            out.append(digits[used : used + take])
            used += take
        else:
            out.append(str(token))
    return "".join(out)


def _section(text: str) -> tuple[Section, Condition | None] | None:
    """A format section's tokens and condition.

    None for anything a code format does not hold (``.``, ``,``, ``%``, dates, elapsed times).
    """
    tokens: list[object] = []
    condition: Condition | None = None
    i = 0
    while i < len(text):
        char = text[i]
        if char == '"':
            end = text.find('"', i + 1)
            if end < 0:
                return None
            if end > i + 1:
                tokens.append(text[i + 1 : end])
            i = end + 1
        elif char == "\\" and i + 1 < len(text):
            tokens.append(text[i + 1])
            i += 2
        elif char in "_*" and i + 1 < len(text):  # a space as wide as a character, a fill: nothing shown here
            i += 2
        elif char == "[":
            end = text.find("]", i)
            inside = text[i + 1 : end] if end > 0 else ""
            found = _CONDITION.fullmatch(inside)
            if found is not None and condition is None:
                condition = Condition(found.group(1), float(found.group(2)))
            elif end < 0 or not _COLOURS.fullmatch(inside):
                return None  # an elapsed time ([h]), a second condition
            i = end + 1
        elif text[i : i + 7].lower() == "general":
            tokens.append(_GENERAL)
            i += 7
        elif char in "0#":
            tokens.append(_ZERO if char == "0" else _HASH)
            i += 1
        elif char in _LITERALS:
            tokens.append(char)
            i += 1
        else:
            return None  # ?, ., ,, %, E, @, dates, ...: not a code format
    return tuple(tokens), condition


def _split(code: str) -> list[str]:
    """A format's ``;``-separated sections (a ``;`` in quotes or escaped is text)."""
    parts, current, quoted, i = [], [], False, 0
    while i < len(code):
        char = code[i]
        if char == "\\" and not quoted and i + 1 < len(code):
            current.append(code[i : i + 2])
            i += 2
            continue
        if char == '"':
            quoted = not quoted
        if char == ";" and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
        i += 1
    parts.append("".join(current))
    return parts


def _shows_code(section: Section) -> bool:
    """Integer placeholders that pad (two ``0`` or more, ``#`` only before them), or a label before them."""
    places = [k for k, token in enumerate(section) if token in _PLACES]
    if not places:
        return False
    kinds = [section[k] for k in places]
    if _GENERAL in kinds and kinds != [_GENERAL]:
        return False
    if _ZERO in kinds and _HASH in kinds[kinds.index(_ZERO) :]:
        return False  # a # after a 0 (0#) is no fixed width
    prefix = "".join(str(token) for token in section[: places[0]])
    label = any(char.isalpha() for char in prefix)
    return kinds.count(_ZERO) >= 2 or label


def code_format(code: str | None) -> CodeFormat | None:
    """The code format of an Excel number format, or None when the format shows numbers as numbers.

    Parameters
    ----------
    code
        The number format as the workbook stores it (``000``, ``"LOT-"0000``, ``@``, ``#,##0.00``).

    Returns
    -------
    CodeFormat or None
        For ``@``, for formats whose first section shows a code (see the module's notes), for formats whose
        first section shows no digit (``hides``) and for formats with an empty negative or zero section
        (``empty``); None otherwise.
    """
    if not code:
        return None
    parts = _split(code)
    if len(parts) == 1 and TEXT_FORMAT in _outside_quotes(parts[0]):
        return CodeFormat(code, (), text=True)  # a text section only: numbers show as General
    read = [_section(part) for part in parts[:3]]
    sections = tuple(None if r is None else r[0] for r in read)
    conditions = tuple(None if r is None else r[1] for r in read)
    empty = not any(conditions) and () in sections[1:]  # #,##0;-#,##0; shows zero as an empty cell
    if read[0] is None:
        return _numbers(code, sections) if empty else None
    first = read[0][0]
    if any(conditions):  # [<=99999]00000;00000-0000: every section a code, and one for the numbers left
        shown = [section for section in sections if section is not None]
        if None in sections or None not in conditions or not all(map(_shows_code, shown)):
            return None
        return CodeFormat(code, sections, conditions=conditions)
    if not any(token in _PLACES for token in first):
        return CodeFormat(code, sections, hides=True)
    if not _shows_code(first):
        return _numbers(code, sections) if empty else None
    return CodeFormat(code, sections, empty=empty, zeros=_zeros(first))


def _numbers(code: str, sections: tuple[Section | None, ...]) -> CodeFormat:
    """A format that shows numbers as numbers but for its empty sections: only those are kept (the rest None)."""
    return CodeFormat(
        code, tuple(None if section else section for section in sections), empty=True, plain=True
    )


def _outside_quotes(text: str) -> str:
    return re.sub(r'"[^"]*"|\\.', "", text)
