"""The Korean pages' error lines in headless Chromium: what the API refuses (a bad SQL query, an unknown cycler file, a berth instance missing its fields) and what the services compose after a run reads Korean, not the service's English."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gwangyang.api.i18n import phrase
from gwangyang.store import Store
from gwangyang.store.views import VIEWS

from .test_i18n import english_words, korean_tab

pytestmark = pytest.mark.e2e
SHARES_SERVER = True  # writes nothing another module reads, reads nothing another writes (see conftest)

NAMES = [
    *VIEWS,
    *("SELECT", "DELETE", "FROM", "nope", "nothere", "bad.csv"),
    *("Arbin", "Maccor", "Neware", "BioLogic", "Novonix", "Basytec", "--column-map"),
    *("arrival", "deadline", "opening", "closing", "handling"),
]
"""What the error lines quote as it is: SQL words and view names, the file, cyclers, an instance's fields."""


def status_after(tab: Any, testid: str, act: Any) -> str:
    """The text of the status line ``testid`` once ``act()`` has made it an error line."""
    element = f"document.querySelector('[data-testid=\"{testid}\"]')"
    tab.evaluate(f"() => {{ {element}.textContent = ''; {element}.classList.remove('error'); }}")
    act()
    tab.wait_for_function(f"() => {element}.classList.contains('error')", timeout=30_000)
    text: str = tab.get_by_test_id(testid).inner_text()
    return text


def test_refusals_read_korean(browser: Any, server: tuple[str, Store], tmp_path: Path, shots: Path) -> None:
    base, _store = server
    bad = tmp_path / "bad.csv"
    bad.write_text("hello,world\n1,2\n")
    context, tab = korean_tab(browser, base)
    seen: dict[str, str] = {}
    try:
        tab.goto(f"{base}/battery")

        def query(sql: str) -> Any:
            def act() -> None:
                tab.get_by_test_id("sql-input").fill(sql)
                tab.get_by_test_id("sql-run").click()

            return act

        seen["column"] = status_after(tab, "sql-status", query("SELECT nope FROM cycles"))
        seen["view"] = status_after(tab, "sql-status", query("SELECT * FROM nothere"))
        seen["write"] = status_after(tab, "sql-status", query("DELETE FROM cycles"))

        def upload() -> None:
            tab.get_by_test_id("upload-input").set_input_files(str(bad))
            tab.get_by_test_id("upload-submit").click()

        seen["upload"] = status_after(tab, "upload-status", upload)
        tab.screenshot(path=str(shots / "battery-errors.png"), full_page=True)

        tab.goto(f"{base}/port")

        def berths() -> None:
            tab.get_by_test_id("berth-json").fill('{"vessels": 3}')
            tab.get_by_test_id("berth-submit").click()

        seen["berths"] = status_after(tab, "berth-status", berths)
        # a plan the heuristics found, as port.js shows its status
        seen["plan"] = tab.evaluate("() => window.gwangyang.phrase('FEASIBLE (plan from spt+annealing)')")
        tab.screenshot(path=str(shots / "port-errors.png"), full_page=True)
    finally:
        context.close()
    assert 'FROM 절에 "nope" 열이 없습니다' in seen["column"], seen
    assert "'nothere' 뷰가 없습니다" in seen["view"] and "사용할 수 있는 뷰" in seen["view"], seen
    assert "SELECT 문만 실행할 수 있습니다 (입력: DELETE)" in seen["write"], seen
    assert "알 수 없는 충방전기 형식" in seen["upload"] and "텍스트 파일" in seen["upload"], seen
    assert "arrival: 필수 항목이 없습니다" in seen["berths"], seen
    # the script's phrase is the server's
    assert seen["plan"] == phrase("FEASIBLE (plan from spt+annealing)", "ko")
    assert seen["plan"] == "실행 가능 (spt+annealing 방식으로 구한 계획)"
    left = english_words(list(seen.values()), [*NAMES, "spt+annealing"])
    assert not left, left
