"""The battery pages in headless Chromium: plots show the store's numbers, click-through, upload, phone width."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from gwangyang.store import Store

from .conftest import phone_fits

pytestmark = pytest.mark.e2e


def plotted(page: Any, testid: str, timeout_ms: int = 30_000) -> list[dict[str, Any]]:
    """The traces Plotly drew in an element, once it has drawn them."""
    selector = f'[data-testid="{testid}"][data-plotted="true"]'
    page.wait_for_selector(selector, timeout=timeout_ms)
    return page.evaluate(
        f"() => document.querySelector('{selector}').data.map(t => ({{name: t.name, x: t.x, y: t.y}}))"
    )


def test_fleet_page_plots_store_capacity(page: Any, server: tuple[str, Store], shots: Path) -> None:
    _base, store = server
    assert page.url.endswith("/battery")
    traces = {t["name"]: t for t in plotted(page, "plot-capacity-fade")}
    from gwangyang.battery.cycles import usable_cycles

    for cell_id in store.cells()["cell_id"]:
        cycles, _left_out = usable_cycles(store.cycles(cell_id))  # the fleet plots complete cycles only
        np.testing.assert_allclose(traces[cell_id]["y"], cycles["discharge_capacity_ah"], rtol=1e-12)
        assert traces[cell_id]["x"] == cycles["cycle_index"].tolist()
    count = page.get_by_test_id("fleet-cell-count").inner_text()
    assert int(count) == len(store.cells())
    page.screenshot(path=str(shots / "fleet.png"), full_page=True)


def test_click_through_to_cell_page(page: Any, server: tuple[str, Store], shots: Path) -> None:
    _base, store = server
    page.locator('[data-testid="cell-row"][data-cell-id="CS2_35"] [data-testid="cell-link"]').click()
    page.wait_for_url("**/battery/cells/CS2_35")
    cycles = store.cycles("CS2_35")
    capacity = plotted(page, "plot-cycles")[0]
    np.testing.assert_allclose(capacity["y"], cycles["discharge_capacity_ah"], rtol=1e-12)
    curves = store.curves("CS2_35")
    qv = plotted(page, "plot-qv")
    assert qv[0]["name"] == "cycle 1" and qv[-1]["name"] == "cycle 10"
    for trace in qv:
        cycle = int(trace["name"].split()[1])
        part = curves[curves["cycle_index"] == cycle]
        np.testing.assert_allclose(trace["x"], part["discharge_capacity_ah"], rtol=1e-12)
        np.testing.assert_allclose(trace["y"], part["voltage_v"], rtol=1e-12)
    dqdv = plotted(page, "plot-dqdv")
    first = curves[curves["cycle_index"] == 1]
    expected = -np.gradient(first["discharge_capacity_ah"].to_numpy(), first["voltage_v"].to_numpy())
    np.testing.assert_allclose(np.array(dqdv[0]["y"], dtype=float), expected, rtol=1e-9)
    soh = plotted(page, "plot-soh")[0]
    from gwangyang.battery.cycles import usable_cycles

    # SOH vs the first 5, over the complete cycles (the last, cut by the end of the file, is left out)
    discharge = usable_cycles(cycles)[0]["discharge_capacity_ah"].to_numpy()
    np.testing.assert_allclose(soh["y"], discharge / np.median(discharge[:5]), rtol=1e-12)
    assert page.get_by_test_id("cycle-row").count() == 10
    page.screenshot(path=str(shots / "cell.png"), full_page=True)


def test_upload_through_page_adds_cell(
    page: Any, server: tuple[str, Store], cyclers: Path, shots: Path
) -> None:
    _base, store = server
    folder = cyclers / "arbin"
    page.get_by_test_id("upload-input").set_input_files(
        [str(folder / "FastCharge_000025_CH8.csv"), str(folder / "FastCharge_000025_CH8_Metadata.csv")]
    )
    page.get_by_test_id("upload-submit").click()
    row = page.locator('[data-testid="cell-row"][data-cell-id="FastCharge_000025_CH8"]')
    row.wait_for(timeout=60_000)
    assert (
        "Ingested 1 file(s) into FastCharge_000025_CH8" in page.get_by_test_id("upload-status").inner_text()
    )
    assert store.meta("FastCharge_000025_CH8")["rows"] == 248  # the CSV's data lines
    traces = {t["name"] for t in plotted(page, "plot-capacity-fade")}
    # the upload's only cycle is a rest (no charge, no discharge): listed, with its warning badge, but
    # the capacity plot shows complete cycles only
    assert traces == {"CS2_35"}
    assert row.get_by_test_id("warning-badge").count() == 1
    page.screenshot(path=str(shots / "fleet-after-upload.png"), full_page=True)


def test_wrong_file_upload_shows_message(page: Any, cyclers: Path) -> None:
    page.get_by_test_id("upload-input").set_input_files(str(cyclers / "bad" / "custom_good_small.csv"))
    page.get_by_test_id("upload-submit").click()
    status = page.get_by_test_id("upload-status")
    status.filter(has_text="unknown cycler format").wait_for(timeout=30_000)
    assert "415" in status.inner_text() and "custom_good_small.csv" in status.inner_text()


@pytest.mark.parametrize("path", ["/battery", "/battery/cells/CS2_35"])
def test_phone_width_has_no_sideways_scroll(
    phone: Any, server: tuple[str, Store], shots: Path, path: str
) -> None:
    base, _store = server
    phone.goto(f"{base}{path}")
    testid = "plot-capacity-fade" if path == "/battery" else "plot-qv"
    phone.wait_for_selector(f'[data-testid="{testid}"][data-plotted="true"]', timeout=30_000)
    # tables scroll inside their own box; the page itself must fit the 390 px screen
    assert phone_fits(phone)
    phone.screenshot(path=str(shots / "phone.png"), full_page=True)


def test_flags_are_the_anomaly_detectors(page: Any, server: tuple[str, Store]) -> None:
    from gwangyang.battery.quality.anomalies import CellState, CycleAnomalyDetector

    _base, store = server
    expected = 0
    for cell_id in store.cells()["cell_id"]:
        from gwangyang.battery.cycles import usable_cycles

        cycles = usable_cycles(store.cycles(cell_id))[0]
        found = CycleAnomalyDetector().update(CellState(cell_id), cycles, final=True)
        flag = page.locator(f'[data-testid="cell-row"][data-cell-id="{cell_id}"] [data-testid="flag"]')
        for kind in {a.kind.replace("_", " ") for a in found}:
            assert kind in flag.inner_text()
        expected += bool(found)
    assert int(page.get_by_test_id("fleet-flagged-count").inner_text()) == expected


def test_fit_life_model_survives_reload(page: Any, server: tuple[str, Store], shots: Path) -> None:
    page.get_by_test_id("life-empty").wait_for()
    page.get_by_test_id("life-fit").click()
    page.get_by_test_id("life-status").filter(has_text="Fitting").wait_for(timeout=10_000)
    page.reload()  # the job goes on; the reloaded page follows it and shows the model when done
    traces = plotted(page, "plot-life", timeout_ms=120_000)
    record = page.evaluate("() => fetch('/api/v1/battery/life/models/demo').then(r => r.json())")
    rows = record["predictions"]
    assert traces[0]["x"] == [r["cell"] for r in rows]
    np.testing.assert_allclose(traces[0]["y"], [r["predicted_cycle_life"] for r in rows], rtol=1e-12)
    bars = page.evaluate("() => document.querySelector('[data-testid=\"plot-life\"]').data[0].error_y.array")
    np.testing.assert_allclose(bars, [r["upper"] - r["predicted_cycle_life"] for r in rows], rtol=1e-9)
    assert traces[1]["y"] == [r["cycle_life"] for r in rows]  # observed life of the sample's test cells
    # a third trace rings the predictions beyond the training range, only when there are any
    assert len(traces) == 2 + any("warning" in r for r in rows)
    assert page.get_by_test_id("life-row").count() == len(rows) == 4
    page.screenshot(path=str(shots / "fleet-life.png"), full_page=True)


def test_login_page_in_browser(browser: Any, server: tuple[str, Store], shots: Path) -> None:
    from .conftest import TOKEN

    base, _store = server
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(f"{base}/battery/cells/CS2_35")
    assert "/login" in tab.url
    tab.get_by_test_id("login-token").fill(TOKEN)
    tab.get_by_test_id("login-submit").click()
    tab.wait_for_url("**/battery/cells/CS2_35")
    tab.screenshot(path=str(shots / "after-login.png"))
    context.close()
