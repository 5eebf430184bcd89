"""The optimize page in headless Chromium: a campaign run through the API, shown with its rounds, plot and recommendation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from gwangyang.store import Store

from .conftest import TOKEN, phone_fits

pytestmark = pytest.mark.e2e

CAMPAIGN = "급속충전 캠페인"
"""A Korean name with a space: the API path (percent-encoded by httpx), the store folder and the page's selectors."""
BATCH = 5
ROUNDS = 3
OPTIMUM = {"cc1": 4.8, "cc2": 5.2, "cc3": 5.2}
"""Peak of the test's objective: Attia et al. 2020's recommended CC1-CC3 (4.8C-5.2C-5.2C)."""


def cycle_life(params: dict[str, float]) -> float:
    """An analytic stand-in for the measured cycle life: 1000 at :data:`OPTIMUM`, falling quadratically."""
    return 1000.0 - 100.0 * sum((float(params[k]) - v) ** 2 for k, v in OPTIMUM.items())


@pytest.fixture(scope="module")
def campaign(server: tuple[str, Store]) -> Iterator[dict[str, Any]]:
    """Two rounds of a campaign run through the API as a lab would (suggest, measure, observe); yields the results."""
    base, _store = server
    values: list[tuple[int, float]] = []
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=120) as client:
        created = client.post(
            f"/api/v1/optimize/campaigns/{CAMPAIGN}",
            json={"space": "attia2020", "batch": BATCH, "rounds": ROUNDS, "seed": 0},
        )
        assert created.status_code == 200, created.text
        for _ in range(2):
            batch = client.post(f"/api/v1/optimize/campaigns/{CAMPAIGN}/suggest").json()
            results = [{"id": s["id"], "value": cycle_life(s["params"])} for s in batch["suggestions"]]
            values += [(batch["round"], r["value"]) for r in results]
            assert client.post(
                f"/api/v1/optimize/campaigns/{CAMPAIGN}/observe", json={"results": results}
            ).json() == {
                "recorded": BATCH,
                "failed": [],
                "round": batch["round"] + 1,
                "pending": [],
                "warnings": [],
            }
        status = client.get(f"/api/v1/optimize/campaigns/{CAMPAIGN}").json()
    yield {"values": values, "status": status}


def test_campaign_rounds_plot_and_recommendation(
    page: Any, server: tuple[str, Store], campaign: dict[str, Any], shots: Path
) -> None:
    page.get_by_test_id("nav-optimize").click()
    page.wait_for_url("**/optimize")
    section = page.locator(f'[data-testid="campaign"][data-name="{CAMPAIGN}"]')
    summary = " ".join(section.get_by_test_id("campaign-summary").inner_text().split())
    assert f"round 2 of {ROUNDS}, {2 * BATCH} observation(s), 0 pending" in summary
    assert "maximize cycle_life" in summary

    values = campaign["values"]
    best = [max(v for r, v in values if r <= k) for k in (0, 1)]  # best so far as each round closed
    rows = section.get_by_test_id("round-row")
    assert rows.count() == 2
    for k in (0, 1):
        cells = rows.nth(k).locator("td").all_inner_texts()
        assert [int(c) for c in cells[:3]] == [k, BATCH, BATCH]
        assert float(cells[3].replace(",", "")) == pytest.approx(
            best[k], rel=1e-3
        )  # 4 significant digits, grouped

    selector = f'[data-testid="plot-campaign-{CAMPAIGN}"][data-plotted="true"]'
    page.wait_for_selector(selector, timeout=30_000)
    traces = page.evaluate(f"() => document.querySelector('{selector}').data.map(t => ({{x: t.x, y: t.y}}))")
    observed, best_line = traces
    assert observed["x"] == [r for r, _ in values]
    np.testing.assert_allclose(observed["y"], [v for _, v in values], rtol=1e-12)
    assert best_line["x"] == [0, 1]
    np.testing.assert_allclose(best_line["y"], best, rtol=1e-12)

    recommended = campaign["status"]["recommended"]
    text = section.get_by_test_id("campaign-recommended").inner_text()
    for name, value in recommended["params"].items():
        assert f"{name} = {value}" in text
    shown_mean = float(text.split("predicted")[1].split("±")[0].replace(",", ""))
    assert shown_mean == pytest.approx(recommended["mean"], rel=1e-3)
    page.screenshot(path=str(shots / "optimize.png"), full_page=True)


def test_broken_campaign_listed_with_its_error(
    page: Any, server: tuple[str, Store], campaign: dict[str, Any]
) -> None:
    base, store = server
    folder = store.root / "optimize" / "campaigns" / "broken"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "state.json").write_text("{not json")
    try:
        page.goto(f"{base}/optimize")
        error = page.locator('[data-testid="campaign"][data-name="broken"] [data-testid="campaign-error"]')
        assert "not a campaign state file" in error.inner_text()
        # the good campaign is still drawn
        page.wait_for_selector(f'[data-testid="plot-campaign-{CAMPAIGN}"][data-plotted="true"]')
    finally:
        (folder / "state.json").unlink()
        folder.rmdir()


def test_optimize_page_fits_phone_width(
    phone: Any, server: tuple[str, Store], campaign: dict[str, Any], shots: Path
) -> None:
    base, _store = server
    phone.goto(f"{base}/optimize")
    phone.wait_for_selector(f'[data-testid="plot-campaign-{CAMPAIGN}"][data-plotted="true"]', timeout=30_000)
    assert phone_fits(phone)
    phone.screenshot(path=str(shots / "optimize-phone.png"), full_page=True)


def test_campaign_warnings_listed_in_korean(page: Any, server: tuple[str, Store]) -> None:
    """A result's twin warning (CC steps on charge_limit_v) is listed under its campaign with its round and id, in Korean."""
    base, _store = server
    warning = (
        "twin: protocol 8-6-5-4, cell 0: CC step(s) 2 (6 C, 1 of 1 cycle(s)) ended at charge_limit_v = 4.2 V before "
        "their planned SOC; the CC steps charged to 37.8 % SOC of the planned 80 % (cycle 1): the cell took less "
        "charge at those rates than the protocol says."
    )
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=120) as client:
        created = client.post("/api/v1/optimize/campaigns/경고", json={"space": "attia2020", "batch": 1})
        assert created.status_code == 200, created.text
        (suggestion,) = client.post("/api/v1/optimize/campaigns/경고/suggest").json()["suggestions"]
        results = [{"id": suggestion["id"], "value": 900.0, "warnings": [warning]}]
        observed = client.post("/api/v1/optimize/campaigns/경고/observe", json={"results": results}).json()
    assert observed["warnings"] == [f"{suggestion['id']}: {warning}"]
    page.goto(f"{base}/optimize?lang=ko")
    item = page.locator('[data-testid="campaign"][data-name="경고"] [data-testid="campaign-warning"]')
    assert item.count() == 1
    assert " ".join(item.inner_text().split()) == (
        f"⚠ 회차 0, {suggestion['id']}: 트윈: 프로토콜 8-6-5-4, 셀 0: CC 단계 2 (6 C, 사이클 1회 중 1회)이(가) 계획된 "
        "SOC에 이르기 전에 charge_limit_v = 4.2 V에서 끝났습니다; CC 단계는 계획된 80 % 중 SOC 37.8 %까지 "
        "충전했습니다 (사이클 1). 셀이 그 전류율에서 프로토콜이 말하는 것보다 적게 충전되었습니다."
    )
