"""From a table's column to the counts of an attribute chart, and which chart: p, np, c, u or a variables chart.

A column of pass/fail words (``OK``/``NG``, ``합격``/``불합격``, ``양품``/``불량``) is one inspected item per row:
its rows are grouped into subgroups by a lot column or in consecutive runs of a given size, and the chart is np
(every subgroup of one size) or p (sizes differ). A column of non-negative whole numbers named like a count of
defects (``불량수``, ``defects``), or charted with a size column, is a count of nonconformities: u with a size
(units inspected) column, else c. Each choice is said in the document's ``chart`` entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError

CHARTS = ("auto", "variables", "p", "np", "c", "u")
"""What ``chart`` may be: ``auto`` (from the column), ``variables`` (I-MR or X̄-R), or an attribute chart."""

PASS_WORDS = frozenset({"ok", "pass", "passed", "good", "g", "합격", "양품", "양호", "적합", "정상", "통과"})
FAIL_WORDS = frozenset(
    {"ng", "fail", "failed", "bad", "nok", "n.g.", "불합격", "불량", "불량품", "부적합", "불통과", "no good"}
)
"""Words of a pass/fail column (compared after trimming and case-folding); a fail is a nonconforming item."""

_COUNT_NAME = re.compile(
    r"불량|결점|결함|부적합|흠|건수|개수|defect|nonconform|flaw|blemish|\bcount\b|\bng\b", re.IGNORECASE
)


@dataclass
class AttributeData:
    """A column read for an attribute chart: counts and sizes per subgroup, and why this chart."""

    kind: str
    counts: np.ndarray
    sizes: np.ndarray
    labels: list[str] | None
    reason: str
    notes: list[str] = field(default_factory=list)


def check_chart(chart: str) -> str:
    """``chart`` if it is one of :data:`CHARTS`."""
    if chart not in CHARTS:
        raise InputError(f"chart: expected one of {', '.join(CHARTS)}, got {chart[:20]!r}.")
    return chart


def pass_fail(values: pd.Series, column: str) -> np.ndarray | None:
    """1 for each fail word, 0 for each pass word; None when the column is not pass/fail words.

    Raises
    ------
    InputError
        Most values are pass/fail words but one is not (named, with its data row).
    """
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return None
    codes, uniques = pd.factorize(values, use_na_sentinel=True)  # classify each distinct word once
    words = pd.Series(uniques, dtype="object").astype("string").str.strip().str.casefold()
    is_known = words.isin(PASS_WORDS | FAIL_WORDS).to_numpy()
    known = np.append(is_known, False)[codes]  # code -1 (missing): not a word
    if known.sum() * 2 <= len(values) or known.sum() == 0:
        return None
    if not known.all():
        row = int(np.nonzero(~known)[0][0])
        raise InputError(
            f"{column}: {str(values.iloc[row])[:30]!r} in data row {row + 1} is neither a pass word "
            "(OK, 합격, 양품) nor a fail word (NG, 불합격, 불량)."
        )
    return words.isin(FAIL_WORDS).to_numpy()[codes].astype(np.float64)


def whole_counts(values: pd.Series) -> bool:
    """Whether every value is a whole number ≥ 0 (a count)."""
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return False
    x = values.to_numpy(dtype=np.float64)
    return bool(np.isfinite(x).all() and (x >= 0).all() and (x % 1 == 0).all())


def wants_attribute(
    values: pd.Series, column: str, chart: str, size_column: str | None, source: str = "table"
) -> bool:
    """Whether ``chart`` (``auto`` or given) charts ``column`` as attributes rather than measurements."""
    if chart != "auto":
        return chart != "variables"
    if pass_fail(values, f"{source}: column {column!r}") is not None:
        return True
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return False
    x = values.to_numpy(dtype=np.float64)
    whole = bool(np.isfinite(x).all() and (x % 1 == 0).all())  # negative counts are refused later, by name
    return whole and (size_column is not None or bool(_COUNT_NAME.search(column)))


def _groups(labels: pd.Series, source: str, name: str) -> tuple[np.ndarray, list[str]]:
    keys = labels.astype("string").str.strip()
    empty = (keys.isna() | (keys == "")).to_numpy()
    if empty.any():
        row = int(np.nonzero(empty)[0][0])
        raise InputError(
            f"{source}: empty {name!r} in data row {row + 1}; expected a subgroup label on every row."
        )
    codes, uniques = pd.factorize(keys, sort=False)
    return codes, [str(u) for u in uniques]


def attribute_data(
    data: pd.DataFrame,
    column: str,
    source: str,
    chart: str = "auto",
    size_column: str | None = None,
    subgroup_column: str | None = None,
    subgroup: int = 1,
) -> AttributeData:
    """Counts and sizes per subgroup of an attribute chart of ``column``, and the chart.

    Parameters
    ----------
    data
        The table (rows with an empty value in ``column`` already left out).
    column
        Pass/fail words (one item per row) or counts of nonconformities.
    source
        The file's name, in messages.
    chart
        ``auto``, ``p``, ``np``, ``c`` or ``u``.
    size_column
        Items inspected (p, np) or inspection units (u) of each row, for a count column.
    subgroup_column
        Rows of one label form one subgroup (counts and sizes summed).
    subgroup
        Without ``subgroup_column``: consecutive runs of this many rows form a subgroup.

    Returns
    -------
    AttributeData

    Raises
    ------
    InputError
        One line naming the column: words that are not pass/fail, negative or fractional counts, a size of 0,
        a chart that does not fit the column, pass/fail items without subgroups.
    """
    values = data[column]
    where = f"{source}: column {column!r}"
    flags = pass_fail(values, where)
    notes: list[str] = []
    if flags is None:
        x = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64)
        if not np.isfinite(x).all():
            row = int(np.nonzero(~np.isfinite(x))[0][0])
            raise InputError(
                f"{where}: {str(values.iloc[row])[:30]!r} in data row {row + 1} is neither a count nor a "
                "pass/fail word (OK/NG, 합격/불합격)."
            )
        if (x < 0).any():
            row = int(np.nonzero(x < 0)[0][0])
            raise InputError(
                f"{where}: negative count {x[row]:g} in data row {row + 1}; expected counts ≥ 0."
            )
        if (x % 1 != 0).any():
            row = int(np.nonzero(x % 1 != 0)[0][0])
            raise InputError(f"{where}: {x[row]:g} in data row {row + 1} is not a whole count.")
    else:
        x = flags
        if size_column is not None:
            raise InputError(
                f"{where}: holds pass/fail words, one item per row; size_column is for a column of counts."
            )
        if chart in ("c", "u"):
            raise InputError(
                f"{where}: holds pass/fail words (nonconforming items), but {chart} charts count "
                "nonconformities; use p or np."
            )
    if size_column is not None:
        if size_column not in data.columns:
            shown = ", ".join(map(str, list(data.columns)[:8]))
            raise InputError(f"{source}: size_column {size_column!r} is not a column; columns are {shown}.")
        n = pd.to_numeric(data[size_column], errors="coerce").to_numpy(dtype=np.float64)
        bad = ~np.isfinite(n) | (n <= 0)
        if bad.any():
            row = int(np.nonzero(bad)[0][0])
            raise InputError(
                f"{source}: column {size_column!r} has {str(data[size_column].iloc[row])[:20]!r} in data row "
                f"{row + 1}; expected a subgroup size above 0."
            )
    else:
        n = np.ones(x.size)
    labels: list[str] | None = None
    if subgroup_column is not None:
        if subgroup_column not in data.columns:
            shown = ", ".join(map(str, list(data.columns)[:8]))
            raise InputError(
                f"{source}: subgroup_column {subgroup_column!r} is not a column; columns are {shown}."
            )
        raw = data[subgroup_column]
        whole = pd.api.types.is_float_dtype(raw) and bool((raw.dropna() % 1 == 0).all())
        codes, labels = _groups(raw.astype("Int64") if whole else raw, source, subgroup_column)
        counts, sizes = np.bincount(codes, weights=x), np.bincount(codes, weights=n)
    elif subgroup > 1:
        whole_runs = x.size // subgroup
        if whole_runs < 2:
            raise InputError(f"{where}: {x.size} rows make fewer than 2 subgroups of {subgroup}.")
        left = x.size - whole_runs * subgroup
        if left:
            notes.append(
                f"{where}: the last {left} row(s) do not fill a subgroup of {subgroup} and are not charted."
            )
        counts = x[: whole_runs * subgroup].reshape(-1, subgroup).sum(axis=1)
        sizes = n[: whole_runs * subgroup].reshape(-1, subgroup).sum(axis=1)
    elif subgroup < 1:
        raise InputError(f"{where}: subgroup size {subgroup}; expected 1 or more rows per subgroup.")
    elif flags is not None:
        raise InputError(
            f"{where}: holds pass/fail words, one item per row; give a subgroup column (lot) or a subgroup size "
            "to count nonconforming items per subgroup."
        )
    else:
        counts, sizes = x, n
    kind, reason = _choose(chart, flags is not None, size_column, sizes, column)
    if (
        kind in ("p", "np")
        and flags is None
        and size_column is None
        and subgroup_column is None
        and subgroup == 1
    ):
        raise InputError(f"{where}: {kind} chart of counts: give the items inspected per row in size_column.")
    return AttributeData(kind, counts, sizes, labels, reason, notes)


def _choose(
    chart: str, items: bool, size_column: str | None, sizes: np.ndarray, column: str
) -> tuple[str, str]:
    if chart != "auto":
        return chart, f"{chart} chart, as asked."
    if items:
        if np.all(sizes == sizes[0]):
            return (
                "np",
                f"{column!r} holds pass/fail words and every subgroup has {sizes[0]:g} items: np chart.",
            )
        return (
            "p",
            f"{column!r} holds pass/fail words and subgroups of {sizes.min():g} to {sizes.max():g} items: p chart.",
        )
    if size_column is not None:
        return "u", f"{column!r} holds counts with units inspected in {size_column!r}: u chart."
    if not np.all(sizes == sizes[0]):
        return (
            "u",
            f"{column!r} holds counts of defects over subgroups of {sizes.min():g} to {sizes.max():g} rows: u chart.",
        )
    return "c", f"{column!r} holds counts of defects (by its name) and no size column: c chart."


def chart_entry(kind: str, asked: str, reason: str) -> dict[str, Any]:
    """The document's ``chart`` entry: the chart drawn, whether it was asked or chosen, and why."""
    return {"type": kind, "chosen": "auto" if asked == "auto" else "asked", "reason": reason}
