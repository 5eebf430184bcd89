"""Times of day as minutes after midnight, read from numbers or ``"HH:MM"`` strings."""

from __future__ import annotations

import math
from typing import Any

from ..errors import InputError
from ..written import as_written


def parse_time(value: Any, where: str) -> float:
    """Minutes after midnight from a number or an ``"HH:MM"`` string (``"24:00"`` and later allowed)."""
    if isinstance(value, bool):
        raise InputError(f"{where}: expected minutes or 'HH:MM', got {as_written(value)}")
    if isinstance(value, int | float):
        minutes = float(value)
    elif isinstance(value, str) and ":" in value:
        hours, _, mins = value.strip().partition(":")
        try:
            minutes = int(hours) * 60 + int(mins)
        except ValueError as exc:
            raise InputError(f"{where}: expected 'HH:MM', got {as_written(value)}") from exc
        if not 0 <= int(mins) < 60:
            raise InputError(f"{where}: minutes must be 0-59 in {as_written(value)}")
    else:
        raise InputError(f"{where}: expected minutes or 'HH:MM', got {as_written(value)}")
    if not math.isfinite(minutes) or minutes < 0:
        raise InputError(f"{where}: expected a non-negative time, got {as_written(value)}")
    return minutes


def format_time(minutes: float) -> str:
    """``"HH:MM"`` for minutes after midnight."""
    total = round(minutes)
    return f"{total // 60:02d}:{total % 60:02d}"
