"""The routes page's solve form sends parallel searches and iterations per search (``workers``,
``max_iterations``) with an uploaded file: the job runs with them and stops on iterations; labels in Korean."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gwangyang.store import Store

from .test_logistics_page import SMALL_VRP, job_result

pytestmark = pytest.mark.e2e
SHARES_SERVER = True  # writes nothing another module reads, reads nothing another writes (see conftest)


def test_routes_form_sends_workers_and_max_iterations(
    page: Any, server: tuple[str, Store], tmp_path: Path
) -> None:
    base, _ = server
    small = tmp_path / "소형 반복.vrp"
    small.write_text(SMALL_VRP, encoding="utf-8")
    page.goto(f"{base}/logistics?lang=ko")
    form = page.get_by_test_id("route-form")
    assert "병렬 탐색 수" in form.inner_text() and "탐색당 반복 횟수" in form.inner_text()
    assert page.get_by_test_id("route-workers").get_attribute("max") == "64"
    page.get_by_test_id("route-file").set_input_files(str(small))
    page.get_by_test_id("route-time-limit").fill("60")
    page.get_by_test_id("route-workers").fill("1")
    page.get_by_test_id("route-max-iterations").fill("40")
    page.get_by_test_id("route-submit").click()
    page.get_by_test_id("route-source").filter(has_text="소형 반복.vrp").wait_for(timeout=60_000)
    result = job_result(page)
    # One search of 40 iterations (the clock, 60 s, does not stop it); the optimum of the four clients (39, as the .sol of
    # tests/e2e/test_logistics_page.py says).
    assert result["workers"] == 1 and result["iterations"] == 40
    assert result["cost"] == 39.0
