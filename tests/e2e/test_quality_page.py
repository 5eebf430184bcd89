"""The quality page in headless Chromium: the demo's screening, cycling anomalies and triage, checked against the Python API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pandas as pd
import pytest

from gwangyang.samples import formation_table, pulse_table
from gwangyang.store import Store

from .conftest import TOKEN, phone_fits

pytestmark = pytest.mark.e2e

SOH_SECOND_LIFE = 0.8
SOH_REUSE = 0.6
"""Default triage limits (second life at SOH >= 0.8, reuse at >= 0.6, else recycle)."""


@pytest.fixture(scope="module")
def summary(server: tuple[str, Store]) -> dict[str, Any]:
    """The store after a user's steps: a Severson cell added, then the demo's quality step; the API's summary."""
    from gwangyang.demo import quality_step as quality_demo_step
    from tests.battery.quality.store_helpers import put_cycles, severson_capacity

    base, store = server
    empty = httpx.get(f"{base}/quality?token={TOKEN}", follow_redirects=True)
    # before the demo step: no screening or triage yet, and no anomaly in CS2_35's nine whole cycles (the
    # tenth, cut in its discharge by the file's end, is left out as incomplete rather than flagged)
    assert (
        'data-testid="screening-summary"' not in empty.text and 'data-testid="anomaly-row"' not in empty.text
    )
    put_cycles(store, "cell1", severson_capacity("test1", 1))  # has a real capacity glitch at cycle 12
    quality_demo_step(store)
    reply = httpx.get(f"{base}/api/v1/quality/summary", headers={"Authorization": f"Bearer {TOKEN}"})
    assert reply.status_code == 200, reply.text
    data: dict[str, Any] = reply.json()
    return data


def test_flagged_cells_match_screening(
    page: Any, server: tuple[str, Store], summary: dict[str, Any], shots: Path
) -> None:
    from gwangyang.battery.quality.demo import (
        FORMATION_COLUMNS,
        FORMATION_FAULTS,
        inject_formation_faults,
    )
    from gwangyang.battery.quality.screening import screen

    page.get_by_test_id("nav-quality").click()
    page.wait_for_url("**/quality")
    assert page.get_by_test_id("quality-empty").count() == 0
    direct = screen(inject_formation_faults(formation_table()), "cellid", "lot", FORMATION_COLUMNS)
    rows = page.get_by_test_id("flagged-row")
    shown = {
        cells[0]: float(cells[2])
        for cells in (rows.nth(i).locator("td").all_inner_texts() for i in range(rows.count()))
    }
    assert shown == pytest.approx({str(f.id): round(f.score, 2) for f in direct.flagged}, abs=1e-9)
    assert set(shown) == {str(k) for k in FORMATION_FAULTS}  # exactly the cells with injected faults
    text = " ".join(page.get_by_test_id("screening-summary").inner_text().split())
    assert text.startswith(f"3 of {len(formation_table())} cells flagged")
    assert "the clean table flags 0" in text

    anomaly = page.locator('[data-testid="anomaly-row"][data-cell="cell1"][data-kind="capacity_drop"]')
    assert anomaly.locator("td").nth(1).inner_text() == "12"
    assert page.get_by_test_id("anomaly-row").count() == len(summary["anomalies"])
    page.screenshot(path=str(shots / "quality.png"), full_page=True)


def test_soh_plot_and_triage_table(page: Any, server: tuple[str, Store], summary: dict[str, Any]) -> None:
    from gwangyang.battery.quality.demo import split_cells

    base, _store = server
    page.goto(f"{base}/quality")
    selector = '[data-testid="plot-soh"][data-plotted="true"]'
    page.wait_for_selector(selector, timeout=30_000)
    traces = page.evaluate(
        "(selector) => document.querySelector(selector).data.map(t => ({name: t.name, x: t.x, y: t.y,"
        " text: t.text, plus: t.error_y.array, minus: t.error_y.arrayminus}))",
        selector,
    )
    cells = {c["id"]: c for c in summary["triage"]["cells"]}
    drawn: dict[str, float] = {}
    positions: list[int] = []
    for trace in traces:
        for x, y, label, plus, minus in zip(
            trace["x"], trace["y"], trace["text"], trace["plus"], trace["minus"], strict=True
        ):
            cell = cells[label.rsplit(" (", 1)[0]]  # text is "<id> (<chemistry>)"
            assert y == cell["soh"] and trace["name"] == cell["grade"].replace("_", " ")
            assert y + plus == pytest.approx(cell["soh_high"]) and y - minus == pytest.approx(cell["soh_low"])
            drawn[cell["id"]] = y
            positions.append(x)
    assert sorted(positions) == list(range(1, len(cells) + 1))  # every held-out cell drawn once
    for trace in traces:  # grades follow the default SOH limits
        y = np.array(trace["y"], dtype=float)
        if trace["name"] == "second life":
            assert (y >= SOH_SECOND_LIFE).all()
        elif trace["name"] == "reuse":
            assert ((y >= SOH_REUSE) & (y < SOH_SECOND_LIFE)).all()
        else:
            assert (y < SOH_REUSE).all()

    # independent route: the plotted estimates against the measured SOH of the same held-out cells
    _train, test = split_cells(pulse_table())
    truth = test.groupby(test["id"].astype(str))["soh"].first()
    estimated = pd.Series(drawn)[truth.index].to_numpy()
    mape = float(np.mean(np.abs(estimated - truth.to_numpy()) / truth.to_numpy()))
    assert mape == pytest.approx(summary["triage"]["mape"], abs=5e-5) and mape < 0.06
    assert f"SOH error (MAPE) {100 * mape:.1f} %" in page.get_by_test_id("triage-summary").inner_text()

    rows = page.get_by_test_id("triage-row")
    assert rows.count() == len(cells)
    for i in range(rows.count()):
        row = rows.nth(i)
        cell = cells[row.get_attribute("data-id")]
        values = row.locator("td").all_inner_texts()
        assert float(values[2]) == pytest.approx(cell["soh"], abs=5e-4)
        assert float(values[5]) == pytest.approx(cell["value"], abs=5e-3)
    total = float(
        page.get_by_test_id("triage-summary").inner_text().split("recoverable materials")[1].split()[0]
    )
    assert total == pytest.approx(sum(c["value"] for c in cells.values()), abs=0.01)


def test_quality_page_fits_phone_width(
    phone: Any, server: tuple[str, Store], summary: dict[str, Any], shots: Path
) -> None:
    base, _store = server
    phone.goto(f"{base}/quality")
    phone.wait_for_selector('[data-testid="plot-soh"][data-plotted="true"]', timeout=30_000)
    assert phone_fits(phone)
    phone.screenshot(path=str(shots / "quality-phone.png"), full_page=True)
