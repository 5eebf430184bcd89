"""``gwangyang routes solve`` and ``gwangyang forecast``: one JSON document on stdout, exit code 2 on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gwangyang.cli.main import main

from .independent import check_cvrp
from .test_forecast import SERIES, TARGET
from .test_solver import CVRP, SCENARIO
from .test_vrplib_io import GOOD_VRP as TINY_VRP

TINY_SOLOMON = """TINY

VEHICLE
NUMBER     CAPACITY
  2         50

CUSTOMER
CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME
  0   35   35   0     0   230    0
  1   41   49  10   161   171   10
  2   35   17   7    50    60   10
"""
"""A two-customer Solomon file (the first customers of R101)."""


def test_routes_solve_vrplib_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = CVRP / "X-n101-k25.vrp"
    code = main(
        [
            "routes",
            "solve",
            str(path),
            "--time-limit",
            "1",
            "--seed",
            "2",
            "--json",
            "--plot",
            str(tmp_path / "m.png"),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    doc = json.loads(out)
    assert set(doc) >= {"cost", "distance", "routes", "feasible", "unserved"}
    # Routes use the file's node numbers (customers 2..101); the cost follows TSPLIB's nint convention.
    assert check_cvrp(path, doc["routes"]) == doc["cost"]
    assert (tmp_path / "m.png").stat().st_size > 1000
    assert doc["notes"] == []  # CVRP: the rounding convention is known


def test_routes_unknown_type_says_which_rounding_it_assumed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A family this reader has no rounding convention for is read with TSPLIB nint, and every result says so."""
    original = (CVRP / "X-n101-k25.vrp").read_text()
    text = original.replace("TYPE : \tCVRP", "TYPE : \tCVRPXYZ")
    assert text != original
    path = tmp_path / "새 가족.vrp"
    path.write_text(text, encoding="utf-8")
    args = ["routes", "solve", str(path), "--max-iterations", "50", "--time-limit", "5"]
    assert main([*args, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    (note,) = doc["notes"]
    assert note.startswith("TYPE CVRPXYZ: no distance rounding convention is known") and "nint" in note
    assert check_cvrp(CVRP / "X-n101-k25.vrp", doc["routes"]) == doc["cost"]  # nint, as the note says
    assert main(args) == 0
    assert "note: TYPE CVRPXYZ" in capsys.readouterr().err


def test_routes_solve_scenario_with_ortools(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code = main(
        [
            "routes",
            "solve",
            str(SCENARIO),
            "--time-limit",
            "1",
            "--solver",
            "ortools",
            "--json",
            "--geojson",
            str(tmp_path / "r.geojson"),
            "--csv",
            str(tmp_path / "r.csv"),
        ]
    )
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["solver"] == "ortools" and doc["feasible"]
    assert json.loads((tmp_path / "r.geojson").read_text())["type"] == "FeatureCollection"


@pytest.mark.parametrize(
    ("text", "suffix", "message"),
    [
        (
            "NAME : x\nDIMENSION : 3\nCAPACITY : 10\nNODE_COORD_SECTION\n1 0 0\n2 0 1\n3 1 0\n",
            ".vrp",
            "missing DEMAND_SECTION",
        ),
        ('name = "p"\nsites = []\nvehicles = []\norders = []\nfoo = 1\n', ".toml", "unknown field 'foo'"),
        (TINY_VRP.replace("2 3 4", "2 nan 4"), ".vrp", "NODE_COORD_SECTION node 2: expected a finite number"),
        (TINY_VRP.replace("2 3 4", "2 1e308 4"), ".vrp", "NODE_COORD_SECTION node 2: 1e308 is too large"),
        (TINY_VRP.replace("2 4\n", "2 -4\n"), ".vrp", "DEMAND_SECTION node 2: values must be >= 0, got -4"),
        (
            TINY_SOLOMON.replace("17   7", "17  -7"),
            ".txt",
            "customer 2: DEMAND must be a finite non-negative",
        ),
        (TINY_SOLOMON.replace("2   35", "2  nan"), ".txt", "customer 2: XCOORD must be a finite number"),
    ],
)
def test_routes_bad_input_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, suffix: str, message: str
) -> None:
    path = tmp_path / f"bad{suffix}"
    path.write_text(text)
    assert main(["routes", "solve", str(path), "--time-limit", "1", "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err


@pytest.mark.parametrize("name", ["instance.vrp", "problem.toml", "folder"])
def test_routes_folder_as_instance_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str
) -> None:
    folder = tmp_path / name
    folder.mkdir()
    assert main(["routes", "solve", str(folder), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and f"{folder}: is a folder" in captured.err
    assert len(captured.err.strip().splitlines()) == 1


@pytest.mark.parametrize("name", ["loop.vrp", "loop.toml"])
def test_routes_symlink_loop_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str) -> None:
    loop = tmp_path / name
    loop.symlink_to(loop)
    assert main(["routes", "solve", str(loop), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and f"{loop}: cannot be read" in captured.err


def test_routes_unknown_solver_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["routes", "solve", str(SCENARIO), "--solver", "cplex"]) == 2
    assert "solver: expected 'pyvrp' or 'ortools'" in capsys.readouterr().err


def test_forecast_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code = main(
        [
            "forecast",
            str(SERIES),
            "--date-column",
            "ds",
            "--target",
            TARGET,
            "--horizon",
            "3",
            "--level",
            "80",
            "--windows",
            "2",
            "--json",
            "--plot",
            str(tmp_path / "f.png"),
        ]
    )
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    assert [row["ds"] for row in doc["forecast"]] == ["2024-01-01", "2024-02-01", "2024-03-01"]
    assert all(row["lo"] <= row["mean"] <= row["hi"] for row in doc["forecast"])
    assert set(doc["backtest"]) >= {"mase", "coverage"}
    assert (tmp_path / "f.png").read_bytes()[:4] == b"\x89PNG"


def test_forecast_bad_column_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["forecast", str(SERIES), "--date-column", "ds", "--target", "nope", "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "no column 'nope' (--target)" in captured.err  # the option as typed


def tiny_cvrp(path: Path, seed: int) -> Path:
    """A 6-customer CVRP (capacity 8) on random integer points: small enough that any search ends at the optimum."""
    import random

    rnd = random.Random(seed)
    points = [(50, 50)] + [(rnd.randint(0, 100), rnd.randint(0, 100)) for _ in range(6)]
    demands = [0] + [rnd.randint(1, 4) for _ in range(6)]
    lines = [
        f"NAME : {path.stem}",
        "TYPE : CVRP",
        "DIMENSION : 7",
        "EDGE_WEIGHT_TYPE : EUC_2D",
        "CAPACITY : 8",
    ]
    lines += ["NODE_COORD_SECTION", *(f"{i + 1} {x} {y}" for i, (x, y) in enumerate(points))]
    lines += ["DEMAND_SECTION", *(f"{i + 1} {d}" for i, d in enumerate(demands))]
    path.write_text("\n".join([*lines, "DEPOT_SECTION", "1", "-1", "EOF"]) + "\n")
    return path


def test_routes_solve_many_files_equals_solving_each(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    files = [tiny_cvrp(tmp_path / f"tiny{k}.vrp", k) for k in range(2)]
    timing = ("runtime_s", "iterations")

    def solve(*args: str) -> object:
        code = main(["routes", "solve", *args, "--time-limit", "1", "--json"])
        captured = capsys.readouterr()
        assert code == 0, captured.err
        return json.loads(captured.out)

    each = [solve(str(f), "--workers", "1") for f in files]
    many = solve(*map(str, files), "--executor", "processes", "--workers", "2")
    assert isinstance(many, list) and len(many) == 2
    for path, one, item in zip(files, each, many, strict=True):
        assert isinstance(one, dict)
        assert item["file"] == path.name
        # one file's document names its file too (as the upload endpoint's does): the same document
        assert {k: v for k, v in item.items() if k not in timing} == {
            k: v for k, v in one.items() if k not in timing
        }
        # the cost is the routes' Euclidean length, rounded per edge as VRPLIB's EUC_2D rounds it
        assert check_cvrp(path, item["routes"]) == item["cost"]
    assert main(["routes", "solve", *map(str, files), "--plot", str(tmp_path / "p.png")]) == 2
    assert "--plot" in capsys.readouterr().err


def test_routes_solve_with_sol_reports_the_gap(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # Four clients on trucks of 10 at (3,4), (6,8), (-3,4), (0,-5) (demands 4, 4, 5, 5): by hand the optimum is
    # {2,3} 5+5+10 = 20 and {4,5} 5+nint(9.49)+5 = 19, 39. A .sol of it (cost 39) gives gap 0; one written with a
    # worse cost (45, the {2,4} {3,5} pairing) is re-checked to 45 and the result is 13.33 % below it.
    vrp = tmp_path / "광양 소형.vrp"
    vrp.write_text(
        "NAME : 광양 소형\nTYPE : CVRP\nDIMENSION : 5\nEDGE_WEIGHT_TYPE : EUC_2D\nCAPACITY : 10\n"
        "NODE_COORD_SECTION\n1 0 0\n2 3 4\n3 6 8\n4 -3 4\n5 0 -5\nDEMAND_SECTION\n1 0\n2 4\n3 4\n4 5\n5 5\n"
        "DEPOT_SECTION\n1\n-1\nEOF\n",
        encoding="utf-8",
    )
    best = tmp_path / "best.sol"
    best.write_text("Route #1: 1 2\nRoute #2: 3 4\nCost 39\n")
    worse = tmp_path / "worse.sol"
    worse.write_text("Route #1: 1 3\nRoute #2: 2 4\nCost 45\n")
    args = ["routes", "solve", str(vrp), "--time-limit", "0.5", "--workers", "1"]
    assert main([*args, "--sol", str(best), "--json"]) == 0
    view = json.loads(capsys.readouterr().out)
    assert view["file"] == "광양 소형.vrp" and view["cost"] == 39.0 and view["gap_percent"] == 0.0
    assert view["best_known"] == {"file": "best.sol", "cost": 39.0, "checked_cost": 39.0, "feasible": True}
    assert main([*args, "--sol", str(worse)]) == 0
    err = capsys.readouterr().err
    assert "best known 45.00 (worse.sol; its routes re-checked: 45.00, feasible); gap -13.33 %" in err
    # Refused (exit 2, one line): a .sol with several files, with our problem file, naming a node not in the file.
    assert main(["routes", "solve", str(vrp), str(vrp), "--sol", str(best)]) == 2
    assert "--sol: give one problem file" in capsys.readouterr().err
    assert main(["routes", "solve", str(SCENARIO), "--sol", str(best)]) == 2
    assert "best.sol: a .sol scores a VRPLIB .vrp or Solomon .txt file" in capsys.readouterr().err
    stray = tmp_path / "stray.sol"
    stray.write_text("Route #1: 1 9\nCost 1\n")
    assert main([*args, "--sol", str(stray)]) == 2
    assert (
        "stray.sol: 광양 소형: solution visits location 9, which the instance lacks"
        in capsys.readouterr().err
    )


def test_forecast_too_short_names_the_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # 59 months: 3 backtest windows of 12 months need 3 x 12 + 24 months of history (two seasons) = 60 rows.
    path = tmp_path / "월별 물동량.csv"
    months = [f"{2015 + k // 12}-{k % 12 + 1:02d}" for k in range(59)]
    path.write_text(
        "월,물동량\n" + "".join(f"{m},{100 + k % 12}\n" for k, m in enumerate(months)), encoding="utf-8"
    )
    assert main(["forecast", str(path), "--date-column", "월", "--target", "물동량", "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert (
        f"{path}: 59 months is too short for 3 backtest windows of 12 months plus 24 months of history"
        in (" ".join(captured.err.split()))
    )
    assert "series:" not in captured.err  # it named the API's field, not the file the user gave
