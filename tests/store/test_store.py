import json
import multiprocessing
import shutil
from pathlib import Path

import pandas as pd
import pytest

from gwangyang.battery.ingest import ingest
from gwangyang.errors import InputError, NotFoundError, StoreError
from gwangyang.store import Store
from gwangyang.store.store import shard
from tests.helpers import ARBIN
from tests.store.first_layout import first_layout_store


def test_store_path_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GWANGYANG_HOME", str(tmp_path / "home"))
    assert Store().root == (tmp_path / "home").resolve()
    assert Store(tmp_path / "explicit").root == (tmp_path / "explicit").resolve()
    monkeypatch.delenv("GWANGYANG_HOME")
    monkeypatch.chdir(tmp_path)
    assert Store().root == (tmp_path / "gwangyang-data").resolve()


def test_cell_ids_cannot_escape_the_store(store_dir: Path) -> None:
    store = Store(store_dir)
    for bad in ["../etc", "a/b", "..", ""]:
        with pytest.raises(InputError, match="cell id"):
            store.cell_dir(bad)
    assert store.cell_dir("ok").parent.name == shard("ok")


def _hold_lock(root: str, ready, release) -> None:  # type: ignore[no-untyped-def]
    with Store(root).write_lock():
        ready.set()
        release.wait(30)


def test_one_writer_at_a_time_and_readers_need_no_lock(store_dir: Path) -> None:
    store = Store(store_dir)
    ingest([ARBIN / "FastCharge_000025_CH8.csv"], store=store)
    ctx = multiprocessing.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(str(store.root), ready, release))
    holder.start()
    try:
        assert ready.wait(30)
        with pytest.raises(StoreError, match="another process is writing"):
            ingest([ARBIN / "2017-05-09_test-TC-contact_CH33.csv"], store=store)
        # Readers carry on while another process holds the writer lock.
        assert store.cells()["cell_id"].tolist() == ["FastCharge_000025_CH8"]
        counted = store.sql("SELECT count(*) AS n FROM cells_timeseries")["n"].iloc[0]
        assert counted == store.meta("FastCharge_000025_CH8")["rows"]
    finally:
        release.set()
        holder.join(30)


def test_query_api_returns_pandas_and_arrow(store_dir: Path) -> None:
    store = Store(store_dir)
    ingest([ARBIN / "FastCharge_000025_CH8.csv"], store=store)
    cycles = store.cycles("FastCharge_000025_CH8")
    assert isinstance(cycles, pd.DataFrame)
    arrow = store.arrow("FastCharge_000025_CH8", "timeseries", columns=["test_time_s", "voltage_v"])
    assert arrow.column_names == ["test_time_s", "voltage_v"]
    by_sql = store.sql("SELECT cycle_index, discharge_capacity_ah FROM cells_cycles ORDER BY cycle_index")
    assert by_sql["discharge_capacity_ah"].tolist() == pytest.approx(cycles["discharge_capacity_ah"].tolist())
    with pytest.raises(NotFoundError, match="nope"):
        store.cycles("nope")
    with pytest.raises(InputError, match="table"):
        store.table("FastCharge_000025_CH8", "secrets")
    with pytest.raises(InputError, match="query"):
        store.sql("SELECT * FROM no_such_table")


def test_recover_restores_a_cell_caught_between_renames(store_dir: Path) -> None:
    first_layout_store(store_dir, [ARBIN / "FastCharge_000025_CH8.csv"])
    store = Store(store_dir)
    cell = store.cell_dir("FastCharge_000025_CH8")
    trash = store.root / "trash"
    trash.mkdir()
    shutil.move(cell, trash / "x")  # as if killed after moving the old version out
    (store.root / "staging" / "junk").mkdir(parents=True)
    with store.write_lock():
        store.recover()
    assert json.loads((cell / "meta.json").read_text())["cell_id"] == "FastCharge_000025_CH8"
    assert not (store.root / "staging").exists()


# ---- issue 16: orphaned workers, half-committed cells, quoted paths ---------------------------------


def _report_pid_and_sleep(folder: str) -> int:
    import os
    import time

    Path(folder, f"{os.getpid()}.pid").write_text("")
    time.sleep(120)
    return 0


def _alive(pid: int) -> bool:
    import os

    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (killed, not yet reaped by init) holds nothing
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def test_killed_parent_leaves_no_worker_holding_the_write_lock(store_dir: Path) -> None:
    # `kill -9` of `battery ingest --executor processes` used to leave its forked workers alive,
    # re-parented, holding .write.lock: every later writer failed for minutes.
    import os
    import signal
    import subprocess
    import sys
    import time

    from gwangyang.store.lock import WriteLock

    pids = store_dir.parent / "pids"
    pids.mkdir()
    root = Path(__file__).resolve().parents[2]
    script = (
        "import sys\n"
        "from gwangyang.compute import ProcessExecutor\n"
        "from gwangyang.store import Store\n"
        "from tests.store.test_store import _report_pid_and_sleep\n"
        "with Store(sys.argv[1]).write_lock():\n"
        "    ProcessExecutor(workers=2, batch_size=1).map(_report_pid_and_sleep, [sys.argv[2]] * 2)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root / "src"), str(root)])}
    parent = subprocess.Popen([sys.executable, "-c", script, str(store_dir), str(pids)], cwd=root, env=env)
    try:
        while len(list(pids.glob("*.pid"))) < 2:  # both workers started, inside the lock
            assert parent.poll() is None
            time.sleep(0.1)
        workers = [int(p.stem) for p in pids.glob("*.pid")]
        with pytest.raises(StoreError, match="another process is writing"):
            ingest([ARBIN / "FastCharge_000025_CH8.csv"], store=Store(store_dir))
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        with WriteLock(store_dir, wait=60):  # free again once the parent is gone
            pass
        deadline = time.monotonic() + 60
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(_alive(pid) for pid in workers), "pool workers outlived their parent"
    finally:
        parent.kill()
        parent.wait()


def test_opening_a_store_recovers_a_cell_caught_between_renames(store_dir: Path) -> None:
    # a first-layout store whose writer was killed between its two commit renames
    first_layout_store(store_dir, [ARBIN / "FastCharge_000025_CH8.csv"])
    store = Store(store_dir)
    cell = store.cell_dir("FastCharge_000025_CH8")
    (store.root / "trash").mkdir()
    shutil.move(cell, store.root / "trash" / "x")  # killed between the two commit renames
    reader = Store(store_dir)  # a reader (the API, `battery cells`), with no writer running
    assert reader.cells()["cell_id"].tolist() == ["FastCharge_000025_CH8"]
    assert not any((store.root / "trash").iterdir())


def test_a_writer_mid_commit_is_not_recovered_by_a_reader(store_dir: Path) -> None:
    first_layout_store(store_dir, [ARBIN / "FastCharge_000025_CH8.csv"])
    store = Store(store_dir)
    cell = store.cell_dir("FastCharge_000025_CH8")
    with store.write_lock():  # a live writer between its renames
        (store.root / "trash").mkdir()
        shutil.move(cell, store.root / "trash" / "x")
        assert Store(store_dir).cells().empty
        shutil.move(store.root / "trash" / "x", cell)
    assert Store(store_dir).cells()["cell_id"].tolist() == ["FastCharge_000025_CH8"]


def test_store_path_with_a_quote_is_queried_safely(tmp_path: Path) -> None:
    store = Store(tmp_path / "it's a store")
    ingest([ARBIN / "FastCharge_000025_CH8.csv"], store=store)
    counted = store.sql("SELECT count(*) AS n FROM cells_timeseries")["n"].iloc[0]
    assert counted == store.meta("FastCharge_000025_CH8")["rows"]


def test_a_writer_can_wait_for_the_lock(store_dir: Path) -> None:
    import threading

    from gwangyang.store.lock import WriteLock

    holder = WriteLock(store_dir)
    assert holder.try_acquire()
    with pytest.raises(StoreError, match="--wait"):
        ingest([ARBIN / "FastCharge_000025_CH8.csv"], store=Store(store_dir))
    threading.Timer(0.3, holder.release).start()
    report = ingest([ARBIN / "FastCharge_000025_CH8.csv"], store=Store(store_dir, lock_wait=60))
    assert [i["cell_id"] for i in report.ingested] == ["FastCharge_000025_CH8"]


def test_a_store_at_a_url_names_its_url_for_a_missing_cell(store_dir: Path) -> None:
    """A store read through fsspec (here its in-memory file system, standing in for S3) names its URL, not a folder.

    Before, a missing cell of ``s3://...`` was "not in store /nonexistent-remote-store." (an internal placeholder).
    """
    import fsspec

    from tests.store.test_layout import formation_cell, put

    local = Store(store_dir)
    put(local, [formation_cell("셀-1", "로트", 1, rows=9)])
    memory = fsspec.filesystem("memory")
    for path in local.root.rglob("*.parquet"):
        memory.pipe(f"/url-named/{path.relative_to(local.root).as_posix()}", path.read_bytes())
    remote = Store("memory://url-named")
    assert len(remote.cycles("셀-1")) == 3  # the cell is there (three cycles by construction)
    from gwangyang.battery.export import export_cell
    from gwangyang.battery.quality.monitor import check_cells

    for read in (
        remote.meta,
        remote.cycles,
        remote.delete,
        lambda cell: remote.location(cell, "cycles"),
        lambda cell: export_cell(remote, cell, "csv", store_dir / "out.csv"),
        lambda cell: check_cells(remote, [cell]),
    ):
        with pytest.raises(NotFoundError) as caught:
            read("없는-셀")
        assert str(caught.value) == "cell '없는-셀': not in store memory://url-named."
    with pytest.raises(NotFoundError) as caught:
        local.meta("없는-셀")
    assert str(caught.value) == f"cell '없는-셀': not in store {local.root}."  # a local store: its folder
