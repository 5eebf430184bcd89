"""A control chart: the plotted statistic, its centre line and limits, and the constants of its limits.

Every chart of :mod:`gwangyang.factory.spc` (I-MR, X̄-R, EWMA, CUSUM) and :mod:`gwangyang.factory.attribute_charts`
(p, np, c, u) is a :class:`Chart` made by :func:`new_chart`. ``d2`` and ``d3`` are Montgomery's, *Introduction to
Statistical Quality Control* (6th ed., 2009), Appendix Table VI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import InputError
from .float_lists import float_list

D2 = {2: 1.1284, 3: 1.6926, 4: 2.0588, 5: 2.3259, 6: 2.5344, 7: 2.7044, 8: 2.8472, 9: 2.9700, 10: 3.0775}
"""``d2``: mean of the range of ``n`` standard normal values (Montgomery, Appendix Table VI, to 4 decimals)."""
D3_SIGMA = {
    2: 0.8525,
    3: 0.8884,
    4: 0.8798,
    5: 0.8641,
    6: 0.8480,
    7: 0.8332,
    8: 0.8198,
    9: 0.8078,
    10: 0.7971,
}
"""``d3``: standard deviation of that range (Montgomery, Appendix Table VI, to 4 decimals)."""


def checked_values(values: Any, name: str = "values", minimum: int = 2) -> np.ndarray:
    """The values as a flat float array, refused in one line naming ``name`` unless ``minimum`` finite numbers.

    Raises
    ------
    InputError
        Not numbers, fewer than ``minimum``, or a missing or infinite value.
    """
    try:
        x = np.asarray(values, dtype=np.float64).ravel()
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name}: expected numbers.") from exc
    if x.size < minimum:
        raise InputError(f"{name}: expected at least {minimum} values, got {x.size}.")
    if not np.isfinite(x).all():
        raise InputError(f"{name}: holds missing or infinite values.")
    return x


@dataclass
class Chart:
    """One control chart: the plotted statistic, its centre line and limits, and the points out of control."""

    name: str
    values: np.ndarray
    center: float
    lower: np.ndarray
    upper: np.ndarray
    out_of_control: np.ndarray
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "name": self.name,
            "center": self.center,
            "values": float_list(self.values),
            "lower": float_list(self.lower),
            "upper": float_list(self.upper),
            "out_of_control": np.nonzero(self.out_of_control)[0].tolist(),
            **self.extra,
        }


def new_chart(name: str, values: np.ndarray, center: float, lower: Any, upper: Any, **extra: Any) -> Chart:
    """A :class:`Chart` of ``values``; ``lower`` and ``upper`` (scalars or per point) are spread to each point."""
    lo = np.broadcast_to(np.asarray(lower, dtype=float), values.shape).copy()
    up = np.broadcast_to(np.asarray(upper, dtype=float), values.shape).copy()
    return Chart(name, values, float(center), lo, up, (values > up) | (values < lo), extra)


def chart_constants(n: int) -> tuple[float, float, float]:
    """``A2 = 3 / (d2 √n)``, ``D3 = max(0, 1 - 3 d3/d2)``, ``D4 = 1 + 3 d3/d2`` for subgroups of ``n``."""
    d2, d3 = D2[n], D3_SIGMA[n]
    return 3.0 / (d2 * np.sqrt(n)), max(0.0, 1.0 - 3.0 * d3 / d2), 1.0 + 3.0 * d3 / d2
