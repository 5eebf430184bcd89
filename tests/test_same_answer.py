"""Same answer everywhere: for each use case the CLI's ``--json``, the API's JSON and (where a page shows it) the
page's values are one document — same keys, same values — because all three call the same service function.

A store with two real cells (CALCE CS2_35, 10 cycles; MATR FastCharge_000025_CH8) serves the battery use cases;
the others use the shipped samples.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gwangyang import samples
from gwangyang.api import create_app
from gwangyang.battery import service as battery
from gwangyang.cli.main import main
from gwangyang.store import Store
from tests.conftest import CYCLERS, SHARED

TOKEN = "same-answer-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
CALCE = SHARED / "battery" / "calce" / "CS2_35" / "CS2_35_11_01_10.xlsx"
FASTCHARGE = [
    CYCLERS / "arbin" / "FastCharge_000025_CH8.csv",
    CYCLERS / "arbin" / "FastCharge_000025_CH8_Metadata.csv",
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """Two real cells, ingested once."""
    opened = Store(tmp_path_factory.mktemp("same") / "store")
    report = battery.ingest_files(opened, [CALCE, *FASTCHARGE])
    assert not report.failed, report.failed
    return opened


@pytest.fixture(scope="module")
def client(store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(store.root, token=TOKEN), headers=AUTH) as test_client:
        yield test_client


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    """The one JSON document a CLI command prints with ``--json``."""
    code = main([*args, "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out)


def page_data(client: TestClient, path: str) -> dict[str, Any]:
    """The values a page draws (its ``page-data`` JSON)."""
    response = client.get(path)
    assert response.status_code == 200, response.text[:300]
    found = re.search(r'<script type="application/json" id="page-data">(.*?)</script>', response.text, re.S)
    assert found is not None
    data: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    return data


TIMINGS = ("wall_s", "runtime_s", "seconds")
"""Keys that hold how long a run took: they differ between two runs of the same thing."""


def timeless(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` without its timing keys (see :data:`TIMINGS`)."""
    return {k: v for k, v in document.items() if k not in TIMINGS}


def finished(client: TestClient, path: str, body: Any) -> Any:
    """The result of a job an endpoint submits (waiting for it)."""
    response = client.post(path, params={"wait": 300}, json=body)
    assert response.status_code == 201, response.text
    return response.json()["job"]["result"]


def test_cells_cycles_curves(store: Store, client: TestClient, capsys: pytest.CaptureFixture[str]) -> None:
    root = str(store.root)
    cells = cli(capsys, "battery", "cells", "--store", root)
    assert cells == client.get("/api/v1/battery/cells").json()
    assert {c["cell_id"] for c in cells} == {"CS2_35", "FastCharge_000025_CH8"}
    # CS2_35's first capacity, read straight from the store's cycle table (an independent route)
    calce = next(c for c in cells if c["cell_id"] == "CS2_35")
    assert calce["first_discharge_capacity_ah"] == pytest.approx(
        float(store.cycles("CS2_35")["discharge_capacity_ah"].iloc[0])
    )
    cycles = cli(capsys, "battery", "cycles", "CS2_35", "--store", root)
    assert cycles == client.get("/api/v1/battery/cells/CS2_35/cycles").json()
    assert len(cycles["cycles"]) == calce["cycles"]
    curves = cli(capsys, "battery", "curves", "CS2_35", "--store", root)
    assert curves == client.get("/api/v1/battery/cells/CS2_35/curves").json()
    page = page_data(client, "/battery/cells/CS2_35")
    assert page["cycles"] == cycles["cycles"] and page["curves"] == curves
    fleet = page_data(client, "/battery")
    assert fleet["fade"] == client.get("/api/v1/battery/fleet/capacity").json()


def test_health_and_rul(store: Store, client: TestClient, capsys: pytest.CaptureFixture[str]) -> None:
    report = cli(capsys, "battery", "health", "CS2_35", "--store", str(store.root))
    assert report == client.get("/api/v1/battery/cells/CS2_35/health").json()
    assert report["cell_id"] == "CS2_35" and "cell" not in report
    assert page_data(client, "/battery/cells/CS2_35")["health"] == report
    # SOH is capacity over the median of the first five cycles: recomputed here from the cycle table's
    # complete cycles (the tenth, cut by the file's end in its discharge, is left out and counted)
    cycles = store.cycles("CS2_35")
    whole = cycles[cycles["complete"]]
    assert report["left_out_cycles"] == len(cycles) - len(whole) == 1
    q = whole["discharge_capacity_ah"].to_numpy()
    q = q[q > 0]
    assert report["soh"][-1] == pytest.approx(q[-1] / sorted(q[:5])[2])
    fleet = cli(capsys, "battery", "fleet", "--store", str(store.root))
    assert fleet == client.get("/api/v1/battery/fleet/health").json()
    assert fleet["CS2_35"]["eol_cycle"] == report["rul"]["eol_cycle"]


def test_anomalies_one_list(store: Store, client: TestClient, capsys: pytest.CaptureFixture[str]) -> None:
    from gwangyang.battery.cycles import usable_cycles
    from gwangyang.battery.quality.anomalies import CellState, CycleAnomalyDetector

    listed = cli(capsys, "battery", "anomalies", "--store", str(store.root), "--recompute")
    assert listed == client.get("/api/v1/quality/anomalies", params={"recompute": True}).json()
    # the incremental check reports what a one-off check of each whole history reports
    direct = sorted(
        (cell_id, a.cycle_index, a.kind)
        for cell_id in ("CS2_35", "FastCharge_000025_CH8")
        for a in CycleAnomalyDetector().update(
            CellState(cell_id), usable_cycles(store.cycles(cell_id))[0], final=True
        )
    )
    per_cell = [
        (a["cell_id"], a["cycle_index"], a["kind"])
        for a in listed["anomalies"]
        if a["kind"] != "fade_outlier"
    ]
    assert sorted(per_cell) == direct
    # the quality page and the cell page show the same list
    quality = client.get("/quality").text
    assert quality.count('data-testid="anomaly-row"') == len(listed["anomalies"])
    cell_rows = client.get("/battery/cells/CS2_35").text
    assert cell_rows.count('data-testid="anomaly-row"') == sum(
        1 for a in listed["anomalies"] if a["cell_id"] == "CS2_35"
    )


def test_life_models_fit_list_predict(
    store: Store, client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    root = str(store.root)
    by_cli = cli(capsys, "battery", "life", "fit", "sample", "--name", "from-cli", "--store", root)
    by_api = finished(client, "/api/v1/battery/life/fit", {"name": "from-api"})
    assert {**by_cli, "name": "from-api"} == by_api
    # both default to the interval for another batch: group-cv+, one fold per batch of the sample
    assert by_cli["conformal"] == "group-cv+" and by_cli["warnings"] == []
    assert by_cli["interval"] == {"conformal": "group-cv+", "folds_by": "batch", "lot_shift": False}
    listed = cli(capsys, "battery", "life", "models", "--store", root)
    assert listed == client.get("/api/v1/battery/life/models").json()
    assert {m["name"] for m in listed} == {"from-cli", "from-api"}
    predicted = cli(
        capsys, "battery", "life", "predict", "--model", "from-cli", "--sample", "test1", "--store", root
    )
    assert (
        predicted
        == client.post("/api/v1/battery/life/predict", json={"model": "from-cli", "sample": "test1"}).json()
    )
    assert [r["predicted_cycle_life"] for r in predicted["predictions"]] == [
        r["predicted_cycle_life"] for r in by_cli["predictions"]
    ]
    # the fleet page shows the newest model's fit-time predictions
    assert page_data(client, "/battery")["life"]["predictions"] == by_api["predictions"]


def test_screening_and_triage(tmp_path: Path, client: TestClient, capsys: pytest.CaptureFixture[str]) -> None:
    from gwangyang.demo import FORMATION_COLUMNS, inject_formation_faults

    table = tmp_path / "formation.csv"
    inject_formation_faults(samples.formation_table()).to_csv(table, index=False)
    columns = ",".join(FORMATION_COLUMNS)
    args = ("--id-column", "cellid", "--lot-column", "lot", "--columns", columns)
    by_cli = cli(capsys, "battery", "screen", str(table), *args)
    with table.open("rb") as handle:
        by_api = client.post(
            "/api/v1/quality/screen",
            files={"files": (table.name, handle, "text/csv")},
            data={"id_column": "cellid", "lot_column": "lot", "columns": columns},
        ).json()
    assert by_cli == by_api and {f["id"] for f in by_cli["flagged"]} == {"5", "25", "37"}
    cells = tmp_path / "retired.csv"
    samples.pulse_table().head(40).drop(columns=["soh"]).to_csv(cells, index=False)
    graded = cli(capsys, "battery", "triage", str(cells))
    with cells.open("rb") as handle:
        assert (
            graded
            == client.post("/api/v1/quality/triage", files={"files": (cells.name, handle, "text/csv")}).json()
        )


def test_port_compare(client: TestClient, capsys: pytest.CaptureFixture[str]) -> None:
    by_cli = cli(
        capsys,
        "port",
        "compare",
        "gwangyang-today",
        "gwangyang-automated",
        "--days",
        "2",
        "--replications",
        "2",
    )
    body = {"a": "gwangyang-today", "b": "gwangyang-automated", "days": 2, "replications": 2}
    assert by_cli == finished(client, "/api/v1/port/compare", body)
    teu = by_cli["kpis"]["teu"]
    assert teu["diff_mean"] == pytest.approx(teu["b_mean"] - teu["a_mean"])


def test_berth_plan_of_the_page_example(
    tmp_path: Path, client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    from gwangyang.port import service as port
    from gwangyang.port.berth_model import FORBIDDEN

    example = port.example_berths()
    assert page_data(client, "/port")["example"] == example
    by_api = finished(client, "/api/v1/port/berths/plan", {**example, "method": "fcfs"})
    by_service, _ = port.plan_berths(port.berth_instance(example), "fcfs")
    assert timeless(by_api) == timeless(by_service) and by_api["objective"] == by_api["fcfs_objective"]
    # the CLI plans a DBAP file (Kramer et al. 2019 format) of the same instance with CP-SAT
    lines = [
        f"{len(example['arrival'])} {len(example['opening'])}",
        *(" ".join(str(v) for v in example[k]) for k in ("arrival", "opening")),
        *(" ".join(str(h if h >= 0 else FORBIDDEN) for h in row) for row in example["handling"]),
        *(" ".join(str(v) for v in example[k]) for k in ("closing", "deadline")),
    ]
    instance = tmp_path / f"{example['name']}.txt"
    instance.write_text("\n".join(lines) + "\n")
    by_cli = cli(capsys, "port", "berths", str(instance), "--time-limit", "10", "--workers", "1")
    by_api = finished(client, "/api/v1/port/berths/plan", {**example, "method": "cpsat", "time_limit": 10})
    # the search stops on wall time, so bounds and plans may differ; the document and the best objective do not
    assert set(by_cli) == set(by_api) and by_cli["instance"] == by_api["instance"]
    assert by_cli["objective"] == by_api["objective"] and by_cli["problems"] == by_api["problems"] == []
    baselines = ("fcfs_objective", "greedy_objective", "spt_objective", "improvement_over_fcfs")
    assert {k: by_cli[k] for k in baselines} == {k: by_api[k] for k in baselines}
    # the objective is the total service time (end - arrival) of the plan, recomputed here
    assert by_api["objective"] == sum(
        a["end"] - example["arrival"][a["vessel"]] for a in by_api["assignments"]
    )


def test_forecast(client: TestClient, capsys: pytest.CaptureFixture[str]) -> None:
    by_cli = cli(
        capsys,
        "forecast",
        str(samples.logistics_series()),
        "--date-column",
        "ds",
        "--target",
        samples.LOGISTICS_TARGET,
        "--horizon",
        "6",
    )
    by_api = finished(client, "/api/v1/logistics/forecast", {"horizon": 6})
    # one document; the API names the shipped series' source, the CLI the file it read
    assert by_cli["source"] == samples.LOGISTICS_SERIES and by_api["source"] == samples.LOGISTICS_SOURCE
    assert timeless({**by_cli, "source": None}) == timeless({**by_api, "source": None})
    assert page_data(client, "/logistics/forecast")["latest"] == by_api


def test_routes_document(client: TestClient, capsys: pytest.CaptureFixture[str]) -> None:
    by_cli = cli(
        capsys, "routes", "solve", str(samples.routing_scenario()), "--time-limit", "1", "--workers", "1"
    )
    by_api = finished(client, "/api/v1/logistics/routes", {"scenario": "gwangyang", "time_limit": 1})
    # the search stops on wall time, so the routes may differ; the document is the same one
    assert set(by_cli) == set(by_api) and by_cli["sites"] == by_api["sites"]
    assert by_cli["feasible"] and by_api["feasible"]
    assert page_data(client, "/logistics")["latest"] == by_api


def test_factory_score(tmp_path: Path, client: TestClient, capsys: pytest.CaptureFixture[str]) -> None:
    from gwangyang.factory.io import TEP_TIME_COLUMN

    normal = samples.sample_file("factory", samples.TEP_NORMAL)
    fault = samples.sample_file("factory", samples.TEP_FAULT)
    monitor = tmp_path / "tep.npz"
    fitted = cli(
        capsys, "factory", "fit", str(normal), "--time-column", TEP_TIME_COLUMN, "--out", str(monitor)
    )
    with normal.open("rb") as handle:
        response = client.post(
            "/api/v1/factory/monitors",
            params={"wait": 300},
            files={"files": (normal.name, handle, "application/gzip")},
            data={"name": "tep", "time_column": TEP_TIME_COLUMN},
        )
    by_api = response.json()["job"]["result"]
    assert {k: v for k, v in fitted.items() if k != "monitor"} == {
        k: v for k, v in by_api.items() if k != "name"
    }  # the warnings too: fit --json carries them, as the API's answer does
    scored = cli(capsys, "factory", "score", str(fault), "--monitor", str(monitor))
    with fault.open("rb") as handle:
        response = client.post(
            "/api/v1/factory/monitors/tep/score",
            params={"wait": 300},
            files={"files": (fault.name, handle, "application/gzip")},
        )
    result = response.json()["job"]["result"]
    assert {**scored, "monitor": "tep", "file": fault.name} == result
    assert scored["summary"]["rows"] == 960
    assert page_data(client, "/factory")["latest_score"] == response.json()["job"]["id"]


def test_campaign_status_and_suggestions(
    store: Store, client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    from gwangyang.optimize import service as optimize

    created = client.post(
        "/api/v1/optimize/campaigns/same", json={"space": "attia2020", "batch": 4, "rounds": 2}
    )
    assert created.status_code == 200, created.text
    folder = str(optimize.campaign_folder(store, "same"))
    assert (
        cli(capsys, "optimize", "status", "--state", folder)
        == client.get("/api/v1/optimize/campaigns/same").json()
    )
    suggested = cli(capsys, "optimize", "suggest", "--state", folder)
    assert suggested == client.post("/api/v1/optimize/campaigns/same/suggest").json()  # the same open round
    status = client.get("/api/v1/optimize/campaigns/same").json()
    assert status["pending"] == [s["id"] for s in suggested["suggestions"]]
    assert "same" in page_data(client, "/optimize")["campaigns"]


def test_ingest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    by_cli = cli(capsys, "battery", "ingest", str(CALCE), "--store", str(tmp_path / "cli"))
    with (
        TestClient(create_app(tmp_path / "api", token=TOKEN), headers=AUTH) as fresh,
        CALCE.open("rb") as handle,
    ):
        response = fresh.post(
            "/api/v1/battery/uploads",
            params={"wait": 300},
            files={"files": (CALCE.name, handle, "application/octet-stream")},
        )
    assert response.status_code == 201, response.text
    by_api = response.json()["job"]["result"]
    # one report; the CLI names the file it was given, the API the uploaded file's name
    for key in ("ingested", "skipped", "failed", "warnings"):
        for item in by_cli[key]:
            item["file"] = Path(item["file"]).name
    assert by_cli == by_api
    # the cycles counted equal the cycle table kept in the store (an independent route)
    (item,) = by_api["ingested"]
    assert item["cell_id"] == "CS2_35" and item["cycles"] == len(Store(tmp_path / "api").cycles("CS2_35"))


def test_formation_ranking(client: TestClient, capsys: pytest.CaptureFixture[str]) -> None:
    from scipy.stats import spearmanr

    table = samples.sample_file("quality", samples.FORMATION_TABLE)
    by_cli = cli(capsys, "battery", "formation", str(table), "--covariates", "is_room_temp_aging")
    with table.open("rb") as handle:
        response = client.post(
            "/api/v1/quality/formation",
            files={"files": (table.name, handle, "text/csv")},
            data={"covariates": "is_room_temp_aging"},
        )
    assert response.status_code == 200, response.text
    assert by_cli == response.json()
    # Spearman's rho recomputed from the leave-one-out predictions and the measured life read from the table
    measured = samples.formation_table().set_index("cellid")["cycles_to_80_pct"]
    rows = by_cli["predictions"]
    assert len(rows) == 39 and all(r["measured"] == measured[int(r["id"])] for r in rows)
    rho = spearmanr([r["predicted"] for r in rows], [r["measured"] for r in rows]).statistic
    assert by_cli["spearman"] == pytest.approx(rho) and rho > 0.7


def test_campaign_propose_and_observe(
    store: Store, tmp_path: Path, client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    import pandas as pd

    from gwangyang.optimize import service as optimize

    # propose: a made-up past table whose objective peaks at temp_c = 30
    rows = [{"temp_c": float(t), "y": -((t - 30.0) ** 2)} for t in (20, 24, 27, 33, 36, 40)]
    table = tmp_path / "past.csv"
    pd.DataFrame(rows).to_csv(table, index=False)
    by_cli = cli(capsys, "optimize", "propose", str(table), "--objective", "y", "--batch", "3")
    by_api = client.post("/api/v1/optimize/propose", json={"rows": rows, "objective": "y", "batch": 3}).json()
    # one document; the CLI names the space after the file it read, the API after the request's table
    assert by_cli["space"].pop("name") == "past" and by_api["space"].pop("name") == "table"
    assert {**by_cli, "source": None} == {**by_api, "source": None}
    assert by_cli["best_observed"]["params"] == {"temp_c": 27.0} or by_cli["best_observed"]["params"] == {
        "temp_c": 33.0
    }
    # observe: two campaigns started alike get the same results, one through each interface
    for name in ("obs-cli", "obs-api"):
        body = {"space": "attia2020", "batch": 3, "rounds": 2}
        assert client.post(f"/api/v1/optimize/campaigns/{name}", json=body).status_code == 200
    suggested = client.post("/api/v1/optimize/campaigns/obs-api/suggest").json()["suggestions"]
    assert (
        cli(capsys, "optimize", "suggest", "--state", str(optimize.campaign_folder(store, "obs-cli")))[
            "suggestions"
        ]
        == suggested
    )
    results = [{"id": s["id"], "value": 900.0 + 10 * i} for i, s in enumerate(suggested)]
    csv = tmp_path / "results.csv"
    pd.DataFrame(results).to_csv(csv, index=False)
    observed = cli(
        capsys, "optimize", "observe", str(csv), "--state", str(optimize.campaign_folder(store, "obs-cli"))
    )
    assert (
        observed
        == client.post("/api/v1/optimize/campaigns/obs-api/observe", json={"results": results}).json()
    )
    assert observed["recorded"] == 3 and observed["pending"] == []
    status = client.get("/api/v1/optimize/campaigns/obs-api").json()
    other = cli(capsys, "optimize", "status", "--state", str(optimize.campaign_folder(store, "obs-cli")))
    assert status.pop("campaign") == "obs-api" and other.pop("campaign") == "obs-cli"
    assert str(store.root) not in json.dumps(status, ensure_ascii=False)  # no server path in the API's answer
    assert status == other
    assert status["best_observed"]["value"] == 920.0


def test_twin_simulate(client: TestClient, capsys: pytest.CaptureFixture[str]) -> None:
    by_cli = cli(capsys, "battery", "twin", "simulate", "4.8-5.2-5.2-4.16", "--cycles", "1")
    by_api = finished(client, "/api/v1/battery/twin/simulate", {"protocol": "4.8-5.2-5.2-4.16", "cycles": 1})
    assert by_cli == by_api
    (cell,) = by_api["cells"]
    # the capacity integrated from the simulated current is the solver's own discharge capacity
    (cycle,) = cell["cycles"]
    assert cycle["discharge_capacity_ah"] == pytest.approx(cycle["solver_discharge_ah"], rel=1e-3)
    bad = client.post("/api/v1/battery/twin/simulate", json={"protocol": "fast"})
    assert bad.status_code == 400 and "protocol" in bad.json()["detail"]
    assert by_api["warnings"] == []  # the shipped config's voltages are its set's own
    # A protocol of other steps whose widths miss the window: refused before the job, in one line.
    uneven = client.post("/api/v1/battery/twin/simulate", json={"protocol": "6x10-5x30@0-80"})
    assert uneven.status_code == 400
    assert uneven.json()["detail"] == (
        "protocol '6x10-5x30@0-80': the steps' widths add up to 40 % SOC; the window 0-80 % is 80 %."
    )


def test_port_simulate(client: TestClient, capsys: pytest.CaptureFixture[str]) -> None:
    by_cli = cli(
        capsys, "port", "simulate", "--scenario", "gwangyang-today", "--days", "2", "--replications", "2"
    )
    body = {"scenario": "gwangyang-today", "days": 2, "replications": 2}
    by_api = finished(client, "/api/v1/port/simulate", body)
    assert timeless(by_cli) == timeless(by_api)
    # the KPI means are the means of the replications' intervals' centres
    teu = by_api["confidence_intervals"]["teu"]
    assert (
        by_api["kpis"]["teu"] == pytest.approx(teu["mean"]) and teu["ci_low"] <= teu["mean"] <= teu["ci_high"]
    )
    assert client.post("/api/v1/port/simulate", json={"scenario": "../x"}).status_code == 400


def test_crane_schedule(client: TestClient, capsys: pytest.CaptureFixture[str]) -> None:
    from gwangyang.port.crane_model import check_schedule

    by_cli = cli(capsys, "port", "cranes", str(samples.crane_instance()), "--workers", "1", "--seed", "0")
    by_api = finished(client, "/api/v1/port/cranes", {"time_limit": 10})
    assert timeless(by_cli) == timeless(by_api)
    # the schedule keeps every rule, checked without the solver; the makespan is its last end
    import pandas as pd

    from gwangyang.port import service as port

    table = pd.DataFrame(by_api["schedule"])
    assert check_schedule(port.crane_instance(), table) == []
    assert by_api["makespan"] == table["end"].max() >= by_api["lower_bound"]


def test_spc(tmp_path: Path, client: TestClient, capsys: pytest.CaptureFixture[str]) -> None:
    import numpy as np

    from gwangyang.factory.io import read_table

    table = samples.sample_file("factory", samples.TEP_NORMAL)
    by_cli = cli(capsys, "factory", "spc", str(table), "--column", "xmeas_01", "--limits", "0.1,0.4")
    with table.open("rb") as handle:
        response = client.post(
            "/api/v1/factory/spc",
            files={"files": (table.name, handle, "application/gzip")},
            data={"column": "xmeas_01", "limits": "0.1,0.4"},
        )
    assert response.status_code == 200, response.text
    assert by_cli == response.json()
    # the I chart's centre is the column's mean (read independently)
    values = read_table(table)["xmeas_01"].to_numpy(dtype="float64")
    centre = next(c for c in by_cli["charts"] if c["name"] == "I")["center"]
    assert centre == pytest.approx(float(np.mean(values)))
