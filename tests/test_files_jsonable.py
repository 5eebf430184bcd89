"""``files.jsonable``'s one-pass conversion of number lists and numpy arrays gives what the item-by-item
conversion it replaced gave: the same values and types, so the same JSON text (``json.dumps`` tells ``1`` from
``1.0``), on arrays and lists with NaN, infinities, integers, booleans, Korean text and nesting."""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gwangyang.files import dumps, jsonable


def before(value: Any) -> Any:
    """``jsonable`` as it was before the one-pass paths (item by item), the reference."""
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): before(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [before(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return before(float(value))
    if isinstance(value, np.ndarray):
        return before(value.tolist())
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    if hasattr(value, "to_dict"):
        return before(value.to_dict())
    return str(value)


def same(value: Any) -> None:
    new, old = jsonable(value), before(value)
    assert new == old
    text = json.dumps(old, allow_nan=False, ensure_ascii=False)
    assert json.dumps(new, allow_nan=False, ensure_ascii=False) == text
    assert dumps(value) == json.dumps(old, allow_nan=False, ensure_ascii=False, separators=(",", ":"))


NAN, INF = float("nan"), float("inf")

CASES: dict[str, Any] = {
    "float array, NaN and infinities": np.array([1.5, NAN, -INF, 0.0, -0.0, INF, 1e308, 5e-324]),
    "float array, finite": np.linspace(-1.0, 1.0, 101),
    "float32 with NaN": np.array([0.1, NAN, 3.0], dtype=np.float32),
    "float16": np.array([0.1, INF, 2.0], dtype=np.float16),
    "2-D with NaN": np.array([[1.0, NAN], [INF, 4.0]]),
    "3-D finite": np.arange(24, dtype=float).reshape(2, 3, 4),
    "0-d NaN": np.array(NAN),
    "0-d int": np.array(7),
    "int64": np.array([1, -2, 2**62]),
    "uint64 past int64": np.array([2**64 - 1, 0], dtype=np.uint64),
    "int8 2-D": np.array([[1, 2], [3, -4]], dtype=np.int8),
    "bool": np.array([True, False]),
    "Korean strings": np.array(["두께", "광양-1", ""]),
    "object array": np.array(["셀-001", 1, 2.5, NAN, None], dtype=object),
    "datetime64": np.array(["2026-03-02T14:05", "NaT"], dtype="datetime64[s]"),
    "long double": np.array([1.5, NAN], dtype=np.longdouble),
    "complex": np.array([1 + 2j]),
    "empty": np.array([]),
    "list of floats with NaN": [1.0, NAN, INF, -INF, 2.5],
    "list of ints and floats": [1, 2.0, NAN, True, None, "로트"],
    "list of bools": [True, False],
    "list of numpy floats": [np.float64(1.5), np.float32(NAN), np.int64(3)],
    "tuple": (1.0, NAN, "a"),
    "empty list": [],
    "nested": {
        "charts": [{"name": "I", "values": [1.0, NAN], "upper": np.array([INF, 2.0])}],
        1: (np.int64(5), Path("/tmp/x"), date(2026, 3, 2), pd.Timestamp("2026-03-02 14:05")),
        "셀": [[1.0, NAN], [np.nan, "x"]],
    },
    "str subclass": [np.str_("두께"), "a"],
    "big int in float list": [1.0, 10**400],
    # one float object repeated (a chart's constant limit, as Chart.to_dict now builds it)
    "one float repeated": [2.5] * 1000,
    "one NaN repeated": [NAN] * 3,
    "one inf repeated": [-INF] * 3,
    "zero and minus zero": [0.0, -0.0, 0.0],
    "minus zero repeated": [-0.0] * 3,
    "equal floats, one object at both ends": [1.5, float("1.5"), 1.5],
    "a float once": [7.25],
}
CASES["zero and minus zero"][2] = CASES["zero and minus zero"][0]  # the same object at both ends


@pytest.mark.parametrize("name", list(CASES))
def test_same_answer_as_item_by_item(name: str) -> None:
    same(CASES[name])


scalars = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.booleans(),
    st.none(),
    st.text(alphabet="가나다ab0 ", max_size=4),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(scalars, max_size=30), st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=30))
def test_random_lists(mixed: list[Any], floats: list[float]) -> None:
    same(mixed)
    same(floats)
    same(np.array(floats, dtype=np.float64))
    with np.errstate(over="ignore"):  # 1e300 as float32 is inf, which is the point
        narrow = np.array(floats, dtype=np.float32).reshape(-1, 1)
    same({"a": mixed, "b": tuple(floats), "c": narrow})


def test_an_spc_document_is_unchanged(tmp_path: Path) -> None:
    from gwangyang.factory import service

    rng = np.random.default_rng(5)
    frame = pd.DataFrame(
        {"로트": np.repeat([f"L{i:03d}" for i in range(40)], 5), "두께": rng.normal(2, 0.01, 200)}
    )
    frame.to_csv(tmp_path / "t.csv", index=False)
    _, report = service.spc(tmp_path / "t.csv", "두께", (1.95, 2.05), subgroup_column="로트")
    same(report.to_dict())
