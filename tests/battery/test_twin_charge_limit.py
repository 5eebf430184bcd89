"""``charge_limit_v`` defaults to the parameter set's own upper cut-off (it was 4.2 V whatever the set)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gwangyang.battery import schema as s
from gwangyang.battery import service
from gwangyang.battery.step_protocol import parse_protocol
from gwangyang.battery.twin import experiment_steps
from gwangyang.battery.twin_config import TwinConfig
from gwangyang.battery.twin_limits import cycling_limits, limit_warnings
from gwangyang.battery.twin_parameters import parameter_values, pybamm_module

pytest.importorskip("pybamm")


def config(tmp_path: Path, name: str, cycling: str) -> Path:
    """A config of PyBaMM's set ``name`` (no degradation) with its own ``[cycling]`` lines."""
    path = tmp_path / f"{name} 셀.toml"
    path.write_text(
        f'[model]\nname = "SPM"\nparameter_set = "{name}"\n[cycling]\n{cycling}', encoding="utf-8"
    )
    return path


def test_the_limit_is_the_sets_own_cut_off(tmp_path: Path) -> None:
    """Marquis2019 is rated to 4.1 V: its CC steps stop there, and nothing is warned (4.2 V was beyond its window)."""
    rated = pybamm_module().ParameterValues("Marquis2019")["Upper voltage cut-off [V]"]
    assert rated == 4.1
    cfg = TwinConfig.from_file(
        config(tmp_path, "Marquis2019", "upper_voltage_v = 4.1\nlower_voltage_v = 3.105\n")
    )
    assert "charge_limit_v" not in cfg.limits
    limits = cycling_limits(cfg, parameter_values(cfg))
    assert limits["charge_limit_v"] == rated
    assert experiment_steps(parse_protocol("4-4-4-4"), limits)[0].endswith("or until 4.1 V")
    assert limit_warnings(cfg) == []
    # The old default, written out, is beyond the set's window and is warned.
    given = TwinConfig.from_file(
        config(
            tmp_path, "Marquis2019", "upper_voltage_v = 4.1\nlower_voltage_v = 3.105\ncharge_limit_v = 4.2\n"
        )
    )
    assert len(limit_warnings(given)) == 2  # above the set's cut-off, and above upper_voltage_v


def test_a_set_rated_above_the_cv_voltage_keeps_the_cc_steps_below_it(tmp_path: Path) -> None:
    """ORegan2022 is rated to 4.4 V: with upper_voltage_v = 4.4 the CC steps stop at 4.4 V; with 4.2 V, at 4.2 V."""
    assert pybamm_module().ParameterValues("ORegan2022")["Upper voltage cut-off [V]"] == 4.4
    for upper in (4.4, 4.2):
        cfg = TwinConfig.from_file(config(tmp_path, "ORegan2022", f"upper_voltage_v = {upper}\n"))
        assert cycling_limits(cfg, parameter_values(cfg))["charge_limit_v"] == upper
        assert limit_warnings(cfg) == []


def test_a_simulated_cc_step_stops_at_the_sets_cut_off(tmp_path: Path) -> None:
    """One 6 C step over 0-100 % on Marquis2019: the voltage of the CC steps, read from the time series, peaks at 4.1 V."""
    path = config(tmp_path, "Marquis2019", "upper_voltage_v = 4.1\nlower_voltage_v = 3.105\n")
    document, (result,) = service.simulate_twin("6@0-100", cycles=1, config=path)
    ts = result.timeseries
    cc = ts.loc[(ts[s.CYCLE] == 1) & (ts[s.STEP] == 1), s.VOLTAGE]
    assert float(cc.max()) == pytest.approx(4.1, abs=1e-3)
    assert result.meta["charge_limit_v"] == 4.1
    assert [w for w in document["warnings"] if "charge_limit_v = 4.1 V" in w]  # the 6 C step ended there
