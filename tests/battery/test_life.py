"""Cycle-life regression: Severson et al. 2019 Table 1 reproduced on the real Qdlin files."""

from __future__ import annotations

import pickle
from functools import partial
from pathlib import Path

import numpy as np
import pytest

from gwangyang.battery.conformal import KNNDifficulty, cv_plus_bounds
from gwangyang.battery.features import cell_features
from gwangyang.battery.life import (
    CycleLifeRegressor,
    conformal_mode,
    conformal_quantile,
    make_life_model,
)
from gwangyang.battery.life_predict import life_metrics
from gwangyang.battery.severson import EarlyLifeSet, load_severson
from gwangyang.errors import InputError
from tests.conftest import SHARED
from tests.helpers import beyond_training_range

# Severson et al. 2019, Nature Energy 4:383, Table 1, variance model.
PAPER_VARIANCE = {
    "train_rmse": 103,
    "train_pct": 14.1,
    "test_rmse": 138,
    "test_pct": 14.7,
    "test_pct_no_outlier": 13.2,
}
OUTLIER_LIFE = 148  # the primary-test cell the paper also reports without
# Severson et al. 2019, Nature Energy 4:383, Table 1, discharge model (RMSE in cycles, mean % error;
# the primary test also without the 148-cycle cell).
PAPER_DISCHARGE = {
    "train_rmse": 76,
    "train_pct": 9.8,
    "test_rmse": 91,
    "test_pct": 13.0,
    "test_rmse_no_outlier": 86,
    "test_pct_no_outlier": 10.1,
}
PAPER_DISCHARGE_RMSE_NO_OUTLIER = PAPER_DISCHARGE["test_rmse_no_outlier"]


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
    # Within 2 % of the paper (issue 3 acceptance); measured 102.0 / 13.93 / 137.7 / 14.78 / 13.2.
    assert fit["rmse_cycles"] == pytest.approx(PAPER_VARIANCE["train_rmse"], rel=0.02)
    assert fit["mean_percent_error"] == pytest.approx(PAPER_VARIANCE["train_pct"], rel=0.02)
    assert primary["rmse_cycles"] == pytest.approx(PAPER_VARIANCE["test_rmse"], rel=0.02)
    assert primary["mean_percent_error"] == pytest.approx(PAPER_VARIANCE["test_pct"], rel=0.02)
    assert no_outlier["mean_percent_error"] == pytest.approx(PAPER_VARIANCE["test_pct_no_outlier"], rel=0.02)
    # Nominal 90 % intervals cover the primary test within 10 points (measured 0.884).
    assert abs(primary["coverage"] - 0.9) <= 0.10


@pytest.mark.slow
def test_discharge_model_reproduces_table_1(splits: tuple[EarlyLifeSet, EarlyLifeSet]) -> None:
    # The paper's discharge model: ΔQ(V) statistics over 3.5–2.0 V and the penalty chosen by
    # "four-fold cross-validation and Monte Carlo sampling" (20 repeats here). Measured:
    # train 77.3 / 9.74 %, primary 94.8 / 13.2 %, without the outlier 90.5 / 10.2 %.
    # Over other seeds of the Monte Carlo splits the primary RMSE is 94.8–102.4 (docs/life.md).
    train, test = splits
    model = make_life_model("discharge", penalty_cv="montecarlo", conformal="split")
    model.fit(train.cells, train.cycle_life)
    fit = life_metrics(train.cycle_life, model.predict(train.cells))
    predicted = model.predict(test.cells)
    primary = life_metrics(test.cycle_life, predicted)
    keep = test.cycle_life != OUTLIER_LIFE
    clean = life_metrics(test.cycle_life[keep], predicted[keep])
    assert fit["rmse_cycles"] == pytest.approx(PAPER_DISCHARGE["train_rmse"], rel=0.05)
    assert fit["mean_percent_error"] == pytest.approx(PAPER_DISCHARGE["train_pct"], rel=0.05)
    assert primary["rmse_cycles"] == pytest.approx(PAPER_DISCHARGE["test_rmse"], rel=0.05)
    assert primary["mean_percent_error"] == pytest.approx(PAPER_DISCHARGE["test_pct"], rel=0.05)
    assert clean["mean_percent_error"] == pytest.approx(PAPER_DISCHARGE["test_pct_no_outlier"], rel=0.05)
    # 90.5 against 86: 5.3 %, the one figure just outside 5 % (one cell fewer: the same model).
    assert clean["rmse_cycles"] == pytest.approx(PAPER_DISCHARGE["test_rmse_no_outlier"], rel=0.06)


def test_the_papers_voltage_window_changes_shape_statistics_only(
    splits: tuple[EarlyLifeSet, EarlyLifeSet],
) -> None:
    # The shared Qdlin rows run from 3.6 V, the paper's ΔQ(V) from 3.5 V. The 62 rows above
    # 3.5 V hold ΔQ ≈ 0: log variance moves by an almost constant amount (the variance model does
    # not notice), while kurtosis and skewness change cell by cell (the discharge model does).
    train, _ = splits
    paper = np.array([list(cell_features(c, "discharge").values()) for c in train.cells])
    full = np.array([list(cell_features(c, "discharge", dq_window=None).values()) for c in train.cells])
    shift = paper[:, 1] - full[:, 1]  # measured: −0.032 ± 0.011 against a spread of 0.37
    assert np.std(shift) < 0.05 * np.std(full[:, 1])
    assert np.corrcoef(paper[:, 1], full[:, 1])[0, 1] > 0.999
    assert np.corrcoef(paper[:, 2], full[:, 2])[0, 1] < 0.7  # skewness: measured 0.60
    assert np.corrcoef(paper[:, 3], full[:, 3])[0, 1] < 0.95  # kurtosis: measured 0.89
    np.testing.assert_array_equal(paper[:, 0], full[:, 0])  # the minimum lies below 3.5 V


def test_extended_model_beats_the_papers_discharge_model(splits: tuple[EarlyLifeSet, EarlyLifeSet]) -> None:
    # Issue 3 benchmark goal. Measured: RMSE 68 cycles without the outlier (76 with it), coverage 0.95.
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


def test_cv_plus_bounds_by_their_definition() -> None:
    # Barber et al. 2021: lower = ⌊α(n+1)⌋-th smallest of μ₋ₖ₍ᵢ₎(x) − Rᵢ, upper = ⌈(1−α)(n+1)⌉-th
    # smallest of μ₋ₖ₍ᵢ₎(x) + Rᵢ. n = 19, α = 0.1: ranks 2 and 18.
    rng = np.random.default_rng(3)
    fold_of = np.arange(19) % 3
    scores = rng.uniform(0, 1, 19)
    folds = rng.normal(size=(4, 3))
    low, high = cv_plus_bounds(folds, fold_of, scores, np.ones_like(folds), 0.9)
    for point in range(4):
        centre = folds[point, fold_of]
        assert low[point] == np.sort(centre - scores)[1]
        assert high[point] == np.sort(centre + scores)[17]
    low, high = cv_plus_bounds(folds, fold_of[:5], scores[:5], np.ones_like(folds), 0.9)
    assert np.isinf(low).all() and np.isinf(high).all()  # 5 cells cannot support 90 %


@pytest.mark.parametrize(
    "mode", ["cv+", "normalized-cv+", pytest.param("jackknife+", marks=pytest.mark.slow)]
)
def test_cv_plus_modes_cover_on_exchangeable_data(mode: str) -> None:
    # CV+ and jackknife+ guarantee ≥ 1 − 2α (0.8 here) for exchangeable data and reach ≈ 1 − α in
    # practice; over 6 draws of 100 fresh points each (sd of the mean ≈ 0.015) the mean must be ≥ 0.85.
    rng = np.random.default_rng(2)
    hits = []
    for seed in range(6):
        x = rng.normal(size=(130, 2))
        life = 10 ** (2.8 + 0.2 * x[:, 0] + rng.normal(scale=0.05, size=130))
        model = CycleLifeRegressor(conformal=mode, random_state=seed).fit(x[:30], life[:30])
        _, low, high = model.predict_interval(x[30:])
        hits.append(np.mean((life[30:] >= low) & (life[30:] <= high)))
    assert np.mean(hits) >= 0.85


def test_normalized_intervals_widen_off_the_training_data() -> None:
    rng = np.random.default_rng(4)
    x = rng.normal(size=(40, 2))
    life = 10 ** (2.8 + 0.2 * x[:, 0] + rng.normal(scale=0.05, size=40))
    model = CycleLifeRegressor(conformal="normalized-cv+").fit(x, life)
    predicted, low, high = model.predict_interval(np.array([[0.0, 0.0], [0.0, 6.0]]))
    ratio = np.log10(high / low)
    assert ratio[1] > 1.5 * ratio[0]
    # The difficulty is β + mean distance to the 5 nearest training rows (standardised).
    sigma = KNNDifficulty().fit(x)
    rows = (x - x.mean(axis=0)) / x.std(axis=0)
    far = (np.array([0.0, 6.0]) - x.mean(axis=0)) / x.std(axis=0)
    expected = sigma.beta_ + np.sort(np.sqrt(((rows - far) ** 2).sum(axis=1)))[:5].mean()
    assert sigma(np.array([[0.0, 6.0]]))[0] == pytest.approx(expected)
    assert np.all(low <= predicted) and np.all(predicted <= high)


def test_group_cv_plus_leaves_one_group_out() -> None:
    # Three groups with a shift each: every calibration residual must be the error of a model fitted
    # on the other two groups (independent route: fit that model directly).
    rng = np.random.default_rng(5)
    x = rng.normal(size=(36, 2))
    groups = np.repeat(["a", "b", "c"], 12)
    shift = np.repeat([0.0, 0.1, -0.1], 12)
    life = 10 ** (2.8 + 0.2 * x[:, 0] + shift + rng.normal(scale=0.02, size=36))
    model = CycleLifeRegressor(conformal="group-cv+").fit(x, life, groups=groups)
    assert len(model.fold_models_) == 3
    for label in ("a", "b", "c"):
        held = groups == label
        assert len(set(model.fold_of_[held].tolist())) == 1  # a group is one fold
        direct = CycleLifeRegressor()._base(int((~held).sum())).fit(x[~held], np.log10(life[~held]))
        np.testing.assert_allclose(
            model.calibration_residuals_[held], np.log10(life[held]) - direct.predict(x[held]), atol=1e-12
        )
    # Its residuals carry the group shifts, which shuffled folds mostly average away.
    plain = CycleLifeRegressor(conformal="cv+").fit(x, life)
    assert model.log_halfwidth_ > plain.log_halfwidth_
    with pytest.raises(InputError, match="group-cv\\+' needs a group"):
        CycleLifeRegressor(conformal="group-cv+").fit(x, life)
    with pytest.raises(InputError, match="at least two groups"):
        CycleLifeRegressor(conformal="group-cv+").fit(x, life, groups=["a"] * 36)


def test_lot_shift_widens_one_side_by_the_lots_predicted_shift() -> None:
    rng = np.random.default_rng(6)
    x = rng.normal(size=(40, 1))
    life = 10 ** (2.8 + 0.2 * x[:, 0] + rng.normal(scale=0.03, size=40))
    plain = CycleLifeRegressor().fit(x, life)
    shifted = CycleLifeRegressor(lot_shift=True).fit(x, life)
    lot = x[:10] + 1.5  # a lot predicted longer-lived than the training cells
    centre, low, high = plain.predict_interval(lot)
    _, low_s, high_s = shifted.predict_interval(lot)
    # By definition: mean log prediction of the lot minus that of the training cells, upper side only.
    expected = np.mean(np.log10(centre)) - np.mean(np.log10(plain.predict(x)))
    assert expected > 0.2
    np.testing.assert_allclose(np.log10(high_s) - np.log10(high), expected, rtol=1e-9)
    np.testing.assert_allclose(low_s, low, rtol=1e-12)
    _, low_s, high_s = shifted.predict_interval(x[:10] - 1.5)  # shorter-lived: lower side only
    _, low, high = plain.predict_interval(x[:10] - 1.5)
    assert np.all(low_s < low) and np.allclose(high_s, high)


def test_conformal_names() -> None:
    assert conformal_mode("cv") == "cv+"  # the old name
    with pytest.raises(InputError, match="conformal: expected one of"):
        conformal_mode("oof")


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
    with pytest.raises(InputError, match="at least 10"):
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


def test_leave_one_batch_out_is_a_fit_on_the_other_batch() -> None:
    from gwangyang.battery.selection import group_metrics, leave_one_group_out

    both = load_severson(SHARED / "battery" / "severson", require_life=True)
    frame = leave_one_group_out(lambda: make_life_model("variance"), both)
    batch = both.table["batch"].to_numpy()
    # Independent route: fit on the 5/12/17 cells only, predict the 6/30/17 cells.
    direct = make_life_model("variance").fit(
        both.subset(batch == "5/12/17").cells, both.cycle_life[batch == "5/12/17"]
    )
    held = frame["group"] == "6/30/17"
    np.testing.assert_allclose(
        frame.loc[held, "predicted"], direct.predict(both.subset(batch == "6/30/17").cells), rtol=1e-9
    )
    metrics = group_metrics(frame)
    rmse = float(np.sqrt(np.mean((frame["predicted"] - frame["cycle_life"]) ** 2)))
    assert metrics["all"]["rmse_cycles"] == pytest.approx(rmse)
    # Measured (docs/life.md): 305 cycles with 5/12/17 held out, 154 with 6/30/17 held out.
    assert metrics["5/12/17"]["rmse_cycles"] == pytest.approx(305, rel=0.02)
    assert metrics["6/30/17"]["rmse_cycles"] == pytest.approx(154, rel=0.02)


def test_nested_selection_uses_training_cells_only() -> None:
    from gwangyang.battery.selection import ModelFactory, grouped_cv_rmse, nested_selection
    from gwangyang.samples import sample_dir

    train = load_severson(sample_dir("severson"), split="train", require_life=True)
    candidates: dict[str, ModelFactory] = {
        name: partial(make_life_model, name) for name in ("variance", "multipair")
    }
    result = nested_selection(candidates, train, group="policy", inner_folds=3, outer_folds=3)
    assert result.chosen == min(result.inner, key=lambda name: result.inner[name])
    assert len(result.outer_choices) == 3 and set(result.outer_choices) <= set(candidates)
    rmse, predicted = grouped_cv_rmse(candidates["variance"], train, "policy", 3)
    assert result.inner["variance"] == pytest.approx(rmse)
    assert rmse == pytest.approx(float(np.sqrt(np.mean((predicted - train.cycle_life) ** 2))))
    assert np.isfinite(result.nested_rmse) and result.nested_rmse > 0


def test_nested_selection_by_batch_falls_back_to_policy_within_one_batch() -> None:
    from gwangyang.battery.selection import ModelFactory, nested_selection
    from gwangyang.samples import sample_dir

    train = load_severson(sample_dir("severson"), split="train", require_life=True)  # two batches of 6
    candidates: dict[str, ModelFactory] = {
        name: partial(make_life_model, name) for name in ("variance", "multipair")
    }
    result = nested_selection(candidates, train, group="batch", inner_folds=3, outer_folds=5)
    assert len(result.outer_choices) == 2  # one outer fold per batch; inside it, folds by policy
    # Independent route for the inner score: fit on one batch, predict the other, both ways.
    batch = train.table["batch"].to_numpy()
    errors = []
    for held in ("5/12/17", "6/30/17"):
        fitted = make_life_model("variance", conformal="split", n_folds=2).fit(
            train.subset(batch != held).cells, train.cycle_life[batch != held]
        )
        errors.append(fitted.predict(train.subset(batch == held).cells) - train.cycle_life[batch == held])
    assert result.inner["variance"] == pytest.approx(float(np.sqrt(np.mean(np.concatenate(errors) ** 2))))


def test_ensemble_is_the_mean_of_its_members() -> None:
    from gwangyang.battery.features import ENSEMBLE_MEMBERS
    from gwangyang.samples import sample_dir

    train = load_severson(sample_dir("severson"), split="train", require_life=True)
    test = load_severson(sample_dir("severson"), split="test1", require_life=True)
    # Split conformal: the point model is the same as with CV+, with fewer fits.
    ensemble = make_life_model("ensemble", conformal="split").fit(train.cells, train.cycle_life)
    logs = []
    for member in ENSEMBLE_MEMBERS:  # each member fitted on its own, as its own model
        alone = make_life_model(member, conformal="split").fit(train.cells, train.cycle_life)
        logs.append(np.log10(alone.predict(test.cells)))
    np.testing.assert_allclose(ensemble.predict(test.cells), 10 ** np.mean(logs, axis=0), rtol=1e-9)
    again = pickle.loads(pickle.dumps(ensemble))
    np.testing.assert_allclose(again.predict(test.cells), ensemble.predict(test.cells))


def test_ensemble_beats_the_papers_discharge_model(splits: tuple[EarlyLifeSet, EarlyLifeSet]) -> None:
    # Chosen by grouped CV on the training cells only (benchmarks/life_severson.py); measured on the
    # primary test: 69 cycles, 65 without the outlier (paper's discharge model: 91 and 86), coverage 0.95.
    train, test = splits
    model = make_life_model("ensemble").fit(train.cells, train.cycle_life)
    predicted, lower, upper = model[-1].predict_interval(model[:-1].transform(test.cells))
    keep = test.cycle_life != OUTLIER_LIFE
    assert (
        life_metrics(test.cycle_life[keep], predicted[keep])["rmse_cycles"] < PAPER_DISCHARGE_RMSE_NO_OUTLIER
    )
    assert life_metrics(test.cycle_life, predicted)["rmse_cycles"] < PAPER_DISCHARGE["test_rmse"]
    assert abs(life_metrics(test.cycle_life, predicted, lower, upper)["coverage"] - 0.9) <= 0.06


@pytest.mark.slow
def test_cross_batch_interval_covers_on_leave_one_batch_out() -> None:
    # Acceptance of issue 17: the default interval (group-cv+, the interval for another batch; from one
    # training batch: folds by charging policy and the lot shift) of the selected model (ensemble, chosen by
    # grouped CV on the training cells only) covers 0.85–0.95 of the cells of the batch left out.
    # Measured (docs/life.md): pooled 0.88 (5/12/17 held out 0.78, 6/30/17 held out 0.98); the same
    # model's shuffled-fold CV+ without the lot shift covered 0.23.
    from gwangyang.battery.life_fit import cross_batch_params
    from gwangyang.battery.selection import group_metrics, leave_one_group_out

    both = load_severson(SHARED / "battery" / "severson", require_life=True)
    frame = leave_one_group_out(lambda: make_life_model("ensemble", conformal="group-cv+"), both)
    pooled = group_metrics(frame)["all"]
    assert 0.85 <= pooled["coverage"] <= 0.95
    # Independent route for one held-out batch: the regressor fitted directly on the other batch,
    # its folds grouped by charging policy, with the lot shift (what cross_batch_params asks for).
    batch = both.table["batch"].to_numpy()
    train = both.subset(batch == "6/30/17")
    params = cross_batch_params(train)
    assert params == {"conformal": "group-cv+", "lot_shift": True}
    model = make_life_model("ensemble", **params)
    model.fit(train.cells, train.cycle_life, regressor__groups=train.table["policy"].to_numpy())
    held = both.subset(batch == "5/12/17")
    _, lower, upper = model[-1].predict_interval(model[:-1].transform(held.cells))
    rows = frame["group"] == "5/12/17"
    np.testing.assert_allclose(frame.loc[rows, "lower"], lower, rtol=1e-9)
    np.testing.assert_allclose(frame.loc[rows, "upper"], upper, rtol=1e-9)
    covered = np.mean((held.cycle_life >= lower) & (held.cycle_life <= upper))
    assert group_metrics(frame)["5/12/17"]["coverage"] == pytest.approx(covered)
    # What a user gets by default: fit_life (battery life fit, the API) on the one batch makes the same interval.
    from gwangyang.battery.life_fit import fit_life

    fitted = fit_life(train, "ensemble")
    assert fitted["interval"] == {"conformal": "group-cv+", "folds_by": "policy", "lot_shift": True}
    _, low, high = fitted["pipeline"][-1].predict_interval(model[:-1].transform(held.cells))
    np.testing.assert_allclose(low, lower, rtol=1e-9)
    np.testing.assert_allclose(high, upper, rtol=1e-9)


def test_fit_life_group_cv_plus_folds_by_batch_else_by_policy_with_the_lot_shift(
    splits: tuple[EarlyLifeSet, EarlyLifeSet],
) -> None:
    from gwangyang.battery.life_fit import fit_life
    from gwangyang.battery.severson import EarlyLifeSet as Cells

    train, _ = splits  # the two 2017 batches
    two = fit_life(train, "variance", conformal="group-cv+")["pipeline"][-1]
    assert len(two.fold_models_) == 2 and two.lot_shift is False  # one fold per batch
    batch = train.table["batch"].to_numpy()
    one_batch = train.subset(batch == "6/30/17")
    one = fit_life(one_batch, "variance", conformal="group-cv+")["pipeline"][-1]
    assert one.lot_shift is True and len(one.fold_models_) == 5  # folds by charging policy
    policies = one_batch.table["policy"].to_numpy()
    for fold in range(5):  # a policy never straddles two folds
        assert len(set(one.fold_of_[np.isin(policies, policies[one.fold_of_ == fold])].tolist())) == 1
    # Neither batch nor policy (as store cells): shuffled CV+ folds plus the lot shift, and a warning.
    bare = Cells(one_batch.cells, one_batch.table.drop(columns=["batch", "policy"]))
    fallback = fit_life(bare, "variance", conformal="group-cv+", source="bare")
    assert fallback["interval"] == {"conformal": "cv+", "folds_by": "shuffled", "lot_shift": True}
    assert len(fallback["warnings"]) == 1 and fallback["warnings"][0].startswith("bare: the training cells")
    direct = make_life_model("variance", conformal="cv+", lot_shift=True).fit(bare.cells, bare.cycle_life)
    np.testing.assert_allclose(fallback["pipeline"][-1].fold_of_, direct[-1].fold_of_)
    np.testing.assert_allclose(fallback["pipeline"][-1].scores_, direct[-1].scores_, rtol=1e-9)


def test_fit_life_default_is_the_interval_for_another_batch(
    splits: tuple[EarlyLifeSet, EarlyLifeSet],
) -> None:
    # The default of fit_life (and so of the CLI and the API) is group-cv+; cv+ stays a named option
    # whose folds are shuffled whatever batches the cells hold.
    from gwangyang.battery.life_fit import DEFAULT_CONFORMAL, fit_life

    train, test = splits
    assert DEFAULT_CONFORMAL == "group-cv+"
    default = fit_life(train, "variance")
    assert default["interval"] == {"conformal": "group-cv+", "folds_by": "batch", "lot_shift": False}
    assert default["warnings"] == []
    # Independent route: the regressor fitted with the batches as its groups, leave-one-batch-out.
    batch = train.table["batch"].to_numpy()
    direct = make_life_model("variance", conformal="group-cv+").fit(
        train.cells, train.cycle_life, regressor__groups=batch
    )
    for fitted in (default["pipeline"], direct):
        assert len(fitted[-1].fold_models_) == 2
    x = direct[:-1].transform(test.cells)
    for got, want in zip(
        default["pipeline"][-1].predict_interval(x), direct[-1].predict_interval(x), strict=True
    ):
        np.testing.assert_allclose(got, want, rtol=1e-9)
    plain = fit_life(train, "variance", conformal="cv+")
    assert plain["interval"] == {"conformal": "cv+", "folds_by": "shuffled", "lot_shift": False}
    shuffled = make_life_model("variance", conformal="cv+").fit(train.cells, train.cycle_life)
    np.testing.assert_allclose(plain["pipeline"][-1].scores_, shuffled[-1].scores_, rtol=1e-9)


def test_predictions_outside_the_training_range_say_so() -> None:
    # Fit on one batch, predict the other: the cells whose features lie more than one training standard
    # deviation beyond the training minimum or maximum (numpy on the transformed features) get a warning
    # naming the feature, the others none.
    from gwangyang.battery.life_predict import EXTRAPOLATION_SD, predict_cells

    both = load_severson(SHARED / "battery" / "severson", require_life=True)
    batch = both.table["batch"].to_numpy()
    one, other = both.subset(batch == batch[0]), both.subset(batch != batch[0])
    pipeline = make_life_model("ensemble").fit(one.cells, one.cycle_life)
    train = np.asarray(pipeline[:-1].transform(one.cells), dtype=float)
    test = np.asarray(pipeline[:-1].transform(other.cells), dtype=float)
    beyond = beyond_training_range(train, test)
    expected = {c.cell for c, d in zip(other.cells, beyond, strict=True) if d.max() > EXTRAPOLATION_SD}
    rows = predict_cells(pipeline, other.cells)
    assert {r["cell"] for r in rows if "warning" in r} == expected and 0 < len(expected) < len(rows)
    assert {r["cell"] for r in rows if r.get("beyond_training_range")} == expected
    names = list(pipeline[:-1].get_feature_names_out())
    for row, d in zip(rows, beyond, strict=True):
        if "warning" in row:
            assert names[int(np.argmax(d))] in row["warning"] and f"{d.max():.1f} training" in row["warning"]
    # Cells of the training batch are inside the range by construction: no warning.
    assert not any("warning" in r for r in predict_cells(pipeline, one.cells))
