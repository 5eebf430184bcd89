"""The demo's steps (``gwangyang.demo``): what each returns and what it keeps in the store for the pages.

Moved here from the parts' ``test_demo.py`` files with the steps themselves; the figures are the same.
"""

from __future__ import annotations

import io
import itertools
import json
import shutil
import subprocess
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gwangyang import demo, samples
from gwangyang.battery import service as battery_service
from gwangyang.battery.cycles import IMPLAUSIBLE_EFFICIENCY
from gwangyang.errors import NotFoundError
from gwangyang.logistics import service as logistics
from gwangyang.port import service as port
from gwangyang.port.berth_baselines import solve_fcfs
from gwangyang.store import Store, artifacts
from tests.logistics.test_forecast import SERIES, TARGET
from tests.logistics.test_solver import SCENARIO


def _maccor_discharge(path: Path) -> np.ndarray:
    """Per cycle: the sum over discharge steps of the step's ``Amp-hr`` (Maccor resets it every step)."""
    table = pd.read_csv(path, sep="\t", skiprows=1, usecols=["Cyc#", "Step", "Amp-hr", "State"])
    table["Amp-hr"] = table["Amp-hr"].where(table["State"] == "D", 0.0)
    per_step = table.groupby(["Cyc#", "Step"])["Amp-hr"].max()
    return per_step.groupby(level=0).sum().to_numpy()


def _arbin_res_discharge(path: Path) -> np.ndarray:
    """Per ``Cycle_Index``: the largest ``Discharge_Capacity`` of the raw table (Arbin resets it every cycle)."""
    text = subprocess.run(
        ["mdb-export", str(path), "Channel_Normal_Table"], capture_output=True, check=True, text=True
    ).stdout
    return pd.read_csv(io.StringIO(text)).groupby("Cycle_Index")["Discharge_Capacity"].max().to_numpy()


def _arbin_xlsx_discharge(folder: Path) -> np.ndarray:
    """Per ``Cycle_Index`` of each DataPro file, in file order: growth of the (cumulative) ``Discharge_Capacity(Ah)``."""
    parts = []
    for path in sorted(folder.glob("*.xlsx")):
        book = pd.read_excel(path, sheet_name=None, engine="calamine")
        sheet = next(frame for name, frame in book.items() if name.startswith("Channel"))
        column = sheet.groupby("Cycle_Index")["Discharge_Capacity(Ah)"]
        parts.append((column.max() - column.min()).to_numpy())
    return np.concatenate(parts)


def _neware_discharge(path: Path) -> np.ndarray:
    """The ``DChg. Cap.(Ah)`` of each cycle line (the first level of the 3-level export)."""
    lines = [line.split(",") for line in path.read_text().splitlines()[3:] if line[:1].isdigit()]
    return np.array([float(fields[2]) for fields in lines])


def _biologic_discharge(path: Path) -> np.ndarray:
    """Per cycle: the largest ``Q discharge/mA.h`` (EC-Lab resets it every half cycle), in Ah."""
    table = pd.read_csv(path, sep=";", usecols=["cycle_index", "Q discharge/mA.h"])
    return table.groupby("cycle_index")["Q discharge/mA.h"].max().to_numpy() / 1000


VENDOR_DISCHARGE = {
    "PredictionDiagnostics_000109_tztest": lambda d: _maccor_discharge(
        d / "PredictionDiagnostics_000109_tztest.010"
    ),
    "arbin_example": lambda d: _arbin_res_discharge(d / "arbin_example.res"),
    "CS2_35": lambda d: _arbin_xlsx_discharge(d / "calce_CS2_35"),
    "nw_regular_export_ife_example_cycles1-5": lambda d: _neware_discharge(
        d / "nw_regular_export_ife_example_cycles1-5.csv"
    ),
    "test_loopsnewoutput_MB_CE1_cycle2": lambda d: _biologic_discharge(
        d / "test_loopsnewoutput_MB_CE1_cycle2.csv"
    ),
}
"""Each demo cell's discharge capacity per cycle read from the vendor's own capacity columns (not our readers)."""


@pytest.mark.skipif(shutil.which("mdb-export") is None, reason="mdbtools not installed (Arbin .res sample)")
def test_every_demo_cell_shows_its_vendors_capacity(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    out = demo.battery_step(store)
    assert out["failed"] == [] and {c["cell_id"] for c in out["cells"]} == set(VENDOR_DISCHARGE)
    for cell in out["cells"]:
        cycles = store.cycles(cell["cell_id"])
        ours = cycles["discharge_capacity_ah"].to_numpy()
        vendor = VENDOR_DISCHARGE[cell["cell_id"]](samples.sample_dir("battery"))
        # cycles that discharge, in order (a cycle with no discharge that opens a file is stitched to the one before)
        has = ours > 1e-9
        theirs = vendor[vendor > 1e-9]
        assert len(theirs) == has.sum(), cell["cell_id"]
        complete = cycles["complete"].to_numpy()[has]
        assert complete.any(), cell["cell_id"]
        np.testing.assert_allclose(ours[has][complete], theirs[complete], rtol=5e-3, err_msg=cell["cell_id"])
        # the fleet table shows real capacity: the largest complete cycle's whose charge was not cut short
        # (the vendor's discharge at most 1.2 times its charge); a cell with none shows none
        charge = cycles["charge_capacity_ah"].to_numpy()[has]
        plausible = complete & (theirs <= 1.2 * charge)
        if plausible.any():
            assert cell["max_discharge_capacity_ah"] == pytest.approx(theirs[plausible].max(), rel=5e-3)
        else:
            assert cell["max_discharge_capacity_ah"] is None
            listed = {c["cell_id"]: c for c in battery_service.list_cells(store)}[cell["cell_id"]]
            assert listed["left_out_reasons"][IMPLAUSIBLE_EFFICIENCY] == complete.sum()


def test_port_run_is_json_ready_and_its_berth_plan_is_optimal() -> None:
    out = json.loads(json.dumps(port.demo_run(days=3)))
    assert set(out["scenarios"]) == {"gwangyang-today", "gwangyang-automated"}
    plan = out["berth_plan"]
    assert plan["objective"] <= plan["fcfs_objective"]
    # OPTIMAL: CP-SAT proved a bound equal to its objective (brute force on small instances: test_berths).
    assert plan["status"] == "OPTIMAL"
    assert plan["lower_bound"] == plan["objective"]
    assert out["crane_schedule"]["status"] == "OPTIMAL"


def test_sample_berth_instance_is_consistent() -> None:
    inst = port.berth_instance(samples.DEMO_BERTHS)
    assert (inst.vessels, inst.berths) == (12, 3)
    assert not inst.allowed(0, 2) and not inst.allowed(5, 2)
    assert all(inst.allowed(i, k) for i, k in itertools.product([1, 2, 3], range(3)))


def test_port_step_keeps_its_run_in_the_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = Store(tmp_path / "store")
    out = demo.port_step(store, days=3)
    saved = port.load_run(store, port.DEMO_RUN)
    assert saved is not None and saved["scenarios"] == json.loads(json.dumps(out["scenarios"]))
    # The plan's FCFS figure is the one solve_fcfs gives on the same instance.
    assert (
        saved["berth_plan"]["fcfs_objective"]
        == solve_fcfs(port.berth_instance(samples.DEMO_BERTHS)).objective
    )
    # Both scenarios see the same traffic (same seed): the same TEU.
    today, auto = saved["scenarios"]["gwangyang-today"], saved["scenarios"]["gwangyang-automated"]
    assert today["teu"] == auto["teu"]
    # the port page starts from it
    assert port.page_state(store)["saved"]["demo_scenarios"] == saved["scenarios"]
    # and from the time-lapse kept beside it: the service's document, computed afresh here
    lapse = port.kept_timelapse(store)
    assert lapse is not None and lapse == json.loads(json.dumps(port.timelapse()))
    assert port.page_state(store)["timelapse"] == lapse
    assert out["timelapse"] == {
        **{key: lapse[key] for key in ("scenario", "dispatch", "agvs", "cranes", "step_s")},
        "frames": len(lapse["frames"]),
    }
    # and the demo's text summary prints the run's warnings (3 days draw no weather stop): nothing silent
    from gwangyang.cli.demo import print_summary, step_warnings

    expected = [f"{name}: {line}" for name, lines in out["warnings"].items() for line in lines]
    assert expected and step_warnings(out) == expected
    print_summary({"store": str(store.root), "battery": {"cells": [], "failed": []}, "port": out})
    printed = " ".join(capsys.readouterr().err.split())
    assert all(" ".join(f"warning {line}".split()) in printed for line in expected)


def test_fleet_step_keeps_its_curve_for_the_port_page(tmp_path: Path) -> None:
    from gwangyang.port.agv import simulate_fleet
    from gwangyang.port.agv_plan import plan_from_scenario
    from gwangyang.port.terminal import load_scenario

    store = Store(tmp_path / "store")
    assert port.page_state(store)["saved"]["fleet"] is None
    out = demo.fleet_step(store, fleet=(2, 4), replications=2, hours=0.5)
    saved = port.load_run(store, port.FLEET_RUN)
    assert saved is not None and saved["fleet_curve"] == json.loads(json.dumps(out["fleet_curve"]))
    assert list(saved["fleet_curve"]) == ["nearest", "earliest_due", "lookahead"]
    # a point of the curve is the mean of the same runs simulated directly (seeds 0 and 1, 1 h warm-up)
    plan = plan_from_scenario(load_scenario("gwangyang-automated"), "earliest_due", agvs=4)
    direct = [simulate_fleet(plan, 0.5, seed, 1.0).kpis["moves_per_hour_per_crane"] for seed in (0, 1)]
    point = saved["fleet_curve"]["earliest_due"][1]
    assert point["agvs"] == 4 and point["mean"] == pytest.approx(sum(direct) / 2, rel=1e-12)
    # the port page plots it
    assert port.page_state(store)["saved"]["fleet"]["fleet_curve"] == saved["fleet_curve"]


def test_logistics_step_keeps_views_in_the_store(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    store.root.mkdir(parents=True)
    with pytest.raises(NotFoundError, match="no routes"):
        logistics.latest_view(store, "routes")
    summary = demo.logistics_step(store, time_limit=1.0, horizon=6)
    json.dumps(summary, allow_nan=False)
    routing = summary["routing"]
    assert routing["feasible"] and routing["unserved"] == []
    # All 32 orders of the shipped scenario appear exactly once across the routes.
    assert sorted(o for r in routing["routes"] for o in r) == [f"O{k:02d}" for k in range(1, 33)]
    routes = logistics.latest_view(store, "routes")
    assert routes["routes"] == routing["routes"] and routes["geojson"]["type"] == "FeatureCollection"
    names = {s["id"]: s["name"] for s in routes["sites"]}
    assert "(approx.)" in names["GWCT"] and routes["approximate_coordinates"]
    # Each route's cost is its vehicle type's fixed cost + cost per km x distance (read from the TOML).
    fleet = {v["name"]: v for v in tomllib.loads(SCENARIO.read_text())["vehicles"]}
    for r in routes["route_details"]:
        v = fleet[r["vehicle_type"]]
        assert r["cost"] == pytest.approx(v.get("fixed_cost", 0) + v.get("cost_per_km", 1) * r["distance"])
    assert sum(r["cost"] for r in routes["route_details"]) == pytest.approx(routes["cost"])
    forecast = logistics.latest_view(store, "forecast")
    # The series ends December 2023; the history shown is the shipped CSV, the same as the shared copy.
    assert summary["forecast"]["months"] == ["2024-01-01", "2024-06-01"]
    raw = pd.read_csv(SERIES)
    assert [h["y"] for h in forecast["history"]] == raw[TARGET].astype(float).tolist()
    assert samples.logistics_series().read_bytes() == SERIES.read_bytes()
    assert all(r["lo"] <= r["mean"] <= r["hi"] for r in forecast["forecast"])
    assert samples.routing_scenario().read_text() == SCENARIO.read_text()
    assert samples.routing_scenarios() == ["gwangyang", "haulage"]


def test_factory_step(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    summary = demo.factory_step(store)
    json.dumps(summary, allow_nan=False)
    assert artifacts.monitor_path(store, "tep-pca").is_file()
    # The scoring result is a finished job record in the store, as the factory page reads it.
    record = json.loads(artifacts.job_path(store, summary["score_job"]).read_text())
    assert record["kind"] == "factory.score" and record["status"] == "done"
    assert record["result"]["summary"] == summary["summary"] and summary["summary"]["rows"] == 960
    # IDV(1) enters after sample 160; the first alarm is the 3rd consecutive violation at sample 164, i.e.
    # (164 - 160 + 1) × 3 = 15 min after the fault's introduction, within the book's PCA T² delay (21 min,
    # Chiang, Russell & Braatz 2000, Table 8.5).
    assert summary["first_alarm"]["start_index"] == 164
    assert summary["detection_delay_min"] == 15.0
    assert summary["false_alarms_before_fault"] == 0


def test_optimize_step_ingests_a_twin_cell_and_keeps_a_campaign(store_dir: Path) -> None:
    pytest.importorskip("pybamm")
    from gwangyang.optimize import service as optimize

    store = Store(store_dir)
    out = demo.optimize_step(store)
    assert out["twin"]["cell_id"] in set(store.cells()["cell_id"])
    assert len(out["twin"]["cycles"]) == 2
    assert out["replay"]["protocols"] == 224 and out["replay"]["round_0_tested"] == 48
    # After one random round of 48 on the oracle the recommendation is already in the top quarter.
    assert 1 <= out["replay"]["recommended_rank"] <= 56
    # The campaign is kept in the store: the Optimize page lists it with its 48 observations.
    (campaign,) = optimize.campaigns(store)
    assert campaign["name"] == demo.CAMPAIGN_NAME and len(campaign["values"]) == 48


@pytest.mark.slow
def test_the_demo_fills_every_page(tmp_path: Path) -> None:
    """``gwangyang demo``: every page shows the demo's results, the Optimize page its campaign (slow: ~2-5 min)."""
    pytest.importorskip("pybamm")
    from fastapi.testclient import TestClient

    from gwangyang.api import create_app

    summary = demo.run_demo(tmp_path / "demo")
    store = Store(tmp_path / "demo")
    demo.record_steps(store, summary)
    # the Maccor diagnostic sample: its lossy ageing cycles (Amp-hr out over in: 1.839 / 2.583 and
    # 1.746 / 2.422 Ah) show the cell's capacity; the end-of-test cycle (0.52 Ah out after a 0.28 Ah
    # charge cut short) does not
    maccor = next(c for c in summary["battery"]["cells"] if c["vendor"] == "maccor")
    assert maccor["max_discharge_capacity_ah"] == pytest.approx(1.839, rel=5e-3)
    with TestClient(
        create_app(store.root, token="t" * 24), headers={"Authorization": "Bearer " + "t" * 24}
    ) as c:
        empty_marks = {
            "/battery": 'data-testid="no-cells"',
            "/quality": 'data-testid="quality-empty"',
            "/port": 'data-testid="port-empty"',
            "/optimize": 'data-testid="no-campaigns"',
            "/factory": 'data-testid="no-monitors"',
            "/battery#life": 'data-testid="life-empty"',
        }
        for path in (
            "/battery",
            "/quality",
            "/port",
            "/logistics",
            "/logistics/forecast",
            "/factory",
            "/optimize",
        ):
            page = c.get(path)
            assert page.status_code == 200, path
            for mark in (v for k, v in empty_marks.items() if k.split("#")[0] == path):
                assert mark not in page.text, path
        assert demo.CAMPAIGN_NAME in c.get("/optimize").text
        assert c.get("/api/v1/optimize/campaigns").json()[0]["observations"] == 48
        assert c.get("/api/v1/logistics/routes/latest").status_code == 200
        assert c.get("/api/v1/battery/life/models").json()[0]["name"] == "demo"
