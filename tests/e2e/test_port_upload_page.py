"""The port page's own-scenario upload in headless Chromium: a Korean scenario and call list, read Korean."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gwangyang.store import Store
from tests.api.test_port_upload import CALLS, SCENARIO

from .test_battery_pages import plotted

pytestmark = pytest.mark.e2e


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
    page.wait_for_url("**/port?lang=ko&own=*", timeout=120_000)
    page.get_by_test_id("own-results").wait_for(timeout=30_000)
    note = page.get_by_test_id("own-note").inner_text()
    assert "광양 신규 부두 (광양 신규.toml, 입항 일정.csv): 2일" in note and "선석 제공 부하 1.250" in note
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
    # a scenario with an unknown field is refused before any job, naming the file and field
    bad = tmp_path / "잘못된.toml"
    bad.write_text(SCENARIO.replace("chunk_moves", "chunk_move"), encoding="utf-8")
    page.get_by_test_id("own-scenario").set_input_files(str(bad))
    page.get_by_test_id("own-submit").click()
    status = page.get_by_test_id("own-status")
    status.filter(has_text="거부됨").wait_for(timeout=30_000)
    assert "잘못된.toml: chunk_move: unknown field" in status.inner_text()


def test_warm_up_and_two_scenarios_compared_from_the_korean_page(
    page: Any, server: tuple[str, Store], tmp_path: Path, shots: Path
) -> None:
    base, _store = server
    # Six 10 h calls at 0..5 h on one berth, one crane (A); B has two cranes (5 h a call). A and B are files of the
    # same names in two folders. By hand, A starts them at 0, 10, .., 50 h (waits 0, 9, 18, 27, 36, 45 h), B at
    # 0, 5, .., 25 h (waits 0, 4, 8, 12, 16, 20 h); a 3 h warm-up (0.125 days) leaves the first three out: mean
    # wait A (27 + 36 + 45) / 3 = 36 h, B (12 + 16 + 20) / 3 = 16 h, B - A = -20 h.
    rows = "".join(f"{n}호,{h},400,250\n" for n, h in zip("가나다라마바", range(6), strict=True))
    two_cranes = SCENARIO.replace("count = 1", "count = 2").replace("광양 신규 부두", "광양 크레인 둘")
    for folder, text in (("a", SCENARIO), ("b", two_cranes)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "광양.toml").write_text(text, encoding="utf-8")
        (tmp_path / folder / "입항 일정.csv").write_text(CALLS.split("\n")[0] + "\n" + rows, encoding="utf-8")
    page.goto(f"{base}/port?lang=ko")
    page.get_by_test_id("own-scenario").set_input_files(str(tmp_path / "a" / "광양.toml"))
    page.get_by_test_id("own-call-list").set_input_files(str(tmp_path / "a" / "입항 일정.csv"))
    page.get_by_test_id("own-days").fill("2")
    assert (
        page.get_by_test_id("own-warmup").evaluate("e => e.labels[0].textContent").startswith("워밍업 일수")
    )
    page.get_by_test_id("own-warmup").fill("0.125")
    page.get_by_test_id("own-submit").click()
    page.wait_for_url("**/port?lang=ko&own=*", timeout=120_000)
    page.get_by_test_id("own-results").wait_for(timeout=30_000)
    wait = page.locator('[data-testid="own-kpi-row"][data-kpi="mean_wait_h"] td.num').first.inner_text()
    assert float(wait) == pytest.approx(36.0)
    # the same form with a scenario B: the two compared, shown under "시나리오 비교"
    page.get_by_test_id("own-scenario-b").set_input_files(str(tmp_path / "b" / "광양.toml"))
    page.get_by_test_id("own-call-list-b").set_input_files(str(tmp_path / "b" / "입항 일정.csv"))
    page.get_by_test_id("own-submit").click()
    page.wait_for_url("**/port?lang=ko&own=*&compare=*", timeout=120_000)
    page.get_by_test_id("compare-results").wait_for(timeout=30_000)
    assert page.get_by_test_id("kpi-b-name").inner_text() == "광양 크레인 둘"
    cells = page.locator('[data-testid="kpi-row"][data-kpi="mean_wait_h"] td.num').all_inner_texts()
    assert [float(c) for c in cells[:3]] == pytest.approx([36.0, 16.0, -20.0])
    page.screenshot(path=str(shots / "port-own-comparison.png"), full_page=True)
    # B's files refused before any job, the message naming B
    (tmp_path / "b" / "광양.toml").write_text(
        two_cranes.replace("chunk_moves", "chunk_move"), encoding="utf-8"
    )
    page.get_by_test_id("own-scenario-b").set_input_files(str(tmp_path / "b" / "광양.toml"))
    page.get_by_test_id("own-submit").click()
    status = page.get_by_test_id("own-status")
    status.filter(has_text="거부됨").wait_for(timeout=30_000)
    assert "scenario B: 광양.toml: chunk_move: unknown field" in status.inner_text()
