"""A view's warning about a column is given only to a query that reads that column.

``등급`` is text in one cell's file and numbers in two others' (:func:`tests.store.test_view_mixed_types.build`).
Which columns a query reads comes from DuckDB's plan (``EXPLAIN (FORMAT JSON)``: the scans' projections and
filters); without a plan every warning of the views named is given, as before.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from gwangyang.cli.main import main
from gwangyang.store import Store, view_reads
from tests.store.test_dask_columns import with_columns
from tests.store.test_layout import formation_cell, put
from tests.store.test_view_mixed_types import build, expected_warning

READS = [  # (query, whether it reads 등급)
    ("SELECT cell_id, 등급 FROM cycles", True),
    ("SELECT * FROM cycles", True),
    ("SELECT count(*) AS n FROM cycles WHERE 등급 = '2'", True),  # a filter pushed into the scan
    ("SELECT max(length(등급)) AS m FROM cycles", True),
    ('SELECT c.cell_id FROM cycles c JOIN cells USING (cell_id) WHERE c."등급" IS NULL', True),
    ("SELECT cell_id, cycle_index FROM cycles", False),
    ("SELECT count(*) AS n FROM cycles", False),
    ("SELECT * EXCLUDE (등급) FROM cycles", False),
    ("SELECT lot, count(*) AS n FROM cycles JOIN cells USING (cell_id) GROUP BY lot", False),
    ("SELECT 채널 FROM cycles", False),
]


@pytest.mark.parametrize("scoped", [False, True])
def test_the_warning_goes_with_the_column_read(store_dir: Path, scoped: bool) -> None:
    store = Store(store_dir)
    build(store)
    cells = ["셀-가", "셀-나", "셀-다", "셀-라"] if scoped else None
    for query, reads in READS:
        warned = store.sql(query, cells=cells).attrs["warnings"]
        assert len(warned) == (1 if reads else 0), query
        if reads and not scoped:
            assert warned == [expected_warning(store)], query
        if reads and scoped:
            assert warned[0].startswith("table cycles: column '등급' is text in 1 file(s) (cells 셀-나: "), (
                query
            )


def test_without_a_plan_every_warning_is_given(store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(store_dir)
    build(store)
    monkeypatch.setattr(view_reads, "read_texts", lambda con, query: None)  # another DuckDB's plan, say
    for query, _reads in READS:
        assert store.sql(query).attrs["warnings"] == [expected_warning(store)], query


def test_a_plan_of_another_form_gives_every_warning(store_dir: Path) -> None:
    class Odd:
        def execute(self, query: str) -> Odd:
            return self

        def fetchall(self) -> list[tuple[str, str]]:
            return [("physical_plan", '[["not", "an", "operator"]]')]

    assert view_reads.read_texts(Odd(), "SELECT 1") is None
    notes = [("cycles", "등급", "line")]
    assert view_reads.notes_read(Odd(), "SELECT 1", notes) == ["line"]


def test_the_cli_says_it_only_for_the_column_read(
    store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build(Store(store_dir))
    code = main(["battery", "sql", "SELECT cell_id, cycle_index FROM cycles", "--store", str(store_dir)])
    _out, err = capsys.readouterr()
    assert code == 0 and "warning" not in err  # before: the 등급 warning, for a query that never reads it
    code = main(["battery", "sql", "SELECT 등급 FROM cycles", "--store", str(store_dir)])
    _out, err = capsys.readouterr()
    assert code == 0 and err.count("warning: table cycles: column '등급'") == 1


def _two_tables_with_x(store: Store) -> None:
    """``x`` in ``cycles``: int64 in 셀-가's file, text in 셀-나's (mixed); in ``timeseries``: double in both."""
    for cell, seed, x_cycles in (("셀-가", 1, pa.array([1, 2, 3])), ("셀-나", 2, pa.array(["A", "B", None]))):
        made = with_columns(formation_cell(cell, "로트", seed, rows=9), "cycles", {"x": x_cycles})
        made = with_columns(made, "timeseries", {"x": pa.array([0.5 * seed + k for k in range(9)])})
        put(store, [made])


def _pyarrow_sum(store: Store, table: str) -> float:
    """The sum of ``x`` over the table's live files, read with pyarrow alone (not DuckDB)."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    return sum(float(pc.sum(pq.read_table(f, columns=["x"]).column("x")).as_py()) for f in store.files(table))


@pytest.mark.parametrize("scoped", [False, True])
def test_a_same_named_column_of_another_table_gives_no_warning(store_dir: Path, scoped: bool) -> None:
    store = Store(store_dir)
    _two_tables_with_x(store)
    cells = ["셀-가", "셀-나"] if scoped else None
    x_mixed = "table cycles: column 'x' is text in 1 file(s) (cells 셀-나: "
    # by hand: 셀-가 0.5..8.5, 셀-나 1.0..9.0 -> 9 * 4.5 + 9 * 5.0 = 85.5
    assert _pyarrow_sum(store, "timeseries") == pytest.approx(85.5)
    only_other = {  # before: each got the cycles warning, the plan naming an `x` of some scan
        "SELECT sum(x) AS s FROM timeseries": 85.5,
        "SELECT sum(t.x) AS s FROM timeseries t JOIN cycles c USING (cell_id, cycle_index)": 85.5,
        "SELECT sum(x) AS s FROM timeseries WHERE x > 4": 85.5 - (0.5 + 1.5 + 2.5 + 3.5) - (1 + 2 + 3 + 4),
        "SELECT sum(x) AS s FROM cells_timeseries WHERE cell_id IN (SELECT cell_id FROM cycles)": 85.5,
    }
    for query, total in only_other.items():
        frame = store.sql(query, cells=cells)
        assert frame.attrs["warnings"] == [], query
        assert frame["s"].iloc[0] == pytest.approx(total), query
    reads_mixed = [
        "SELECT x FROM cycles",
        "SELECT x FROM cells_cycles",
        "SELECT t.x AS tx, c.x AS cx FROM timeseries t JOIN cycles c USING (cell_id, cycle_index)",
        "SELECT count(*) AS n FROM timeseries t JOIN cycles c USING (cell_id, cycle_index) WHERE c.x = 'A'",
    ]
    for query in reads_mixed:
        frame = store.sql(query, cells=cells)
        assert len(frame.attrs["warnings"]) == 1 and frame.attrs["warnings"][0].startswith(x_mixed), query
    texts = sorted(v for v in store.sql("SELECT x FROM cycles", cells=cells)["x"] if v is not None)
    assert texts == ["1", "2", "3", "A", "B"]  # the int64 file's 1, 2, 3 as DuckDB writes them
    # the view is put back after each check: later queries read the column, not the check's nulls
    assert store.sql("SELECT count(x) AS n FROM cycles", cells=cells)["n"].iloc[0] == 5


@pytest.mark.parametrize("scoped", [False, True])
def test_a_cells_column_of_the_same_name_gives_no_warning(store_dir: Path, scoped: bool) -> None:
    store = Store(store_dir)
    for cell, seed, vendor in (("셀-가", 1, pa.array([1, 2, 3])), ("셀-나", 2, pa.array(["갑", "을", "병"]))):
        put(store, [with_columns(formation_cell(cell, "로트", seed, rows=9), "cycles", {"vendor": vendor})])
    cells = ["셀-가", "셀-나"] if scoped else None
    query = "SELECT c.vendor, count(*) AS n FROM cells c JOIN cycles y USING (cell_id) GROUP BY 1"
    frame = store.sql(query, cells=cells)
    assert frame.attrs["warnings"] == []  # cells' vendor (the catalog's), not cycles' mixed one
    assert frame.to_dict("list") == {"vendor": ["synthetic"], "n": [6]}  # formation_cell's, 3 cycles each
    frame = store.sql("SELECT y.vendor FROM cells c JOIN cycles y USING (cell_id)", cells=cells)
    assert (
        len(frame.attrs["warnings"]) == 1
        and "column 'vendor' is text in 1 file(s)" in frame.attrs["warnings"][0]
    )
    assert sorted(frame["vendor"]) == ["1", "2", "3", "갑", "병", "을"]
