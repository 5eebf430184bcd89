"""``/docs`` and ``/redoc`` render in Chromium with every request off the server aborted (an offline plant)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gwangyang.store import Store

from .conftest import TOKEN

pytestmark = pytest.mark.e2e
SHARES_SERVER = True  # writes nothing another module reads, reads nothing another writes (see conftest)


def offline(tab: Any, base: str) -> list[str]:
    """Abort every request that does not go to ``base``; return the list the aborted URLs go to."""
    blocked: list[str] = []

    def handle(route: Any) -> None:
        url = route.request.url
        if url.startswith(base):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    tab.route("**/*", handle)
    return blocked


def test_swagger_ui_renders_offline(page: Any, server: tuple[str, Store], shots: Path) -> None:
    base, _store = server
    blocked = offline(page, base)
    page.goto(f"{base}/docs")
    title = page.wait_for_selector(".swagger-ui .info .title", timeout=30_000)
    assert title is not None and "Gwangyang" in title.inner_text()
    # Operations from the OpenAPI document are listed: the spec loaded and rendered.
    page.wait_for_selector(".opblock-tag", timeout=30_000)
    assert page.locator(".opblock").count() > 10
    assert blocked == []
    page.screenshot(path=str(shots / "docs.png"))


def test_redoc_renders_offline(page: Any, server: tuple[str, Store], shots: Path) -> None:
    base, _store = server
    blocked = offline(page, base)
    page.goto(f"{base}/redoc")
    heading = page.wait_for_selector("h1", timeout=30_000)
    assert heading is not None and "Gwangyang" in heading.inner_text()
    page.wait_for_selector("[data-section-id]", timeout=30_000)
    assert page.locator("[data-section-id]").count() > 10
    # ReDoc's footer links its "API docs by Redocly" logo from a CDN; only that image may be missing.
    assert [url for url in blocked if not url.endswith("/logo-mini.svg")] == []
    page.screenshot(path=str(shots / "redoc.png"))


def test_swagger_ui_follows_the_korean_site(browser: Any, server: tuple[str, Store], shots: Path) -> None:
    # A Korean browser (Accept-Language: ko-KR): the API's texts and Swagger UI's own labels read Korean.
    base, _store = server
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    try:
        tab = context.new_page()
        tab.goto(f"{base}/?token={TOKEN}")
        blocked = offline(tab, base)
        tab.goto(f"{base}/docs")
        title = tab.wait_for_selector(".swagger-ui .info .title", timeout=30_000)
        assert title is not None and "광양 AI 플랫폼" in title.inner_text()
        assert tab.title() == "광양 API"
        cells = tab.locator(".opblock-summary-description", has_text="저장소의 셀과 용량 수치")
        cells.first.wait_for(timeout=30_000)
        health = tab.locator(".opblock[id$='-health_health_get']")
        health.locator(".opblock-summary-control").click()
        button = health.locator(".try-out__btn")
        button.wait_for(timeout=30_000)
        assert button.inner_text().strip() == "실행해 보기"
        assert health.locator(".opblock-section-header h4").first.inner_text().strip() == "매개변수"
        assert "응답" in health.locator(".responses-wrapper .opblock-section-header h4").inner_text()
        assert "동작 확인(토큰 불필요)" in health.inner_text()
        # the translated buttons still work: try it out, execute, the server's answer is shown
        button.click()
        execute = health.locator(".execute")
        execute.wait_for(timeout=30_000)
        assert execute.inner_text().strip() == "실행"
        execute.click()
        live = health.locator(".live-responses-table tr.response .response-col_status")
        live.first.wait_for(timeout=30_000)
        assert live.first.inner_text().strip() == "200"
        assert "서버 응답" in health.inner_text() and '"status": "ok"' in health.inner_text()
        assert blocked == []
        tab.screenshot(path=str(shots / "docs-ko.png"))
        # ?lang=en as on the pages: English texts and labels
        tab.goto(f"{base}/docs?lang=en")
        tab.locator(
            ".opblock-summary-description", has_text="Cells in the store with capacity figures"
        ).first.wait_for(timeout=30_000)
        health = tab.locator(".opblock[id$='-health_health_get']")
        health.locator(".opblock-summary-control").click()
        health.locator(".try-out__btn").wait_for(timeout=30_000)
        assert health.locator(".try-out__btn").inner_text().strip() == "Try it out"
    finally:
        context.close()
