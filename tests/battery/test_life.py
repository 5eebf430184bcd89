"""Cycle-life regression: Severson et al. 2019 Table 1 reproduced on the real Qdlin files."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest

from gwangyang.battery.life import CycleLifeRegressor, conformal_quantile, life_metrics, make_life_model
from gwangyang.battery.severson import EarlyLifeSet, load_severson
from gwangyang.errors import InputError
from tests.conftest import SHARED

# Severson et al. 2019, Nature Energy 4:383, Table 1, variance model.
PAPER_VARIANCE = {
    "train_rmse": 103,
    "train_pct": 14.1,
    "test_rmse": 138,
    "test_pct": 14.7,
    "test_pct_no_outlier": 13.2,
}
OUTLIER_LIFE = 148  # the primary-test cell the paper also reports without
# Severson et al. 2019, Table 1, discharge model: primary-test RMSE without the 148-cycle cell.
PAPER_DISCHARGE_RMSE_NO_OUTLIER = 86


@pytest.fixture(scope="module")
def splits() -> tuple[EarlyLifeSet, EarlyLifeSet]:
    root = SHARED / "battery" / "severson"
    return load_severson(root, split="train", require_life=True), load_severson(
        root, split="test1", require_life=True
    )


def test_variance_model_reproduces_table_1(splits: tuple[EarlyLifeSet, EarlyLifeSet]) -> None:
    train, test = splits
    model = make_life_model("variance").fit(train.cells, train.cycle_life)
    fit = life_metrics(train.cycle_life, model.predict(train.cells))
    predicted, lower, upper = model[-1].predict_interval(model[:-1].transform(test.cells))
    primary = life_metrics(test.cycle_life, predicted, lower, upper)
    keep = test.cycle_life != OUTLIER_LIFE
    no_outlier = life_metrics(test.cycle_life[keep], predicted[keep])
    # Within 2 % of the paper (issue 3 acceptance); measured 103.6 / 14.13 / 138.0 / 14.75 / 13.20.
    assert fit["rmse_cycles"] == pytest.approx(PAPER_VARIANCE["train_rmse"], rel=0.02)
    assert fit["mean_percent_error"] == pytest.approx(PAPER_VARIANCE["train_pct"], rel=0.02)
    assert primary["rmse_cycles"] == pytest.approx(PAPER_VARIANCE["test_rmse"], rel=0.02)
    assert primary["mean_percent_error"] == pytest.approx(PAPER_VARIANCE["test_pct"], rel=0.02)
    assert no_outlier["mean_percent_error"] == pytest.approx(PAPER_VARIANCE["test_pct_no_outlier"], rel=0.02)
    # Nominal 90 % intervals cover the primary test within 10 points (measured 0.884).
    assert abs(primary["coverage"] - 0.9) <= 0.10


def test_extended_model_beats_the_papers_discharge_model(splits: tuple[EarlyLifeSet, EarlyLifeSet]) -> None:
    # Issue 3 benchmark goal. Measured: RMSE 84 cycles without the outlier (90 with it), coverage 0.95.
    train, test = splits
    model = make_life_model("extended").fit(train.cells, train.cycle_life)
    predicted, lower, upper = model[-1].predict_interval(model[:-1].transform(test.cells))
    keep = test.cycle_life != OUTLIER_LIFE
    assert (
        life_metrics(test.cycle_life[keep], predicted[keep])["rmse_cycles"] < PAPER_DISCHARGE_RMSE_NO_OUTLIER
    )
    assert abs(life_metrics(test.cycle_life, predicted, lower, upper)["coverage"] - 0.9) <= 0.10


def test_conformal_quantile_rank() -> None:
    # ⌈(n + 1)·0.9⌉ = 18 for n = 19: the 18th smallest |residual|.
    assert conformal_quantile(np.arange(1, 20) * -1.0, 0.9) == 18.0
    assert conformal_quantile(np.arange(1, 5), 0.9) == float("inf")  # too few to reach 90 %


def test_split_conformal_covers_on_exchangeable_data() -> None:
    # Split conformal guarantees P(y in interval) ≥ coverage for exchangeable data; averaged
    # over 12 draws (sd of the mean ≈ 0.035) the coverage of fresh points must not fall below 0.74.
    rng = np.random.default_rng(1)
    hits = []
    for seed in range(12):
        x = rng.normal(size=(60, 2))
        life = 10 ** (2.8 + 0.2 * x[:, 0] + rng.normal(scale=0.05, size=60))
        model = CycleLifeRegressor(coverage=0.8, conformal="split", calibration_size=0.5, random_state=seed)
        model.fit(x[:40], life[:40])
        _, low, high = model.predict_interval(x[40:])
        hits.append(np.mean((life[40:] >= low) & (life[40:] <= high)))
    assert np.mean(hits) >= 0.74


def test_gbm_option_and_pickle(splits: tuple[EarlyLifeSet, EarlyLifeSet]) -> None:
    train, test = splits
    model = make_life_model("gbm").fit(train.cells, train.cycle_life)
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_allclose(again.predict(test.cells[:3]), model.predict(test.cells[:3]))
    # Only sanity here: lives of the primary test lie within 150..2500 cycles.
    assert np.all((model.predict(test.cells) > 150) & (model.predict(test.cells) < 2500))


def test_bad_input() -> None:
    x = np.random.default_rng(0).normal(size=(20, 2))
    with pytest.raises(InputError, match="positive"):
        CycleLifeRegressor().fit(x, -np.ones(20))
    with pytest.raises(InputError, match="expected 20 values"):
        CycleLifeRegressor().fit(x, np.ones(5))
    with pytest.raises(InputError, match="coverage"):
        CycleLifeRegressor(coverage=1.5).fit(x, np.ones(20) * 500)
    with pytest.raises(InputError, match="at least 8"):
        CycleLifeRegressor().fit(x[:5], np.ones(5) * 500)
    model = CycleLifeRegressor().fit(x, 500 + 100 * x[:, 0] ** 2)
    with pytest.raises(InputError, match="expected 2 columns"):
        model.predict(np.zeros((3, 4)))
    with pytest.raises(InputError, match="NaN"):
        model.predict(np.array([[np.nan, 1.0]]))
    with pytest.raises(InputError, match="model"):
        make_life_model("nope")


def test_demo_step_matches_the_library_route(tmp_path: Path) -> None:
    from gwangyang.demo import life_step as life_demo_step
    from gwangyang.samples import sample_dir
    from gwangyang.store import Store

    store = Store(tmp_path / "store")
    store.root.mkdir(parents=True)
    out = life_demo_step(store)
    sample = sample_dir("severson")
    train = load_severson(sample, split="train", require_life=True)
    test = load_severson(sample, split="test1", require_life=True)
    model = make_life_model("variance").fit(train.cells, train.cycle_life)
    predicted = model.predict(test.cells)
    assert out["training_cells"] == 12 and out["health"] == []
    np.testing.assert_allclose([r["predicted_cycle_life"] for r in out["predictions"]], predicted, rtol=1e-9)
    # RMSE straight from its definition on the four test cells.
    rmse = float(np.sqrt(np.mean((predicted - test.cycle_life) ** 2)))
    assert out["test"]["rmse_cycles"] == pytest.approx(rmse)
