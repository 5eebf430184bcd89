"""Every cycle of a ``RATES@FROM-TO`` protocol starts its CC steps at FROM (checked on the twin's capacity trace).

The twin started the first cycle at FROM and every later one where the 1 C discharge to 2.0 V left the cell: the
CC steps of ``6-5-4@40-80`` ran from 0 % in cycles 2 and 3. The SOC a cycle's CC steps start at is read here from
the time series: the charge counted (trapezoids of the sampled current) from the start of the cycle, which follows
the previous discharge (CC-CV, to the lower voltage held until C/20), to the first row at the first CC step's current, over the nominal
2.3 Ah of PyBaMM's Prada2013 set.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gwangyang.battery import schema as s
from gwangyang.battery.twin import simulate
from gwangyang.battery.twin_config import DEFAULT_CONFIG, TwinConfig

pybamm = pytest.importorskip("pybamm")

NOMINAL_AH = float(pybamm.ParameterValues("Prada2013")["Nominal cell capacity [A.h]"])  # 2.3


def _start_soc(cycle: object, first_rate: float) -> float:
    """% SOC at which the cycle's current first reaches the first CC step's (its charge so far over nominal)."""
    import numpy as np
    import pandas as pd

    assert isinstance(cycle, pd.DataFrame)
    t = cycle[s.TIME].to_numpy(dtype="float64")
    i = cycle[s.CURRENT].to_numpy(dtype="float64")
    at = int(np.flatnonzero(np.isclose(i, first_rate * NOMINAL_AH, rtol=1e-6))[0])
    charge = float(
        np.sum(0.5 * (np.maximum(i[1 : at + 1], 0) + np.maximum(i[:at], 0)) * np.diff(t[: at + 1]))
    )
    return 100.0 * charge / 3600.0 / NOMINAL_AH


def test_each_cycle_starts_its_cc_steps_at_from() -> None:
    result = simulate("6-5-4@40-80", cycles=3)
    starts = [_start_soc(cycle, 6.0) for _, cycle in result.timeseries.groupby(s.CYCLE)]
    assert starts == pytest.approx([40.0, 40.0, 40.0], abs=0.2)  # sampled every 30 s at 1 C: 0.8 % a sample
    assert result.cycles["start_soc_pct"].tolist() == pytest.approx([40.0, 40.0, 40.0], abs=1e-3)
    assert not [w for w in result.warnings if "started its CC steps" in w]
    # Each cycle's first step charges 0.4 x 2.3 = 0.92 Ah at 1 C (PyBaMM's own integral of the step).
    first = result.timeseries.loc[result.timeseries[s.STEP] == 1]
    assert first.groupby(s.CYCLE)[s.CHARGE_CAPACITY].max().tolist() == pytest.approx([0.92] * 3, rel=1e-3)
    assert float(first[s.CURRENT].median()) == pytest.approx(NOMINAL_AH)


def test_attia_protocols_start_at_once_from_the_discharged_cell() -> None:
    result = simulate("4.8-5.2-5.2", cycles=2)
    for _, cycle in result.timeseries.groupby(s.CYCLE):
        assert float(cycle[s.CURRENT].iloc[1]) == pytest.approx(4.8 * NOMINAL_AH)
    assert result.cycles["start_soc_pct"].tolist() == [0.0, 0.0]


def _cc_discharge(tmp_path: Path) -> TwinConfig:
    """The shipped A123 config with a constant-current discharge only (``discharge_cv_cutoff_c = 0``)."""
    path = tmp_path / "cc.toml"
    path.write_text(
        DEFAULT_CONFIG.read_text().replace("discharge_cv_cutoff_c = 0.05", "discharge_cv_cutoff_c = 0")
    )
    return TwinConfig.from_file(path)


def test_a_start_the_twin_cannot_reach_is_warned_with_its_cycle_and_soc(tmp_path: Path) -> None:
    """2@90-100 at 3.6 V after a 1 C CC discharge (no hold): the cell is left 15.8 % full, so the 1 C charge meets
    3.6 V before 90 % (cycle 2 on). With the default CC-CV discharge every cycle starts at its 90 %."""
    held = simulate("2@90-100", cycles=2)
    assert held.cycles["start_soc_pct"].tolist() == pytest.approx([90.0, 90.0], abs=1e-3)
    assert not [w for w in held.warnings if "started its CC steps" in w]
    result = simulate("2@90-100", cycles=2, config=_cc_discharge(tmp_path))
    cycle2 = result.timeseries.loc[(result.timeseries[s.CYCLE] == 2) & (result.timeseries[s.STEP] == 1)]
    reached = 100.0 * float(cycle2[s.CHARGE_CAPACITY].max()) / NOMINAL_AH
    assert 70.0 < reached < 89.0
    assert float(cycle2[s.VOLTAGE].max()) == pytest.approx(3.6, abs=1e-3)
    warned = [w for w in result.warnings if "started its CC steps" in w]
    assert warned == [
        f"twin: protocol 2@90-100, cell 0: cycle 2 started its CC steps at {reached:.1f} % SOC, not 90 %: the 1 C "
        "charge to the window's start ended at charge_limit_v = 3.6 V (1 of 2 cycle(s))."
    ]
