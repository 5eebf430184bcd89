"""The charge to a protocol's FROM runs at ``start_c`` (default 1 C): in the twin, the CLI and the API, checked.

Checked on the twin's time series by hand: at ``start_c = 2`` the first step of ``6-5-4@40-80`` draws 2 x 2.3 A
(Prada2013's nominal capacity) for 60 x 0.4 / 2 = 12 minutes and charges 0.4 x 2.3 = 0.92 Ah.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from gwangyang.api import i18n
from gwangyang.battery import schema as s
from gwangyang.battery.step_protocol import parse_protocol
from gwangyang.battery.twin import cache_key, experiment_steps, simulate
from gwangyang.battery.twin_config import DEFAULT_CONFIG, TwinConfig
from gwangyang.battery.twin_start import check_start_rate
from gwangyang.cli.main import main
from gwangyang.errors import InputError

pybamm = pytest.importorskip("pybamm")

NOMINAL_AH = 2.3


def test_the_start_charge_runs_at_start_c() -> None:
    result = simulate("6-5-4@40-80", cycles=1, start_c=2.0)
    first = result.timeseries.loc[result.timeseries[s.STEP] == 1]
    assert float(first[s.CURRENT].median()) == pytest.approx(2.0 * NOMINAL_AH, rel=1e-6)
    minutes = float(first[s.TIME].max() - first[s.TIME].min()) / 60.0
    assert minutes == pytest.approx(60 * 0.4 / 2.0, abs=0.5 + 1e-6)  # sampled every 30 s
    t = first[s.TIME].to_numpy(dtype="float64")
    i = first[s.CURRENT].to_numpy(dtype="float64")
    assert float(np.sum(0.5 * (i[1:] + i[:-1]) * np.diff(t))) / 3600 == pytest.approx(0.92, rel=1e-3)
    assert result.cycles["start_soc_pct"].tolist() == pytest.approx([40.0], abs=1e-3)
    assert result.meta["start_c"] == 2.0


def test_start_c_is_in_the_steps_and_the_cache_key_only_where_a_start_is_charged() -> None:
    config = TwinConfig.from_file(DEFAULT_CONFIG)
    limits = {**config.limits, "charge_limit_v": 3.6}
    assert experiment_steps(parse_protocol("6-5-4@40-80"), limits, 2.0)[0] == (
        "Charge at 2C for 12 minutes or until 3.6 V"
    )
    assert (
        experiment_steps(parse_protocol("6-5-4@40-80"), limits)[0]
        == "Charge at 1C for 24 minutes or until 3.6 V"
    )
    window, attia = parse_protocol("6-5-4@40-80"), parse_protocol("4.8-5.2-5.2")
    assert cache_key(window, 2, config, 0, 0, 2.0) != cache_key(window, 2, config, 0, 0)
    assert cache_key(attia, 2, config, 0, 0, 2.0) == cache_key(
        attia, 2, config, 0, 0
    )  # no start step from 0 %


BAD = [
    (0, "0"),
    (0.0, "0.0"),
    (1e-6, "1e-06"),
    (0.0499, "0.0499"),
    (-1.0, "-1.0"),
    (10.5, "10.5"),
    (True, "true"),
    ("빠르게", "'빠르게'"),
]
"""A bad start_c and how the refusal shows it: as the config wrote it (TOML's true, not Python's True)."""


@pytest.mark.parametrize(("value", "shown"), BAD, ids=[repr(v) for v, _ in BAD])
def test_a_bad_start_c_is_refused_in_one_line_naming_it(value: object, shown: str) -> None:
    with pytest.raises(InputError) as caught:
        simulate("6-5-4@40-80", cycles=1, start_c=value)  # type: ignore[arg-type]
    assert str(caught.value) == (
        "start_c: expected a C-rate from 0.05 (C/20) to 10 C (the charge to the protocol's FROM), "
        f"got {shown}."
    )
    assert i18n.phrase(str(caught.value), "ko") == (
        f"start_c: 0.05 C (C/20) 이상 10 C 이하인 C-rate여야 합니다 (프로토콜의 FROM까지의 충전) (입력: {shown})."
    )


def test_the_bounds_themselves_are_run() -> None:
    """C/20 and 10 C are accepted: C/20 to 40 % is 60 x 0.4 / 0.05 = 480 minutes, 10 C is 2.4 minutes (by hand)."""
    assert check_start_rate(0.05) == 0.05 and check_start_rate(10) == 10.0
    limits = {**TwinConfig.from_file(DEFAULT_CONFIG).limits, "charge_limit_v": 3.6}
    assert experiment_steps(parse_protocol("6-5-4@40-80"), limits, 0.05)[0] == (
        "Charge at 0.05C for 480 minutes or until 3.6 V"
    )
    assert experiment_steps(parse_protocol("6-5-4@40-80"), limits, 10.0)[0] == (
        "Charge at 10C for 2.4 minutes or until 3.6 V"
    )


def test_the_cli_takes_start_c_and_exits_2_on_a_bad_one(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["battery", "twin", "simulate", "6-5-4@40-80", "--cycles", "1", "--start-c", "0"])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    assert " ".join(captured.err.split()) == (
        "error: start_c: expected a C-rate from 0.05 (C/20) to 10 C (the charge to the protocol's FROM), got 0.0."
    )
    code = main(["battery", "twin", "simulate", "6-5-4@40-80", "--cycles", "1", "--start-c", "0.01"])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    assert " ".join(captured.err.split()) == (
        "error: start_c: expected a C-rate from 0.05 (C/20) to 10 C (the charge to the protocol's FROM), got 0.01."
    )
    code = main(["battery", "twin", "simulate", "6-5-4@40-80", "--cycles", "1", "--start-c", "nan"])
    assert code == 2 and "--start-c: expected a finite number" in capsys.readouterr().err
    code = main(["battery", "twin", "simulate", "6-5-4@40-80", "--cycles", "1", "--start-c", "2", "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    (cell,) = json.loads(captured.out)["cells"]
    assert cell["meta"]["start_c"] == 2.0
    assert cell["cycles"][0]["start_soc_pct"] == pytest.approx(40.0, abs=1e-3)
