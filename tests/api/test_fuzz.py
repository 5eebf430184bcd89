"""The API fuzzed from its own OpenAPI schema (schemathesis): no 5xx, responses as documented.

Every read (GET) and the validation-only POSTs run as they are. The job starters (uploads, twin, life fit,
routes, forecast, port simulate/compare/timelapse/berths/cranes, monitors) run up to their job: the app's job
runner is replaced by one that records the job and runs nothing, so everything a request goes through before
its job starts (validation, the checks that answer 400/404/409/413/415) is fuzzed in well under a second per
operation. They and the other writers (campaigns, DELETE of a cell) run on a store of their own. The examples are
derandomized (a fixed seed), so a run repeats exactly.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.filters import HasAPIOperation
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from gwangyang.api import create_app

from .conftest import AUTH, TOKEN

EXAMPLES = 12
"""Examples per operation (positive and negative together)."""

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
    negative_data_rejection,
]
"""What each response must pass: no 5xx, a status the schema lists for the operation, a body of its schema and
media type, and a 4xx for data the schema calls invalid."""

CHEAP_POSTS = (
    "/api/v1/battery/life/predict",
    "/api/v1/battery/sql",
    "/api/v1/quality/screen",
    "/api/v1/quality/triage",
    "/api/v1/quality/formation",
    "/api/v1/port/berths/plan",
    "/api/v1/factory/spc",
    "/api/v1/optimize/propose",
)
"""POST operations that only validate and compute, in well under a second, and write nothing."""


@pytest.fixture(scope="module")
def api_schema(filled_store: Path, tmp_path_factory: pytest.TempPathFactory) -> schemathesis.BaseSchema:
    """The schema of an app on a copy of the filled store, cut to GETs and the cheap POSTs."""
    root = tmp_path_factory.mktemp("fuzz") / "store"
    shutil.copytree(filled_store, root)
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(root, token=TOKEN), headers=AUTH)
    return schema.include(_cheap)


def _cheap(ctx: HasAPIOperation) -> bool:
    method, path = ctx.operation.method.upper(), ctx.operation.path
    return method == "GET" or (method == "POST" and path in CHEAP_POSTS)


def _fuzz(operation: APIOperation) -> int:
    """Fuzz one operation with :data:`CHECKS`; the number of requests sent."""
    sent = 0
    strategy = st.one_of([operation.as_strategy(mode) for mode in GenerationMode])

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def check(case: schemathesis.Case) -> None:
        nonlocal sent
        sent += 1
        case.call_and_validate(headers=AUTH, checks=CHECKS)

    check()
    return sent


def _fuzz_all(schema: schemathesis.BaseSchema) -> tuple[int, int, list[str]]:
    """Fuzz every operation of ``schema``: operations fuzzed, requests sent, failures."""
    failures: list[str] = []
    fuzzed = sent = 0
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result.err()
        operation = result.ok()
        fuzzed += 1
        try:
            sent += _fuzz(operation)
        except Exception as exc:
            failures.append(f"{operation.label}: {exc}")
    return fuzzed, sent, failures


def test_no_server_error_and_answers_as_documented(api_schema: schemathesis.BaseSchema) -> None:
    """Every generated request, valid or not, gets no 5xx, a body of the documented shape, and bad input a 4xx."""
    fuzzed, sent, failures = _fuzz_all(api_schema)
    # counted from the document, not written down: every GET and every cheap POST it has (a new GET is fuzzed
    # and counted without editing this; docs/api.md gave 37 when there were 39)
    paths = api_schema.raw_schema["paths"]
    reads = sum("get" in item for item in paths.values())
    posts = sum("post" in paths.get(path, {}) for path in CHEAP_POSTS)
    assert posts == len(CHEAP_POSTS) and reads >= 30
    assert fuzzed == reads + posts, f"{fuzzed} operations matched, not {reads} GETs and {posts} POSTs"
    print(f"fuzzed {reads} GETs and {posts} POSTs: {fuzzed} operations, {sent} requests")
    assert sent >= 5 * fuzzed, sent
    assert not failures, "\n\n".join(failures)


@pytest.fixture(scope="module")
def job_schema(
    filled_store: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[schemathesis.BaseSchema, list[str]]:
    """The schema cut to the job starters and writers, of an app on a copy of the filled store whose jobs never run.

    Returns the schema and the list of the kinds of the jobs submitted.
    """
    root = tmp_path_factory.mktemp("fuzz-jobs") / "store"
    shutil.copytree(filled_store, root)
    app = create_app(root, token=TOKEN)
    submitted: list[str] = []

    def submit(
        kind: str, work: Any, params: Any = None, isolated: bool = False, org: Any = None
    ) -> dict[str, Any]:
        submitted.append(kind)
        return {"id": "0" * 32, "kind": kind, "status": "queued", "params": params, "org": org}

    async def wait_async(job_id: str, timeout: float) -> dict[str, Any]:
        return {"id": job_id, "status": "queued"}

    app.state.jobs.submit = submit
    app.state.jobs.wait_async = wait_async
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, headers=AUTH)
    return schema.include(_writes), submitted


def _writes(ctx: HasAPIOperation) -> bool:
    operation = ctx.operation
    return (
        "202" in operation.definition.raw["responses"]
        or operation.method.upper() == "DELETE"
        or (operation.method.upper() == "POST" and operation.path.startswith("/api/v1/optimize/campaigns/"))
    )


def test_job_starters_and_writers_answer_as_documented(
    job_schema: tuple[schemathesis.BaseSchema, list[str]],
) -> None:
    """The 16 job starters (their jobs recorded, not run), the 3 campaign writers and DELETE of a cell, as documented."""
    schema, submitted = job_schema
    fuzzed, sent, failures = _fuzz_all(schema)
    # 16 job starters (/logistics/forecast/file the 13th, /routes/file the 14th, /port/simulate/file the 15th,
    # /port/compare/file the 16th)
    assert fuzzed == 20, fuzzed
    assert not failures, "\n\n".join(failures)
    assert 0 < len(submitted) < sent  # some generated requests were good enough to start a job


BOOLEAN_FOR_A_NUMBER = [
    # Found by the fuzzer: ``seed: false`` was read as 0 and the job started (202); now 422.
    ("/api/v1/port/cranes", {"instance": None, "time_limit": 10.0, "seed": False, "budget": 5e-324}, "seed"),
    ("/api/v1/port/simulate", {"days": True}, "days"),
    ("/api/v1/port/compare", {"replications": True}, "replications"),
    ("/api/v1/port/timelapse", {"minutes": True}, "minutes"),
    (
        "/api/v1/port/berths/plan",
        {"arrival": [True], "opening": [0], "closing": [9], "handling": [[1]], "deadline": [9]},
        "arrival",
    ),
    ("/api/v1/battery/twin/simulate", {"protocol": "5C-5C-5C", "cycles": True}, "cycles"),
    ("/api/v1/battery/life/fit", {"coverage": True}, "coverage"),
    ("/api/v1/battery/sql", {"query": "select 1", "max_rows": True}, "max_rows"),
    ("/api/v1/logistics/routes", {"seed": False}, "seed"),
    ("/api/v1/logistics/forecast", {"horizon": True}, "horizon"),
]


@pytest.mark.parametrize(
    ("path", "body", "field"), BOOLEAN_FOR_A_NUMBER, ids=[p for p, _, _ in BOOLEAN_FOR_A_NUMBER]
)
def test_boolean_for_a_number_is_refused_naming_the_field(
    fresh_client: TestClient, path: str, body: dict[str, Any], field: str
) -> None:
    """JSON ``true``/``false`` where a number belongs is a client's mistake: 422 naming the field, no job started."""
    response = fresh_client.post(path, json=body)
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert error["loc"][:2] == ["body", field]
    assert error["type"] in ("int_type", "float_type")
    assert fresh_client.get("/api/v1/jobs").headers["X-Total-Count"] == "0"


@pytest.mark.parametrize(
    ("series", "where"),
    [
        ([], ["body", "series"]),  # was 500: IndexError in validate_series
        (
            [{"ds": "", "y": 0.0}],
            ["body", "series", 0, "ds"],
        ),  # was 500: "Neither `start` nor `end` can be NaT"
        ([{"ds": "2024-01", "y": 1.0}, {"ds": "nat", "y": 2.0}], ["body", "series", 1, "ds"]),  # was 500: NaT
    ],
    ids=["empty", "blank-month", "nat-month"],
)
def test_forecast_series_without_months_is_refused_naming_the_field(
    fresh_client: TestClient, series: list[dict[str, Any]], where: list[Any]
) -> None:
    """A forecast request whose series is empty or has a month pandas reads as missing: 422 at that point, no job."""
    response = fresh_client.post("/api/v1/logistics/forecast", json={"series": series})
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert error["loc"] == where
    assert fresh_client.get("/api/v1/jobs").headers["X-Total-Count"] == "0"
    assert fresh_client.get("/api/v1/logistics/forecast/latest").status_code == 404


def test_method_not_allowed_lists_every_method_of_the_path(client: TestClient) -> None:
    """Found by the fuzzer: ``OPTIONS /api/v1/battery/cells/0`` answered 405 with ``Allow: DELETE`` (no GET)."""
    response = client.options("/api/v1/battery/cells/0")
    assert response.status_code == 405
    assert response.headers["Allow"] == "DELETE, GET"
    assert response.json() == {"detail": "Method Not Allowed"}
    assert client.put("/api/v1/factory/monitors").headers["Allow"] == "GET, POST"
