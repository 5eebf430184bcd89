"""``/docs`` and ``/redoc`` render in Chromium with every request off the server aborted (an offline plant)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gwangyang.store import Store

pytestmark = pytest.mark.e2e


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
