"""A refusal's value as its user wrote it (TOML's and JSON's words, numbers read from a table as numbers)."""

from __future__ import annotations

import numpy as np

from gwangyang.written import as_written


def test_values_read_as_written_not_as_python_s_repr() -> None:
    # repr would give np.float64(7.5), np.int64(3), np.True_, True, None
    assert as_written(np.float64(7.5)) == "7.5"
    assert as_written(np.int64(3)) == "3"
    assert as_written(np.bool_(True)) == "true"
    assert as_written(False) == "false"
    assert as_written(None) == "null"
    assert as_written(7.0) == "7.0"  # a float written 7.0 stays one: it is no whole number
    assert as_written([np.float64(6.0), "톤", None]) == "[6.0, '톤', null]"
    assert as_written({"번호": np.int64(7)}) == "{'번호': 7}"
    assert as_written("광양항") == "'광양항'"


def test_a_long_value_is_cut() -> None:
    text = as_written(list(range(100)))
    assert len(text) == 60 and text.endswith("…") and text.startswith("[0, 1, 2")
    assert as_written(list(range(100)), limit=None) == str(list(range(100)))
