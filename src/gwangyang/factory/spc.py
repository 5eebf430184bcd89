"""Univariate statistical process control: Shewhart I-MR and X̄-R charts, EWMA, CUSUM, run rules, capability.

Chart constants and formulas follow Montgomery, *Introduction to Statistical Quality Control*
(6th ed., 2009): §6.4 (individuals and moving range), §6.2 (X̄ and R), §9.1 (tabular CUSUM), §9.2
(EWMA), §8.2 (capability). The run rules are the Western Electric (1956) and Nelson (1984) rules. The
:class:`~gwangyang.factory.control_chart.Chart` every chart is, and the ``d2``/``d3`` constants of its limits,
are :mod:`gwangyang.factory.control_chart`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from ..written import as_written
from .control_chart import D2, D3_SIGMA, Chart, chart_constants, checked_values, new_chart
from .run_rules import run_rules


def imr_chart(values: Any) -> tuple[Chart, Chart]:
    """Individuals and moving-range charts: limits ``x̄ ± 3 MR̄/d2`` and ``D4 MR̄`` (``n = 2``)."""
    x = checked_values(values)
    moving_range = np.abs(np.diff(x))
    mr_bar = float(moving_range.mean())
    sigma = mr_bar / D2[2]
    center = float(x.mean())
    individuals = new_chart("I", x, center, center - 3 * sigma, center + 3 * sigma, sigma=sigma)
    d4 = 1 + 3 * D3_SIGMA[2] / D2[2]
    mr = new_chart("MR", moving_range, mr_bar, 0.0, d4 * mr_bar)
    return individuals, mr


def xbar_r_chart(values: Any, subgroup_size: int, name: str = "values") -> tuple[Chart, Chart]:
    """X̄ and R charts of consecutive subgroups: ``x̿ ± A2 R̄`` and ``[D3 R̄, D4 R̄]`` (``name``: in messages)."""
    if subgroup_size not in D2:
        raise InputError(f"subgroup size: expected 2 to 10, got {as_written(subgroup_size)}.")
    x = checked_values(values, name)
    if x.size < 2 * subgroup_size:
        raise InputError(
            f"{name}: expected at least {2 * subgroup_size} values (2 subgroups of {subgroup_size}), got {x.size}."
        )
    groups = x[: x.size // subgroup_size * subgroup_size].reshape(-1, subgroup_size)
    means, ranges = groups.mean(axis=1), np.ptp(groups, axis=1)
    r_bar, grand = float(ranges.mean()), float(means.mean())
    a2, d3, d4 = chart_constants(subgroup_size)
    xbar = new_chart(
        "Xbar", means, grand, grand - a2 * r_bar, grand + a2 * r_bar, sigma=r_bar / D2[subgroup_size]
    )
    r = new_chart("R", ranges, r_bar, d3 * r_bar, d4 * r_bar)
    return xbar, r


def grouped_xbar_r_chart(values: Any, labels: Any, name: str = "subgroup") -> tuple[Chart, Chart, list[str]]:
    """X̄ and R charts of subgroups named by a label per value (rows of one label form one subgroup).

    Subgroups are taken in the order their labels first appear. With equal sizes ``n`` the limits are
    ``x̿ ± A2 R̄`` and ``[D3 R̄, D4 R̄]``; with unequal sizes each subgroup gets its own limits from
    ``σ̂ = mean(Rᵢ / d2(nᵢ))``: ``x̿ ± 3 σ̂ / √nᵢ`` and ``[D3(nᵢ), D4(nᵢ)] d2(nᵢ) σ̂``, ``x̿`` weighted by size
    (Montgomery §6.3.2's approach for varying sample size).

    Returns
    -------
    (Chart, Chart, list of str)
        The X̄ and R charts (``extra``: ``subgroups``, the labels, and ``sizes``) and notes.

    Raises
    ------
    InputError
        A subgroup of 1 row (no range) or more than 10 (no tabled constants), or fewer than 2 subgroups.
    """
    x = checked_values(values, minimum=2)
    keys = pd.Series(np.asarray(labels, dtype=object)).astype("string").str.strip()
    if len(keys) != x.size:
        raise InputError(f"{name}: expected one label per value.")
    if keys.isna().any() or (keys == "").any():
        row = int(np.nonzero((keys.isna() | (keys == "")).to_numpy())[0][0])
        raise InputError(
            f"{name}: empty subgroup label in data row {row + 1}; expected a label on every row."
        )
    codes, uniques = pd.factorize(keys, sort=False)
    sizes = np.bincount(codes)
    for bad, what in (
        (sizes < 2, "1 row (a range needs 2)"),
        (sizes > 10, "over 10 rows (constants are tabled to 10)"),
    ):
        if bad.any():
            first = int(np.nonzero(bad)[0][0])
            raise InputError(
                f"{name}: subgroup {str(uniques[first])!r} has {int(sizes[first])} row(s); expected 2 to 10 rows, "
                f"not {what}."
            )
    if sizes.size < 2:
        raise InputError(f"{name}: one subgroup only ({str(uniques[0])!r}); expected at least 2.")
    means = np.bincount(codes, weights=x) / sizes
    highs = pd.Series(x).groupby(codes).max().to_numpy()
    lows = pd.Series(x).groupby(codes).min().to_numpy()
    ranges = highs - lows
    d2 = np.array([D2[int(n)] for n in sizes])
    d3 = np.array([D3_SIGMA[int(n)] for n in sizes])
    notes: list[str] = []
    grand = float(np.sum(means * sizes) / np.sum(sizes))
    extra = {"subgroups": [str(u) for u in uniques], "sizes": sizes.tolist()}
    if np.all(sizes == sizes[0]):
        n = int(sizes[0])
        a2, lower_r, upper_r = chart_constants(n)
        r_bar = float(ranges.mean())
        sigma = r_bar / D2[n]
        xbar = new_chart("Xbar", means, grand, grand - a2 * r_bar, grand + a2 * r_bar, sigma=sigma, **extra)
        r = new_chart("R", ranges, r_bar, lower_r * r_bar, upper_r * r_bar, **extra)
        return xbar, r, notes
    sigma = float(np.mean(ranges / d2))
    half = 3.0 * sigma / np.sqrt(sizes)
    xbar = new_chart("Xbar", means, grand, grand - half, grand + half, sigma=sigma, **extra)
    r = new_chart(
        "R",
        ranges,
        float(np.mean(d2) * sigma),
        np.maximum(0.0, d2 - 3 * d3) * sigma,
        (d2 + 3 * d3) * sigma,
        center_per_subgroup=(d2 * sigma).tolist(),
        **extra,
    )
    notes.append(
        f"{name}: subgroups of unequal size ({int(sizes.min())} to {int(sizes.max())} rows); each has its own "
        "limits from σ̂ = mean(Rᵢ/d2(nᵢ))."
    )
    return xbar, r, notes


def ewma_chart(
    values: Any, lam: float = 0.2, width: float = 3.0, mean: float | None = None, sigma: float | None = None
) -> Chart:
    """EWMA chart ``z_i = λ x_i + (1 - λ) z_{i-1}`` with exact time-varying limits.

    Limits ``μ ± L σ √(λ/(2-λ) [1 - (1-λ)^{2i}])``; ``μ`` and ``σ`` default to the mean and the
    moving-range estimate ``MR̄/d2`` of the data.
    """
    x = checked_values(values)
    if not 0.0 < lam <= 1.0:
        raise InputError(f"lambda: expected 0 < λ ≤ 1, got {as_written(lam)}.")
    mu = float(x.mean()) if mean is None else float(mean)
    s = float(np.abs(np.diff(x)).mean() / D2[2]) if sigma is None else float(sigma)
    z = np.empty_like(x)
    level = mu
    for i, value in enumerate(x):
        level = lam * value + (1.0 - lam) * level
        z[i] = level
    steps = np.arange(1, x.size + 1)
    half = width * s * np.sqrt(lam / (2.0 - lam) * (1.0 - (1.0 - lam) ** (2 * steps)))
    return new_chart("EWMA", z, mu, mu - half, mu + half, lam=lam, width=width, sigma=s)


def cusum_chart(
    values: Any, k: float = 0.5, h: float = 5.0, mean: float | None = None, sigma: float | None = None
) -> tuple[Chart, Chart]:
    """Tabular CUSUM ``C⁺_i = max(0, x_i - (μ + Kσ) + C⁺_{i-1})`` and ``C⁻``, signalling above ``Hσ``."""
    x = checked_values(values)
    mu = float(x.mean()) if mean is None else float(mean)
    s = float(np.abs(np.diff(x)).mean() / D2[2]) if sigma is None else float(sigma)
    upper, lower = np.empty_like(x), np.empty_like(x)
    hi = lo = 0.0
    for i, value in enumerate(x):
        hi = max(0.0, value - (mu + k * s) + hi)
        lo = max(0.0, (mu - k * s) - value + lo)
        upper[i], lower[i] = hi, lo
    extra = {"k": k, "h": h, "sigma": s, "mean": mu}
    return new_chart("CUSUM+", upper, 0.0, -np.inf, h * s, **extra), new_chart(
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


def capability(
    values: Any,
    lower: float | None,
    upper: float | None,
    subgroup_size: int = 1,
    within: float | None = None,
) -> Capability:
    """Cp, Cpk (within-subgroup σ: ``MR̄/d2`` or ``R̄/d2``, or ``within``) and Pp, Ppk (overall sample σ).

    ``Cp = (U - L) / 6σ``, ``Cpk = min(U - μ, μ - L) / 3σ``; with one limit only, Cp and Pp are None.
    """
    x = checked_values(values)
    if lower is None and upper is None:
        raise InputError("limits: give a lower limit, an upper limit or both.")
    if lower is not None and upper is not None and not lower < upper:
        raise InputError(f"limits: expected lower < upper, got {lower}, {upper}.")
    if within is not None:
        within = float(within)
    elif subgroup_size == 1:
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
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "column": self.column,
            "charts": [c.to_dict() for c in self.charts],
            "rule_violations": self.rule_violations,
            "capability": None if self.capability is None else self.capability.to_dict(),
            "notes": self.notes,
        }


def spc_report(
    values: Any,
    column: str = "value",
    limits: tuple[float | None, float | None] | None = None,
    subgroup_size: int = 1,
    rules: str = "nelson",
    subgroups: Any = None,
    subgroup_name: str = "subgroup",
    where: str | None = None,
) -> SPCReport:
    """Every chart of one variable: I-MR or X̄-R, EWMA, CUSUM; run rules on the first; capability.

    X̄-R is drawn for ``subgroup_size > 1`` or for labels in ``subgroups``.

    Parameters
    ----------
    values
        The measurements, in production order.
    column
        Their name (in messages and the report).
    limits
        Specification limits ``(L, U)`` (either None) for capability, or None.
    subgroup_size
        1: I-MR; 2 to 10: X̄-R of consecutive subgroups (rows past the last whole subgroup are left out, with a
        note).
    rules
        ``"nelson"`` or ``"western"``.
    subgroups
        One subgroup label per value (a lot or sample column): X̄-R of those subgroups, of any sizes 2 to 10
        (see :func:`grouped_xbar_r_chart`); ``subgroup_size`` is then ignored.
    subgroup_name
        Name of the labels' column, in messages.
    where
        How messages and notes name the values (the file and column: ``"t.csv: column 'x'"``); ``column`` if None.

    Returns
    -------
    SPCReport
        The charts, run-rule violations, capability and notes.
    """
    where = column if where is None else where
    x = checked_values(values, where)
    notes: list[str] = []
    if subgroups is not None:
        first, second, notes = grouped_xbar_r_chart(x, subgroups, subgroup_name)
        sizes = np.asarray(first.extra["sizes"], dtype=float)
    else:
        first, second = imr_chart(x) if subgroup_size == 1 else xbar_r_chart(x, subgroup_size, where)
        sizes = np.full(first.values.size, float(subgroup_size))
        left = x.size % subgroup_size
        if subgroup_size > 1 and left:
            notes.append(
                f"{where}: the last {left} value(s) do not fill a subgroup of {subgroup_size} and are not on "
                "the X̄-R charts (EWMA, CUSUM and capability use every value)."
            )
    sigma = float(first.extra["sigma"])
    if sigma <= 0:
        raise InputError(f"{where}: constant; control charts are undefined.")
    charts = [
        first,
        second,
        ewma_chart(x, mean=first.center, sigma=sigma),
        *cusum_chart(x, mean=first.center, sigma=sigma),
    ]
    standard = (first.values - first.center) / (sigma / np.sqrt(sizes))
    violations = run_rules(standard, 0.0, 1.0, rules)
    cap = None
    if limits is not None:
        within = sigma if subgroups is not None else None
        cap = capability(x, limits[0], limits[1], subgroup_size if subgroups is None else 1, within)
    return SPCReport(column, charts, violations, cap, notes)
