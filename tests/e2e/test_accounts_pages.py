"""Accounts in headless Chromium: a viewer's pages have no ingest or fit buttons and its API writes are 403; the admin's audit page lists them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gwangyang import accounts
from gwangyang.battery.ingest import ingest
from gwangyang.store import Store

from .conftest import TOKEN

pytestmark = pytest.mark.e2e

WRITE_BUTTONS = ("upload-submit", "upload-input", "life-fit")
"""The fleet page's controls that ingest or fit."""


def log_in(browser: Any, base: str, token: str) -> tuple[Any, Any]:
    """A new browser context logged in through the login form with ``token``; (context, tab)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.goto(f"{base}/login?next=/battery")
    tab.fill('input[name="token"]', token)
    tab.click('[data-testid="login-submit"]')
    tab.wait_for_url(f"{base}/battery")
    return context, tab


def test_viewer_cannot_write_and_admin_sees_the_audit(
    browser: Any, server: tuple[str, Store], shots: Path
) -> None:
    base, store = server
    viewer_token = accounts.add_user(store.root, "최뷰어", "광양제철", "viewer")[1]
    operator_token = accounts.add_user(store.root, "operator1", "포스코퓨처엠", "operator")[1]

    context, tab = log_in(browser, base, viewer_token)
    assert tab.get_by_test_id("who").inner_text() == "최뷰어 · 광양제철 · viewer"
    for test_id in WRITE_BUTTONS:
        assert tab.get_by_test_id(test_id).count() == 0, test_id
    assert tab.get_by_test_id("nav-audit").count() == 0
    tab.screenshot(path=str(shots / "viewer-fleet.png"), full_page=True)
    tab.goto(f"{base}/factory")
    assert tab.get_by_test_id("fit-submit").count() == 0 and tab.get_by_test_id("score-submit").count() == 0
    # the page's own script, with the viewer's cookie, is refused by the API too
    status = tab.evaluate(
        """async () => (await fetch('/api/v1/battery/life/fit', {method: 'POST',
             headers: {'Content-Type': 'application/json'}, body: '{"name": "m"}'})).status"""
    )
    assert status == 403
    assert tab.goto(f"{base}/admin/audit").status == 403
    context.close()

    context, tab = log_in(browser, base, operator_token)
    for test_id in WRITE_BUTTONS:
        assert tab.get_by_test_id(test_id).count() == 1, test_id
    context.close()

    context, tab = log_in(browser, base, TOKEN)
    tab.get_by_test_id("nav-audit").click()
    tab.wait_for_url(f"{base}/admin/audit")
    rows = [r.inner_text() for r in tab.get_by_test_id("audit-row").all()]
    tab.screenshot(path=str(shots / "admin-audit.png"), full_page=True)
    # newest first: the admin's login, the operator's login, the viewer's refused fit, the viewer's login
    assert len(rows) == 4, rows
    assert "admin" in rows[0] and "POST /login" in rows[0]
    assert "operator1" in rows[1] and "포스코퓨처엠" in rows[1]
    assert "최뷰어" in rows[2] and "광양제철" in rows[2] and "POST /api/v1/battery/life/fit" in rows[2]
    assert rows[2].split()[-1] == "403"
    assert "최뷰어" in rows[3] and "303" in rows[3]
    users = tab.get_by_test_id("users-table").inner_text()
    assert "최뷰어" in users and "operator1" in users
    context.close()


def test_operator_sees_only_its_organisations_cells(
    browser: Any, server: tuple[str, Store], shots: Path
) -> None:
    # Issue 20, item 2: the fleet page of an operator of A lists A's cells and the shared ones, never B's.
    from tests.conftest import CYCLERS

    base, store = server
    shared = {m["cell_id"] for m in store.metas()}  # the CALCE cell, ingested without an organisation
    assert ingest([CYCLERS / "maccor" / "sample_data_maccor.csv"], store=store, org="B사").ok
    assert ingest([CYCLERS / "basytec" / "sample_data_basytec.txt"], store=store, org="A사").ok
    a_token = accounts.add_user(store.root, "운영자A", "A사", "operator")[1]

    context, tab = log_in(browser, base, a_token)
    rows = {row.get_attribute("data-cell-id") for row in tab.get_by_test_id("cell-row").all()}
    tab.screenshot(path=str(shots / "operator-a-fleet.png"), full_page=True)
    assert rows == shared | {"sample_data_basytec"}
    assert tab.get_by_test_id("fleet-cell-count").inner_text() == str(len(shared) + 1)
    assert "sample_data_maccor" not in tab.content()
    assert tab.goto(f"{base}/battery/cells/sample_data_maccor").status == 404
    status = tab.evaluate("async () => (await fetch('/api/v1/battery/cells/sample_data_maccor')).status")
    assert status == 404
    # the fleet page's query box: every view holds A's and the shared cells only
    tab.goto(f"{base}/battery")
    tab.get_by_test_id("sql-input").fill("SELECT DISTINCT cell_id FROM cycles ORDER BY cell_id")
    tab.get_by_test_id("sql-run").click()
    tab.wait_for_selector('[data-testid="sql-row"]', timeout=30_000)
    queried = set(tab.locator('[data-testid="sql-row"] td').all_inner_texts())
    assert queried == shared | {"sample_data_basytec"}
    context.close()

    context, tab = log_in(browser, base, TOKEN)  # the store's admin sees every organisation's cells
    rows = {row.get_attribute("data-cell-id") for row in tab.get_by_test_id("cell-row").all()}
    assert rows == shared | {"sample_data_basytec", "sample_data_maccor"}
    context.close()
