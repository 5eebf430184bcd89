"""A space's point as the twin's protocol: steps, switch points, windows, text protocols; refusals in one line."""

from __future__ import annotations

import pytest

from gwangyang.battery.protocols import ChargingProtocol
from gwangyang.battery.step_protocol import StepProtocol
from gwangyang.errors import InputError
from gwangyang.optimize.twin_protocol import point_protocol, space_protocol_check


def test_attia_points_keep_their_four_steps_of_twenty_percent() -> None:
    protocol = point_protocol({"cc1": 4.8, "cc2": 5.2, "cc3": 5.2})
    assert protocol == ChargingProtocol.from_rates(4.8, 5.2, 5.2)
    # A space's own derived CC4 (12-minute charge: 6-6-6 leaves 6 minutes for 20 %: 2 C).
    assert point_protocol({"cc1": 6.0, "cc2": 6.0, "cc3": 6.0, "cc4": 2.0}, derived={"cc4"}).rates == (
        6.0,
        6.0,
        6.0,
        2.0,
    )


def test_steps_with_their_ends_are_a_cc_soc_cc_policy() -> None:
    # 5.4C(40%)-3.6C: 5.4 C on 0-40 %, 3.6 C on 40-80 %: 60 * (0.4/5.4 + 0.4/3.6) = 4.444 + 6.667 = 11.111 min.
    protocol = point_protocol({"cc1": 5.4, "soc1": 40.0, "cc2": 3.6})
    assert isinstance(protocol, StepProtocol)
    assert [x for step in protocol.steps() for x in step] == pytest.approx([5.4, 0.4, 3.6, 0.4])
    assert protocol.charge_time_min() == pytest.approx(60 * (0.4 / 5.4 + 0.4 / 3.6))
    # Three steps with their ends in a window of 10-90 %: widths 20, 30, 30.
    three = point_protocol(
        {"cc1": 6.0, "soc1": 30.0, "cc2": 4.0, "soc2": 60.0, "cc3": 2.0, "soc_from": 10.0, "soc_to": 90.0}
    )
    assert isinstance(three, StepProtocol)
    assert (three.start_soc, three.end_soc) == pytest.approx((0.1, 0.9))
    assert [w for _, w in three.steps()] == pytest.approx([0.2, 0.3, 0.3])


def test_equal_steps_one_to_n_and_text_protocols() -> None:
    assert [x for step in point_protocol({"cc1": 3.0}).steps() for x in step] == pytest.approx([3.0, 0.8])
    six = point_protocol({f"cc{k}": float(7 - k) for k in range(1, 7)})
    assert six.name == "6-5-4-3-2-1@0-80"  # it was refused (and before that cut to four steps)
    assert point_protocol({"cc1": 2.0, "cc2": 1.0, "soc_from": 20.0}).name == "2-1@20-80"
    assert point_protocol({"protocol": "6x10-5x30-4x40@10-90"}).name == "6x10-5x30-4x40@10-90"
    assert point_protocol({"protocol": "4.8-5.2-5.2"}) == ChargingProtocol.from_rates(4.8, 5.2, 5.2)
    # A derived column the twin does not read is left out (it is computed from the parameters).
    assert point_protocol({"cc1": 2.0, "cc2": 1.0, "분": 30.0}, derived={"분"}).name == "2-1@0-80"


@pytest.mark.parametrize(
    ("point", "message"),
    [
        (
            {"cc1": 3.0, "온도": 25.0},
            "twin loop: 급속.toml: parameter 온도: not part of a charging protocol; the twin reads cc1..ccN",
        ),
        (
            {"cc1": 3.0, "cc3": 2.0},
            "twin loop: 급속.toml: parameter cc2 missing: the space has cc3 (steps 1 to 3).",
        ),
        (
            {"cc1": 3.0, "soc2": 50.0, "cc2": 2.0},
            "twin loop: 급속.toml: parameter soc2: the space has 2 step(s), and the last one ends at soc_to.",
        ),
        (
            {"cc1": 3.0, "soc1": 30.0, "cc2": 2.0, "cc3": 1.0},
            "twin loop: 급속.toml: parameter soc2 missing: give every step but the last its end, or none.",
        ),
        (
            {"cc1": 3.0, "soc1": 90.0, "cc2": 2.0},
            "twin loop: 급속.toml: parameter soc_to = 80 is not above soc1 = 90 (add the constraint 'soc1 < soc_to' to the space).",
        ),
        (
            {"protocol": "6-5-4", "cc1": 2.0},
            "twin loop: 급속.toml: parameter cc1: beside a text protocol (give one or the other).",
        ),
        (
            {"protocol": "6-48@0-80"},
            "twin loop: 급속.toml: parameter protocol: protocol 6-48@0-80: step 2: C-rate 48",
        ),
        (
            {"cc1": 3.0, "cc2": 0.0},
            "twin loop: 급속.toml: parameter cc2 = 0: expected a C-rate above 0 and at most 10 C.",
        ),
        (
            {"cc1": 3.0, "soc_to": 120.0},
            "twin loop: 급속.toml: parameter soc_to = 120: expected a SOC from 0 to 100 %.",
        ),
        (
            {"cc1": 3.0, "cc2": 2.0, "soc_from": 80.0},
            "twin loop: 급속.toml: parameter soc_from: the window 80-80 % is empty (expected soc_from < soc_to).",
        ),
        (
            {"cc1": 3.0, "cc2": "빠름"},
            "twin loop: 급속.toml: parameter cc2 = '빠름': expected a finite number.",
        ),
        ({"온도": 25.0}, "twin loop: 급속.toml: parameter 온도: not part of a charging protocol"),
    ],
)
def test_points_the_twin_cannot_run_are_refused_naming_the_space_and_parameter(
    point: dict[str, object], message: str
) -> None:
    with pytest.raises(InputError) as caught:
        point_protocol(point, "급속.toml")
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_a_space_is_checked_before_any_simulation() -> None:
    space_protocol_check(["cc1", "cc2", "soc1"], ["분"], "a.toml")
    with pytest.raises(InputError, match=r"^twin loop: a\.toml: parameter binder: not part of a charging"):
        space_protocol_check(["cc1", "binder"], [], "a.toml")
    with pytest.raises(InputError, match=r"^twin loop: a\.toml: no C-rate parameter cc1 among soc1"):
        space_protocol_check(["soc1"], [], "a.toml")


def test_a_text_protocol_may_be_a_cc_soc_cc_policy() -> None:
    """Severson's notation through the same parser: the steps are the ones written with cc1/soc1/cc2."""
    as_text = point_protocol({"protocol": "5.4C(40%)-3.6C"})
    assert as_text == point_protocol({"cc1": 5.4, "soc1": 40.0, "cc2": 3.6})
    assert as_text.name == "5.4-3.6@0-80"
    # 6C to 20 %, 5C to 50 %, 3C to 80 %: widths 20, 30, 30.
    three = point_protocol({"protocol": "6C(20%)-5C(50%)-3C"})
    assert [x for step in three.steps() for x in step] == pytest.approx([6.0, 0.2, 5.0, 0.3, 3.0, 0.3])
    # 3_6C-80PER_3_6C: 3.6 C to 80 %, then nothing left to charge to 80 %: one step.
    assert point_protocol({"protocol": "3_6C-80PER_3_6C"}).name == "3.6@0-80"
    with pytest.raises(InputError, match=r"'newstructure' after the steps is not part of a protocol"):
        point_protocol({"protocol": "3.6C(80%)-3.6C newstructure"})
    with pytest.raises(InputError, match=r"step 2: SOC width -10 %"):
        point_protocol({"protocol": "5C(90%)-3C"})
