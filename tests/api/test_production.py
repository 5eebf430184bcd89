"""Production data over the API: upload and list, screening from the store, read-only SQL; the CLI gives the same documents."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from gwangyang import accounts
from gwangyang.api import create_app
from gwangyang.cli.main import main
from tests.battery.test_production import DEFECTS, line_table

from .conftest import AUTH, TOKEN

PRODUCTION = "/api/v1/battery/production"
SQL = "/api/v1/battery/sql"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[TestClient, Path, dict[str, str]]]:
    """An empty store and a viewer's token."""
    root = tmp_path / "store"
    viewer = accounts.add_user(root, "김뷰어", "광양제철", "viewer")[1]
    with TestClient(create_app(root, token=TOKEN), follow_redirects=False) as client:
        yield client, root, {"Authorization": f"Bearer {viewer}"}


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, (json.loads(captured.out) if captured.out.strip() else None), captured.err


def upload(client: TestClient, path: Path, **fields: str) -> Any:
    with path.open("rb") as handle:
        return client.post(PRODUCTION, files={"files": (path.name, handle)}, data=fields, headers=AUTH)


def test_upload_list_screen_and_sql_give_the_cli_documents(
    site: tuple[TestClient, Path, dict[str, str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    client, root, viewer = site
    table = tmp_path / "eol.csv"
    line_table().to_csv(table, index=False)
    by_api = upload(client, table)
    assert by_api.status_code == 200, by_api.text
    other = tmp_path / "other-store"
    code, by_cli, _ = cli(
        capsys, "battery", "production", "ingest", str(table), "--store", str(other), "--json"
    )
    assert code == 0 and by_cli == by_api.json() and by_cli["rows"] == 600
    assert upload(client, table).json()["appended"] is False
    listed = client.get(PRODUCTION, params={"limit": 5}, headers=AUTH).json()
    code, listed_cli, _ = cli(
        capsys, "battery", "production", "list", "--store", str(root), "--limit", "5", "--json"
    )
    assert listed == listed_cli and listed["cells"] == 600 and len(listed["rows"]) == 5
    screened = client.get("/api/v1/quality/production/screen", headers=AUTH).json()
    code, screened_cli, _ = cli(capsys, "battery", "screen", "--store", str(root), "--json")
    assert code == 0 and screened == screened_cli and set(DEFECTS) <= {f["id"] for f in screened["flagged"]}
    query = {"query": "SELECT lot, count(*) AS n FROM production GROUP BY lot ORDER BY lot"}
    answer = client.post(SQL, json=query, headers=viewer)  # reading: a viewer may
    assert answer.status_code == 200, answer.text
    assert answer.json()["rows"] == [["L1", 300], ["L2", 300]]


def test_sql_refusals_and_auth(site: tuple[TestClient, Path, dict[str, str]]) -> None:
    client, _, viewer = site
    refused = client.post(SQL, json={"query": "DELETE FROM production"}, headers=viewer)
    assert refused.status_code == 400
    assert (
        refused.json()["detail"]
        == "query: the store is read-only here; expected a SELECT statement, got DELETE."
    )
    assert client.post(SQL, json={"query": "SELECT 1"}).status_code == 401
    assert client.post(SQL, json={"query": "SELECT 1", "max_rows": 0}, headers=viewer).status_code == 422
    limited = client.post(
        SQL, json={"query": "SELECT * FROM range(50)", "max_rows": 7}, headers=viewer
    ).json()
    assert limited["row_count"] == 7 and limited["truncated"] and limited["rows"][-1] == [6]


def test_bad_uploads(site: tuple[TestClient, Path, dict[str, str]], tmp_path: Path) -> None:
    client, _, viewer = site
    table = line_table(cells_per_lot=10)
    duplicated = tmp_path / "dup.csv"
    pd.concat([table, table.iloc[[2]]]).to_csv(duplicated, index=False)
    answer = upload(client, duplicated)
    assert answer.status_code == 400
    assert answer.json()["detail"].startswith("dup.csv: cell id '셀-L1-0002' appears 2 times")
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    assert upload(client, notes).status_code == 415
    missing = tmp_path / "serials.csv"
    table.rename(columns={"셀ID": "S/N"}).to_csv(missing, index=False)
    assert "no cell id column" in upload(client, missing).json()["detail"]
    assert upload(client, missing, id_column="S/N").status_code == 200
    with missing.open("rb") as handle:
        assert (
            client.post(PRODUCTION, files={"files": (missing.name, handle)}, headers=viewer).status_code
            == 403
        )


def test_cli_errors_exit_2_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.csv"
    line_table(cells_per_lot=10).drop(columns=["셀ID"]).to_csv(bad, index=False)
    store = str(tmp_path / "store")
    code, _, err = cli(capsys, "battery", "production", "ingest", str(bad), "--store", store)
    assert code == 2 and "bad.csv: no cell id column" in err and len(err.strip().splitlines()) == 1
    code, _, err = cli(capsys, "battery", "screen", str(bad))
    assert code == 2 and "--id-column is needed with a TABLE" in err
    code, _, err = cli(capsys, "battery", "screen", "--store", store)
    assert code == 2 and "no store there" in err  # the refused ingest left no store behind
    (tmp_path / "store").mkdir()
    code, _, err = cli(capsys, "battery", "screen", "--store", store)
    assert code == 2 and "production data: none in store" in err
