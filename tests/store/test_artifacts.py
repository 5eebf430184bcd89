"""``gwangyang.store.artifacts``: one name check, atomic JSON writes, list/load/save per kind, job records."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from gwangyang.errors import InputError, NotFoundError
from gwangyang.files import atomic_write, jsonable
from gwangyang.store import Store, artifacts


@pytest.mark.parametrize("name", ["demo", "tep-pca", "v1.2_b", "광양-모델", "셀_01"])
def test_plain_names_of_any_script_pass(name: str) -> None:
    assert artifacts.check_name(name) == name


@pytest.mark.parametrize(
    "name", ["", ".hidden", "../x", "a/b", "a\\b", "a..b", "x" * 81, "a b", "a\nb", "ab\n"]
)
def test_names_that_could_leave_their_folder_are_refused(name: str) -> None:
    with pytest.raises(InputError, match="expected a plain name of up to 80 letters"):
        artifacts.check_name(name, "model name")


def test_save_load_list_per_kind(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    assert artifacts.names(store, "berth-plan") == []
    with pytest.raises(NotFoundError, match="berth-plan '광양'"):
        artifacts.load(store, "berth-plan", "광양")
    document = {"objective": 12.5, "gap": float("nan"), "vessels": np.arange(3), "name": "광양"}
    path = artifacts.save(store, "berth-plan", "광양", document)
    assert path == store.root / "port" / "plans" / "광양.json"
    assert artifacts.load(store, "berth-plan", "광양") == {
        "objective": 12.5,
        "gap": None,
        "vessels": [0, 1, 2],
        "name": "광양",
    }
    assert "광양" in path.read_text(encoding="utf-8")  # kept readable, not \\u-escaped
    artifacts.save(store, "berth-plan", "b", {})
    assert artifacts.names(store, "berth-plan") == ["b", "광양"]
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []  # no temporary left
    artifacts.delete(store, "berth-plan", "b")
    assert artifacts.names(store, "berth-plan") == ["광양"]
    with pytest.raises(ValueError, match="kind"):
        artifacts.folder(store, "nope")


def test_paths_of_binary_artifacts_stay_in_their_folders(tmp_path: Path) -> None:
    store = Store(tmp_path)
    assert artifacts.monitor_path(store, "tep") == tmp_path / "factory" / "monitors" / "tep.npz"
    assert artifacts.life_model_path(tmp_path, "demo") == tmp_path / "models" / "life" / "demo.gwm"
    assert artifacts.campaign_dir(store, "c1") == tmp_path / "optimize" / "campaigns" / "c1"
    for bad in ("../x", "a/b"):
        with pytest.raises(InputError):
            artifacts.monitor_path(store, bad)
        with pytest.raises(InputError):
            artifacts.campaign_dir(store, bad)
    a, b = artifacts.anomaly_state_path(store, "CS2_35"), artifacts.anomaly_state_path(store, "../CS2_35")
    assert a.parent == b.parent == tmp_path / "quality" / "anomalies" and a != b


def test_job_records(tmp_path: Path) -> None:
    from gwangyang.api.jobs import JobManager

    store = Store(tmp_path)
    first = artifacts.record_job(store, "demo.port", {"days": 1.0})
    second = artifacts.record_job(store, "demo.port", {"days": 2.0, "bad": float("inf")})
    assert artifacts.latest_job(store, "demo.port")["id"] in {first["id"], second["id"]}  # type: ignore[index]
    assert artifacts.latest_job(store, "factory.score") is None
    # the API's job runner reads the same records
    jobs = JobManager(tmp_path)
    try:
        assert jobs.get(second["id"])["result"] == {"days": 2.0, "bad": None}
    finally:
        jobs.shutdown()
    with pytest.raises(InputError, match="32 hex digits"):
        artifacts.job_path(store, "../../etc/passwd")


def test_one_json_encoder() -> None:
    import pandas as pd

    value = {
        "a": np.float32(1.5),
        "b": np.int64(3),
        "c": [math.nan, math.inf, 1.0],
        "d": pd.Timestamp("2024-01-01"),
        "e": (1, 2),
        "f": np.bool_(True),
        "g": Path("x/y"),
    }
    assert jsonable(value) == {
        "a": 1.5,
        "b": 3,
        "c": [None, None, 1.0],
        "d": "2024-01-01T00:00:00",
        "e": [1, 2],
        "f": True,
        "g": "x/y",
    }
    json.dumps(jsonable(value), allow_nan=False)


def test_atomic_write_replaces_whole_files(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "file.json"
    atomic_write(target, "first")
    atomic_write(target, b"second")
    assert target.read_text() == "second"
    assert sorted(p.name for p in target.parent.iterdir()) == ["file.json"]
