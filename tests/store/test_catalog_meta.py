"""Cells' metadata read lazily from the catalog: the same answers in the first and current catalog forms, the upgrade, crash safety.

Every answer is checked against an independent replay of the catalog's Parquet files (pyarrow and
``json`` only: the last put of each cell by version, deletes removing it).
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest

from gwangyang.battery.ingest import ingest
from gwangyang.cli.main import main
from gwangyang.errors import NotFoundError
from gwangyang.store import Store, catalog_parts, catalog_reads
from gwangyang.store.catalog import (
    CATALOG,
    Location,
    checkpoint_name,
    dead_row,
    put_row,
    rows_table,
    write_segment,
)
from gwangyang.store.catalog_parts import FORM, FORM_KEY, CatalogGoneError
from gwangyang.store.catalog_reads import listing
from gwangyang.store.commits import checkpoint_table
from gwangyang.store.snapshot import reduce
from tests.store.test_layout import ROOT, formation_cell, put

CYCLERS = ROOT / ".." / "shared" / "data" / "battery" / "cyclers"

QUERIES = (
    "SELECT * FROM cells ORDER BY cell_id",
    "SELECT cell_id, count(*) AS n, max(cycle_index) AS last FROM cycles GROUP BY cell_id ORDER BY cell_id",
    "SELECT lot, count(*) AS cells, sum(rows) AS rows FROM cells GROUP BY lot ORDER BY lot",
)


def replay(root: Path) -> dict[str, tuple[dict[str, Any], list[str]]]:
    """Each live cell's metadata and source hashes, replayed from the catalog files by pyarrow and json alone."""
    names = sorted(p.name for p in (root / CATALOG).glob("[cv]*.parquet"))
    checkpoints = [n for n in names if n.startswith("c")]
    base = int(checkpoints[-1][1:13]) if checkpoints else 0
    chosen = checkpoints[-1:] + [n for n in names if n.startswith("v") and int(n[1:13]) > base]
    rows = [r for n in chosen for r in pq.read_table(root / CATALOG / n).to_pylist()]
    state: dict[str, tuple[dict[str, Any], list[str]]] = {}
    for row in sorted(
        rows, key=lambda r: r["version"]
    ):  # sorted() is stable: rows of a version keep their order
        if row["op"] == "put":
            state[row["cell_id"]] = (json.loads(row["meta"]), list(row["hashes"] or []))
        elif row["op"] == "delete":
            state.pop(row["cell_id"], None)
    return dict(sorted(state.items()))


def answers(root: Path) -> dict[str, Any]:
    """What the store answers, read by a process that has not read it yet (the cache cleared)."""
    catalog_reads._CACHE.clear()
    store = Store(root)
    ids = [m["cell_id"] for m in Store(root).metas()]
    catalog_reads._CACHE.clear()
    out: dict[str, Any] = {"one": [store.meta(c) for c in ids]}  # each read before every other one
    catalog_reads._CACHE.clear()
    out["sql"] = [store.sql(q) for q in QUERIES]
    out["metas"] = store.metas()
    out["hashes"] = store.known_hashes()
    out["cells"] = store.cells()
    out["live"] = store.snapshot().live
    return out


def same(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert a["one"] == b["one"] and a["metas"] == b["metas"] and a["hashes"] == b["hashes"]
    for x, y in zip(a["sql"], b["sql"], strict=True):
        pd.testing.assert_frame_equal(x, y)
    pd.testing.assert_frame_equal(a["cells"], b["cells"])
    pd.testing.assert_frame_equal(plain(a["live"]), plain(b["live"]))


def plain(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame with its list values (row groups, hashes) as tuples, comparable by pandas."""
    out = frame.copy()
    for name in out.columns:
        if out[name].dtype == object:
            out[name] = [
                tuple(v) if hasattr(v, "__len__") and not isinstance(v, str) else v for v in out[name]
            ]
    return out


def check_replayed(root: Path, got: dict[str, Any]) -> None:
    """The answers agree with the independent replay of the catalog files."""
    expected = replay(root)
    assert got["metas"] == [meta for meta, _h in expected.values()]
    assert got["one"] == got["metas"]
    assert got["hashes"] == {h: c for c, (_m, hs) in expected.items() for h in hs}
    assert got["sql"][0]["cell_id"].tolist() == list(expected)
    assert got["sql"][0]["vendor"].tolist() == [m.get("vendor") for m, _h in expected.values()]


def first_form(root: Path) -> None:
    """Rewrite a store's catalog as the previous code wrote checkpoints: one row group, no form mark."""
    catalog_reads._CACHE.clear()
    snap = Store(root).snapshot()
    write_segment(
        root.as_posix(), checkpoint_name(snap.version), checkpoint_table(snap).replace_schema_metadata(None)
    )
    for name in listing(Store(root).fs, root.as_posix()):
        if int(name[1:13]) < snap.version or name.startswith("v"):
            (root / CATALOG / name).unlink()
    catalog_reads._CACHE.clear()


def form_of(root: Path) -> tuple[bytes | None, int]:
    names = [n for n in listing(Store(root).fs, root.as_posix()) if n.startswith("c")]
    meta = pq.read_metadata(root / CATALOG / names[-1])
    return (meta.metadata or {}).get(FORM_KEY), meta.num_row_groups


def migrate(capsys: pytest.CaptureFixture[str], root: Path) -> dict[str, Any]:
    code = main(["store", "migrate", "--store", str(root), "--json"])
    out, _err = capsys.readouterr()
    assert code == 0
    return dict(json.loads(out))


@pytest.fixture(scope="module")
def real_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of every readable shared cycler file, one commit per vendor folder (segments, no checkpoint)."""
    root = tmp_path_factory.mktemp("real") / "store"
    store = Store(root)
    for folder in sorted(CYCLERS.iterdir()):
        if folder.name != "bad":
            assert ingest([folder], store=store).ok, folder
    return root


def test_real_cycler_files_answer_the_same_in_every_catalog_form(
    real_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    segments = answers(real_store)
    check_replayed(real_store, segments)
    assert len(segments["metas"]) == 22 and {m["vendor"] for m in segments["metas"]} >= {
        "arbin",
        "maccor",
        "neware",
    }
    old = tmp_path / "old"
    shutil.copytree(real_store, old)
    first_form(old)
    assert form_of(old) == (None, 1)
    before = answers(old)
    same(before, segments)
    assert migrate(capsys, old)["catalog"] == "upgraded"
    assert form_of(old)[0] == FORM
    same(answers(old), segments)
    check_replayed(old, answers(old))
    assert migrate(capsys, old)["catalog"] == "current"


def korean_store(root: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """600 cells with Korean ids in four commits, some replaced and deleted, then a checkpoint of groups of 50."""
    monkeypatch.setattr("gwangyang.store.commits.GROUP_ROWS", 50)
    store = Store(root)
    ids = [f"셀-{k:04d}" if k % 3 else f"전지 {k}" for k in range(600)]
    for start in range(0, 600, 200):
        put(
            store,
            [
                formation_cell(c, f"로트{k % 4}", k, rows=6)
                for k, c in enumerate(ids[start : start + 200], start)
            ],
        )
    put(store, [formation_cell(c, "교체", 7, rows=9) for c in ids[5:600:40]])  # replaced: new lot, new rows
    for cell in ids[7:600:97]:
        store.delete(cell)
    with store.write_lock():
        store.checkpoint()
    catalog_reads._CACHE.clear()
    return ids


@pytest.fixture(scope="module")
def built_korean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """:func:`korean_store`, built once for the module, and its cell ids: tests copy it (:func:`korean_copy`)."""
    root = tmp_path_factory.mktemp("korean") / "store"
    with pytest.MonkeyPatch.context() as patch:
        ids = korean_store(root, patch)
    return root, ids


def korean_copy(built: tuple[Path, list[str]], root: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A copy of the built Korean store at ``root``, its ids; this test's checkpoints in groups of 50 as well.

    The store's files name no absolute path, so a copy reads as the original; ``GROUP_ROWS`` is patched for
    the test too, as :func:`korean_store` did while it built, for the checkpoints the test writes itself
    (an upgrade, a fold).
    """
    monkeypatch.setattr("gwangyang.store.commits.GROUP_ROWS", 50)
    shutil.copytree(built[0], root)
    catalog_reads._CACHE.clear()
    return list(built[1])


def test_korean_cells_read_their_metadata_lazily_and_alike_in_both_forms(
    built_korean: tuple[Path, list[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = tmp_path / "new"
    ids = korean_copy(built_korean, root, monkeypatch)
    rows = pq.read_metadata(next((root / CATALOG).glob("c*.parquet"))).num_rows
    assert rows > 593 and form_of(root) == (
        FORM,
        -(-rows // 50),
    )  # 593 live cells and the dead rows, groups of 50
    taken: list[int] = []
    real_take = catalog_parts.FilePart.take

    def take(self: catalog_parts.FilePart, name: str, rows: Any) -> Any:
        taken.append(len(rows))
        return real_take(self, name, rows)

    groups: list[int] = []
    real_group = pq.ParquetFile.read_row_group

    def read_row_group(self: pq.ParquetFile, group: int, **kw: Any) -> Any:
        groups.append(group)
        return real_group(self, group, **kw)

    monkeypatch.setattr(catalog_parts.FilePart, "take", take)
    monkeypatch.setattr(pq.ParquetFile, "read_row_group", read_row_group)
    store = Store(root)
    lots = store.sql(QUERIES[2])
    assert taken == []  # the first query reads no metadata
    assert lots["lot"].tolist() == ["교체", "로트0", "로트1", "로트2", "로트3"]
    assert lots["cells"].sum() == 600 - 7 and lots["cells"].iloc[0] == 15  # none replaced was deleted
    groups.clear()
    assert store.meta("셀-0301")["lot"] == "로트1" and taken == [1] and len(groups) == 1
    assert store.meta("전지 45")["lot"] == "교체" and store.meta("전지 45")["rows"] == 9
    with pytest.raises(NotFoundError, match="not in store"):
        store.meta(ids[7])
    new = answers(root)
    check_replayed(root, new)
    old = tmp_path / "old"
    shutil.copytree(root, old)
    first_form(old)
    same(answers(old), new)
    assert migrate(capsys, old)["catalog"] == "upgraded"
    same(answers(old), new)


def test_a_remembered_snapshot_finds_metadata_after_a_checkpoint_removed_its_files(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("gwangyang.store.commits.CHECKPOINT_EVERY", 3)
    store = Store(store_dir)
    put(store, [formation_cell(f"셀-{k}", "L", k, rows=6) for k in range(5)])
    put(store, [formation_cell(f"셀-{k}", "L1", k, rows=6) for k in range(2)])
    catalog_reads._CACHE.clear()
    root = store.root.as_posix()
    held = store.snapshot()  # read whole: its metadata stays in v1's and v2's files
    entry = catalog_reads._CACHE.pop(root)
    with (
        store.write_lock()
    ):  # another writer: a checkpoint at v2 replaces them (gone after the grace), then a commit
        store.checkpoint()
        assert len(list((store_dir / CATALOG).glob("*.parquet"))) == 3
        store._sweep(0)
    put(store, [formation_cell("셀-0", "L3", 9, rows=6), formation_cell("새", "L3", 8, rows=6)])
    catalog_reads._CACHE.clear()
    assert sorted(p.name for p in (store_dir / CATALOG).glob("*.parquet")) == [
        "c000000000002.parquet",
        "v000000000003.parquet",
    ]
    with pytest.raises(CatalogGoneError, match="gone since this snapshot was read"):
        held.meta_text("셀-4")
    catalog_reads._CACHE[root] = entry  # this process remembers the old snapshot and advances it
    assert [store.meta(c)["lot"] for c in ("셀-0", "셀-1", "셀-4", "새")] == ["L3", "L1", "L", "L3"]
    now = store.snapshot()
    assert all(isinstance(p, catalog_parts.MemPart) or Path(p.path).exists() for p in now._parts)
    check_replayed(store_dir, answers(store_dir))


KILLED_UPGRADE = """
import os, signal, sys
import pyarrow.parquet as pq
from gwangyang.store import Store
from gwangyang.store import catalog_writes
real_write, real_replace = pq.ParquetWriter.write_table, os.replace
def written(self, table, **kw):  # one row group on disk, no footer yet, then killed
    real_write(self, table, **kw)
    os.kill(os.getpid(), signal.SIGKILL)
def renamed(tmp, path):  # the whole file written, killed before its rename
    os.kill(os.getpid(), signal.SIGKILL)
if sys.argv[2] == "mid-write":
    pq.ParquetWriter.write_table = written
else:
    catalog_writes.os.replace = renamed
Store(sys.argv[1]).migrate()
"""


@pytest.fixture(scope="module")
def first_form_korean(tmp_path_factory: pytest.TempPathFactory, built_korean: tuple[Path, list[str]]) -> Path:
    """:func:`korean_store` in the first catalog form, made once for the module: tests copy it."""
    root = tmp_path_factory.mktemp("first-form") / "store"
    shutil.copytree(built_korean[0], root)
    first_form(root)
    return root


@pytest.mark.parametrize("when", ["mid-write", "before-rename"])
def test_an_upgrade_killed_leaves_the_first_form_readable_and_a_rerun_upgrades(
    first_form_korean: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], when: str
) -> None:
    root = tmp_path / "store"
    shutil.copytree(first_form_korean, root)  # each run kills its own copy's upgrade
    catalog_reads._CACHE.clear()
    assert form_of(root) == (None, 1)
    before = answers(root)
    names = listing(Store(root).fs, root.as_posix())
    done = subprocess.run(
        [sys.executable, "-c", KILLED_UPGRADE, str(root), when], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert list((root / CATALOG).glob(".*.tmp"))  # what it left
    assert listing(Store(root).fs, root.as_posix()) == names and form_of(root) == (None, 1)
    same(answers(root), before)
    assert migrate(capsys, root)["catalog"] == "upgraded"
    same(answers(root), before)
    check_replayed(root, answers(root))


def test_a_checkpoint_shaped_log_reduces_like_any_order_of_its_rows() -> None:
    """One put a cell in id order, versions out of order, dead rows after (a checkpoint): all puts live, no grouping."""
    where = Location("tables/a.parquet", [0], False, None)
    ids = sorted(f"셀-{k:03d}" for k in range(50))
    rows = [put_row(50 - k, c, {"lot": "L", "rows": k}, {"cycles": where}) for k, c in enumerate(ids)]
    rows += [dead_row(60, ids[3], {"cycles": "tables/b.parquet"})]
    shaped = reduce(rows_table(rows), 60, 0)
    shuffled = reduce(rows_table(rows[::-1]), 60, 0)  # ids falling: found by grouping
    assert list(shaped.live.index) == ids == list(shuffled.live.index)
    assert shaped.live["rows"].tolist() == list(range(50)) == shuffled.live["rows"].tolist()
    assert [json.loads(m)["rows"] for m in shaped.column("meta")] == list(range(50))
    assert (
        shaped.dead.values.tolist()
        == shuffled.dead.values.tolist()
        == [["cycles", "tables/b.parquet", ids[3]]]
    )


def info(capsys: pytest.CaptureFixture[str], root: Path, *json_out: str) -> Any:
    code = main(["store", "info", "--store", str(root), *json_out])
    out, err = capsys.readouterr()
    assert code == 0
    return json.loads(out) if json_out else " ".join(err.split())


def expected_form(root: Path) -> dict[str, Any]:
    """The catalog's form by pyarrow alone: the latest checkpoint's mark, puts and row groups, the segments after it."""
    names = sorted(p.name for p in (root / CATALOG).glob("[cv]*.parquet"))
    last = [n for n in names if n.startswith("c")][-1]
    meta = pq.read_metadata(root / CATALOG / last)
    mark = (meta.metadata or {}).get(b"gwangyang.catalog")
    return {
        "form": 1 if mark is None else int(mark),
        "checkpoint_version": int(last[1:13]),
        "checkpoint_cells": sum(
            1 for r in pq.read_table(root / CATALOG / last).to_pylist() if r["op"] == "put"
        ),
        "checkpoint_row_groups": meta.num_row_groups,
        "log_files": sum(1 for n in names if n.startswith("v") and int(n[1:13]) > int(last[1:13])),
    }


def test_store_info_names_the_catalog_form_in_both_forms(
    built_korean: tuple[Path, list[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = tmp_path / "new"
    korean_copy(built_korean, root, monkeypatch)
    new = info(capsys, root, "--json")["catalog"]
    assert new == expected_form(root)
    assert new == {  # 600 cells less 7 deleted; groups of 50 over them and the dead rows
        "form": 2,
        "checkpoint_version": 4 + 7,  # three puts of 200, one of replacements, seven deletes
        "checkpoint_cells": 593,
        "checkpoint_row_groups": -(-pq.read_metadata(next((root / CATALOG).glob("c*"))).num_rows // 50),
        "log_files": 0,
    }
    assert "catalog form 2 (current); checkpoint v11: 593 cells in" in info(capsys, root)
    put(Store(root), [formation_cell("새 셀", "로트9", 1, rows=6)])
    assert info(capsys, root, "--json")["catalog"] == {**new, "log_files": 1} == expected_form(root)

    old = tmp_path / "old"
    shutil.copytree(root, old)
    first_form(old)
    got = info(capsys, old, "--json")["catalog"]
    assert got == expected_form(old) and (got["form"], got["checkpoint_row_groups"]) == (1, 1)
    assert got["checkpoint_cells"] == 594 and got["checkpoint_version"] == 12 and got["log_files"] == 0
    assert "catalog form 1 (old: `gwangyang store migrate` upgrades it); checkpoint v12: 594 cells" in info(
        capsys, old
    )
    assert migrate(capsys, old)["catalog"] == "upgraded"
    upgraded = info(capsys, old, "--json")["catalog"]
    rows = pq.read_metadata(next((old / CATALOG).glob("c*"))).num_rows  # 594 cells, the dead rows
    assert upgraded == {**got, "form": 2, "checkpoint_row_groups": -(-rows // 50)} == expected_form(old)


def test_store_info_of_a_catalog_of_segments_only(
    store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    put(Store(store_dir), [formation_cell(f"셀-{k}", "L", k, rows=6) for k in range(3)])
    put(Store(store_dir), [formation_cell("셀-9", "L", 9, rows=6)])
    assert sorted(p.name for p in (store_dir / CATALOG).iterdir()) == [
        "v000000000001.parquet",
        "v000000000002.parquet",
    ]
    assert info(capsys, store_dir, "--json")["catalog"] == {
        "form": None,
        "checkpoint_version": 0,
        "checkpoint_cells": 0,
        "checkpoint_row_groups": 0,
        "log_files": 2,
    }
    assert "catalog no checkpoint yet, 2 log files" in info(capsys, store_dir)


def migrated(capsys: pytest.CaptureFixture[str], root: Path) -> tuple[str, str, str]:
    """``store migrate``'s catalog word and sentence (JSON), and the sentence as text (a second run's)."""
    report = migrate(capsys, root)
    code = main(["store", "migrate", "--store", str(root)])
    _out, err = capsys.readouterr()
    assert code == 0
    return report["catalog"], report["catalog_note"], " ".join(err.split())


def test_migrate_says_what_it_did_to_the_catalog(
    built_korean: tuple[Path, list[str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = tmp_path / "new"
    korean_copy(built_korean, root, monkeypatch)  # a form-2 checkpoint at v11, nothing after it
    put(Store(root), [formation_cell("새 셀", "로트9", 1, rows=6)])
    put(Store(root), [formation_cell("새 셀 2", "로트9", 2, rows=6)])
    assert expected_form(root)["log_files"] == 2 and expected_form(root)["form"] == 2
    word, note, text = migrated(capsys, root)
    assert (word, note) == ("folded", "already form 2; folded 2 log files into checkpoint v13")
    after = expected_form(root)  # by pyarrow alone
    assert (after["form"], after["checkpoint_version"], after["log_files"]) == (2, 13, 0)
    assert "catalog current" in text and "catalog_note already form 2; nothing to do" in text

    old = tmp_path / "old"
    shutil.copytree(root, old)
    first_form(old)  # form 1 at v13, 595 cells
    put(Store(old), [formation_cell("셋째", "로트9", 3, rows=6)])
    word, note, _text = migrated(capsys, old)
    assert word == "upgraded" and note == (
        "upgraded from form 1 to form 2 (checkpoint v13, 595 cells), and folded 1 log file: checkpoint v14"
    )
    assert expected_form(old)["form"] == 2 and expected_form(old)["checkpoint_cells"] == 596

    segments = tmp_path / "segments"
    put(Store(segments), [formation_cell(f"셀-{k}", "L", k, rows=6) for k in range(3)])
    put(Store(segments), [formation_cell("셀-9", "L", 9, rows=6)])
    word, note, _text = migrated(capsys, segments)
    assert (word, note) == ("folded", "no checkpoint yet; folded 2 log files into checkpoint v2 (form 2)")
    assert expected_form(segments)["checkpoint_cells"] == 4
