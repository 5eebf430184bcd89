"""Cycle-life API: fit as a job, list, predict with conformal intervals; checked against the life module directly."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from gwangyang.api import create_app

from .conftest import AUTH, TOKEN

LIFE = "/api/v1/battery/life"


@pytest.fixture(scope="module")
def life_client(filled_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A copy of the filled store with the ``demo`` model fitted through the API."""
    root = tmp_path_factory.mktemp("life") / "store"
    shutil.copytree(filled_store, root)
    with TestClient(create_app(root, token=TOKEN), headers=AUTH) as client:
        answer = client.post(f"{LIFE}/fit?wait=300", json={"name": "demo", "model": "variance"})
        assert answer.status_code == 201, answer.text
        yield client


@pytest.fixture(scope="module")
def direct() -> dict[str, Any]:
    """The same fit through gwangyang.battery.life directly (no API): the reference numbers."""
    from gwangyang.battery.life import make_life_model
    from gwangyang.battery.severson import load_severson
    from gwangyang.samples import sample_dir

    train = load_severson(sample_dir("severson"), split="train", require_life=True)
    test = load_severson(sample_dir("severson"), split="test1", require_life=True)
    # The API's default interval: group-cv+, one fold per batch (the sample's train split holds two).
    batches = train.table["batch"].to_numpy()
    assert sorted(set(batches)) == ["5/12/17", "6/30/17"]
    pipeline = make_life_model("variance", conformal="group-cv+").fit(
        train.cells, train.cycle_life, regressor__groups=batches
    )
    features = pipeline[:-1].transform(test.cells)
    return {
        "regressor": pipeline[-1],
        "features": features,
        "predicted": pipeline[-1].predict(features),
        "life": np.asarray(test.cycle_life, dtype=float),
        "cells": [c.cell for c in test.cells],
    }


def test_fit_job_saves_model_with_test_metrics(life_client: TestClient, direct: dict[str, Any]) -> None:
    models = life_client.get(f"{LIFE}/models").json()
    assert [m["name"] for m in models] == ["demo"]
    assert models[0]["training_cells"] == 12  # the sample's train split (README: 12 + 4 cells)
    assert models[0]["conformal"] == "group-cv+" and models[0]["warnings"] == []
    assert models[0]["interval"] == {"conformal": "group-cv+", "folds_by": "batch", "lot_shift": False}
    record = life_client.get(f"{LIFE}/models/demo").json()
    predicted = np.array([p["predicted_cycle_life"] for p in record["predictions"]])
    np.testing.assert_allclose(predicted, direct["predicted"], rtol=1e-9)
    rmse = float(np.sqrt(np.mean((predicted - direct["life"]) ** 2)))
    assert record["test"]["rmse_cycles"] == pytest.approx(rmse, rel=1e-12)
    assert [p["cycle_life"] for p in record["predictions"]] == direct["life"].tolist()
    jobs = life_client.get("/api/v1/jobs").json()
    assert any(j["kind"] == "battery.life.fit" and j["status"] == "done" for j in jobs)


def test_predict_sample_intervals_are_the_conformal_ones(
    life_client: TestClient, direct: dict[str, Any]
) -> None:
    body = life_client.post(f"{LIFE}/predict", json={"model": "demo", "sample": "test1"}).json()
    rows = body["predictions"]
    assert [r["cell"] for r in rows] == direct["cells"] and body["errors"] == []
    predicted = np.array([r["predicted_cycle_life"] for r in rows])
    np.testing.assert_allclose(predicted, direct["predicted"], rtol=1e-9)
    # CV+ (Barber et al. 2021) in log10 space: the ⌊α(n+1)⌋-th smallest of μ₋ₖ₍ᵢ₎(x) − Rᵢ and the
    # ⌈(1−α)(n+1)⌉-th smallest of μ₋ₖ₍ᵢ₎(x) + Rᵢ, widened to contain the point prediction.
    regressor = direct["regressor"]
    folds = np.column_stack([m.predict(direct["features"]) for m in regressor.fold_models_])
    centre, scores = folds[:, regressor.fold_of_], regressor.scores_
    n = len(scores)
    low_rank, high_rank = int(np.floor(0.1 * (n + 1) + 1e-9)), int(np.ceil(0.9 * (n + 1) - 1e-9))
    lower = np.sort(centre - scores, axis=1)[:, low_rank - 1]
    upper = np.sort(centre + scores, axis=1)[:, high_rank - 1]
    log_point = np.log10(predicted)
    np.testing.assert_allclose([r["lower"] for r in rows], 10 ** np.minimum(lower, log_point), rtol=1e-9)
    np.testing.assert_allclose([r["upper"] for r in rows], 10 ** np.maximum(upper, log_point), rtol=1e-9)
    assert all(r["coverage"] == 0.9 for r in rows)


def test_predict_store_cells_reports_short_ones(life_client: TestClient) -> None:
    body = life_client.post(f"{LIFE}/predict", json={"model": "demo", "cells": ["CS2_35"]}).json()
    assert body["predictions"] == []
    assert body["errors"][0]["cell"] == "CS2_35" and "cycles 2–100" in body["errors"][0]["error"]


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        ({"model": "../../etc/passwd", "sample": "test1"}, 400, "model name"),
        ({"model": "nope", "sample": "test1"}, 404, "not in store"),
        ({"model": "demo"}, 400, "either 'cells'"),
        ({"model": "demo", "cells": ["CS2_35"], "sample": "test1"}, 400, "either 'cells'"),
        ({"model": "demo", "cells": ["../x"]}, 400, "cell id"),
        ({"model": "demo", "cells": ["NOPE"]}, 404, "not in store"),
        ({"model": "demo", "sample": "other"}, 422, "sample"),
    ],
)
def test_predict_bad_requests(life_client: TestClient, body: dict[str, Any], code: int, words: str) -> None:
    response = life_client.post(f"{LIFE}/predict", json=body)
    assert response.status_code == code
    assert words in str(response.json()["detail"])


def test_fit_bad_requests(life_client: TestClient) -> None:
    traversal = life_client.post(f"{LIFE}/fit", json={"name": "../evil"})
    assert traversal.status_code == 400 and "model name" in traversal.json()["detail"]
    assert life_client.post(f"{LIFE}/fit", json={"model": "magic"}).status_code == 422
    assert life_client.post(f"{LIFE}/fit", json={"coverage": 1.5}).status_code == 422
    assert life_client.get(f"{LIFE}/models/..%2F..%2Fx").status_code in (400, 404)
    # the store's cells are too short for early-life features (10 and 1 cycles): the job fails with why
    failed = life_client.post(f"{LIFE}/fit?wait=60", json={"name": "mine", "dataset": "store"})
    assert failed.status_code == 422 and "no cell with a known cycle life" in failed.json()["detail"]


def test_fleet_page_shows_model_predictions(life_client: TestClient, direct: dict[str, Any]) -> None:
    page = life_client.get("/battery").text
    assert page.count('data-testid="life-row"') == 4
    for cell, value in zip(direct["cells"], direct["predicted"], strict=True):
        assert f'data-cell="{cell}"' in page and f">{value:.0f}<" in page


@pytest.mark.slow  # ~70 s: seven candidates, nested cross-validation (tests/battery/test_life_select.py is the quick one)
def test_fit_auto_reports_the_choice_and_keeps_the_chosen_model(life_client: TestClient) -> None:
    answer = life_client.post(f"{LIFE}/fit?wait=600", json={"name": "자동", "model": "auto"})
    assert answer.status_code == 201, answer.text
    record = life_client.get(f"{LIFE}/models/자동").json()
    selection = record["selection"]
    scores = selection["cv_rmse_cycles"]
    assert selection["folds_by"] == "batch"  # the sample's train split names two batches
    assert record["model"] == selection["chosen"] == min(scores, key=scores.__getitem__)
    assert len(scores) + len(selection["refused"]) == 7
    listed = {m["name"]: m for m in life_client.get(f"{LIFE}/models").json()}
    assert listed["자동"]["model"] == record["model"]
    assert life_client.post(f"{LIFE}/predict", json={"model": "자동", "sample": "test1"}).status_code == 200
