"""``gwangyang users`` and ``gwangyang audit``: tokens printed once and kept hashed, Korean names, one-line errors."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from gwangyang import accounts
from gwangyang.cli.main import main
from gwangyang.store import artifacts


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_add_prints_token_once_and_keeps_its_hash(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = str(tmp_path / "store")
    code, out, err = run(
        capsys, "users", "add", "박지은", "--org", "광양항만공사", "--role", "operator", "--store", store
    )
    assert code == 0
    token = out.strip()
    assert len(token) >= 43 and "shown only this once" in err
    stored = json.loads(artifacts.users_path(store).read_text(encoding="utf-8"))["users"]
    assert stored[0]["token_sha256"] == hashlib.sha256(token.encode()).hexdigest()
    assert token not in artifacts.users_path(store).read_text(encoding="utf-8")
    assert accounts.Directory(store).find(token) == accounts.User("박지은", "광양항만공사", "operator")

    code, out, _ = run(capsys, "users", "list", "--json", "--store", store)
    assert code == 0
    listed = json.loads(out)
    assert [(u["name"], u["org"], u["role"]) for u in listed] == [("박지은", "광양항만공사", "operator")]
    assert token not in out and "token_sha256" not in out  # neither the token nor its hash is listed

    code, out, _ = run(capsys, "users", "token", "박지은", "--json", "--store", store)
    assert code == 0
    rotated = json.loads(out)["token"]
    assert rotated != token
    assert accounts.Directory(store).find(token) is None
    assert accounts.Directory(store).find(rotated) is not None

    assert run(capsys, "users", "remove", "박지은", "--store", store)[0] == 0
    assert accounts.Directory(store).find(rotated) is None
    assert json.loads(run(capsys, "users", "list", "--json", "--store", store)[1]) == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["users", "add", "kim", "--org", "a/b"], "organisation 'a/b'"),
        (["users", "add", "../kim", "--org", "a"], "user name '../kim'"),
        (
            ["users", "add", "kim", "--org", "a", "--role", "root"],
            "role 'root': expected one of viewer, operator, admin",
        ),
        (["users", "add", "admin", "--org", "a"], "reserved"),
        (["users", "remove", "nobody"], "user 'nobody': no such user"),
        (["users", "token", "nobody"], "user 'nobody': no such user"),
        (["audit", "--limit", "0"], "--limit"),
    ],
)
def test_bad_input_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    store = tmp_path / "store"
    store.mkdir()
    code, out, err = run(capsys, *argv, "--store", str(store))
    assert code == 2
    assert out == ""
    assert err.startswith("error:") and message in err and err.count("\n") == 1


def test_duplicate_user_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = str(tmp_path / "store")
    assert run(capsys, "users", "add", "kim", "--org", "a", "--store", store)[0] == 0
    code, _, err = run(capsys, "users", "add", "kim", "--org", "b", "--store", store)
    assert code == 2 and "already exists" in err


def test_audit_lists_newest_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "store"
    user = accounts.User("이영희", "여수공장", "operator")
    for path in ("/a", "/b", "/c"):
        accounts.record_write(store, user, "POST", path, 202)
    code, out, _ = run(capsys, "audit", "--json", "--limit", "2", "--store", str(store))
    assert code == 0
    records = json.loads(out)
    assert [r["path"] for r in records] == ["/c", "/b"]
    assert {(r["user"], r["org"], r["status"]) for r in records} == {("이영희", "여수공장", 202)}
    code, out, _ = run(capsys, "audit", "--store", str(store))
    assert code == 0 and out.splitlines()[0].split("\t")[1:] == [
        "이영희",
        "여수공장",
        "operator",
        "POST /c",
        "202",
    ]
