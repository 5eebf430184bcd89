"""Refusals outside routing show a value as its file wrote it (``true``, ``null``, ``7.5``), not as ``repr``."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

from gwangyang.battery.twin_start import check_start_rate
from gwangyang.errors import InputError
from gwangyang.factory.limits import check_alpha
from gwangyang.factory.run_rules import run_rules
from gwangyang.factory.spc import xbar_r_chart
from gwangyang.port.terminal import _build, _check_type

NULL: Any = None
"""A JSON or TOML null where a number or a word is typed (the runtime checks under test)."""
NUMPY_11: Any = np.int64(11)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: check_alpha(np.float64(0.7)),
            "alpha: expected a false-alarm rate between 0 and 0.5, got 0.7.",
        ),
        (lambda: check_alpha(NULL), "alpha: expected a false-alarm rate between 0 and 0.5, got null."),
        (lambda: xbar_r_chart(np.arange(40.0), NUMPY_11), "subgroup size: expected 2 to 10, got 11."),
        (lambda: xbar_r_chart(np.arange(40.0), True), "subgroup size: expected 2 to 10, got true."),
        (
            lambda: run_rules(np.arange(10.0), 0.0, np.float64(-1.0)),
            "sigma: expected a positive number, got -1.0.",
        ),
        (
            lambda: run_rules(np.arange(10.0), 0.0, 1.0, NULL),
            "rules: expected 'western' or 'nelson', got null.",
        ),
        (lambda: check_start_rate(np.float64(0.0)), "got 0.0."),
        (lambda: check_start_rate(False), "got false."),
        (
            lambda: _check_type(np.bool_(True), float, "berths[0].length_m"),
            "berths[0].length_m: expected a number, got true",
        ),
        (lambda: _check_type(None, int, "cranes[0].count"), "cranes[0].count: expected an integer, got null"),
        (lambda: _check_type(7.5, str, "berths[0].name"), "berths[0].name: expected a string, got 7.5"),
        (
            lambda: _build(object, [1, True], "항구.toml", "yard"),
            "항구.toml: yard: expected a table, got [1, true]",
        ),
    ],
)
def test_a_value_shows_as_written(call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=re.escape(message) + "$"):
        call()
    # the words around the value stay the project's: a string keeps its quotes as before
    with pytest.raises(InputError, match=re.escape("got '급속'")):
        _check_type("급속", float, "berths[0].length_m")


@pytest.mark.parametrize(
    ("rates", "widths", "shown"),
    [((1.0,), (), "1"), ((1.0, np.float64(2.0), 3.5), (0.8,), "1-2-3.5"), ((), (), "[]")],
)
def test_a_protocol_built_with_unpaired_rates_shows_them_as_a_protocol_writes_them(
    rates: tuple[float, ...], widths: tuple[float, ...], shown: str
) -> None:
    from gwangyang.api.i18n import phrase
    from gwangyang.battery.step_protocol import StepProtocol

    with pytest.raises(InputError) as caught:
        StepProtocol(rates, widths)
    # before: protocol (1.0,): ... and protocol (1.0, np.float64(2.0), 3.5): ...
    assert str(caught.value) == f"protocol {shown}: expected 1 to 20 steps, each with a C-rate and a width."
    assert phrase(str(caught.value), "ko") == (
        f"프로토콜 {shown}: 단계는 1~20개여야 하며, 단계마다 C-rate와 폭이 있어야 합니다."
    )
