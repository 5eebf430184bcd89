"""Every cycle of the twin starts from the cell the first cycle starts from (checked by PyBaMM's own Experiment).

The A123 SPM (Prada2013) discharged at 1 C to 2.0 V gave back 1.94 of the 2.30 Ah charged, so cycles 2 and later
started 15.8 % of the nominal capacity fuller than the first. The expected figures here come from a PyBaMM
``Experiment`` written out by hand on the plain Prada2013 set (no degradation, so nothing is lost to side reactions
and the charge kept is charged less discharged), and from the twin's own time series by coulomb counting.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gwangyang.battery import schema as s
from gwangyang.battery.twin import simulate
from gwangyang.battery.twin_config import TwinConfig

pybamm = pytest.importorskip("pybamm")

NOMINAL_AH = 2.3  # Prada2013's nominal capacity


def _config(tmp_path: Path, hold: float | None) -> TwinConfig:
    """Prada2013, SPM, no degradation, the shipped A123 cycling; ``hold``: discharge_cv_cutoff_c (None: default)."""
    line = "" if hold is None else f"discharge_cv_cutoff_c = {hold}\n"
    path = tmp_path / "셀.toml"
    path.write_text(
        '[model]\nname = "SPM"\nparameter_set = "Prada2013"\n[cycling]\nupper_voltage_v = 3.6\n'
        f"charge_limit_v = 3.6\nlower_voltage_v = 2.0\n{line}",
        encoding="utf-8",
    )
    return TwinConfig.from_file(path)


def _kept_by_pybamm(hold: bool) -> float:
    """Ah charged less Ah discharged in cycle 1 of a 1 C cycle written as a plain PyBaMM experiment (0 % start)."""
    steps = [
        "Charge at 1C until 3.6 V",
        "Hold at 3.6 V until C/20",
        "Rest for 5 minutes",
        "Discharge at 1C until 2.0 V",
        *(["Hold at 2.0 V until C/20"] if hold else []),
        "Rest for 5 minutes",
    ]
    simulation = pybamm.Simulation(
        pybamm.lithium_ion.SPM(),
        parameter_values=pybamm.ParameterValues("Prada2013"),
        experiment=pybamm.Experiment([tuple(steps)], period="30 seconds"),
    )
    solution = simulation.solve(initial_soc=0.0)
    q = solution["Discharge capacity [A.h]"].entries
    return float(q[0] - q[-1])


def _kept_by_coulomb_count(result: object) -> float:
    """Cycle 1's charge less its discharge, by trapezoids of the sampled current (30 s: to 0.2 % of 2.3 Ah)."""
    ts = result.timeseries  # type: ignore[attr-defined]
    cycle = ts.loc[ts[s.CYCLE] == 1]
    t = cycle[s.TIME].to_numpy(dtype="float64")
    i = cycle[s.CURRENT].to_numpy(dtype="float64")
    return float(np.sum(0.5 * (i[1:] + i[:-1]) * np.diff(t)) / 3600.0)


def test_a_constant_current_discharge_leaves_the_cell_fuller_and_is_warned(tmp_path: Path) -> None:
    """Without the hold (``discharge_cv_cutoff_c = 0``) cycle 2 starts 0.363 Ah (15.8 %) above cycle 1."""
    result = simulate("1-1-1-1", cycles=2, config=_config(tmp_path, 0.0))
    expected = _kept_by_pybamm(hold=False)
    assert expected == pytest.approx(0.363, abs=2e-3)  # 2.302 Ah in, 1.939 Ah out
    drift = result.cycles["start_drift_pct"].tolist()
    assert drift == pytest.approx([0.0, 100.0 * expected / NOMINAL_AH], abs=1e-3)
    assert drift[1] == pytest.approx(100.0 * _kept_by_coulomb_count(result) / NOMINAL_AH, abs=0.2)
    # The 1 C discharge itself: PyBaMM's 1.94 Ah, not the 2.30 Ah charged.
    assert result.cycles["solver_discharge_ah"].iloc[0] == pytest.approx(2.3 - 0.363, abs=3e-3)
    warned = [w for w in result.warnings if "first cycle's state of charge" in w]
    assert warned == [
        f"twin: protocol 1-1-1-1, cell 0: cycle 2 started +{drift[1]:.1f} % of the nominal capacity from "
        "the first cycle's state of charge (1 of 2 cycle(s) beyond 2 %): the discharge to lower_voltage_v = 2 V did "
        "not bring the cell back to where the first cycle started, so the SOC of its steps counts from another state "
        "(cycling.discharge_cv_cutoff_c holds the lower voltage until that C-rate)."
    ]


def test_the_cc_cv_discharge_brings_every_cycle_back_to_the_first_cycles_start(tmp_path: Path) -> None:
    """Attia 2020's CC-CV discharge (2.0 V held until C/20, the default): 0.028 Ah (1.2 %) kept, every cycle alike."""
    result = simulate("1-1-1-1", cycles=3, config=_config(tmp_path, None))
    expected = _kept_by_pybamm(hold=True)
    assert expected == pytest.approx(0.028, abs=2e-3)
    drift = result.cycles["start_drift_pct"].tolist()
    assert drift == pytest.approx([0.0, 100 * expected / NOMINAL_AH, 100 * expected / NOMINAL_AH], abs=2e-3)
    assert drift[1] == pytest.approx(100.0 * _kept_by_coulomb_count(result) / NOMINAL_AH, abs=0.2)
    assert not [w for w in result.warnings if "first cycle's state of charge" in w]
    # Each cycle gives back what it took, to the 0.028 Ah of the first: 2.30 Ah in and 2.27 Ah out, not 1.94.
    assert result.cycles["solver_discharge_ah"].tolist() == pytest.approx([2.3 - expected] * 3, abs=3e-3)


def test_the_hold_is_a_cycling_key_refused_below_zero(tmp_path: Path) -> None:
    from gwangyang.errors import InputError

    with pytest.raises(InputError) as caught:
        _config(tmp_path, -0.05)
    assert str(caught.value) == (
        f"{tmp_path / '셀.toml'}: cycling.discharge_cv_cutoff_c: expected a C-rate >= 0 (0: no hold after the "
        "discharge), got -0.05."
    )
    assert _config(tmp_path, None).limits["discharge_cv_cutoff_c"] == 0.05
