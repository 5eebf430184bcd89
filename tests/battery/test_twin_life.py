"""``TwinResult.life_estimate`` counts cycle 1, and leaves it out only where it is not one of the series.

The estimate is ``n1 + (1 - threshold) q1 / -slope``, the slope a least-squares line through the discharge
capacities. Cycle 1 was always left out ("the first cycle starts from empty"): true while the twin discharged CC
only (``TWIN_VERSION`` 4: cycles 2 on started 15.8 % of the nominal capacity fuller than cycle 1), no longer with
the CC-CV discharge of ``TWIN_VERSION`` 5 (1.2 %). The expected lives here are computed by hand: for equally spaced
cycles ``1..4`` the least-squares slope is ``sum((n - 2.5) q) / 5``, for three ``(q3 - q1) / 2``. The real runs are
checked against an independent quantity too: the capacity each cycle loses is the lithium it loses
(``lli_percent`` of the nominal 2.3 Ah).
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from gwangyang.battery.twin import TwinResult, simulate
from gwangyang.battery.twin_config import TwinConfig
from gwangyang.errors import InputError

NOMINAL_AH = 2.3  # Prada2013's nominal capacity (the shipped A123 config)


def _result(capacities: list[float], drift: list[float] | None = None) -> TwinResult:
    cycles = pd.DataFrame(
        {
            "cycle_index": range(1, len(capacities) + 1),
            "discharge_capacity_ah": capacities,
            "lli_percent": 0.1,
        }
    )
    if drift is not None:
        cycles["start_drift_pct"] = drift
    return TwinResult("twin-셀", pd.DataFrame(), cycles, {})


def test_cycle_1_counts() -> None:
    # slope: ((-1.5)(2.00) + (-0.5)(1.99) + (0.5)(1.97) + (1.5)(1.96)) / 5 = -0.07 / 5 = -0.014 Ah per cycle
    # life: 1 + 0.2 x 2.00 / 0.014 = 29.571... (without cycle 1 it was 2 + 0.2 x 1.99 / 0.015 = 28.533)
    result = _result([2.00, 1.99, 1.97, 1.96], drift=[0.0, 1.2, 1.2, 1.2])
    assert not result.first_cycle_apart()
    assert result.life_estimate() == pytest.approx(1 + 0.2 * 2.00 / 0.014, rel=1e-12)
    assert result.life_estimate(0.9) == pytest.approx(1 + 0.1 * 2.00 / 0.014, rel=1e-12)
    assert result.to_dict()["life_estimate"] == pytest.approx(29.5714285714, rel=1e-9)
    # two cycles: the line through both, 1 + 0.2 x 2.0 / 0.01 = 41
    assert _result([2.0, 1.99]).life_estimate() == pytest.approx(41.0, rel=1e-12)


def test_cycle_1_is_left_out_where_the_later_cycles_started_apart_from_it() -> None:
    # cycles 2-4: slope (1.96 - 1.99) / 2 = -0.015; life 2 + 0.2 x 1.99 / 0.015 = 28.533...
    result = _result([2.00, 1.99, 1.97, 1.96], drift=[0.0, 15.8, 15.8, 15.8])
    assert result.first_cycle_apart()
    assert result.life_estimate() == pytest.approx(2 + 0.2 * 1.99 / 0.015, rel=1e-12)
    two = _result([2.00, 1.99], drift=[0.0, -15.8])
    with pytest.raises(InputError) as caught:
        two.life_estimate()
    assert str(caught.value) == (
        "twin-셀: a life estimate needs at least 3 cycles here: cycle 1 is left out, the later ones started more "
        "than 2 % of the nominal capacity from its start."
    )
    assert two.to_dict()["life_estimate"] is None
    with pytest.raises(InputError, match=r"^twin-셀: a life estimate needs at least 2 cycles\.$"):
        _result([2.0]).life_estimate()


def test_a_capacity_that_does_not_fade_has_no_life() -> None:
    assert _result([2.0, 2.0, 2.01]).life_estimate() == float("inf")
    assert _result([2.0, 2.0, 2.01]).to_dict()["life_estimate"] is None


def test_a_real_run_counts_cycle_1() -> None:
    """The shipped CC-CV discharge: 3 cycles of 4.8-5.2-5.2, all of them in the line."""
    pytest.importorskip("pybamm")
    result = simulate("4.8-5.2-5.2", cycles=3)
    q = result.cycles["discharge_capacity_ah"].to_list()
    assert not result.first_cycle_apart()
    slope = (q[2] - q[0]) / 2  # least squares through 3 equally spaced cycles
    assert result.life_estimate() == pytest.approx(1 + 0.2 * q[0] / -slope, rel=1e-9)
    # each cycle's fade is the lithium it lost (LLI of the nominal capacity), cycle 1's to cycle 2 as the others
    lli = result.cycles["lli_percent"].to_list()
    for k in (0, 1):
        lost_ah = (lli[k + 1] - lli[k]) / 100 * NOMINAL_AH
        assert q[k] - q[k + 1] == pytest.approx(lost_ah, rel=0.05)


def test_a_real_cc_only_run_leaves_cycle_1_out_and_why() -> None:
    """A CC-only discharge (``discharge_cv_cutoff_c = 0``): cycle 1 fades to cycle 2 by less than half the LLI."""
    pytest.importorskip("pybamm")
    shipped = TwinConfig.from_file()
    config = dataclasses.replace(shipped, cycling={**shipped.cycling, "discharge_cv_cutoff_c": 0.0})
    result = simulate("4.8-5.2-5.2", cycles=4, config=config)
    q = result.cycles["discharge_capacity_ah"].to_list()
    lli = result.cycles["lli_percent"].to_list()
    assert result.first_cycle_apart()
    assert result.cycles["start_drift_pct"].iloc[1] == pytest.approx(15.8, abs=0.1)
    # the reason: cycle 1 started from the empty cell, so it gave back less than the lithium it lost
    assert q[0] - q[1] < 0.5 * (lli[1] - lli[0]) / 100 * NOMINAL_AH
    slope = (q[3] - q[1]) / 2  # cycles 2-4
    assert -slope == pytest.approx((lli[3] - lli[1]) / 2 / 100 * NOMINAL_AH, rel=0.1)
    assert result.life_estimate() == pytest.approx(2 + 0.2 * q[1] / -slope, rel=1e-9)
