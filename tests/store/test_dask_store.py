"""The store's datasets on Dask: a real ``dask scheduler`` and two ``dask worker`` processes give the serial answer;
the store read through fsspec URLs (``file://`` and an in-memory file system standing in for S3)."""

from __future__ import annotations

from pathlib import Path

import fsspec
import pandas as pd
import pytest

from gwangyang.battery.ingest import ingest
from gwangyang.store import Store
from gwangyang.store.fleet import fleet_features, fleet_features_serial
from tests.helpers import arbin_copies
from tests.store.test_layout import formation_cell, put
from tests.test_dask_cluster import cluster  # noqa: F401  (the fixture: scheduler + two workers)

pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def fleet_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """Real Arbin cells ingested, synthetic cells in two lots, one cell replaced (dead rows in a file)."""
    root = tmp_path_factory.mktemp("fleet")
    store = Store(root / "store")
    ingest(arbin_copies(root / "in", 3), store=store)
    put(store, [formation_cell(f"f{k:02d}", f"lot{k % 2}", k) for k in range(12)])
    put(store, [formation_cell("f05", "lot1", 500, rows=90)])
    return store


def _expected_by_hand(store: Store) -> pd.DataFrame:
    rows = {}
    for cell_id in store.cells()["cell_id"]:
        q = store.cycles(cell_id)["discharge_capacity_ah"]
        rows[cell_id] = (len(q), q.max())
    return pd.DataFrame(rows, index=["cycles", "max_discharge_capacity_ah"]).T


def test_fleet_features_on_a_dask_cluster_equal_the_serial_result(
    fleet_store: Store,
    cluster: str,  # noqa: F811
) -> None:
    serial = fleet_features_serial(fleet_store)
    assert len(serial) == 15
    by_hand = _expected_by_hand(fleet_store)
    assert serial["cycles"].tolist() == by_hand["cycles"].astype(int).tolist()
    assert serial["max_discharge_capacity_ah"].tolist() == pytest.approx(
        by_hand["max_discharge_capacity_ah"].tolist()
    )
    on_cluster = fleet_features(fleet_store, scheduler=cluster)
    pd.testing.assert_frame_equal(on_cluster, serial, check_dtype=False, rtol=1e-12)


def test_fleet_features_at_the_address_in_the_environment(
    fleet_store: Store,
    cluster: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", cluster)
    on_cluster = fleet_features(fleet_store)
    pd.testing.assert_frame_equal(
        on_cluster, fleet_features_serial(fleet_store), check_dtype=False, rtol=1e-12
    )


def test_a_store_read_through_fsspec_urls(fleet_store: Store) -> None:
    local = fleet_features_serial(fleet_store)
    by_url = Store(f"file://{fleet_store.root}")
    assert by_url.root == fleet_store.root
    pd.testing.assert_frame_equal(fleet_features(by_url), local, check_dtype=False, rtol=1e-12)
    # an object store: copy the store into fsspec's in-memory file system and read it from there
    memory = fsspec.filesystem("memory")
    for path in Path(fleet_store.root).rglob("*"):
        if path.is_file() and path.suffix == ".parquet":
            memory.pipe(f"/remote/{path.relative_to(fleet_store.root).as_posix()}", path.read_bytes())
    remote = Store("memory://remote")
    assert not remote.local
    assert remote.metas() == fleet_store.metas()
    cell = fleet_store.cells()["cell_id"].iloc[0]
    pd.testing.assert_frame_equal(remote.timeseries(cell), fleet_store.timeseries(cell))
    query = "SELECT cell_id, max(discharge_capacity_ah) AS q FROM cycles GROUP BY cell_id ORDER BY cell_id"
    pd.testing.assert_frame_equal(remote.sql(query), fleet_store.sql(query))
    pd.testing.assert_frame_equal(fleet_features(remote), local, check_dtype=False, rtol=1e-12)
    with pytest.raises(Exception, match="read-only"):
        remote.write_lock()
