"""A terminal planner's own inputs: other sizes, a call list with names and dates, what must be refused.

Each scenario here is generated (the shipped ones never had a vessel longer than a berth or a call
list); the numbers are checked by hand or by a queueing formula.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
    assert plan.loc["한빛호", ["arrival_h", "start_h", "end_h"]].tolist() == pytest.approx([2, 2, 12])
    assert plan.loc["대양호", ["arrival_h", "start_h", "end_h"]].tolist() == pytest.approx([22, 22, 32])
    assert plan.loc["광양 1호", ["arrival_h", "start_h", "end_h"]].tolist() == pytest.approx([27, 32, 42])
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
