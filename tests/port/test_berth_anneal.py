"""Simulated annealing for berth plans: its insertion pricing against recomputation, and its plans."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gwangyang.port.berth_anneal import _cheapest_insertion, _recompute, anneal_counted
from gwangyang.port.berth_baselines import solve_spt
from gwangyang.port.berth_model import BerthInstance, check_plan, objective
from gwangyang.port.berth_sequences import sequence_cost
from gwangyang.port.berths import assignment_bound


def test_cheapest_insertion_prices_equal_recomputed_costs() -> None:
    # The compiled pricing stops shifting vessels once an idle gap absorbs the delay; recomputing the
    # whole berth with sequence_cost for every berth and position is the independent route.
    rng = np.random.default_rng(1)
    for trial in range(40):
        n, m = 14, 3
        handling = rng.integers(1, 12, size=(n, m))
        handling[rng.random((n, m)) < 0.2] = -1
        handling[:, trial % m] = rng.integers(1, 12, size=n)  # every vessel has a berth
        closing = rng.integers(60, 120, size=m)
        inst = BerthInstance.build(
            "t", rng.integers(0, 40, n), rng.integers(0, 5, m), closing, handling, rng.integers(50, 150, n)
        )
        i = int(rng.integers(n))
        seqs_list: list[list[int]] = [[] for _ in range(m)]
        for j in rng.permutation(n).tolist():
            if j != i:
                allowed = [k for k in range(m) if inst.allowed(j, k)]
                k = int(rng.choice(allowed))
                if sequence_cost(inst, k, [*seqs_list[k], j]) < np.inf:
                    seqs_list[k].append(j)
        seqs = np.zeros((m, n + 1), dtype=np.int64)
        lens = np.array([len(s) for s in seqs_list], dtype=np.int64)
        for k, s in enumerate(seqs_list):
            seqs[k, : len(s)] = s
        a, h, o = inst.arrival, inst.handling, inst.opening
        comp = np.zeros_like(seqs)
        for k in range(m):
            _recompute(a, h, o, seqs, lens, comp, k)
        added, k_best, p_best = _cheapest_insertion(a, h, o, inst.closing, inst.deadline, seqs, lens, comp, i)
        options = {
            (k, p): sequence_cost(inst, k, [*s[:p], i, *s[p:]]) - sequence_cost(inst, k, s)
            for k, s in enumerate(seqs_list)
            if inst.allowed(i, k)
            for p in range(len(s) + 1)
        }
        cheapest = min(options.values())
        if cheapest == np.inf:
            assert k_best == -1
        else:
            assert added == cheapest and options[(k_best, p_best)] == cheapest


@pytest.fixture
def instance(shared: Path) -> BerthInstance:
    return BerthInstance.from_file(shared / "logistics" / "berth" / "f200x15-03.txt")


def test_anneal_is_reproducible_feasible_and_better_than_spt(instance: BerthInstance) -> None:
    spt = solve_spt(instance)
    first, moves = anneal_counted(instance, spt.assignments, time_limit=None, iterations=30_000, seed=3)
    again, moves_again = anneal_counted(instance, spt.assignments, time_limit=None, iterations=30_000, seed=3)
    assert first.equals(again) and moves == moves_again == 30_000
    assert check_plan(instance, first) == []
    value = objective(instance, first)
    # On f200x15-03 SPT gives 13,144 and 30,000 moves 11,558 (measured); the assignment bound (an
    # exact relaxation, 9,415) stays below.
    assert assignment_bound(instance) < value < 0.9 * spt.objective
