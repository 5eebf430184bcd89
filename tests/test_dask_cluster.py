"""Batch services on a real Dask cluster: a ``dask scheduler`` and two ``dask worker`` processes started as separate
processes (as on a site's machines, not a ``LocalCluster``) give the same numbers as the serial executor."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from gwangyang.battery import service as battery
from gwangyang.compute import DaskExecutor, SerialExecutor
from gwangyang.errors import InputError
from gwangyang.port import service as port
from gwangyang.store import Store
from tests.conftest import CYCLERS, SHARED

pytest.importorskip("distributed")

SRC = Path(__file__).resolve().parents[1] / "src"
DASK = Path(sys.executable).with_name("dask")


def _start(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), str(SRC.parent), os.environ.get("PYTHONPATH", "")]),
    }
    with log.open("wb") as out:
        return subprocess.Popen([str(DASK), *args], stdout=out, stderr=subprocess.STDOUT, env=env)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The address of a scheduler with two single-threaded workers, each its own process."""
    if not DASK.exists():
        pytest.skip("the dask command is not installed")
    folder = tmp_path_factory.mktemp("dask")
    scheduler_file = folder / "scheduler.json"
    processes = [
        _start(
            [
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--no-dashboard",
                "--scheduler-file",
                str(scheduler_file),
            ],
            folder / "scheduler.log",
        )
    ]
    try:
        while not scheduler_file.exists():  # the scheduler writes its address once it listens
            assert processes[0].poll() is None, (folder / "scheduler.log").read_text()
            time.sleep(0.1)
        for k in range(2):
            processes.append(
                _start(
                    ["worker", "--scheduler-file", str(scheduler_file), "--nthreads", "1", "--no-dashboard"],
                    folder / f"worker{k}.log",
                )
            )
        address = json.loads(scheduler_file.read_text())["address"]
        from distributed import Client

        with Client(address) as client:
            client.wait_for_workers(2)
            assert len(client.scheduler_info()["workers"]) == 2
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            process.wait()


def test_port_comparison_on_dask_equals_serial(cluster: str) -> None:
    args = ("gwangyang-today", "gwangyang-automated", 2.0, 4, 3)
    serial = port.compare(*args, executor=SerialExecutor())
    executor = DaskExecutor(address=cluster, batch_size=1)
    try:
        on_dask = port.compare(*args, executor=executor)
        ran_on = set(executor.client.run(os.getpid).values())
    finally:
        executor.close()
    assert on_dask == serial
    assert len(ran_on) == 2 and os.getpid() not in ran_on  # two worker processes, not this one
    # the paired difference is B - A of the two means
    teu = serial["kpis"]["teu"]
    assert teu["diff_mean"] == pytest.approx(teu["b_mean"] - teu["a_mean"])


def test_fleet_prediction_on_dask_equals_serial(cluster: str, tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    files = [
        SHARED / "battery" / "calce" / "CS2_35" / "CS2_35_11_01_10.xlsx",
        CYCLERS / "arbin" / "FastCharge_000025_CH8.csv",
        CYCLERS / "arbin" / "FastCharge_000025_CH8_Metadata.csv",
    ]
    assert not battery.ingest_files(store, files).failed
    serial = battery.fleet_health(store, SerialExecutor())
    executor = DaskExecutor(address=cluster, batch_size=1)
    try:
        on_dask = battery.fleet_health(store, executor)
    finally:
        executor.close()
    assert on_dask == serial and "CS2_35" in serial
    # each row is the cell's own health report, computed here without any executor; a cell too short for one
    # (FastCharge's few cycles with a positive capacity) is left out
    for meta in store.metas():
        cell_id = meta["cell_id"]
        try:
            report = battery.cell_health(store, cell_id)
        except InputError:
            assert cell_id not in serial
            continue
        row = serial[cell_id]
        assert row["soh_last"] == report["soh"][-1] and row["eol_cycle"] == report["rul"]["eol_cycle"]


def test_factory_scoring_of_many_files_on_dask_equals_serial(cluster: str, tmp_path: Path) -> None:
    from gwangyang import samples
    from gwangyang.factory import service as factory
    from gwangyang.factory.io import TEP_TIME_COLUMN

    normal = samples.sample_file("factory", samples.TEP_NORMAL)
    fault = samples.sample_file("factory", samples.TEP_FAULT)
    _, monitor, _ = factory.fit_monitor(normal, TEP_TIME_COLUMN)
    path = monitor.save(tmp_path / "tep.npz")
    serial = factory.score_many([normal, fault], path, SerialExecutor())
    executor = DaskExecutor(address=cluster, batch_size=1)
    try:
        on_dask = factory.score_many([normal, fault], path, executor)
    finally:
        executor.close()
    assert on_dask == serial
    assert [d["summary"]["rows"] for d in serial] == [500, 960]  # the TEP runs' lengths (Braatz d00, d01_te)
