"""SQL views over cells whose extra columns disagree in type: the column read as text is said, never silent.

DuckDB's ``read_parquet(..., union_by_name=true)`` makes a column text when one cell's file holds it as text and
another's as numbers. The query's answer names the table, the column, the files of each kind and example cells
(``attrs['warnings']``, the CLI's stderr and ``--json``); the rows stay as DuckDB reads them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest

from gwangyang.cli.main import main
from gwangyang.store import Store
from tests.store.test_dask_columns import with_columns
from tests.store.test_layout import formation_cell, put

QUERY = "SELECT cell_id, cycle_index, 등급, 채널 FROM cycles ORDER BY cell_id, cycle_index"


def build(store: Store) -> None:
    """Four commits (four files): 등급 as int64, text, double and missing; 채널 int32 beside int64 (no warning)."""
    put(
        store,
        [
            with_columns(
                formation_cell("셀-가", "로트", 1, rows=9),
                "cycles",
                {"등급": pa.array([1, 2, 3]), "채널": pa.array([7, 7, 7], pa.int32())},
            )
        ],
    )
    put(
        store,
        [
            with_columns(
                formation_cell("셀-나", "로트", 2, rows=9),
                "cycles",
                {"등급": pa.array(["A등급", None, "C"]), "채널": pa.array([8, 8, 8], pa.int64())},
            )
        ],
    )
    put(
        store,
        [
            with_columns(
                formation_cell("셀-다", "로트", 3, rows=9), "cycles", {"등급": pa.array([1.5, 2.0, 3.0])}
            )
        ],
    )
    put(store, [formation_cell("셀-라", "로트", 4, rows=9)])


def file_of(store: Store, cell: str) -> str:
    where = store.location(cell, "cycles")
    assert where is not None
    return where.file


def expected_warning(store: Store) -> str:
    """The warning written out by hand from the cells put and the catalog's file of each."""
    return (
        f"table cycles: column '등급' is text in 1 file(s) (cells 셀-나: {file_of(store, '셀-나')}) and int64/double "
        f"in 2 file(s) (cells 셀-가: {file_of(store, '셀-가')}): the view reads it as text (numbers as DuckDB writes "
        "them: 7, 1.0, true)."
    )


EXPECTED_ROWS = [  # by hand: 등급 as DuckDB writes numbers as text (1, 1.5, 2.0), 채널 int64 (int32 widened)
    ["셀-가", 1, "1", 7],
    ["셀-가", 2, "2", 7],
    ["셀-가", 3, "3", 7],
    ["셀-나", 1, "A등급", 8],
    ["셀-나", 2, None, 8],
    ["셀-나", 3, "C", 8],
    ["셀-다", 1, "1.5", None],
    ["셀-다", 2, "2.0", None],
    ["셀-다", 3, "3.0", None],
    ["셀-라", 1, None, None],
    ["셀-라", 2, None, None],
    ["셀-라", 3, None, None],
]


def plain(frame: object) -> list[list[object]]:
    import pandas as pd

    assert isinstance(frame, pd.DataFrame)
    rows = frame.astype(object).where(frame.notna(), None).values.tolist()
    return [
        [int(v) if isinstance(v, int | float) and not isinstance(v, bool) else v for v in r] for r in rows
    ]


def test_the_view_says_which_column_it_reads_as_text(store_dir: Path) -> None:
    store = Store(store_dir)
    build(store)
    assert len(store.files("cycles")) == 4
    frame = store.sql(QUERY)
    assert frame.attrs["warnings"] == [expected_warning(store)]
    assert plain(frame) == EXPECTED_ROWS
    # the same rows, warnings and values in an organisation's views (in memory, no file read)
    cells = ["셀-가", "셀-나", "셀-다", "셀-라"]
    scoped = store.sql(QUERY, cells=cells)
    assert scoped.attrs["warnings"] == [expected_warning(store)]
    assert plain(scoped) == EXPECTED_ROWS
    again = store.sql(QUERY)  # the view is kept: its warning too
    assert again.attrs["warnings"] == [expected_warning(store)]
    # views the query does not name say nothing; nor do cells that agree
    assert store.sql("SELECT count(*) AS n FROM cells").attrs["warnings"] == []
    assert store.sql("SELECT count(*) AS n FROM timeseries").attrs["warnings"] == []
    agree = store.sql("SELECT 등급 FROM cycles", cells=["셀-가", "셀-다"])
    assert agree.attrs["warnings"] == [] and sorted(agree["등급"].tolist()) == [1.0, 1.5, 2.0, 2.0, 3.0, 3.0]


def text_cell(cell: str, seed: int, values: pa.Array) -> tuple[str, dict, dict]:
    return with_columns(formation_cell(cell, "로트", seed, rows=9), "cycles", {"비고": values})


def test_replaced_cells_rows_are_left_out_and_a_file_of_dead_rows_only_types_nothing(store_dir: Path) -> None:
    store = Store(store_dir)
    put(store, [text_cell("셀-A", 1, pa.array(["정상"] * 3)), text_cell("셀-C", 2, pa.array(["재시험"] * 3))])
    old = file_of(store, "셀-C")
    put(store, [text_cell("셀-B", 3, pa.array([5, 6, 7]))])
    put(
        store, [text_cell("셀-A", 4, pa.array([1, 2, 3]))]
    )  # 셀-A's text rows now dead in a file 셀-C keeps live
    query = "SELECT cell_id, 비고 FROM cycles ORDER BY cell_id, 비고"
    frame = store.sql(query)
    assert (
        frame.values.tolist()
        == [["셀-A", "1"], ["셀-A", "2"], ["셀-A", "3"], ["셀-B", "5"], ["셀-B", "6"], ["셀-B", "7"]]
        + [["셀-C", "재시험"]] * 3
    )
    assert frame.attrs["warnings"] == [
        f"table cycles: column '비고' is text in 1 file(s) (cells 셀-C: {old}) and int64 in 2 file(s) "
        f"(cells 셀-B: {file_of(store, '셀-B')}): the view reads it as text (numbers as DuckDB writes them: 7, 1.0, "
        "true)."
    ]
    put(
        store, [text_cell("셀-C", 5, pa.array([8, 9, 10]))]
    )  # the old file holds dead rows only: no longer read
    frame = store.sql(query)
    assert frame.attrs["warnings"] == []
    assert frame["비고"].tolist() == [1, 2, 3, 5, 6, 7, 8, 9, 10]  # numbers again, as the files now hold them


def test_cli_prints_the_warning_and_exits_0(store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = Store(store_dir)
    build(store)
    code = main(["battery", "sql", QUERY, "--store", str(store_dir), "--json"])
    out, err = capsys.readouterr()
    assert code == 0
    document = json.loads(out)
    assert document["warnings"] == [expected_warning(store)]
    assert [r["등급"] for r in document["rows"]] == [r[2] for r in EXPECTED_ROWS]
    assert " ".join(err.split()) == " ".join(f"warning: {expected_warning(store)}".split())
    code = main(["battery", "sql", "SELECT cell_id FROM cells", "--store", str(store_dir)])
    _out, err = capsys.readouterr()
    assert code == 0 and "warning" not in err


def test_types_that_combine_neither_way_are_refused_in_one_line(store_dir: Path) -> None:
    import datetime as dt

    from gwangyang.errors import InputError

    store = Store(store_dir)
    stamp = pa.array([dt.datetime(2024, 1, 1)] * 3)
    put(store, [with_columns(formation_cell("셀-A", "로트", 1, rows=9), "cycles", {"시각": stamp})])
    put(
        store,
        [with_columns(formation_cell("셀-B", "로트", 2, rows=9), "cycles", {"시각": pa.array([5, 6, 7])})],
    )
    files = {c: store.location(c, "cycles").file for c in ("셀-A", "셀-B")}
    with pytest.raises(
        InputError
    ) as caught:  # before: DuckDB's own error (failed to cast ... BIGINT to TIMESTAMP)
        store.sql("SELECT cell_id, 시각 FROM cycles")
    assert str(caught.value) == (
        f"table cycles: column '시각' has types that do not combine: {files['셀-A']} (timestamp[us]), "
        f"{files['셀-B']} (int64)."
    )
    from gwangyang.api import i18n

    assert i18n.phrase(str(caught.value), "ko") == (
        f"표 cycles: 열 '시각'의 형식들이 합쳐지지 않습니다: {files['셀-A']} (timestamp[us]), {files['셀-B']} (int64)."
    )
    with pytest.raises(InputError, match="column '시각' has types that do not combine"):
        store.sql("SELECT count(*) FROM cycles WHERE 시각 IS NULL")  # read in a filter only
    # an organisation's views: one line naming the cells (before: pyarrow's ArrowTypeError)
    with pytest.raises(InputError) as caught:
        store.sql("SELECT cell_id, 시각 FROM cycles", cells=["셀-A", "셀-B"])
    assert str(caught.value) == (
        "table cycles: column '시각' has types that do not combine: 셀-A (timestamp[us]), 셀-B (int64)."
    )
    # a query that does not read the column is answered (3 cycles a cell), on every view
    for scope in (None, ["셀-A", "셀-B"]):
        counted = store.sql("SELECT cell_id, count(*) AS n FROM cycles GROUP BY ALL ORDER BY 1", cells=scope)
        assert counted.to_dict("list") == {"cell_id": ["셀-A", "셀-B"], "n": [3, 3]}
    with pytest.raises(InputError, match="column '시각' has types that do not combine"):
        store.dask("cycles")
    assert sorted(store.dask("cycles", ["cell_id"]).compute()["cell_id"]) == ["셀-A"] * 3 + ["셀-B"] * 3
