"""Accounts over the API: roles checked by the auth dependency, tokens kept hashed, rotation, the audit log."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gwangyang import accounts
from gwangyang.api import create_app
from gwangyang.store import artifacts

from .conftest import AUTH, TOKEN, fastcharge_files

UPLOADS = "/api/v1/battery/uploads"
FIT = "/api/v1/battery/life/fit"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[TestClient, Path, dict[str, str]]]:
    """An empty store with a Korean viewer and an operator of two organisations; their tokens by name."""
    root = tmp_path / "store"
    tokens = {
        "김뷰어": accounts.add_user(root, "김뷰어", "광양제철", "viewer")[1],
        "op": accounts.add_user(root, "op", "포스코퓨처엠", "operator")[1],
    }
    with TestClient(create_app(root, token=TOKEN), follow_redirects=False) as client:
        yield client, root, tokens


def test_me_names_user_org_and_role(site: tuple[TestClient, Path, dict[str, str]]) -> None:
    client, _, tokens = site
    assert client.get("/api/v1/me", headers=bearer(tokens["김뷰어"])).json() == {
        "name": "김뷰어",
        "org": "광양제철",
        "role": "viewer",
    }
    assert client.get("/api/v1/me", headers=AUTH).json() == {"name": "admin", "org": "*", "role": "admin"}


def test_viewer_reads_but_cannot_ingest_or_fit(
    site: tuple[TestClient, Path, dict[str, str]], cyclers: Path
) -> None:
    client, root, tokens = site
    viewer = bearer(tokens["김뷰어"])
    assert client.get("/api/v1/battery/cells", headers=viewer).status_code == 200
    files = [("files", (p.name, p.read_bytes())) for p in fastcharge_files(cyclers)]
    refused = client.post(UPLOADS, files=files, headers=viewer)
    assert refused.status_code == 403
    assert "operator" in refused.json()["detail"]
    assert not any(artifacts.uploads_dir(root).glob("*"))  # refused before the body was read
    assert client.post(FIT, json={"name": "m", "model": "variance"}, headers=viewer).status_code == 403
    assert client.post("/api/v1/port/compare", json={}, headers=viewer).status_code == 403
    assert client.get("/api/v1/audit", headers=viewer).status_code == 403
    assert client.get("/api/v1/users", headers=viewer).status_code == 403
    # the role said in plain words (was "user 'op' is a operator; ...")
    users = client.get("/api/v1/users", headers=bearer(tokens["op"]))
    assert users.json() == {"detail": "user 'op' has the operator role; this needs the admin role."}
    page = client.get("/admin/audit", headers=bearer(tokens["op"]))
    assert (
        page.status_code == 403 and "user 'op' has the operator role; this page is for admins." in page.text
    )
    # and in Korean on the pages (each part by its own pattern; the names stay as written)
    from gwangyang.api import i18n

    assert i18n.phrase(users.json()["detail"], "ko") == (
        "사용자 'op'의 역할은 operator입니다; 이 작업에는 admin 역할이 필요합니다."
    )
    assert i18n.phrase("user '김 반장' has the viewer role; this page is for admins.", "ko") == (
        "사용자 '김 반장'의 역할은 viewer입니다; 이 페이지는 관리자용입니다."
    )
    unauthorised = client.get("/api/v1/users").json()["detail"]
    assert i18n.phrase(unauthorised, "ko").startswith("토큰이 없거나 틀렸습니다: ")


def test_operator_ingests_and_fits(site: tuple[TestClient, Path, dict[str, str]], cyclers: Path) -> None:
    client, _, tokens = site
    operator = bearer(tokens["op"])
    files = [("files", (p.name, p.read_bytes())) for p in fastcharge_files(cyclers)]
    answer = client.post(UPLOADS + "?wait=120", files=files, headers=operator)
    assert answer.status_code in (201, 202), answer.text
    cells = client.get("/api/v1/battery/cells", headers=operator).json()
    assert len(cells) == 1  # FastCharge_000025_CH8 with its metadata companion is one cell
    # past the role check: a bad model name is the fit's own 422, not a 403
    bad = client.post(FIT, json={"name": "m", "model": "no-such-model"}, headers=operator)
    assert bad.status_code == 422, bad.text
    # but the users and the audit log are for admins
    assert client.get("/api/v1/audit", headers=operator).status_code == 403


def test_tokens_are_kept_hashed(site: tuple[TestClient, Path, dict[str, str]]) -> None:
    _, root, tokens = site
    text = artifacts.users_path(root).read_text(encoding="utf-8")
    for token in tokens.values():
        assert token not in text
        assert len(token) >= 43  # 32 random bytes, url-safe base64
    stored = {u["name"]: u["token_sha256"] for u in json.loads(text)["users"]}
    assert stored["op"] == hashlib.sha256(tokens["op"].encode()).hexdigest()
    assert (artifacts.users_path(root).parent.stat().st_mode & 0o777) == 0o700


def test_rotate_and_remove_take_effect_at_once(site: tuple[TestClient, Path, dict[str, str]]) -> None:
    client, root, tokens = site
    old = tokens["op"]
    assert client.get("/api/v1/me", headers=bearer(old)).status_code == 200
    _, new = accounts.rotate_token(root, "op")
    assert client.get("/api/v1/me", headers=bearer(old)).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(new)).json()["name"] == "op"
    accounts.remove_user(root, "op")
    assert client.get("/api/v1/me", headers=bearer(new)).status_code == 401


def test_blank_tokens_are_nobody(site: tuple[TestClient, Path, dict[str, str]]) -> None:
    client, root, _ = site
    # even a users file edited by hand to hold the hash of an empty token lets no blank token in
    document = json.loads(artifacts.users_path(root).read_text(encoding="utf-8"))
    for blank in ("", " "):
        document["users"].append(
            {
                "name": f"blank{len(blank)}",
                "org": "x",
                "role": "admin",
                "token_sha256": hashlib.sha256(blank.encode()).hexdigest(),
            }
        )
    artifacts.save_users(root, document)
    for header in ("Bearer ", "Bearer    ", "Bearer"):
        assert client.get("/api/v1/me", headers={"Authorization": header}).status_code == 401
    client.cookies.set("gwangyang_token", " ")
    assert client.get("/api/v1/me").status_code == 401
    assert client.post("/login", data={"token": "  "}).status_code == 401


def test_user_cookie_refused_cross_site(site: tuple[TestClient, Path, dict[str, str]]) -> None:
    client, _, tokens = site
    client.cookies.set("gwangyang_token", tokens["op"])
    assert client.get("/api/v1/me").json()["name"] == "op"
    refused = client.post(FIT, json={}, headers={"Origin": "http://evil.example"})
    assert refused.status_code == 403
    assert "cross-site" in refused.json()["detail"]


def test_audit_records_writes_with_user_and_org(site: tuple[TestClient, Path, dict[str, str]]) -> None:
    client, root, tokens = site
    client.post(FIT, json={"name": "m", "model": "variance"}, headers=bearer(tokens["김뷰어"]))  # 403
    client.post(FIT, json={"name": "m", "model": "no-such-model"}, headers=bearer(tokens["op"]))  # 422
    client.post(FIT, json={}, headers=bearer("not-a-token"))  # nobody: not recorded
    client.get("/api/v1/battery/cells", headers=bearer(tokens["op"]))  # a read: not recorded
    records = client.get("/api/v1/audit", headers=AUTH).json()
    assert [(r["user"], r["org"], r["role"], r["method"], r["path"], r["status"]) for r in records] == [
        ("op", "포스코퓨처엠", "operator", "POST", FIT, 422),
        ("김뷰어", "광양제철", "viewer", "POST", FIT, 403),
    ]
    assert all(r["time"].endswith("+00:00") for r in records)
    # the same records on disk, one JSON line each, appended oldest first
    lines = artifacts.audit_path(root).read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["user"] for line in lines] == ["김뷰어", "op"]
    assert client.get("/api/v1/audit?limit=1", headers=AUTH).json() == records[:1]
    assert [u["name"] for u in client.get("/api/v1/users", headers=AUTH).json()] == ["op", "김뷰어"]


def test_pages_hide_write_forms_from_viewers(site: tuple[TestClient, Path, dict[str, str]]) -> None:
    client, _, tokens = site
    client.cookies.set("gwangyang_token", tokens["김뷰어"])
    page = client.get("/battery").text
    assert 'data-testid="upload-submit"' not in page and 'data-testid="life-fit"' not in page
    assert "김뷰어" in page
    assert 'data-testid="nav-audit"' not in page
    assert client.get("/admin/audit").status_code == 403
    client.cookies.set("gwangyang_token", tokens["op"])
    page = client.get("/battery").text
    assert 'data-testid="upload-submit"' in page and 'data-testid="life-fit"' in page
    assert client.get("/admin/audit").status_code == 403
    client.cookies.set("gwangyang_token", TOKEN)
    assert 'data-testid="nav-audit"' in client.get("/battery").text
    assert client.get("/admin/audit").status_code == 200


def test_login_with_a_user_token(site: tuple[TestClient, Path, dict[str, str]]) -> None:
    client, root, tokens = site
    response = client.post("/login", data={"token": tokens["op"], "next": "/battery"})
    assert response.status_code == 303
    assert client.get("/api/v1/me").json()["name"] == "op"
    # the login is a write by a known user: recorded
    assert accounts.audit_log(root, 1)[0] | {"time": None} == {
        "time": None,
        "user": "op",
        "org": "포스코퓨처엠",
        "role": "operator",
        "method": "POST",
        "path": "/login",
        "status": 303,
    }


def test_user_token_in_url_moves_to_cookie(site: tuple[TestClient, Path, dict[str, str]]) -> None:
    client, _, tokens = site
    response = client.get(f"/battery?token={tokens['김뷰어']}&x=1")
    assert response.status_code == 303
    assert response.headers["location"] == "/battery?x=1"
    assert "httponly" in response.headers["set-cookie"].lower()
    assert client.get("/api/v1/me").json()["role"] == "viewer"
    client.cookies.clear()
    wrong = client.get("/battery?token=not-a-token")
    assert wrong.status_code == 303 and wrong.headers["location"].startswith("/login")
