"""Berth plans as sequences: one sequence of vessels per berth, each vessel starting when both it and the berth are ready.

Each vessel starts at ``max(berth free, arrival)``; a sequence in which a vessel would end after its
deadline or its berth's closing time costs infinity. Used by the Lagrangian plan's repair
(:func:`gwangyang.port.lagrange.lagrangian_plan`) and by :mod:`gwangyang.port.berth_anneal`.
"""

from __future__ import annotations

import pandas as pd

from .berth_model import BerthInstance


def sequence_cost(instance: BerthInstance, k: int, sequence: list[int]) -> float:
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


def insert_cheapest(instance: BerthInstance, seqs: list[list[int]], costs: list[float], i: int) -> bool:
    """Put vessel ``i`` where it adds least total service time (in place); False when no place is feasible."""
    best: tuple[float, int, int, float] | None = None
    for k in range(instance.berths):
        if instance.handling[i, k] <= 0:
            continue
        current = seqs[k]
        for p in range(len(current) + 1):
            new = sequence_cost(instance, k, [*current[:p], i, *current[p:]])
            if best is None or new - costs[k] < best[0]:
                best = (new - costs[k], k, p, new)
    if best is None or best[0] == float("inf"):
        return False
    _, k, p, new = best
    seqs[k] = [*seqs[k][:p], i, *seqs[k][p:]]
    costs[k] = new
    return True
