"""Univariate statistical process control: Shewhart I-MR and X̄-R charts, EWMA, CUSUM, run rules, capability.

Chart constants and formulas follow Montgomery, *Introduction to Statistical Quality Control*
(6th ed., 2009): §6.4 (individuals and moving range), §6.2 (X̄ and R), §9.1 (tabular CUSUM), §9.2
(EWMA), §8.2 (capability). The run rules are the Western Electric (1956) and Nelson (1984) rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import InputError

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


def _series(values: Any, name: str = "values", minimum: int = 2) -> np.ndarray:
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
            "values": self.values.tolist(),
            "lower": self.lower.tolist(),
            "upper": self.upper.tolist(),
            "out_of_control": np.nonzero(self.out_of_control)[0].tolist(),
            **self.extra,
        }


def _chart(name: str, values: np.ndarray, center: float, lower: Any, upper: Any, **extra: Any) -> Chart:
    lo = np.broadcast_to(np.asarray(lower, dtype=float), values.shape).copy()
    up = np.broadcast_to(np.asarray(upper, dtype=float), values.shape).copy()
    return Chart(name, values, float(center), lo, up, (values > up) | (values < lo), extra)


def imr_chart(values: Any) -> tuple[Chart, Chart]:
    """Individuals and moving-range charts: limits ``x̄ ± 3 MR̄/d2`` and ``D4 MR̄`` (``n = 2``)."""
    x = _series(values)
    moving_range = np.abs(np.diff(x))
    mr_bar = float(moving_range.mean())
    sigma = mr_bar / D2[2]
    center = float(x.mean())
    individuals = _chart("I", x, center, center - 3 * sigma, center + 3 * sigma, sigma=sigma)
    d4 = 1 + 3 * D3_SIGMA[2] / D2[2]
    mr = _chart("MR", moving_range, mr_bar, 0.0, d4 * mr_bar)
    return individuals, mr


def xbar_r_chart(values: Any, subgroup_size: int) -> tuple[Chart, Chart]:
    """X̄ and R charts of consecutive subgroups: ``x̿ ± A2 R̄`` and ``[D3 R̄, D4 R̄]``."""
    if subgroup_size not in D2:
        raise InputError(f"subgroup size: expected 2 to 10, got {subgroup_size!r}.")
    x = _series(values, minimum=2 * subgroup_size)
    groups = x[: x.size // subgroup_size * subgroup_size].reshape(-1, subgroup_size)
    means, ranges = groups.mean(axis=1), np.ptp(groups, axis=1)
    r_bar, grand = float(ranges.mean()), float(means.mean())
    a2, d3, d4 = chart_constants(subgroup_size)
    xbar = _chart(
        "Xbar", means, grand, grand - a2 * r_bar, grand + a2 * r_bar, sigma=r_bar / D2[subgroup_size]
    )
    r = _chart("R", ranges, r_bar, d3 * r_bar, d4 * r_bar)
    return xbar, r


def chart_constants(n: int) -> tuple[float, float, float]:
    """``A2 = 3 / (d2 √n)``, ``D3 = max(0, 1 - 3 d3/d2)``, ``D4 = 1 + 3 d3/d2`` for subgroups of ``n``."""
    d2, d3 = D2[n], D3_SIGMA[n]
    return 3.0 / (d2 * np.sqrt(n)), max(0.0, 1.0 - 3.0 * d3 / d2), 1.0 + 3.0 * d3 / d2


def ewma_chart(
    values: Any, lam: float = 0.2, width: float = 3.0, mean: float | None = None, sigma: float | None = None
) -> Chart:
    """EWMA chart ``z_i = λ x_i + (1 - λ) z_{i-1}`` with exact time-varying limits.

    Limits ``μ ± L σ √(λ/(2-λ) [1 - (1-λ)^{2i}])``; ``μ`` and ``σ`` default to the mean and the
    moving-range estimate ``MR̄/d2`` of the data.
    """
    x = _series(values)
    if not 0.0 < lam <= 1.0:
        raise InputError(f"lambda: expected 0 < λ ≤ 1, got {lam!r}.")
    mu = float(x.mean()) if mean is None else float(mean)
    s = float(np.abs(np.diff(x)).mean() / D2[2]) if sigma is None else float(sigma)
    z = np.empty_like(x)
    level = mu
    for i, value in enumerate(x):
        level = lam * value + (1.0 - lam) * level
        z[i] = level
    steps = np.arange(1, x.size + 1)
    half = width * s * np.sqrt(lam / (2.0 - lam) * (1.0 - (1.0 - lam) ** (2 * steps)))
    return _chart("EWMA", z, mu, mu - half, mu + half, lam=lam, width=width, sigma=s)


def cusum_chart(
    values: Any, k: float = 0.5, h: float = 5.0, mean: float | None = None, sigma: float | None = None
) -> tuple[Chart, Chart]:
    """Tabular CUSUM ``C⁺_i = max(0, x_i - (μ + Kσ) + C⁺_{i-1})`` and ``C⁻``, signalling above ``Hσ``."""
    x = _series(values)
    mu = float(x.mean()) if mean is None else float(mean)
    s = float(np.abs(np.diff(x)).mean() / D2[2]) if sigma is None else float(sigma)
    upper, lower = np.empty_like(x), np.empty_like(x)
    hi = lo = 0.0
    for i, value in enumerate(x):
        hi = max(0.0, value - (mu + k * s) + hi)
        lo = max(0.0, (mu - k * s) - value + lo)
        upper[i], lower[i] = hi, lo
    extra = {"k": k, "h": h, "sigma": s, "mean": mu}
    return _chart("CUSUM+", upper, 0.0, -np.inf, h * s, **extra), _chart(
        "CUSUM-", lower, 0.0, -np.inf, h * s, **extra
    )


def cusum_arl(k: float, h: float, shift: float = 0.0, states: int = 400) -> float:
    """Average run length of a two-sided tabular CUSUM on N(shift, 1) data (Brook & Evans 1972 Markov chain).

    Each one-sided chart is a Markov chain on ``states`` cells of ``[0, h)``; the two-sided ARL is
    ``1 / (1/ARL⁺ + 1/ARL⁻)``.
    """
    from scipy import stats

    def one_sided(delta: float) -> float:
        width = 2.0 * h / (2 * states - 1)
        mids = np.arange(states) * width
        P = np.empty((states, states))
        for i, mid in enumerate(mids):
            upper_edges = mids + width / 2 - mid + k
            cdf = stats.norm.cdf(upper_edges, loc=delta)
            P[i, 0] = cdf[0]
            P[i, 1:] = np.diff(cdf)
        arl = np.linalg.solve(np.eye(states) - P, np.ones(states))
        return float(arl[0])

    up, down = one_sided(shift), one_sided(-shift)
    return 1.0 / (1.0 / up + 1.0 / down)


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
    x = _series(values, minimum=1)
    if sigma <= 0:
        raise InputError(f"sigma: expected a positive number, got {sigma!r}.")
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
        raise InputError(f"rules: expected 'western' or 'nelson', got {rules!r}.")
    out: list[dict[str, Any]] = []
    for rule, flags in found.items():
        out.extend({"rule": rule, "description": table[rule], "index": int(i)} for i in np.nonzero(flags)[0])
    return sorted(out, key=lambda item: (item["index"], item["rule"]))


@dataclass
class Capability:
    """Process capability against specification limits."""

    cp: float | None
    cpk: float
    pp: float | None
    ppk: float
    mean: float
    sigma_within: float
    sigma_overall: float
    lower: float | None
    upper: float | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return dict(vars(self))


def capability(values: Any, lower: float | None, upper: float | None, subgroup_size: int = 1) -> Capability:
    """Cp, Cpk (within-subgroup σ: ``MR̄/d2`` or ``R̄/d2``) and Pp, Ppk (overall sample σ).

    ``Cp = (U - L) / 6σ``, ``Cpk = min(U - μ, μ - L) / 3σ``; with one limit only, Cp and Pp are None.
    """
    x = _series(values)
    if lower is None and upper is None:
        raise InputError("limits: give a lower limit, an upper limit or both.")
    if lower is not None and upper is not None and not lower < upper:
        raise InputError(f"limits: expected lower < upper, got {lower}, {upper}.")
    if subgroup_size == 1:
        within = float(np.abs(np.diff(x)).mean() / D2[2])
    else:
        within = float(xbar_r_chart(x, subgroup_size)[1].center / D2[subgroup_size])
    overall = float(x.std(ddof=1))
    if within <= 0 or overall <= 0:
        raise InputError("values: constant; capability is undefined.")
    mu = float(x.mean())

    def index(sigma: float) -> tuple[float | None, float]:
        sides = [(upper - mu) if upper is not None else np.inf, (mu - lower) if lower is not None else np.inf]
        spread = (upper - lower) / (6 * sigma) if upper is not None and lower is not None else None
        return spread, float(min(sides) / (3 * sigma))

    cp, cpk = index(within)
    pp, ppk = index(overall)
    return Capability(cp, cpk, pp, ppk, mu, within, overall, lower, upper)


@dataclass
class SPCReport:
    """Every univariate chart of one variable, its run-rule violations and its capability."""

    column: str
    charts: list[Chart]
    rule_violations: list[dict[str, Any]]
    capability: Capability | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "column": self.column,
            "charts": [c.to_dict() for c in self.charts],
            "rule_violations": self.rule_violations,
            "capability": None if self.capability is None else self.capability.to_dict(),
        }


def spc_report(
    values: Any,
    column: str = "value",
    limits: tuple[float | None, float | None] | None = None,
    subgroup_size: int = 1,
    rules: str = "nelson",
) -> SPCReport:
    """I-MR (or X̄-R for ``subgroup_size > 1``), EWMA and CUSUM charts, run rules on the first chart, capability."""
    x = _series(values, column)
    first, second = imr_chart(x) if subgroup_size == 1 else xbar_r_chart(x, subgroup_size)
    sigma = float(first.extra["sigma"])
    if sigma <= 0:
        raise InputError(f"{column}: constant; control charts are undefined.")
    charts = [
        first,
        second,
        ewma_chart(x, mean=first.center, sigma=sigma),
        *cusum_chart(x, mean=first.center, sigma=sigma),
    ]
    plotted_sigma = sigma / np.sqrt(subgroup_size)
    violations = run_rules(first.values, first.center, plotted_sigma, rules)
    cap = capability(x, limits[0], limits[1], subgroup_size) if limits is not None else None
    return SPCReport(column, charts, violations, cap)
