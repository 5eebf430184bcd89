"""``--model auto``: the early-life model chosen by cross-validation on the training cells only."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
from sklearn.linear_model import ElasticNetCV
from sklearn.model_selection import KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from typer.testing import CliRunner

from gwangyang.battery.features import SeversonFeatures
from gwangyang.battery.life import L1_RATIOS, PENALTY_FOLDS
from gwangyang.battery.life_fit import fit_life, predict_life
from gwangyang.battery.life_select import select_life_model
from gwangyang.battery.modelfile import read_header
from gwangyang.battery.severson import EarlyLifeSet, load_severson
from gwangyang.cli.main import app
from gwangyang.errors import InputError
from tests.conftest import SHARED

SEVERSON = SHARED / "battery" / "severson"
FEW = ("variance", "robust")
"""A short candidate list, so that the default test run stays quick (the full list: the slow test)."""


@pytest.fixture(scope="module")
def train() -> EarlyLifeSet:
    return load_severson(SEVERSON, split="train", require_life=True).sorted()


def _paper_net_rmse_by_batch(data: EarlyLifeSet, feature_set: str) -> float:
    """Leave-one-batch-out RMSE of the paper's elastic net, built here from scikit-learn alone."""
    x = np.asarray(SeversonFeatures(feature_set=feature_set).fit(data.cells).transform(data.cells))
    batches = data.table["batch"].astype(str).to_numpy()
    life = data.cycle_life
    predicted = np.empty(len(life))
    for batch in sorted(set(batches)):
        held = batches == batch
        net = make_pipeline(
            StandardScaler(),
            ElasticNetCV(
                l1_ratio=list(L1_RATIOS),
                cv=KFold(PENALTY_FOLDS, shuffle=True, random_state=0),
                max_iter=100_000,
                precompute=True,
            ),
        ).fit(x[~held], np.log10(life[~held]))
        predicted[held] = 10.0 ** net.predict(x[held])
    return float(np.sqrt(np.mean((predicted - life) ** 2)))


def test_auto_scores_each_candidate_on_the_batch_it_did_not_see(train: EarlyLifeSet) -> None:
    selection = select_life_model(train, candidates=FEW)
    assert selection["folds_by"] == "batch"
    scores = selection["cv_rmse_cycles"]
    assert set(scores) == set(FEW)
    # Each score is the error of a model fitted on one 2017 batch and scored on the other.
    for name in ("variance", "robust"):
        assert scores[name] == pytest.approx(_paper_net_rmse_by_batch(train, name), rel=1e-9)
    assert selection["chosen"] == min(scores, key=scores.__getitem__)
    # Two batches: each outer fold trains on one batch and chooses by charging policy inside it.
    assert len(selection["outer_choices"]) == 2
    assert set(selection["outer_choices"]) <= set(FEW)
    assert selection["nested_rmse_cycles"] > 0
    assert selection["refused"] == {}


def test_auto_fits_the_chosen_model_as_if_named(
    train: EarlyLifeSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gwangyang.battery.life_select as life_select

    monkeypatch.setattr(life_select, "SELECTION_CANDIDATES", ("variance", "charging"))
    steps: list[tuple[int, int]] = []
    auto = fit_life(train, "auto", out=tmp_path / "auto.glm", progress=lambda d, t: steps.append((d, t)))
    assert steps[-1][0] == steps[-1][1] == 2 + 2  # features of each candidate, then 2 outer folds
    chosen = auto["model"]
    assert chosen == auto["selection"]["chosen"]
    named = fit_life(train, chosen, out=tmp_path / "named.glm")
    folder = str(SEVERSON)  # cells.csv there gives each cell its charging policy
    by_auto = predict_life(tmp_path / "auto.glm", [folder])
    by_name = predict_life(tmp_path / "named.glm", [folder])
    assert [r["predicted_cycle_life"] for r in by_auto] == [r["predicted_cycle_life"] for r in by_name]
    assert [r["upper"] for r in by_auto] == [r["upper"] for r in by_name]
    assert read_header(tmp_path / "auto.glm")["info"]["selection"]["chosen"] == chosen
    assert named["model"] == chosen


def test_auto_without_batches_or_policies_folds_at_random_and_refuses_charging(train: EarlyLifeSet) -> None:
    bare = EarlyLifeSet(
        [dataclasses.replace(cell, policy=None) for cell in train.cells],
        train.table.drop(columns=["batch", "policy"]),
    )
    selection = select_life_model(bare, candidates=("variance", "charging"))
    assert selection["folds_by"] == "shuffled"
    assert set(selection["cv_rmse_cycles"]) == {"variance"}
    assert "charging policy" in selection["refused"]["charging"]
    assert len(selection["outer_choices"]) == 5


def test_auto_refuses_what_it_cannot_do(train: EarlyLifeSet) -> None:
    with pytest.raises(InputError, match="candidate 'nonsense'"):
        select_life_model(train, candidates=("nonsense",))
    with pytest.raises(InputError, match="at least 10"):
        select_life_model(train.subset(np.arange(len(train.cells)) < 8), candidates=FEW)
    bare = EarlyLifeSet([dataclasses.replace(cell, policy=None) for cell in train.cells], train.table)
    with pytest.raises(InputError, match="no candidate model can use these cells"):
        select_life_model(bare, candidates=("charging",))


def test_auto_on_the_command_line_says_what_it_chose(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gwangyang.battery.life_select as life_select

    monkeypatch.setattr(life_select, "SELECTION_CANDIDATES", FEW)
    out = tmp_path / "수명.glm"
    args = ["battery", "life", "fit", str(SEVERSON), "--split", "train", "--model", "auto", "--out", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    chosen = read_header(out)["info"]["selection"]["chosen"]
    assert f"chose {chosen} (cross-validated RMSE, one fold per batch: " in result.output
    assert f"fitted {chosen} on 41 cells" in result.output


@pytest.mark.slow
def test_auto_on_the_command_line_chooses_among_every_candidate(tmp_path: Path) -> None:
    out = tmp_path / "모델.glm"
    result = CliRunner().invoke(
        app,
        [
            "battery",
            "life",
            "fit",
            str(SEVERSON),
            "--split",
            "train",
            "--model",
            "auto",
            "--out",
            str(out),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    selection = summary["selection"]
    assert len(selection["cv_rmse_cycles"]) == 7
    assert summary["model"] == min(selection["cv_rmse_cycles"], key=selection["cv_rmse_cycles"].__getitem__)
    assert out.is_file()
