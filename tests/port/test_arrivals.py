from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gwangyang.errors import InputError
from gwangyang.port.arrivals import generate_calls
from gwangyang.port.schedule_file import read_schedule
from gwangyang.port.terminal import Scenario, load_scenario


def test_scheduled_calls_follow_the_weekly_frequencies() -> None:
    scenario = load_scenario("gwangyang-today")
    calls = generate_calls(scenario, days=70, seed=0)
    counts = {s.name: sum(c.service == s.name for c in calls) for s in scenario.arrivals.services}
    # 10 weeks x calls per week, exactly (one regular headway per service, random phase).
    for service in scenario.arrivals.services:
        assert counts[service.name] == pytest.approx(10 * service.calls_per_week, abs=1)
    arrivals = [c.arrival_h for c in calls]
    assert arrivals == sorted(arrivals)
    # Gamma TEU per call: the sample mean of 280 intra-Asia calls is within 3 standard errors of 700.
    teu = np.array([c.teu for c in calls if c.service == "intra-Asia feeder"])
    assert abs(teu.mean() - 700) < 3 * 0.3 * 700 / np.sqrt(len(teu))


def test_poisson_count_matches_rate(tmp_path: Path) -> None:
    d = {
        "name": "p",
        "berths": [{"name": "B", "length_m": 300.0, "transport": "t", "yard": "y"}],
        "cranes": [{"berth": "B"}],
        "transport": [{"name": "t"}],
        "yards": [{"name": "y"}],
        "arrivals": {
            "process": "poisson",
            "services": [{"name": "s", "calls_per_week": 16.8, "teu_per_call": 100.0}],
        },
    }
    calls = generate_calls(Scenario.from_dict(d), days=1000, seed=1)
    # Poisson with mean 0.1/h x 24,000 h = 2,400; standard deviation 49.
    assert abs(len(calls) - 2400) < 3 * 49


def test_schedule_file(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("vessel,arrival_h,teu,length_m\nA,5,320,200\nB,1,160,150\n")
    calls = read_schedule(path, teu_per_move=1.6)
    assert [c.arrival_h for c in calls] == [1.0, 5.0]
    assert [c.moves for c in calls] == [100, 200]
    path.write_text("vessel,arrival_h,teu\nA,5,320\n")
    with pytest.raises(InputError, match="length_m"):
        read_schedule(path, 1.6)
    path.write_text("vessel,arrival_h,teu,length_m\nA,soon,320,200\n")
    with pytest.raises(InputError, match="row 1: arrival_h"):
        read_schedule(path, 1.6)
    with pytest.raises(InputError, match="no such schedule"):
        read_schedule(tmp_path / "none.csv", 1.6)
