"""Remaining useful life (RUL) to an end-of-life threshold from the SOH curves of similar cells.

:class:`TemplateRUL` is a similarity model: each training cell's SOH curve is a
template; the history of the cell at hand is matched to each template by stretching the
template's cycle axis (SOH_cell(n) ≈ SOH_template(a·n), best ``a`` by least squares), so the
template predicts end of life at EOL_template / a. The estimate is the median over templates.

Its interval is conformal: each template is predicted from each other template at 20 %, 30 % ...
80 % of its life, and the ``coverage`` quantile of the absolute log errors widens the estimate
multiplicatively. The templates, not the pooled errors, are the exchangeable units, so the interval
is called calibrated only with at least :func:`templates_to_calibrate` templates ((k + 1)·coverage ≤ k:
9 for 0.90). With fewer it is marked uncalibrated (``calibrated`` False and a ``note``) and widened to
span both models at hand: the template interval (conformal if there are two templates or more,
else the estimate scaled by the bootstrap's relative interval) and the bootstrap interval of the
quadratic extrapolation :func:`~gwangyang.battery.rul_extrapolation.extrapolated_eol`. Their
disagreement is the only measure of model error one or two templates give; the bootstrap alone
holds only the noise of the history and covered none of the CALCE cuts (benchmarks/health_rul.py).
With no template at all (one cell in the store), the estimate itself is that extrapolation.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from ..errors import InputError
from .rul_extrapolation import extrapolated_eol
from .soh import capacity_curve, eol_cycle, smooth_soh, state_of_health

STRETCH_GRID = np.geomspace(0.2, 5.0, 600)
"""Cycle-axis stretch factors tried when matching a history to a template."""

CALIBRATION_FRACTIONS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
"""Fractions of life at which templates are predicted from each other to calibrate intervals."""


def templates_to_calibrate(coverage: float) -> int:
    """Fewest templates k for which a leave-one-template-out interval can reach ``coverage``: (k + 1)·coverage ≤ k."""
    return math.ceil(coverage / (1.0 - coverage) - 1e-9)


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
    calibrated
        Whether the interval is conformal on enough templates to mean its nominal coverage.
    note
        Why not, and how the interval was made instead (None when calibrated).
    """

    cycle: float
    eol_cycle: float | None
    eol_lower: float | None
    eol_upper: float | None
    rul: float | None
    rul_lower: float | None
    rul_upper: float | None
    method: str
    calibrated: bool = False
    note: str | None = None

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
                x, y = capacity_curve(cycles, capacity, name)
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
        x, y = capacity_curve(cycles, capacity)
        soh = smooth_soh(state_of_health(y, initial))
        now = float(x[-1])
        templates = getattr(self, "templates_", {})
        point = self._point(x, soh, templates) if templates else None
        needed = templates_to_calibrate(self.coverage)
        calibrated = point is not None and len(templates) >= needed and math.isfinite(self.log_halfwidth_)
        note = None
        if calibrated:
            assert point is not None
            factor = 10.0**self.log_halfwidth_
            eol, low, high, method = point, point / factor, point * factor, "template"
        else:
            extrapolated, ext_low, ext_high = extrapolated_eol(x, soh, self.threshold, self.coverage)
            eol, low, high, method = extrapolated, ext_low, ext_high, "extrapolation"
            if point is not None:
                if len(templates) >= 2 and math.isfinite(self.log_halfwidth_):
                    factor = 10.0**self.log_halfwidth_
                    t_low, t_high = point / factor, point * factor
                else:  # one template: its estimate with the bootstrap's relative interval
                    t_low, t_high = point * ext_low / extrapolated, point * ext_high / extrapolated
                # Widened to span both models: their disagreement is the model error.
                eol, method = point, "template"
                low, high = min(t_low, ext_low), max(t_high, ext_high)
            note = (
                f"interval not calibrated: {len(templates)} template(s), {needed} needed for nominal "
                f"{self.coverage:.0%} coverage; it spans the template and extrapolation intervals"
            )
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
            calibrated=calibrated,
            note=note,
        )
