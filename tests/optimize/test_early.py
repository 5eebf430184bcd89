from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gwangyang.battery.life import make_life_model
from gwangyang.battery.severson import load_severson
from gwangyang.errors import InputError
from gwangyang.optimize.bayesopt import BatchBayesOpt, Observation
from gwangyang.optimize.early import early_results, interval_std
from gwangyang.optimize.space import SearchSpace


def test_interval_std_is_the_normal_half_width() -> None:
    # A 90 % normal interval is mean ± 1.6449 sd (standard normal table).
    assert interval_std(np.array([0.0]), np.array([2 * 1.6448536]), 0.9)[0] == pytest.approx(1.0, rel=1e-6)
    assert interval_std(np.array([-1.959964]), np.array([1.959964]), 0.95)[0] == pytest.approx(1.0, rel=1e-6)
    with pytest.raises(InputError, match="coverage"):
        interval_std(np.array([0.0]), np.array([1.0]), 1.5)


def test_early_predictions_feed_the_surrogate_with_their_uncertainty(shared: Path) -> None:
    root = shared / "battery" / "severson"
    train = load_severson(root, split="train", require_life=True)
    test = load_severson(root, split="test1", require_life=True)
    model = make_life_model("variance").fit(train.cells, train.cycle_life)
    cells = test.cells[:6]
    ids = [f"r000-{i:03d}" for i in range(len(cells))]
    table = early_results(model, cells, ids)
    predicted, lower, upper = model[-1].predict_interval(model[:-1].transform(cells))
    assert np.allclose(table["value"], predicted)
    assert np.allclose(table["std"], (upper - lower) / (2 * 1.6448536), rtol=1e-6)
    # The surrogate takes each value's variance: with one point per level, a wide interval pulls the
    # posterior mean less toward its value than a narrow one does.
    space = SearchSpace.from_dict({"parameters": {"x": {"type": "categorical", "values": [1.0, 2.0]}}})
    bo = BatchBayesOpt(space)
    cand = space.grid()
    narrow = [Observation("a", {"x": 1.0}, 1000.0, 10.0), Observation("b", {"x": 2.0}, 500.0, 10.0)]
    wide = [Observation("a", {"x": 1.0}, 1000.0, 10.0), Observation("b", {"x": 2.0}, 500.0, 400.0)]
    assert bo.posterior(narrow, cand).std[1] < bo.posterior(wide, cand).std[1]
