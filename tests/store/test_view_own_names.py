"""The tables behind the views (``_rows_<table>``, ``_dead_<table>``) are no user's to query.

An organisation's table view reads its cells' rows from an Arrow table registered as
``_rows_<table>_<random>``: a query naming it directly would read a column that is text in some cells and
numbers in others without the view's warning (and a refused column as nulls). Such names are refused in one
line; the name's random part is new for each connection, so no query can reach the rows by a name put
together in a string either. The rows behind are the organisation's cells' only (checked with pyarrow).
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from gwangyang.api.i18n import phrase
from gwangyang.errors import InputError
from gwangyang.store import Store
from gwangyang.store.scoped_views import connect_cells
from tests.store.test_dask_columns import with_columns
from tests.store.test_layout import formation_cell, put

OURS = ["셀-가", "셀-나"]
"""The organisation's cells: ``x`` int64 in 셀-가's file, text in 셀-나's; 셀-다 (another's) holds ``x`` too."""


def _build(store: Store) -> None:
    for cell, seed, x in (
        ("셀-가", 1, pa.array([1, 2, 3])),
        ("셀-나", 2, pa.array(["A", "B", None])),
        ("셀-다", 3, pa.array([70, 80, 90])),
    ):
        put(store, [with_columns(formation_cell(cell, "로트", seed, rows=9), "cycles", {"x": x})])


NAMED = [  # (query, the name said, the view named instead)
    ("SELECT x FROM _rows_cycles", "_rows_cycles", "the view cycles"),
    ("SELECT r.x FROM cycles c JOIN _rows_cycles r USING (cell_id)", "_rows_cycles", "the view cycles"),
    ('SELECT "x" FROM "_ROWS_cycles"', "_ROWS_cycles", "the view cycles"),
    ("SELECT x FROM temp.main._rows_cycles WHERE 'cycles' <> ''", "_rows_cycles", "the view cycles"),
    (
        "WITH r AS (SELECT * FROM _rows_timeseries) SELECT count(*) FROM r",
        "_rows_timeseries",
        "the view timeseries",
    ),
    ("SELECT * FROM _dead_cycles", "_dead_cycles", "the view cycles"),
    ("SELECT * FROM _rows_other", "_rows_other", "one of the views (cells, timeseries, cycles"),
]


@pytest.mark.parametrize("scoped", [False, True])
def test_a_table_behind_the_views_is_refused_by_name(store_dir: Path, scoped: bool) -> None:
    store = Store(store_dir)
    _build(store)
    cells = OURS if scoped else None
    for query, said, instead in NAMED:
        with pytest.raises(InputError) as caught:
            store.sql(query, cells=cells)
        line = str(caught.value)
        assert "\n" not in line
        assert line.startswith(
            f"query: {said} is a table behind the store's views, not one to query: name {instead}"
        )
        if scoped:  # the query page's Korean: the whole line, names and views as written
            assert phrase(line, "ko") == (
                f"query: {said}은(는) 저장소 뷰 뒤에 있는 테이블이라 조회할 수 없습니다. "
                + (
                    f"뷰 {instead.removeprefix('the view ')}을(를) 지정하세요."
                    if instead.startswith("the view ")
                    else f"뷰 중 하나({line.split('(', 1)[1].removesuffix(').')})를 지정하세요."
                )
            )
    # a string or a comment naming it is no table name: the view's warning as ever
    frame = store.sql("SELECT x, '_rows_cycles' AS s FROM cycles -- not _rows_cycles", cells=cells)
    assert len(frame.attrs["warnings"]) == 1
    assert frame.attrs["warnings"][0].startswith("table cycles: column 'x' is text in 1 file(s)")


def test_an_organisations_rows_are_reached_by_no_name_put_together(store_dir: Path) -> None:
    store = Store(store_dir)
    _build(store)
    listed = store.sql(
        "SELECT view_name FROM duckdb_views() WHERE starts_with(view_name, '_rows') AND 'cycles' <> ''",
        cells=OURS,
    )["view_name"].tolist()
    assert (
        len(listed) == 1
        and listed[0].startswith("_rows_cycles_")
        and len(listed[0]) == len("_rows_cycles_") + 16
    )
    for query in (
        "SELECT * FROM query_table('_rows_' || 'cycles') WHERE 'cycles' <> ''",
        "SELECT * FROM query('SELECT * FROM _rows_cy' || 'cles') WHERE 'cycles' <> ''",
        f"SELECT * FROM query_table('{listed[0]}') WHERE 'cycles' <> ''",  # the last query's name: gone
    ):
        with pytest.raises(InputError, match=r"^query: no view named '_rows_cycles"):
            store.sql(query, cells=OURS)


def test_the_rows_behind_an_organisations_view_are_its_cells_only(store_dir: Path) -> None:
    store = Store(store_dir)
    _build(store)
    files = pa.concat_tables(
        [pq.read_table(f, columns=["cell_id", "cycle_index"]) for f in store.files("cycles")],
        promote_options="default",
    )
    ours = files.filter(pc.is_in(files.column("cell_id"), pa.array(OURS)))
    assert files.num_rows == 9 and ours.num_rows == 6  # three cycles a cell (formation_cell), by construction
    con = connect_cells(store, {"cycles"}, OURS)
    try:
        (behind,) = [
            n
            for (n,) in con.execute(
                "SELECT view_name FROM duckdb_views() WHERE starts_with(view_name, '_rows_')"
            ).fetchall()
        ]
        rows = con.execute(f"SELECT cell_id, count(*) FROM {behind} GROUP BY ALL ORDER BY ALL").fetchall()
    finally:
        con.close()
    counted = pc.value_counts(ours.column("cell_id")).to_pylist()
    assert rows == sorted((c["values"], c["counts"]) for c in counted) == [("셀-가", 3), ("셀-나", 3)]
