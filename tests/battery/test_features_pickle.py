"""Model files pickled before the feature code was split still load: they name ``gwangyang.battery.features``.

A fitted life model is a pickled ``SeversonFeatures → CycleLifeRegressor`` pipeline, and pickle names
each class by module path. Model files written before the feature code was split into
``features_*`` modules name ``gwangyang.battery.features.SeversonFeatures`` and no other name of
the feature code, so that module must keep providing the class. The old-path pickles here are built
with that path written out, whatever module the class is defined in now.
"""

from __future__ import annotations

import pickle
import pickletools
from pathlib import Path

import numpy as np
import pytest
import sklearn
from sklearn.pipeline import Pipeline

from gwangyang.battery.features import SeversonFeatures
from gwangyang.battery.features_cell import cell_features
from gwangyang.battery.life import make_life_model
from gwangyang.battery.modelfile import MAGIC, load_model, save_model
from gwangyang.battery.severson import EarlyLifeSet, load_severson
from tests.conftest import SHARED

OLD_PATH = "gwangyang.battery.features"
"""Module that model files written before the split name for ``SeversonFeatures``."""

OLD_GLOBAL = f"c{OLD_PATH}\nSeversonFeatures\n".encode()
"""The pickle GLOBAL opcode (protocols 0-2) that loads ``SeversonFeatures`` from :data:`OLD_PATH`."""


@pytest.fixture(scope="module")
def splits() -> tuple[EarlyLifeSet, EarlyLifeSet]:
    root = SHARED / "battery" / "severson"
    return load_severson(root, split="train", require_life=True), load_severson(root, split="test1")


@pytest.fixture(scope="module")
def fitted(splits: tuple[EarlyLifeSet, EarlyLifeSet]) -> Pipeline:
    train, _ = splits
    return make_life_model("charging").fit(train.cells, train.cycle_life)  # multipair + policy


def _old_path_pickle(obj: object) -> bytes:
    """``obj`` pickled (protocol 2) so that ``SeversonFeatures`` is loaded from :data:`OLD_PATH`."""
    body = pickle.dumps(obj, protocol=2)
    current = f"c{SeversonFeatures.__module__}\nSeversonFeatures\n".encode()
    assert body.count(current) == 1
    body = body.replace(current, OLD_GLOBAL)
    assert OLD_GLOBAL in body
    return body


def _gwangyang_globals(body: bytes) -> set[str]:
    """``module.name`` of every gwangyang class or function a pickle loads."""
    memo: dict[int, object] = {}
    values: list[object] = []
    names: set[str] = set()
    for opcode, arg, _ in pickletools.genops(body):
        if opcode.name in ("SHORT_BINUNICODE", "BINUNICODE", "UNICODE"):
            values.append(arg)
        elif opcode.name == "MEMOIZE":
            memo[len(memo)] = values[-1] if values else None
        elif opcode.name in ("BINGET", "LONG_BINGET") and isinstance(arg, int):
            values.append(memo.get(arg))
        elif opcode.name == "STACK_GLOBAL":
            names.add(f"{values[-2]}.{values[-1]}")
            values.append(None)
        elif opcode.name == "GLOBAL" and isinstance(arg, str):
            names.add(arg.replace(" ", "."))
        else:
            values.append(None)
    return {name for name in names if name.startswith("gwangyang.")}


def test_model_file_naming_the_old_module_loads_and_predicts_the_same(
    tmp_path: Path, fitted: Pipeline, splits: tuple[EarlyLifeSet, EarlyLifeSet]
) -> None:
    _, test = splits
    path = tmp_path / "old.gwm"
    save_model(path, fitted, "charging", "charging", "0" * 64)
    data = path.read_bytes()
    header_end = data.index(b"\n", len(MAGIC)) + 1
    path.write_bytes(data[:header_end] + _old_path_pickle(fitted))
    loaded = load_model(path).model
    assert isinstance(loaded[0], SeversonFeatures)
    features = loaded[:-1].transform(test.cells)
    np.testing.assert_array_equal(features, fitted[:-1].transform(test.cells))
    # The loaded transformer computes what cell_features gives cell by cell.
    by_cell = [list(cell_features(cell, "charging").values()) for cell in test.cells]
    np.testing.assert_array_equal(features, np.asarray(by_cell))
    for got, expected in zip(
        loaded[-1].predict_interval(features), fitted[-1].predict_interval(features), strict=True
    ):
        np.testing.assert_array_equal(got, expected)
    assert len(test.cells) == 43


def test_transformer_pickled_before_the_voltage_window_existed(
    splits: tuple[EarlyLifeSet, EarlyLifeSet],
) -> None:
    # Such a transformer has no dq_window attribute; it reads every Q(V) row (window None).
    _, test = splits
    state = {**vars(SeversonFeatures("variance").fit(None)), "_sklearn_version": sklearn.__version__}
    del state["dq_window"]
    opcodes = pickle.dumps(state, protocol=2)
    body = b"\x80\x02" + OLD_GLOBAL + b")\x81" + opcodes[2:-1] + b"b."  # NEWOBJ, BUILD(state), STOP
    old = pickle.loads(body)
    assert not hasattr(old, "dq_window")
    expected = SeversonFeatures("variance", dq_window=None).fit(None).transform(test.cells[:5])
    np.testing.assert_array_equal(old.transform(test.cells[:5]), expected)


def test_new_model_files_name_the_same_module(tmp_path: Path, fitted: Pipeline) -> None:
    # So that a model file written now also loads with the code from before the split.
    path = tmp_path / "new.gwm"
    save_model(path, fitted, "charging", "charging", "0" * 64)
    data = path.read_bytes()
    body = data[data.index(b"\n", len(MAGIC)) + 1 :]
    assert _gwangyang_globals(body) == {
        f"{OLD_PATH}.SeversonFeatures",
        "gwangyang.battery.life.CycleLifeRegressor",
    }
