"""The forecast's CSV download is the file ``gwangyang forecast --csv`` writes: the same bytes, Korean names intact.

A business-day gate series with Korean column names (and Excel's byte-order mark in the input) is forecast once by
the CLI and once by an upload job; ``GET /logistics/forecast/{job}/csv`` and ``GET /forecast/latest/csv`` answer
the CLI's file byte for byte, and its values are the job's JSON forecast, row for row.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from gwangyang.cli.main import main

LOG = "/api/v1/logistics"
COLUMNS = ("영업일", "반출입(대)")


def gate_table(path: Path) -> Path:
    """70 business days of gate moves: a working-week cycle with seeded noise (not round numbers), UTF-8 with BOM."""
    days = pd.bdate_range("2024-01-08", periods=70)
    rng = np.random.default_rng(7)
    cycle = np.tile([1_250.0, 1_410.0, 1_380.0, 1_440.0, 1_120.0], 14)
    values = np.round(cycle + rng.normal(0, 35, len(days)) + np.arange(len(days)) * 1.7, 1)
    frame = pd.DataFrame({COLUMNS[0]: days.strftime("%Y-%m-%d"), COLUMNS[1]: values})
    path.write_bytes(frame.to_csv(index=False).encode("utf-8-sig"))
    return path


@pytest.fixture
def cli_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path, dict[str, Any]]:
    """The table, the CLI's ``--csv`` file of it (horizon 5, 2 windows) and the CLI's JSON document."""
    table = gate_table(tmp_path / "게이트 반출입.csv")
    out = tmp_path / "예측.csv"
    args = ["forecast", str(table), "--date-column", COLUMNS[0], "--target", COLUMNS[1]]
    assert main([*args, "--horizon", "5", "--windows", "2", "--csv", str(out), "--json"]) == 0
    return table, out, json.loads(capsys.readouterr().out)


def test_download_is_the_cli_file_byte_for_byte(
    fresh_client: TestClient, cli_file: tuple[Path, Path, dict[str, Any]]
) -> None:
    table, out, document = cli_file
    response = fresh_client.post(
        f"{LOG}/forecast/file",
        params={"wait": 120},
        files={"files": (table.name, table.read_bytes(), "text/csv")},
        data={"date_column": COLUMNS[0], "target": COLUMNS[1], "horizon": "5", "windows": "2"},
    )
    assert response.status_code == 201, response.text
    job = response.json()["job"]

    download = fresh_client.get(f"{LOG}/forecast/{job['id']}/csv")
    assert download.status_code == 200, download.text
    expected = out.read_bytes()
    assert download.content == expected
    assert not expected.startswith(
        b"\xef\xbb\xbf"
    )  # the CLI writes no byte-order mark; nor does the download
    assert download.headers["content-type"] == "text/csv; charset=utf-8"
    disposition = download.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="forecast-')
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "forecast-반출입(대).csv"
    assert fresh_client.get(f"{LOG}/forecast/latest/csv").content == expected

    # value for value: the job's JSON forecast (and the CLI's), and the business days after 2024-04-12
    rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8"))))
    assert list(rows[0]) == ["period", "ds", "mean", "lo", "hi"]
    forecast = job["result"]["forecast"]
    assert forecast == document["forecast"]
    assert [r["ds"] for r in rows] == [f"{d:%Y-%m-%d}" for d in pd.bdate_range("2024-04-15", periods=5)]
    assert [r["period"] for r in rows] == [f["period"] for f in forecast]
    for key in ("mean", "lo", "hi"):
        assert [float(r[key]) for r in rows] == [f[key] for f in forecast]  # exact: repr round-trips
    assert all(float(r["lo"]) < float(r["mean"]) < float(r["hi"]) for r in rows)


def test_the_forecast_page_links_the_download(fresh_client: TestClient) -> None:
    page = fresh_client.get("/logistics/forecast")
    assert page.status_code == 200
    assert (
        'data-testid="forecast-csv"' in page.text
        and 'href="/api/v1/logistics/forecast/latest/csv"' in page.text
    )
    korean = fresh_client.get("/logistics/forecast", params={"lang": "ko"})
    assert "예측을 CSV로 내려받기" in korean.text


def test_download_of_what_is_no_finished_forecast(fresh_client: TestClient) -> None:
    """404 for no forecast kept, an unknown job or another kind; 409 for a job not done (Retry-After) or failed."""
    import threading

    assert fresh_client.get(f"{LOG}/forecast/latest/csv").status_code == 404
    unknown = fresh_client.get(f"{LOG}/forecast/{'0' * 32}/csv")
    assert unknown.status_code == 404 and unknown.json()["detail"] == f"job {'0' * 32}: no such job."
    assert fresh_client.get(f"{LOG}/forecast/not-a-job/csv").status_code == 400

    manager = fresh_client.app.state.jobs  # type: ignore[attr-defined]
    release = threading.Event()
    running = manager.submit("logistics.forecast", lambda progress: {"released": release.wait(60)})
    try:
        busy = fresh_client.get(f"{LOG}/forecast/{running['id']}/csv")
    finally:
        release.set()
    assert busy.status_code == 409 and busy.headers["Retry-After"] == "5"
    assert "try again when it is done" in busy.json()["detail"]

    def fail(progress: Any) -> Any:
        from gwangyang.errors import InputError

        raise InputError("series: 3 business days is too short")

    failed = manager.submit("logistics.forecast", fail)
    manager.wait(failed["id"], 30)
    answer = fresh_client.get(f"{LOG}/forecast/{failed['id']}/csv")
    assert answer.status_code == 409 and "Retry-After" not in answer.headers
    assert answer.json()["detail"].endswith("the forecast failed: series: 3 business days is too short")

    other = manager.submit("logistics.routes", lambda progress: {"cost": 1.0})
    manager.wait(other["id"], 30)
    not_forecast = fresh_client.get(f"{LOG}/forecast/{other['id']}/csv")
    assert not_forecast.status_code == 404 and "not a forecast job" in not_forecast.json()["detail"]
