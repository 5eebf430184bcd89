"""``gwangyang.port.window_kpis``: the yard stock's step function against sums worked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from gwangyang.port.window_kpis import StepFunction, window_mean


def test_step_function_by_hand() -> None:
    # One box from t=0, a second from t=2, one leaves at t=5: 1 on [0, 2), 2 on [2, 5), 1 after.
    stock = StepFunction(np.array([0.0, 2.0, 5.0]), np.array([1.0, 1.0, -1.0]))
    assert stock.level(-1.0) == 0.0 and stock.level(4.0) == 2.0 and stock.level(5.0) == 1.0
    assert stock.integral(6.0) == 1 * 2 + 2 * 3 + 1 * 1
    assert stock.mean_peak(0.0, 6.0) == (pytest.approx(9 / 6), 2.0)
    assert stock.mean_peak(3.0, 3.0) == (0.0, 0.0)


def test_a_box_that_leaves_as_another_comes_is_not_a_peak() -> None:
    # At t=1 one box leaves and one arrives: decreases count first, so the stock never reaches 2.
    stock = StepFunction(np.array([0.0, 1.0, 1.0]), np.array([1.0, 1.0, -1.0]))
    assert stock.mean_peak(0.0, 2.0) == (1.0, 1.0)


def test_window_mean_counts_only_the_window() -> None:
    times, values = np.array([0.0, 1.0, 2.0, 3.0]), np.array([10.0, 20.0, 30.0, 40.0])
    assert window_mean(times, values, 1.0, 3.0) == 25.0
    assert window_mean(times, values, 5.0, 6.0) == 0.0
