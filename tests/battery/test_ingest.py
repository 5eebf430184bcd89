import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from gwangyang.battery.ingest import discover, group_files, ingest
from gwangyang.battery.stitch import stitch_key
from gwangyang.compute import DaskExecutor, ProcessExecutor
from gwangyang.errors import InputError
from gwangyang.store import Store
from tests.helpers import ARBIN, arbin_copies

FASTCHARGE = ARBIN / "FastCharge_000025_CH8.csv"


def snapshot(store: Store) -> dict[str, tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]]:
    return {
        m["cell_id"]: (store.timeseries(m["cell_id"]), store.cycles(m["cell_id"]), store.curves(m["cell_id"]))
        for m in store.metas()
    }


def test_discover_skips_companions_and_groups_by_stitch_key(tmp_path: Path) -> None:
    files = discover([ARBIN])
    assert all(not f.name.endswith("_Metadata.csv") for f in files)
    assert stitch_key(Path("CS2_35_10_15_10.xlsx")) == "CS2_35"
    assert stitch_key(Path("FastCharge_000025_CH8.csv")) == "FastCharge_000025_CH8"
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for folder in ("a", "b"):
        for name in ("cell_1_2_10.csv", "cell_1_3_10.csv"):
            (tmp_path / folder / name).write_text("x")
    groups = group_files(discover([tmp_path]))
    assert sorted(groups) == ["a_cell", "b_cell"]
    assert all(len(v) == 2 for v in groups.values())
    with pytest.raises(InputError, match="no such file or folder"):
        discover([tmp_path / "missing"])


def test_same_file_twice_is_a_no_op(store_dir: Path) -> None:
    store = Store(store_dir)
    first = ingest([FASTCHARGE], store=store)
    assert [i["cell_id"] for i in first.ingested] == ["FastCharge_000025_CH8"]
    before = (store.cell_dir("FastCharge_000025_CH8") / "meta.json").read_text()
    second = ingest([FASTCHARGE], store=store)
    assert second.ingested == [] and len(second.skipped) == 1
    assert "already in store" in second.skipped[0]["reason"]
    assert (store.cell_dir("FastCharge_000025_CH8") / "meta.json").read_text() == before


def test_bad_files_fail_alone_and_leave_the_store_unchanged(tmp_path: Path, store_dir: Path) -> None:
    store = Store(store_dir)
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(os.urandom(4096))
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    report = ingest([FASTCHARGE, garbage, empty], store=store)
    assert [i["cell_id"] for i in report.ingested] == ["FastCharge_000025_CH8"]
    assert {Path(f["file"]).name for f in report.failed} == {"garbage.csv", "empty.csv"}
    for failure in report.failed:
        assert "\n" not in failure["error"] and Path(failure["file"]).name in failure["error"]
    assert [m["cell_id"] for m in store.metas()] == ["FastCharge_000025_CH8"]
    assert not (store.root / "staging").exists()


def test_parallel_back_ends_give_identical_tables(tmp_path: Path) -> None:
    files = arbin_copies(tmp_path / "in", 6)
    serial = Store(tmp_path / "serial")
    ingest(files, store=serial)
    expected = snapshot(serial)
    assert len(expected) == 6
    for name, executor in (
        ("processes", ProcessExecutor(workers=2, batch_size=2)),
        ("dask", DaskExecutor(workers=2, batch_size=2)),
    ):
        store = Store(tmp_path / name)
        try:
            report = ingest(files, store=store, executor=executor)
        finally:
            executor.close()
        assert report.ok and len(report.ingested) == 6
        got = snapshot(store)
        assert sorted(got) == sorted(expected)
        for cell, tables in expected.items():
            for ours, theirs in zip(got[cell], tables, strict=True):
                pd.testing.assert_frame_equal(ours, theirs)


def test_sigkill_mid_ingest_leaves_no_partial_cell_and_a_rerun_completes(tmp_path: Path) -> None:
    files = arbin_copies(tmp_path / "in", 40)
    store = Store(tmp_path / "store")
    cmd = [
        sys.executable,
        "-m",
        "gwangyang",
        "battery",
        "ingest",
        str(tmp_path / "in"),
        "--store",
        str(store.root),
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # Kill it as soon as some, but not all, cells have landed.
    while proc.poll() is None and len(list(store.cells_dir.glob("*/*/meta.json"))) < 3:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    landed = store.metas()
    assert 0 < len(landed) < len(files), "the kill should land half-way"
    for meta in landed:  # every cell that is there is whole and readable
        assert len(store.timeseries(meta["cell_id"])) == meta["rows"]
        assert len(store.cycles(meta["cell_id"])) == meta["cycles"]
    rerun = ingest([tmp_path / "in"], store=store)
    assert rerun.ok
    assert len(rerun.ingested) + len(landed) == len(files)
    assert len(store.metas()) == len(files)
    assert not (store.root / "staging").exists()
