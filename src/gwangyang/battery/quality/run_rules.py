"""SPC run rules (Western Electric rules 2-4) over production order, on robust z-scores, as lot alarms.

Rule 1 (one point beyond 3 sigma) is the univariate flag of :mod:`.lot_screener`. The rules run as moving
counts over all measurements at once, compiled with numba.
"""

from __future__ import annotations

from typing import Any

import numba as nb
import numpy as np

RUN_RULES = (
    ("2 of 3 beyond 2 sigma", 3, 2, 2.0),
    ("4 of 5 beyond 1 sigma", 5, 4, 1.0),
    ("8 in a row on one side", 8, 8, 0.0),
)
"""Western Electric rules 2-4: name, window, points needed in the window, level (in sigma)."""


@nb.njit(cache=True, nogil=True)
def _first_runs(z: np.ndarray, windows: np.ndarray, needs: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """First window start of each rule firing, per measurement, side (high, low) and rule; -1 when it never fires.

    One pass over each measurement in production order keeps a moving count of the points beyond each
    rule's level.
    """
    n, p = z.shape
    rules = len(windows)
    out = np.full((p, 2, rules), -1, dtype=np.int64)
    for j in range(p):
        for side_index in range(2):
            side = 1.0 if side_index == 0 else -1.0
            for r in range(rules):
                window, need, level = windows[r], needs[r], levels[r]
                count = 0
                for i in range(n):
                    if side * z[i, j] > level:
                        count += 1
                    if i >= window and side * z[i - window, j] > level:
                        count -= 1
                    if i >= window - 1 and count >= need:
                        out[j, side_index, r] = i - window + 1
                        break
    return out


def run_rule_alarms(
    z: np.ndarray, ids: np.ndarray, columns: list[str], lot: str | None
) -> list[dict[str, Any]]:
    """Western Electric rules 2-4 over production order, on robust z (rule 1 is the univariate flag).

    Alarms are listed by measurement, then side (high first), then rule; each names the cells of the first
    window where the rule fires.
    """
    windows = np.array([rule[1] for rule in RUN_RULES], dtype=np.int64)
    needs = np.array([rule[2] for rule in RUN_RULES], dtype=np.int64)
    levels = np.array([rule[3] for rule in RUN_RULES], dtype=np.float64)
    first = _first_runs(np.ascontiguousarray(z, dtype=np.float64), windows, needs, levels)
    alarms = []
    for j, side, r in zip(*np.nonzero(first >= 0), strict=True):
        start = int(first[j, side, r])
        name, window = RUN_RULES[r][0], RUN_RULES[r][1]
        alarms.append(
            {
                "lot": lot,
                "measurement": columns[j],
                "rule": name,
                "direction": "high" if side == 0 else "low",
                "cells": [str(i) for i in ids[start : start + window]],
            }
        )
    return alarms
