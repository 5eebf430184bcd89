"""Gate appointments feed the haulage routing: every routed import pickup falls in its granted slot.

The port twin (gwangyang-today with an appointment system at the gate) books its own trucks of a day;
the haulier's import pickups then ask for the hour their windows in haulage.toml open and get the
earliest hour with a slot left. The haulage problem reads the granted windows from the CSV. Checks
re-read the CSV and the TOML with ``csv``/``tomllib`` and recount the slots independently.
"""

from __future__ import annotations

import csv
import dataclasses
import tomllib
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from gwangyang.errors import InputError
from gwangyang.logistics.problem import RoutingProblem
from gwangyang.logistics.solver import PyVRPSolver
from gwangyang.port.appointments import appointment_arrivals, book, book_haulier, write_appointments
from gwangyang.port.simulation import simulate
from gwangyang.port.terminal import load_scenario

HAULAGE = (
    Path(__file__).resolve().parents[2] / "src" / "gwangyang" / "logistics" / "scenarios" / "haulage.toml"
)

SLOTS = 85
"""Slots per hour: above gwangyang-today's mean of about 74 gate trucks an hour, so that busy
hours fill and some requests move to a later hour."""


def minutes(text: str) -> float:
    hours, mins = text.split(":")
    return int(hours) * 60 + int(mins)


def _toml_value(value: object) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return repr(value)


def _write_toml(data: dict, path: Path) -> None:
    """A minimal TOML writer for the haulage file's shape (tables and arrays of flat tables)."""
    lines = [f"{k} = {_toml_value(v)}" for k, v in data.items() if not isinstance(v, dict | list)]
    for key, value in data.items():
        if isinstance(value, dict):
            lines += [f"[{key}]", *(f"{k} = {_toml_value(v)}" for k, v in value.items())]
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for item in value:
                lines += [f"[[{key}]]", *(f"{k} = {_toml_value(v)}" for k, v in item.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_booking_takes_the_earliest_hour_with_a_slot_left() -> None:
    # Two slots an hour: the third request of hour 7 goes to 8, and so on (by hand).
    slots = book(np.array([7.1, 7.5, 7.9, 8.2, 8.3, 2.0]), 2)
    assert slots.tolist() == [7, 7, 8, 8, 9, 2]
    taken = {5: 2}
    assert book(np.array([5.5]), 2, taken).tolist() == [6]
    with pytest.raises(InputError, match="appointments_per_hour"):
        book(np.array([1.0]), 0)


def test_appointments_cap_every_hour_at_the_gate() -> None:
    rng = np.random.default_rng(0)
    desired = np.sort(rng.uniform(0, 48, 500))
    arrivals, delays = appointment_arrivals(desired, 12, rng)
    per_hour = Counter(np.floor(arrivals).astype(int).tolist())
    assert max(per_hour.values()) <= 12
    assert (delays >= 0).all() and delays.max() >= 1
    assert len(arrivals) == 500 and np.all(np.diff(arrivals) >= 0)


def test_routed_pickups_fall_in_their_gate_appointments(tmp_path: Path) -> None:
    raw = tomllib.loads(HAULAGE.read_text(encoding="utf-8"))
    port = load_scenario("gwangyang-today")
    port = dataclasses.replace(port, gate=dataclasses.replace(port.gate, appointments_per_hour=SLOTS))
    run = simulate(port, days=4, seed=0)
    assert run.kpis["gate_appointment_delay_h"] > 0
    day = 2
    imports = [s for s in raw["shipments"] if s.get("cargo") == "import"]
    requests = [(s["id"], minutes(s["pickup_window"][0]) / 60) for s in imports]
    granted = book_haulier(requests, SLOTS, run.gate_desired_h, day)
    moved = [a for a in granted if a.start_h > np.floor(a.desired_h)]
    assert moved, "no request was moved: the test would not show the windows come from the gate"
    write_appointments(granted, tmp_path / "appointments.csv")

    # Independent recount: the terminal's own trucks of the day plus the haulier's in each hour.
    own = run.gate_desired_h
    own = np.sort(own[(own >= 24 * day) & (own < 24 * (day + 1))]) - 24 * day
    counts = Counter(book(own, SLOTS).tolist())
    for a in granted:
        counts[int(a.start_h)] += 1
        assert a.start_h >= np.floor(a.desired_h) and a.end_h == a.start_h + 1
    assert max(counts.values()) <= SLOTS

    slot = {a.id: a for a in granted}
    for s in imports:
        del s["pickup_window"]
        s["appointment"] = s["id"]
        # A box fetched later reaches the plant later: its receiving window closes as much later.
        late = slot[s["id"]].start_h - np.floor(slot[s["id"]].desired_h)
        closes = min(minutes(s["delivery_window"][1]) + 60 * late, 23 * 60 + 59)
        s["delivery_window"][1] = f"{int(closes) // 60:02d}:{int(closes) % 60:02d}"
    raw["appointments"] = {"file": "appointments.csv"}
    _write_toml(raw, tmp_path / "haulage.toml")
    instance = RoutingProblem.from_file(tmp_path / "haulage.toml").to_instance()
    doc = PyVRPSolver(workers=1, max_iterations=3000).solve(instance, time_limit=600.0).to_dict()
    assert doc["feasible"]

    with (tmp_path / "appointments.csv").open(encoding="utf-8") as f:
        window = {row["id"]: (minutes(row["start"]), minutes(row["end"])) for row in csv.DictReader(f)}
    served = set()
    for route in doc["route_details"]:
        for stop in route["stops"]:
            box, end = stop["order"].split("/")
            if end == "pickup" and box in window:
                opens, closes = window[box]
                assert opens - 1e-6 <= stop["start"] <= closes + 1e-6
                served.add(box)
    unserved = {str(u).split("/")[0] for u in doc["unserved"]}
    assert served | (unserved & set(window)) == set(window)
    assert len(served) >= len(window) - len(unserved)


def test_bad_appointments_are_refused(tmp_path: Path) -> None:
    raw = tomllib.loads(HAULAGE.read_text(encoding="utf-8"))
    first = next(s for s in raw["shipments"] if s.get("cargo") == "import")
    first["appointment"] = "A1"
    raw["appointments"] = {"file": "appointments.csv"}
    (tmp_path / "appointments.csv").write_text("id,start,end\nA2,07:00,08:00\n", encoding="utf-8")
    _write_toml(raw, tmp_path / "h.toml")
    with pytest.raises(InputError, match="both appointment and pickup_window"):
        RoutingProblem.from_file(tmp_path / "h.toml")
    del first["pickup_window"]
    _write_toml(raw, tmp_path / "h.toml")
    with pytest.raises(InputError, match="'A1' is not in the"):
        RoutingProblem.from_file(tmp_path / "h.toml")
    (tmp_path / "appointments.csv").unlink()
    with pytest.raises(InputError, match=r"appointments\.file"):
        RoutingProblem.from_file(tmp_path / "h.toml")
