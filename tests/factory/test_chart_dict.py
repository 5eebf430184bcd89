"""``Chart.to_dict`` builds a constant limit from one float (``factory/float_lists.py``): the JSON is the one of
``ndarray.tolist()``, character for character, whatever the arrays hold."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from gwangyang.factory.control_chart import Chart
from gwangyang.factory.spc import imr_chart
from gwangyang.files import jsonable

NAN, INF = float("nan"), float("inf")
ARRAYS = {
    "constant": np.full(50, 2.0125),
    "varying": np.linspace(0.0, 1.0, 50),
    "zero beside minus zero": np.array([0.0, -0.0, 0.0]),
    "minus zero": np.full(4, -0.0),
    "NaN": np.full(3, NAN),
    "infinity": np.full(3, -INF),
    "one": np.array([1.5]),
    "empty": np.array([], dtype=float),
    "strided": np.arange(20, dtype=float)[::2],
    "constant, strided": np.full(20, 3.0)[::3],
    "float32": np.full(4, 0.1, dtype=np.float32),
    "runs": np.repeat([1.0, -0.0, 0.0, NAN, 2.5, INF], [40, 17, 1, 20, 30, 16]),
    "a tail that settles": np.concatenate([np.linspace(1.0, 2.0, 20), np.full(400, 2.0)]),
    "short runs": np.repeat(np.arange(50.0), 3),
}


def _old(chart: Chart) -> dict[str, Any]:
    """``Chart.to_dict`` as it was (``tolist`` on every array)."""
    return {
        "name": chart.name,
        "center": chart.center,
        "values": chart.values.tolist(),
        "lower": chart.lower.tolist(),
        "upper": chart.upper.tolist(),
        "out_of_control": np.nonzero(chart.out_of_control)[0].tolist(),
        **chart.extra,
    }


@pytest.mark.parametrize("name", list(ARRAYS))
def test_float_list_is_tolist(name: str) -> None:
    from gwangyang.factory.float_lists import (
        float_list,
    )  # here: benchmarks import _old, also on older sources

    array = ARRAYS[name]
    fast, slow = float_list(array), array.tolist()
    assert [type(v) for v in fast] == [type(v) for v in slow]
    assert json.dumps(fast) == json.dumps(slow)  # NaN and -0.0 written as tolist's
    assert json.dumps(jsonable(fast)) == json.dumps(jsonable(slow))


def test_constant_limits_are_one_float() -> None:
    individuals, moving_range = imr_chart(np.array([2.0, 2.1, 1.9, 2.05, 1.95, 2.0]))
    d = individuals.to_dict()
    assert len({id(v) for v in d["upper"]}) == 1 and len({id(v) for v in d["values"]}) == 6
    from gwangyang.factory.float_lists import float_list

    settled = float_list(ARRAYS["a tail that settles"])
    assert len({id(v) for v in settled}) == 20 and settled == ARRAYS["a tail that settles"].tolist()
    for chart in (individuals, moving_range):
        assert json.dumps(jsonable(chart.to_dict())) == json.dumps(jsonable(_old(chart)))


@pytest.mark.parametrize("name", list(ARRAYS))
def test_chart_json_unchanged(name: str) -> None:
    array = np.asarray(ARRAYS[name], dtype=float)
    chart = Chart(
        "X", array, 0.0, array.copy(), array[::-1].copy(), np.zeros(array.size, bool), {"sigma": 1.0}
    )
    assert json.dumps(chart.to_dict()) == json.dumps(_old(chart))
    assert json.dumps(jsonable(chart.to_dict())) == json.dumps(jsonable(_old(chart)))
