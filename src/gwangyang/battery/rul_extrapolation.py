"""End of life extrapolated from a SOH history alone (no templates).

:func:`extrapolated_eol` fits 1 − SOH = b·n + c·n² (b, c ≥ 0) to the history, with a
residual-bootstrap interval (:func:`bootstrap_ratios`); :class:`~gwangyang.battery.rul.TemplateRUL`
falls back to it without templates to match or to calibrate on. :func:`linear_eol` is the baseline
the benchmarks compare against.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .soh import capacity_curve


def linear_eol(cycles: Any, soh: Any, threshold: float = 0.8) -> float:
    """Baseline: a straight line through the SOH history, extrapolated to ``threshold``."""
    x, y = capacity_curve(cycles, soh, "soh")
    slope, intercept = np.polyfit(x, y, 1)
    if slope >= 0:
        return float("inf")
    return float(max((threshold - intercept) / slope, x[-1]))


def _quadratic_eol(x: np.ndarray, fade: np.ndarray, threshold: float) -> float:
    from scipy.optimize import nnls

    coef, _ = nnls(np.column_stack([x, x**2]), fade)
    b, c = coef
    target = 1.0 - threshold
    if c <= 0:
        return float("inf") if b <= 0 else target / b
    return float((-b + math.sqrt(b * b + 4 * c * target)) / (2 * c))


def extrapolated_eol(
    cycles: Any,
    soh: Any,
    threshold: float = 0.8,
    coverage: float = 0.9,
    n_boot: int = 200,
    random_state: int = 0,
) -> tuple[float, float, float]:
    """End of life from 1 − SOH = b·n + c·n², with a residual-bootstrap interval ``(eol, lower, upper)``."""
    x, y = capacity_curve(cycles, soh, "soh")
    fade = 1.0 - y
    estimate = max(_quadratic_eol(x, fade, threshold), x[-1])
    from scipy.optimize import nnls

    design = np.column_stack([x, x**2])
    coef, _ = nnls(design, fade)
    fitted = design @ coef
    residual = fade - fitted
    rng = np.random.default_rng(random_state)
    draws = [
        max(_quadratic_eol(x, fitted + rng.choice(residual, len(residual)), threshold), x[-1])
        for _ in range(n_boot)
    ]
    low_ratio, high_ratio = bootstrap_ratios(np.asarray(draws, dtype="float64"), coverage)
    return float(estimate), float(estimate * low_ratio), float(estimate * high_ratio)


def bootstrap_ratios(draws: np.ndarray, coverage: float) -> tuple[float, float]:
    """Interval of a positive estimate as ratios to it, from bootstrap draws: (lower, upper) with lower ≤ 1 ≤ upper.

    The draws are taken relative to their median (the non-negative fade fit sits on a bound,
    b or c = 0, for many cells, which shifts every draw to one side of the estimate itself);
    the ``coverage`` quantiles of draw / median then scale the estimate. When the draws have
    no spread on one side, that side mirrors the other (ratio r ↔ 1 / r), so that the upper end
    is never the estimate itself. Draws that never reach the threshold (inf) make an infinite upper end.
    """
    alpha = (1.0 - coverage) / 2.0
    finite = draws[np.isfinite(draws)]
    if len(finite) == 0:
        return 1.0, float("inf")
    centre = float(np.quantile(draws, 0.5, method="nearest"))
    if not math.isfinite(centre) or centre <= 0:
        return 1.0, float("inf")
    # "nearest" does no arithmetic, so inf draws stay inf, not NaN.
    low, high = (float(q) / centre for q in np.quantile(draws, [alpha, 1.0 - alpha], method="nearest"))
    low, high = min(low, 1.0), max(high, 1.0)
    if high <= 1.0 and low < 1.0:
        high = 1.0 / low
    if low >= 1.0 and high > 1.0:
        low = 1.0 / high if math.isfinite(high) else low
    return low, high
