"""The table views hold the cells' own columns, the same before and after compaction (no ``lot`` or ``bucket`` from folder names)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa

from gwangyang.store import Store
from gwangyang.store.catalog import TABLES
from tests.store.test_layout import formation_cell, put


def every_row(store: Store, table: str) -> pd.DataFrame:
    """``SELECT *`` of a view, rows in a fixed order."""
    return store.sql(f"SELECT * FROM {table} ORDER BY ALL")


def expected_rows(cells: dict[str, dict[str, pa.Table]], table: str, columns: list[str]) -> pd.DataFrame:
    """The live cells' rows by pandas from the tables the store was given (missing columns as nulls)."""
    frames = [t[table].to_pandas() for t in cells.values() if table in t]
    every = pd.concat(frames, ignore_index=True)[columns]
    return every.sort_values(columns, ignore_index=True, na_position="last")


def test_select_star_is_the_same_before_and_after_compaction(store_dir: Path) -> None:
    store = Store(store_dir)
    given = [formation_cell(f"셀-{k:02d}", f"로트{k % 2}", k, rows=9) for k in range(12)]
    put(store, given[:6])
    put(store, given[6:])
    extra = pa.table(  # a cell with a column of its own, in a third lot
        {
            "cell_id": ["특별"] * 2,
            "cycle_index": [1, 2],
            "discharge_capacity_ah": [1.5, 1.4],
            "온도_c": [25.0, 26.5],
        }
    )
    put(store, [("특별", {"cell_id": "특별", "lot": "로트 특별", "sources": []}, {"cycles": extra})])
    replaced = formation_cell("셀-03", "로트1", 99, rows=6)  # dead rows in a file still live
    put(store, [replaced])
    live = {c: t for c, _m, t in given}
    live["특별"] = {"cycles": extra}
    live["셀-03"] = replaced[2]

    before = {t: every_row(store, t) for t in ("cycles", "timeseries")}
    assert list(before["cycles"].columns) == ["cell_id", "cycle_index", "discharge_capacity_ah", "온도_c"]
    assert list(before["timeseries"].columns) == ["cell_id", "test_time_s", "cycle_index", "voltage_v", "q"]
    for table, rows in before.items():  # the rows the cells were given, by pandas
        want = expected_rows(live, table, list(rows.columns))
        pd.testing.assert_frame_equal(rows, want, check_dtype=False)
    dask_before = store.dask("timeseries").compute()
    assert list(dask_before.columns) == list(before["timeseries"].columns) and len(dask_before) == 12 * 9 - 3

    store.compact(retain_s=0)
    files = [f for t in TABLES for f in store.files(t)]
    assert files and all("/bucket=" in f for f in files)
    for table, rows in before.items():
        pd.testing.assert_frame_equal(every_row(store, table), rows)
    dask_after = store.dask("timeseries").compute()
    assert list(dask_after.columns) == list(dask_before.columns) and len(dask_after) == len(dask_before)

    put(store, [formation_cell("셀-99", "로트0", 7, rows=3)])  # appended and compacted files together
    assert any("/new/" in f for f in store.files("cycles"))
    mixed = every_row(store, "cycles")
    assert list(mixed.columns) == list(before["cycles"].columns)
    pd.testing.assert_frame_equal(mixed[mixed["cell_id"] != "셀-99"].reset_index(drop=True), before["cycles"])

    scoped = store.sql("SELECT * FROM cycles ORDER BY ALL", cells=["특별", "셀-01"])
    assert sorted(scoped.columns) == sorted(before["cycles"].columns)
