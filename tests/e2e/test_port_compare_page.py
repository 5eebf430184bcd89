"""The port page's own-scenario form in headless Chromium: the warm-up field and two scenarios compared (A and B)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gwangyang.store import Store
from tests.api.test_port_upload import CALLS, SCENARIO

pytestmark = pytest.mark.e2e

SHARES_SERVER = True  # reads the newest comparison, which only this module writes; see conftest

FILES_SHOWN = "시나리오 A: 광양 신규 부두 (광양.toml, 입항 일정.csv); 시나리오 B: 광양 크레인 둘 (광양.toml, 입항 일정.csv)"
"""What the Korean page says of an uploaded comparison's files (A and B each a 광양.toml with its 입항 일정.csv)."""


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
    # which scenario is A and which B: the column heads, and each one's files as sent (named alike here)
    assert page.get_by_test_id("kpi-a-name").inner_text() == "A: 광양 신규 부두"
    assert page.get_by_test_id("kpi-b-name").inner_text() == "B: 광양 크레인 둘"
    assert page.get_by_test_id("compare-files").inner_text() == FILES_SHOWN
    cells = page.locator('[data-testid="kpi-row"][data-kpi="mean_wait_h"] td.num').all_inner_texts()
    assert [float(c) for c in cells[:3]] == pytest.approx([36.0, 16.0, -20.0])
    page.screenshot(path=str(shots / "port-own-comparison.png"), full_page=True)
    # B's files refused before any job, the message naming B (in Korean: the prefix and the loader's line)
    (tmp_path / "b" / "광양.toml").write_text(
        two_cranes.replace("chunk_moves", "chunk_move"), encoding="utf-8"
    )
    page.get_by_test_id("own-scenario-b").set_input_files(str(tmp_path / "b" / "광양.toml"))
    page.get_by_test_id("own-submit").click()
    status = page.get_by_test_id("own-status")
    status.filter(has_text="거부됨").wait_for(timeout=30_000)
    assert "시나리오 B: 광양.toml: chunk_move: 알 수 없는 항목" in status.inner_text()
    # the page opened again shows the newest comparison, with its files
    page.goto(f"{base}/port?lang=ko")
    page.get_by_test_id("compare-results").wait_for(timeout=30_000)
    assert page.get_by_test_id("compare-files").inner_text() == FILES_SHOWN
