from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gwangyang.api.auth import TOKEN_ENV, TOKEN_FILE
from gwangyang.cli import serve as serve_module
from gwangyang.cli.main import main


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, str, int]]:
    """Stand-in for uvicorn: records what would be served instead of blocking."""
    calls: list[tuple[Any, str, int]] = []

    def fake_run_server(app: Any, host: str, port: int, forwarded_allow_ips: str | None = None) -> None:
        calls.append((app, host, port))
        forwarded.append(forwarded_allow_ips)

    forwarded: list[str | None] = []
    monkeypatch.setattr(serve_module, "run_server", fake_run_server)
    monkeypatch.setattr(serve_module, "_forwarded_seen", forwarded, raising=False)
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    return calls


def test_serve_prints_token_only_on_first_start(
    served: list[Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "store"
    assert main(["serve", "--store", str(store), "--port", "8123"]) == 0
    first = capsys.readouterr()
    token = (store / TOKEN_FILE).read_text().strip()
    assert first.out == ""  # nothing on stdout
    assert f"http://127.0.0.1:8123/?token={token}" in first.err.replace("\n", "")
    app, host, port = served[0]
    assert (host, port) == ("127.0.0.1", 8123) and app.state.store.root == store.resolve()
    assert main(["serve", "--store", str(store), "--host", "0.0.0.0"]) == 0
    second = capsys.readouterr()
    assert token not in second.err.replace("\n", "") and TOKEN_FILE in second.err
    assert served[1][1:] == ("0.0.0.0", 8000)


def test_demo_serves_unless_no_serve(
    served: list[Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from gwangyang.cli import demo as demo_module

    def fake_run_demo(store: Path, progress: Any = None) -> dict[str, Any]:
        store.mkdir(parents=True, exist_ok=True)
        return {"store": str(store), "battery": {"ingested": 0, "failed": [], "cells": []}}

    monkeypatch.setattr(demo_module, "run_demo", fake_run_demo)
    store = tmp_path / "demo"
    assert main(["demo", "--store", str(store), "--no-serve", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["store"] == str(store) and served == []
    assert main(["demo", "--store", str(store), "--json", "--port", "8124"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["battery"]["cells"] == []  # stdout stays one JSON document
    token = (store / TOKEN_FILE).read_text().strip()
    assert f"token:     {token}" in captured.err and "http://127.0.0.1:8124/" in captured.err
    assert served[0][1:] == ("127.0.0.1", 8124)
    # each step's summary stays in the store as a finished job, for the pages
    from gwangyang.api.jobs import JobManager

    recorded = JobManager(store).latest("demo.battery")
    assert recorded is not None and recorded["result"] == {"ingested": 0, "failed": [], "cells": []}


def test_serve_passes_trusted_proxies_to_uvicorn(served: list[Any], tmp_path: Path) -> None:
    assert main(["serve", "--store", str(tmp_path / "s"), "--forwarded-allow-ips", "10.0.0.7"]) == 0
    assert serve_module._forwarded_seen == ["10.0.0.7"]  # type: ignore[attr-defined]


def test_serve_refuses_an_empty_token_file(
    served: list[Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "store"
    store.mkdir()
    (store / TOKEN_FILE).write_text("")
    assert main(["serve", "--store", str(store)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "token is empty" in err and served == []
