"""Constant-current protocols of other step counts and SOC windows (``RATES@FROM-TO``): parsed, checked, simulated."""

from __future__ import annotations

import pytest

from gwangyang.battery.protocols import ChargingProtocol
from gwangyang.battery.step_protocol import StepProtocol, parse_protocol
from gwangyang.battery.twin import simulate
from gwangyang.battery.twin_config import TwinConfig
from gwangyang.errors import InputError

CHEN = TwinConfig.from_dict(
    {
        "model": {"name": "SPM", "parameter_set": "Chen2020"},
        "cycling": {"upper_voltage_v": 4.2, "lower_voltage_v": 2.5},
    },
    source="첸2020",
)
CHEN_NOMINAL_AH = 5.0


def test_equal_steps_over_a_window() -> None:
    # Five steps over 0-80 %: 16 % each; 60 * 0.16 * (1/6 + 1/5 + 1/4 + 1/3 + 1/2) = 9.6 * 87/60 = 13.92 min.
    protocol = parse_protocol("6-5-4-3-2@0-80")
    assert isinstance(protocol, StepProtocol)
    assert protocol.widths == pytest.approx((0.16,) * 5)
    assert protocol.charge_time_min() == pytest.approx(13.92)
    assert protocol.name == "6-5-4-3-2@0-80"
    assert parse_protocol(protocol.name) == protocol  # the name reads back
    thirds = parse_protocol("6-5-4@0-80")  # 26.666... % each: written with widths, it would not add up to 80
    assert thirds.name == "6-5-4@0-80" and parse_protocol(thirds.name) == thirds
    uneven = parse_protocol("6x10-5x30-4x40@0-80")
    assert uneven.name == "6x10-5x30-4x40@0-80" and parse_protocol(uneven.name) == uneven


def test_given_widths_and_attia_as_a_special_case() -> None:
    # 60 * (0.1/6 + 0.3/5 + 0.4/4) = 1 + 3.6 + 6 = 10.6 min, from 10 % to 90 %.
    protocol = StepProtocol.parse("6x10-5x30-4x40@10-90")
    assert (protocol.start_soc, protocol.end_soc) == pytest.approx((0.1, 0.9))
    assert protocol.step_minutes() == pytest.approx((1.0, 3.6, 6.0))
    # Attia's 4.8-5.2-5.2-4.16 written in the general form has the same steps and the same 10-minute charge.
    attia = ChargingProtocol.parse("4.8-5.2-5.2")
    general = StepProtocol.parse(f"4.8-5.2-5.2-{attia.cc4!r}@0-80")
    assert [x for step in general.steps() for x in step] == pytest.approx(
        [x for step in attia.steps() for x in step]
    )
    assert general.charge_time_min() == pytest.approx(attia.charge_time_min()) == pytest.approx(10.0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("6x10-5x30@0-80", "the steps' widths add up to 40 % SOC; the window 0-80 % is 80 %."),
        ("6x10-5-4@0-80", "give every step a width (RATExWIDTH) or none."),
        ("6-0-4@0-80", "step 2: C-rate 0; expected above 0 and at most 10 C."),
        ("6-48-4@0-80", "step 2: C-rate 48; expected above 0 and at most 10 C."),
        ("6-5-4@50-120", "SOC window 50-120 %; expected 0 <= FROM < TO <= 100."),
        ("6-5-4@50-50", "SOC window 50-50 %; expected 0 <= FROM < TO <= 100."),
        ("6-5x0-4x80@0-80", "give every step a width (RATExWIDTH) or none."),
        ("6x0-4x80@0-80", "step 1: SOC width 0 %; expected above 0."),
        ("fast@0-80", "expected 'RATES@FROM-TO' in C and % SOC"),
        ("6-5-4@0", "expected 'RATES@FROM-TO' in C and % SOC"),
    ],
)
def test_bad_protocols_are_refused_naming_what(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_protocol(text)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_five_numbers_without_a_window_say_how_to_write_them() -> None:
    with pytest.raises(
        InputError, match=r"other steps or SOC windows: 'RATES@FROM-TO', e\.g\. 6-5-4-3-2@0-80"
    ):
        parse_protocol("6-5-4-3-2")


def test_the_twin_runs_the_steps_for_the_time_and_charge_computed_by_hand() -> None:
    """Three 20 % steps at 2, 1.5 and 1 C from 10 % SOC: 6, 8 and 12 minutes, 1 Ah each (0.2 x 5 Ah)."""
    result = simulate("2x20-1.5x20-1x20@10-70", cycles=1, config=CHEN)
    cycle = result.timeseries[result.timeseries["cycle_index"] == 1]
    starts = cycle.groupby("step_index")["test_time_s"].min()
    # Step 1 is the 1 C charge from the discharged cell to 10 % (twin_start): 6 minutes, 0.1 x 5 Ah.
    minutes = [(starts[k + 1] - starts[k]) / 60 for k in (1, 2, 3, 4)]
    assert minutes == pytest.approx([60 * 0.1 / 1, 60 * 0.2 / 2, 60 * 0.2 / 1.5, 60 * 0.2 / 1], abs=1e-6)
    charge = cycle.groupby("step_index")["charge_capacity_ah"].agg(lambda q: q.iloc[-1] - q.iloc[0])
    assert list(charge[[1, 2, 3, 4]]) == pytest.approx(
        [0.1 * CHEN_NOMINAL_AH, *[0.2 * CHEN_NOMINAL_AH] * 3], abs=1e-3
    )
    assert result.meta["protocol"]["soc_window_pct"] == [10.0, 70.0]
    # From the discharged cell, the cycle charges to full what a protocol starting empty does (the first 10 %
    # at 1 C, not a protocol's step): the start no longer hangs on the cycle (0.515 Ah less, before).
    empty = simulate("2x20-1.5x20-1x20@0-60", cycles=1, config=CHEN)
    less = empty.cycles["charge_capacity_ah"].iloc[0] - result.cycles["charge_capacity_ah"].iloc[0]
    assert less == pytest.approx(0.0, abs=0.02)
