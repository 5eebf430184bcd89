"""The demo's early-life step: fit on the shipped Severson sample, predict its test cells."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InputError

if TYPE_CHECKING:
    from ..store import Store


def demo_step(store: Store) -> dict[str, Any]:
    """Fit the variance model on the sample's training cells and predict its test cells.

    Also reports SOH, knee and RUL for store cells that have enough cycles (others are listed as
    skipped with the reason).

    Parameters
    ----------
    store
        The demo store (read only).

    Returns
    -------
    dict
        JSON-ready summary: the model, per-cell predictions with intervals, and test metrics.
    """
    from ..demo import sample_dir
    from .health import health_report
    from .life import life_metrics, make_life_model, predict_cells
    from .severson import load_severson

    folder = sample_dir("severson")
    train = load_severson(folder, split="train", require_life=True)
    test = load_severson(folder, split="test1", require_life=True)
    pipeline = make_life_model("variance").fit(train.cells, train.cycle_life)
    rows = predict_cells(pipeline, test.cells)
    for row, life in zip(rows, test.cycle_life, strict=True):
        row["cycle_life"] = float(life)
    predicted = np.array([r["predicted_cycle_life"] for r in rows])
    lower = np.array([r["lower"] for r in rows])
    upper = np.array([r["upper"] for r in rows])
    health: list[dict[str, Any]] = []
    for meta in store.metas():
        cycles = store.cycles(meta["cell_id"])
        try:
            report = health_report(
                cycles["cycle_index"].to_numpy(), cycles["discharge_capacity_ah"].to_numpy()
            )
        except InputError as exc:
            health.append({"cell": meta["cell_id"], "skipped": str(exc)})
            continue
        health.append(
            {
                "cell": meta["cell_id"],
                "soh_last": report["soh"][-1],
                "knee": report["knee"],
                "rul": report["rul"],
            }
        )
    return {
        "model": "variance",
        "training_cells": len(train.cells),
        "predictions": rows,
        "test": life_metrics(test.cycle_life, predicted, lower, upper),
        "health": health,
    }
