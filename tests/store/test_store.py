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
    store = Store(store_dir)
    ingest([ARBIN / "FastCharge_000025_CH8.csv"], store=store)
    cell = store.cell_dir("FastCharge_000025_CH8")
    trash = store.root / "trash"
    trash.mkdir()
    shutil.move(cell, trash / "x")  # as if killed after moving the old version out
    (store.root / "staging" / "junk").mkdir(parents=True)
    with store.write_lock():
        store.recover()
    assert json.loads((cell / "meta.json").read_text())["cell_id"] == "FastCharge_000025_CH8"
    assert not (store.root / "staging").exists()
