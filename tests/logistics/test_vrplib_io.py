"""VRPLIB and Solomon readers: sizes and conventions checked against the files, and malformed files rejected."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gwangyang.errors import CorruptFileError, UnknownFormatError
from gwangyang.logistics.vrplib_io import (
    best_known,
    read_instance,
    read_solomon,
    read_vrplib,
    read_vrplib_solution,
)

from .independent import parse_vrp
from .test_solver import BKS_C101, BKS_X_N101_K25, CVRP, VRPTW


def test_vrplib_instance_matches_file() -> None:
    path = CVRP / "X-n101-k25.vrp"
    inst = read_vrplib(path)
    capacity, coords, demand, depot = parse_vrp(path)
    assert inst.num_clients == 100 and inst.num_depots == 1 and depot == 1
    assert inst.vehicles[0].capacity == (capacity,) == (206,)
    assert inst.demand[:, 0].sum() == sum(demand.values())
    assert inst.client_label == list(range(2, 102))  # the file's node numbers; the depot is node 1
    (x1, y1), (x2, y2) = coords[1], coords[2]
    assert inst.distance[0, 1] == int(((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5 + 0.5)


def test_solution_file_and_best_known() -> None:
    routes, cost = read_vrplib_solution(CVRP / "X-n101-k25.sol")
    assert cost == BKS_X_N101_K25
    assert sorted(n for r in routes for n in r) == list(range(1, 101))
    assert best_known(CVRP / "X-n101-k25.vrp") == BKS_X_N101_K25
    assert best_known(VRPTW / "C101.txt") == BKS_C101


def test_solomon_instance_matches_file() -> None:
    inst = read_solomon(VRPTW / "C101.txt")
    # C101 header: 25 vehicles of capacity 200; depot open 0..1236; customer 1 at (45, 68), window 912..967, service 90.
    assert inst.vehicles[0].count == 25 and inst.vehicles[0].capacity == (200.0,)
    assert inst.depot_tw.tolist() == [[0.0, 1236.0]]
    assert (inst.tw_early[0], inst.tw_late[0], inst.service[0]) == (912.0, 967.0, 90.0)
    assert inst.distance[0, 1] == pytest.approx(np.hypot(45 - 40, 68 - 50))
    assert inst.num_clients == 100


def test_read_instance_dispatches(tmp_path: Path) -> None:
    assert read_instance(CVRP / "X-n101-k25.vrp").source == "vrplib"
    assert read_instance(VRPTW / "R101.txt").source == "solomon"
    odd = tmp_path / "x.dat"
    odd.write_text("hello\n")
    with pytest.raises(UnknownFormatError, match="not a problem file"):
        read_instance(odd)


GOOD_VRP = """NAME : tiny
TYPE : CVRP
DIMENSION : 3
EDGE_WEIGHT_TYPE : EUC_2D
CAPACITY : 10
NODE_COORD_SECTION
1 0 0
2 3 4
3 6 8
DEMAND_SECTION
1 0
2 4
3 5
DEPOT_SECTION
1
-1
EOF
"""


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("CAPACITY : 10\n", "", "missing CAPACITY"),
        ("3 5\n", "", "DEMAND_SECTION has 2 rows, expected DIMENSION = 3"),
        ("2 3 4", "2 3 four", "NODE_COORD_SECTION node 2: expected a number"),
        ("EUC_2D", "GEO", "EDGE_WEIGHT_TYPE GEO not supported"),
        ("3 5\n", "3 50\n", "node 3 demands more than CAPACITY 10"),
        ("DEMAND_SECTION\n1 0\n2 4\n3 5\n", "", "missing DEMAND_SECTION"),
        ("NAME : tiny", "garbage line", "line 1: expected 'KEY : value'"),
    ],
)
def test_malformed_vrplib(tmp_path: Path, old: str, new: str, message: str) -> None:
    path = tmp_path / "bad.vrp"
    assert old in GOOD_VRP
    path.write_text(GOOD_VRP.replace(old, new, 1))
    with pytest.raises(CorruptFileError, match=message):
        read_vrplib(path)


def test_tiny_vrplib_reads(tmp_path: Path) -> None:
    path = tmp_path / "ok.vrp"
    path.write_text(GOOD_VRP)
    inst = read_vrplib(path)
    assert inst.distance.tolist() == [[0, 5, 10], [5, 0, 5], [10, 5, 0]]  # 3-4-5 triangles


def test_malformed_solomon(tmp_path: Path) -> None:
    lines = (VRPTW / "C101.txt").read_text().splitlines()
    bad = tmp_path / "bad.txt"
    bad.write_text("\n".join(lines[:4] + lines[5:]))
    with pytest.raises(CorruptFileError, match="VEHICLE"):
        read_solomon(bad)
    lines[10] = lines[10] + " 7"
    bad.write_text("\n".join(lines))
    with pytest.raises(CorruptFileError, match="customer row needs 7 numbers"):
        read_solomon(bad)
