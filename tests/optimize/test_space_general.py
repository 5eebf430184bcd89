"""Spaces engineers write themselves: Korean names with units, text categories, bounds on the objective."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from gwangyang.errors import InputError
from gwangyang.optimize.campaign import Campaign
from gwangyang.optimize.space import SearchSpace, shipped_space

KOREAN = """
name = "코팅"
constraints = ["두께_µm * 층수 <= 300", "바인더 != '유계' or `온도 (°C)` < 40"]
[objective]
name = "수율"
direction = "maximize"
unit = "%"
low = 0.0
high = 100.0
[parameters."두께_µm"]
type = "categorical"
values = [50, 100, 150]
unit = "µm"
[parameters."층수"]
type = "integer"
low = 1
high = 4
[parameters."바인더"]
type = "categorical"
values = ["수계", "유계"]
[parameters."온도 (°C)"]
type = "integer"
low = 25
high = 45
unit = "°C"
"""


def test_korean_names_with_micro_sign_units_and_text_categories(tmp_path: Path) -> None:
    # Python reads the micro sign of 두께_µm as a Greek mu in an expression (NFKC); it was refused as unknown.
    path = tmp_path / "코팅.toml"
    path.write_text(KOREAN, encoding="utf-8")
    space = SearchSpace.from_file(path)
    grid = space.grid()
    # By hand: every combination, both constraints written out in plain Python.
    expected = [
        (t, n, b, c)
        for t, n, b, c in itertools.product((50, 100, 150), range(1, 5), ("수계", "유계"), range(25, 46))
        if t * n <= 300 and (b != "유계" or c < 40)
    ]
    assert len(grid) == len(expected) == 9 * (21 + 15)
    got = set(grid[["두께_µm", "층수", "바인더", "온도 (°C)"]].itertuples(index=False, name=None))
    assert got == {(float(t), float(n), b, float(c)) for t, n, b, c in expected}
    assert space.to_dict()["parameters"]["온도 (°C)"]["unit"] == "°C"
    assert space.to_dict()["objective"] == {
        "name": "수율",
        "direction": "maximize",
        "unit": "%",
        "low": 0.0,
        "high": 100.0,
    }
    assert SearchSpace.from_dict(space.to_dict()).to_dict() == space.to_dict()


def test_space_with_one_integer_parameter() -> None:
    from gwangyang.optimize.bayesopt import BatchBayesOpt, Observation

    space = SearchSpace.from_dict({"parameters": {"층수": {"type": "integer", "low": 2, "high": 5}}})
    assert space.grid()["층수"].tolist() == [2.0, 3.0, 4.0, 5.0]
    # Suggestions of an integer parameter are ints (they were 3.0), on the grid and distinct.
    picks = BatchBayesOpt(space).suggest([Observation("a", {"층수": 3}, 1.0)], 4, 1)
    assert sorted(p.params["층수"] for p in picks) == [2, 3, 4, 5]
    assert all(type(p.params["층수"]) is int for p in picks)
    # A wide integer range is sampled, not enumerated: still ints within the bounds.
    wide = SearchSpace.from_dict({"parameters": {"n": {"type": "integer", "low": 0, "high": 10**7}}})
    picks = BatchBayesOpt(wide).suggest([Observation("a", {"n": 5}, 1.0)], 3, 1)
    assert all(type(p.params["n"]) is int and 0 <= p.params["n"] <= 10**7 for p in picks)


@pytest.mark.parametrize(
    ("constraints", "match"),
    [
        (["바인더 == '수게'"], r"constraints\[0\]: '수게' is not a value of 바인더 \(수계, 유계\)"),
        (["층수 + 온도 < 9"], r"constraints\[0\]: unknown name\(s\) 온도"),
        (["sqrt(층수, 2) > 1"], r"constraints\[0\]: cannot be evaluated"),
        (["층수 < '3'"], r"constraints\[0\]: cannot be evaluated"),
        (["층수 < 온도 (°C)"], r"constraints\[0\]: .* write a name that is not an identifier in backquotes"),
        (["층수 > 9"], "no feasible point"),
    ],
)
def test_constraint_refusals_name_the_constraint(constraints: list[str], match: str) -> None:
    document = {
        "constraints": constraints,
        "parameters": {
            "층수": {"type": "integer", "low": 1, "high": 4},
            "바인더": {"type": "categorical", "values": ["수계", "유계"]},
        },
    }
    with pytest.raises(InputError, match=match):
        SearchSpace.from_dict(document, source="space.toml").candidates(16)


@pytest.mark.parametrize(
    ("objective", "match"),
    [
        ({"name": "y", "units": "h"}, r"objective: unknown key\(s\) units"),
        ({"name": "y", "low": "0"}, r"objective.low: expected a finite number, got '0'"),
        ({"name": "y", "low": 5, "high": 5}, "objective: expected low < high"),
        ({"name": "y", "unit": 3}, "objective.unit: expected text"),
    ],
)
def test_objective_table_refusals(objective: dict[str, object], match: str) -> None:
    document = {"objective": objective, "parameters": {"x": {"type": "continuous", "low": 0, "high": 1}}}
    with pytest.raises(InputError, match=match):
        SearchSpace.from_dict(document, source="space.toml")


def test_names_equal_after_nfkc_are_refused() -> None:
    document = {
        "parameters": {
            "두께_µm": {"type": "continuous", "low": 0, "high": 1},
            "두께_μm": {"type": "continuous", "low": 0, "high": 1},
        }
    }
    with pytest.raises(InputError, match="two names read as '두께_μm'"):
        SearchSpace.from_dict(document)


def test_negative_life_is_refused_and_the_state_is_unchanged(tmp_path: Path) -> None:
    campaign = Campaign.create(tmp_path / "camp", shipped_space("attia2020"), batch_size=2, rounds=2)
    ids = [s.id for s in campaign.suggest()]
    before = (tmp_path / "camp" / "state.json").read_bytes()
    with pytest.raises(
        InputError, match=rf"row 2: value of '{ids[1]}' is -12, below the objective's low = 0"
    ):
        campaign.observe([{"id": ids[0], "value": 900.0}, {"id": ids[1], "value": -12.0}])
    assert (tmp_path / "camp" / "state.json").read_bytes() == before
    assert Campaign.open(tmp_path / "camp").state.observations == []


def test_a_small_feasible_region_of_a_continuous_space_is_found(tmp_path: Path) -> None:
    """x + y < 0.3 on the unit square holds on 0.3²/2 = 4.5 % of it; init checked 16 samples and refused for seed 2."""
    space = SearchSpace.from_dict(
        {
            "constraints": ["x + y < 0.3"],
            "parameters": {
                "x": {"type": "continuous", "low": 0, "high": 1},
                "y": {"type": "continuous", "low": 0, "high": 1},
            },
        }
    )
    for seed in range(4):
        camp = Campaign.create(tmp_path / f"c{seed}", space, seed=seed, batch_size=4)
        points = [s.params for s in camp.suggest()]
        assert all(p["x"] + p["y"] < 0.3 for p in points)
    # The share of 4096 scrambled Sobol points kept is the region's area, 0.045, to sampling error.
    assert abs(len(space.candidates(4096, seed=0)) / 4096 - 0.045) < 0.01
    tiny = SearchSpace.from_dict({**space.to_dict(), "constraints": ["x + y < 1e-4"]}, source="작은.toml")
    with pytest.raises(InputError, match=r"작은\.toml: no feasible point: none of 4096 points sampled"):
        Campaign.create(tmp_path / "tiny", tiny)
