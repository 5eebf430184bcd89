"""The logistics step of ``gwangyang demo``."""

from __future__ import annotations

import json
from pathlib import Path

from gwangyang.logistics.demo import demo_step, scenario_path

from .test_solver import SCENARIO


def test_demo_step(tmp_path: Path) -> None:
    summary = demo_step(store=None, time_limit=1.0)
    json.dumps(summary, allow_nan=False)
    routing = summary["routing"]
    assert routing["feasible"] and routing["unserved"] == []
    # All 32 orders of the shipped scenario appear exactly once across the routes.
    assert sorted(o for r in routing["routes"] for o in r) == [f"O{k:02d}" for k in range(1, 33)]
    assert routing["geojson"]["type"] == "FeatureCollection"
    fc = summary["forecast"]
    assert (
        len(fc["forecast"]) == 12 and fc["forecast"][0]["ds"] == "2024-01-01"
    )  # the series ends December 2023
    assert scenario_path().read_text() == SCENARIO.read_text()
