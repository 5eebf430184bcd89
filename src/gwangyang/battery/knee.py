"""Knee and knee onset of a capacity-fade curve: Bacon–Watts and Kneedle.

As compared in Attia et al. 2022 (J. Electrochem. Soc. 169:060517):

* **Bacon–Watts** (Bacon & Watts 1971; used for knees by Fermín-Cueto et al. 2020, Energy and AI
  1:100006): ``q = a0 + a1 (n − n1) + a2 (n − n1) tanh((n − n1)/γ)`` with γ → 0, i.e. two lines
  meeting at the knee ``n1``. The **onset** is the first break ``n0`` of the double model
  ``q = a0 + a1 (n − n0) + a2 (n − n0) tanh((n − n0)/γ) + a3 (n − n2) tanh((n − n2)/γ)``.
  Both are fitted as the global least-squares optimum: for fixed breakpoints the model is linear,
  so we profile the breakpoints over a grid of cycles and refine; a local optimiser started from
  one guess (as in the papers' scripts) can stop at a worse local minimum.
* **Kneedle** (Satopää et al. 2011): scale cycles and capacity to [0, 1] and take the point
  farthest above the chord, i.e. the maximum of ``n_norm + q_norm``. Our onset for Kneedle applies
  the same rule to the curve before the knee (no published reference for that one).

Curves are made non-increasing with isotonic regression first (``smooth=True``), which removes
capacity-recovery spikes after rests without moving a knee.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from ..errors import InputError

METHODS = ("bacon-watts", "kneedle")
MIN_POINTS = 10


@dataclass(frozen=True)
class Knee:
    """A knee and its onset, in cycles (None where not found).

    Attributes
    ----------
    method
        ``bacon-watts`` or ``kneedle``.
    knee_cycle, onset_cycle
        Knee point and knee onset.
    knee_capacity
        Capacity of the (smoothed) curve at the knee.
    """

    method: str
    knee_cycle: float | None
    onset_cycle: float | None
    knee_capacity: float | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return asdict(self)


def _prepare(cycles: Any, capacity: Any, smooth: bool) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(cycles, dtype="float64").ravel()
    y = np.asarray(capacity, dtype="float64").ravel()
    if x.shape != y.shape:
        raise InputError(f"knee: cycles and capacity differ in length ({len(x)} and {len(y)}).")
    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    if len(x) < MIN_POINTS:
        raise InputError(f"knee: needs at least {MIN_POINTS} finite (cycle, capacity) points, got {len(x)}.")
    order = np.argsort(x, kind="stable")
    x, y = x[order], y[order]
    if smooth:
        from sklearn.isotonic import IsotonicRegression

        y = IsotonicRegression(increasing=False).fit_transform(x, y)
    return x, y


def _hinge_design(x: np.ndarray, breaks: tuple[float, ...]) -> np.ndarray:
    # tanh(r/γ) with γ → 0 is sign(r); (n − b)·sign(n − b) = |n − b|.
    columns = [np.ones_like(x), x - breaks[0]] + [np.abs(x - b) for b in breaks]
    return np.column_stack(columns)


def _sse(x: np.ndarray, y: np.ndarray, breaks: tuple[float, ...]) -> float:
    design = _hinge_design(x, breaks)
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = y - design @ coef
    return float(residual @ residual)


def _grid(x: np.ndarray, points: int = 200) -> np.ndarray:
    inner = x[1:-1]
    if len(inner) <= points:
        return inner
    return np.quantile(inner, np.linspace(0, 1, points))


def bacon_watts_knee(cycles: Any, capacity: Any, smooth: bool = True) -> float:
    """Knee cycle of the single Bacon–Watts model (least squares over the breakpoint)."""
    from scipy.optimize import minimize_scalar

    x, y = _prepare(cycles, capacity, smooth)
    grid = _grid(x)
    errors = [_sse(x, y, (b,)) for b in grid]
    best = int(np.argmin(errors))
    low, high = grid[max(best - 1, 0)], grid[min(best + 1, len(grid) - 1)]
    if high > low:
        result = minimize_scalar(lambda b: _sse(x, y, (b,)), bounds=(low, high), method="bounded")
        if result.fun <= errors[best]:
            return float(result.x)
    return float(grid[best])


def _best_pairs(x: np.ndarray, y: np.ndarray, grid: np.ndarray, keep: int = 5) -> list[tuple[float, float]]:
    """The ``keep`` breakpoint pairs b0 < b2 of ``grid`` with the smallest double-hinge residual.

    All pairs at once from the normal equations of the design [1, x, |x − b0|, |x − b2|] (the
    same column space as the Bacon–Watts design), on x scaled to [0, 1] and y centred; the
    candidates are then rescored exactly with least squares by the caller.
    """
    if len(grid) < 2:
        return [(float(grid[0]), float(grid[0]))] if len(grid) else []
    lo, span = x[0], max(x[-1] - x[0], 1e-12)
    u, v = (x - lo) / span, y - y.mean()
    hinges = np.abs(u[None, :] - ((grid - lo) / span)[:, None])  # (G, n)
    i, j = np.triu_indices(len(grid), k=1)
    n = float(len(u))
    su, suu, sv, suv = u.sum(), u @ u, v.sum(), u @ v
    sa, sua, sav, saa = hinges.sum(axis=1), hinges @ u, hinges @ v, hinges @ hinges.T
    gram = np.empty((len(i), 4, 4))
    gram[:, 0, 0], gram[:, 0, 1], gram[:, 1, 1] = n, su, suu
    gram[:, 0, 2], gram[:, 0, 3] = sa[i], sa[j]
    gram[:, 1, 2], gram[:, 1, 3] = sua[i], sua[j]
    gram[:, 2, 2], gram[:, 3, 3], gram[:, 2, 3] = saa[i, i], saa[j, j], saa[i, j]
    lower = np.tril_indices(4, k=-1)
    gram[:, lower[0], lower[1]] = gram[:, lower[1], lower[0]]
    rhs = np.column_stack([np.full(len(i), sv), np.full(len(i), suv), sav[i], sav[j]])
    try:
        solved = np.linalg.solve(gram, rhs[..., None])[..., 0]
    except np.linalg.LinAlgError:
        return [(float(grid[a]), float(grid[b])) for a, b in zip(i, j, strict=True)]
    sse = v @ v - np.einsum("pk,pk->p", rhs, solved)
    order = np.argsort(sse)[:keep]
    return [(float(grid[i[k]]), float(grid[j[k]])) for k in order]


def bacon_watts_onset(cycles: Any, capacity: Any, smooth: bool = True) -> float:
    """Knee onset: the first breakpoint of the double Bacon–Watts model."""
    from scipy.optimize import minimize

    x, y = _prepare(cycles, capacity, smooth)
    grid = _grid(x, 80)
    best, best_pair = np.inf, (grid[0], grid[-1])
    for b0, b2 in _best_pairs(x, y, grid):
        err = _sse(x, y, (b0, b2))
        if err < best:
            best, best_pair = err, (b0, b2)
    step = float(np.median(np.diff(grid))) if len(grid) > 1 else 1.0
    result = minimize(
        lambda p: _sse(x, y, (p[0], p[1])) if p[0] < p[1] else np.inf,
        np.asarray(best_pair),
        method="Nelder-Mead",
        options={
            "xatol": 0.05,
            "fatol": 1e-12,
            "initial_simplex": [
                list(best_pair),
                [best_pair[0] + step, best_pair[1]],
                [best_pair[0], best_pair[1] + step],
            ],
        },
    )
    onset = float(result.x[0]) if result.fun <= best else float(best_pair[0])
    return float(np.clip(onset, x[0], x[-1]))


def _kneedle_index(x: np.ndarray, y: np.ndarray) -> int:
    span_x, span_y = x.max() - x.min(), y.max() - y.min()
    if span_x <= 0 or span_y <= 0:
        raise InputError("knee: the capacity curve is flat; there is no knee.")
    score = (x - x.min()) / span_x + (y - y.min()) / span_y
    return int(np.argmax(score))


def kneedle_knee(cycles: Any, capacity: Any, smooth: bool = True) -> float:
    """Knee cycle by Kneedle: the point farthest above the chord of the normalised curve."""
    x, y = _prepare(cycles, capacity, smooth)
    return float(x[_kneedle_index(x, y)])


def kneedle_onset(cycles: Any, capacity: Any, smooth: bool = True) -> float | None:
    """Kneedle applied to the curve before its knee (None when too few points precede the knee)."""
    x, y = _prepare(cycles, capacity, smooth)
    knee = _kneedle_index(x, y)
    if knee + 1 < MIN_POINTS or np.ptp(y[: knee + 1]) <= 0:
        return None
    return float(x[_kneedle_index(x[: knee + 1], y[: knee + 1])])


def find_knee(cycles: Any, capacity: Any, method: str = "bacon-watts", smooth: bool = True) -> Knee:
    """Knee and onset of a capacity curve by one method.

    Parameters
    ----------
    cycles, capacity
        The capacity-fade curve (any order; NaN points are dropped).
    method
        ``bacon-watts`` or ``kneedle``.
    smooth
        Make the curve non-increasing (isotonic regression) first.

    Returns
    -------
    Knee
    """
    if method not in METHODS:
        raise InputError(f"knee method: expected one of {', '.join(METHODS)}, got {method!r}.")
    x, y = _prepare(cycles, capacity, smooth)
    if method == "bacon-watts":
        knee = bacon_watts_knee(x, y, smooth=False)
        onset: float | None = bacon_watts_onset(x, y, smooth=False)
    else:
        knee = kneedle_knee(x, y, smooth=False)
        onset = kneedle_onset(x, y, smooth=False)
    return Knee(method, knee, onset, float(np.interp(knee, x, y)))
