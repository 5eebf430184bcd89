"""The OpenAPI document tells the truth: the errors each route gives, the shape of path ids, upload bodies, seeds."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gwangyang.api.fields import (
    CAMPAIGN_NAME_PATTERN,
    CELL_ID_PATTERN,
    JOB_ID_PATTERN,
    NAME_PATTERN,
    SEED_MAX,
)
from gwangyang.battery.service import check_cell_id
from gwangyang.errors import InputError
from gwangyang.store.artifacts import check_name

UPLOAD_ROUTES = (
    "/api/v1/battery/uploads",
    "/api/v1/battery/production",
    "/api/v1/quality/screen",
    "/api/v1/quality/triage",
    "/api/v1/quality/formation",
    "/api/v1/factory/monitors",
    "/api/v1/factory/monitors/{name}/score",
    "/api/v1/factory/spc",
    "/api/v1/logistics/forecast/file",
    "/api/v1/logistics/routes/file",
)
"""The routes that read a multipart upload themselves."""


@pytest.fixture(scope="module")
def schema(client: TestClient) -> dict[str, Any]:
    document: dict[str, Any] = client.get("/openapi.json").json()
    return document


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, op) for path, ops in schema["paths"].items() for method, op in ops.items()]


def test_every_route_behind_the_token_declares_401_and_403_with_the_one_line_body(
    schema: dict[str, Any],
) -> None:
    operations = _operations(schema)
    assert len(operations) >= 50
    for method, path, op in operations:
        if path == "/health":
            assert set(op["responses"]) == {"200"}
            continue
        for code in ("401", "403"):
            body = op["responses"][code]["content"]["application/json"]["schema"]
            assert body == {"$ref": "#/components/schemas/ErrorBody"}, (method, path, code)
    error = schema["components"]["schemas"]["ErrorBody"]
    assert error["required"] == ["detail"] and error["properties"]["detail"]["type"] == "string"


def test_job_routes_declare_wait_answers_and_a_422_of_either_shape(schema: dict[str, Any]) -> None:
    """A 422 is one line: a job awaited with ``wait`` that failed, or a bad field (FastAPI's records in ``errors``)."""
    jobs = [(m, p, op) for m, p, op in _operations(schema) if "202" in op["responses"]]
    # POST /logistics/forecast/file the 13th, /logistics/routes/file the 14th, /port/simulate/file the 15th,
    # /port/compare/file the 16th
    assert len(jobs) == 16
    for method, path, op in jobs:
        assert {"201", "422", "429"} <= set(op["responses"]), (method, path)
        assert "Retry-After" in op["responses"]["429"]["headers"]
        body = op["responses"]["422"]["content"]["application/json"]["schema"]
        assert body == {"$ref": "#/components/schemas/ValidationErrorBody"}
    body = schema["components"]["schemas"]["ValidationErrorBody"]
    assert body["required"] == ["detail"] and body["properties"]["detail"]["type"] == "string"
    assert {shape["type"] for shape in body["properties"]["errors"]["anyOf"]} == {"array", "null"}


def test_each_error_the_code_raises_is_declared_where_it_is_raised(schema: dict[str, Any]) -> None:
    """Spot checks against the code: 404 for ids, 409 for a busy store or a taken name, 413/415 for uploads."""
    paths = schema["paths"]
    assert {"400", "404"} <= set(paths["/api/v1/jobs/{job_id}"]["get"]["responses"])
    assert {"400", "404", "409"} <= set(paths["/api/v1/battery/cells/{cell_id}"]["delete"]["responses"])
    assert {"400", "409", "413", "415", "429"} <= set(paths["/api/v1/battery/uploads"]["post"]["responses"])
    assert {"400", "409"} <= set(paths["/api/v1/optimize/campaigns/{name}"]["post"]["responses"])
    assert "404" in paths["/api/v1/logistics/routes/latest"]["get"]["responses"]
    assert "404" in paths["/api/v1/quality/summary"]["get"]["responses"]


@pytest.mark.parametrize("path", UPLOAD_ROUTES)
def test_upload_routes_declare_a_multipart_body_with_files(schema: dict[str, Any], path: str) -> None:
    body = schema["paths"][path]["post"]["requestBody"]
    assert body["required"] is True
    form = body["content"]["multipart/form-data"]["schema"]
    assert form["properties"]["files"]["items"] == {"type": "string", "format": "binary"}
    assert "files" in form["required"]
    assert {"413", "415"} <= set(schema["paths"][path]["post"]["responses"])


def _path_parameter(schema: dict[str, Any], path: str, method: str, name: str) -> dict[str, Any]:
    [parameter] = [p for p in schema["paths"][path][method]["parameters"] if p["name"] == name]
    result: dict[str, Any] = parameter["schema"]
    return result


def test_path_ids_carry_the_pattern_the_code_checks(schema: dict[str, Any]) -> None:
    assert _path_parameter(schema, "/api/v1/jobs/{job_id}", "get", "job_id")["pattern"] == JOB_ID_PATTERN
    for path in ("/api/v1/battery/cells/{cell_id}", "/api/v1/battery/cells/{cell_id}/cycles"):
        assert _path_parameter(schema, path, "get", "cell_id")["pattern"] == CELL_ID_PATTERN
    for path, method in [
        ("/api/v1/battery/life/models/{name}", "get"),
        ("/api/v1/factory/monitors/{name}/score", "post"),
    ]:
        assert _path_parameter(schema, path, method, "name")["pattern"] == NAME_PATTERN
    for method in ("get", "post"):
        pattern = _path_parameter(schema, "/api/v1/optimize/campaigns/{name}", method, "name")["pattern"]
        assert pattern == CAMPAIGN_NAME_PATTERN


CELL_IDS = ["CS2_35", "배터리 1", "셀-A.2", "FastCharge_000025_CH8", "电池 #3", "Ĉelo", "a", "x.y z", "1"]
NOT_CELL_IDS = ["", ".a", "a.", "a..b", "a/b", "a\\b", "a:b", "a\tb", " a", "_a", "a-", 'a"b', "a|b"]


@pytest.mark.parametrize("cell_id", CELL_IDS + NOT_CELL_IDS)
def test_the_cell_id_pattern_accepts_every_id_the_code_accepts(cell_id: str) -> None:
    """Every id ``check_cell_id`` takes (Korean and Chinese included) matches; those the pattern refuses it refuses too."""
    try:
        accepted = check_cell_id(cell_id) == cell_id
    except InputError:
        accepted = False
    assert accepted == (cell_id in CELL_IDS)
    if accepted:
        assert re.fullmatch(CELL_ID_PATTERN, cell_id)
    if not re.fullmatch(CELL_ID_PATTERN, cell_id):
        assert not accepted


@pytest.mark.parametrize(
    "name", ["demo", "셀라인_1", "line-2.v3", "a.", "-x", ".x", "a..b", "a b", "a/b", ""]
)
def test_the_name_pattern_matches_exactly_the_plain_names(name: str) -> None:
    try:
        accepted = check_name(name) == name
    except InputError:
        accepted = False
    assert bool(re.fullmatch(NAME_PATTERN, name)) == accepted


@pytest.mark.parametrize(
    "name",
    [
        "급속충전 캠페인",
        "a b",
        "a  b.2",
        "a .b",
        "a. b",
        "demo",
        " a",
        "a ",
        "a\tb",
        "a\u3000b",
        ".a",
        "a..b",
        "a/b",
        "",
    ],
)
def test_the_campaign_name_pattern_matches_exactly_the_campaign_names(name: str) -> None:
    try:
        accepted = check_name(name, spaces=True) == name
    except InputError:
        accepted = False
    assert accepted == (name in {"급속충전 캠페인", "a b", "a  b.2", "a .b", "a. b", "demo"})
    assert (
        bool(re.fullmatch(CAMPAIGN_NAME_PATTERN, name)) == accepted or name == "a\u3000b"
    )  # no letter: store


def test_a_korean_cell_id_is_a_404_not_a_refusal(client: TestClient) -> None:
    """A well-formed Korean id that is not stored: 404 from the store, not 400 or 422 from the pattern."""
    response = client.get("/api/v1/battery/cells/배터리 9/cycles")
    assert response.status_code == 404, response.text
    assert client.get("/api/v1/battery/cells/a..b").status_code == 400


SEEDED = [
    ("/api/v1/port/simulate", {}),
    ("/api/v1/port/compare", {}),
    ("/api/v1/port/cranes", {}),
    ("/api/v1/logistics/routes", {}),
    ("/api/v1/battery/twin/simulate", {"protocol": "5C-5C-5C"}),
    ("/api/v1/optimize/propose", {"rows": [{"x": 1, "y": 2}], "objective": "y"}),
    ("/api/v1/optimize/campaigns/c1", {}),
]
"""Every endpoint that takes a ``seed``, with the rest of a body that would be accepted."""


@pytest.mark.parametrize(("path", "body"), SEEDED, ids=[p for p, _ in SEEDED])
@pytest.mark.parametrize("seed", [SEED_MAX + 1, 2**32, -1])
def test_a_seed_past_the_solvers_bound_is_a_422_naming_the_field(
    fresh_client: TestClient, path: str, body: dict[str, Any], seed: int
) -> None:
    """2**31 is past CP-SAT's ``int32`` seed (it failed the crane job) and sklearn's ``seed + round`` < 2**32."""
    response = fresh_client.post(path, json={**body, "seed": seed})
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert error["loc"] == ["body", "seed"]
    assert fresh_client.get("/api/v1/jobs").headers["X-Total-Count"] == "0"
    assert not (Path(fresh_client.app.state.store.root) / "optimize").exists()  # type: ignore[attr-defined]


def test_the_seed_bound_is_declared_once_for_every_seeded_body(schema: dict[str, Any]) -> None:
    seeds = [
        model["properties"]["seed"]
        for model in schema["components"]["schemas"].values()
        if "seed" in model.get("properties", {})
    ]
    assert len(seeds) == 5  # simulate, compare, cranes, routes, twin
    assert all(s["maximum"] == SEED_MAX == 2**31 - 1 and s["minimum"] == 0 for s in seeds)


def test_propose_refuses_a_direction_it_does_not_know_even_with_a_space(client: TestClient) -> None:
    """Found declaring the body (its enum): with a ``space``, any ``direction`` passed unchecked and was ignored."""
    body = {"rows": [{"x": 1}], "objective": "y", "space": "attia2020", "direction": "upward"}
    response = client.post("/api/v1/optimize/propose", json=body)
    assert response.status_code == 400
    assert response.json() == {"detail": "direction: expected maximize or minimize, got 'upward'."}


def test_the_routing_scenario_in_the_path_is_one_of_the_shipped_ones(
    client: TestClient, schema: dict[str, Any]
) -> None:
    names = _path_parameter(schema, "/api/v1/logistics/scenarios/{name}", "get", "name")["enum"]
    assert names == client.get("/api/v1/logistics/scenarios").json() and len(names) >= 2
    assert client.get(f"/api/v1/logistics/scenarios/{names[0]}").status_code == 200
    assert client.get("/api/v1/logistics/scenarios/nowhere").status_code == 400


TIMED = [
    ("/api/v1/port/cranes", {}),
    (
        "/api/v1/port/berths/plan",
        {"arrival": [0], "opening": [0], "closing": [9], "handling": [[1]], "deadline": [9]},
    ),
    ("/api/v1/logistics/routes", {}),
]
"""Every endpoint that takes a solver ``time_limit`` (one type, :data:`gwangyang.api.fields.TimeLimit`)."""


@pytest.mark.parametrize(("path", "body"), TIMED, ids=[p for p, _ in TIMED])
@pytest.mark.parametrize("limit", [0, 120.5, True])
def test_a_time_limit_out_of_bounds_is_a_422_naming_the_field(
    fresh_client: TestClient, path: str, body: dict[str, Any], limit: float
) -> None:
    response = fresh_client.post(path, json={**body, "time_limit": limit})
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert error["loc"] == ["body", "time_limit"]
    assert fresh_client.get("/api/v1/jobs").headers["X-Total-Count"] == "0"
