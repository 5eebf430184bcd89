"""Two starts of one campaign at once, in two processes: one starts it, the other is refused, and the state is the first's."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path
from typing import Any

import pytest

from gwangyang.errors import InputError, StoreError
from gwangyang.optimize import service
from gwangyang.optimize.campaign import CAMPAIGN_LOCK, Campaign
from gwangyang.optimize.space import shipped_space
from gwangyang.store.lock import WriteLock

NAME = "급속충전 캠페인"
SETTINGS = {0: {"seed": 11, "batch": 3, "rounds": 2}, 1: {"seed": 22, "batch": 5, "rounds": 3}}


def start(folder: str, which: int, barrier: Any, answers: Any) -> None:
    """One process's ``init``: wait for the other at the barrier, then start the campaign with its own settings."""
    settings = SETTINGS[which]
    space = service.resolve_space("attia_coarse")
    barrier.wait()
    try:
        status = service.create_campaign(
            Path(folder), space, batch=settings["batch"], rounds=settings["rounds"], seed=settings["seed"]
        )
        answers.put((which, "started", status["batch_size"]))
    except (InputError, StoreError) as exc:
        answers.put((which, "refused", str(exc)))


def test_two_processes_starting_one_campaign_at_once(tmp_path: Path) -> None:
    """Without the lock both passed the 'already there?' check, both saved and both were told they had started it."""
    folder = tmp_path / NAME
    context = multiprocessing.get_context("spawn")  # real, separate interpreters (no shared state)
    barrier, answers = context.Barrier(2), context.Queue()
    workers = [context.Process(target=start, args=(str(folder), k, barrier, answers)) for k in (0, 1)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert [w.exitcode for w in workers] == [0, 0]
    got = sorted(answers.get(timeout=5) for _ in workers)
    outcomes = [outcome for _, outcome, _ in got]
    assert sorted(outcomes) == ["refused", "started"]
    winner = next(which for which, outcome, _ in got if outcome == "started")
    refusal = next(text for _, outcome, text in got if outcome == "refused")
    assert refusal == (
        f"campaign '{NAME}': its folder already holds a campaign (state.json); use another name or --state folder."
    )
    # The state is exactly the winner's start: its settings, nothing observed, nothing pending.
    state = json.loads((folder / "state.json").read_text(encoding="utf-8"))
    expected = SETTINGS[winner]
    assert (state["seed"], state["batch_size"], state["rounds"]) == (
        expected["seed"],
        expected["batch"],
        expected["rounds"],
    )
    assert (state["round"], state["observations"], state["pending"], state["history"]) == (0, [], [], [])
    assert state["space"] == shipped_space("attia_coarse").to_dict()
    # Nothing half-written beside it: no temporary file, no round snapshot.
    assert sorted(p.name for p in folder.iterdir()) == sorted([CAMPAIGN_LOCK, "state.json"])
    assert Campaign.open(folder).status()["batch_size"] == expected["batch"]


def test_a_start_waits_for_the_lock_then_is_refused_by_name(tmp_path: Path) -> None:
    """A start held out by another holder of the lock is refused in one line naming the campaign, not its folder."""
    folder = tmp_path / NAME
    holder = WriteLock(folder, name=CAMPAIGN_LOCK)
    assert holder.try_acquire()
    try:
        with pytest.raises(StoreError) as caught:
            Campaign.create(folder, shipped_space("attia_coarse"), wait=0.0)
    finally:
        holder.release()
    assert str(caught.value) == f"campaign '{NAME}': another process is changing it; try again later."
    assert not (folder / "state.json").exists()  # nothing written
    Campaign.create(folder, shipped_space("attia_coarse"), wait=0.0)  # free again: it starts


def test_a_refused_start_writes_no_folder(tmp_path: Path) -> None:
    """A bad setting is refused before the lock makes the campaign's folder."""
    folder = tmp_path / NAME
    with pytest.raises(InputError, match="rounds: expected at least 1"):
        Campaign.create(folder, shipped_space("attia_coarse"), rounds=0)
    assert not folder.exists()
