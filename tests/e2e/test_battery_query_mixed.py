"""The query box says, in Korean too, which column the view reads as text (some cells text, others numbers)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from gwangyang.store import Store
from tests.store.test_dask_columns import with_columns
from tests.store.test_layout import formation_cell, put

pytestmark = pytest.mark.e2e

QUERY = "SELECT cell_id, 등급 FROM cycles WHERE cell_id LIKE '혼합-%' ORDER BY cell_id, cycle_index"


def test_query_box_shows_the_mixed_column_warning(page: Any, server: tuple[str, Store], shots: Path) -> None:
    base, store = server
    put(
        store,
        [with_columns(formation_cell("혼합-가", "로트", 1, rows=9), "cycles", {"등급": pa.array([1, 2, 3])})],
    )
    put(
        store,
        [
            with_columns(
                formation_cell("혼합-나", "로트", 2, rows=9), "cycles", {"등급": pa.array(list("ABC"))}
            )
        ],
    )
    text_file = store.snapshot().location("혼합-나", "cycles").file  # type: ignore[union-attr]
    page.goto(f"{base}/battery?lang=ko")
    page.get_by_test_id("sql-input").fill(QUERY)
    page.get_by_test_id("sql-run").click()
    page.wait_for_selector('[data-testid="sql-row"]', timeout=30_000)
    values = [r.locator("td").all_inner_texts()[1] for r in page.get_by_test_id("sql-row").all()]
    assert values == ["1", "2", "3", "A", "B", "C"]
    status = page.get_by_test_id("sql-status").inner_text()
    assert status.startswith("6행, ")
    assert f"표 cycles: 열 '등급'이(가) 파일 1개(셀 혼합-나: {text_file})에서는 텍스트이고 파일 " in status
    assert (
        "에서는 int64입니다: 뷰는 이 열을 텍스트로 읽습니다(숫자는 DuckDB가 쓰는 대로: 7, 1.0, true)."
        in status
    )
    page.screenshot(path=str(shots / "fleet-query-mixed.png"), full_page=True)
