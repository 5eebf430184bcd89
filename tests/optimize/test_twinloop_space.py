"""The twin loop on a space of one's own: the space's derived CC4 is what the twin simulates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gwangyang.errors import InputError
from gwangyang.optimize import twinloop
from gwangyang.optimize.space import SearchSpace

TWELVE_MINUTES = {
    "name": "12분",
    "constraints": ["12/cc1 + 12/cc2 + 12/cc3 < 12"],
    "objective": {"name": "lli_life", "direction": "maximize"},
    "parameters": {
        "cc1": {"type": "categorical", "values": [4.0, 6.0]},
        "cc2": {"type": "categorical", "values": [6.0]},
        "cc3": {"type": "categorical", "values": [6.0]},
    },
    "derived": {"cc4": "12 / (12 - 12/cc1 - 12/cc2 - 12/cc3)"},
}


def test_the_twin_simulates_the_spaces_own_cc4(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seen: list[tuple[float, ...]] = []

    class Result:
        warnings: list[str] = []  # noqa: RUF012 (a stand-in for TwinResult.warnings)

        def lli_life(self) -> float:
            return 1000.0

    def simulate(protocol: Any, **_: Any) -> Result:
        seen.append(tuple(round(r, 9) for r in protocol.rates))
        return Result()

    import gwangyang.battery.twin as twin

    monkeypatch.setattr(twin, "simulate", simulate)
    space = SearchSpace.from_dict(TWELVE_MINUTES)
    objective = twinloop.twin_objective
    twinloop.dense_grid(space, objective)
    # By hand, a 12-minute charge to 80 %: 6-6-6 leaves 12 - 3*2 = 6 min for CC4's 20 % SOC: 12/6 = 2 C;
    # 4-6-6 leaves 12 - 3 - 2 - 2 = 5 min: 12/5 = 2.4 C. (The 10-minute CC4 would be 3 C and 4 C.)
    assert sorted(seen) == [(4.0, 6.0, 6.0, 2.4), (6.0, 6.0, 6.0, 2.0)]
    seen.clear()
    twinloop.twin_loop(space, objective, batch=1, rounds=2)
    assert sorted(seen) == [(4.0, 6.0, 6.0, 2.4), (6.0, 6.0, 6.0, 2.0)]


def test_a_space_without_c_rates_is_refused() -> None:
    with pytest.raises(
        InputError,
        match=r"^twin loop: space: parameter 온도: not part of a charging protocol; the twin reads cc1",
    ):
        twinloop.twin_objective({"온도": 25.0})


def test_a_space_of_more_steps_runs_all_its_steps_not_four(monkeypatch: pytest.MonkeyPatch) -> None:
    """cc5 and cc6 of a six-step space were left out without a word, then refused: now six equal steps of 0-80 %."""
    seen: list[str] = []

    class Result:
        warnings: list[str] = []  # noqa: RUF012 (a stand-in for TwinResult.warnings)

        def lli_life(self) -> float:
            return 1000.0

    def simulate(protocol: Any, **_: Any) -> Result:
        seen.append(protocol.name)
        return Result()

    import gwangyang.battery.twin as twin

    monkeypatch.setattr(twin, "simulate", simulate)
    point = {"cc1": 6.0, "cc2": 5.0, "cc3": 4.0, "cc4": 3.0, "cc5": 2.0, "cc6": 1.5}
    twinloop.twin_objective(point)
    assert seen == ["6-5-4-3-2-1.5@0-80"]
