"""Each organisation's data its own (issue 20, item 2): two operators of organisations A and B, an admin, shared cells.

The store holds a cell of A (Basytec sample), one of B (Maccor sample) and a shared one (Neware sample,
ingested without an organisation, as the store's admin does). B must not list, read, plot or delete A's cell
(404, the same answer as for a cell never stored); both see the shared cell; the admin sees all three.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gwangyang import accounts
from gwangyang.api import create_app
from gwangyang.battery.ingest import ingest
from gwangyang.port.service import example_berths
from gwangyang.store import Store

from .conftest import AUTH, TOKEN

A_CELL, B_CELL, SHARED_CELL = "sample_data_basytec", "sample_data_maccor", "test"


@pytest.fixture(scope="module")
def org_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with one cell of 광양소재 (A), one of B and one shared."""
    from tests.conftest import CYCLERS

    root = tmp_path_factory.mktemp("orgs") / "store"
    store = Store(root)
    for path, org in [
        (CYCLERS / "basytec" / "sample_data_basytec.txt", "광양소재"),
        (CYCLERS / "maccor" / "sample_data_maccor.csv", "B"),
        (CYCLERS / "neware" / "test.ndax", None),
    ]:
        report = ingest([path], store=store, org=org)
        assert not report.failed, report.failed
    return root


@pytest.fixture(scope="module")
def clients(org_store: Path) -> Iterator[dict[str, TestClient]]:
    """Clients of the admin (store token) and of operators of A and B."""
    a_token = accounts.add_user(org_store, "운영자A", "광양소재", "operator")[1]
    b_token = accounts.add_user(org_store, "operatorB", "B", "operator")[1]
    app = create_app(org_store, token=TOKEN)
    with (
        TestClient(app, headers=AUTH) as admin,
        TestClient(app, headers={"Authorization": f"Bearer {a_token}"}) as a,
        TestClient(app, headers={"Authorization": f"Bearer {b_token}"}) as b,
    ):
        yield {"admin": admin, "a": a, "b": b}


def _ids(client: TestClient, path: str = "/api/v1/battery/cells") -> set[str]:
    response = client.get(path)
    assert response.status_code == 200, response.text
    return {row["cell_id"] for row in response.json()}


def test_cells_are_stamped_with_the_ingesting_organisation(org_store: Path) -> None:
    store = Store(org_store)
    assert store.meta(A_CELL)["org"] == "광양소재"
    assert store.meta(B_CELL)["org"] == "B"
    assert store.meta(SHARED_CELL)["org"] is None


def test_each_operator_lists_its_own_and_the_shared_cells(clients: dict[str, TestClient]) -> None:
    assert _ids(clients["admin"]) == {A_CELL, B_CELL, SHARED_CELL}
    assert _ids(clients["a"]) == {A_CELL, SHARED_CELL}
    assert _ids(clients["b"]) == {B_CELL, SHARED_CELL}
    assert _ids(clients["b"], "/api/v1/battery/fleet/capacity") <= {B_CELL, SHARED_CELL}
    assert A_CELL not in clients["b"].get("/api/v1/battery/fleet/health").json()


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/battery/cells/{A_CELL}",
        f"/api/v1/battery/cells/{A_CELL}/cycles",
        f"/api/v1/battery/cells/{A_CELL}/curves",
        f"/api/v1/battery/cells/{A_CELL}/timeseries",
        f"/api/v1/battery/cells/{A_CELL}/health",
        f"/api/v1/quality/anomalies?cell_id={A_CELL}",
    ],
)
def test_another_organisations_cell_is_not_found(clients: dict[str, TestClient], path: str) -> None:
    refused = clients["b"].get(path)
    missing = clients["b"].get(path.replace(A_CELL, "no_such_cell"))
    assert refused.status_code == 404, refused.text
    assert missing.status_code == 404  # the same answer as for a cell never stored
    assert refused.json()["detail"] == missing.json()["detail"].replace("no_such_cell", A_CELL)
    assert clients["a"].get(path).status_code != 404
    assert clients["admin"].get(path).status_code != 404


def test_another_organisations_cell_page_is_not_found(clients: dict[str, TestClient]) -> None:
    assert clients["b"].get(f"/battery/cells/{A_CELL}").status_code == 404
    assert clients["a"].get(f"/battery/cells/{A_CELL}").status_code == 200
    fleet = clients["b"].get("/battery").text
    assert B_CELL in fleet and SHARED_CELL in fleet and A_CELL not in fleet


def test_anomalies_list_only_visible_cells(clients: dict[str, TestClient]) -> None:
    found = clients["b"].get("/api/v1/quality/anomalies").json()
    assert {a["cell_id"] for a in found["anomalies"]} <= {B_CELL, SHARED_CELL}


def test_delete_refuses_another_organisations_cell(tmp_path: Path) -> None:
    from tests.conftest import CYCLERS

    root = tmp_path / "store"
    ingest([CYCLERS / "basytec" / "sample_data_basytec.txt"], store=Store(root), org="A")
    b_token = accounts.add_user(root, "b", "B", "operator")[1]
    a_token = accounts.add_user(root, "a", "A", "operator")[1]
    with TestClient(create_app(root, token=TOKEN)) as client:
        refused = client.delete(
            f"/api/v1/battery/cells/{A_CELL}", headers={"Authorization": f"Bearer {b_token}"}
        )
        assert refused.status_code == 404
        assert [m["cell_id"] for m in Store(root).metas()] == [A_CELL]
        done = client.delete(
            f"/api/v1/battery/cells/{A_CELL}", headers={"Authorization": f"Bearer {a_token}"}
        )
        assert done.status_code == 200 and Store(root).metas() == []


def test_upload_belongs_to_the_uploaders_organisation(tmp_path: Path) -> None:
    from tests.conftest import CYCLERS

    root = tmp_path / "store"
    a_token = accounts.add_user(root, "a", "A", "operator")[1]
    b_token = accounts.add_user(root, "b", "B", "operator")[1]
    sample = CYCLERS / "biologic" / "Sample_data_biologic_no_header.mpt"
    with TestClient(create_app(root, token=TOKEN)) as client:
        a = {"Authorization": f"Bearer {a_token}"}
        b = {"Authorization": f"Bearer {b_token}"}
        response = client.post(
            "/api/v1/battery/uploads",
            params={"wait": 120},
            files=[("files", (sample.name, sample.read_bytes()))],
            headers=a,
        )
        assert response.status_code == 201, response.text
        cell_id = response.json()["job"]["result"]["cells"][0]
        assert Store(root).meta(cell_id)["org"] == "A"
        job_id = response.json()["job"]["id"]
        # the job is A's too: B neither reads nor lists it
        assert client.get(f"/api/v1/jobs/{job_id}", headers=b).status_code == 404
        assert client.get("/api/v1/jobs", headers=b).json() == []
        assert client.get("/api/v1/jobs", headers=b).headers["X-Total-Count"] == "0"
        assert [j["id"] for j in client.get("/api/v1/jobs", headers=a).json()] == [job_id]
        assert client.get(f"/api/v1/jobs/{job_id}", headers=AUTH).status_code == 200
        # B uploading a file named after A's cell is refused as a conflict, not stitched onto it
        again = client.post(
            "/api/v1/battery/uploads",
            params={"wait": 120},
            files=[("files", (sample.name, sample.read_bytes() + b"\n"))],
            headers=b,
        )
        assert again.status_code in (409, 422), again.text
        assert Store(root).meta(cell_id)["org"] == "A"


def test_jobs_of_the_store_admin_are_shared(tmp_path: Path) -> None:
    root = tmp_path / "store"
    b_token = accounts.add_user(root, "b", "B", "viewer")[1]
    with TestClient(create_app(root, token=TOKEN)) as client:
        body = {**example_berths(), "method": "fcfs"}
        job = client.post("/api/v1/port/berths/plan", params={"wait": 120}, json=body, headers=AUTH).json()[
            "job"
        ]
        assert job["status"] == "done" and job["org"] is None
        seen = client.get(f"/api/v1/jobs/{job['id']}", headers={"Authorization": f"Bearer {b_token}"})
        assert seen.status_code == 200 and seen.json()["result"] == job["result"]


def test_life_models_belong_to_an_organisation(tmp_path: Path) -> None:
    from gwangyang.store import artifacts

    root = tmp_path / "store"
    a_token = accounts.add_user(root, "a", "A", "operator")[1]
    b_token = accounts.add_user(root, "b", "B", "operator")[1]
    for name, org in [("b-model", "B"), ("shared-model", None)]:
        artifacts.life_model_path(root, name).parent.mkdir(parents=True, exist_ok=True)
        artifacts.life_model_path(root, name).write_bytes(b"")
        artifacts.save(root, "life-model", name, {"name": name, "org": org, "predictions": []})
    a = {"Authorization": f"Bearer {a_token}"}
    b = {"Authorization": f"Bearer {b_token}"}
    with TestClient(create_app(root, token=TOKEN)) as client:
        names = {m["name"] for m in client.get("/api/v1/battery/life/models", headers=a).json()}
        assert names == {"shared-model"}
        names = {m["name"] for m in client.get("/api/v1/battery/life/models", headers=b).json()}
        assert names == {"b-model", "shared-model"}
        assert len(client.get("/api/v1/battery/life/models", headers=AUTH).json()) == 2
        refused = client.get("/api/v1/battery/life/models/b-model", headers=a)
        missing = client.get("/api/v1/battery/life/models/no-model", headers=a)
        assert refused.status_code == missing.status_code == 404
        assert refused.json()["detail"] == missing.json()["detail"].replace("no-model", "b-model")
        assert client.get("/api/v1/battery/life/models/b-model", headers=b).status_code == 200
        predict = client.post(
            "/api/v1/battery/life/predict", json={"model": "b-model", "sample": "test1"}, headers=a
        )
        assert predict.status_code == 404
        # fitting under B's model name would replace B's model: refused before any job runs
        taken = client.post("/api/v1/battery/life/fit", json={"name": "b-model"}, headers=a)
        assert taken.status_code == 409 and "taken" in taken.json()["detail"]
        assert client.get("/api/v1/jobs", headers=AUTH).json() == []


def test_monitors_belong_to_the_fitting_organisation(tmp_path: Path) -> None:
    from gwangyang.samples import sample_dir

    root = tmp_path / "store"
    a = {"Authorization": f"Bearer {accounts.add_user(root, 'a', 'A', 'operator')[1]}"}
    b = {"Authorization": f"Bearer {accounts.add_user(root, 'b', 'B', 'operator')[1]}"}
    table = sample_dir("factory") / "tep_normal_d00.csv.gz"
    fault = {"files": ("fault.csv.gz", (sample_dir("factory") / "tep_fault01_d01_te.csv.gz").read_bytes())}
    with TestClient(create_app(root, token=TOKEN)) as client:
        fit = client.post(
            "/api/v1/factory/monitors",
            params={"wait": 120},
            data={"name": "line1", "time_column": "time_min"},
            files={"files": (table.name, table.read_bytes())},
            headers=b,
        )
        assert fit.status_code == 201, fit.text
        assert [m["name"] for m in client.get("/api/v1/factory/monitors", headers=b).json()] == ["line1"]
        assert client.get("/api/v1/factory/monitors", headers=a).json() == []
        assert [m["name"] for m in client.get("/api/v1/factory/monitors", headers=AUTH).json()] == ["line1"]
        refused = client.post("/api/v1/factory/monitors/line1/score", files=fault, headers=a)
        missing = client.post("/api/v1/factory/monitors/line2/score", files=fault, headers=a)
        assert refused.status_code == missing.status_code == 404
        assert refused.json()["detail"] == missing.json()["detail"].replace("line2", "line1")
        assert "line1" not in client.get("/factory", headers=a).text
        taken = client.post(
            "/api/v1/factory/monitors",
            data={"name": "line1", "time_column": "time_min"},
            files={"files": (table.name, table.read_bytes())},
            headers=a,
        )
        assert taken.status_code == 409 and "taken" in taken.json()["detail"]


def test_campaigns_belong_to_the_creating_organisation(tmp_path: Path) -> None:
    root = tmp_path / "store"
    a = {"Authorization": f"Bearer {accounts.add_user(root, 'a', 'A', 'operator')[1]}"}
    b = {"Authorization": f"Bearer {accounts.add_user(root, 'b', 'B', 'operator')[1]}"}
    with TestClient(create_app(root, token=TOKEN)) as client:
        made = client.post("/api/v1/optimize/campaigns/양극재", json={"batch": 2, "rounds": 1}, headers=b)
        assert made.status_code == 200, made.text
        shared = client.post("/api/v1/optimize/campaigns/open", json={"batch": 2, "rounds": 1}, headers=AUTH)
        assert shared.status_code == 200, shared.text
        assert {c["name"] for c in client.get("/api/v1/optimize/campaigns", headers=b).json()} == {
            "양극재",
            "open",
        }
        assert {c["name"] for c in client.get("/api/v1/optimize/campaigns", headers=a).json()} == {"open"}
        refused = client.get("/api/v1/optimize/campaigns/양극재", headers=a)
        missing = client.get("/api/v1/optimize/campaigns/음극재", headers=a)
        assert refused.status_code == missing.status_code == 404
        assert refused.json()["detail"] == missing.json()["detail"].replace("음극재", "양극재")
        assert client.post("/api/v1/optimize/campaigns/양극재/suggest", headers=a).status_code == 404
        assert client.get("/api/v1/optimize/campaigns/양극재", headers=b).status_code == 200
        taken = client.post("/api/v1/optimize/campaigns/양극재", json={"batch": 2}, headers=a)
        assert taken.status_code == 409 and "taken" in taken.json()["detail"]
        assert "양극재" not in client.get("/optimize", headers=a).text


def test_port_page_shows_only_the_users_latest_plan(tmp_path: Path) -> None:
    root = tmp_path / "store"
    a = {"Authorization": f"Bearer {accounts.add_user(root, 'a', 'A', 'operator')[1]}"}
    b = {"Authorization": f"Bearer {accounts.add_user(root, 'b', 'B', 'viewer')[1]}"}
    with TestClient(create_app(root, token=TOKEN)) as client:
        body = {**example_berths(), "method": "fcfs"}
        job = client.post("/api/v1/port/berths/plan", params={"wait": 120}, json=body, headers=a).json()[
            "job"
        ]
        assert job["status"] == "done" and job["org"] == "A"
        assert job["id"] in client.get("/port", headers=a).text
        assert job["id"] not in client.get("/port", headers=b).text
        assert client.get(f"/api/v1/jobs/{job['id']}", headers=b).status_code == 404


def _sql(client: TestClient, query: str) -> dict[str, Any]:
    response = client.post("/api/v1/battery/sql", json={"query": query})
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_sql_box_shows_only_the_users_cells(clients: dict[str, TestClient], org_store: Path) -> None:
    """Every view of B's query holds B's and shared cells' rows only; the admin's holds all, counted as the store does."""
    store = Store(org_store)
    query = "SELECT cell_id, count(*) AS n FROM cycles GROUP BY cell_id ORDER BY cell_id"
    everything = {row[0]: row[1] for row in _sql(clients["admin"], query)["rows"]}
    assert everything == {c: len(store.cycles(c)) for c in (A_CELL, B_CELL, SHARED_CELL)}
    seen_by_b = {row[0]: row[1] for row in _sql(clients["b"], query)["rows"]}
    assert seen_by_b == {c: everything[c] for c in (B_CELL, SHARED_CELL)}
    for view in ("cells", "timeseries", "steps", "cells_cycles"):
        rows = _sql(clients["b"], f"SELECT DISTINCT cell_id FROM {view}")["rows"]
        assert {row[0] for row in rows} <= {B_CELL, SHARED_CELL}, view
    timeseries = _sql(clients["b"], f"SELECT count(*) FROM timeseries WHERE cell_id = '{B_CELL}'")
    assert timeseries["rows"] == [[len(store.timeseries(B_CELL))]]


def test_sql_box_reads_no_file_for_an_organisation(clients: dict[str, TestClient], org_store: Path) -> None:
    """B cannot reach A's rows by naming the store's Parquet files."""
    files = sorted((org_store / "tables").rglob("*.parquet"))
    assert files
    for query in (
        f"SELECT * FROM read_parquet('{files[0].as_posix()}')",
        f"SELECT * FROM '{files[0].as_posix()}'",
    ):
        response = clients["b"].post("/api/v1/battery/sql", json={"query": query})
        assert response.status_code == 400, response.text
        assert A_CELL not in response.text
    assert (
        _sql(clients["admin"], f"SELECT count(*) FROM read_parquet('{files[0].as_posix()}')")["row_count"]
        == 1
    )
