"""``POST /api/v1/battery/twin/simulate`` takes ``start_c``, the C-rate of the charge to the protocol's FROM.

A bad one is a 422 naming the field before any job; a good one reaches the twin (its cells' ``meta.start_c``, and
the start at FROM: 40 % of ``6-5-4@40-80``, checked by the time series in ``tests/battery/test_twin_start_rate.py``).
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

pytest.importorskip("pybamm")


@pytest.mark.parametrize("value", [0, 0.01, 0.0499, -1.0, 10.5, True, "2"])
def test_the_api_refuses_a_bad_start_c_with_422_naming_it(fresh_client: TestClient, value: object) -> None:
    response = fresh_client.post(
        "/api/v1/battery/twin/simulate", json={"protocol": "6-5-4@40-80", "cycles": 1, "start_c": value}
    )
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert error["loc"] == ["body", "start_c"]
    if isinstance(value, float) and 0 <= value < 0.05:
        # the range's floor, C/20 (twin_start.MIN_START_RATE_C), named in the answer
        assert error["type"] == "greater_than_equal" and error["ctx"] == {"ge": 0.05}
    assert fresh_client.get("/api/v1/jobs").headers["X-Total-Count"] == "0"


def test_the_api_runs_start_c(fresh_client: TestClient) -> None:
    response = fresh_client.post(
        "/api/v1/battery/twin/simulate",
        params={"wait": 300},
        json={"protocol": "6-5-4@40-80", "cycles": 1, "start_c": 2},
    )
    assert response.status_code == 201, response.text
    (cell,) = response.json()["job"]["result"]["cells"]
    assert cell["meta"]["start_c"] == 2.0
    assert cell["cycles"][0]["start_soc_pct"] == pytest.approx(40.0, abs=1e-3)
