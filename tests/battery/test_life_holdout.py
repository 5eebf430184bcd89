"""``benchmarks/life_severson.py --holdout DIR``: the path that scores a batch the project has never seen.

Run on the shipped 12-cell sample as the "shared" cells and a folder made of its four test cells, renamed as a
new batch whose policy names carry a note: the batch the folder names is left out of the fit, each model's
figures are the numpy scoring of that model fitted on the same cells, and a note in a policy name neither stops
the charging model nor counts as a prediction beyond the training range.
"""

from __future__ import annotations

import hashlib
import importlib.util
import pickle
import shutil
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd
import pytest

from gwangyang.battery.life_fit import fit_life
from gwangyang.battery.life_predict import predict_cells
from gwangyang.battery.severson import EarlyLifeSet, load_severson
from gwangyang.errors import InputError
from gwangyang.samples import sample_dir
from tests.conftest import SHARED

BENCHMARK = Path(__file__).parents[2] / "benchmarks" / "life_severson.py"


def _benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("life_severson_benchmark", BENCHMARK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def life_benchmark() -> ModuleType:
    """The benchmark module, its ``fit_life`` remembering each fit of this module's tests.

    ``holdout_table`` fits every candidate and ``auto`` on the shared cells it keeps; the tests below call it seven
    times on two training sets (the 12 shared cells, or the 6 left when batch 6/30/17 is left out). A fit is a
    deterministic function of its training set, so it is kept under the name and a hash of the whole pickled set
    (every cell's arrays, lives, batches and policies): a table that trained on other cells misses the memo and
    fits afresh. The tests' own reference fits call :func:`fit_life` directly, never the memo.
    """
    module = _benchmark()
    memo: dict[tuple[str, bytes], dict[str, Any]] = {}

    def remembered(train: EarlyLifeSet, name: str, **kw: Any) -> dict[str, Any]:
        if kw:
            return fit_life(train, name, **kw)
        key = (name, hashlib.sha256(pickle.dumps(train)).digest())
        if key not in memo:
            memo[key] = fit_life(train, name)
        return memo[key]

    module.fit_life = remembered  # type: ignore[attr-defined]
    return module


def _folder(tmp_path: Path, batch: str, policies: bool = True) -> Path:
    folder = tmp_path / "보류 배치"
    shutil.copytree(sample_dir("severson"), folder)
    table = pd.read_csv(folder / "cells.csv")
    table = table[table["split"] == "test1"].assign(
        batch=batch, policy=lambda t: t["policy"] + " newstructure"
    )
    if not policies:
        table = table.drop(columns="policy")
    table.to_csv(folder / "cells.csv", index=False)
    shutil.rmtree(folder / "train")
    return folder


def test_holdout_scores_each_model_as_numpy_does(
    life_benchmark: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shared = load_severson(sample_dir("severson"), split="train", require_life=True).sorted()
    folder = _folder(tmp_path, "2018-99-99")
    table = life_benchmark.holdout_table(shared, folder)
    printed = capsys.readouterr().out
    assert "4 cells; fitted on 12 shared cells;" in printed and "left out" not in printed
    held = load_severson(folder, require_life=True).sorted()
    for name in ("variance", "charging"):
        rows = predict_cells(fit_life(shared, name)["pipeline"], held.cells)
        predicted = np.array([r["predicted_cycle_life"] for r in rows])
        lower, upper = np.array([r["lower"] for r in rows]), np.array([r["upper"] for r in rows])
        life = held.cycle_life
        assert table[name]["rmse_cycles"] == pytest.approx(np.sqrt(np.mean((predicted - life) ** 2)))
        assert table[name]["coverage"] == pytest.approx(np.mean((life >= lower) & (life <= upper)))
        assert table[name]["warned"] == sum(bool(r.get("beyond_training_range")) for r in rows)
    assert any(label.startswith("auto → ") for label in table)


@pytest.mark.parametrize("spelling", ["6/30/17", "2017-06-30", "06/30/2017", "2017-06-30_batchdata"])
def test_holdout_leaves_out_the_batch_the_folder_names(
    life_benchmark: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str], spelling: str
) -> None:
    """However the folder spells the batch's date, it is the shared batch 6/30/17 (MATR writes m/d/yy)."""
    shared = load_severson(sample_dir("severson"), split="train", require_life=True).sorted()
    life_benchmark.holdout_table(shared, _folder(tmp_path, spelling))
    printed = capsys.readouterr().out
    kept = int((shared.table["batch"] != "6/30/17").sum())
    assert f"fitted on {kept} shared cells (left out shared batch 6/30/17" in printed and kept == 6


@pytest.mark.slow
def test_auto_falls_back_to_the_next_of_its_ranking(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder without policies: `charging`, auto's choice on the 41 training cells, cannot predict; the auto row
    is then the next model of auto's own ranking, the same fit as that model's row (~2 minutes)."""
    shared = load_severson(SHARED / "battery" / "severson", split="train", require_life=True).sorted()
    table = _benchmark().holdout_table(shared, _folder(tmp_path, "2018-99-99", policies=False))
    printed = capsys.readouterr().out
    assert "charging" not in table and "charging cannot predict" in " ".join(printed.split())
    ranking = next(line for line in printed.splitlines() if line.startswith("  auto chose charging"))
    scores = {k: float(v) for k, v in (item.rsplit(" ", 1) for item in ranking.split(": ", 1)[1].split(", "))}
    best = min((v, k) for k, v in scores.items() if k != "charging")[1]
    assert table[f"auto → {best} (next)"] == table[best]


def test_holdout_scores_only_cells_it_has_never_seen(
    life_benchmark: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder holding the shared cells and a new batch (the whole data set with one batch added)."""
    shared = load_severson(sample_dir("severson"), split="train", require_life=True).sorted()
    folder = _folder(tmp_path, "2018-99-99")
    whole = pd.read_csv(sample_dir("severson") / "cells.csv")
    table = pd.concat([whole[whole["split"] == "train"], pd.read_csv(folder / "cells.csv")])
    table.to_csv(folder / "cells.csv", index=False)
    shutil.copytree(sample_dir("severson") / "train", folder / "train")
    module = life_benchmark
    mixed = module.holdout_table(shared, folder)
    printed = capsys.readouterr().out
    assert f"{len(shared.cells)} of its {len(shared.cells) + 4} cells are shared cells" in printed
    assert "4 cells; fitted on 12 shared cells;" in printed and "left out" not in printed
    alone = module.holdout_table(shared, folder, split="test1")
    assert "are shared cells" not in capsys.readouterr().out
    assert mixed["variance"]["rmse_cycles"] == pytest.approx(alone["variance"]["rmse_cycles"])
    only_shared = tmp_path / "shared only"
    shutil.copytree(sample_dir("severson"), only_shared)
    with pytest.raises(InputError, match="every cell is one of the shared cells"):
        module.holdout_table(shared, only_shared, split="train")


def test_holdout_leaves_cells_of_unknown_life_unscored(
    life_benchmark: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A batch with a cell still cycling (no cycle_life): the other three are scored, as numpy scores them."""
    shared = load_severson(sample_dir("severson"), split="train", require_life=True).sorted()
    folder = _folder(tmp_path, "2018-04-12")
    table = pd.read_csv(folder / "cells.csv")
    running = str(table["cell"].iloc[1])
    table.loc[1, "cycle_life"] = np.nan
    table.to_csv(folder / "cells.csv", index=False)
    scored = life_benchmark.holdout_table(shared, folder)
    printed = capsys.readouterr().out
    assert (
        f"1 cell(s) without a cycle_life are not scored: {running}" in printed
        and "3 cells; fitted on 12" in printed
    )
    held = load_severson(folder).sorted()
    held = held.subset(np.isfinite(held.cycle_life))
    rows = predict_cells(fit_life(shared, "variance")["pipeline"], held.cells)
    predicted = np.array([r["predicted_cycle_life"] for r in rows])
    assert scored["variance"]["rmse_cycles"] == pytest.approx(
        np.sqrt(np.mean((predicted - held.cycle_life) ** 2))
    )
