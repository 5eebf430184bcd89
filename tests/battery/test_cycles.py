"""Per-cycle summaries and Q(V) curves against analytic values."""

import numpy as np
import pandas as pd
import pytest

from gwangyang.battery import schema as s
from gwangyang.battery.cycles import VoltageGrid, default_grid, discharge_curves, summarize_cycles
from gwangyang.errors import InputError


def constant_current_cycles(n_cycles: int = 3) -> pd.DataFrame:
    """Charge at +1 A for 1 h (V 3.0 -> 4.0 linear), discharge at -0.5 A for 1.8 h (V 4.0 -> 3.0 linear)."""
    frames = []
    t0 = 0.0
    for cycle in range(1, n_cycles + 1):
        tc = np.linspace(0, 3600, 361)
        td = np.linspace(0, 6480, 649)
        frames.append(
            pd.DataFrame({s.TIME: t0 + tc, s.CYCLE: cycle, s.CURRENT: 1.0, s.VOLTAGE: 3.0 + tc / 3600})
        )
        frames.append(
            pd.DataFrame(
                {s.TIME: t0 + 3600 + 1 + td, s.CYCLE: cycle, s.CURRENT: -0.5, s.VOLTAGE: 4.0 - td / 6480}
            )
        )
        t0 += 3600 + 1 + 6480 + 10
    return pd.concat(frames, ignore_index=True)


def test_summary_integrates_current_when_capacity_is_not_recorded() -> None:
    summary = summarize_cycles(constant_current_cycles())
    assert summary[s.CYCLE].tolist() == [1, 2, 3]
    # 1 A x 1 h = 1 Ah in; 0.5 A x 1.8 h = 0.9 Ah out; energy = Q x mean V = Q x 3.5 V (linear ramps).
    assert summary["charge_capacity_ah"].to_numpy() == pytest.approx(1.0, rel=1e-6)
    assert summary["discharge_capacity_ah"].to_numpy() == pytest.approx(0.9, rel=1e-6)
    assert summary["coulombic_efficiency"].to_numpy() == pytest.approx(0.9, rel=1e-6)
    assert summary["charge_energy_wh"].to_numpy() == pytest.approx(3.5, rel=1e-6)
    assert summary["mean_discharge_voltage_v"].to_numpy() == pytest.approx(3.5, rel=1e-6)
    assert summary["energy_efficiency"].to_numpy() == pytest.approx(0.9, rel=1e-6)
    assert summary["duration_s"].to_numpy() == pytest.approx(3600 + 1 + 6480)
    assert summary["internal_resistance_ohm"].isna().all()


def test_q_of_v_on_a_fixed_grid_matches_the_linear_discharge() -> None:
    ts = constant_current_cycles(2)
    curves = discharge_curves(ts, VoltageGrid(3.0, 4.0, 11))
    one = curves[curves[s.CYCLE] == 1]
    assert one[s.VOLTAGE].tolist() == pytest.approx(np.linspace(4.0, 3.0, 11))
    # Q(V) = 0.9 Ah x (4 - V) / 1 V for the linear ramp.
    assert one[s.DISCHARGE_CAPACITY].to_numpy() == pytest.approx(
        0.9 * (4.0 - one[s.VOLTAGE].to_numpy()), abs=2e-3
    )


def test_default_grid_spans_discharge_and_chemistry_grid_is_fixed() -> None:
    grid = default_grid(constant_current_cycles())
    assert grid is not None and grid.low_v == pytest.approx(3.0) and grid.high_v == pytest.approx(4.0)
    assert default_grid(constant_current_cycles(), "lfp") == VoltageGrid(2.0, 3.6, 1000)
    with pytest.raises(InputError, match="chemistry"):
        default_grid(constant_current_cycles(), "unobtainium")
    with pytest.raises(InputError, match="low_v must be below high_v"):
        VoltageGrid(4.0, 3.0)
