"""Attribute control charts: p and np (fraction and number nonconforming), c and u (nonconformities).

Formulas follow Montgomery, *Introduction to Statistical Quality Control* (6th ed., 2009):

- p chart (§7.2.1, §7.2.2 for varying sample sizes): ``p̂ᵢ = Dᵢ / nᵢ``, ``p̄ = ΣDᵢ / Σnᵢ``, limits
  ``p̄ ± 3 √(p̄ (1 − p̄) / nᵢ)``, one pair per subgroup when the sizes differ;
- np chart (§7.2.1): ``n p̄ ± 3 √(n p̄ (1 − p̄))``, subgroups of one size ``n``;
- c chart (§7.3.1): ``c̄ ± 3 √c̄``;
- u chart (§7.3.1): ``uᵢ = cᵢ / nᵢ``, ``ū = Σcᵢ / Σnᵢ``, limits ``ū ± 3 √(ū / nᵢ)``.

A lower limit below zero is set to zero (Montgomery's convention), and a p chart's upper limit above one to one.
The run rules (Western Electric, Nelson) are applied to the standardized statistic
``zᵢ = (statistic − centre) / σᵢ`` (Montgomery §7.2.2, "standardized control chart"), so that the same rules hold
whatever the subgroup sizes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import InputError
from .control_chart import Chart, new_chart
from .run_rules import run_rules
from .spc import SPCReport

ATTRIBUTE_CHARTS = ("p", "np", "c", "u")
"""The attribute charts."""


def _arrays(counts: Any, sizes: Any, column: str) -> tuple[np.ndarray, np.ndarray]:
    d = np.asarray(counts, dtype=np.float64).ravel()
    n = np.asarray(sizes, dtype=np.float64).ravel()
    if d.size != n.size:
        raise InputError(f"{column}: expected one size per subgroup, got {d.size} counts and {n.size} sizes.")
    if d.size < 2:
        raise InputError(f"{column}: expected at least 2 subgroups, got {d.size}.")
    if not (np.isfinite(d).all() and np.isfinite(n).all()):
        raise InputError(f"{column}: holds missing or infinite counts or sizes.")
    if (d < 0).any():
        first = int(np.nonzero(d < 0)[0][0])
        raise InputError(
            f"{column}: negative count {d[first]:g} in subgroup {first + 1}; expected counts ≥ 0."
        )
    if (n <= 0).any():
        first = int(np.nonzero(n <= 0)[0][0])
        raise InputError(f"{column}: subgroup {first + 1} has size {n[first]:g}; expected a size above 0.")
    return d, n


def _limits(center: float, sigma: np.ndarray, top: float = np.inf) -> tuple[np.ndarray, np.ndarray]:
    return np.maximum(center - 3.0 * sigma, 0.0), np.minimum(center + 3.0 * sigma, top)


def p_chart(defectives: Any, sizes: Any, column: str = "values") -> tuple[Chart, np.ndarray]:
    """Fraction nonconforming ``Dᵢ/nᵢ`` against ``p̄ ± 3 √(p̄(1 − p̄)/nᵢ)``.

    Parameters
    ----------
    defectives
        Nonconforming items ``Dᵢ`` per subgroup.
    sizes
        Items inspected ``nᵢ`` per subgroup (may differ: each subgroup then has its own limits).
    column
        Name of the column, in messages.

    Returns
    -------
    (Chart, numpy.ndarray)
        The chart (``extra``: ``p_bar``, ``sizes``) and each subgroup's σ of ``p̂ᵢ``.

    Raises
    ------
    InputError
        Negative counts, a size of 0, more nonconforming than inspected, no item nonconforming or every one.
    """
    d, n = _arrays(defectives, sizes, column)
    if (d > n).any():
        first = int(np.nonzero(d > n)[0][0])
        raise InputError(
            f"{column}: subgroup {first + 1} has {d[first]:g} nonconforming of {n[first]:g} inspected; "
            "expected no more than inspected."
        )
    p_bar = float(d.sum() / n.sum())
    if p_bar <= 0.0 or p_bar >= 1.0:
        which = "passes (no nonconforming item)" if p_bar <= 0.0 else "fails"
        raise InputError(
            f"{column}: every item {which}; a p or np chart needs both conforming and nonconforming items."
        )
    sigma = np.sqrt(p_bar * (1.0 - p_bar) / n)
    lower, upper = _limits(p_bar, sigma, 1.0)
    chart = new_chart("p", d / n, p_bar, lower, upper, p_bar=p_bar, sizes=n.tolist())
    return chart, sigma


def np_chart(defectives: Any, sizes: Any, column: str = "values") -> tuple[Chart, np.ndarray]:
    """Number nonconforming ``Dᵢ`` against ``n p̄ ± 3 √(n p̄ (1 − p̄))``; every subgroup of one size ``n``.

    Raises
    ------
    InputError
        As :func:`p_chart`, and subgroups of different sizes (use the p chart).
    """
    p, sigma = p_chart(defectives, sizes, column)
    n = np.asarray(p.extra["sizes"])
    if not np.all(n == n[0]):
        raise InputError(
            f"{column}: subgroups of different sizes ({n.min():g} to {n.max():g}); an np chart needs one size, "
            "use the p chart."
        )
    size, p_bar = float(n[0]), float(p.extra["p_bar"])
    half = 3.0 * np.sqrt(size * p_bar * (1.0 - p_bar))
    center = size * p_bar
    chart = new_chart(
        "np",
        np.asarray(defectives, dtype=np.float64).ravel(),
        center,
        max(center - half, 0.0),
        min(center + half, size),
        p_bar=p_bar,
        sizes=n.tolist(),
    )
    return chart, sigma * size


def c_chart(counts: Any, column: str = "values") -> tuple[Chart, np.ndarray]:
    """Nonconformities per inspection unit ``cᵢ`` against ``c̄ ± 3 √c̄``.

    Raises
    ------
    InputError
        Negative counts, or no nonconformity at all.
    """
    c, _ = _arrays(counts, np.ones(np.size(counts)), column)
    c_bar = float(c.mean())
    if c_bar <= 0.0:
        raise InputError(f"{column}: every count is 0; a c chart needs some nonconformities.")
    sigma = np.full(c.size, np.sqrt(c_bar))
    lower, upper = _limits(c_bar, sigma)
    return new_chart("c", c, c_bar, lower, upper, c_bar=c_bar), sigma


def u_chart(counts: Any, units: Any, column: str = "values") -> tuple[Chart, np.ndarray]:
    """Nonconformities per unit ``uᵢ = cᵢ/nᵢ`` against ``ū ± 3 √(ū/nᵢ)``.

    ``units`` are the inspection units ``nᵢ`` of each subgroup (need not be whole: 2.5 m² of sheet).

    Raises
    ------
    InputError
        Negative counts, a size of 0, or no nonconformity at all.
    """
    c, n = _arrays(counts, units, column)
    u_bar = float(c.sum() / n.sum())
    if u_bar <= 0.0:
        raise InputError(f"{column}: every count is 0; a u chart needs some nonconformities.")
    sigma = np.sqrt(u_bar / n)
    lower, upper = _limits(u_bar, sigma)
    return new_chart("u", c / n, u_bar, lower, upper, u_bar=u_bar, sizes=n.tolist()), sigma


def attribute_report(
    kind: str,
    counts: Any,
    sizes: Any,
    column: str = "values",
    rules: str = "nelson",
    labels: list[str] | None = None,
    notes: list[str] | None = None,
) -> SPCReport:
    """One attribute chart of a column and its run-rule violations.

    Parameters
    ----------
    kind
        ``"p"``, ``"np"``, ``"c"`` or ``"u"``.
    counts
        Nonconforming items (p, np) or nonconformities (c, u) per subgroup.
    sizes
        Items inspected (p, np) or inspection units (u) per subgroup; ignored by c.
    column
        The column's name, in messages and the report.
    rules
        ``"nelson"`` or ``"western"``, on the standardized statistic.
    labels
        The subgroups' names (a lot column's values), kept in the chart as ``subgroups``.
    notes
        Notes carried into the report.

    Returns
    -------
    SPCReport
        One chart, its run-rule violations, no capability.
    """
    if kind == "p":
        chart, sigma = p_chart(counts, sizes, column)
    elif kind == "np":
        chart, sigma = np_chart(counts, sizes, column)
    elif kind == "c":
        chart, sigma = c_chart(counts, column)
    elif kind == "u":
        chart, sigma = u_chart(counts, sizes, column)
    else:
        raise InputError(f"chart: expected one of {', '.join(ATTRIBUTE_CHARTS)}, got {kind[:20]!r}.")
    chart.extra["counts"] = np.asarray(counts, dtype=float).tolist()
    if labels is not None:
        chart.extra["subgroups"] = [str(label) for label in labels]
    standard = (chart.values - chart.center) / sigma
    violations = run_rules(standard, 0.0, 1.0, rules)
    return SPCReport(column, [chart], violations, None, list(notes or []))
