from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from gwangyang.api import create_app
from gwangyang.api.parts import PART_MODULES, load_parts

from .conftest import AUTH, TOKEN


def test_openapi_lists_the_versioned_api(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    paths = set(schema["paths"])
    assert "/api/v1/battery/cells" in paths and "/api/v1/jobs/{job_id}" in paths and "/health" in paths
    assert all(p.startswith("/api/v1/") or p == "/health" for p in paths)
    assert client.get("/docs").status_code == 200


def test_parts_load_only_existing_modules() -> None:
    parts = load_parts()
    assert parts[0].name == "battery"
    assert [p.name for p in parts] == [n for n in PART_MODULES if n in {p.name for p in parts}]
    assert load_parts(("battery", "no_such_part")) == [parts[0]]


def test_home_redirects_to_first_part(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/battery"


def test_empty_store_serves_empty_lists(tmp_path: Path) -> None:
    with TestClient(create_app(tmp_path / "empty", token=TOKEN), headers=AUTH) as c:
        assert c.get("/api/v1/battery/cells").json() == []
        assert c.get("/api/v1/battery/fleet/capacity").json() == []
        page = c.get("/battery")
        assert page.status_code == 200 and 'data-testid="no-cells"' in page.text
