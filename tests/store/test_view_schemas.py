"""A table view over many cell schemas: the same rows, types and warnings read either way.

Groups of files read as the view's types are read in one ``read_parquet(..., union_by_name=true)`` once they
are many (:data:`gwangyang.store.view_sql.MERGE_FACTOR`); the others (casts, dead rows) stay groups. Forcing
the merge and forbidding it gives the same frame, dtypes and warnings; the values are checked against the
cells' own tables read with pyarrow.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from gwangyang.store import Store, view_sql
from gwangyang.store.views import close_connections, connect
from tests.store.test_dask_columns import with_columns
from tests.store.test_layout import formation_cell, put

QUERY = "SELECT * FROM cycles ORDER BY cell_id, cycle_index"


def _cell(k: int) -> tuple[str, dict, dict]:
    """Cell k in its own lot with a column ``c<k>`` of its own (3k, 3k+1, 3k+2); some with shared columns."""
    extra: dict[str, pa.Array] = {f"c{k}": pa.array([3 * k, 3 * k + 1, 3 * k + 2])}
    if k % 3 == 0:
        extra["온도"] = pa.array([20.0 + k, 21.0, None])
    if k == 4:
        extra["등급"] = pa.array(["A", "B", None])  # text here, int64 in cell 5: read as text, a warning
    if k == 5:
        extra["등급"] = pa.array([7, 8, 9])
    if k == 6:
        extra["채널"] = pa.array([1, 2, 3], pa.int32())  # int32 beside int64: widened, a group of its own
    if k == 7:
        extra["채널"] = pa.array([4, 5, 6])
    lot = f"로트{2 if k == 12 else k:02d}"  # 12 shares 2's file: once 2 is replaced, a file with dead rows
    return with_columns(formation_cell(f"셀-{k:02d}", lot, k, rows=9), "cycles", extra)


def _build(store: Store) -> None:
    put(store, [_cell(k) for k in range(14)])
    again = _cell(2)  # replaced: its old rows dead in a file no other cell has
    put(store, [(again[0], again[1], {"cycles": again[2]["cycles"].drop_columns(["c2"])})])


def _read(store: Store, factor: int, monkeypatch: pytest.MonkeyPatch) -> tuple[pd.DataFrame, str]:
    monkeypatch.setattr(view_sql, "MERGE_FACTOR", factor)
    close_connections()  # a new connection: the view made again
    frame = store.sql(QUERY)
    sql = (
        connect(store, {"cycles"})
        .execute("SELECT sql FROM duckdb_views() WHERE view_name = 'cycles'")
        .fetchone()
    )
    close_connections()
    return frame, sql[0]


def test_many_schemas_read_the_same_merged_or_not(store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(store_dir)
    _build(store)
    merged, merged_sql = _read(store, 0, monkeypatch)
    grouped, grouped_sql = _read(store, 10**9, monkeypatch)
    assert merged_sql.count("union_by_name") == 1 and "union_by_name" not in grouped_sql
    assert merged_sql.count("read_parquet(") < grouped_sql.count("read_parquet(")
    assert (
        "NOT (EXISTS" in merged_sql or "NOT EXISTS" in merged_sql
    )  # the dead rows' file: a group of its own
    pd.testing.assert_frame_equal(merged, grouped)
    assert merged.attrs["warnings"] == grouped.attrs["warnings"]
    assert (
        len(merged.attrs["warnings"]) == 1
        and "column '등급' is text in 1 file(s)" in merged.attrs["warnings"][0]
    )
    # the columns: first appearance over the cells' schemas (the base columns, c0, 온도, c1, ...)
    base = ["cell_id", "cycle_index", "discharge_capacity_ah"]
    assert merged.columns[:3].tolist() == base and merged.columns[3:6].tolist() == ["c0", "온도", "c1"]
    assert str(merged["채널"].dtype) == "Int64" or merged["채널"].dtype.kind in "if"
    assert "c2" not in merged.columns  # cell 2 replaced without c2: only its dead rows had it
    # every live cell's values as its own table holds them (pyarrow, not DuckDB)
    for cell in store.snapshot().ids.astype(str):
        own = store.arrow(cell, "cycles").to_pandas()
        mine = merged[merged["cell_id"] == cell].reset_index(drop=True)
        assert len(mine) == len(own) == 3
        for column in own.columns:
            if column in ("등급", "cell_id"):
                assert mine[column].tolist() == [None if pd.isna(v) else str(v) for v in own[column]]
            else:
                assert mine[column].astype(float).tolist() == pytest.approx(
                    own[column].astype(float).tolist(), nan_ok=True
                )
    assert merged["c13"].sum() == 3 * 13 * 3 + 3  # by hand: 39 + 40 + 41
