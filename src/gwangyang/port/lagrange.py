"""Lagrangian lower bound for berth allocation from the time-indexed formulation, and a plan from it.

Time-indexed formulation (integer data, so some optimal plan starts every vessel at an integer time):
``x[i, k, t] = 1`` when vessel ``i`` starts at berth ``k`` at time ``t``; each vessel starts once; at
each berth and time unit at most one vessel is worked. Relaxing the berth capacity with multipliers
``mu[k, tau] >= 0`` splits the problem into one choice per vessel: the berth and start minimising
``t + h_ik - a_i + sum(mu[k, t:t + h_ik])``. For every ``mu >= 0`` the relaxed optimum minus
``sum(mu)`` is a lower bound on total service time; subgradient steps (Polyak, Held, Wolfe & Crowder
1974) raise it towards the bound of the formulation's linear relaxation, which for total completion
time is known to be strong (Sousa & Wolsey 1992; van den Akker, Hurkens & Savelsbergh 2000).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InputError
from .berth_model import BerthInstance


@dataclass
class LagrangianBound:
    """The best bound found, the relaxed choice (start and berth per vessel) that gave it, iterations, time."""

    bound: float
    iterations: int
    wall_s: float
    relaxed_start: np.ndarray
    relaxed_berth: np.ndarray


def start_windows(instance: BerthInstance) -> list[list[tuple[int, int, int, int]]]:
    """Per vessel: (berth, handling, earliest start, latest start) for each allowed berth with a window."""
    out = []
    for i in range(instance.vessels):
        rows = []
        for k in range(instance.berths):
            h = int(instance.handling[i, k])
            if h <= 0:
                continue
            lo = int(max(instance.arrival[i], instance.opening[k]))
            hi = int(min(instance.closing[k], instance.deadline[i])) - h
            if hi >= lo:
                rows.append((k, h, lo, hi))
        out.append(rows)
    return out


def cheapest_starts(
    windows: list[list[tuple[int, int, int, int]]], mu: np.ndarray
) -> list[list[tuple[float, int, int, int]]]:
    """Per vessel and allowed berth, the start of least priced cost in its window.

    Parameters
    ----------
    windows
        From :func:`start_windows`.
    mu
        Prices of berth time, ``mu[k, tau] >= 0`` (berths x horizon).

    Returns
    -------
    list of list of tuple
        Per vessel, one ``(cost, berth, start, handling)`` per window, in the windows' order, where
        ``cost = start + handling + sum(mu[berth, start:start + handling])`` (arrival not subtracted).
    """
    m, horizon = mu.shape
    prefix = np.concatenate([np.zeros((m, 1)), np.cumsum(mu, axis=1)], axis=1)
    times = np.arange(horizon + 1, dtype=float)
    cache: dict[tuple[int, int], np.ndarray] = {}
    out = []
    for rows in windows:
        choices = []
        for k, h, lo, hi in rows:
            cost = cache.get((k, h))
            if cost is None:
                cost = times[: horizon - h + 1] + h + prefix[k, h:] - prefix[k, : horizon - h + 1]
                cache[(k, h)] = cost
            window = cost[lo : hi + 1]
            b = int(window.argmin())
            choices.append((window.item(b), k, lo + b, h))
        out.append(choices)
    return out


def lagrangian_bound(
    instance: BerthInstance,
    upper_bound: float,
    iterations: int = 600,
    time_limit: float = 30.0,
    theta: float = 2.0,
    patience: int = 20,
) -> LagrangianBound:
    """Lower bound on total service time by subgradient optimisation of the Lagrangian dual.

    Parameters
    ----------
    instance
        The DBAP instance.
    upper_bound
        Objective of a feasible plan (for the Polyak step length).
    iterations, time_limit
        Stop after this many subgradient steps or seconds.
    theta, patience
        Initial Polyak step factor, halved after ``patience`` steps without a better bound.

    Returns
    -------
    LagrangianBound
        ``bound`` is rounded up to an integer (all objective values are integers).
    """
    t0 = time.perf_counter()
    windows = start_windows(instance)
    for i, rows in enumerate(windows):
        if not rows:
            raise InputError(f"{instance.name}: vessel {i} cannot end at any berth by its deadline")
    horizon = int(max(instance.closing.max(), instance.deadline.max()))
    mu = np.zeros((instance.berths, horizon))
    arrival_sum = float(instance.arrival.sum())
    best = -np.inf
    best_start = np.zeros(instance.vessels, dtype=np.int64)
    best_berth = np.zeros(instance.vessels, dtype=np.int64)
    stall = 0
    done = 0
    for done in range(1, iterations + 1):  # noqa: B007
        value = -arrival_sum - float(mu.sum())
        usage = np.zeros_like(mu)
        starts = np.empty(instance.vessels, dtype=np.int64)
        berths = np.empty(instance.vessels, dtype=np.int64)
        for i, choices in enumerate(cheapest_starts(windows, mu)):
            c, k, t, h = min(choices)
            value += c
            usage[k, t : t + h] += 1
            starts[i], berths[i] = t, k
        if value > best + 1e-9:
            best, best_start, best_berth = value, starts, berths
            stall = 0
        else:
            stall += 1
            if stall >= patience:
                theta, stall = theta / 2, 0
        gradient = usage - 1.0
        gradient[(mu <= 0) & (gradient < 0)] = 0.0
        norm = float((gradient**2).sum())
        if norm == 0 or theta < 1e-4 or time.perf_counter() - t0 > time_limit:
            break
        step = theta * max(upper_bound - value, 1e-6) / norm
        mu = np.maximum(0.0, mu + step * gradient)
    return LagrangianBound(
        float(np.ceil(best - 1e-6)), done, time.perf_counter() - t0, best_start, best_berth
    )


def lagrangian_plan(
    instance: BerthInstance, relaxed: LagrangianBound, time_limit: float = 10.0, seed: int = 0
) -> pd.DataFrame | None:
    """A plan from the relaxed choice of :func:`lagrangian_bound` (a Lagrangian heuristic).

    Each berth takes the vessels the relaxation put there, in order of their relaxed starts, each
    starting when the berth is free; vessels that would end too late are taken out and put back
    where they add least. :func:`gwangyang.port.berth_search.improve` (a quarter of ``time_limit``)
    and :func:`gwangyang.port.berth_search.ruin_and_recreate` (the rest) then improve the plan.

    Returns
    -------
    DataFrame or None
        The plan (``vessel, berth, start, end``), or None when no repair was feasible.
    """
    from .berth_search import _cost, _insert_best, improve, ruin_and_recreate, to_plan

    t0 = time.perf_counter()
    seqs: list[list[int]] = [[] for _ in range(instance.berths)]
    order = np.lexsort((np.arange(instance.vessels), relaxed.relaxed_start))
    for i in order.tolist():
        seqs[int(relaxed.relaxed_berth[i])].append(int(i))
    late: list[int] = []
    for k, sequence in enumerate(seqs):
        while sequence and _cost(instance, k, sequence) == float("inf"):
            late.append(sequence.pop())
    costs = [_cost(instance, k, s) for k, s in enumerate(seqs)]
    for i in sorted(late, key=lambda j: (int(instance.arrival[j]), j)):
        if not _insert_best(instance, seqs, costs, i):
            return None
    plan = to_plan(instance, seqs)
    plan = improve(instance, plan, time_limit=time_limit / 4, seed=seed)
    left = time_limit - (time.perf_counter() - t0)
    if left > 0:
        plan = ruin_and_recreate(instance, plan, time_limit=left, seed=seed)
    return plan
