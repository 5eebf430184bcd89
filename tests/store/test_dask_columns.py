"""``Store.dask`` over files with different columns: the SQL view's columns and rows (union by name), on a real
``dask scheduler`` with two ``dask worker`` processes, before, after and between compactions."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from gwangyang.errors import InputError
from gwangyang.store import Store, dask_tables, datafiles
from gwangyang.store.fleet import fleet_features, fleet_features_serial
from gwangyang.store.table_union import MixedColumnWarning
from tests.store.test_layout import formation_cell, put
from tests.test_dask_cluster import cluster  # noqa: F401  (the fixture: scheduler + two workers)

pytest.importorskip("distributed")


def with_columns(
    cell: tuple[str, dict, dict], table: str, extra: dict[str, pa.Array]
) -> tuple[str, dict, dict]:
    """A formation cell whose ``table`` has extra columns (one value per row)."""
    cell_id, meta, tables = cell
    data = tables[table]
    for name, values in extra.items():
        data = data.append_column(name, values)
    return cell_id, meta, {**tables, table: data}


def build(store: Store) -> dict[str, dict[str, pa.Table]]:
    """Cells committed at different times with different extra columns; the live cells' tables as given."""
    first = [formation_cell(f"셀-{k:02d}", f"로트{k % 2}", k, rows=9) for k in range(4)]
    put(store, first)  # the first files: no extra column
    second = [
        with_columns(
            formation_cell(f"셀-{k:02d}", f"로트{k % 2}", k, rows=9),
            "cycles",
            {
                "온도_c": pa.array([20.0 + k, 21.0 + k, 22.5 + k]),
                "채널": pa.array([k, k, k], pa.int32()),
                "재측정": pa.array([False, True, False]),
            },
        )
        for k in range(4, 7)
    ]
    put(store, second)
    third = [  # 온도_c as whole numbers here (float elsewhere: the view reads float), 채널 as int64
        with_columns(
            formation_cell(f"셀-{k:02d}", "로트 특별", k, rows=6),
            "cycles",
            {
                "온도_c": pa.array([30, 31, 32]),
                "채널": pa.array([100 + k] * 3, pa.int64()),
                "비고": pa.array(["정상", None, "재시험"]),
            },
        )
        for k in range(7, 9)
    ]
    third[0] = with_columns(third[0], "timeseries", {"압력_kpa": pa.array([101.0 + i for i in range(6)])})
    put(store, third)
    replaced = with_columns(
        formation_cell("셀-01", "로트1", 99, rows=6), "cycles", {"비고": pa.array(["교체"] * 3)}
    )
    put(store, [replaced])  # dead rows in a file still live
    live = {c: t for c, _m, t in first + second + third}
    live["셀-01"] = replaced[2]
    return live


def expected(live: dict[str, dict[str, pa.Table]], table: str, columns: list[str]) -> pd.DataFrame:
    """The live cells' rows by pandas from the tables the store was given (missing columns as nulls)."""
    frames = [t[table].to_pandas() for t in live.values() if table in t]
    every = pd.concat(frames, ignore_index=True).reindex(columns=columns)
    return ordered(every)


def ordered(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted by cell and time or cycle, values as plain objects (pandas' dtypes compared apart)."""
    keys = [c for c in ("cell_id", "test_time_s", "cycle_index") if c in frame.columns]
    out = frame.sort_values(keys, ignore_index=True)
    return out.astype(object).where(out.notna(), None)


def view(store: Store, table: str) -> pd.DataFrame:
    return store.sql(f"SELECT * FROM {table}")


def same_as_view(on_dask: pd.DataFrame, sql: pd.DataFrame) -> None:
    """Same columns in the same order, same rows, same dtypes but for text (Dask's ``string[pyarrow]``)."""
    assert list(on_dask.columns) == list(sql.columns)
    pd.testing.assert_frame_equal(ordered(on_dask), ordered(sql))
    for column in sql.columns:
        if sql[column].dtype != object:
            assert on_dask[column].dtype == sql[column].dtype, column
        else:
            assert str(on_dask[column].dtype) == "string", column


def check_stages(store: Store, scheduler: str | None) -> None:
    """Dask against the SQL view and the cells' own tables: appended files, compacted, both kinds at once.

    ``scheduler``: a cluster's address (else Dask's local threads).
    """
    import dask

    live = build(store)
    columns = ["cell_id", "cycle_index", "discharge_capacity_ah", "온도_c", "채널", "재측정", "비고"]
    for stage in ("appended", "compacted", "mixed"):
        if stage == "compacted":
            store.compact(retain_s=0)
            assert all("/bucket=" in f for f in store.files("cycles"))
        if stage == "mixed":
            late = with_columns(
                formation_cell("셀-50", "로트0", 50, rows=3), "cycles", {"늦은_열": pa.array([1.5, 2.5, 3.5])}
            )
            put(store, [late])
            live["셀-50"] = late[2]
            columns.append("늦은_열")
            assert any("/new/" in f for f in store.files("cycles"))
        sql = view(store, "cycles")
        assert sorted(sql.columns) == sorted(columns), (
            stage
        )  # in order of first appearance over the file paths
        # one round trip a stage: every row, the time series, a column picked by name (pushed into the reads)
        cycles = store.dask("cycles")
        on_dask, series, picked = dask.compute(cycles, store.dask("timeseries"), cycles[["cell_id", "비고"]])
        same_as_view(on_dask, sql)
        # the rows the cells were given, by pandas: 9 live cells of 3 cycles (10 once 셀-50 is in)
        assert len(on_dask) == 3 * (9 + (stage == "mixed"))
        want = expected(live, "cycles", list(sql.columns))
        pd.testing.assert_frame_equal(ordered(on_dask), want, check_dtype=False)
        assert str(on_dask["채널"].dtype) == "Int64" and str(on_dask["재측정"].dtype) == "boolean"
        by_cell = on_dask.groupby("cell_id")["온도_c"].max()
        assert by_cell["셀-08"] == 32.0 and by_cell["셀-06"] == 28.5 and pd.isna(by_cell["셀-00"])
        same_as_view(series, view(store, "timeseries"))
        pressure = series[series["압력_kpa"].notna()]
        assert len(pressure) == 6 and pressure["cell_id"].eq("셀-07").all()
        notes = picked.dropna(subset=["비고"])
        assert sorted(notes["비고"]) == sorted(["교체"] * 3 + ["정상", "재시험"] * 2)
    features = fleet_features(store, scheduler=scheduler)
    pd.testing.assert_frame_equal(features, fleet_features_serial(store), check_dtype=False, rtol=1e-12)


def test_dask_has_every_files_columns_as_the_sql_view(store_dir: Path) -> None:
    check_stages(Store(store_dir), None)


@pytest.mark.slow
def test_the_same_on_a_dask_cluster(store_dir: Path, cluster: str) -> None:  # noqa: F811
    from distributed import Client

    with Client(cluster):
        check_stages(Store(store_dir), cluster)


def test_each_partition_has_the_meta_dtypes(store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(datafiles, "COMPACT_ROW_GROUP_ROWS", 4)  # files of several row groups
    monkeypatch.setattr(dask_tables, "PART_ROWS", 5)  # one row group a partition
    store = Store(store_dir)
    build(store)
    frame = store.dask("cycles")
    assert frame.npartitions > len(store.files("cycles"))
    for k in range(frame.npartitions):
        part = frame.partitions[k].compute()
        assert part.dtypes.to_dict() == frame.dtypes.to_dict(), k
    same_as_view(frame.compute(), view(store, "cycles"))
    store.compact(retain_s=0)
    same_as_view(store.dask("cycles").compute(), view(store, "cycles"))


def test_text_beside_numbers_is_text_with_a_warning(store_dir: Path) -> None:
    store = Store(store_dir)
    put(store, [formation_cell("셀-1", "로트", 1, rows=6)])
    text = pa.table(
        {"cell_id": ["다른 형"] * 2, "cycle_index": ["1", "2"], "discharge_capacity_ah": ["1.0", "x"]}
    )
    put(store, [("다른 형", {"cell_id": "다른 형", "lot": "로트", "sources": []}, {"cycles": text})])
    sql = view(store, "cycles")
    with pytest.warns(MixedColumnWarning) as caught:
        frame = store.dask("cycles")
    lines = [str(w.message) for w in caught]
    assert len(lines) == 2 and "'cycle_index' is int64 in tables/cycles/" in lines[0]
    assert "string in tables/cycles/" in lines[0] and "read as text" in lines[0]
    same_as_view(frame.compute(), sql)
    # as DuckDB writes numbers: whole floats keep their '.0'
    values = frame.compute().set_index(["cell_id", "cycle_index"])["discharge_capacity_ah"]
    first = float(store.cycles("셀-1")["discharge_capacity_ah"].iloc[0])  # the cell's own table, read alone
    assert values[("다른 형", "2")] == "x" and values[("셀-1", "1")] == repr(first)
    assert values[("다른 형", "1")] == "1.0"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        store.dask("timeseries")  # no clash there: no warning


def test_a_column_no_cell_has_is_refused(store_dir: Path) -> None:
    store = Store(store_dir)
    build(store)
    with pytest.raises(
        InputError, match=r"^table cycles: no column '없는_열' in any cell \(columns: cell_id, "
    ):
        store.dask("cycles", ["cell_id", "없는_열"])
    picked = store.dask("cycles", ["비고", "cell_id"]).compute()
    assert list(picked.columns) == ["비고", "cell_id"] and len(picked) == 27


def test_nulls_inside_a_file_and_booleans_beside_numbers(store_dir: Path) -> None:
    store = Store(store_dir)
    a = with_columns(
        formation_cell("셀-가", "로트", 1, rows=6),
        "cycles",
        {"번호": pa.array([1, None, 3]), "완전": pa.array([True, False, True]), "개수": pa.array([4, 5, 6])},
    )
    b = with_columns(
        formation_cell("셀-나", "로트", 2, rows=6),
        "cycles",
        {"번호": pa.array([7, 8, 9]), "완전": pa.array([2, 0, 1]), "개수": pa.array([1, 2, 3])},
    )
    put(store, [a])
    put(store, [b])
    sql = view(store, "cycles")
    on_dask = store.dask("cycles").compute()
    same_as_view(on_dask, sql)
    # 번호: in every file, a null in one (its statistics say so): Int64; 개수: no null anywhere: int64;
    # 완전: a boolean beside integers reads as integers (True as 1), as DuckDB reads it
    assert str(on_dask["번호"].dtype) == "Int64" and str(on_dask["개수"].dtype) == "int64"
    got = ordered(on_dask).set_index(["cell_id", "cycle_index"])
    assert got["완전"].tolist() == [1, 0, 1, 2, 0, 1] and got.loc[("셀-가", 2), "번호"] is None


def test_the_same_through_an_object_store(store_dir: Path) -> None:
    import fsspec

    store = Store(store_dir)
    build(store)
    memory = fsspec.filesystem("memory")  # fsspec's in-memory file system stands in for S3
    for path in Path(store.root).rglob("*.parquet"):
        memory.pipe(f"/mixed/{path.relative_to(store.root).as_posix()}", path.read_bytes())
    remote = Store("memory://mixed")
    assert not remote.local
    for table in ("cycles", "timeseries"):
        on_dask = remote.dask(table).compute()
        same_as_view(on_dask, view(store, table))
        pd.testing.assert_frame_equal(ordered(on_dask), ordered(store.dask(table).compute()))
