from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from gwangyang.cli.main import main
from gwangyang.port.berth_baselines import solve_fcfs
from gwangyang.port.berth_model import BerthInstance, check_plan
from gwangyang.port.compare import replicate
from gwangyang.port.terminal import load_scenario

from .conftest import ISSUE_KPIS

EXAMPLE = Path(__file__).resolve().parents[2] / "src" / "gwangyang" / "port" / "instances" / "qcsp-10.toml"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    code = main(["port", *args])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out)


def test_simulate_json_and_plot(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    plot = tmp_path / "sim.png"
    doc = _run(
        capsys,
        "simulate",
        "--scenario",
        "gwangyang-today",
        "--days",
        "3",
        "--seed",
        "1",
        "--json",
        "--plot",
        str(plot),
    )
    assert set(doc["kpis"]) >= set(ISSUE_KPIS)
    assert plot.read_bytes()[:4] == b"\x89PNG"
    again = _run(capsys, "simulate", "--scenario", "gwangyang-today", "--days", "3", "--seed", "1", "--json")
    assert again["kpis"] == doc["kpis"]


def test_simulate_replications_give_intervals(capsys: pytest.CaptureFixture[str]) -> None:
    doc = _run(capsys, "simulate", "--days", "3", "--replications", "3", "--json")
    ci = doc["confidence_intervals"]["teu"]
    assert ci["ci_low"] <= doc["kpis"]["teu"] <= ci["ci_high"]


def test_compare_json(capsys: pytest.CaptureFixture[str]) -> None:
    doc = _run(
        capsys,
        "compare",
        "gwangyang-today",
        "gwangyang-automated",
        "--days",
        "3",
        "--replications",
        "2",
        "--json",
    )
    assert doc["a"] == "gwangyang-today" and doc["b"] == "gwangyang-automated"
    assert doc["kpis"]["teu"]["diff_mean"] == 0
    # gwangyang-today has no AGVs: its charging share is 0 in every replication, so B - A is B, whose
    # interval is B's own on the logit scale (t quantile from scipy, the automated replications rerun)
    charging = doc["kpis"]["charging_share"]
    b = replicate(load_scenario("gwangyang-automated"), days=3, replications=2)["charging_share"].to_numpy(
        float
    )
    half = stats.t.ppf(0.975, 1) * b.std(ddof=1) / np.sqrt(2)
    centre, step = np.log(b.mean() / (1 - b.mean())), half / (b.mean() * (1 - b.mean()))
    assert charging["a_mean"] == 0 and charging["no_interval"] is None
    assert charging["diff_ci_low"] == pytest.approx(1 / (1 + np.exp(-(centre - step))), rel=1e-9)
    assert charging["diff_ci_high"] == pytest.approx(1 / (1 + np.exp(-(centre + step))), rel=1e-9)
    # the same TEU in both (common random numbers): B - A is 0 in every replication, no interval
    assert doc["kpis"]["teu"]["no_interval"] == "no variation" and doc["kpis"]["teu"]["diff_ci_low"] is None
    assert any(
        w.startswith("no interval for the differences of") and "teu" in w and "common random numbers" in w
        for w in doc["warnings"]
    )
    assert not any("charging_share" in w for w in doc["warnings"])


def test_compare_text_says_why_no_interval(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["compare", "gwangyang-today", "gwangyang-automated", "--days", "2", "--replications", "2"]
    assert main(["port", *args, "--seed", "2"]) == 0
    err = capsys.readouterr().err
    doc = _run(capsys, *args, "--seed", "2", "--json")
    rehandles = doc["kpis"]["yard_rehandles_per_move"]
    # the bounded interval (B's mean stays >= 0), printed as in the document
    assert rehandles["diff_ci_low"] > -rehandles["a_mean"]
    row = next(line for line in err.splitlines() if line.strip().startswith("yard_rehandles_per_move"))
    assert f"{rehandles['diff_ci_low']:.4g}" in row and f"{rehandles['diff_ci_high']:.4g}" in row
    assert "—" in next(line for line in err.splitlines() if line.strip().startswith("charging_share"))
    for warning in doc["warnings"]:
        assert f"warning: {warning}" in " ".join(err.split())


def test_berths_json(capsys: pytest.CaptureFixture[str], shared: Path) -> None:
    path = shared / "logistics" / "berth" / "f200x15-04.txt"
    # Counted work of about 1 s (no clock): the same plan on every run, whatever the load.
    doc = _run(capsys, "berths", str(path), "--budget", "1", "--workers", "1", "--json")
    inst = BerthInstance.from_file(path)
    import pandas as pd

    plan = pd.DataFrame(doc["assignments"])
    assert list(plan.columns) == ["vessel", "berth", "start", "end"]
    assert check_plan(inst, plan) == []
    assert doc["lower_bound"] <= doc["objective"] < doc["fcfs_objective"] == solve_fcfs(inst).objective
    # The budget is SearchBudget.like_seconds(1) (work per CPU second in berth_budget.RATES), all
    # done; CP-SAT's 0.15 s share is below its 2.4 s of presolve, so it gets no work and says so.
    assert doc["budget"] == {
        "lagrangian_steps": 130,
        "cpsat_work": 0.0,
        "anneal_moves": 35_000,
        "side_moves": 63_000,
        "lns_rounds": 0,
        "lns_round_work": 0.5,
    }
    assert (doc["work"]["anneal_moves"], doc["work"]["side_moves"]) == (35_000, 63_000)
    assert doc["cpsat_bound"] is None and any("budget of 0 work units" in w for w in doc["warnings"])


def test_cranes_json(capsys: pytest.CaptureFixture[str]) -> None:
    doc = _run(capsys, "cranes", str(EXAMPLE), "--budget", "1", "--workers", "1", "--json")
    assert doc["status"] == "OPTIMAL" and doc["makespan"] == doc["lower_bound"]
    assert doc["budget"] == 1.0 and 0 < doc["work"] <= 1.0
    assert len(doc["schedule"]) == 10


def test_bad_inputs_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("2 1\n0 x\n")
    assert main(["port", "berths", str(bad), "--json"]) == 2
    assert main(["port", "berths", str(bad), "--budget", "-1", "--json"]) == 2
    assert main(["port", "cranes", str(tmp_path / "none.toml"), "--json"]) == 2
    assert main(["port", "cranes", str(EXAMPLE), "--budget", "0", "--json"]) == 2
    assert main(["port", "simulate", "--scenario", "atlantis", "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "budget: expected seconds > 0, got -1" in captured.err
    assert "budget: expected CP-SAT deterministic seconds > 0, got 0.0" in captured.err
    assert "atlantis" in captured.err
