"""State of health per cycle and remaining useful life (RUL) to an end-of-life threshold.

SOH is discharge capacity over the cell's initial capacity (the median of its first cycles). End
of life is the first cycle whose SOH falls below ``threshold`` (default 0.8).

RUL comes from :class:`TemplateRUL`, a similarity model: each training cell's SOH curve is a
template; the history of the cell at hand is matched to each template by stretching the
template's cycle axis (SOH_cell(n) ≈ SOH_template(a·n), best ``a`` by least squares), so the
template predicts end of life at EOL_template / a. The estimate is the median over templates.
Its interval is conformal: each template is predicted from each other template at 20 %, 30 % ...
80 % of its life, and the ``coverage`` quantile of the absolute log errors widens the estimate
multiplicatively. Without two templates to calibrate on, the interval is the bootstrap interval of
:func:`extrapolated_eol` (which covers less than it claims on cells with a knee); with no template
at all (one cell in the store), the estimate itself falls back to
:func:`extrapolated_eol`: 1 − SOH = b·n + c·n² (b, c ≥ 0) fitted to the history, with a
residual-bootstrap interval. :func:`linear_eol` is the baseline the benchmarks compare against.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InputError
from .cycles import left_out_reasons, usable_cycles

if TYPE_CHECKING:
    from ..store import Store

STRETCH_GRID = np.geomspace(0.2, 5.0, 600)
"""Cycle-axis stretch factors tried when matching a history to a template."""

CALIBRATION_FRACTIONS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
"""Fractions of life at which templates are predicted from each other to calibrate intervals."""


def _curve(cycles: Any, capacity: Any, name: str = "capacity") -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(cycles, dtype="float64").ravel()
    y = np.asarray(capacity, dtype="float64").ravel()
    if x.shape != y.shape:
        raise InputError(f"{name}: cycles and capacity differ in length ({len(x)} and {len(y)}).")
    keep = np.isfinite(x) & np.isfinite(y) & (y > 0)
    x, y = x[keep], y[keep]
    if len(x) < 3:
        raise InputError(f"{name}: needs at least 3 cycles with a positive capacity, got {len(x)}.")
    order = np.argsort(x, kind="stable")
    return x[order], y[order]


def state_of_health(capacity: Any, initial: float | None = None, n_initial: int = 5) -> np.ndarray:
    """SOH per cycle: capacity / initial capacity (default: median of the first ``n_initial`` cycles)."""
    values = np.asarray(capacity, dtype="float64")
    reference = float(np.nanmedian(values[:n_initial])) if initial is None else float(initial)
    if not math.isfinite(reference) or reference <= 0:
        raise InputError(f"initial capacity: expected a positive number, got {reference}.")
    return values / reference


def smooth_soh(soh: Any, window: int = 5) -> np.ndarray:
    """Centred running median: removes one-cycle logging dips and recovery spikes."""
    import pandas as pd

    series = pd.Series(np.asarray(soh, dtype="float64"))
    return np.asarray(series.rolling(window, center=True, min_periods=1).median(), dtype="float64")


def eol_cycle(cycles: Any, soh: Any, threshold: float = 0.8) -> float | None:
    """First cycle whose SOH (running median of 5) is below ``threshold`` (None if never)."""
    x = np.asarray(cycles, dtype="float64")
    below = np.flatnonzero(smooth_soh(soh) < threshold)
    return float(x[below[0]]) if len(below) else None


def linear_eol(cycles: Any, soh: Any, threshold: float = 0.8) -> float:
    """Baseline: a straight line through the SOH history, extrapolated to ``threshold``."""
    x, y = _curve(cycles, soh, "soh")
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
    x, y = _curve(cycles, soh, "soh")
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


def _match(
    history_x: np.ndarray, history_y: np.ndarray, template_x: np.ndarray, template_y: np.ndarray
) -> float:
    """Best stretch ``a`` with history_y(n) ≈ template_y(a·n); NaN if no stretch covers the history."""
    best, best_a = np.inf, float("nan")
    for a in STRETCH_GRID:
        scaled = a * history_x
        inside = scaled <= template_x[-1]
        if inside.sum() < max(3, 0.8 * len(history_x)):
            continue
        err = np.mean((history_y[inside] - np.interp(scaled[inside], template_x, template_y)) ** 2)
        if err < best:
            best, best_a = err, float(a)
    return best_a


@dataclass(frozen=True)
class RULEstimate:
    """Remaining useful life at the last cycle of a history.

    Attributes
    ----------
    cycle
        Last cycle of the history.
    eol_cycle, eol_lower, eol_upper
        Predicted end-of-life cycle and its interval (None where unbounded).
    rul, rul_lower, rul_upper
        The same, minus ``cycle``.
    method
        ``template`` or ``extrapolation``.
    """

    cycle: float
    eol_cycle: float | None
    eol_lower: float | None
    eol_upper: float | None
    rul: float | None
    rul_lower: float | None
    rul_upper: float | None
    method: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return asdict(self)


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


class TemplateRUL:
    """Similarity-based RUL from the SOH curves of cells that reached end of life.

    Parameters
    ----------
    threshold
        End-of-life SOH.
    coverage
        Nominal coverage of the intervals.
    """

    def __init__(self, threshold: float = 0.8, coverage: float = 0.9) -> None:
        if not 0 < threshold < 1:
            raise InputError(f"end-of-life threshold: expected a fraction in (0, 1), got {threshold}.")
        if not 0 < coverage < 1:
            raise InputError(f"coverage: expected a fraction in (0, 1), got {coverage}.")
        self.threshold = threshold
        self.coverage = coverage

    def fit(self, curves: dict[str, tuple[Any, Any]]) -> TemplateRUL:
        """Store templates: ``{cell: (cycles, capacity)}``; cells too short or that never reach end of life are left out."""
        self.templates_: dict[str, tuple[np.ndarray, np.ndarray, float]] = {}
        for name, (cycles, capacity) in curves.items():
            try:
                x, y = _curve(cycles, capacity, name)
            except InputError:
                continue  # too short to be a template
            soh = smooth_soh(state_of_health(y))
            eol = eol_cycle(x, soh, self.threshold)
            if eol is not None:
                self.templates_[name] = (x, soh, eol)
        errors = []
        # Pairwise: each template predicted from each other one alone (a single template is a
        # worse predictor than the median of several, so these errors err on the wide side).
        for name, (x, soh, eol) in self.templates_.items():
            for other, template in self.templates_.items():
                if other == name:
                    continue
                for fraction in CALIBRATION_FRACTIONS:
                    cut = x <= fraction * eol
                    if cut.sum() < 3:
                        continue
                    guess = self._point(x[cut], soh[cut], {other: template})
                    if guess is not None:
                        errors.append(abs(math.log10(guess / eol)))
        self.calibration_errors_ = np.asarray(errors)
        n = len(errors)
        rank = math.ceil((n + 1) * self.coverage)
        self.log_halfwidth_ = float(np.sort(errors)[rank - 1]) if 0 < rank <= n else float("inf")
        return self

    def _point(
        self, x: np.ndarray, soh: np.ndarray, templates: dict[str, tuple[np.ndarray, np.ndarray, float]]
    ) -> float | None:
        guesses = []
        for tx, ty, teol in templates.values():
            a = _match(x, soh, tx, ty)
            if math.isfinite(a):
                guesses.append(max(teol / a, x[-1]))
        return float(np.median(guesses)) if guesses else None

    def predict(self, cycles: Any, capacity: Any, initial: float | None = None) -> RULEstimate:
        """RUL of one cell from its capacity history."""
        x, y = _curve(cycles, capacity)
        soh = smooth_soh(state_of_health(y, initial))
        now = float(x[-1])
        templates = getattr(self, "templates_", {})
        point = self._point(x, soh, templates) if templates else None
        if point is not None and math.isfinite(self.log_halfwidth_):
            factor = 10.0**self.log_halfwidth_
            eol, low, high, method = point, max(point / factor, now), point * factor, "template"
        else:
            # Uncalibrated (fewer than two templates): the extrapolation's bootstrap interval.
            extrapolated, low, high = extrapolated_eol(x, soh, self.threshold, self.coverage)
            eol, method = extrapolated, "extrapolation"
            if point is not None:
                # One template: its estimate, with the extrapolation's relative bootstrap interval.
                eol, method = point, "template"
                low, high = point * low / extrapolated, point * high / extrapolated
            low = max(low, now)
        eol_f, low_f, high_f = _finite(eol), _finite(low), _finite(high)
        return RULEstimate(
            cycle=now,
            eol_cycle=eol_f,
            eol_lower=low_f,
            eol_upper=high_f,
            rul=None if eol_f is None else eol_f - now,
            rul_lower=None if low_f is None else low_f - now,
            rul_upper=None if high_f is None else high_f - now,
            method=method,
        )


KNEE_MIN_AFTER_FRACTION = 0.1
"""A knee is reported only when the series runs on after it for this fraction of its span ..."""

KNEE_MIN_AFTER_POINTS = 5
"""... and for at least this many cycles: a break in the last few points cannot be told from noise."""


def _knee_support(x: np.ndarray, knee: float | None, name: str) -> str | None:
    """Why a knee (or onset) at ``knee`` is not reported, or None if the series supports it."""
    if knee is None:
        return None
    after = int(np.sum(x > knee))
    needed_span = KNEE_MIN_AFTER_FRACTION * float(x[-1] - x[0])
    if after < KNEE_MIN_AFTER_POINTS or float(x[-1] - knee) < needed_span:
        return (
            f"{name} at cycle {knee:.0f} is not reported: the series ends {x[-1] - knee:.0f} cycles "
            f"({after} points) after it; at least {max(KNEE_MIN_AFTER_POINTS, math.ceil(needed_span))} "
            "are needed to tell a knee from the end of the data"
        )
    return None


def health_report(
    cycles: Any,
    capacity: Any,
    templates: dict[str, tuple[Any, Any]] | None = None,
    threshold: float = 0.8,
    coverage: float = 0.9,
) -> dict[str, Any]:
    """SOH per cycle, knee and knee onset (Bacon–Watts), and RUL with interval, JSON-ready."""
    from .knee import MIN_POINTS, find_knee

    x, y = _curve(cycles, capacity)
    soh = state_of_health(y)
    knee: dict[str, Any] = {"knee_cycle": None, "onset_cycle": None, "method": "bacon-watts", "notes": []}
    if len(x) < MIN_POINTS or np.ptp(soh) <= 0:
        knee["notes"].append(f"no knee sought: {len(x)} cycles with a changing SOH, {MIN_POINTS} needed")
    else:
        found = find_knee(x, soh, "bacon-watts")
        knee.update(knee_cycle=found.knee_cycle, onset_cycle=found.onset_cycle, method=found.method)
        why = _knee_support(x, found.knee_cycle, "knee")
        if why is not None:
            # Without a knee there is no onset of it either.
            knee.update(knee_cycle=None, onset_cycle=None)
            knee["notes"].append(why)
        else:
            why = _knee_support(x, found.onset_cycle, "knee onset")
            if why is not None:
                knee["onset_cycle"] = None
                knee["notes"].append(why)
    model = TemplateRUL(threshold, coverage).fit(templates or {})
    reached = eol_cycle(x, soh, threshold)
    rul = model.predict(x, y).to_dict()
    return {
        "cycles": x.tolist(),
        "soh": soh.tolist(),
        "initial_capacity_ah": float(np.median(y[:5])),
        "threshold": threshold,
        "knee": knee,
        "eol_reached_cycle": reached,
        "rul": rul,
        "templates": sorted(model.templates_),
    }


def store_templates(store: Store, cell_id: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Capacity curves of the other store cells with the same nominal capacity: RUL templates.

    Parameters
    ----------
    store
        The store.
    cell_id
        The cell whose RUL is wanted (left out).

    Returns
    -------
    dict
        ``{cell_id: (cycles, discharge capacity)}``; :class:`TemplateRUL` keeps those that reached end of life.
    """
    metas = {m["cell_id"]: m for m in store.metas()}
    nominal = metas.get(cell_id, {}).get("nominal_capacity_ah")
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for other, meta in metas.items():
        if other == cell_id or meta.get("nominal_capacity_ah") != nominal:
            continue
        cycles, _left_out = usable_cycles(store.cycles(other))
        out[other] = (
            cycles["cycle_index"].to_numpy(dtype="float64"),
            cycles["discharge_capacity_ah"].to_numpy(dtype="float64"),
        )
    return out


def cell_health(
    store: Store,
    cell_id: str,
    threshold: float = 0.8,
    coverage: float = 0.9,
    templates: dict[str, tuple[Any, Any]] | None = None,
) -> dict[str, Any]:
    """SOH per cycle, knee, knee onset and RUL with interval of one store cell.

    Parameters
    ----------
    store
        The store.
    cell_id
        The cell.
    threshold
        End-of-life SOH (fraction of the initial capacity).
    coverage
        Nominal coverage of the RUL interval.
    templates
        Capacity curves of cells run to end of life, ``{name: (cycles, capacity)}``; default:
        :func:`store_templates` (other store cells of the same nominal capacity).

    Returns
    -------
    dict
        ``cell``, ``left_out_cycles`` (incomplete and HPPC cycles, and complete ones with an implausible
        coulombic efficiency, see :func:`~gwangyang.battery.cycles.usable_cycles`), ``left_out_reasons``
        (``{reason: count}``, :func:`~gwangyang.battery.cycles.left_out_reasons`) plus :func:`health_report`'s keys;
        JSON-ready (no NaN or infinity).

    Raises
    ------
    InputError
        Fewer than 3 cycles with a positive capacity, or a bad threshold or coverage.
    NotFoundError
        No such cell in the store.
    """
    stored = store.cycles(cell_id)
    cycles, left_out = usable_cycles(stored)
    if templates is None:
        templates = store_templates(store, cell_id)
    report = health_report(
        cycles["cycle_index"].to_numpy(dtype="float64"),
        cycles["discharge_capacity_ah"].to_numpy(dtype="float64"),
        templates=templates,
        threshold=threshold,
        coverage=coverage,
    )
    return {
        "cell": cell_id,
        "left_out_cycles": left_out,
        "left_out_reasons": left_out_reasons(stored),
        **report,
    }
