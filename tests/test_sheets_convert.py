"""The text columns of a table convert as pandas' ``.str`` route converts them (the reader's earlier code,
kept here as the reference): numbers, numbers with thousands separators or decimal commas, codes with
leading zeros, missing-value words, words. The reader now loops over cells and tests the distinct texts
only (benchmarks/sheets_convert.py); the answers must not change."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gwangyang.delimited import MISSING
from gwangyang.sheet_cells import (
    _DECIMAL_COMMA,
    _DOT_THOUSANDS_COMMA,
    _INTEGER,
    _PLAIN,
    _THOUSANDS,
    convert_column,
)


def reference(column: pd.Series, delimiter: str) -> tuple[pd.Series, str | None]:
    """The text route through pandas' ``.str`` methods over every cell."""
    column = column.reset_index(drop=True)
    text = column.fillna("").astype(str).str.strip()
    missing = text.str.lower().isin(MISSING)
    present = text[~missing]
    if present.empty:
        return pd.Series(np.nan, index=column.index, dtype="float64"), None
    blanked = text.where(~missing, None)
    if present.str.fullmatch(_INTEGER.pattern).all():
        digits = present.str.lstrip("+-")
        if ((digits.str.len() > 1) & digits.str.startswith("0")).any() or (digits.str.len() > 18).any():
            return blanked.astype(object), None
        if not missing.any():
            return text.astype("int64"), None
        return pd.to_numeric(blanked), None
    try:
        return pd.to_numeric(blanked).astype("float64"), None
    except (ValueError, TypeError):
        pass
    plain = present.str.fullmatch(_PLAIN.pattern)
    thousands = plain | present.str.fullmatch(_THOUSANDS.pattern)
    decimal = plain | present.str.fullmatch(_DECIMAL_COMMA.pattern)
    if thousands.all() and not (delimiter != "," and decimal.all()):
        return pd.to_numeric(blanked.str.replace(",", "", regex=False)), "thousands separators"
    if (decimal | present.str.fullmatch(_DOT_THOUSANDS_COMMA.pattern)).all():
        converted = blanked.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        return pd.to_numeric(converted), "decimal commas"
    return blanked.astype(object), None


def _same(cells: list[object], delimiter: str = ",") -> tuple[pd.Series, str | None]:
    column = pd.Series(cells, dtype=object)
    got, how = convert_column(column, delimiter, typed=False)
    try:
        want, want_how = reference(column, delimiter)
    except ValueError:  # the reference crashed ("Integer out of range"): the cells now stay text
        want, want_how = column.map(lambda v: None if v is None else str(v).strip() or None), None
        want = want.where(~want.fillna("").str.lower().isin(MISSING), None).astype(object)
    pd.testing.assert_series_equal(got, want)
    assert how == want_how
    return got, how


@pytest.mark.parametrize(
    ("cells", "delimiter", "values", "how"),
    [
        (["1", " 2 ", "3"], ",", [1, 2, 3], None),
        (["007", "12", None], ",", ["007", "12", None], None),
        (["1,234.5", "2,000", "NA"], ",", [1234.5, 2000.0, np.nan], "thousands separators"),
        (["12,5", "3,25", "-"], ";", [12.5, 3.25, np.nan], "decimal commas"),
        (["1.234,5", "7,0"], ";", [1234.5, 7.0], "decimal commas"),
        (["OK", "NG", "#N/A", ""], ",", ["OK", "NG", None, None], None),
        (
            ["2024-03-05 08:00:00", "2024. 3. 5. 오후 2:00"],
            ",",
            ["2024-03-05 08:00:00", "2024. 3. 5. 오후 2:00"],
            None,
        ),
        (["1e3", "-.5", "+2."], ",", [1000.0, -0.5, 2.0], None),
        (["n/a", "NULL", None], ",", [np.nan] * 3, None),
        (["-1.5e16", "100000000000000000000"], "\t", ["-1.5e16", "100000000000000000000"], None),  # crashed
    ],
)
def test_cells_by_hand(cells: list[object], delimiter: str, values: list[object], how: str | None) -> None:
    got, said = _same(cells, delimiter)
    assert said == how
    assert [None if v is None or v != v else v for v in got.tolist()] == [
        None if v is None or v != v else v for v in values
    ]


_CELL = st.one_of(
    st.sampled_from(
        ["", " ", "-", "NA", "#N/A", "null", "OK", "NG", "로트-01", "007", "0", "12,5", "1.234,5"]
    ),
    st.integers(-(10**20), 10**20).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(lambda v: f"{v:,.3f}"),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.text(alphabet="0123456789,.-+eE ", max_size=8),
    st.none(),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_CELL, min_size=1, max_size=12), st.sampled_from([",", ";", "\t"]))
def test_any_cells_convert_as_the_reference(cells: list[object], delimiter: str) -> None:
    _same(cells, delimiter)
