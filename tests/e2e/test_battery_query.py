"""The fleet page's query box in headless Chromium: a typed SELECT shows the rows pandas computes; a write is refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from gwangyang.battery import service
from gwangyang.store import Store
from tests.battery.test_production import line_table

pytestmark = pytest.mark.e2e

QUERY = (
    "SELECT lot, count(*) AS cells, avg(capacity_ah) AS mean_ah, max(k_value_mv_per_day) AS worst_k\n"
    "FROM production GROUP BY lot ORDER BY lot"
)


def test_query_box_shows_the_rows(page: Any, server: tuple[str, Store], tmp_path: Path, shots: Path) -> None:
    _base, store = server
    table = line_table(cells_per_lot=120)
    path = tmp_path / "eol.csv"
    table.to_csv(path, index=False)
    service.ingest_production(store, path)
    page.reload()
    assert "production" in page.get_by_test_id("sql-views").inner_text()
    page.get_by_test_id("sql-input").fill(QUERY)
    page.get_by_test_id("sql-run").click()
    page.wait_for_selector('[data-testid="sql-row"]', timeout=30_000)
    header = page.locator('[data-testid="sql-result"] th').all_inner_texts()
    assert header == ["lot", "cells", "mean_ah", "worst_k"]
    rows = [r.locator("td").all_inner_texts() for r in page.get_by_test_id("sql-row").all()]
    expected = table.groupby("Lot").agg(
        cells=("셀ID", "size"), mean=("capacity_mAh", "mean"), worst=("K-value (mV/day)", "max")
    )
    assert [r[0] for r in rows] == ["L1", "L2"] and [int(r[1]) for r in rows] == [120, 120]
    np.testing.assert_allclose([float(r[2]) for r in rows], expected["mean"] / 1000.0, rtol=1e-12)
    np.testing.assert_allclose([float(r[3]) for r in rows], expected["worst"], rtol=1e-12)
    assert page.get_by_test_id("sql-status").inner_text().startswith("2 row(s)")
    page.screenshot(path=str(shots / "fleet-query.png"), full_page=True)

    page.get_by_test_id("sql-input").fill("SELECT cell_id FROM production WHERE cell_id LIKE '셀-L2-%'")
    page.get_by_test_id("sql-run").click()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"sql-status\"]').textContent.includes('first 1000')"
        " || document.querySelectorAll('[data-testid=\"sql-row\"]').length === 120"
    )
    ids = page.locator('[data-testid="sql-row"] td').all_inner_texts()
    assert sorted(ids) == sorted(table.loc[table["Lot"] == "L2", "셀ID"])

    page.get_by_test_id("sql-input").fill("DROP VIEW production")
    page.get_by_test_id("sql-run").click()
    status = page.get_by_test_id("sql-status")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"sql-status\"]').textContent.startsWith('Query refused')"
    )
    assert "read-only here; expected a SELECT statement, got DROP" in status.inner_text()
    assert page.locator('[data-testid="sql-result"]').is_hidden()
    assert len(pd.read_csv(path)) == len(service.query_store(store, "SELECT * FROM production")["rows"])

    # no answer at all (the server gone): one line in the page's language, not the browser's "Failed to fetch"
    page.goto(page.url.split("?")[0] + "?lang=ko")
    page.route("**/api/v1/battery/sql", lambda route: route.abort())
    page.get_by_test_id("sql-run").click()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"sql-status\"]').textContent.startsWith('질의 거부')"
    )
    assert (
        status.inner_text()
        == "질의 거부: 서버가 응답하지 않습니다. 서버가 실행 중인지 확인하고 다시 시도하세요."
    )
