from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from gwangyang.battery.protocols import read_policies
from gwangyang.errors import InputError
from gwangyang.optimize.space import SearchSpace, attia_space_dict, shipped_space


def test_attia_space_file_gives_the_224_published_protocols(shared: Path) -> None:
    space = shipped_space("attia2020")
    assert space.to_dict() == SearchSpace.from_dict(attia_space_dict()).to_dict()
    grid = space.grid()
    published = read_policies(shared / "battery" / "clo" / "policies_all.csv")
    assert len(grid) == 224
    ours = {tuple(r) for r in grid[["cc1", "cc2", "cc3"]].round(2).to_numpy()}
    theirs = {tuple(r) for r in published[["cc1", "cc2", "cc3"]].round(2).to_numpy()}
    assert ours == theirs
    merged = grid.merge(published, on=["cc1", "cc2", "cc3"], suffixes=("", "_paper"))
    assert np.abs(merged["cc4"] - merged["cc4_paper"]).max() < 5e-4
    # CC4 from the 10-minute constraint: the four steps of 20 % SOC take 12/C minutes each.
    minutes = sum(12.0 / grid[c] for c in ("cc1", "cc2", "cc3", "cc4"))
    assert np.allclose(minutes, 10.0)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "space.toml"
    path.write_text(text)
    return path


MIXED = """
name = "coating"
constraints = ["thickness_um * layers <= 400"]
[objective]
name = "yield"
direction = "minimize"
[parameters.thickness_um]
type = "continuous"
low = 50.0
high = 150.0
[parameters.layers]
type = "integer"
low = 1
high = 4
[parameters.binder]
type = "categorical"
values = ["PVDF", "CMC"]
"""


def test_mixed_space_candidates_meet_constraints(tmp_path: Path) -> None:
    space = SearchSpace.from_file(write(tmp_path, MIXED))
    assert space.direction == "minimize" and math.isinf(space.size())
    cand = space.candidates(512, seed=3)
    assert len(cand) > 100
    assert (cand["thickness_um"] * cand["layers"] <= 400).all()
    assert set(cand["layers"].unique()) <= {1, 2, 3, 4}
    assert set(cand["binder"]) <= {"PVDF", "CMC"}
    assert cand["thickness_um"].between(50, 150).all()
    features = space.encode(cand)
    assert features.shape == (len(cand), 4)  # two scaled numbers + one-hot of two categories
    assert features.min() >= 0 and features.max() <= 1
    # Same seed, same candidates.
    assert cand.equals(space.candidates(512, seed=3))


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (MIXED.replace('type = "integer"', 'type = "int"'), r"parameters.layers.type: expected one of"),
        (MIXED.replace("high = 150.0", "high = 40.0"), r"parameters.thickness_um: expected low < high"),
        (MIXED.replace('"thickness_um * layers <= 400"', '"__import__(1)"'), r"constraints\[0\]"),
        (MIXED.replace('"thickness_um * layers <= 400"', '"speed < 3"'), r"unknown name\(s\) speed"),
        (MIXED.replace('direction = "minimize"', 'direction = "down"'), r"objective.direction"),
        ("name = [", r"not a TOML space file"),
    ],
)
def test_bad_space_files(tmp_path: Path, text: str, match: str) -> None:
    with pytest.raises(InputError, match=match):
        SearchSpace.from_file(write(tmp_path, text))


def test_space_with_no_feasible_point(tmp_path: Path) -> None:
    space = SearchSpace.from_file(write(tmp_path, MIXED.replace("<= 400", "<= 10")))
    with pytest.raises(InputError, match="no feasible point"):
        space.candidates(256)
    grid_space = SearchSpace.from_dict({**attia_space_dict(), "constraints": ["cc1 > 100"]})
    with pytest.raises(InputError, match="no feasible point"):
        grid_space.candidates()


def test_check_points_names_the_row() -> None:
    space = shipped_space("attia2020")
    import pandas as pd

    table = pd.DataFrame({"cc1": [4.8, 3.6], "cc2": [5.2, 3.6], "cc3": [5.2, 3.6]})
    with pytest.raises(InputError, match="row 2: breaks the space's constraints"):
        space.check_points(table, "results.csv")
    with pytest.raises(InputError, match=r"row 1: cc1=9\.9 is outside"):
        space.check_points(pd.DataFrame({"cc1": [9.9], "cc2": [5.2], "cc3": [5.2]}), "results.csv")
