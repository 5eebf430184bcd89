"""Compaction streams the cells' metadata: the same files as the compaction before (the oracle), never all metadata at once.

``compaction_oracle.old_compact`` is the compaction as it was (every cell's metadata read at once, the
checkpoint built whole). Both run on identical stores (data file names made the same by numbering
``uuid4``) and every file they write is compared: data files, the checkpoint row for row and row group for
row group, the commit's rows. The metadata is also checked by an independent replay of the catalog files
(pyarrow and ``json`` only) against what the test put.
"""

from __future__ import annotations

import itertools
import signal
import subprocess
import sys
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from gwangyang.store import Store, catalog_reads, catalog_writes
from gwangyang.store.catalog import CATALOG, TABLES
from gwangyang.store.catalog_parts import FORM, FORM_KEY
from gwangyang.store.compaction import compact
from gwangyang.store.snapshot import Snapshot
from tests.store.compaction_oracle import old_checkpoint, old_compact
from tests.store.test_catalog_meta import replay
from tests.store.test_layout import ROOT, formation_cell, put

GROUP = 7
"""Catalog row group size in these tests (many groups, batches crossing them)."""


def numbered(monkeypatch: pytest.MonkeyPatch, start: int) -> None:
    """Data file names numbered from ``start`` (``uuid4`` replaced), so two runs name their files alike."""
    counter = itertools.count(start)
    fake = SimpleNamespace(uuid4=lambda: uuid.UUID(int=next(counter) << 80))  # names take the first 12 digits
    monkeypatch.setattr("gwangyang.store.datafiles.uuid", fake)


def cell(k: int, lot: str, seed: int, rows: int = 12) -> tuple[str, dict, dict]:
    """A formation cell with Korean notes and source hashes (so ``meta`` and ``hashes`` are not trivial)."""
    cell_id = f"셀-{k:03d}" if k % 4 else f"전지 {k}"
    cell_id, meta, tables = formation_cell(cell_id, lot, seed, rows=rows)
    meta["sources"] = [{"file": f"{cell_id}.csv", "hash": f"h{k:03d}-{seed}"}]
    meta["extra"] = {"notes": f"충방전 {seed} " * (k % 5 + 1)}
    if k % 9 == 0:
        meta["nominal_capacity_ah"] = 2.5 + k / 100
    if k % 11 == 0:
        del tables["timeseries"]  # a cell with cycles only
        meta["rows"] = 0
    return cell_id, meta, tables


def build(root: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, dict[str, Any]]:
    """A store of 120 cells over several commits, a checkpoint, replacements, deletes and a type clash; its metas."""
    numbered(monkeypatch, 1)
    store = Store(root)
    expected: dict[str, dict[str, Any]] = {}

    def add(cells: list[tuple[str, dict, dict]]) -> None:
        put(store, cells)
        expected.update({c: m for c, m, _t in cells})

    add([cell(k, f"로트{k % 3}", k) for k in range(0, 50)])
    add([cell(k, f"로트{k % 3}", k) for k in range(50, 90)])
    with store.write_lock():
        store.checkpoint()  # in groups of GROUP cells
    add([cell(k, f"로트{k % 3}", k) for k in range(90, 120)])
    add([cell(k, "교체", 100 + k, rows=6) for k in range(3, 120, 13)])  # replaced: dead rows, a new lot
    for k in (5, 40, 101):
        cell_id = cell(k, "", 0)[0]
        store.delete(cell_id)
        expected.pop(cell_id)
    clash = pa.table(
        {"cell_id": ["다른 형"] * 2, "cycle_index": ["1", "2"], "discharge_capacity_ah": [1.0, 0.5]}
    )
    add([("다른 형", {"cell_id": "다른 형", "lot": "로트0", "sources": []}, {"cycles": clash})])
    return dict(sorted(expected.items()))


def catalog_files(root: Path) -> dict[str, pa.Table]:
    return {p.name: pq.read_table(p) for p in sorted((root / CATALOG).glob("[cv]*.parquet"))}


def same_files(old: Path, new: Path, version: int) -> None:
    """Every data file and catalog file the two compactions left is the same (the commit's rows in any order)."""
    data = {p.relative_to(old).as_posix() for p in (old / "tables").rglob("*.parquet")}
    assert data == {p.relative_to(new).as_posix() for p in (new / "tables").rglob("*.parquet")}
    for rel in sorted(data):
        a, b = pq.ParquetFile(old / rel), pq.ParquetFile(new / rel)
        assert a.read().equals(b.read(), check_metadata=True), rel
        assert a.metadata.num_row_groups == b.metadata.num_row_groups, rel
    a_cat, b_cat = catalog_files(old), catalog_files(new)
    assert list(a_cat) == list(b_cat)
    for name, table in a_cat.items():
        other = b_cat[name]
        if name == f"v{version:012d}.parquet":  # the commit: the old one in move order, the new one by id
            table, other = (t.sort_by("cell_id") for t in (table, other))
        assert table.equals(other, check_metadata=True), name
    checkpoint = f"c{version:012d}.parquet"
    a_meta, b_meta = (pq.read_metadata(r / CATALOG / checkpoint) for r in (old, new))
    assert a_meta.num_row_groups == b_meta.num_row_groups > 10
    assert [a_meta.row_group(g).num_rows for g in range(a_meta.num_row_groups)] == [
        b_meta.row_group(g).num_rows for g in range(b_meta.num_row_groups)
    ]
    assert (b_meta.metadata or {}).get(FORM_KEY) == FORM


@pytest.mark.parametrize("remembered", [True, False])
@pytest.mark.parametrize("cache_bytes", [catalog_writes.CACHE_BYTES, 0])
def test_compaction_writes_what_the_old_one_wrote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, remembered: bool, cache_bytes: int
) -> None:
    monkeypatch.setattr("gwangyang.store.commits.GROUP_ROWS", GROUP)
    monkeypatch.setattr(catalog_writes, "CACHE_BYTES", cache_bytes)
    old, new = tmp_path / "old", tmp_path / "new"
    expected = build(old, monkeypatch)
    assert build(new, monkeypatch) == expected
    answers = []
    for root, run in ((old, old_compact), (new, compact)):
        if not remembered:  # read whole from the files; else advanced commit by commit (logs in memory)
            catalog_reads._CACHE.clear()
        numbered(monkeypatch, 10_000)
        store = Store(root)
        with store.write_lock():
            answers.append(run(store, GROUP))
    assert answers[0] == answers[1] and answers[1]["cells_moved"] == len(expected) == 118
    version = Store(new).snapshot().version
    same_files(old, new, version)
    catalog_reads._CACHE.clear()
    replayed = replay(new)  # pyarrow and json only
    assert {c: m for c, (m, _h) in replayed.items()} == expected
    assert {c: h for c, (_m, h) in replayed.items()} == {
        c: [s["hash"] for s in m["sources"]] for c, m in expected.items()
    }
    store = Store(new)
    assert store.metas() == list(expected.values())
    for table, want in (
        ("cycles", {c: 2 if c == "다른 형" else 3 for c in expected}),
        ("timeseries", {c: m["rows"] for c, m in expected.items() if m.get("rows")}),
    ):
        counts = store.sql(f"SELECT cell_id, count(*) AS n FROM {table} GROUP BY cell_id ORDER BY cell_id")
        assert dict(zip(counts["cell_id"], counts["n"], strict=True)) == want


def test_a_checkpoint_streamed_equals_the_one_built_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("gwangyang.store.commits.GROUP_ROWS", GROUP)
    old, new = tmp_path / "old", tmp_path / "new"
    build(old, monkeypatch)
    build(new, monkeypatch)
    with Store(old).write_lock():
        old_checkpoint(Store(old), GROUP)
    with Store(new).write_lock():
        Store(new).checkpoint()
    version = Store(new).snapshot().version
    same_files(old, new, version)


def test_compaction_never_holds_every_cells_metadata(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No snapshot's whole metadata is read; each batch of metadata holds one catalog row group's cells."""
    monkeypatch.setattr("gwangyang.store.commits.GROUP_ROWS", GROUP)
    root = tmp_path / "store"
    expected = build(root, monkeypatch)
    catalog_reads._CACHE.clear()

    def refused(*_args: Any) -> Any:
        raise AssertionError("every cell's metadata read at once")

    real_column = Snapshot.column

    def column(self: Snapshot, name: str) -> list[Any]:
        return refused() if name in ("meta", "hashes") else real_column(self, name)

    monkeypatch.setattr(Snapshot, "live", property(refused))
    monkeypatch.setattr(Snapshot, "meta_text", refused)
    monkeypatch.setattr(Snapshot, "column", column)
    sizes: list[int] = []
    take = catalog_writes.LazyValues.take

    def spy(self: catalog_writes.LazyValues, part_of: np.ndarray, row_of: np.ndarray, upcoming: Any) -> Any:
        sizes.append(len(part_of))
        return take(self, part_of, row_of, upcoming)

    monkeypatch.setattr(catalog_writes.LazyValues, "take", spy)
    report = Store(root).compact(retain_s=0)
    assert report["cells_moved"] == len(expected)
    assert max(sizes) == GROUP and sum(sizes) == len(expected)
    monkeypatch.undo()
    catalog_reads._CACHE.clear()
    assert Store(root).metas() == list(expected.values())


KILLED_COMPACTION = """
import os, signal, sys
from gwangyang.store import Store, catalog_writes
real_flush, real_replace, renames = catalog_writes.CatalogWriter._flush, os.replace, []
def written(self, count):  # a catalog row group on disk, no footer yet
    real_flush(self, count)
    os.kill(os.getpid(), signal.SIGKILL)
def renamed(tmp, path):  # the n-th rename of a catalog file (1: the commit, 2: the checkpoint)
    renames.append(path)
    if len(renames) == int(sys.argv[2][-1]):
        os.kill(os.getpid(), signal.SIGKILL)
    real_replace(tmp, path)
if sys.argv[2] == "mid-write":
    catalog_writes.CatalogWriter._flush = written
else:
    catalog_writes.os.replace = renamed
Store(sys.argv[1]).compact(retain_s=0)
"""


def answers(root: Path) -> tuple[Any, ...]:
    """Every cell's metadata and rows, as a fresh process reads them."""
    catalog_reads._CACHE.clear()
    store = Store(root)
    rows = [
        store.sql(f"SELECT cell_id, cycle_index, {c} FROM {t} ORDER BY ALL").to_csv(index=False)
        for t, c in (("cycles", "discharge_capacity_ah"), ("timeseries", "voltage_v"))
    ]
    return store.metas(), store.known_hashes(), rows


@pytest.mark.parametrize("when", ["mid-write", "rename 1", "rename 2"])
def test_a_compaction_killed_leaves_whole_cells_and_a_rerun_finishes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, when: str
) -> None:
    """Killed before its commit's rename: the catalog as it was; after it (no checkpoint yet): the compacted cells."""
    root = tmp_path / "store"
    expected = build(root, monkeypatch)
    before = answers(root)
    assert before[0] == list(expected.values())
    names = sorted(p.name for p in (root / CATALOG).iterdir())
    done = subprocess.run(
        [sys.executable, "-c", KILLED_COMPACTION, str(root), when], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    left = sorted(p.name for p in (root / CATALOG).iterdir())
    assert any(n.endswith(".tmp") for n in left)  # the checkpoint (or commit) half done
    committed = [n for n in left if not n.endswith(".tmp")]
    version = Store(root).snapshot().version
    if when == "rename 2":
        assert committed == [n for n in names if not n.endswith(".tmp")] + [f"v{version:012d}.parquet"]
    else:
        assert committed == names
    assert answers(root) == before
    report = Store(root).compact(retain_s=0)
    assert report["files_after"] == len({f for t in TABLES for f in Store(root).snapshot().files(t)})
    assert answers(root) == before
    assert not [p for p in root.rglob("*.tmp")]
    catalog_reads._CACHE.clear()
    assert {c: m for c, (m, _h) in replay(root).items()} == expected
