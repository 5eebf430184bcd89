import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from gwangyang.battery.grouping import discover, group_files
from gwangyang.battery.ingest import COMMIT_CELLS, ingest
from gwangyang.battery.stitch import stitch_key
from gwangyang.compute import DaskExecutor, ProcessExecutor
from gwangyang.errors import InputError
from gwangyang.store import Store
from tests.helpers import ARBIN, arbin_copies

CYCLERS = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "battery" / "cyclers"

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
    before = store.meta("FastCharge_000025_CH8")
    version = store.snapshot().version
    second = ingest([FASTCHARGE], store=store)
    assert second.ingested == [] and len(second.skipped) == 1
    assert "already in store" in second.skipped[0]["reason"]
    assert store.meta("FastCharge_000025_CH8") == before
    assert store.snapshot().version == version  # nothing committed


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


# distributed's comms may drop a socket without closing it when the local cluster closes on a loaded machine (seen
# twice at load 7-10: "unclosed <socket ...>" raised in __del__); only that ResourceWarning is let pass here
@pytest.mark.filterwarnings("ignore:unclosed <socket:ResourceWarning")
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
    # Three commits' worth of cells: ingest commits every COMMIT_CELLS cells whatever the clock, so cells land in
    # steps even on a machine fast enough to build them all within COMMIT_S (40 cells did: one commit, at the end).
    files = arbin_copies(tmp_path / "in", 3 * COMMIT_CELLS)
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
    while proc.poll() is None and len(store.metas()) < 3:
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


# ---- identity ---------------------------------------------------------------------------------

MACCOR_TZ = CYCLERS / "maccor" / "PredictionDiagnostics_000109_tztest.010"
NEWARE_CSV = CYCLERS / "neware" / "nw_regular_export_ife_example.csv"
ARBIN_CSV = CYCLERS / "arbin" / "FastCharge_000025_CH8.csv"


def test_korean_file_names_give_distinct_cells_that_keep_their_names(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(ARBIN_CSV, folder / "배터리 1.csv")
    shutil.copy(NEWARE_CSV, folder / "전지 1.csv")
    store = Store(tmp_path / "store")
    report = ingest([folder], store=store)
    assert report.failed == []
    assert sorted(store.cells()["cell_id"]) == sorted(["배터리 1", "전지 1"])
    assert store.meta("배터리 1")["vendor"] == "arbin" and store.meta("전지 1")["vendor"] == "neware"


def test_same_named_file_of_another_cycler_is_refused_and_the_cell_untouched(tmp_path: Path) -> None:
    folder_a, folder_b = tmp_path / "a", tmp_path / "b"
    folder_a.mkdir()
    folder_b.mkdir()
    shutil.copy(ARBIN_CSV, folder_a / "CS2_35.csv")
    shutil.copy(NEWARE_CSV, folder_b / "CS2_35.csv")
    store = Store(tmp_path / "store")
    assert ingest([folder_a / "CS2_35.csv"], store=store).ok
    before = store.meta("CS2_35")
    report = ingest([folder_b / "CS2_35.csv"], store=store)
    assert len(report.failed) == 1 and report.failed[0]["conflict"]
    error = report.failed[0]["error"]
    assert "\n" not in error and "CS2_35" in error and "arbin" in error and "neware" in error
    assert store.meta("CS2_35") == before
    # --replace says what to do
    report = ingest([folder_b / "CS2_35.csv"], store=store, replace=True)
    assert report.ok and store.meta("CS2_35")["vendor"] == "neware"
    # and so does a cell id of its own
    report = ingest([folder_a / "CS2_35.csv"], store=store, cell_id="CS2_35 arbin")
    assert report.ok and store.meta("CS2_35 arbin")["vendor"] == "arbin"


def test_same_cycler_file_of_another_test_is_refused(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    assert ingest([MACCOR_TZ], store=store).ok
    before = store.meta(store.cells()["cell_id"].iloc[0])
    # another Maccor test saved under the same name: same cycler and channel, but it does not start
    # after the stored cell's last row
    other = tmp_path / "again" / MACCOR_TZ.name
    other.parent.mkdir()
    shutil.copy(CYCLERS / "maccor" / "PredictionDiagnostics_000151_test.052", other)
    report = ingest([other], store=store)
    assert report.failed and report.failed[0]["conflict"], report.failed
    assert "does not continue it" in report.failed[0]["error"]
    assert store.meta(before["cell_id"]) == before


def test_meta_is_strict_json_when_a_reader_keeps_nan_and_numpy_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A reader's extras may hold what the file held: a NaN setting, numpy scalars. meta.json must stay
    # strict JSON (NaN is not JSON: the API and other languages refuse it), with numbers kept as numbers.
    import importlib
    import json

    import numpy as np

    ingest_module = importlib.import_module("gwangyang.battery.build")  # where workers read files
    real = ingest_module.read_cycler

    def with_extras(*args, **kwargs):  # type: ignore[no-untyped-def]
        data = real(*args, **kwargs)
        data.extra.update({"setting": float("nan"), "flag": np.bool_(True), "count": np.int64(7)})
        return data

    monkeypatch.setattr(ingest_module, "read_cycler", with_extras)
    store = Store(tmp_path / "store")
    report = ingest([FASTCHARGE], store)
    assert not report.failed and len(report.ingested) == 1
    (cell,) = store.metas()
    json.dumps(cell, allow_nan=False)  # raises on NaN or infinity
    assert {k: cell["extra"][k] for k in ("setting", "flag", "count")} == {
        "setting": None,
        "flag": True,
        "count": 7,
    }
