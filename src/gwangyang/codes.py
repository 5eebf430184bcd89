"""Digit codes: cells of digits that name something (a lot, an operator, a material) and must stay text.

``001`` read as the number 1 loses the code silently. A column is taken for codes when every filled cell is
digits (a sign allowed, as the number forms of :mod:`gwangyang.sheets`) and one of them is written with a
leading zero (``001``, ``0420``: codes of a fixed width), or one is too long for a 64-bit integer (a
barcode). Measurements are never written with leading zeros, so they stay numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_DIGITS = re.compile(r"[-+]?(\d+)")
_LONGEST = 18
"""Digits a 64-bit integer always holds; a longer run of digits is a barcode."""


def digit_codes(texts: Iterable[object]) -> bool:
    """Whether filled cells are digit codes that a number would change (see the module's notes).

    Parameters
    ----------
    texts
        The column's filled cells (stripped text; anything else means the column is not codes).

    Returns
    -------
    bool
        True when every cell is digits and at least one has a leading zero or more than 18 digits.
    """
    coded = False
    for text in texts:
        found = _DIGITS.fullmatch(text) if isinstance(text, str) else None
        if found is None:
            return False
        digits = found.group(1)
        coded = coded or (len(digits) > 1 and digits[0] == "0") or len(digits) > _LONGEST
    return coded
