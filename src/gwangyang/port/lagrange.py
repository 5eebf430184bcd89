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

import numba as nb
import numpy as np
import pandas as pd

from ..errors import InputError
from .berth_model import BerthInstance


@dataclass
class LagrangianBound:
    """The best bound found, the relaxed choice (start and berth per vessel) and the prices that gave it.

    ``prices[k, tau]`` are the multipliers of berth ``k``'s capacity in time unit ``tau`` at the best
    bound (berths x horizon).
    """

    bound: float
    iterations: int
    wall_s: float
    relaxed_start: np.ndarray
    relaxed_berth: np.ndarray
    prices: np.ndarray


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


@nb.njit(cache=True, nogil=True)
def _window_minima(prefix, ks, hs, los, his):  # type: ignore[no-untyped-def]
    """Per window: the least priced cost ``t + h + prefix[k, t + h] - prefix[k, t]`` and its start."""
    count = ks.shape[0]
    cost = np.empty(count)
    start = np.empty(count, dtype=np.int64)
    for w in range(count):
        k, h = ks[w], hs[w]
        best = np.inf
        at = los[w]
        for t in range(los[w], his[w] + 1):
            value = t + h + prefix[k, t + h] - prefix[k, t]
            if value < best:
                best = value
                at = t
        cost[w] = best
        start[w] = at
    return cost, start


@nb.njit(cache=True, nogil=True)
def _relaxed_choice(cost, start, ks, hs, offsets, usage):  # type: ignore[no-untyped-def]
    """Per vessel the cheapest of its windows (first on ties); adds its berth time to ``usage``.

    Returns the sum of the chosen costs, and the chosen starts and berths.
    """
    n = offsets.shape[0] - 1
    starts = np.empty(n, dtype=np.int64)
    berths = np.empty(n, dtype=np.int64)
    total = 0.0
    for i in range(n):
        w_best = offsets[i]
        for w in range(offsets[i] + 1, offsets[i + 1]):
            if cost[w] < cost[w_best]:
                w_best = w
        total += cost[w_best]
        k, t = ks[w_best], start[w_best]
        starts[i], berths[i] = t, k
        for tau in range(t, t + hs[w_best]):
            usage[k, tau] += 1.0
    return total, starts, berths


def _flat(windows: list[list[tuple[int, int, int, int]]]) -> tuple[np.ndarray, ...]:
    """The windows as arrays (berth, handling, earliest, latest) and each vessel's offset into them."""
    rows = [row for per in windows for row in per]
    ks, hs, los, his = (np.array([r[j] for r in rows], dtype=np.int64) for j in range(4))
    offsets = np.concatenate([[0], np.cumsum([len(per) for per in windows])]).astype(np.int64)
    return ks, hs, los, his, offsets


def price_prefix(mu: np.ndarray) -> np.ndarray:
    """Per berth, the running sums of the prices with a leading 0: ``sum(mu[k, s:t]) = P[k, t] - P[k, s]``."""
    return np.concatenate([np.zeros((mu.shape[0], 1)), np.cumsum(mu, axis=1)], axis=1)


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
    ks, hs, los, his, offsets = _flat(windows)
    cost, start = _window_minima(price_prefix(mu), ks, hs, los, his)
    return [
        [(float(cost[w]), int(ks[w]), int(start[w]), int(hs[w])) for w in range(offsets[i], offsets[i + 1])]
        for i in range(len(windows))
    ]


def lagrangian_bound(
    instance: BerthInstance,
    upper_bound: float,
    iterations: int = 600,
    time_limit: float | None = 30.0,
    theta: float = 2.0,
    patience: int = 60,
) -> LagrangianBound:
    """Lower bound on total service time by subgradient optimisation of the Lagrangian dual.

    Parameters
    ----------
    instance
        The DBAP instance.
    upper_bound
        Objective of a feasible plan (for the Polyak step length).
    iterations, time_limit
        Stop after this many subgradient steps or seconds; ``time_limit=None``: no clock, so the
        bound is the same on every run whatever the machine's load.
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
    ks, hs, los, his, offsets = _flat(windows)
    horizon = int(max(instance.closing.max(), instance.deadline.max()))
    mu = np.zeros((instance.berths, horizon))
    arrival_sum = float(instance.arrival.sum())
    best = -np.inf
    best_start = np.zeros(instance.vessels, dtype=np.int64)
    best_berth = np.zeros(instance.vessels, dtype=np.int64)
    best_mu = mu
    stall = 0
    done = 0
    for done in range(1, iterations + 1):  # noqa: B007
        usage = np.zeros_like(mu)
        cost, start = _window_minima(price_prefix(mu), ks, hs, los, his)
        chosen, starts, berths = _relaxed_choice(cost, start, ks, hs, offsets, usage)
        value = chosen - arrival_sum - float(mu.sum())
        if value > best + 1e-9:
            best, best_start, best_berth, best_mu = value, starts, berths, mu
            stall = 0
        else:
            stall += 1
            if stall >= patience:
                theta, stall = theta / 2, 0
        gradient = usage - 1.0
        gradient[(mu <= 0) & (gradient < 0)] = 0.0
        norm = float((gradient**2).sum())
        late = time_limit is not None and time.perf_counter() - t0 > time_limit
        if norm == 0 or theta < 1e-4 or late:
            break
        step = theta * max(upper_bound - value, 1e-6) / norm
        mu = np.maximum(0.0, mu + step * gradient)
    return LagrangianBound(
        float(np.ceil(best - 1e-6)), done, time.perf_counter() - t0, best_start, best_berth, best_mu
    )


def lagrangian_plan(instance: BerthInstance, relaxed: LagrangianBound) -> pd.DataFrame | None:
    """A plan from the relaxed choice of :func:`lagrangian_bound` (a Lagrangian heuristic).

    Each berth takes the vessels the relaxation put there, in order of their relaxed starts, each
    starting when the berth is free; vessels that would end too late are taken out and put back
    where they add least.

    Returns
    -------
    DataFrame or None
        The plan (``vessel, berth, start, end``), or None when no repair was feasible.
    """
    from .berth_sequences import insert_cheapest, sequence_cost, to_plan

    seqs: list[list[int]] = [[] for _ in range(instance.berths)]
    order = np.lexsort((np.arange(instance.vessels), relaxed.relaxed_start))
    for i in order.tolist():
        seqs[int(relaxed.relaxed_berth[i])].append(int(i))
    late: list[int] = []
    for k, sequence in enumerate(seqs):
        while sequence and sequence_cost(instance, k, sequence) == float("inf"):
            late.append(sequence.pop())
    costs = [sequence_cost(instance, k, s) for k, s in enumerate(seqs)]
    for i in sorted(late, key=lambda j: (int(instance.arrival[j]), j)):
        if not insert_cheapest(instance, seqs, costs, i):
            return None
    return to_plan(instance, seqs)
