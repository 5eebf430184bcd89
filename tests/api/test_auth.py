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
            if path.startswith(("/api/", "/openapi", "/docs", "/redoc", "/apidocs", "/static")):
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


# ---- issue 16, item 1: an empty token must never let anyone in --------------------------------------


def test_blank_tokens_are_refused_at_every_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gwangyang.errors import StoreError

    monkeypatch.delenv(TOKEN_ENV, raising=False)
    for blank in ("", " ", "\n"):
        (tmp_path / TOKEN_FILE).write_text(blank)
        with pytest.raises(StoreError, match="empty"):
            resolve_token(tmp_path)
        with pytest.raises(StoreError, match="empty"):
            resolve_token(tmp_path / "other", token=blank)
        monkeypatch.setenv(TOKEN_ENV, blank)
        with pytest.raises(StoreError, match="empty"):
            resolve_token(tmp_path / "other")
        monkeypatch.delenv(TOKEN_ENV)


def test_empty_cookie_header_and_login_never_match_an_empty_token(filled_store: Path) -> None:
    from gwangyang.api.auth import COOKIE, TokenInfo

    app = create_app(filled_store, token=TOKEN)
    app.state.token = TokenInfo("", "damaged")  # what an empty token file used to give
    with TestClient(app, follow_redirects=False) as c:
        c.cookies.set(COOKIE, "")
        assert c.get("/api/v1/battery/cells").status_code == 401
        c.cookies.set(COOKIE, " ")
        assert c.get("/api/v1/battery/cells").status_code == 401
        assert c.get("/battery").status_code == 303
        c.cookies.clear()
        assert c.get("/api/v1/battery/cells", headers={"Authorization": "Bearer  "}).status_code == 401
        assert c.post("/login", data={"token": " ", "next": "/"}).status_code == 401
        assert c.get("/battery?token=").headers["location"].startswith("/login")


def test_concurrent_first_starts_agree_on_one_nonempty_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.delenv(TOKEN_ENV, raising=False)
    with ThreadPoolExecutor(8) as pool:
        for run in range(30):
            root = tmp_path / f"s{run}"
            infos = list(pool.map(resolve_token, [root] * 8))
            assert {len(i.token) >= 40 for i in infos} == {True}
            assert len({i.token for i in infos}) == 1
            assert sum(i.created for i in infos) == 1
            assert sorted(p.name for p in root.iterdir()) == [TOKEN_FILE]  # no temporary file left


def test_a_failed_token_write_leaves_no_empty_token_file(tmp_path: Path) -> None:
    # A full disk, imitated by a file-size limit of 0 bytes: the first start fails, the next one
    # must not find an empty token file (it used to, and then accepted an empty cookie).
    import subprocess
    import sys

    script = (
        "import resource, signal, sys\n"
        "from pathlib import Path\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))\n"
        "from gwangyang.api.auth import resolve_token\n"
        "from gwangyang.errors import StoreError\n"
        "try:\n"
        "    resolve_token(Path(sys.argv[1]))\n"
        "except (StoreError, OSError):\n"
        "    sys.exit(3)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != TOKEN_ENV}
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], env=env, check=False)
    assert done.returncode == 3
    assert not (tmp_path / TOKEN_FILE).exists()
    assert list(tmp_path.iterdir()) == []


def test_cookie_posts_from_another_origin_are_refused(filled_store: Path) -> None:
    from gwangyang.api.auth import COOKIE

    with TestClient(create_app(filled_store, token=TOKEN), follow_redirects=False) as browser:
        browser.cookies.set(COOKIE, TOKEN)
        body: dict[str, Any] = {"vessels": "not a list"}
        foreign = browser.post(
            "/api/v1/port/berths/plan", json=body, headers={"Origin": "https://evil.example"}
        )
        assert foreign.status_code == 403 and "Origin" in foreign.json()["detail"]
        null = browser.post("/api/v1/port/berths/plan", json=body, headers={"Origin": "null"})
        assert null.status_code == 403
        site = browser.post("/api/v1/port/berths/plan", json=body, headers={"Sec-Fetch-Site": "cross-site"})
        assert site.status_code == 403
        own = browser.post("/api/v1/port/berths/plan", json=body, headers={"Origin": "http://testserver"})
        assert own.status_code == 422  # past the token check, stopped by validation
        assert (
            browser.get("/api/v1/battery/cells", headers={"Origin": "https://evil.example"}).status_code
            == 200
        )
        browser.cookies.clear()
        bearer = browser.post(
            "/api/v1/port/berths/plan", json=body, headers={**AUTH, "Origin": "https://evil.example"}
        )
        assert bearer.status_code == 422  # a script that sets the header is not a forged cookie


def test_cookie_is_secure_behind_tls(filled_store: Path) -> None:
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    with TestClient(create_app(filled_store, token=TOKEN), follow_redirects=False) as plain:
        assert "secure" not in plain.get("/battery?token=" + TOKEN).headers["set-cookie"].lower()
    tls = TestClient(
        create_app(filled_store, token=TOKEN), base_url="https://testserver", follow_redirects=False
    )
    with tls:
        assert "secure" in tls.get("/battery?token=" + TOKEN).headers["set-cookie"].lower()
        login = tls.post("/login", data={"token": TOKEN, "next": "/battery"})
        assert "secure" in login.headers["set-cookie"].lower()
    # behind a proxy that terminates TLS: uvicorn believes X-Forwarded-Proto from trusted addresses
    proxied = ProxyHeadersMiddleware(create_app(filled_store, token=TOKEN), trusted_hosts="*")  # type: ignore[arg-type]
    with TestClient(proxied, follow_redirects=False) as c:  # type: ignore[arg-type]
        response = c.get("/battery?token=" + TOKEN, headers={"X-Forwarded-Proto": "https"})
        assert "secure" in response.headers["set-cookie"].lower()
