"""Local search for berth plans: move one vessel to another berth or position while total service time falls.

A plan is a sequence of vessels per berth; each vessel starts at ``max(berth free, arrival)``. Moves
that would end a vessel after its deadline or its berth's closing time are refused.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from .berth_model import BerthInstance


def _cost(instance: BerthInstance, k: int, sequence: list[int]) -> float:
    """Total service time of one berth's sequence (inf when a vessel would end too late)."""
    t = int(instance.opening[k])
    total = 0
    close = int(instance.closing[k])
    for i in sequence:
        t = max(t, int(instance.arrival[i])) + int(instance.handling[i, k])
        if t > close or t > instance.deadline[i]:
            return float("inf")
        total += t - int(instance.arrival[i])
    return float(total)


def sequences(instance: BerthInstance, plan: pd.DataFrame) -> list[list[int]]:
    """The vessels at each berth in order of start."""
    out: list[list[int]] = [[] for _ in range(instance.berths)]
    for i, k, _ in plan.sort_values(["start", "vessel"])[["vessel", "berth", "start"]].to_numpy().tolist():
        out[int(k)].append(int(i))
    return out


def to_plan(instance: BerthInstance, seqs: list[list[int]]) -> pd.DataFrame:
    """The plan (vessel, berth, start, end) that the berth sequences give."""
    rows = []
    for k, sequence in enumerate(seqs):
        t = int(instance.opening[k])
        for i in sequence:
            start = max(t, int(instance.arrival[i]))
            t = start + int(instance.handling[i, k])
            rows.append((i, k, start, t))
    return (
        pd.DataFrame(rows, columns=["vessel", "berth", "start", "end"])
        .sort_values("vessel")
        .reset_index(drop=True)
    )


def improve(
    instance: BerthInstance, plan: pd.DataFrame, time_limit: float = 10.0, seed: int = 0
) -> pd.DataFrame:
    """Best-insertion descent: take each vessel out and put it back where total service time is lowest.

    Repeats passes over the vessels (random order) until a pass improves nothing or time is up.
    """
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    seqs = sequences(instance, plan)
    costs = [_cost(instance, k, s) for k, s in enumerate(seqs)]
    where = {i: k for k, s in enumerate(seqs) for i in s}
    improved = True
    while improved and time.perf_counter() - t0 < time_limit:
        improved = False
        for i in rng.permutation(instance.vessels).tolist():
            k0 = where[i]
            without = [j for j in seqs[k0] if j != i]
            base = _cost(instance, k0, without)
            best = (costs[k0], k0, seqs[k0].index(i))  # (new berth cost, berth, position): staying put
            best_gain = 0.0
            for k in range(instance.berths):
                if instance.handling[i, k] <= 0:
                    continue
                current = without if k == k0 else seqs[k]
                for p in range(len(current) + 1):
                    new = _cost(instance, k, [*current[:p], i, *current[p:]])
                    gain = costs[k0] - new if k == k0 else costs[k0] - base + (costs[k] - new)
                    if gain > best_gain + 1e-9:
                        best_gain, best = gain, (new, k, p)
            if best_gain > 0:
                _, k, p = best
                seqs[k0] = without
                costs[k0] = base
                target = without if k == k0 else seqs[k]
                seqs[k] = [*target[:p], i, *target[p:]]
                costs[k] = _cost(instance, k, seqs[k])
                where[i] = k
                improved = True
            if time.perf_counter() - t0 > time_limit:
                break
    return to_plan(instance, seqs)


def _insert_best(instance: BerthInstance, seqs: list[list[int]], costs: list[float], i: int) -> bool:
    """Put vessel ``i`` where it adds least total service time; False when no place is feasible."""
    best: tuple[float, int, int, float] | None = None
    for k in range(instance.berths):
        if instance.handling[i, k] <= 0:
            continue
        current = seqs[k]
        for p in range(len(current) + 1):
            new = _cost(instance, k, [*current[:p], i, *current[p:]])
            if best is None or new - costs[k] < best[0]:
                best = (new - costs[k], k, p, new)
    if best is None or best[0] == float("inf"):
        return False
    _, k, p, new = best
    seqs[k] = [*seqs[k][:p], i, *seqs[k][p:]]
    costs[k] = new
    return True


def ruin_and_recreate(
    instance: BerthInstance,
    plan: pd.DataFrame,
    time_limit: float = 10.0,
    seed: int = 0,
    remove: int = 8,
    patience: int | None = None,
) -> pd.DataFrame:
    """Ruin and recreate: re-insert small groups of vessels while total service time does not rise.

    Each round takes out ``remove`` vessels that arrive close together and puts them back one by one
    (random order) where each adds least; the result is kept when total service time does not rise.
    Stops after ``time_limit`` seconds or ``patience`` rounds in a row (default ten per vessel)
    without a lower total.
    """
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    seqs = sequences(instance, plan)
    costs = [_cost(instance, k, s) for k, s in enumerate(seqs)]
    total = sum(costs)
    by_arrival = np.argsort(instance.arrival, kind="stable")
    n = instance.vessels
    size = min(remove, n)
    stale = 0
    rounds = 10 * n if patience is None else patience
    while time.perf_counter() - t0 < time_limit and stale < rounds:
        stale += 1
        first = int(rng.integers(0, n - size + 1))
        chosen = set(
            by_arrival[first : first + 2 * size][rng.permutation(min(2 * size, n - first))[:size]].tolist()
        )
        trial = [[j for j in s if j not in chosen] for s in seqs]
        trial_costs = [_cost(instance, k, s) for k, s in enumerate(trial)]
        ok = all(
            _insert_best(instance, trial, trial_costs, i) for i in rng.permutation(sorted(chosen)).tolist()
        )
        if ok and sum(trial_costs) <= total:
            if sum(trial_costs) < total:
                stale = 0
            seqs, costs, total = trial, trial_costs, sum(trial_costs)
    return to_plan(instance, seqs)
