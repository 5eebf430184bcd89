from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gwangyang.api import create_app

TOKEN = "test-token-optimize-0123456789"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(
        create_app(tmp_path / "store", token=TOKEN), headers={"Authorization": f"Bearer {TOKEN}"}
    ) as c:
        yield c


def test_spaces_and_campaign_round_trip(client: TestClient) -> None:
    spaces = client.get("/api/v1/optimize/spaces").json()
    assert spaces["attia2020"]["feasible_points"] == 224
    r = client.post("/api/v1/optimize/campaigns/c1", json={"space": "attia2020", "batch": 3, "rounds": 2})
    assert r.status_code == 200, r.text
    batch = client.post("/api/v1/optimize/campaigns/c1/suggest").json()["suggestions"]
    assert len(batch) == 3
    results = [{"id": s["id"], "value": 1000 + 10 * i, "std": 50} for i, s in enumerate(batch)]
    bad = client.post("/api/v1/optimize/campaigns/c1/observe", json={"results": [{"id": "zz", "value": 1}]})
    assert bad.status_code == 400 and "'zz' is not a suggestion" in bad.json()["detail"]
    stray = [{**results[0], "표준편차": 50}]
    bad = client.post("/api/v1/optimize/campaigns/c1/observe", json={"results": stray})
    assert bad.status_code == 400 and "column(s) 표준편차 not understood" in bad.json()["detail"]
    failed = [*results[:2], {"id": batch[2]["id"], "value": None, "status": "실패"}]
    ok = client.post("/api/v1/optimize/campaigns/c1/observe", json={"results": failed})
    assert ok.json() == {"recorded": 2, "failed": [batch[2]["id"]], "round": 1, "pending": []}
    status = client.get("/api/v1/optimize/campaigns/c1").json()
    assert status["best_observed"]["value"] == 1010
    assert client.get("/api/v1/optimize/campaigns/nope").status_code == 404
    page = client.get("/optimize")
    assert page.status_code == 200
    assert 'data-testid="campaign" data-name="c1"' in page.text
    assert "round 1 of 2, 2 observation(s)" in " ".join(page.text.split())
    assert '<td class="num">2 (1 failed)</td>' in page.text  # the failed run is shown, not just missing
    assert client.post("/api/v1/optimize/campaigns/..%2Fx", json={}).status_code in (400, 404)


def test_propose_and_auth(client: TestClient, tmp_path: Path) -> None:
    rows = [{"x": float(x), "y": -((x - 3.0) ** 2)} for x in range(7)]
    out = client.post("/api/v1/optimize/propose", json={"rows": rows, "objective": "y", "batch": 2}).json()
    assert len(out["suggestions"]) == 2 and out["experiments"] == 7
    assert out["best_observed"]["params"] == {"x": 3.0}
    nan_rows = [*rows[:3], {"x": 9.0, "y": None}]
    assert (
        client.post("/api/v1/optimize/propose", json={"rows": nan_rows, "objective": "y"}).status_code == 400
    )
    with TestClient(create_app(tmp_path / "s2", token=TOKEN)) as anonymous:
        assert anonymous.get("/api/v1/optimize/spaces").status_code == 401
