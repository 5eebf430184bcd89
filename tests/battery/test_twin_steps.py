"""CC steps that end on ``charge_limit_v`` are reported (per cycle and step, and in one warning per cell), checked by the current integral."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gwangyang.battery import schema as s
from gwangyang.battery import service
from gwangyang.cli.main import main

pytest.importorskip("pybamm")

CHEN_NOMINAL_AH = 5.0
"""Chen2020's ``Nominal cell capacity [A.h]`` (LG M50): a 20 % SOC step plans 1 Ah."""


def chen(tmp_path: Path) -> Path:
    """A Chen2020 config without degradation (a cycle takes about a second); charge_limit_v left to the set (4.2 V)."""
    path = tmp_path / "첸2020.toml"
    path.write_text(
        '[model]\nname = "SPM"\nparameter_set = "Chen2020"\n[cycling]\nupper_voltage_v = 4.2\nlower_voltage_v = 2.5\n',
        encoding="utf-8",
    )
    return path


def step_charges(result: object, cycle: int, steps: int) -> list[float]:
    """Ah charged in each CC step of a cycle, from the time series: the sampled current integrated over the step's rows."""
    ts = result.timeseries  # type: ignore[attr-defined]
    out = []
    for k in range(1, steps + 1):
        rows = ts.loc[(ts[s.CYCLE] == cycle) & (ts[s.STEP] == k)]
        out.append(float(np.trapezoid(rows[s.CURRENT], rows[s.TIME]) / 3600.0))
    return out


def test_high_rate_steps_that_reach_the_limit_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """8-6-5-4 C on Chen2020: 8 C runs its 20 %, then 6, 5 and 4 C reach 4.2 V early; the cell took 1.89 Ah, not 4."""
    config = chen(tmp_path)
    document, (result,) = service.simulate_twin("8-6-5-4", cycles=1, config=config)
    charged = step_charges(result, 1, 4)
    # Independent route: each step's charge from the current integral against its planned 20 % x 5 Ah = 1 Ah.
    assert charged[0] == pytest.approx(1.0, rel=1e-3)
    assert all(q < 0.5 for q in charged[1:])
    recorded = [row["charged_ah"] for row in result.meta["cc_steps"]]
    assert recorded == pytest.approx(charged, abs=1e-3)  # PyBaMM's own discharge capacity agrees
    assert [row["at_limit"] for row in result.meta["cc_steps"]] == [False, True, True, True]
    (cycle,) = result.cycles.to_dict("records")
    assert cycle["cc_steps_at_limit"] == 3
    assert cycle["cc_soc_planned_pct"] == 80.0
    assert cycle["cc_soc_reached_pct"] == pytest.approx(100 * sum(charged) / CHEN_NOMINAL_AH, abs=0.02)
    assert cycle["cc_soc_reached_pct"] < 40.0
    reached = cycle["cc_soc_reached_pct"]
    expected = (
        "twin: protocol 8-6-5-4, cell 0: CC step(s) 2 (6 C, 1 of 1 cycle(s)), 3 (5 C, 1 of 1 cycle(s)), "
        f"4 (4 C, 1 of 1 cycle(s)) ended at charge_limit_v = 4.2 V before their planned SOC; the CC steps charged to "
        f"{reached:.1f} % SOC of the planned 80 % (cycle 1): the cell took less charge at those rates than the "
        "protocol says."
    )
    assert document["warnings"] == [expected]
    # The CLI says it on stderr.
    assert main(["battery", "twin", "simulate", "8-6-5-4", "--cycles", "1", "--config", str(config)]) == 0
    err = " ".join(capsys.readouterr().err.split())  # the console may wrap the line
    assert " ".join(f"warning: {expected}".split()) in err


def test_a_step_protocol_that_reaches_the_limit_names_its_step(tmp_path: Path) -> None:
    """3@0-80: one 3 C step planned to 4 Ah stops at 4.2 V after 2.57 Ah (the CC-CV step charges the rest)."""
    document, (result,) = service.simulate_twin("3@0-80", cycles=1, config=chen(tmp_path))
    (charged,) = step_charges(result, 1, 1)
    assert charged < 0.8 * 0.8 * CHEN_NOMINAL_AH
    assert result.cycles["cc_steps_at_limit"].tolist() == [1]
    (warning,) = document["warnings"]
    assert warning.startswith("twin: protocol 3@0-80, cell 0: CC step(s) 1 (3 C, 1 of 1 cycle(s)) ended at")
    assert result.meta["charge_limit_v"] == 4.2


def test_steps_that_run_their_planned_time_are_not_warned(tmp_path: Path) -> None:
    """1-1@0-60 (two 1 C steps of 30 %) stays below 4.2 V: each step charges its 1.5 Ah, no warning."""
    document, (result,) = service.simulate_twin("1-1@0-60", cycles=1, config=chen(tmp_path))
    assert step_charges(result, 1, 2) == pytest.approx([1.5, 1.5], rel=1e-3)
    assert document["warnings"] == []
    assert result.cycles["cc_steps_at_limit"].tolist() == [0]
    assert result.cycles["cc_soc_reached_pct"].iloc[0] == pytest.approx(60.0, abs=0.01)


def test_a_step_faster_than_the_twin_runs_is_refused_in_one_line() -> None:
    """3.6-3.6-3.6 leaves a rounding error of time for CC4 (above 1e6 C): PyBaMM failed with a ValueError on its text."""
    from gwangyang.battery.protocols import ChargingProtocol
    from gwangyang.battery.twin import simulate
    from gwangyang.errors import InputError

    protocol = ChargingProtocol.from_rates(3.6, 3.6, 3.6)
    assert (
        protocol.cc4 > 1e5
    )  # 12 / (10 - 3 * 12 / 3.6) by hand is 12 / 0: only rounding leaves a little time
    with pytest.raises(InputError, match=r"step 4 at .* C; the twin simulates steps up to 10 C\.$"):
        simulate(protocol, cycles=1)
