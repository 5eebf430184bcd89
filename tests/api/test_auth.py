from __future__ import annotations

import os
import stat
from pathlib import Path

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


def test_every_api_route_is_in_the_protected_list(client: TestClient) -> None:
    # A new route must be added to PROTECTED (so it gets its 401 test) or be /health.
    import re

    listed = {(method, path.split("?")[0]) for method, path in PROTECTED}
    for route in client.app.routes:  # type: ignore[attr-defined]
        path = getattr(route, "path", "")
        if not path.startswith("/api/"):
            continue
        pattern = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$")
        for method in getattr(route, "methods", set()) - {"HEAD"}:
            assert any(m == method and pattern.match(p) for m, p in listed), (method, path)


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
