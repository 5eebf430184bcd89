from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gwangyang.api import create_app
from gwangyang.api.auth import TOKEN_ENV, TOKEN_FILE, resolve_token

from .conftest import AUTH, TOKEN

# Every endpoint but /health, with a request that would succeed given the token.
PROTECTED = [
    ("GET", "/api/v1/battery/cells"),
    ("GET", "/api/v1/battery/fleet/capacity"),
    ("GET", "/api/v1/battery/cells/CS2_35"),
    ("GET", "/api/v1/battery/cells/CS2_35/cycles"),
    ("GET", "/api/v1/battery/cells/CS2_35/curves"),
    ("GET", "/api/v1/battery/cells/CS2_35/timeseries"),
    ("GET", "/api/v1/battery/cells/CS2_35/health"),
    ("POST", "/api/v1/battery/uploads"),
    ("GET", "/api/v1/battery/life/models"),
    ("GET", "/api/v1/battery/life/models/demo"),
    ("POST", "/api/v1/battery/life/fit"),
    ("POST", "/api/v1/battery/life/predict"),
    ("GET", "/api/v1/factory/monitors"),
    ("POST", "/api/v1/factory/monitors"),
    ("POST", "/api/v1/factory/monitors/x/score"),
    ("GET", "/api/v1/port/scenarios"),
    ("POST", "/api/v1/port/compare"),
    ("POST", "/api/v1/port/berths/plan"),
    ("GET", "/api/v1/jobs"),
    ("GET", "/api/v1/jobs/0123456789abcdef0123456789abcdef"),
    ("GET", "/openapi.json"),
    ("GET", "/docs"),
    ("GET", "/static/plotly.min.js"),
    ("GET", "/static/style.css"),
]


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_every_endpoint_needs_the_token(anonymous: TestClient, method: str, path: str) -> None:
    response = anonymous.request(method, path)
    assert response.status_code == 401
    assert "token" in response.json()["detail"]
    wrong = anonymous.request(method, path, headers={"Authorization": "Bearer wrong"})
    assert wrong.status_code == 401


def all_routes(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, set[str]]]:
    """(path, methods) of every route, through included routers (FastAPI >= 0.165 keeps them nested)."""
    for route in routes:
        if hasattr(route, "original_router"):
            yield from all_routes(route.original_router.routes, prefix + route.include_context.prefix)
        elif hasattr(route, "path"):
            yield prefix + route.path, set(getattr(route, "methods", None) or ())


def test_every_route_of_every_part_needs_the_token(anonymous: TestClient) -> None:
    # Every route the app has, with each path parameter filled in, whichever parts are installed:
    # API routes answer 401, pages redirect to the login page; only /health and /login are open.
    import re

    open_paths = {"/health", "/login", "/logout"}
    checked = 0
    for path, methods in all_routes(anonymous.app.routes):  # type: ignore[attr-defined]
        if path in open_paths:
            continue
        concrete = re.sub(r"\{[^}]+\}", "x", path)
        for method in sorted(methods - {"HEAD"}):
            response = anonymous.request(method, concrete)
            if path.startswith(("/api/", "/openapi", "/docs", "/static")):
                assert response.status_code == 401, (method, path, response.status_code)
            else:
                assert response.status_code == 303, (method, path, response.status_code)
                assert response.headers["location"].startswith("/login")
            checked += 1
    assert checked >= len(PROTECTED) - 1  # PROTECTED has two requests of /static/{name}


def test_health_is_open(anonymous: TestClient) -> None:
    assert anonymous.get("/health").json()["status"] == "ok"


def test_pages_redirect_to_login_without_token(anonymous: TestClient) -> None:
    response = anonymous.get("/battery")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/battery"
    assert anonymous.get("/login").status_code == 200


def test_token_in_url_sets_cookie_and_is_dropped(filled_store: Path) -> None:
    with TestClient(create_app(filled_store, token=TOKEN), follow_redirects=False) as browser:
        response = browser.get("/battery?token=" + TOKEN)
        assert response.status_code == 303
        assert response.headers["location"] == "/battery"
        assert "httponly" in response.headers["set-cookie"].lower()
        assert "samesite=strict" in response.headers["set-cookie"].lower()
        assert browser.get("/battery").status_code == 200
        assert browser.get("/api/v1/battery/cells").status_code == 200


def test_login_form(filled_store: Path) -> None:
    with TestClient(create_app(filled_store, token=TOKEN), follow_redirects=False) as browser:
        assert browser.post("/login", data={"token": "nope", "next": "/battery"}).status_code == 401
        response = browser.post("/login", data={"token": TOKEN, "next": "//evil.example/"})
        assert response.status_code == 303
        assert response.headers["location"] == "/"  # an off-site next is not followed
        assert browser.get("/battery").status_code == 200


def test_token_file_created_once_with_private_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    first = resolve_token(tmp_path)
    assert first.created and len(first.token) >= 40
    assert stat.S_IMODE(os.stat(tmp_path / TOKEN_FILE).st_mode) == 0o600
    second = resolve_token(tmp_path)
    assert not second.created and second.token == first.token
    monkeypatch.setenv(TOKEN_ENV, "from-env")
    assert resolve_token(tmp_path).token == "from-env"


def test_app_uses_env_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TOKEN_ENV, "env-secret")
    with TestClient(create_app(tmp_path / "s")) as c:
        assert c.get("/api/v1/battery/cells", headers={"Authorization": "Bearer env-secret"}).json() == []
        assert c.get("/api/v1/battery/cells", headers=AUTH).status_code == 401
    assert not (tmp_path / "s" / TOKEN_FILE).exists()
