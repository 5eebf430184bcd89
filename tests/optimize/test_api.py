from __future__ import annotations

import json
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
    assert ok.json() == {"recorded": 2, "failed": [batch[2]["id"]], "round": 1, "pending": [], "warnings": []}
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


def test_starting_a_campaign_twice_is_refused_by_name(client: TestClient, tmp_path: Path) -> None:
    """A second start of a Korean-named campaign is a 409 Conflict naming the campaign, not the server's folder; the first stays."""
    first = client.post(
        "/api/v1/optimize/campaigns/코팅-2차", json={"space": "attia_coarse", "batch": 2, "seed": 3}
    )
    assert first.status_code == 200, first.text
    again = client.post(
        "/api/v1/optimize/campaigns/코팅-2차", json={"space": "attia2020", "batch": 9, "seed": 4}
    )
    assert again.status_code == 409
    assert "Retry-After" not in again.headers  # the name stays taken: trying again later would not help
    assert again.json()["detail"] == (
        "campaign '코팅-2차': its folder already holds a campaign (state.json); use another name or --state folder."
    )
    assert str(tmp_path) not in again.text
    status = client.get("/api/v1/optimize/campaigns/코팅-2차").json()
    assert (status["space"], status["batch_size"]) == ("attia_coarse", 2)


STEP_LIMIT = (
    "twin: protocol 10@0-100, cell 0: CC step(s) 1 (10 C, 1 of 1 cycle(s)) ended at charge_limit_v = 3.6 V before "
    "their planned SOC; the CC steps charged to 12.5 % SOC of the planned 100 % (cycle 1): the cell took less "
    "charge at those rates than the protocol says."
)
"""A twin's step-limit warning (one text: a row's ``warnings`` may be one line)."""


def test_campaign_warnings_shown_on_the_page(client: TestClient) -> None:
    """Results' warnings (a twin config's voltage, a CC step on charge_limit_v) are listed with their round and id, in Korean too."""
    assert (
        client.post("/api/v1/optimize/campaigns/경고", json={"space": "attia2020", "batch": 2}).status_code
        == 200
    )
    batch = client.post("/api/v1/optimize/campaigns/경고/suggest").json()["suggestions"]
    warning = (
        "셀.toml: cycling.charge_limit_v = 4.45 V is above upper_voltage_v = 4.4 V: the constant-current steps may "
        "charge past the voltage the CV step holds."
    )
    results = [
        {"id": batch[0]["id"], "value": 900.0, "warnings": [warning]},
        {"id": batch[1]["id"], "value": 800.0, "warnings": STEP_LIMIT},
    ]
    answer = client.post("/api/v1/optimize/campaigns/경고/observe", json={"results": results}).json()
    assert answer["warnings"] == [f"{batch[0]['id']}: {warning}", f"{batch[1]['id']}: {STEP_LIMIT}"]
    english = " ".join(client.get("/optimize?lang=en").text.split())
    assert (
        f'<li data-testid="campaign-warning" data-round="0">⚠ Round 0, <span translate="no">{batch[0]["id"]}</span>: '
        f'<span data-testid="campaign-warning-text">{warning}</span></li>'
    ) in english
    assert '<span class="badge warn" data-testid="round-warnings">⚠ 2</span>' in english  # round 0's row
    korean = " ".join(client.get("/optimize?lang=ko").text.split())
    assert (
        '<span data-testid="campaign-warning-text">셀.toml: cycling.charge_limit_v = 4.45 V가 upper_voltage_v = '
        "4.4 V보다 높습니다. 정전류 단계가 CV 단계가 유지하는 전압을 넘어 충전할 수 있습니다.</span>"
    ) in korean
    assert (
        f'⚠ 회차 0, <span translate="no">{batch[1]["id"]}</span>: <span data-testid="campaign-warning-text">트윈: '
        "프로토콜 10@0-100, 셀 0: CC 단계 1 (10 C, 사이클 1회 중 1회)이(가) 계획된 SOC에 이르기 전에 charge_limit_v = "
        "3.6 V에서 끝났습니다; CC 단계는 계획된 100 % 중 SOC 12.5 %까지 충전했습니다 (사이클 1). 셀이 그 전류율에서 "
        "프로토콜이 말하는 것보다 적게 충전되었습니다.</span>"
    ) in korean


def test_a_campaign_name_with_a_space_works_on_every_surface(
    client: TestClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``급속충전 캠페인`` (was 400: not a plain name) through the API (percent-encoded), the store, the page and the CLI."""
    from urllib.parse import quote

    from gwangyang.cli.main import main

    url = "/api/v1/optimize/campaigns/" + quote("급속충전 캠페인")
    started = client.post(url, json={"space": "attia2020", "batch": 2, "rounds": 2, "seed": 1})
    assert started.status_code == 200, started.text
    folder = tmp_path / "store" / "optimize" / "campaigns" / "급속충전 캠페인"
    assert (folder / "state.json").is_file()
    batch = client.post(url + "/suggest").json()["suggestions"]
    results = [{"id": s["id"], "value": 900.0 + i, "std": 10.0} for i, s in enumerate(batch)]
    assert client.post(url + "/observe", json={"results": results}).json()["recorded"] == 2
    status = client.get(url).json()
    assert status["best_observed"]["value"] == 901.0
    assert [c["name"] for c in client.get("/api/v1/optimize/campaigns").json()] == ["급속충전 캠페인"]
    page = client.get("/optimize").text
    assert 'data-testid="campaign" data-name="급속충전 캠페인"' in page
    assert 'data-testid="plot-campaign-급속충전 캠페인"' in page
    # the CLI's --state folder is the same campaign: the same status document
    assert main(["optimize", "status", "--state", str(folder), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["best_observed"] == status["best_observed"]
    again = client.post(url, json={"space": "attia2020"})
    assert again.status_code == 409
    assert again.json()["detail"].startswith(
        "campaign '급속충전 캠페인': its folder already holds a campaign"
    )
    # spaces at either end, separators and '..' are still refused, in one line naming the field
    for bad in (" 캠페인", "캠페인 ", "a/b", "a..b"):
        refused = client.post("/api/v1/optimize/campaigns/" + quote(bad, safe=""), json={})
        assert refused.status_code in (400, 404), (bad, refused.text)
        if refused.status_code == 400:
            assert "expected a campaign name" in refused.json()["detail"], refused.text
