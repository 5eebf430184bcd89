from __future__ import annotations

import json
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


def test_a_batch_larger_than_the_space_is_refused_at_init_not_at_the_first_suggest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from gwangyang.cli.main import main

    space = tmp_path / "고정.toml"  # 온도 25..25 (one value) × 재질 A or B: 1 × 2 = 2 feasible points
    space.write_text(
        '[objective]\nname = "수명"\n[parameters."온도"]\ntype = "integer"\nlow = 25\nhigh = 25\n'
        '[parameters."재질"]\ntype = "categorical"\nvalues = ["A", "B"]\n',
        encoding="utf-8",
    )
    state = tmp_path / "캠페인 1"
    assert main(["optimize", "init", str(space), "--state", str(state), "--batch", "3"]) == 2
    assert capsys.readouterr().err.strip() == (
        f"error: batch: 3 asked, but the space '고정' ({space}) has only 2 feasible point(s); ask for at most 2, "
        "or widen the space."
    )
    assert not state.exists()  # it was started, and its first suggest refused the batch
    assert main(["optimize", "init", str(space), "--state", str(state), "--batch", "2", "--json"]) == 0
    capsys.readouterr()
    assert main(["optimize", "suggest", "--state", str(state), "--json"]) == 0
    points = {
        (s["params"]["온도"], s["params"]["재질"]) for s in json.loads(capsys.readouterr().out)["suggestions"]
    }
    assert points == {(25, "A"), (25, "B")}
