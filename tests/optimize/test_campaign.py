from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from gwangyang.errors import ConflictError, InputError
from gwangyang.optimize.campaign import Campaign
from gwangyang.optimize.space import shipped_space

ROUNDS = 3
BATCH = 6


def life(params: dict[str, Any]) -> float:
    """A smooth stand-in for cycle life, best at 4.8-5.2-5.2."""
    return 1200.0 - 40.0 * (
        (params["cc1"] - 4.8) ** 2 + (params["cc2"] - 5.2) ** 2 + 2.0 * (params["cc3"] - 5.2) ** 2
    )


def results(suggestions: list[Any]) -> pd.DataFrame:
    return pd.DataFrame(
        {"id": [s.id for s in suggestions], "value": [life(s.params) for s in suggestions], "std": 25.0}
    )


def run(folder: Path, reopen: bool) -> list[list[dict[str, Any]]]:
    campaign = Campaign.create(folder, shipped_space("attia2020"), seed=7, batch_size=BATCH, rounds=ROUNDS)
    batches = []
    for _ in range(ROUNDS):
        if reopen:
            campaign = Campaign.open(folder)
        batch = campaign.suggest()
        batches.append([s.to_dict() for s in batch])
        if reopen:
            campaign = Campaign.open(folder)
        campaign.observe(results(batch))
    return batches


def test_resumed_loop_equals_uninterrupted(tmp_path: Path) -> None:
    straight = run(tmp_path / "a", reopen=False)
    resumed = run(tmp_path / "b", reopen=True)
    assert straight == resumed
    a, b = Campaign.open(tmp_path / "a"), Campaign.open(tmp_path / "b")
    assert a.done and b.done
    assert a.status()["recommended"] == b.status()["recommended"]
    assert (tmp_path / "a" / "rounds" / "round-002.json").is_file()
    # The surrogate closes in on the optimum of the stand-in: the recommendation is within 10 cycles of 1200.
    assert life(a.status()["recommended"]["params"]) > 1190.0
    # GP-BUCB picks distinct protocols within a batch.
    for batch in straight:
        assert len({tuple(s["params"].values()) for s in batch}) == BATCH


def test_bad_results_leave_state_unchanged(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    campaign = Campaign.create(folder, shipped_space("attia2020"), seed=1, batch_size=4, rounds=2)
    batch = campaign.suggest()
    before = (folder / "state.json").read_bytes()
    good = results(batch)
    unknown = good.assign(id=["r000-000", "r000-001", "r000-002", "nope"])
    with pytest.raises(InputError, match="id 'nope' is not a suggestion of the open round"):
        campaign.observe(unknown)
    nan = good.assign(value=[1.0, float("nan"), 2.0, 3.0])
    with pytest.raises(InputError, match="row 2: value of 'r000-001' is nan, not a finite number"):
        campaign.observe(nan)
    with pytest.raises(InputError, match="std of"):
        campaign.observe(good.assign(std=-1.0))
    assert (folder / "state.json").read_bytes() == before
    # Asking again before results come back gives the same batch.
    assert [s.to_dict() for s in Campaign.open(folder).suggest()] == [s.to_dict() for s in batch]
    with pytest.raises(ConflictError, match="already holds a campaign"):  # API 409, CLI exit 2
        Campaign.create(folder, shipped_space("attia2020"))


def test_budget_is_enforced(tmp_path: Path) -> None:
    campaign = Campaign.create(tmp_path / "d", shipped_space("attia2020"), batch_size=2, rounds=1)
    campaign.observe(results(campaign.suggest()))
    assert campaign.done
    with pytest.raises(InputError, match="budget of 1 round"):
        campaign.suggest()
