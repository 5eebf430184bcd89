"""Organisation-scoped SQL through the view cache: a new ingest is seen at once, and no organisation sees another's rows."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from gwangyang.errors import InputError
from gwangyang.store import Store
from gwangyang.store import production as dataset
from gwangyang.store.scoped_views import connect_cells
from gwangyang.store.view_cache import VIEW_CACHE, clear_view_cache
from tests.store.test_layout import formation_cell, put

ROWS = 300
"""Time-series rows of each synthetic cell (three cycles of 100, :func:`formation_cell`)."""

A = [f"셀-A{k}" for k in range(4)]
B = [f"셀-B{k}" for k in range(4)]


def sees(org: str) -> Callable[[str | None], bool]:
    """The production_orgs predicate of organisation ``org``: its own tables and the shared ones."""
    return lambda owner: owner is None or owner == org


@pytest.fixture
def store(store_dir: Path) -> Store:
    clear_view_cache()
    store = Store(store_dir)
    put(store, [formation_cell(c, "lot0", k) for k, c in enumerate(A + B)])
    # A cell id is one organisation's in the production data: the shared table holds A's and B's first cells
    # (their cycling data is the organisations'), so each organisation's view must leave out the other's.
    for org, ids in (("가", A[1:]), ("나", B[1:]), (None, [A[0], B[0], "공유-1"])):
        table = pd.DataFrame({"cell_id": ids, "ocv_v": [3.6] * len(ids)})
        dataset.append(store, table, f"{org}.csv", f"hash-{org}", org)
    return store


def scoped(store: Store, query: str, cells: list[str], org: str) -> pd.DataFrame:
    return store.sql(query, cells=cells, production_orgs=sees(org))


def test_a_query_after_an_ingest_sees_the_new_cells(store: Store) -> None:
    # Org 가 owns A and a cell that is not in the store yet: the same cell set before and after the ingest.
    mine = [*A, "셀-A9"]
    count = "SELECT count(*) AS n, count(DISTINCT cell_id) AS cells FROM timeseries"
    before = scoped(store, count, mine, "가")
    assert before.iloc[0].tolist() == [4 * ROWS, 4]
    assert scoped(store, count, mine, "가").iloc[0].tolist() == [4 * ROWS, 4]
    assert VIEW_CACHE.hits >= 1  # the second query was answered from the cache
    put(store, [formation_cell("셀-A9", "lot1", 99), formation_cell("셀-B9", "lot1", 98)])
    after = scoped(store, count, mine, "가")
    assert after.iloc[0].tolist() == [5 * ROWS, 5]  # 셀-B9 came in too, but it is not 가's
    ids = scoped(store, "SELECT cell_id FROM cells ORDER BY cell_id", mine, "가")["cell_id"].tolist()
    assert ids == sorted(mine)
    # A production table appended after a query is in the next one.
    production = "SELECT cell_id FROM production ORDER BY cell_id"
    assert scoped(store, production, mine, "가")["cell_id"].tolist() == sorted([*A, "공유-1"])
    dataset.append(store, pd.DataFrame({"cell_id": ["셀-A9"], "ocv_v": [3.7]}), "new.csv", "hash-new", "가")
    assert scoped(store, production, mine, "가")["cell_id"].tolist() == sorted([*A, "셀-A9", "공유-1"])


def test_two_organisations_never_see_each_others_rows_through_the_cache(store: Store) -> None:
    owned = {"가": A, "나": B}
    # Shared production rows of the other organisation's cell are left out (셀-B0 for 가, 셀-A0 for 나).
    expected = {
        "가": {"timeseries": set(A), "cycles": set(A), "cells": set(A), "production": {*A, "공유-1"}},
        "나": {"timeseries": set(B), "cycles": set(B), "cells": set(B), "production": {*B, "공유-1"}},
    }
    views = ["timeseries", "cycles", "cells", "production", "cells_timeseries"]

    def ask(k: int) -> tuple[str, str, set[str], int]:
        org = "가" if k % 2 == 0 else "나"
        view = views[(k // 2) % len(views)]
        frame = scoped(store, f"SELECT cell_id, count(*) AS n FROM {view} GROUP BY cell_id", owned[org], org)
        return org, view, set(frame["cell_id"]), int(frame["n"].sum())

    answers = [ask(k) for k in range(20)]  # alternating organisations, one thread
    with ThreadPoolExecutor(max_workers=4) as pool:  # and at once, as the API's threads ask
        answers += list(pool.map(ask, range(40)))
    for org, view, ids, rows in answers:
        assert ids == expected[org][view.replace("cells_", "")], (org, view)
        if view in ("timeseries", "cells_timeseries"):
            assert rows == 4 * ROWS
    assert VIEW_CACHE.hits >= 40
    # Two connections open at once each name only their own registered tables.
    first, second = connect_cells(store, {"timeseries"}, A), connect_cells(store, {"timeseries"}, B)
    try:
        assert {r[0] for r in first.sql("SELECT DISTINCT cell_id FROM timeseries").fetchall()} == set(A)
        assert {r[0] for r in second.sql("SELECT DISTINCT cell_id FROM timeseries").fetchall()} == set(B)
    finally:
        first.close()
        second.close()


def test_a_scoped_query_still_reads_no_file(store: Store, tmp_path: Path) -> None:
    outside = tmp_path / "outside.csv"
    outside.write_text("x\n1\n")
    for query in (f"SELECT * FROM read_csv('{outside}')", f"SELECT * FROM '{outside}'"):
        with pytest.raises(InputError, match=r"(?i)permission|disabled|external"):
            scoped(store, query, A, "가")


def test_a_column_of_other_kinds_in_two_organisations_reads_in_each_view(store: Store) -> None:
    # 가 keeps 두께 as numbers, 나 as text; the shared table has no such column.
    thick = [5.2049187326, 5.1, 0.1]
    dataset.append(store, pd.DataFrame({"cell_id": A[1:], "두께": thick}), "가2.csv", "hash-가2", "가")
    dataset.append(
        store, pd.DataFrame({"cell_id": B[1:], "두께": ["두꺼움", "얇음", None]}), "나2.csv", "h-나2", "나"
    )
    query = (
        "SELECT cell_id, typeof(두께) AS kind, 두께 FROM production WHERE 두께 IS NOT NULL ORDER BY cell_id"
    )
    mine = scoped(store, query, A, "가")
    assert mine["cell_id"].tolist() == A[1:] and set(mine["kind"]) == {"DOUBLE"}
    assert mine["두께"].tolist() == thick
    theirs = scoped(store, query, B, "나")
    assert theirs["cell_id"].tolist() == B[1:3] and set(theirs["kind"]) == {"VARCHAR"}
    assert theirs["두께"].tolist() == ["두꺼움", "얇음"]
    assert dataset.mixed_columns(store, sees("가")) == {} == dataset.mixed_columns(store, sees("나"))
    # every organisation at once (an admin, the CLI): text, the numbers written exactly
    everything = store.sql(query)
    assert set(everything["kind"]) == {"VARCHAR"} and len(everything) == 5
    texts = dict(zip(everything["cell_id"], everything["두께"], strict=True))
    assert [float(texts[c]) for c in A[1:]] == thick and texts[B[1]] == "두꺼움"
    assert dataset.mixed_columns(store) == {"두께": [pa.float64(), pa.string()]}
    assert len(dataset.read(store)) == 9  # one row per cell: A, B and 공유-1


@pytest.mark.parametrize(
    ("types", "merged"),
    [
        ([pa.float64(), pa.string()], None),
        ([pa.bool_(), pa.float64()], pa.float64()),
        ([pa.bool_(), pa.int64()], pa.int64()),
        ([pa.null(), pa.string(), pa.null()], pa.string()),
        ([pa.int64(), pa.float64()], pa.float64()),
        ([pa.timestamp("ns"), pa.timestamp("us", "UTC")], None),
        ([pa.null()], pa.null()),
    ],
)
def test_merged_type(types: list[pa.DataType], merged: pa.DataType | None) -> None:
    assert dataset.merged_type(types) == merged


def test_a_view_without_rows_or_unknown_is_named_in_one_line(store: Store, tmp_path: Path) -> None:
    empty = Store(tmp_path / "빈-저장소")
    with pytest.raises(InputError) as raised:
        empty.sql("SELECT count(*) FROM cycles")
    assert str(raised.value) == "query: view 'cycles' holds no rows here yet (the store holds no cells yet)."
    holding = store.views()
    assert "cells" in holding and "production" in holding and len(holding) < 6  # some tables hold no rows
    lacking = next(t for t in ("timeseries", "cycles", "curves", "steps") if t not in holding)
    with pytest.raises(InputError) as raised:
        store.sql(f"SELECT * FROM cells_{lacking}")
    assert str(raised.value) == (
        f"query: view 'cells_{lacking}' holds no rows here yet (views with rows: {', '.join(holding)})."
    )
    with pytest.raises(InputError) as raised:
        store.sql("SELECT * FROM 셀표")
    assert str(raised.value).startswith(
        "query: no view named '셀표'; expected one of cells, timeseries, cycles"
    )
    # scoped to one organisation's cells: nothing said about what the rest of the store holds
    with pytest.raises(InputError) as raised:
        scoped(store, "SELECT * FROM nosuch", A, "가")
    assert "views with rows" not in str(raised.value) and "no view named 'nosuch'" in str(raised.value)
