"""The logistics step of ``gwangyang demo``: what it returns and what it keeps in the store for the pages."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from gwangyang.errors import NotFoundError
from gwangyang.logistics.demo import logistics_demo_step, sample_series_path, scenario_path, shipped_scenarios
from gwangyang.logistics.views import load_view
from gwangyang.store import Store

from .test_forecast import SERIES, TARGET
from .test_solver import SCENARIO


def test_demo_step_keeps_views_in_the_store(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    store.root.mkdir(parents=True)
    with pytest.raises(NotFoundError, match="no routes result"):
        load_view(store.root, "routes")
    summary = logistics_demo_step(store, time_limit=1.0, horizon=6)
    json.dumps(summary, allow_nan=False)
    routing = summary["routing"]
    assert routing["feasible"] and routing["unserved"] == []
    # All 32 orders of the shipped scenario appear exactly once across the routes.
    assert sorted(o for r in routing["routes"] for o in r) == [f"O{k:02d}" for k in range(1, 33)]
    routes = load_view(store.root, "routes")
    assert routes["routes"] == routing["routes"] and routes["geojson"]["type"] == "FeatureCollection"
    names = {s["id"]: s["name"] for s in routes["sites"]}
    assert "(approx.)" in names["GWCT"] and routes["approximate_coordinates"]
    # Each route's cost is its vehicle type's fixed cost + cost per km x distance (read from the TOML), summing to the total.
    fleet = {v["name"]: v for v in tomllib.loads(SCENARIO.read_text())["vehicles"]}
    for r in routes["route_details"]:
        v = fleet[r["vehicle_type"]]
        assert r["cost"] == pytest.approx(v.get("fixed_cost", 0) + v.get("cost_per_km", 1) * r["distance"])
    assert sum(r["cost"] for r in routes["route_details"]) == pytest.approx(routes["cost"])
    forecast = load_view(store.root, "forecast")
    # The series ends December 2023; the history shown is the shipped CSV, the same as the shared copy.
    assert summary["forecast"]["months"] == ["2024-01-01", "2024-06-01"]
    raw = pd.read_csv(SERIES)
    assert [h["y"] for h in forecast["history"]] == raw[TARGET].astype(float).tolist()
    assert sample_series_path().read_bytes() == SERIES.read_bytes()
    assert all(r["lo"] <= r["mean"] <= r["hi"] for r in forecast["forecast"])
    assert scenario_path().read_text() == SCENARIO.read_text() and shipped_scenarios() == [
        "gwangyang",
        "haulage",
    ]
