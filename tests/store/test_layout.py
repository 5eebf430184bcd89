"""The catalog layout: many cells per file, atomic commits, snapshots, dead rows, compaction, killed writers."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from gwangyang.battery.ingest import ingest
from gwangyang.store import Store, catalog_reads
from gwangyang.store.catalog import TABLES, Location, dead_row, delete_row, put_row, rows_table
from gwangyang.store.snapshot import Snapshot, reduce
from tests.helpers import arbin_copies

ROOT = Path(__file__).resolve().parents[2]


def formation_cell(cell_id: str, lot: str, seed: int, rows: int = 300) -> tuple[str, dict, dict]:
    """A small synthetic cell: three cycles, its per-cycle capacity known by construction."""
    rng = np.random.default_rng(seed)
    cycle = np.repeat([1, 2, 3], rows // 3)
    q = rng.uniform(0.0, 1.0, len(cycle))
    ts = pd.DataFrame(
        {
            "cell_id": cell_id,
            "test_time_s": np.arange(len(cycle), dtype=float),
            "cycle_index": cycle,
            "voltage_v": 3.0 + q,
            "q": q,
        }
    )
    cycles = (
        ts.groupby("cycle_index", as_index=False)[["q"]].max().rename(columns={"q": "discharge_capacity_ah"})
    )
    cycles.insert(0, "cell_id", cell_id)
    meta = {
        "cell_id": cell_id,
        "lot": lot,
        "vendor": "synthetic",
        "rows": len(ts),
        "cycles": 3,
        "sources": [],
    }
    tables = {
        "timeseries": pa.Table.from_pandas(ts, preserve_index=False),
        "cycles": pa.Table.from_pandas(cycles, preserve_index=False),
    }
    return cell_id, meta, tables


def put(store: Store, cells: list[tuple[str, dict, dict]]) -> int:
    with store.write_lock():
        return store.commit_cells(cells)


def test_many_cells_share_files_and_read_back_alone(store_dir: Path) -> None:
    store = Store(store_dir)
    cells = [formation_cell(f"셀-{k:03d}", f"lot{k % 3}", k) for k in range(60)]
    put(store, cells[:30])
    put(store, cells[30:])
    files = store.files("timeseries")
    assert len(files) == 6  # two commits x three lots, not one file per cell
    assert all("/lot=lot" in f for f in files)
    for cell_id, _meta, tables in cells:
        got = store.arrow(cell_id, "timeseries")
        assert got.equals(tables["timeseries"])
        assert store.cycles(cell_id).equals(tables["cycles"].to_pandas())
    # the fleet query agrees with the capacities computed by construction
    expected = {c: float(t["cycles"]["discharge_capacity_ah"].to_numpy().max()) for c, _, t in cells}
    fleet = store.sql("SELECT cell_id, max(discharge_capacity_ah) AS q FROM cycles GROUP BY cell_id")
    assert dict(zip(fleet["cell_id"], fleet["q"], strict=True)) == pytest.approx(expected)
    by_lot = store.sql("SELECT lot, count(*) AS n FROM cells GROUP BY lot ORDER BY lot")
    assert by_lot["n"].tolist() == [20, 20, 20]


def test_cells_with_different_columns_keep_their_own(store_dir: Path) -> None:
    store = Store(store_dir)
    a = pa.table({"cell_id": ["a"] * 3, "cycle_index": pa.array([1, 2, 3], pa.int32()), "x": [1.0, 2.0, 3.0]})
    b = pa.table({"cell_id": ["b"] * 2, "cycle_index": pa.array([1, 2], pa.int64()), "kind": ["rpt", None]})
    put(store, [("a", {"cell_id": "a"}, {"cycles": a}), ("b", {"cell_id": "b"}, {"cycles": b})])
    assert store.arrow("a", "cycles").equals(a)
    assert store.arrow("b", "cycles").equals(b)
    assert store.columns("a", "cycles") == ["cell_id", "cycle_index", "x"]
    both = store.sql("SELECT cell_id, x, kind FROM cycles ORDER BY cell_id, cycle_index")
    assert both["x"].isna().tolist() == [False, False, False, True, True]


def test_replacing_and_deleting_cells_leaves_no_dead_rows_in_queries(store_dir: Path) -> None:
    store = Store(store_dir)
    cells = [formation_cell(f"c{k}", "L", k) for k in range(5)]
    put(store, cells)
    new = formation_cell("c2", "L", 99, rows=60)
    put(store, [new])
    store.delete("c4")
    counts = store.sql("SELECT cell_id, count(*) AS n FROM timeseries GROUP BY cell_id ORDER BY cell_id")
    assert dict(zip(counts["cell_id"], counts["n"], strict=True)) == {
        "c0": 300,
        "c1": 300,
        "c2": 60,
        "c3": 300,
    }
    assert store.arrow("c2", "timeseries").equals(new[2]["timeseries"])
    assert store.dask("timeseries").groupby("cell_id").size().compute().to_dict() == {
        "c0": 300,
        "c1": 300,
        "c2": 60,
        "c3": 300,
    }
    before = {(c, t): store.arrow(c, t) for c in ("c0", "c1", "c2", "c3") for t in ("timeseries", "cycles")}
    report = store.compact(retain_s=0)
    assert report["files_after"] == 2 and report["files_before"] > report["files_after"]
    assert not store.snapshot().dead_pairs("timeseries").shape[0]
    for (cell_id, table), data in before.items():
        assert store.arrow(cell_id, table).equals(data)
    on_disk = sorted(p.relative_to(store.root).as_posix() for p in (store.root / "tables").rglob("*.parquet"))
    assert on_disk == sorted(f[len(store.root.as_posix()) + 1 :] for t in TABLES for f in store.files(t))
    assert all("/bucket=" in f for f in on_disk)
    again = store.sql("SELECT count(*) AS n FROM timeseries")["n"].iloc[0]
    assert again == 960


def test_a_reader_keeps_its_snapshot_while_a_writer_appends(store_dir: Path) -> None:
    store = Store(store_dir)
    put(store, [formation_cell(f"c{k}", "L", k) for k in range(3)])
    reader = Store(store_dir)
    snap = reader.snapshot()
    put(store, [formation_cell("c1", "L", 50, rows=30), formation_cell("c9", "L", 9)])
    store.compact()  # within the grace period the old files stay
    assert set(snap.live.index) == {"c0", "c1", "c2"}
    where = snap.location("c1", "timeseries")
    assert where is not None
    assert pq.read_table(store.root / where.file).num_rows == 900
    assert set(reader.snapshot().live.index) == {"c0", "c1", "c2", "c9"}


def test_a_commit_that_fails_before_its_catalog_rename_changes_nothing(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(store_dir)
    put(store, [formation_cell("c0", "L", 0)])
    version = store.snapshot().version

    def boom(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("gwangyang.store.commits.write_segment", boom)
    with pytest.raises(OSError, match="disk full"):
        put(store, [formation_cell("c1", "L", 1)])
    monkeypatch.undo()
    assert Store(store_dir).snapshot().version == version
    assert Store(store_dir).cells()["cell_id"].tolist() == ["c0"]
    orphans = len(list((store.root / "tables").rglob("*.parquet")))
    assert orphans == 4  # c0's two files and the failed commit's two
    with store.write_lock():
        store._sweep(0)  # what recover does once the grace period is over
    assert len(list((store.root / "tables").rglob("*.parquet"))) == 2


def test_checkpoints_keep_the_same_state(store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("gwangyang.store.commits.CHECKPOINT_EVERY", 4)
    store = Store(store_dir)
    for k in range(10):
        put(store, [formation_cell(f"c{k % 6}", "L", k)])
    names = catalog_reads.listing(store.fs, store.root.as_posix())
    # the files a checkpoint covers stay GRACE_S (readers may hold their snapshots)
    assert names == tuple(f"c{v:012d}.parquet" for v in (4, 8)) + tuple(
        f"v{v:012d}.parquet" for v in range(1, 11)
    )
    monkeypatch.setattr("gwangyang.store.commits.GRACE_S", 0)
    for k in (10, 11):
        put(store, [formation_cell("c5", "L", k)])
    assert catalog_reads.listing(store.fs, store.root.as_posix()) == ("c000000000012.parquet",)
    put(store, [formation_cell("c5", "L", 12)])
    assert catalog_reads.listing(store.fs, store.root.as_posix()) == (
        "c000000000012.parquet",
        "v000000000013.parquet",
    )
    live = store.snapshot().live
    assert sorted(live.index) == [f"c{k}" for k in range(6)]
    counted = store.sql("SELECT count(*) AS n FROM timeseries")["n"].iloc[0]
    assert counted == 6 * 300


_WRITER = """
import sys
sys.path[:0] = [sys.argv[2], sys.argv[3]]
from gwangyang.store import Store
from tests.store.test_layout import formation_cell
store = Store(sys.argv[1])
k = len(store.metas())
with store.write_lock():
    while True:
        store.commit_cells([formation_cell(f"c{k + j:05d}", f"lot{j % 2}", k + j) for j in range(20)])
        k += 20
"""


def test_sigkill_mid_append_leaves_whole_cells_and_a_consistent_store(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    for round_ in range(3):
        proc = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(store.root), str(ROOT / "src"), str(ROOT)],
            stderr=subprocess.DEVNULL,
        )
        while proc.poll() is None and len(Store(store.root).metas()) < 40 * (round_ + 1):
            time.sleep(0.02)
        time.sleep(0.05 * round_)  # land the kill at different points of a commit
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        landed = Store(store.root)
        metas = landed.metas()
        assert len(metas) % 20 == 0  # whole commits only
        counts = landed.sql("SELECT cell_id, count(*) AS n FROM timeseries GROUP BY cell_id")
        assert len(counts) == len(metas) and set(counts["n"]) == {300}
        for meta in metas[:: max(len(metas) // 7, 1)]:
            assert len(landed.timeseries(meta["cell_id"])) == meta["rows"]
    with store.write_lock():
        store.recover()
        store._sweep(0)
    named = {f for t in TABLES for f in store.files(t)}
    assert {p.as_posix() for p in (store.root / "tables").rglob("*.parquet")} == named
    assert not list(store.root.rglob("*.tmp"))


def test_ingest_commits_many_cells_per_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.modules[ingest.__module__], "COMMIT_S", 1e9)  # commit by count only
    files = arbin_copies(tmp_path / "in", 5)
    store = Store(tmp_path / "store")
    report = ingest(files, store=store)
    assert report.ok and len(report.ingested) == 5
    assert len(store.files("timeseries")) == 1
    rows = store.sql("SELECT cell_id, count(*) AS n FROM timeseries GROUP BY ALL ORDER BY cell_id")
    assert rows["n"].tolist() == [m["rows"] for m in store.metas()]


def test_a_store_written_anew_at_the_same_place_is_not_mistaken_for_the_old(store_dir: Path) -> None:
    import shutil

    put(Store(store_dir), [formation_cell("old", "L", 0)])
    assert Store(store_dir).cells()["cell_id"].tolist() == ["old"]
    shutil.rmtree(store_dir)
    time.sleep(0.01)
    put(Store(store_dir), [formation_cell("new", "L", 1)])  # the same catalog file names as before
    assert Store(store_dir).cells()["cell_id"].tolist() == ["new"]


def _state(snap: Snapshot) -> tuple[int, list[tuple[Any, ...]], set[tuple[str, str, str]]]:
    """A snapshot's version, live rows (plain values, in order) and the dead rows that matter (in live files)."""

    def plain(value: Any) -> Any:
        if isinstance(value, np.ndarray):
            return value.tolist()
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return None
        return value.item() if isinstance(value, np.generic) else value

    rows = [tuple(plain(v) for v in row) for row in snap.live.itertuples(index=True, name=None)]
    dead = {(t, str(f), str(c)) for t in TABLES for f, c in snap.dead_pairs(t).itertuples(index=False)}
    return snap.version, rows, dead


def test_a_snapshot_advanced_commit_by_commit_equals_the_catalog_read_whole(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("gwangyang.store.commits.CHECKPOINT_EVERY", 5)
    store = Store(store_dir)
    root = store.root.as_posix()
    rng = np.random.default_rng(3)
    advanced: list[bool] = []  # whether each read from a remembered snapshot could advance it
    real = catalog_reads.advance

    def spy(*args: Any) -> Snapshot | None:
        out = real(*args)
        advanced.append(out is not None)
        return out

    monkeypatch.setattr(catalog_reads, "advance", spy)
    chains = 0
    for step in range(23):
        if step == 15:
            store.compact(retain_s=0)
        elif step % 7 == 6 and len(store.snapshot().live):
            store.delete(str(rng.choice(store.snapshot().live.index)))
        else:  # new cells and replaced ones, ids out of order, in two lots
            ids = {f"셀-{int(k):03d}" for k in rng.integers(0, 40, 6)}
            put(
                store, [formation_cell(c, f"L{len(c) % 2}", step, rows=30) for c in sorted(ids, reverse=True)]
            )
        if step % 3 != 2 and step < 20:
            continue  # a few commits advance the remembered snapshot without merging its live cells
        snap = store.snapshot()
        entry = catalog_reads._CACHE.pop(root)
        whole = store.snapshot()  # read whole: the checkpoint and the segments after it
        assert whole is not snap
        chains += snap._live is None and len(snap._changes) >= 2
        for cell in [f"셀-{k:03d}" for k in range(40)]:  # answered before any merge
            assert snap.has(cell) == whole.has(cell), (step, cell)
            for table in ("timeseries", "cycles", "curves"):
                assert snap.has(cell) is False or snap.location(cell, table) == whole.location(cell, table)
        assert _state(snap) == _state(whole), step
        assert snap.segments == whole.segments and list(snap.live.columns) == list(whole.live.columns)
        assert snap.live.index.is_monotonic_increasing
        catalog_reads._CACHE[root] = entry  # the next commit advances this snapshot, not the whole one
    assert len(advanced) >= 25 and all(advanced)  # every read after the first advanced, checkpoints too
    assert chains >= 3  # compared before the merge with the changes of several commits pending
    assert store.sql("SELECT count(DISTINCT cell_id) AS n FROM timeseries")["n"].iloc[0] == len(
        store.snapshot().live
    )


def test_the_catalog_state_follows_versions_not_the_order_of_rows() -> None:
    """A log's rows in any order give the state of replaying them in version order (a plain dict replay)."""
    rng = np.random.default_rng(5)
    where = Location("tables/a.parquet", [0, 2], True, pa.schema([("q", pa.float64())]))
    rows, replay, dead = [], {}, set()
    for version in range(1, 301):
        cell = f"셀-{int(rng.integers(0, 40)):02d}"
        pick = rng.random()
        if pick < 0.6:
            rows.append(put_row(version, cell, {"lot": "L1", "rows": version}, {"cycles": where}))
            replay[cell] = version
        elif pick < 0.8:
            rows.append(delete_row(version, cell))
            replay.pop(cell, None)
        else:
            rows.append(dead_row(version, cell, {"cycles": "tables/a.parquet"}))
            dead.add(("cycles", "tables/a.parquet", cell))
    for order in (np.arange(len(rows)), rng.permutation(len(rows))):
        snap = reduce(rows_table([rows[k] for k in order]), 300, 1)
        assert list(snap.live.index) == sorted(replay)
        assert snap.live["rows"].tolist() == [replay[c] for c in sorted(replay)]
        assert all(snap.location(c, "cycles") == where for c in replay)
        assert _state(snap)[2] == dead
