"""The table views' columns and types are the live cells', not the replaced (dead) rows' still in their files.

A replaced cell's old rows stay in their file until compaction. A column only they had is not a column of the
view, and a column whose only nulls are in them is no nullable column: ``SELECT *``, ``Store.dask`` and the
view's pandas dtypes are the same before and after compaction, and the same as pandas on the live cells'
own tables.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa

from gwangyang.store import Store
from tests.store.test_dask_columns import with_columns
from tests.store.test_layout import formation_cell, put


def live_rows(tables: list[pa.Table], columns: list[str]) -> pd.DataFrame:
    """The live cells' rows by pandas alone, sorted as ``ORDER BY ALL`` sorts them."""
    every = pd.concat([t.to_pandas() for t in tables], ignore_index=True)[columns]
    return every.sort_values(columns, ignore_index=True)


def test_a_column_only_a_replaced_cell_had_is_not_in_the_views(store_dir: Path) -> None:
    store = Store(store_dir)
    old = with_columns(
        formation_cell("셀-가", "로트", 1, rows=9), "cycles", {"측정자": pa.array(["김", "이", "박"])}
    )
    other = formation_cell("셀-나", "로트", 2, rows=9)
    put(store, [old, other])  # one file: 측정자 null for 셀-나
    new = formation_cell("셀-가", "로트", 3, rows=9)  # replaced without the column
    put(store, [new])
    assert store.snapshot().dead_pairs("cycles")["cell_id"].tolist() == ["셀-가"]  # its old rows still there
    columns = ["cell_id", "cycle_index", "discharge_capacity_ah"]
    want = live_rows([other[2]["cycles"], new[2]["cycles"]], columns)
    for stage in ("appended", "compacted"):
        view = store.sql("SELECT * FROM cycles ORDER BY ALL")
        assert list(view.columns) == columns, stage  # before: 측정자 too, all null
        pd.testing.assert_frame_equal(view, want)
        on_dask = store.dask("cycles").compute().astype({"cell_id": object})  # Dask: string[pyarrow]
        on_dask = on_dask.sort_values(columns, ignore_index=True)
        pd.testing.assert_frame_equal(on_dask, want)
        scoped = store.sql("SELECT * FROM cycles ORDER BY ALL", cells=["셀-가", "셀-나"])
        pd.testing.assert_frame_equal(scoped, want)
        store.compact(retain_s=0)


def test_nulls_only_in_dead_rows_do_not_change_the_dtype(store_dir: Path) -> None:
    store = Store(store_dir)
    holes = pa.array([1, None, 3], pa.int64())
    old = with_columns(formation_cell("셀-A", "로트", 1, rows=9), "cycles", {"번호": holes})
    other = with_columns(formation_cell("셀-B", "로트", 2, rows=9), "cycles", {"번호": pa.array([4, 5, 6])})
    put(store, [old, other])  # one file whose statistics count 셀-A's null
    new = with_columns(formation_cell("셀-A", "로트", 3, rows=9), "cycles", {"번호": pa.array([7, 8, 9])})
    put(store, [new])
    want = pd.concat([t[2]["cycles"].to_pandas() for t in (other, new)], ignore_index=True)
    assert str(want["번호"].dtype) == "int64"  # pandas on the live cells' own tables
    for stage in ("appended", "compacted"):
        on_dask = store.dask("cycles").compute()
        assert str(on_dask["번호"].dtype) == "int64", stage  # before compaction: Int64
        view = store.sql("SELECT * FROM cycles")
        assert str(view["번호"].dtype) == "int64", stage
        assert sorted(on_dask["번호"]) == sorted(view["번호"]) == [4, 5, 6, 7, 8, 9]
        store.compact(retain_s=0)
    # a live null still makes the column nullable (Int64), as the view's answer holds it
    put(store, [with_columns(formation_cell("셀-C", "로트", 4, rows=9), "cycles", {"번호": holes})])
    assert str(store.dask("cycles").compute()["번호"].dtype) == "Int64"
    assert str(store.sql("SELECT * FROM cycles")["번호"].dtype) == "Int64"


def test_columns_in_the_order_cells_were_ingested_whatever_the_lots_paths(store_dir: Path) -> None:
    """Korean lots' folders are percent-encoded (``lot=%EA%B0%80...``) and sort before ``lot=zeta``: no matter."""
    store = Store(store_dir)

    def cell(cell_id: str, lot: str, seed: int, column: str, at: str | None) -> tuple[str, dict, dict]:
        one = with_columns(
            formation_cell(cell_id, lot, seed, rows=9), "cycles", {column: pa.array([1.5, 2.5, 3.5])}
        )
        if at is not None:
            one[1]["ingested_at"] = at
        return one

    # written first, in an ASCII lot, but with the larger id; then a Korean lot; then a cell with no ingest time
    put(store, [cell("z-셀", "zeta", 1, "먼저_c", "2026-12-01T00:00:00+00:00")])
    put(store, [cell("a-셀", "가나다", 2, "나중_c", "2026-12-02T00:00:00+00:00")])
    put(store, [cell("0-셀", "하늘", 3, "마지막_c", None)])
    files = store.files("cycles")
    assert files == sorted(files) and "lot=zeta" in files[-1]  # the paths' order: Korean lots first
    want = ["cell_id", "cycle_index", "discharge_capacity_ah", "먼저_c", "나중_c", "마지막_c"]
    for stage in ("appended", "compacted"):
        assert list(store.sql("SELECT * FROM cycles").columns) == want, (
            stage
        )  # before: 나중_c, 마지막_c, 먼저_c
        assert list(store.dask("cycles").columns) == want, stage
        scoped = store.sql("SELECT * FROM cycles", cells=["a-셀", "z-셀", "0-셀"])
        assert list(scoped.columns) == want, stage  # before: by cell id, 마지막_c first
        store.compact(retain_s=0)
    got = store.sql("SELECT cell_id, 먼저_c, 나중_c, 마지막_c FROM cycles ORDER BY cell_id, cycle_index")
    assert got["cell_id"].tolist() == ["0-셀"] * 3 + ["a-셀"] * 3 + ["z-셀"] * 3
    assert got["먼저_c"].isna().tolist() == [True] * 6 + [False] * 3
    assert got["마지막_c"].tolist()[:3] == [1.5, 2.5, 3.5]
