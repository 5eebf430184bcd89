"""The forecast page in Korean, in headless Chromium: a Monday-to-Saturday table sent with working days ``월~토``
shows them in Korean, and its "CSV로 내려받기" link downloads the very file ``gwangyang forecast --csv`` writes
(the browser's file name keeps the Korean series name)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from gwangyang.cli.main import main
from gwangyang.store import Store

pytestmark = pytest.mark.e2e
SHARES_SERVER = True  # writes nothing another module reads, reads nothing another writes (see conftest)


def test_working_days_in_korean_and_the_csv_download(
    page: Any, server: tuple[str, Store], tmp_path: Path
) -> None:
    base, _ = server
    # four Monday-to-Saturday weeks: three Sundays absent, too few to read as closed days without working_days
    days = pd.bdate_range("2024-01-01", periods=24, freq="C", weekmask="Mon Tue Wed Thu Fri Sat")
    table = tmp_path / "공장 출하.csv"
    values = [100.0 + 10 * d.weekday() + 0.5 * i for i, d in enumerate(days)]
    pd.DataFrame({"작업일": days.strftime("%Y-%m-%d"), "출하량": values}).to_csv(table, index=False)
    cli_csv = tmp_path / "cli.csv"
    args = ["forecast", str(table), "--date-column", "작업일", "--target", "출하량", "--horizon", "3"]
    assert main([*args, "--working-days", "월~토", "--csv", str(cli_csv)]) == 0

    page.goto(f"{base}/logistics/forecast?lang=ko")
    page.get_by_test_id("forecast-file").set_input_files(str(table))
    page.get_by_test_id("forecast-horizon").fill("3")
    page.get_by_test_id("forecast-working-days-input").fill("월~토")
    page.get_by_test_id("forecast-submit").click()
    page.wait_for_url("**/forecast?lang=ko&job=*", timeout=120_000)
    page.get_by_test_id("forecast-row").nth(2).wait_for(timeout=60_000)
    job_id = page.url.split("job=")[1].split("&")[0]

    assert page.get_by_test_id("forecast-working-days").inner_text() == "월 화 수 목 금 토"
    assert page.get_by_test_id("forecast-notes").inner_text() == "주 6일 근무 달력(지정한 대로): 일요일 휴무"
    cells = [page.get_by_test_id("forecast-row").nth(k).locator("td").nth(0).inner_text() for k in range(3)]
    assert cells == ["2024-01-29", "2024-01-30", "2024-01-31"]  # after Saturday 27, Sunday 28 closed

    link = page.get_by_test_id("forecast-csv")
    assert link.inner_text() == "예측을 CSV로 내려받기"
    assert link.get_attribute("href") == f"/api/v1/logistics/forecast/{job_id}/csv"
    with page.expect_download() as caught:
        link.click()
    download = caught.value
    assert download.suggested_filename == "forecast-출하량.csv"
    saved = tmp_path / "downloaded.csv"
    download.save_as(str(saved))
    assert saved.read_bytes() == cli_csv.read_bytes()
