"""The demo's life step: early cycle-life prediction on the shipped Severson sample, and health of store cells."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import InputError

if TYPE_CHECKING:
    from ..store import Store

TEMPLATE_FILE = "calce_cs2_37_capacity.csv"
"""Shipped run-to-failure capacity curve (samples/life) used as an RUL template."""

TEMPLATE_CAPACITY_TOLERANCE = 0.25
"""A shipped template serves store cells whose initial capacity is within this fraction of its own."""


def shipped_templates() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Run-to-failure capacity curves shipped in ``samples/life`` (``{cell: (cycles, capacity)}``)."""
    import pandas as pd

    from ..demo import sample_dir

    table = pd.read_csv(sample_dir("life") / TEMPLATE_FILE)
    return {
        str(cell): (group["cycle"].to_numpy(dtype="float64"), group["capacity_ah"].to_numpy(dtype="float64"))
        for cell, group in table.groupby("cell")
    }


def _similar(
    templates: dict[str, tuple[np.ndarray, np.ndarray]], capacity: np.ndarray
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    positive = capacity[np.isfinite(capacity) & (capacity > 0)]
    if len(positive) == 0:
        return {}
    initial = float(np.median(positive[:5]))
    return {
        name: curve
        for name, curve in templates.items()
        if abs(float(np.median(curve[1][:5])) / initial - 1.0) <= TEMPLATE_CAPACITY_TOLERANCE
    }


def life_demo_step(store: Store) -> dict[str, Any]:
    """Fit the variance model on the sample's training cells, predict its test cells, report store cells' health.

    Parameters
    ----------
    store
        The demo store (read only).

    Returns
    -------
    dict
        JSON-ready: ``model``, ``training_cells``, ``predictions`` (cell, predicted cycle life,
        lower, upper, observed cycle life), ``test`` metrics (RMSE, mean % error, coverage, width),
        and ``health`` per store cell (last SOH, knee, RUL with interval; or ``skipped`` with the reason).
    """
    from ..demo import sample_dir
    from .health import cell_health, store_templates
    from .life import fit_life, life_metrics, predict_cells
    from .severson import load_severson

    folder = sample_dir("severson")
    train = load_severson(folder, split="train", require_life=True).sorted()
    test = load_severson(folder, split="test1", require_life=True)
    fitted = fit_life(train, "variance", source="shipped Severson sample (train split)")
    rows = predict_cells(fitted["pipeline"], test.cells)
    for row, life in zip(rows, test.cycle_life, strict=True):
        row["cycle_life"] = float(life)
    predicted = np.array([r["predicted_cycle_life"] for r in rows])
    lower = np.array([r["lower"] for r in rows])
    upper = np.array([r["upper"] for r in rows])
    shipped = shipped_templates()
    health: list[dict[str, Any]] = []
    for meta in store.metas():
        cell_id = meta["cell_id"]
        capacity = store.cycles(cell_id)["discharge_capacity_ah"].to_numpy(dtype="float64")
        templates = {**_similar(shipped, capacity), **store_templates(store, cell_id)}
        try:
            report = cell_health(store, cell_id, templates=templates)
        except InputError as exc:
            health.append({"cell": cell_id, "skipped": str(exc)})
            continue
        health.append(
            {
                "cell": cell_id,
                "cycles": len(report["cycles"]),
                "soh_last": report["soh"][-1],
                "knee": report["knee"],
                "rul": report["rul"],
                "templates": report["templates"],
            }
        )
    return {
        "model": "variance",
        "training_cells": len(train.cells),
        "interval_factor": fitted["interval_factor"],
        "predictions": rows,
        "test": life_metrics(test.cycle_life, predicted, lower, upper),
        "health": health,
    }
