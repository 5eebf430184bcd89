"""Knee and knee onset: curves whose knees are known in closed form."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from gwangyang.battery.knee import bacon_watts_knee, bacon_watts_onset, find_knee, kneedle_knee
from gwangyang.errors import InputError


def _piecewise(
    cycles: np.ndarray, breaks: list[float], slopes: list[float], start: float = 1.1
) -> np.ndarray:
    """Continuous piecewise-linear capacity: slope slopes[i] between consecutive breaks."""
    out = start + slopes[0] * cycles
    for b, (before, after) in zip(breaks, itertools.pairwise(slopes), strict=True):
        out += (after - before) * np.maximum(cycles - b, 0.0)
    return out


def test_bacon_watts_finds_the_break_of_two_lines() -> None:
    # Two lines meeting at cycle 412.5: the Bacon–Watts model with γ → 0 is exactly this curve.
    cycles = np.arange(1.0, 801.0)
    capacity = _piecewise(cycles, [412.5], [-5e-5, -1e-3])
    assert bacon_watts_knee(cycles, capacity) == pytest.approx(412.5, abs=0.5)


def test_bacon_watts_is_robust_to_noise() -> None:
    rng = np.random.default_rng(3)
    cycles = np.arange(1.0, 801.0)
    capacity = _piecewise(cycles, [500.0], [-5e-5, -1e-3]) + rng.normal(scale=2e-3, size=len(cycles))
    assert bacon_watts_knee(cycles, capacity, smooth=False) == pytest.approx(500.0, abs=15)


def test_onset_is_the_first_break_of_three_lines() -> None:
    # Slopes −5e-5, −4e-4, −2e-3 with breaks at 300 and 500: the double model's first break is 300.
    cycles = np.arange(1.0, 701.0)
    capacity = _piecewise(cycles, [300.0, 500.0], [-5e-5, -4e-4, -2e-3])
    assert bacon_watts_onset(cycles, capacity) == pytest.approx(300.0, abs=3)
    knee = find_knee(cycles, capacity)
    assert knee.onset_cycle is not None and knee.knee_cycle is not None
    assert knee.onset_cycle < knee.knee_cycle


def test_kneedle_on_a_parabola() -> None:
    # q = 1 − t² on t ∈ [0, 1] (cycles = 1000 t): Kneedle maximises t + (1 − t²), so t = 0.5.
    cycles = np.arange(0.0, 1001.0)
    capacity = 1.0 - (cycles / 1000.0) ** 2
    assert kneedle_knee(cycles, capacity) == 500.0
    knee = find_knee(cycles, capacity, "kneedle")
    assert knee.knee_capacity == pytest.approx(0.75)
    # Onset: Kneedle on cycles 0..500 normalises to 2t and (q − 0.75)/0.25 = 1 − 4t²; the maximum
    # of 2t + 1 − 4t² is at t = 0.25, cycle 250.
    assert knee.onset_cycle == 250.0


def test_smoothing_removes_recovery_spikes() -> None:
    # A capacity recovery after a rest (one high point) must not move the knee.
    cycles = np.arange(1.0, 801.0)
    capacity = _piecewise(cycles, [400.0], [-5e-5, -1e-3])
    capacity[600] += 0.05
    assert bacon_watts_knee(cycles, capacity) == pytest.approx(400.0, abs=3)


def test_bad_input() -> None:
    with pytest.raises(InputError, match="at least 10"):
        find_knee([1, 2, 3], [1.0, 0.9, 0.8])
    with pytest.raises(InputError, match="method"):
        find_knee(np.arange(20), np.linspace(1, 0.8, 20), "nope")
    with pytest.raises(InputError, match="flat"):
        kneedle_knee(np.arange(20), np.ones(20))
    with pytest.raises(InputError, match="differ in length"):
        find_knee(np.arange(20), np.ones(19))


def _calce(cell: str) -> tuple[np.ndarray, np.ndarray]:
    import pandas as pd

    from tests.conftest import SHARED

    table = pd.read_csv(SHARED / "battery" / "capacity" / "calce_cs2_capacity.csv")
    group = table[table.cell == cell]
    return group["cycle"].to_numpy(dtype=float), 100.0 * group["soh"].to_numpy(dtype=float)


@pytest.mark.parametrize("cell", ["CS2_35", "CS2_37"])
def test_kneedle_matches_the_review_code(cell: str) -> None:
    # Attia et al. 2022's own Kneedle (valentinsulzer/kneepoint-review, figure_knee_identification_methods.py):
    # rotate the normalised curve by 45° and take the largest y' = (t_n + q_n)/√2, mapped back.
    t, q = _calce(cell)
    t_n, q_n = (t - t.min()) / np.ptp(t), (q - q.min()) / np.ptp(q)
    s = 0.5**0.5
    x_r, y_r = s * t_n - s * q_n, s * t_n + s * q_n
    i = int(np.argmax(y_r))
    reference = s * (x_r[i] + y_r[i]) * np.ptp(t) + t.min()
    assert kneedle_knee(t, q, smooth=False) == pytest.approx(reference, abs=1e-9)


@pytest.mark.parametrize("cell", ["CS2_35", "CS2_37"])
def test_bacon_watts_fits_at_least_as_well_as_the_review_code(cell: str) -> None:
    # The review fits q = p0 + p1 r + p2 r tanh(r / 1e-5), r = n − p3, by Nelder–Mead from
    # p = (100, −0.01, −0.01, 400). Our breakpoint is the global least-squares one, so its residual
    # must not exceed theirs (it is the same model; only the optimiser differs).
    from scipy.optimize import minimize

    t, q = _calce(cell)

    def model(p: np.ndarray) -> np.ndarray:
        r = t - p[3]
        return p[0] + p[1] * r + p[2] * r * np.tanh(r / 1e-5)

    theirs = minimize(
        lambda p: float(np.sum((q - model(p)) ** 2)), [100, -0.01, -0.01, 400.0], method="Nelder-Mead"
    )
    knee = bacon_watts_knee(t, q, smooth=False)
    r = t - knee
    design = np.column_stack([np.ones_like(t), r, np.abs(r)])
    coef, *_ = np.linalg.lstsq(design, q, rcond=None)
    ours = float(np.sum((q - design @ coef) ** 2))
    assert ours <= theirs.fun * (1 + 1e-9)
