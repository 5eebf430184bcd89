"""The port page's own-scenario upload in headless Chromium: a Korean scenario and call list, read Korean."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from gwangyang.store import Store
from tests.api.test_port_upload import CALLS, SCENARIO

from .test_battery_pages import plotted

pytestmark = pytest.mark.e2e

SHARES_SERVER = True  # writes no comparison or plan (what the port page shows of the store); see conftest

OWN_IN_ADDRESS = re.compile(r"/port\?(?:.*&)?own=")
"""The page's address once it follows the uploaded run: ``own=<job>`` after ``lang=ko`` and, where the shared server
holds a comparison (test_port_compare_page.py), the ``compare=<job>`` the page follows first."""


def test_own_scenario_uploaded_from_the_korean_page(
    page: Any, server: tuple[str, Store], tmp_path: Path, shots: Path
) -> None:
    base, _store = server
    # Six 10 h calls in the first 6 h of 2 days on one berth (offered load 60 / 48 = 1.25) and one after the run.
    rows = "".join(f"{n}호,{h},400,250\n" for n, h in zip("가나다라마바", range(6), strict=True))
    scenario, calls = tmp_path / "광양 신규.toml", tmp_path / "입항 일정.csv"
    scenario.write_text(SCENARIO, encoding="utf-8")
    calls.write_text(CALLS.split("\n")[0] + "\n" + rows + "늦은호,50,400,250\n", encoding="utf-8")
    page.goto(f"{base}/port?lang=ko")
    assert page.get_by_test_id("own-section").locator("h2").inner_text() == "직접 만든 시나리오"
    page.get_by_test_id("own-scenario").set_input_files(str(scenario))
    page.get_by_test_id("own-call-list").set_input_files(str(calls))
    page.get_by_test_id("own-days").fill("2")
    page.get_by_test_id("own-submit").click()
    page.wait_for_url(OWN_IN_ADDRESS, timeout=120_000)
    page.get_by_test_id("own-results").wait_for(timeout=30_000)
    note = page.get_by_test_id("own-note").inner_text()
    assert "광양 신규 부두 (광양 신규.toml, 입항 일정.csv): 2일" in note and note.endswith(
        "; 선석 제공 부하 1.25"
    )  # 4 significant digits, no trailing zeros
    # each 10 h call is served in 10 h (25 moves/h, 250 moves)
    service = page.locator('[data-testid="own-kpi-row"][data-kpi="mean_service_h"] td.num').first.inner_text()
    assert float(service) == pytest.approx(10.0)
    warnings = page.get_by_test_id("own-warning").all_inner_texts()
    assert warnings[0].startswith(
        "⚠ 입항 목록의 7척 중 1척이 실행 기간 2일 이후에 도착해 빠졌습니다(첫 선박 '늦은호', 50 h)"
    )
    assert warnings[1].startswith("⚠ 정상 상태가 아님: 선석의 제공 부하가 1.25입니다")
    gantt = plotted(page, "plot-own-gantt")
    assert [t["name"] for t in gantt] == ["1번 선석"] and len(gantt[0]["x"]) == 6
    page.screenshot(path=str(shots / "port-own-scenario.png"), full_page=True)
    # a scenario with an unknown field is refused before any job, naming the file and field, in Korean
    bad = tmp_path / "잘못된.toml"
    bad.write_text(SCENARIO.replace("chunk_moves", "chunk_move"), encoding="utf-8")
    page.get_by_test_id("own-scenario").set_input_files(str(bad))
    page.get_by_test_id("own-submit").click()
    status = page.get_by_test_id("own-status")
    status.filter(has_text="거부됨").wait_for(timeout=30_000)
    assert "잘못된.toml: chunk_move: 알 수 없는 항목 (사용할 수 있는 항목: arrivals, " in status.inner_text()
    assert "unknown field" not in status.inner_text()
