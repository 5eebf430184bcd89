"""Two planner's scenarios uploaded and compared (``POST /api/v1/port/compare/file``): the CLI's document for the
same files, a hand-computed difference (one crane more in B), Korean names, bad files refused naming A or B.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gwangyang.cli.main import main

from .conftest import nothing_left
from .test_port_upload import POISSON, PORT, SCENARIO

CALLS = "vessel,arrival_h,teu,length_m\n한빛호,0,400,200\n대양호,1,400,250\n광양 1호,2,400,250\n"
"""Three calls of 400 TEU (250 moves) an hour apart: 10 h of work each with one crane at 25 moves/h, 5 h with two."""

TWO_CRANES = SCENARIO.replace("count = 1", "count = 2").replace("광양 신규 부두", "광양 크레인 둘")
"""Scenario B: the same terminal with a second crane on the berth."""

Files = list[tuple[str, str, bytes]]


def pair(a: str = SCENARIO, b: str = TWO_CRANES, calls: str = CALLS) -> Files:
    """A and B named alike, each with its call list named alike: which is which is the multipart field."""
    return [
        ("a", "광양.toml", a.encode()),
        ("a", "입항 일정.csv", calls.encode()),
        ("b", "광양.toml", b.encode()),
        ("b", "입항 일정.csv", calls.encode()),
    ]


def upload(client: TestClient, files: Files, data: dict[str, str] | None = None) -> Any:
    return client.post(
        f"{PORT}/compare/file",
        params={"wait": 120},
        files=[(field, (name, content)) for field, name, content in files],
        data=data or {},
    )


def test_one_more_crane_in_b_is_the_cli_document_with_a_hand_difference(
    fresh_client: TestClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    response = upload(fresh_client, pair(), {"days": "2", "replications": "2", "seed": "4"})
    assert response.status_code == 201, response.text
    job = response.json()["job"]
    assert job["kind"] == "port.compare"
    assert (job["params"]["a"], job["params"]["b"], job["params"]["b_call_list"]) == (
        "광양 신규 부두",
        "광양 크레인 둘",
        "입항 일정.csv",
    )
    by_api = job["result"]
    assert (by_api["a"], by_api["b"], by_api["a_file"], by_api["b_file"]) == (
        "광양 신규 부두",
        "광양 크레인 둘",
        "광양.toml",
        "광양.toml",
    )
    kpis = by_api["kpis"]
    # By hand, first come first served on the one berth. A (10 h a call): 0-10, 1->10-20, 2->20-30 h: waits
    # 0, 9, 18, mean 9 h. B (5 h a call): 0-5, 1->5-10, 2->10-15 h: waits 0, 4, 8, mean 4 h. B - A = -5 h.
    wait = kpis["mean_wait_h"]
    assert (wait["a_mean"], wait["b_mean"], wait["diff_mean"]) == pytest.approx((9, 4, -5))
    assert kpis["mean_service_h"]["diff_mean"] == pytest.approx(-5)
    # Berth occupancy: 30 h and 15 h of work in 48 h on one berth.
    occupancy = kpis["berth_occupancy"]
    assert (occupancy["a_mean"], occupancy["b_mean"]) == pytest.approx((30 / 48, 15 / 48))
    assert kpis["vessel_calls"]["diff_mean"] == 0 and kpis["teu"]["a_mean"] == 1200
    assert nothing_left(fresh_client)
    # The same files through the CLI (A and B in folders of their own): the same document but the names added.
    for field, name, content in pair():
        (tmp_path / field).mkdir(exist_ok=True)
        (tmp_path / field / name).write_bytes(content)
    args = ["--days", "2", "--replications", "2", "--seed", "4", "--json"]
    code = main(
        ["port", "compare", str(tmp_path / "a" / "광양.toml"), str(tmp_path / "b" / "광양.toml"), *args]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    added = ("a_file", "a_call_list", "b_file", "b_call_list")
    assert {k: v for k, v in by_api.items() if k not in added} == json.loads(captured.out)


def test_a_without_call_list_and_b_with_one(fresh_client: TestClient) -> None:
    files = [("a", "포아송.toml", POISSON.encode()), *pair()[2:]]
    response = upload(fresh_client, files, {"days": "2", "replications": "1", "warmup_days": "0.5"})
    assert response.status_code == 201, response.text
    result = response.json()["job"]["result"]
    assert (result["a_call_list"], result["b_call_list"]) == (None, "입항 일정.csv")
    # half a day of warm-up leaves the waits of the first 12 h out, not the calls: B's 3 calls count
    assert result["replications"] == 1 and result["kpis"]["vessel_calls"]["b_mean"] == 3


@pytest.mark.parametrize(
    ("files", "status", "detail"),
    [
        # the same file name in A and B: the refusal names the scenario
        (
            [*pair()[:2], ("b", "광양.toml", SCENARIO.replace("chunk_moves", "chunk_move").encode())],
            400,
            "scenario B: 광양.toml: chunk_move: unknown field",
        ),
        (
            [("a", "광양.toml", SCENARIO.replace("count = 1", "count = 1\nspeed = 2").encode()), *pair()[1:]],
            400,
            "scenario A: 광양.toml: cranes[0].speed: unknown field",
        ),
        (
            [*pair()[:3], ("b", "입항 일정.csv", CALLS.replace("한빛호,0,", "한빛호,x,").encode())],
            400,
            "scenario B: 입항 일정.csv: row 1: arrival_h must be a number >= 0, got 'x'",
        ),
        (
            pair()[:3],
            400,
            "scenario B: 광양.toml: arrivals.schedule: the scenario reads its calls from",
        ),
        (
            [*pair()[:3], ("b", "다른.csv", CALLS.encode())],
            400,
            "scenario B: 광양.toml: arrivals.schedule: '입항 일정.csv' is not the uploaded call list '다른.csv'",
        ),
        (
            [
                ("a", "광양.toml", SCENARIO.replace("입항 일정.csv", "../a/입항 일정.csv").encode()),
                *pair()[1:],
            ],
            400,
            "scenario A: 광양.toml: arrivals.schedule: an uploaded scenario names its call list by file name only",
        ),
        # a call list sent with A only does not serve B
        (
            [*pair()[:3], ("a", "남는.csv", CALLS.encode())],
            400,
            "scenario A: expected one scenario .toml and at most one call list .csv, got 1 and 2.",
        ),
        (
            pair()[:2],
            400,
            "scenario B: expected one scenario .toml and at most one call list .csv, got 0 and 0.",
        ),
        ([*pair(), ("b", "광양.xlsx", b"PK\x03\x04")], 415, "scenario B: 광양.xlsx: unknown file kind"),
        (
            [*pair()[:2], ("b", "광양.toml", b" " * (256 * 1024 + 1))],
            413,
            "scenario B: 광양.toml: 262145 bytes is over the limit of 262144 bytes",
        ),
        # the field says which scenario a file is: another field, or one name twice in one field, is refused
        (
            [*pair(), ("files", "c.toml", SCENARIO.encode())],
            400,
            "upload: file 'c.toml' in field 'files'; expected",
        ),
        (
            [*pair(), ("a", "광양.toml", SCENARIO.encode())],
            400,
            "filename '광양.toml': sent twice in field 'a'",
        ),
    ],
)
def test_bad_files_are_refused_naming_a_or_b(
    fresh_client: TestClient, files: Files, status: int, detail: str
) -> None:
    response = upload(fresh_client, files)
    assert response.status_code == status, response.text
    message = response.json()["detail"]
    assert message.startswith(detail) and "\n" not in message and "uploads/" not in message, message
    assert not any(j["kind"] == "port.compare" for j in fresh_client.get("/api/v1/jobs").json())
    assert nothing_left(fresh_client)


def test_bad_form_fields(fresh_client: TestClient) -> None:
    response = upload(fresh_client, pair(), {"replications": "0"})
    assert response.status_code == 400 and response.json()["detail"].startswith("replications: ")
    response = upload(fresh_client, pair(), {"warmup_days": "x"})
    assert response.json()["detail"] == "warmup_days: expected a number, got 'x'"
    assert nothing_left(fresh_client)


def test_the_route_declares_fields_a_and_b(fresh_client: TestClient) -> None:
    operation = fresh_client.get("/openapi.json").json()["paths"][f"{PORT}/compare/file"]["post"]
    form = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert form["required"] == ["a", "b"] and "files" not in form["properties"]
    for field in ("a", "b"):
        assert form["properties"][field]["items"] == {"type": "string", "format": "binary"}
    assert {"days", "replications", "seed", "warmup_days"} <= set(form["properties"])
    assert {"202", "400", "413", "415"} <= set(operation["responses"])


def test_calls_after_the_run_are_not_left_out_silently(fresh_client: TestClient) -> None:
    # B's call list has a fourth call at 50 h, after the run's 48 h: the runs leave it out, the warning says so
    late = CALLS + "늦은호,50,400,250\n"
    files = [*pair()[:3], ("b", "입항 일정.csv", late.encode())]
    response = upload(fresh_client, files, {"days": "2", "replications": "2"})
    assert response.status_code == 201, response.text
    result = response.json()["job"]["result"]
    assert result["kpis"]["vessel_calls"]["b_mean"] == 3  # the three calls before 48 h
    assert (
        "광양 크레인 둘: 1 of the call list's 4 calls arrive after the run's 2 days (the first, '늦은호', at 50 h) "
        "and are left out; run more than 2.083 days to include them"
    ) in result["warnings"]
    assert not any(w.startswith("광양 신규 부두: 1 of") for w in result["warnings"])


def test_the_files_names_are_composed_in_the_document_the_page_follows(fresh_client: TestClient) -> None:
    # A sent as a macOS browser may send it (Hangul decomposed, NFD), B with a call list of its own name: the document
    # names each scenario's files as typed (NFC), which the port page shows under "Compare scenarios"
    a_name = unicodedata.normalize("NFD", "광양 오늘.toml")
    assert a_name != "광양 오늘.toml"
    b_calls = TWO_CRANES.replace("입항 일정.csv", "B 일정표.csv")
    files = [
        ("a", a_name, SCENARIO.encode()),
        ("a", unicodedata.normalize("NFD", "입항 일정.csv"), CALLS.encode()),
        ("b", "광양 크레인 둘.toml", b_calls.encode()),
        ("b", "B 일정표.csv", CALLS.encode()),
    ]
    response = upload(fresh_client, files, {"days": "2", "replications": "1"})
    assert response.status_code == 201, response.text
    job = response.json()["job"]
    names = ("광양 오늘.toml", "입항 일정.csv", "광양 크레인 둘.toml", "B 일정표.csv")
    added = ("a_file", "a_call_list", "b_file", "b_call_list")
    assert tuple(job["result"][k] for k in added) == names
    assert tuple(job["params"][k] for k in added) == names
    assert (job["result"]["a"], job["result"]["b"]) == ("광양 신규 부두", "광양 크레인 둘")
    # the page opens on the newest comparison (its script draws the job, the names in compare-files)
    page = fresh_client.get("/port", params={"lang": "ko"})
    assert page.status_code == 200
    data = json.loads(page.text.split('id="page-data">', 1)[1].split("</script>", 1)[0])
    assert data["saved"]["compare"] == job["id"]
    assert '<p class="note" data-testid="compare-files" hidden></p>' in page.text
    assert fresh_client.get(f"/api/v1/jobs/{job['id']}").json()["result"]["a_file"] == "광양 오늘.toml"
