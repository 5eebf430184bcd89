from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from gwangyang.samples import sample_dir

FACTORY = "/api/v1/factory"
NORMAL = "tep_normal_d00.csv.gz"
FAULT = "tep_fault01_d01_te.csv.gz"
TEP_FAULT_START = 160
"""Fault 1 enters the TEP test runs after sample 160 (Chiang, Russell & Braatz 2000, 3-minute samples)."""
BOOK_PCA_T2_DELAY_MIN = 21
"""Detection delay of fault 1 by PCA T² in Chiang, Russell & Braatz (2000), in minutes (7 samples)."""


def _upload(name: str) -> dict[str, tuple[str, bytes]]:
    return {"files": (name, (sample_dir("factory") / name).read_bytes())}


@pytest.fixture
def fitted(fresh_client: TestClient) -> TestClient:
    response = fresh_client.post(
        f"{FACTORY}/monitors",
        params={"wait": 120},
        data={"name": "line1", "time_column": "time_min"},
        files=_upload(NORMAL),
    )
    assert response.status_code == 201, response.text
    fit = response.json()["job"]["result"]
    assert fit["rows"] == 500 and len(fit["columns"]) == 52  # d00: 500 samples of 52 variables
    return fresh_client


def test_fit_list_and_score_tep_fault_1(fitted: TestClient) -> None:
    assert fitted.get(f"{FACTORY}/monitors").json() == [
        {"name": "line1", "method": "pca", "time_column": "time_min", "columns": 52, "k": 3}
    ]
    response = fitted.post(f"{FACTORY}/monitors/line1/score", params={"wait": 120}, files=_upload(FAULT))
    assert response.status_code == 201
    result = response.json()["job"]["result"]
    assert result["summary"]["rows"] == 960  # d01_te: 960 samples
    first = result["alarms"][0]
    # no alarm before the fault; the first one within the book's PCA T² delay of 21 min (7 samples)
    assert TEP_FAULT_START <= first["start_index"] <= TEP_FAULT_START + BOOK_PCA_T2_DELAY_MIN // 3
    # the job result matches the library called directly on the saved monitor
    from gwangyang.factory.io import read_table
    from gwangyang.factory.streaming import StreamingMonitor, store_monitor_path

    root = fitted.app.state.store.root  # type: ignore[attr-defined]
    direct = StreamingMonitor.load(store_monitor_path(root, "line1")).score_table(
        read_table(sample_dir("factory") / FAULT, "time_min")
    )
    np.testing.assert_allclose([r["t2"] for r in result["rows"]], direct.t2, rtol=1e-9)
    assert not any((root / "uploads").rglob("*.gz"))  # uploaded tables are removed after the job
    # the page shows the newest scoring job when its address names none (the demo's case)
    page = fitted.get("/factory")
    assert page.status_code == 200 and f'"latest_score": "{response.json()["job"]["id"]}"' in page.text


@pytest.mark.parametrize(
    ("data", "filename", "code", "words"),
    [
        ({"name": "../x", "time_column": "time_min"}, NORMAL, 400, "monitor name"),
        ({"name": "ok"}, NORMAL, 400, "time_column"),
        ({"name": "ok", "time_column": "t", "method": "magic"}, NORMAL, 400, "method"),
        ({"name": "ok", "time_column": "time_min"}, "table.exe", 415, "unknown table format"),
        ({"name": "ok", "time_column": "time_min", "alpha": "1%"}, NORMAL, 400, "alpha"),
        ({"name": "ok", "time_column": "time_min", "k": "2.5"}, NORMAL, 400, "k: expected an integer"),
    ],
)
def test_fit_bad_requests(
    fresh_client: TestClient, data: dict[str, str], filename: str, code: int, words: str
) -> None:
    content = (sample_dir("factory") / NORMAL).read_bytes()
    response = fresh_client.post(f"{FACTORY}/monitors", data=data, files={"files": (filename, content)})
    assert response.status_code == code and words in response.json()["detail"]


def test_fit_on_wrong_time_column_fails_with_message(fresh_client: TestClient) -> None:
    response = fresh_client.post(
        f"{FACTORY}/monitors",
        params={"wait": 60},
        data={"name": "x", "time_column": "nope"},
        files=_upload(NORMAL),
    )
    assert response.status_code == 422 and "nope" in response.json()["detail"]


def test_score_unknown_monitor_and_traversal(fresh_client: TestClient, tmp_path: Path) -> None:
    missing = fresh_client.post(f"{FACTORY}/monitors/none/score", files=_upload(FAULT))
    assert missing.status_code == 404 and "not in store" in missing.json()["detail"]
    assert fresh_client.post(f"{FACTORY}/monitors/..%2F..%2Fx/score", files=_upload(FAULT)).status_code in (
        400,
        404,
    )
    assert fresh_client.post(f"{FACTORY}/monitors/.x/score", files=_upload(FAULT)).status_code == 400


def test_fit_with_alpha_and_k(fresh_client: TestClient) -> None:
    response = fresh_client.post(
        f"{FACTORY}/monitors",
        params={"wait": 120},
        data={"name": "loose", "time_column": "time_min", "alpha": "0.05", "k": "2"},
        files=_upload(NORMAL),
    )
    assert response.status_code == 201, response.text
    fit = response.json()["job"]["result"]
    assert fit["alpha"] == 0.05 and fit["k"] == 2
    # the same limits as the library fitted directly with these settings
    from gwangyang.factory.fitting import fit_table
    from gwangyang.factory.io import read_table

    direct = fit_table(read_table(sample_dir("factory") / NORMAL, "time_min"), "time_min", alpha=0.05, k=2)
    assert fit["limits"] == pytest.approx(direct.to_dict()["limits"], rel=1e-12)


def test_monitors_table_names_the_method_as_the_fit_form_does(fresh_client: TestClient) -> None:
    """The page's monitors table names a method as the fit form's choice does (was the id: ``dpca``, ``kpca``)."""
    rng = np.random.default_rng(0)
    table = "time_min,온도,압력,유량\n" + "".join(
        f"{t},{a:.4f},{b:.4f},{c:.4f}\n" for t, (a, b, c) in enumerate(rng.normal(size=(80, 3)))
    )
    for name, method in [("line-d", "dpca"), ("line-k", "kpca")]:
        response = fresh_client.post(
            f"{FACTORY}/monitors",
            params={"wait": 120},
            data={"name": name, "time_column": "time_min", "method": method},
            files={"files": ("정상.csv", table.encode())},
        )
        assert response.status_code == 201 and response.json()["job"]["result"]["method"] == method, (
            response.text
        )
    shown = {}
    for lang in ("ko", "en"):
        page = fresh_client.get(f"/factory?lang={lang}").text
        shown[lang] = re.findall(r'data-testid="monitor-method">([^<]*)<', page)
    assert shown == {"ko": ["동적 PCA", "커널 PCA"], "en": ["dynamic PCA", "kernel PCA"]}
