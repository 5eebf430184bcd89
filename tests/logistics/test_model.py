"""The problem file: the shipped scenario loads; every kind of bad input names the field that is wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gwangyang.errors import CorruptFileError, InputError, UnknownFormatError
from gwangyang.logistics.problem import RoutingProblem
from gwangyang.logistics.times import format_time, parse_time

from .test_solver import SCENARIO

GOOD = """
name = "t"
[settings]
dimensions = ["pallets", "tonnes"]
[[sites]]
id = "D"
kind = "depot"
latitude = 34.9
longitude = 127.67
[[sites]]
id = "A"
latitude = 34.93
longitude = 127.74
[[vehicles]]
name = "truck"
count = 2
capacity = [10, 8.0]
start_depot = "D"
shift = ["06:00", "18:00"]
[[orders]]
id = "o1"
site = "A"
quantity = [4, 3.5]
window = ["08:00", "10:00"]
service_min = 20
"""


def write(tmp_path: Path, text: str, name: str = "p.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_scenario_loads() -> None:
    problem = RoutingProblem.from_file(SCENARIO)
    # Counted in scenarios/gwangyang.toml: 13 sites (2 terminals), 3 vehicle types, 32 orders.
    assert len(problem.sites) == 13
    assert sum(s.kind == "depot" for s in problem.sites) == 2
    assert len(problem.vehicles) == 3
    assert len(problem.orders) == 32
    assert problem.settings.approximate_coordinates


def test_good_file_and_json_twin(tmp_path: Path) -> None:
    problem = RoutingProblem.from_file(write(tmp_path, GOOD))
    assert problem.orders[0].window == (480.0, 600.0)
    assert problem.vehicles[0].shift == (360.0, 1080.0)
    assert problem.vehicles[0].end_depot == "D"
    import tomllib

    twin = write(tmp_path, json.dumps(tomllib.loads(GOOD)), "p.json")
    assert RoutingProblem.from_file(twin) == problem


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("service_min = 20", 'service_min = 20\ncolour = "red"', r"orders\[0\]: unknown field 'colour'"),
        (
            "quantity = [4, 3.5]",
            "quantity = [40, 3.5]",
            "order o1: quantity \\[40.0, 3.5\\] exceeds the capacity of every vehicle type",
        ),
        (
            'window = ["08:00", "10:00"]',
            'window = ["10:00", "08:00"]',
            r"orders\[0\].window: window closes \(08:00\) before it opens \(10:00\)",
        ),
        ('site = "A"', 'site = "Z"', "order o1: site 'Z' is not a site of kind 'site'"),
        (
            'start_depot = "D"',
            'start_depot = "A"',
            "vehicle truck: start_depot 'A' is not a site of kind 'depot'",
        ),
        ("quantity = [4, 3.5]", "quantity = [4]", r"orders\[0\].quantity: expected 2 number"),
        ("latitude = 34.93", "latitude = 134.93", "latitude must be within -90..90"),
        ("count = 2", "count = 0", "count must be at least 1"),
        ("count = 2", 'count = "two"', r"vehicles\[0\].count: expected an integer"),
        (
            'window = ["08:00", "10:00"]',
            'window = ["8h", "10:00"]',
            r"orders\[0\].window\[0\]: expected minutes or 'HH:MM'",
        ),
        ('name = "t"', 'name = "t"\nextra = 1', r"p\.toml: unknown field 'extra' \(expected one of"),
        ('id = "o1"\n', "", r"orders\[0\]: missing field 'id'"),
    ],
)
def test_bad_input_names_the_field(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(InputError, match=message) as info:
        RoutingProblem.from_file(path)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(CorruptFileError, match="not valid TOML"):
        RoutingProblem.from_file(write(tmp_path, "name = [unclosed"))
    with pytest.raises(UnknownFormatError, match=r"expected a \.toml or \.json"):
        RoutingProblem.from_file(write(tmp_path, GOOD, "p.yaml"))
    with pytest.raises(InputError, match="file not found"):
        RoutingProblem.from_file(tmp_path / "missing.toml")


def test_times() -> None:
    assert parse_time("07:30", "t") == 450.0
    assert parse_time(90, "t") == 90.0
    assert format_time(1439.6) == "24:00"
    with pytest.raises(InputError, match="0-59"):
        parse_time("07:75", "t")


def test_matrix_files_replace_coordinates(tmp_path: Path) -> None:
    # Road distances (km) and times (min) from CSV files named in [settings], relative to the problem file.
    (tmp_path / "km.csv").write_text("id,D,A\nD,0,12.5\nA,13,0\n")
    (tmp_path / "min.csv").write_text("id,A,D\nA,0,31\nD,29,0\n")
    text = GOOD.replace(
        'dimensions = ["pallets", "tonnes"]',
        'dimensions = ["pallets", "tonnes"]\ndistance_matrix = "km.csv"\nduration_matrix = "min.csv"',
    )
    instance = RoutingProblem.from_file(write(tmp_path, text)).to_instance()
    assert instance.location_names == ["D", "A"]
    assert instance.distance.tolist() == [[0.0, 12.5], [13.0, 0.0]]
    assert instance.duration.tolist() == [[0.0, 29.0], [31.0, 0.0]]
    # Only a distance matrix: times follow from the speed (40 km/h by default): 12.5 km -> 18.75 min.
    only = text.replace('duration_matrix = "min.csv"', "")
    assert RoutingProblem.from_file(write(tmp_path, only)).to_instance().duration[0, 1] == 18.75
    with pytest.raises(InputError, match="matrix has no row or column for site"):
        (tmp_path / "km.csv").write_text("id,D\nD,0\n")
        RoutingProblem.from_file(write(tmp_path, only)).to_instance()
