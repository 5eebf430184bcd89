"""A terminal planner's own inputs: other sizes, a call list with names and dates, what must be refused.

Each scenario here is generated (the shipped ones never had a vessel longer than a berth or a call
list); the numbers are checked by hand or by a queueing formula.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from gwangyang.errors import InputError
from gwangyang.port.arrivals import generate_calls
from gwangyang.port.schedule_file import read_schedule
from gwangyang.port.simulation import simulate
from gwangyang.port.terminal import Scenario

from .conftest import mmc_dict


def _file_scenario(tmp_path: Path, csv: str, **berth: Any) -> Scenario:
    """One berth (300 m, one crane at 25 moves/h, deterministic), calls from ``csv``."""
    (tmp_path / "calls.csv").write_text(csv, encoding="utf-8")
    d = mmc_dict(c=1)
    d["berths"][0].update(length_m=300.0, **berth)
    d["cranes"][0].update(moves_per_hour=25.0)
    d["chunk_moves"] = 20
    d["arrivals"] = {"process": "file", "schedule": "calls.csv"}
    d["base_dir"] = str(tmp_path)
    return Scenario.from_dict(d)


def _times(plan: pd.DataFrame, name: str, *columns: str) -> list[float]:
    """The given columns of the vessel named ``name`` in a berth plan indexed by name."""
    return [float(v) for v in plan.loc[name, list(columns)].to_numpy(float)]


def test_a_service_longer_than_every_berth_is_refused() -> None:
    # Before: its vessels waited for ever and the run reported 0 calls, 0 h wait, no warning.
    d = mmc_dict(c=2)
    d["arrivals"]["services"][0]["length_m"] = 450.0
    with pytest.raises(
        InputError, match=r"arrivals.services\[0\].length_m: 450 m is longer than every berth"
    ):
        Scenario.from_dict(d)
    # Only the berths it may use count: B1 is long enough but not allowed.
    d = mmc_dict(c=2)
    d["berths"][1]["length_m"] = 500.0
    d["arrivals"]["services"][0].update(length_m=450.0, berths=["B0"])
    with pytest.raises(InputError, match="longest 400 m"):
        Scenario.from_dict(d)
    d["arrivals"]["services"][0]["berths"] = ["B1"]
    assert Scenario.from_dict(d).arrivals.services[0].berths == ("B1",)


def test_a_listed_vessel_longer_than_every_berth_is_refused(tmp_path: Path) -> None:
    scenario = _file_scenario(tmp_path, "vessel,arrival_h,teu,length_m\n한빛호,1,160,200\n대양호,2,160,366\n")
    with pytest.raises(InputError, match=r"calls.csv: row 2: length_m: vessel '대양호' is 366 m"):
        generate_calls(scenario, days=1)


def test_korean_names_and_dates_with_offsets_run_end_to_end(tmp_path: Path) -> None:
    # Three calls on one berth, 25 moves/h: 400 TEU = 250 moves = 10 h each. Hand schedule from
    # midnight 7 December (+09:00): 한빛호 at 02:00 works 02-12; 대양호 at 13:00 UTC = 22:00 KST works
    # 22-08; 광양 1호 (Korean form, 오전 3:00 on the 8th = 27 h) waits until 32 h, works 32-42.
    csv = (
        "vessel,arrival,teu,length_m,service\n"
        "한빛호,2026-12-07T02:00+09:00,400,200,동남아\n"
        "대양호,2026-12-07T13:00Z,400,250,\n"
        "광양 1호,2026-12-08T03:00+09:00,400,250,동남아\n"
    )
    scenario = _file_scenario(tmp_path, csv)
    result = simulate(scenario, days=2, seed=0)
    plan = result.gantt().set_index("name")
    assert _times(plan, "한빛호", "arrival_h", "start_h", "end_h") == pytest.approx([2, 2, 12])
    assert _times(plan, "대양호", "arrival_h", "start_h", "end_h") == pytest.approx([22, 22, 32])
    assert _times(plan, "광양 1호", "arrival_h", "start_h", "end_h") == pytest.approx([27, 32, 42])
    assert plan.loc["대양호", "service"] == "schedule"
    assert result.kpis["mean_wait_h"] == pytest.approx(5 / 3)
    assert result.to_dict()["gantt"][0]["name"] == "한빛호"


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("2026년 12월 7일 14시 30분", 14.5),
        ("2026. 12. 7. 오후 2:30", 14.5),
        ("2026. 12. 7. 오전 12:15", 0.25),
        ("2026-12-07 14:30", 14.5),
    ],
)
def test_korean_date_forms(tmp_path: Path, text: str, hours: float) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        f"vessel,arrival,teu,length_m\nA,2026-12-07 00:00,16,100\nB,{text},16,100\n", encoding="utf-8"
    )
    calls = read_schedule(path, 1.6)
    assert [c.arrival_h for c in calls] == pytest.approx([0.0, hours])


@pytest.mark.parametrize(
    ("csv", "message"),
    [
        (
            "vessel,arrival_h,teu,length_m\nA,1,16,100\nA,2,16,100\n",
            "row 2: vessel 'A' is listed twice (also row 1)",
        ),
        ("vessel,arrival_h,teu,length_m,draft_m\nA,1,16,100,12\n", "column 'draft_m' is not known"),
        ("vessel,arrival_h,arrival,teu,length_m\nA,1,x,16,100\n", "got both"),
        ("vessel,teu,length_m\nA,16,100\n", "got neither"),
        ("vessel,arrival,teu,length_m\nA,7/12/2026 10:00,16,100\n", "row 1: arrival: expected a date"),
        (
            "vessel,arrival,teu,length_m\nA,2026-12-07T10:00+09:00,16,100\nB,2026-12-07 11:00,16,100\n",
            "row 2: arrival: '2026-12-07 11:00' has no UTC offset",
        ),
        (
            "vessel,arrival_h,teu,length_m,max_cranes\nA,1,16,100,two\n",
            "row 1: max_cranes must be a whole number",
        ),
        ("vessel,arrival_h,teu,length_m\n,1,16,100\n", "row 1: vessel: expected a name"),
        ("vessel,arrival_h,teu,length_m\nA,1,16,0\n", "row 1: length_m must be a number > 0"),
    ],
)
def test_call_list_refusals(tmp_path: Path, csv: str, message: str) -> None:
    path = tmp_path / "c.csv"
    path.write_text(csv, encoding="utf-8")
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_schedule(path, 1.6)


def test_an_overloaded_terminal_says_it_is_not_in_steady_state() -> None:
    # M/M/1 with lambda 0.15/h and 10 h handling: rho = 1.5. Before: mean wait 1,444 h over 200 days,
    # no warning (the figure grows with the run's length).
    scenario = Scenario.from_dict(mmc_dict(c=1, lam_per_h=0.15))
    result = simulate(scenario, days=100, seed=1)
    assert result.load["offered_load"] == pytest.approx(1.5)
    assert result.warnings[0].startswith("not in steady state: the offered load of the berths is 1.50")
    assert result.to_dict()["load"]["offered_load"] == pytest.approx(1.5)
    # Fluid limit: the backlog at the horizon (arrived, not yet berthed) is about (lambda - mu) H =
    # 0.05 x 2,400 = 120, with standard deviation sqrt((lambda + mu) H) = 24.5.
    vessels = result.vessels
    backlog = int(((vessels["arrival_h"] < 2400) & (vessels["start_h"] >= 2400)).sum())
    assert abs(backlog - 120) < 4 * 24.5


def test_a_stable_terminal_has_its_load_as_berth_occupancy() -> None:
    # M/M/2 at rho = 0.14 x 10 / 2 = 0.7: no warning; occupancy (busy berth-hours / berth-hours) near rho.
    result = simulate(Scenario.from_dict(mmc_dict(c=2, lam_per_h=0.14)), days=400, seed=2)
    assert result.load["offered_load"] == pytest.approx(0.7)
    assert not any("steady state: the offered load" in w for w in result.warnings)
    # Occupancy is the run's handling hours over 2 x the horizon: compound Poisson with E[S^2] = 2 E[S]^2, so
    # its relative standard error is sqrt(2 / n), 3.9 % for n ~ 1,340 calls; the 8 % it was held to was 2 of
    # them.
    n = len(result.vessels)
    assert abs(result.kpis["berth_occupancy"] - 0.7) <= 3 * 0.7 * (2 / n) ** 0.5


def test_offered_load_counts_open_hours_weather_breakdowns_and_the_crane_cap(tmp_path: Path) -> None:
    # Two berths: A (300 m, 3 cranes at 30/h, MTBF 18 h, repair 2 h: 27/h each), B (200 m, 1 crane at
    # 20/h). max_cranes 2 (policy max_per_vessel): A works a call at 54 moves/h, B at 20.
    d = mmc_dict(c=2)
    d["berths"][0].update(length_m=300.0, open_from_h=6.0, open_to_h=22.0)
    d["berths"][1].update(length_m=200.0)
    d["cranes"] = [
        {"berth": "B0", "count": 3, "moves_per_hour": 30.0, "mtbf_h": 18.0, "repair_h": 2.0},
        {"berth": "B1", "count": 1, "moves_per_hour": 20.0},
    ]
    d["policies"] = {"cranes": "max_per_vessel"}
    d["weather"] = {"downtime_fraction": 0.1}
    d["arrivals"] = {"process": "file", "schedule": "calls.csv"}
    d["base_dir"] = str(tmp_path)
    # 250 m: only A (540 moves / 54 = 10 h); 150 m: A fits best (108 / 54 = 2 h); 48 h horizon.
    (tmp_path / "calls.csv").write_text(
        "vessel,arrival_h,teu,length_m,max_cranes\nX,1,864,250,2\nY,5,172.8,150,2\nZ,50,1600,150,2\n"
    )
    from gwangyang.port.offered_load import scenario_load

    load = scenario_load(Scenario.from_dict(d), days=2)
    # Capacity: (16/24 + 1) berths open x 0.9 = 1.5 berth-hours per hour; work (10 + 2) / 48 h.
    assert load["capacity_h_per_h"] == pytest.approx(1.5)
    assert load["work_h_per_h"] == pytest.approx(12 / 48)
    assert load["offered_load"] == pytest.approx(12 / 48 / 1.5)


def test_compare_names_the_overloaded_scenario() -> None:
    from gwangyang.port.compare import compare

    a = Scenario.from_dict(mmc_dict(c=2, lam_per_h=0.1))
    b_dict = mmc_dict(c=1, lam_per_h=0.1)
    b_dict["name"] = "하나뿐인 선석"
    b = Scenario.from_dict(b_dict)
    warnings = compare(a, b, days=20, replications=2).warnings()
    assert [w.split(":")[0] for w in warnings if "offered load" in w] == ["하나뿐인 선석"]
    assert "offered load of the berths is 1.00" in next(w for w in warnings if "offered load" in w)


def test_a_horizon_without_vessels_says_so() -> None:
    # One call a day on average, a run of 0.01 day (14.4 min): no vessel arrives (seed 0). Before: every
    # vessel KPI 0 and every steady state a bare NaN, with no warning at all.
    scenario = Scenario.from_dict(mmc_dict(c=1, lam_per_h=1 / 24))
    result = simulate(scenario, days=0.01, seed=0)
    assert result.kpis["vessel_calls"] == 0
    assert result.warnings[0] == (
        "no vessel arrived in the run's 0.01 days (the services bring 0.01 on average): the vessel KPIs "
        "are 0 for want of vessels, not measured; run longer"
    )
    # No batch at all: the steady states say why (5 daily batches of two days: 10 days).
    assert result.steady_state["mean_wait_h"].no_interval == "few batches"
    assert any(w.endswith("run at least 10 days") for w in result.warnings)


KOREAN_TERMINAL = """name = "작은 터미널"
[[berths]]
name = "선석-1"
length_m = 300.0
transport = "트럭"
yard = "야드"
[[cranes]]
berth = "선석-1"
moves_per_hour = 25.0
cycle_cv = 0.0
[[transport]]
name = "트럭"
count = 0
[[yards]]
name = "야드"
[arrivals]
process = "scheduled"
[[arrivals.services]]
name = "근해"
calls_per_week = 7.0
teu_per_call = 400.0
teu_cv = 0.0
"""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # Before: "transport 트럭: count 3 is less than per_crane 4", at run time, naming neither file nor key.
        (
            ("count = 0", "count = 3"),
            "t.toml: transport[0].count: 3 vehicles are fewer than one gang of per_crane = 4",
        ),
        (('name = "야드"', 'name = "야드"\ncranes = 1'), "t.toml: yards[0].cranes: 1 yard cranes are fewer"),
        (
            ("moves_per_hour = 25.0", 'moves_per_hour = "25 moves/h"'),
            "cranes[0].moves_per_hour: expected a number",
        ),
        (("teu_cv = 0.0", "teu_cv = 0.0\nlength_ft = 900"), "arrivals.services[0].length_ft: unknown field"),
        (("[arrivals]", "[arrival]"), "t.toml: arrival: unknown field"),
        (('process = "scheduled"', 'process = "weekly"'), "process: must be scheduled, poisson or file"),
    ],
)
def test_korean_terminal_toml_refusals_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: tuple[str, str], message: str
) -> None:
    from gwangyang.cli.main import main

    path = tmp_path / "t.toml"
    path.write_text(KOREAN_TERMINAL.replace(*change), encoding="utf-8")
    assert main(["port", "simulate", "--scenario", str(path), "--days", "2", "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err
    assert len(captured.err.strip().splitlines()) == 1


def test_korean_terminal_runs_by_hand(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # One berth, one crane at 25/h, one call a day of 400 TEU = 250 moves = 10 h: never a wait;
    # occupancy = 10/24 of the time the calls of the run take (from the first arrival's phase), the
    # offered load 10/24 exactly, and four trucks at 20 km/h over 500 m with 1 min handling never slow it
    # (4 x 60 / (2 x 0.5 / 20 x 60 + 1) = 60 moves/h > 25).
    from gwangyang.cli.main import main

    path = tmp_path / "t.toml"
    path.write_text(KOREAN_TERMINAL.replace("count = 0", "count = 4"), encoding="utf-8")
    assert main(["port", "simulate", "--scenario", str(path), "--days", "20", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["scenario"] == "작은 터미널"
    assert document["kpis"]["vessel_calls"] == 20
    assert document["kpis"]["mean_wait_h"] == 0
    assert document["kpis"]["mean_service_h"] == pytest.approx(10.0)
    assert document["load"]["offered_load"] == pytest.approx(10 / 24)
    assert {row["berth"] for row in document["berth_plan"]} == {"선석-1"}


def test_one_crane_schedule_is_the_brute_force_optimum() -> None:
    # One crane from bay 2 (ready at 3), travel 2 per bay; the makespan of an order is the ready time,
    # the tasks' times and the travel between their bays (a crane alone never waits otherwise); task 4
    # must follow task 1. Brute force over the 5! orders that respect it.
    from itertools import permutations

    from gwangyang.port.crane_model import CraneInstance
    from gwangyang.port.cranes import solve_cranes

    bays = [1, 7, 4, 2, 6]
    times = [10, 20, 5, 8, 3]
    data: dict[str, Any] = {
        "name": "한 대 크레인",
        "bays": 8,
        "travel_time": 2,
        "cranes": [{"initial_bay": 2, "ready_time": 3}],
        "tasks": [{"bay": b, "time": t} for b, t in zip(bays, times, strict=True)],
    }
    data["tasks"][4]["after"] = [1]
    best = min(
        3
        + sum(times)
        + 2
        * sum(
            abs(a - b) for a, b in zip([2, *[bays[i] for i in order]], [bays[i] for i in order], strict=False)
        )
        for order in permutations(range(5))
        if order.index(1) < order.index(4)
    )
    schedule = solve_cranes(CraneInstance.from_dict(data, "한 대.toml"), budget=1.0)
    assert schedule.status == "OPTIMAL"
    # By hand: bays 2 -> 1 -> 2 -> 4 -> 7 -> 6 (tasks 0, 3, 2, 1, 4): 3 + 46 + 2 x (1 + 1 + 2 + 3 + 1) = 65.
    assert best == 65
    assert schedule.makespan == 65


@pytest.mark.parametrize(
    ("cranes", "message"),
    [
        # Before: scheduled as if crane 0 (bay 6) and crane 1 (bay 1) could pass each other: makespan 25.
        ([{"initial_bay": 6}, {"initial_bay": 1}], r"크레인.toml: cranes\[1\].initial_bay: must be >= 8"),
        (
            [{"initial_bay": 3}, {"initial_bay": 4}],
            r"cranes\[1\].initial_bay: must be >= 5 .*cranes\[0\] is at bay 3",
        ),
        (
            [{"initial_bay": 1, "ready_time": -5}],
            r"크레인.toml: cranes\[0\].ready_time: must be >= 0, got -5",
        ),
    ],
)
def test_crane_instance_refusals_name_the_file(cranes: list[dict[str, int]], message: str) -> None:
    from gwangyang.port.crane_model import CraneInstance

    data = {
        "name": "부두",
        "bays": 6,
        "cranes": cranes,
        "tasks": [{"bay": 1, "time": 10}, {"bay": 6, "time": 20}],
    }
    with pytest.raises(InputError, match=message):
        CraneInstance.from_dict(data, "크레인.toml")


def test_manual_and_automated_terminal_of_another_size_by_arrival_work() -> None:
    # Five berths, two cranes each (tests/port/terminal_sizes.py), 200 days, seed 3. The KPIs against
    # what the run's own calls bring (independent of the simulated times):
    from .terminal_sizes import BERTHS, CRANES_PER_BERTH, TRUCK_CYCLE_H, TRUCKS, terminal

    manual = simulate(Scenario.from_dict(terminal(False)), days=200, seed=3)
    automated = simulate(Scenario.from_dict(terminal(True)), days=200, seed=3)
    # Common random numbers: the same calls in both.
    assert manual.vessels["moves"].sum() == automated.vessels["moves"].sum()
    moves = float(manual.vessels["moves"].sum())
    for result, rate in ((manual, 26.0), (automated, 30.0)):
        end = max(200 * 24.0, float(result.vessels["end_h"].max()))
        # Berth occupancy = arrival work (berth-hours at two cranes' rate) / capacity (berths x time),
        # the automated cranes slowed by their share of time waiting for AGVs.
        work = moves / (CRANES_PER_BERTH * rate) / (BERTHS * end)
        slowed = work / (1.0 - result.kpis["qc_vehicle_wait_share"])
        assert result.kpis["berth_occupancy"] == pytest.approx(slowed, rel=0.02)
        # Offered load (expected traffic): 14 calls a week x 1,000 moves / (2 x rate) / 5 berths.
        assert result.load["offered_load"] == pytest.approx(14 / 168 * 1000 / (2 * rate) / 5)
    end = max(200 * 24.0, float(manual.vessels["end_h"].max()))
    # Trucks: every move holds a truck for one round trip; 50 trucks over the run.
    assert manual.kpis["vehicle_utilization"] == pytest.approx(
        moves * TRUCK_CYCLE_H / (TRUCKS * end), rel=1e-9
    )
    # Yard cranes: one move each at 20/h, 20 cranes.
    assert manual.kpis["yard_crane_utilization"] == pytest.approx(moves / 20.0 / (20 * end), rel=1e-9)
    # Trucks never hold the manual cranes up (a gang of 5 does 77 moves/h > 26): cranes at their rate.
    assert manual.kpis["qc_net_moves_per_hour"] == pytest.approx(26.0, rel=0.01)
    assert manual.kpis["qc_vehicle_wait_share"] == 0
    # Automated cranes lose their wait share to the AGVs, no more.
    share = automated.kpis["qc_vehicle_wait_share"]
    assert 0 < share < 0.15
    assert automated.kpis["qc_moves_per_hour"] == pytest.approx(30.0 * (1 - share), rel=0.02)
    assert automated.kpis["mean_service_h"] < manual.kpis["mean_service_h"]


def test_a_night_shift_across_midnight(tmp_path: Path) -> None:
    # One berth open 22:00-06:00 (8 h a night; refused before: "need 0 <= from < to <= 24"), one crane at
    # 25 moves/h. By hand: A (hour 0, 250 moves = 10 h) works 0-6 and 22-26; B (hour 12, 100 moves = 4 h)
    # waits for A, gets the berth at 26 and works 26-30.
    csv = "vessel,arrival_h,teu,length_m\nA,0,400,200\nB,12,160,200\n"
    scenario = _file_scenario(tmp_path, csv, open_from_h=22.0, open_to_h=6.0)
    plan = simulate(scenario, days=2, seed=0).gantt().set_index("name")
    assert _times(plan, "A", "start_h", "end_h") == pytest.approx([0, 26])
    assert _times(plan, "B", "start_h", "end_h") == pytest.approx([26, 30])
    from gwangyang.port.offered_load import offered_load

    # 8 open hours a day: capacity 1/3 berth-hour per hour; work 14 h in 48 h.
    load = offered_load(scenario, generate_calls(scenario, days=2), 48.0)
    assert load["capacity_h_per_h"] == pytest.approx(1 / 3)
    assert load["offered_load"] == pytest.approx(14 / 48 * 3)
    d = mmc_dict(c=1)
    d["berths"][0].update(open_from_h=6.0, open_to_h=6.0)
    with pytest.raises(InputError, match="from != to"):
        Scenario.from_dict(d)


@pytest.mark.parametrize(
    ("arrivals", "message"),
    [
        # Each was read and ignored before.
        (
            {
                "process": "poisson",
                "schedule": "calls.csv",
                "services": [{"name": "s", "calls_per_week": 1.0, "teu_per_call": 100.0}],
            },
            "arrivals.schedule: only read with process = 'file' (process is 'poisson')",
        ),
        (
            {
                "process": "file",
                "schedule": "calls.csv",
                "services": [{"name": "s", "calls_per_week": 1.0, "teu_per_call": 100.0}],
            },
            "arrivals.services: not used with process = 'file'",
        ),
        (
            {
                "process": "poisson",
                "services": [{"name": "s", "calls_per_week": 1.0, "teu_per_call": 100.0, "eta_noise_h": 6.0}],
            },
            "arrivals.services[0].eta_noise_h: only used with process = 'scheduled'",
        ),
    ],
)
def test_settings_the_arrival_process_would_not_read_are_refused(
    arrivals: dict[str, Any], message: str
) -> None:
    d = mmc_dict(c=1)
    d["arrivals"] = arrivals
    with pytest.raises(InputError, match=re.escape(message)):
        Scenario.from_dict(d)


def test_an_automation_pool_that_does_not_exist_is_refused() -> None:
    d = mmc_dict(c=1)
    d["automation"] = {"transport": "무인운반차"}
    with pytest.raises(InputError, match=r"automation\.transport: '무인운반차' is not a transport pool"):
        Scenario.from_dict(d)


def test_a_call_list_saved_by_korean_excel_in_cp949(tmp_path: Path) -> None:
    # Before: "not a readable CSV (UnicodeDecodeError)".
    path = tmp_path / "c.csv"
    text = "vessel,arrival,teu,length_m,service\n한빛호,2026년 12월 7일 14시 30분,320,200,동남아\n"
    path.write_bytes(text.encode("cp949"))
    calls = read_schedule(path, 1.6)
    assert [(c.name, c.service, c.arrival_h, c.moves) for c in calls] == [("한빛호", "동남아", 14.5, 200)]
    path.write_bytes(b"vessel,arrival_h,teu,length_m\n\xff\xfe,1,16,100\n")
    with pytest.raises(InputError, match="not UTF-8 or CP949 text"):
        read_schedule(path, 1.6)


def test_hangul_names_match_composed_or_decomposed() -> None:
    # "선석" pasted from a macOS file name is decomposed (NFD: 6 jamo) and looked the same as the
    # composed berth name but was refused: "cranes[0].berth: '선석' is not a berth (known: 선석)".
    import unicodedata

    d = mmc_dict(c=1)
    d["berths"][0]["name"] = "선석"
    d["cranes"][0]["berth"] = unicodedata.normalize("NFD", "선석")
    assert len(d["cranes"][0]["berth"]) == 6
    scenario = Scenario.from_dict(d)
    assert scenario.cranes[0].berth == scenario.berths[0].name == "선석"


def test_a_berth_instance_with_a_comment_line_says_what_it_found(tmp_path: Path) -> None:
    # The DBAP format has no comments; the refusal now shows what stood where the counts belong.
    from gwangyang.port.berth_model import BerthInstance

    path = tmp_path / "b.txt"
    path.write_text("# 선석 배정\n1\n1\n5\n0\n7\n100\n100\n", encoding="utf-8")
    with pytest.raises(
        InputError, match=r"the first two numbers must be the vessel and berth counts .* got '# 선석'"
    ):
        BerthInstance.from_file(path)
    # One vessel, one berth, by hand: arrives 5, handling 7, total service time 7.
    path.write_text("1\n1\n5\n0\n7\n100\n100\n", encoding="utf-8")
    from gwangyang.port.berth_baselines import solve_fcfs

    assert solve_fcfs(BerthInstance.from_file(path)).objective == 7


def test_the_agv_model_needs_agvs() -> None:
    # Before: "agvs: must be >= 1, got 0" once the run started, naming neither file nor key.
    from .terminal_sizes import terminal

    d = terminal(True)
    d["transport"][0]["count"] = 0
    with pytest.raises(
        InputError, match=r"gen.toml: transport\[0\].count: the AGV pool of the move-level model"
    ):
        Scenario.from_dict(d, "gen.toml")
    d = terminal(True)
    d["transport"][0]["kind"] = "truck"
    del d["automation"]["transport"]
    with pytest.raises(InputError, match="'agv' needs a transport pool of kind agv or lift-agv"):
        Scenario.from_dict(d, "gen.toml")


def test_calls_after_the_horizon_are_reported_not_dropped(tmp_path: Path) -> None:
    # Before: a 1-day run of a list of three calls (hours 2, 30, 50) used the first and said nothing.
    csv = "vessel,arrival_h,teu,length_m\n한빛호,2,160,200\n대양호,30,160,200\n광양호,50,160,200\n"
    scenario = _file_scenario(tmp_path, csv)
    result = simulate(scenario, days=1, seed=0)
    assert result.kpis["vessel_calls"] == 1
    assert result.warnings[0] == (
        "2 of the call list's 3 calls arrive after the run's 1 days (the first, '대양호', at 30 h) and are "
        "left out; run more than 2.083 days to include them"
    )
    assert not any("call list" in w for w in simulate(scenario, days=3, seed=0).warnings)
