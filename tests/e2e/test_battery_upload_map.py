"""The fleet page's upload with a column map, in headless Chromium with a Korean browser.

The shared BioLogic CSV with Korean headers and its map (:func:`tests.api.test_upload_column_map.korean_copy`) are
picked in the page's two file inputs; the cell appears with the rows pandas counts, and the status line shows the
map's warning as the server reads it in Korean (:func:`gwangyang.api.i18n.phrase`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gwangyang.api.i18n import phrase
from gwangyang.store import Store

from ..api.test_upload_column_map import ROWS, korean_copy
from .test_i18n import korean_tab

pytestmark = pytest.mark.e2e


def test_a_column_map_picked_beside_the_files_reads_them(
    browser: Any, server: tuple[str, Store], tmp_path: Path, shots: Path
) -> None:
    base, store = server
    path, mapped = korean_copy(tmp_path)
    context, tab = korean_tab(browser, base)
    try:
        tab.goto(f"{base}/battery")
        tab.get_by_test_id("upload-input").set_input_files(str(path))
        tab.get_by_test_id("upload-column-map").set_input_files(str(mapped))
        tab.get_by_test_id("upload-submit").click()
        row = tab.locator('[data-testid="cell-row"][data-cell-id="충방전 시험 1"]')
        row.wait_for(timeout=60_000)
        status = tab.get_by_test_id("upload-status").inner_text()
        tab.screenshot(path=str(shots / "fleet-upload-map.png"), full_page=True)
    finally:
        context.close()
    meta = store.meta("충방전 시험 1")
    assert meta["rows"] == ROWS and meta["vendor"] == "우리 장비"
    (warning,) = [w["detail"] for w in meta["warnings"] if w["kind"] == "unknown_column"]
    assert "경고: " + phrase(warning, "ko") in status, status
