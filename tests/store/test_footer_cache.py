"""Parquet footers kept per process: a table view made again reads only the footers of files it has not seen.

Counted with :attr:`.footer_cache.FooterCache.reads`; the footers and views checked against pyarrow's own
reading of the files (``pq.read_metadata``, ``pq.read_table``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from gwangyang.store import Store
from gwangyang.store.footer_cache import FOOTERS, FooterCache, arrow_schema, fields_of, kinds_text, no_nulls
from gwangyang.store.views import close_connections
from tests.store.test_dask_columns import with_columns
from tests.store.test_layout import formation_cell, put

QUERY = "SELECT count(*) AS n, count(DISTINCT cell_id) AS cells, sum(등급) AS s FROM cycles"


def _pyarrow_answer(store: Store) -> tuple[int, int, float]:
    """The query's answer from the live files, read with pyarrow alone."""
    data = pa.concat_tables(
        [pq.read_table(f, columns=["cell_id", "등급"]) for f in store.files("cycles")],
        promote_options="default",
    )
    return (
        data.num_rows,
        len(set(data.column("cell_id").to_pylist())),
        float(sum(data.column("등급").to_pylist())),
    )


def test_a_view_made_again_reads_only_new_files_footers(store_dir: Path) -> None:
    store = Store(store_dir)
    for k, cell in enumerate(["셀-가", "셀-나", "셀-다"]):  # one commit each: three files
        put(
            store,
            [
                with_columns(
                    formation_cell(cell, f"로트{k}", k, rows=9), "cycles", {"등급": pa.array([k] * 3)}
                )
            ],
        )
    FOOTERS.clear()
    close_connections()
    before = FOOTERS.reads
    frame = store.sql(QUERY)
    assert FOOTERS.reads - before == 3 == len(store.files("cycles"))
    assert tuple(frame.iloc[0]) == _pyarrow_answer(store) == (9, 3, 0 + 3 + 6)
    close_connections()  # the views made again: every footer kept
    assert tuple(store.sql(QUERY).iloc[0]) == (9, 3, 9.0)
    assert FOOTERS.reads - before == 3
    put(
        store,
        [with_columns(formation_cell("셀-라", "로트3", 3, rows=9), "cycles", {"등급": pa.array([10] * 3)})],
    )
    frame = store.sql(QUERY)  # a new snapshot: the views made again, one new file
    assert FOOTERS.reads - before == 4
    assert tuple(frame.iloc[0]) == _pyarrow_answer(store) == (12, 4, 39.0)
    for file in store.files("cycles"):
        (kept,) = FOOTERS.read(None, [str(file)], True)
        assert kept.equals(pq.read_metadata(file))
        assert arrow_schema(kept).equals(pq.read_schema(file))
    assert FOOTERS.reads - before == 4


def test_a_file_written_anew_at_the_same_path_is_read_again(tmp_path: Path) -> None:
    cache = FooterCache()
    path = tmp_path / "파일.parquet"
    pq.write_table(pa.table({"전압": [3.5, None]}), path)
    (first,) = cache.read(None, [str(path)], True)
    assert fields_of(first) == (("전압", pa.float64()),) and cache.reads == 1
    assert cache.read(None, [str(path)], True)[0] is first and cache.reads == 1
    pq.write_table(pa.table({"전류": [1, 2, 3], "전압": ["a", "b", "c"]}), path)  # another size
    os.utime(path, ns=(1, 1))  # and another modification time, whatever the clock's grain
    (second,) = cache.read(None, [str(path)], True)
    assert cache.reads == 2 and second.equals(pq.read_metadata(path))
    assert [n for n, _t in fields_of(second)] == ["전류", "전압"]
    assert no_nulls(second) == frozenset({"전류", "전압"})  # pyarrow writes null counts: none
    assert no_nulls(first) == frozenset()  # 전압 held a null
    with pytest.raises(FileNotFoundError):
        cache.read(None, [str(tmp_path / "없는.parquet")], True)


def test_least_recently_used_footers_go_past_the_limit(tmp_path: Path) -> None:
    paths = []
    for k in range(3):
        paths.append(str(tmp_path / f"{k}.parquet"))
        pq.write_table(pa.table({f"c{k}": [k]}), paths[-1])
    size = pq.read_metadata(paths[0]).serialized_size
    cache = FooterCache(limit=2 * size + size // 2)  # two footers of this size, not three
    footers = [cache.read(None, [p], True)[0] for p in paths]  # one at a time: the order they are kept in
    assert cache.reads == 3
    assert [kinds_text(f) for f in footers] == [str(pq.read_schema(p).remove_metadata()) for p in paths]
    cache.read(None, paths[1:], True)  # kept: the last two
    assert cache.reads == 3
    cache.read(None, paths[:1], True)  # the first went out: read again, and the second goes
    assert cache.reads == 4
    cache.read(None, paths[2:], True)
    assert cache.reads == 4
    cache.read(None, paths[1:2], True)
    assert cache.reads == 5
