"""The fleet page's life plot in headless Chromium: predictions beyond the model's training range are ringed, with the table's (translated) warning as hover text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gwangyang.store import Store
from tests.api.test_web import keep_extrapolating_model

from .test_battery_pages import plotted

pytestmark = pytest.mark.e2e


def test_life_plot_rings_predictions_outside_the_training_range(
    page: Any, server: tuple[str, Store], shots: Path
) -> None:
    base, store = server
    kept = keep_extrapolating_model(store)  # the server reads the store per request
    rows = kept["predictions"]
    for lang, words in (("en", "training standard deviations"), ("ko", "학습 표준편차의")):
        page.goto(f"{base}/battery?lang={lang}")
        plotted(page, "plot-life")
        traces = page.evaluate(
            "() => document.querySelector('[data-testid=\"plot-life\"]').data"
            ".map(t => ({x: t.x, y: t.y, text: t.hovertext || null}))"
        )
        assert traces[0]["x"] == [r["cell"] for r in rows]  # every prediction, as before
        ring = traces[-1]
        warned = [r for r in rows if "warning" in r]
        assert len(traces) == 3 and set(ring["x"]) == kept["expected"] == {r["cell"] for r in warned}
        assert ring["y"] == [r["predicted_cycle_life"] for r in warned]
        notes = page.get_by_test_id("life-warning")
        assert notes.count() == len(warned)
        table = {
            row.get_attribute("data-cell"): row.get_by_test_id("life-warning").inner_text()
            for row in page.get_by_test_id("life-row").all()
            if row.get_by_test_id("life-warning").count()
        }
        assert ring["text"] == [table[c] for c in ring["x"]] and all(words in t for t in ring["text"])
        assert page.get_by_test_id("life-warning-count").is_visible()
        page.screenshot(path=str(shots / f"fleet-life-warning-{lang}.png"), full_page=True)
