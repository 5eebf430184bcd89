"""Column types that differ between data files: ``uint64``, dictionaries, time units and zones.

Each cell is committed alone (its own Parquet file, written by pyarrow); the views (``Store.sql``, an
organisation's, ``Store.dask``) unite the files' types one way, checked against pandas on the given arrays.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from gwangyang.api import i18n
from gwangyang.errors import InputError
from gwangyang.store import Store
from tests.store.test_dask_columns import with_columns
from tests.store.test_layout import formation_cell, put

CELLS = ["셀-1", "셀-2", "셀-3", "셀-4"]


def commit_each(store: Store, column: str, arrays: list[pa.Array]) -> None:
    """One commit (one file) per array: cell ``셀-k`` has ``column`` = the k-th array (three cycles)."""
    for k, values in enumerate(arrays):
        put(store, [with_columns(formation_cell(CELLS[k], "로트", k, rows=9), "cycles", {column: values})])


def answers(store: Store, column: str) -> dict[str, pd.Series]:
    """The column, rows by cell and cycle, from the store's view, an organisation's and Dask."""
    query = f"SELECT cell_id, cycle_index, {column} FROM cycles ORDER BY cell_id, cycle_index"
    on_dask = store.dask("cycles", ["cell_id", "cycle_index", column]).compute()
    on_dask = on_dask.sort_values(["cell_id", "cycle_index"], ignore_index=True)
    cells = store.snapshot().ids.astype(str).tolist()
    return {
        "sql": store.sql(query)[column],
        "scoped": store.sql(query, cells=cells)[column],
        "dask": on_dask[column],
    }


def test_uint64_beside_int64_reads_int64_when_its_values_fit(store_dir: Path) -> None:
    store = Store(store_dir)
    commit_each(store, "카운트", [pa.array([1, 2, 3], pa.uint64()), pa.array([-4, 0, 5], pa.int64())])
    files = [store.location(c, "cycles").file for c in CELLS[:2]]
    assert [pq.read_schema(store.path_of(f)).field("카운트").type for f in files] == [pa.uint64(), pa.int64()]
    for how, got in answers(store, "카운트").items():
        assert str(got.dtype) == "int64", how  # before: the view's HUGEINT, float64 in pandas
        assert got.tolist() == [1, 2, 3, -4, 0, 5], how


def test_uint64_past_int64_beside_int64_is_refused_where_read(store_dir: Path) -> None:
    store = Store(store_dir)
    big = 2**63 + 5
    commit_each(store, "카운트", [pa.array([1, big, 3], pa.uint64()), pa.array([-4, 0, 5], pa.int64())])
    file = store.location("셀-1", "cycles").file
    with pytest.raises(InputError) as caught:
        store.sql("SELECT cell_id, 카운트 FROM cycles")
    line = str(caught.value)
    assert line.startswith(f"table cycles: column '카운트' is uint64 in {file} (values past {2**63 - 1}")
    assert "\n" not in line and "write the column as one type" in line
    assert i18n.phrase(line, "ko") == (  # the API's Korean
        f"표 cycles: 열 '카운트'이(가) {file}에서는 uint64({2**63 - 1}을(를) 넘는 값이 있거나 통계로 알 수 없음)이고 "
        f"{store.location('셀-2', 'cycles').file}에서는 부호 있는 정수입니다: 두 값을 모두 정확히 담는 정수 "
        "형식이 없습니다(DuckDB는 HUGEINT, pandas는 float64로 읽습니다). 이 열을 한 형식으로 쓰십시오."
    )
    assert len(store.sql("SELECT cell_id FROM cycles", cells=["셀-1", "셀-2"])) == 6
    with pytest.raises(
        InputError, match="column '카운트' is uint64 in 셀-1 "
    ):  # an organisation's: cells named
        store.sql("SELECT 카운트 FROM cycles", cells=["셀-1", "셀-2"])
    with pytest.raises(InputError, match="column '카운트' is uint64 in"):
        store.dask("cycles")
    assert store.sql("SELECT count(*) AS n FROM cycles")["n"].tolist() == [6]  # other columns still answer


def test_dictionary_text_beside_plain_text_is_text(store_dir: Path) -> None:
    store = Store(store_dir)
    coded = pa.array(["A", "B", "A"]).dictionary_encode()
    commit_each(store, "등급", [coded, pa.array(["C", None, "A"])])
    kinds = [
        pq.read_schema(store.path_of(store.location(c, "cycles").file)).field("등급").type for c in CELLS[:2]
    ]
    assert pa.types.is_dictionary(kinds[0]) and kinds[1] == pa.string()
    for how, got in answers(store, "등급").items():
        assert got.tolist()[:3] == ["A", "B", "A"] and got.tolist()[3] == "C" and pd.isna(got.tolist()[4]), (
            how
        )
    assert str(answers(store, "등급")["dask"].dtype) == "string"  # before: category in some partitions
    assert store.sql("SELECT 등급 FROM cycles").attrs["warnings"] == []  # text beside text: nothing to say


@pytest.mark.parametrize(("units", "dtype"), [(("s", "ms", "us", "ns"), "ns"), (("s", "ms"), "us")])
def test_time_units_read_as_duckdb_reads_them(store_dir: Path, units: tuple[str, ...], dtype: str) -> None:
    """DuckDB reads s, ms and us as TIMESTAMP (microseconds) and ns as TIMESTAMP_NS: the finest of those."""
    store = Store(store_dir)
    start = dt.datetime(2026, 12, 7, 9, 30, 15)
    arrays = []
    for k, unit in enumerate(units):
        times = [start + dt.timedelta(days=k, seconds=n) for n in range(3)]
        arrays.append(pa.array(times, pa.timestamp(unit)))
    commit_each(store, "시각", arrays)
    want = pd.Series(pd.to_datetime([t for a in arrays for t in a.to_pylist()])).astype(
        np.dtype(f"datetime64[{dtype}]")
    )
    for how, got in answers(store, "시각").items():
        assert str(got.dtype) == f"datetime64[{dtype}]", how  # before, Dask: datetime64[ms] for s and ms
        assert got.tolist() == want.tolist(), how


def test_times_with_and_without_a_zone_read_as_utc_and_say_so(store_dir: Path) -> None:
    store = Store(store_dir)
    seoul = pa.array([dt.datetime(2026, 12, 7, 0, 0, n) for n in range(3)], pa.timestamp("ms", "Asia/Seoul"))
    naive = pa.array([dt.datetime(2026, 12, 7, 9, 0, n) for n in range(3)], pa.timestamp("us"))
    commit_each(store, "시각", [seoul, naive])
    # the zoned values are instants (2026-12-07 00:00:0n UTC); the naive ones are read as UTC
    want = [pd.Timestamp(2026, 12, 7, 0, 0, n, tz="UTC") for n in range(3)]
    want += [pd.Timestamp(2026, 12, 7, 9, 0, n, tz="UTC") for n in range(3)]
    got = answers(store, "시각")
    for how, values in got.items():
        assert str(values.dtype) in ("datetime64[us, UTC]", "datetime64[us, Etc/UTC]"), how
        assert values.tolist() == want, how
    warned = store.sql("SELECT 시각 FROM cycles").attrs["warnings"]
    files = [store.location(c, "cycles").file for c in CELLS[:2]]
    assert warned == [
        f"table cycles: column '시각' has times without a zone in 1 file(s) ({files[1]}) and with one in 1 "
        f"({files[0]}): the view reads those without a zone as UTC."
    ]
    assert i18n.phrase(warned[0], "ko") == (
        f"표 cycles: 열 '시각'의 시각이 파일 1개({files[1]})에서는 시간대 없이, 파일 1개({files[0]})에서는 시간대와 "
        "함께 있습니다: 뷰는 시간대 없는 시각을 UTC로 읽습니다."
    )
    scoped = store.sql("SELECT 시각 FROM cycles", cells=["셀-1", "셀-2"]).attrs["warnings"]
    assert scoped == [warned[0].replace(files[1], "셀-2").replace(files[0], "셀-1")]
