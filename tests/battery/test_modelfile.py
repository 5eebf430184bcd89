"""Model files: round trip, and refusal of foreign files and other major versions."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from gwangyang.battery import modelfile
from gwangyang.battery.life import CycleLifeRegressor
from gwangyang.battery.modelfile import MAGIC, load_model, read_header, save_model
from gwangyang.errors import ModelFileError


@pytest.fixture(scope="module")
def fitted() -> tuple[CycleLifeRegressor, np.ndarray]:
    x = np.random.default_rng(0).normal(size=(24, 2))
    return CycleLifeRegressor(method="gbm").fit(x, 10 ** (2.8 + 0.2 * x[:, 0])), x


def test_round_trip_keeps_predictions_and_header(
    tmp_path: Path, fitted: tuple[CycleLifeRegressor, np.ndarray]
) -> None:
    model, x = fitted
    path = tmp_path / "life.model"
    save_model(path, model, "variance", "variance", "ab" * 32, {"cycles": [10, 100]})
    loaded = load_model(path)
    np.testing.assert_array_equal(loaded.model.predict(x), model.predict(x))
    assert (loaded.name, loaded.feature_set, loaded.training_hash) == ("variance", "variance", "ab" * 32)
    assert loaded.info["cycles"] == [10, 100]
    assert loaded.versions["scikit-learn"] is not None
    assert not (tmp_path / "life.model.part").exists()


def _rewrite_header(path: Path, change: dict[str, object]) -> None:
    data = path.read_bytes()
    start = len(MAGIC)
    end = data.index(b"\n", start)
    header = json.loads(data[start:end])
    for key, value in change.items():
        header["versions" if key != "format_version" else key] = (
            {**header["versions"], key: value} if key != "format_version" else value
        )
    path.write_bytes(data[:start] + json.dumps(header).encode() + data[end:])


@pytest.mark.parametrize("library", ["gwangyang", "scikit-learn"])
def test_other_major_version_is_refused(
    tmp_path: Path, fitted: tuple[CycleLifeRegressor, np.ndarray], library: str
) -> None:
    path = tmp_path / "old.model"
    save_model(path, fitted[0], "variance", "variance", "0" * 64)
    major = int(str(modelfile.library_versions()[library]).split(".")[0])
    _rewrite_header(path, {library: f"{major + 1}.0.0"})
    with pytest.raises(ModelFileError, match=f"saved with {library} {major + 1}.0.0; major version {major}"):
        load_model(path)


def test_foreign_and_damaged_files(tmp_path: Path, fitted: tuple[CycleLifeRegressor, np.ndarray]) -> None:
    foreign = tmp_path / "foreign.pkl"
    foreign.write_bytes(b"\x80\x04K\x01.")  # a valid pickle of the int 1, but not our file
    with pytest.raises(ModelFileError, match="not a gwangyang model file"):
        load_model(foreign)
    with pytest.raises(ModelFileError, match="no such model file"):
        load_model(tmp_path / "missing.model")
    with pytest.raises(ModelFileError, match="header is damaged"):
        (tmp_path / "bad_header.model").write_bytes(MAGIC + b"{not json\n")
        read_header(tmp_path / "bad_header.model")
    path = tmp_path / "truncated.model"
    save_model(path, fitted[0], "variance", "variance", "0" * 64)
    path.write_bytes(path.read_bytes()[:-40])
    with pytest.raises(ModelFileError, match="model data is damaged"):
        load_model(path)
    newer = tmp_path / "newer.model"
    save_model(newer, fitted[0], "variance", "variance", "0" * 64)
    _rewrite_header(newer, {"format_version": 99})
    with pytest.raises(ModelFileError, match="format 99"):
        load_model(newer)
