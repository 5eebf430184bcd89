"""Routing files of other sizes and layouts than the shipped ones: generated, read back, solved, checked by hand.

A Solomon-layout instance of any size (25 to 1,000 customers, as Gehring & Homberger's) is generated with valid
windows; reading it back gives the arrays it was written from, and a short solve of a 1,000-customer one is
re-scored by :mod:`tests.logistics.independent` (plain Python on the file). ``.sol`` cost lines and ``bks.csv``
tables of other spellings are read; a table without the columns is one line naming them.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gwangyang.cli.main import main
from gwangyang.errors import CorruptFileError, InputError
from gwangyang.logistics.vrplib_io import best_known, read_instance, read_vrplib_solution

from .independent import check_cvrp, check_solomon

HEADING = "CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME"


def solomon_arrays(n: int, seed: int, horizon: float = 5000.0, width: float = 400.0) -> dict[str, np.ndarray]:
    """Customers 1..n around a depot at (250, 250); every window reachable from the depot and back in time."""
    rng = np.random.default_rng(seed)
    xy = rng.integers(0, 500, size=(n + 1, 2)).astype(float)
    xy[0] = (250.0, 250.0)
    d0 = np.hypot(*(xy - xy[0]).T)
    service = np.full(n + 1, 10.0)
    service[0] = 0.0
    ready = np.maximum(np.floor(rng.uniform(0, horizon - width - 2 * d0.max() - 10, size=n + 1)), np.ceil(d0))
    ready[0] = 0.0
    due = ready + width
    due[0] = horizon
    demand = rng.integers(1, 41, size=n + 1).astype(float)
    demand[0] = 0.0
    return {"xy": xy, "demand": demand, "ready": ready, "due": due, "service": service}


def render_solomon(name: str, arrays: dict[str, np.ndarray], vehicles: int, capacity: int) -> str:
    """The Solomon layout (the fixed line numbers that :func:`independent.check_solomon` relies on)."""
    lines = [
        name,
        "",
        "VEHICLE",
        "NUMBER     CAPACITY",
        f"  {vehicles}         {capacity}",
        "",
        "CUSTOMER",
        HEADING,
        " ",
    ]
    xy, q, a, b, s = (arrays[k] for k in ("xy", "demand", "ready", "due", "service"))
    for i in range(len(xy)):
        lines.append(
            f"{i:5d} {xy[i, 0]:6.0f} {xy[i, 1]:6.0f} {q[i]:4.0f} {a[i]:8.0f} {b[i]:8.0f} {s[i]:4.0f}"
        )
    return "\n".join(lines) + "\n"


@settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(
    n=st.sampled_from([25, 50, 100, 200, 400, 600]), seed=st.integers(0, 2**31), vehicles=st.integers(1, 300)
)
def test_solomon_layout_of_any_size_reads_back(
    tmp_path_factory: pytest.TempPathFactory, n: int, seed: int, vehicles: int
) -> None:
    arrays = solomon_arrays(n, seed)
    path = tmp_path_factory.mktemp("solomon") / f"R1_{n}_1.txt"
    path.write_text(render_solomon(f"R1_{n}_1", arrays, vehicles, 200))
    inst = read_instance(path)
    assert inst.source == "solomon" and inst.name == f"R1_{n}_1" and inst.num_clients == n
    assert inst.vehicles[0].count == vehicles and inst.vehicles[0].capacity == (200.0,)
    assert inst.client_label == list(range(1, n + 1))
    assert inst.demand[:, 0].tolist() == arrays["demand"][1:].tolist()
    assert inst.tw_early.tolist() == arrays["ready"][1:].tolist()
    assert inst.tw_late.tolist() == arrays["due"][1:].tolist()
    assert inst.depot_tw.tolist() == [[0.0, 5000.0]]
    i, j = 1, n  # one distance by hand: unrounded Euclidean
    (x1, y1), (x2, y2) = arrays["xy"][i], arrays["xy"][j]
    assert inst.distance[i, j] == pytest.approx(math.hypot(x1 - x2, y1 - y2))


def test_vehicle_row_without_its_heading(tmp_path: Path) -> None:
    text = render_solomon("NOHEAD", solomon_arrays(25, 1), 7, 150).replace("NUMBER     CAPACITY\n", "")
    path = tmp_path / "nohead.txt"
    path.write_text(text)
    inst = read_instance(path)
    assert inst.vehicles[0].count == 7 and inst.vehicles[0].capacity == (150.0,)


def test_thousand_customers_solve_and_check_independently(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Gehring & Homberger's largest size; 250 vehicles of 200 as in their files. A work budget, not the clock.
    path = tmp_path / "GEN_10_1.txt"
    path.write_text(render_solomon("GEN_10_1", solomon_arrays(1000, 3), 250, 200))
    argv = ["routes", "solve", str(path), "--max-iterations", "300", "--time-limit", "600", "--workers", "1"]
    assert main([*argv, "--json"]) == 0
    view = json.loads(capsys.readouterr().out)
    assert view["feasible"] and view["unserved"] == []
    distance = check_solomon(path, view["routes"])
    assert view["distance"] == pytest.approx(distance, rel=1e-6)


def render_cvrp(n: int, seed: int, capacity: int, extra: str = "") -> tuple[str, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    xy = rng.integers(0, 1000, size=(n + 1, 2))
    demand = rng.integers(1, capacity // 3 + 1, size=n + 1)
    demand[0] = 0
    lines = [f"NAME : G-n{n + 1}", "TYPE : CVRP", f"DIMENSION : {n + 1}", "EDGE_WEIGHT_TYPE : EUC_2D"]
    lines += [f"CAPACITY : {capacity}", *([extra] if extra else []), "NODE_COORD_SECTION"]
    lines += [f"{i + 1} {x} {y}" for i, (x, y) in enumerate(xy)]
    lines += [
        "DEMAND_SECTION",
        *(f"{i + 1} {q}" for i, q in enumerate(demand)),
        "DEPOT_SECTION",
        "1",
        "-1",
        "EOF",
    ]
    return "\n".join(lines) + "\n", xy, demand


@pytest.mark.parametrize("n", [30, 250])
def test_cvrp_of_another_size_solves_and_checks(
    n: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, _, _ = render_cvrp(n, n, 100)
    path = tmp_path / f"G-n{n + 1}.vrp"
    path.write_text(text)
    argv = ["routes", "solve", str(path), "--max-iterations", "200", "--time-limit", "600", "--workers", "1"]
    assert main([*argv, "--json"]) == 0
    view = json.loads(capsys.readouterr().out)
    cost = check_cvrp(path, view["routes"])  # file node numbers, re-scored by TSPLIB EUC_2D in plain Python
    assert view["feasible"] and view["cost"] == cost


def test_cmt_style_header_fields(tmp_path: Path) -> None:
    # Christofides-style files give a route length limit (DISTANCE) and one service time (SERVICE_TIME).
    text, _, _ = render_cvrp(20, 5, 100, "DISTANCE : 2000\nSERVICE_TIME : 10")
    path = tmp_path / "CMT-like.vrp"
    path.write_text(text)
    inst = read_instance(path)
    assert inst.service.tolist() == [10.0] * 20
    assert {v.max_distance for v in inst.vehicles} == {2000.0}


@pytest.mark.parametrize(
    "line",
    ["Cost 1234.5", "cost: 1234.5", "Cost: 1234.5", "COST = 1234.5", "  Cost 1234.5  ", "cost 1234.5\t"],
)
def test_solution_cost_line_spellings(tmp_path: Path, line: str) -> None:
    path = tmp_path / "x.sol"
    path.write_text(f"Route #1: 1 2\n  Route #2: 3\n{line}\n")
    routes, cost = read_vrplib_solution(path)
    assert routes == [[1, 2], [3]] and cost == 1234.5


def test_bks_tables_of_other_spellings(tmp_path: Path) -> None:
    (tmp_path / "RC1_10_1.txt").write_text("x")
    for header, row in (
        ("instance,best_known_distance", "RC1_10_1,45987.12"),
        ("Instance,BKS", "rc1_10_1,45987.12"),
        ("name,vehicles,distance", "RC1_10_1,100,45987.12"),
        ("Problem,Best Known", "RC1_10_1.txt,45987.12"),
    ):
        (tmp_path / "bks.csv").write_text(f"{header}\nOTHER,1\n{row}\n")
        assert best_known(tmp_path / "RC1_10_1.txt") == 45987.12, header
    (tmp_path / "bks.csv").write_text("id,score\nRC1_10_1,1\n")
    with pytest.raises(CorruptFileError, match=r"expected an instance column.*columns are id, score"):
        best_known(tmp_path / "RC1_10_1.txt")
    (tmp_path / "bks.csv").write_text("instance,bks\nRC1_10_1,n/a\n")
    with pytest.raises(CorruptFileError, match=r"line 2: bks 'n/a' is not a cost"):
        best_known(tmp_path / "RC1_10_1.txt")
    (tmp_path / "bks.csv").write_text("instance,bks\nC101,828.94\n")
    with pytest.raises(InputError, match="no row for RC1_10_1"):
        best_known(tmp_path / "RC1_10_1.txt")


def render_vrplib_vrptw(name: str, arrays: dict[str, np.ndarray], vehicles: int, capacity: int) -> str:
    """The same customers in VRPLIB's VRPTW layout (PyVRP/Instances' Solomon and Gehring-Homberger files)."""
    n = len(arrays["xy"])
    lines = [
        f"NAME : {name}",
        "TYPE : VRPTW",
        f"DIMENSION : {n}",
        f"VEHICLES : {vehicles}",
        f"CAPACITY : {capacity}",
    ]
    lines += ["EDGE_WEIGHT_TYPE : EUC_2D", "NODE_COORD_SECTION"]
    lines += [f"{i + 1}\t{x:.0f}\t{y:.0f}" for i, (x, y) in enumerate(arrays["xy"])]
    lines += ["DEMAND_SECTION", *(f"{i + 1}\t{q:.0f}" for i, q in enumerate(arrays["demand"]))]
    lines += ["SERVICE_TIME_SECTION", *(f"{i + 1}\t{s:.0f}" for i, s in enumerate(arrays["service"]))]
    window = zip(arrays["ready"], arrays["due"], strict=True)
    lines += ["TIME_WINDOW_SECTION", *(f"{i + 1}\t{a:.0f}\t{b:.0f}" for i, (a, b) in enumerate(window))]
    lines += ["DEPOT_SECTION", "1", "-1", "EOF"]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("n", [25, 200])
def test_vrplib_vrptw_layout_reads_like_the_solomon_one(n: int, tmp_path: Path) -> None:
    arrays = solomon_arrays(n, n)
    path = tmp_path / f"GH{n}.vrp"
    path.write_text(render_vrplib_vrptw(f"GH{n}", arrays, 50, 200))
    inst = read_instance(path)
    assert inst.num_clients == n and sum(v.count for v in inst.vehicles) == 50
    assert inst.tw_early.tolist() == arrays["ready"][1:].tolist()
    assert inst.tw_late.tolist() == arrays["due"][1:].tolist()
    assert inst.service.tolist() == arrays["service"][1:].tolist()
    assert inst.depot_tw.tolist() == [[0.0, 5000.0]]
    # VRPTW in VRPLIB follows DIMACS: Euclidean truncated to one decimal, worked by hand for the depot and node 2
    (x0, y0), (x1, y1) = arrays["xy"][0], arrays["xy"][1]
    assert inst.distance[0, 1] == math.floor(math.hypot(x0 - x1, y0 - y1) * 10) / 10
