"""Novonix export and its ``_metadata.csv`` companion (TRI-AMDD/beep test files).

The file is a short excerpt: it ends during cycle 1's second charge step, so our cycle-1 charge is
the file's own last Capacity (Ah) value, and is below Novonix's full-cycle figure in the companion.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gwangyang.battery.io import detect, read_cycler

FILE = "novonix/test_Nova_Form-CH01-01_short.csv"
COMPANION_QC_AH = 0.0664822211  # the companion's cycle 1 Qc
COMPANION_QD_AH = 0.076631919  # the companion's cycle 1 Qd


def test_detected(cyclers: Path) -> None:
    assert detect(cyclers / FILE).name == "novonix"


def test_read(cyclers: Path) -> None:
    data = read_cycler(cyclers / FILE)
    ts = data.timeseries
    assert data.rows == 3942  # 4000 lines less 57 of summary/protocol and the header
    assert data.cycles == 1
    assert data.channel == "01"  # "Channel: 01"
    assert data.nominal_capacity_ah == pytest.approx(0.24)  # "Capacity (Ah): 0.24"
    assert data.start_time == pd.Timestamp("2022-04-11 10:58:07")  # "Started: 2022-04-11 10:58:07 AM"
    # last line: Capacity (Ah) 0.0294679161, Energy (Wh) 0.0909615734 (running through steps 2 and 3)
    assert ts["charge_capacity_ah"].iloc[-1] == pytest.approx(0.0294679161, rel=5e-3)
    assert ts["charge_energy_wh"].iloc[-1] == pytest.approx(0.0909615734, rel=5e-3)
    # the integral of the charging current over time agrees
    time, current = ts["test_time_s"].to_numpy(), ts["current_a"].to_numpy()
    assert np.trapezoid(np.clip(current, 0, None), time) / 3600 == pytest.approx(0.0294679161, rel=5e-3)
    assert ts["discharge_capacity_ah"].max() == 0.0
    assert ts["test_time_s"].iloc[-1] == pytest.approx(17.4345750 * 3600)  # Run Time (h) on the last line
    vendor = data.vendor_cycles
    assert vendor is not None
    row = vendor.set_index("cycle_index").loc[1]
    assert row["charge_capacity_ah"] == pytest.approx(COMPANION_QC_AH)
    assert row["discharge_capacity_ah"] == pytest.approx(COMPANION_QD_AH)
    assert ts["charge_capacity_ah"].max() < COMPANION_QC_AH
