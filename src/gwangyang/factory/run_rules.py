"""Run rules of a control chart: the Western Electric (1956) and Nelson (1984) patterns of points."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import InputError
from ..written import as_written

WESTERN_ELECTRIC = {
    1: "1 point beyond 3σ",
    2: "2 of 3 beyond 2σ (same side)",
    3: "4 of 5 beyond 1σ (same side)",
    4: "8 in a row on one side",
}
NELSON = {
    1: "1 point beyond 3σ",
    2: "9 in a row on one side",
    3: "6 in a row increasing or decreasing",
    4: "14 in a row alternating",
    5: "2 of 3 beyond 2σ (same side)",
    6: "4 of 5 beyond 1σ (same side)",
    7: "15 in a row within 1σ",
    8: "8 in a row beyond 1σ (either side)",
}


def _window_count(flags: np.ndarray, window: int, need: int) -> np.ndarray:
    """True at ``i`` when at least ``need`` of the ``window`` points ending at ``i`` are flagged."""
    csum = np.concatenate([[0], np.cumsum(flags.astype(int))])
    counts = np.zeros(flags.size, dtype=int)
    idx = np.arange(flags.size)
    start = np.maximum(idx - window + 1, 0)
    counts = csum[idx + 1] - csum[start]
    return (counts >= need) & (idx >= window - 1)


def run_rules(values: Any, center: float, sigma: float, rules: str = "nelson") -> list[dict[str, Any]]:
    """Points that break the Western Electric (``"western"``) or Nelson (``"nelson"``) rules.

    Returns
    -------
    list of dict
        ``{"rule", "description", "index"}`` for the point completing each pattern.
    """
    try:
        x = np.asarray(values, dtype=np.float64).ravel()
    except (TypeError, ValueError) as exc:
        raise InputError("values: expected numbers.") from exc
    if x.size < 1 or not np.isfinite(x).all():
        raise InputError("values: expected at least 1 value, none missing or infinite.")
    if sigma <= 0:
        raise InputError(f"sigma: expected a positive number, got {as_written(sigma)}.")
    z = (x - center) / sigma
    above, below = z > 0, z < 0
    beyond = {s: (z > s, z < -s) for s in (1, 2, 3)}
    found: dict[int, np.ndarray] = {}
    two_of_three = _window_count(beyond[2][0], 3, 2) | _window_count(beyond[2][1], 3, 2)
    four_of_five = _window_count(beyond[1][0], 5, 4) | _window_count(beyond[1][1], 5, 4)
    if rules == "western":
        table = WESTERN_ELECTRIC
        found = {
            1: np.abs(z) > 3,
            2: two_of_three,
            3: four_of_five,
            4: _window_count(above, 8, 8) | _window_count(below, 8, 8),
        }
    elif rules == "nelson":
        table = NELSON
        step = np.sign(np.diff(x))
        rising = np.concatenate([[False], step > 0])
        falling = np.concatenate([[False], step < 0])
        alternating = np.concatenate([[False, False], step[1:] * step[:-1] < 0])
        found = {
            1: np.abs(z) > 3,
            2: _window_count(above, 9, 9) | _window_count(below, 9, 9),
            3: _window_count(rising, 5, 5) | _window_count(falling, 5, 5),
            4: _window_count(alternating, 12, 12),
            5: two_of_three,
            6: four_of_five,
            7: _window_count(np.abs(z) < 1, 15, 15),
            8: _window_count(np.abs(z) > 1, 8, 8),
        }
    else:
        raise InputError(f"rules: expected 'western' or 'nelson', got {as_written(rules)}.")
    out: list[dict[str, Any]] = []
    for rule, flags in found.items():
        out.extend({"rule": rule, "description": table[rule], "index": int(i)} for i in np.nonzero(flags)[0])
    return sorted(out, key=lambda item: (item["index"], item["rule"]))
