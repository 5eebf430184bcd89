"""The fleet queries of ``benchmarks/store_scale.py`` give the answers plain pandas computes from the cells' own tables.

Both ways of fetching an answer are checked: whole (``max_rows=None``: DuckDB's DataFrame) and cut by
``max_rows`` (Arrow batches, then pandas without sharing equal strings), before and after compaction.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from gwangyang.store import Store
from tests.store.test_layout import formation_cell, put

FLEET_MAX = "SELECT cell_id, max(discharge_capacity_ah) AS q FROM cycles GROUP BY cell_id"
FLEET_LOT = (
    "SELECT lot, avg(q) AS mean_q, count(*) AS cells FROM "
    "(SELECT cell_id, max(discharge_capacity_ah) AS q FROM cycles GROUP BY cell_id) JOIN cells USING (cell_id) "
    "GROUP BY lot"
)


@pytest.fixture
def fleet(store_dir: Path) -> tuple[Store, list[tuple[str, dict, dict]]]:
    store = Store(store_dir)
    cells = [
        formation_cell(f"셀-{k:03d}" if k % 2 else f"F-{k:03d}", f"로트{k % 3}", k, rows=30)
        for k in range(90)
    ]
    put(store, cells[:45])
    put(store, cells[45:])
    return store, cells


def expected_frames(cells: list[tuple[str, dict, dict]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Max capacity per cell and mean of it per lot, by pandas from the tables the store was given."""
    cycles = pd.concat([tables["cycles"].to_pandas() for _id, _meta, tables in cells])
    per_cell = cycles.groupby("cell_id", as_index=False)["discharge_capacity_ah"].max()
    per_cell = per_cell.rename(columns={"discharge_capacity_ah": "q"})
    lots = pd.DataFrame({"cell_id": [c for c, _m, _t in cells], "lot": [m["lot"] for _c, m, _t in cells]})
    per_lot = (
        per_cell.merge(lots, on="cell_id")
        .groupby("lot", as_index=False)
        .agg(mean_q=("q", "mean"), cells=("q", "size"))
    )
    return per_cell, per_lot


def sorted_by(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    return frame.sort_values(key, ignore_index=True)


@pytest.mark.parametrize("compacted", [False, True])
def test_fleet_answers_equal_pandas_on_the_input_tables(
    fleet: tuple[Store, list[tuple[str, dict, dict]]], compacted: bool
) -> None:
    store, cells = fleet
    if compacted:
        store.compact(retain_s=0)
    per_cell, per_lot = expected_frames(cells)
    whole = store.sql(FLEET_MAX)
    cut = store.sql(FLEET_MAX, max_rows=1_000)
    assert whole.attrs["truncated"] is False and cut.attrs["truncated"] is False
    for answer in (whole, cut):
        assert answer.dtypes.astype(str).tolist() == ["object", "float64"]
        pd.testing.assert_frame_equal(sorted_by(answer, "cell_id"), per_cell, check_exact=True)
    lots = store.sql(FLEET_LOT)
    assert lots["cells"].tolist() and sorted(lots["lot"]) == ["로트0", "로트1", "로트2"]
    got = sorted_by(lots, "lot")
    assert got["cells"].tolist() == per_lot["cells"].tolist() == [30, 30, 30]
    assert got["mean_q"].to_numpy() == pytest.approx(per_lot["mean_q"].to_numpy(), rel=1e-12)


def test_a_cut_answer_is_the_head_of_the_whole_one(fleet: tuple[Store, list[tuple[str, dict, dict]]]) -> None:
    store, _cells = fleet
    ordered = FLEET_MAX + " ORDER BY cell_id"
    whole = store.sql(ordered)
    cut = store.sql(ordered, max_rows=7)
    assert cut.attrs["truncated"] is True
    pd.testing.assert_frame_equal(cut, whole.head(7), check_exact=True)
    # equal strings are separate objects in a cut answer (no sharing pass), the values the same
    repeated = store.sql("SELECT lot FROM cells", max_rows=90)
    assert sorted(repeated["lot"]) == sorted(f"로트{k % 3}" for k in range(90))


def test_the_cells_view_equals_its_rows_built_from_lists(store_dir: Path) -> None:
    # cells_arrow takes the catalog's columns as arrays (not Python lists): the same table, nulls included
    import pyarrow as pa

    from gwangyang.store.catalog import TYPED
    from gwangyang.store.views import cells_arrow

    store = Store(store_dir)
    cells = [formation_cell(f"배터리 {k}", f"로트{k % 2}", k, rows=30) for k in range(6)]
    cells[1][1]["channel"] = "CH 3"
    cells[2][1]["nominal_capacity_ah"] = None
    cells[3][1]["nominal_capacity_ah"] = float("nan")
    del cells[4][1]["rows"]
    put(store, cells[:3])
    put(store, cells[3:])
    put(store, [formation_cell("배터리 0", "로트9", 99, rows=30)])  # replaced: advanced, not read whole
    store.delete("배터리 5")
    snap = store.snapshot()
    got = cells_arrow(snap)  # first: the lists below are remembered by the snapshot, and used when remembered
    by_lists = pa.table(
        {
            "cell_id": pa.array(snap.ids.astype(str).tolist(), pa.string()),
            **{key: pa.array(snap.column(key), kind, from_pandas=True) for key, kind in TYPED.items()},
        }
    )
    assert got.equals(by_lists)
    assert got.column("cell_id").to_pylist() == [f"배터리 {k}" for k in range(5)]
    assert got.column("lot").to_pylist()[0] == "로트9"
    assert got.column("nominal_capacity_ah").null_count >= 2 and got.column("rows").null_count == 1
    assert got.column("channel").to_pylist()[1] == "CH 3"
