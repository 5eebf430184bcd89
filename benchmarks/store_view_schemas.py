"""Time a table view over many cell schemas: its SQL's length, the view made, a query; DuckDB alone beside it.

For each count N of schemas (``--schemas 10 100 1000``) a store gets N cells in one commit, each in its own
lot (one ``cycles`` file each, 3 cycles a cell) and each with its own set of extra columns: ``bits`` (the
default) the columns ``e0``, ``e1``, ... of the bits of its number (log2 N extra columns over all), ``own``
one column ``c<k>`` of its own (N extra columns, the worst case). Printed per N: the view's SQL length
(``duckdb_views().sql``), the first query (the view made: footers read, the SQL written and bound), the
second (the view kept) and one after the views' connection is closed (the view made again, footers kept),
best of ``--repeat`` fresh stores' connections; and the peer, DuckDB alone reading the same files with
``read_parquet([...], union_by_name=true)``: the query's first run on a new connection and its second, and
the ratio ours / peer.

Usage::

    PYTHONPATH=src .venv/bin/python benchmarks/store_view_schemas.py --schemas 10 100 1000
    PYTHONPATH=src .venv/bin/python benchmarks/store_view_schemas.py --schemas 10 100 1000 --shape own
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.store.test_layout's synthetic cell

QUERY = "SELECT count(*) AS n, count(DISTINCT cell_id) AS cells, sum(discharge_capacity_ah) AS q FROM {src}"


def build(root: Path, schemas: int, shape: str) -> None:
    """A store of ``schemas`` cells, each in its own lot and with its own extra columns."""
    import pyarrow as pa
    from tests.store.test_dask_columns import with_columns
    from tests.store.test_layout import formation_cell, put

    from gwangyang.store import Store

    cells = []
    for k in range(schemas):
        if shape == "own":
            extra = {f"c{k}": pa.array([k, k + 1, k + 2])}
        else:
            extra = {f"e{b}": pa.array([float(b)] * 3) for b in range(k.bit_length()) if k >> b & 1}
        cells.append(with_columns(formation_cell(f"셀-{k:05d}", f"로트{k:05d}", k, rows=9), "cycles", extra))
    put(Store(root), cells)


def ours(root: Path) -> tuple[float, float, int, list[float], float]:
    """The first query (view made), the second (kept), the SQL length, the answer, the view made again.

    The process's footers (:mod:`gwangyang.store.footer_cache`, where the code has it) are forgotten first;
    the last query follows the views' connection closed (a new snapshot does the same): the view made again
    from kept footers.
    """
    from gwangyang.store import Store
    from gwangyang.store.views import close_connections, connect

    try:
        from gwangyang.store.footer_cache import FOOTERS

        FOOTERS.clear()
    except ImportError:  # code before the footers were kept
        pass
    close_connections()
    store = Store(root)
    store.snapshot()
    t0 = time.perf_counter()
    first = store.sql(QUERY.format(src="cycles"))
    t1 = time.perf_counter()
    store.sql(QUERY.format(src="cycles"))
    t2 = time.perf_counter()
    close_connections()
    t3 = time.perf_counter()
    store.sql(QUERY.format(src="cycles"))
    again = time.perf_counter() - t3
    sql = (
        connect(store, {"cycles"})
        .execute("SELECT sql FROM duckdb_views() WHERE view_name = 'cycles'")
        .fetchone()
    )
    return t1 - t0, t2 - t1, len(sql[0]), [float(v) for v in first.iloc[0].tolist()], again


def peer(root: Path) -> tuple[float, float, list[float]]:
    """DuckDB alone: the same query over the same files read with ``union_by_name``, first and second run."""
    import duckdb

    from gwangyang.store import Store

    files = ", ".join("'" + f.replace("'", "''") + "'" for f in Store(root).files("cycles"))
    src = f"read_parquet([{files}], union_by_name=true, hive_partitioning=false)"
    con = duckdb.connect()
    t0 = time.perf_counter()
    first = con.execute(QUERY.format(src=src)).fetchone()
    t1 = time.perf_counter()
    con.execute(QUERY.format(src=src)).fetchone()
    t2 = time.perf_counter()
    con.close()
    return t1 - t0, t2 - t1, [float(v) for v in first or ()]


def main() -> None:
    """Build one store per schema count, time ours and the peer, print both and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schemas", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--shape", choices=["bits", "own"], default="bits")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for n in args.schemas:
        root = Path(tempfile.mkdtemp(prefix="view-schemas-")) / "store"
        try:
            build(root, n, args.shape)
            runs = [ours(root) for _ in range(args.repeat)]
            peers = [peer(root) for _ in range(args.repeat)]
            first, second, again = min(r[0] for r in runs), min(r[1] for r in runs), min(r[4] for r in runs)
            p_first, p_second = min(p[0] for p in peers), min(p[1] for p in peers)
            answer, p_answer = runs[0][3], peers[0][2]
            same = [int(answer[0]), int(answer[1])] == [int(p_answer[0]), int(p_answer[1])] and abs(
                float(answer[2]) - float(p_answer[2])
            ) < 1e-9 * max(1.0, abs(float(p_answer[2])))
            print(
                f"schemas {n:5d} ({args.shape}): SQL {runs[0][2]:>10,d} chars | first query ours {first:.3f} s, "
                f"peer {p_first:.3f} s, ratio {first / p_first:.1f} | second ours {second:.3f} s, "
                f"peer {p_second:.3f} s, ratio {second / p_second:.1f} | view made again {again:.3f} s | "
                f"same answer {same}",
                flush=True,
            )
        finally:
            shutil.rmtree(root.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
