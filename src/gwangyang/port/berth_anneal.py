"""Simulated annealing with ruin and recreate for berth plans, compiled with Numba.

A plan is a sequence of vessels per berth, each vessel starting at ``max(berth free, arrival)``
(every plan can be left-shifted to this form without raising total service time). One move takes
out 2 to ``max_remove`` vessels, either vessels that arrive close together or (share ``by_start``)
the vessels whose current starts are nearest one vessel's, and puts them back one by one where each
adds least total service time (cheapest insertion over every allowed berth and position), in a
random order or in order of arrival. A move that raises total service time by ``delta`` is kept
with probability ``exp(-delta / T)``, the temperature ``T`` falling geometrically from ``t_start``
to ``t_end`` (as multiples of the mean handling time) over the run. The best plan seen is returned.

This is the ruin-and-recreate principle of Schrimpf et al. (2000, J. Comput. Phys. 159:139) under
a simulated annealing acceptance (Kirkpatrick, Gelatt & Vecchi 1983), as in slack induction by
string removals for routing (Christiaens & Vanden Berghe 2020, Transp. Sci. 54:417). An insertion
is priced in time linear in the berth's sequence: the vessels after the inserted one are shifted
only until an idle gap absorbs the delay.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numba as nb
import numpy as np
import pandas as pd

from .berth_model import BerthInstance
from .berth_sequences import sequences, to_plan

_INFEASIBLE = 1 << 40


@nb.njit(cache=True, nogil=True)
def _recompute(a, h, o, seqs, lens, comp, k):  # type: ignore[no-untyped-def]
    """Completion times of berth ``k``'s sequence into ``comp[k]``; its total service time."""
    t = o[k]
    total = 0
    for q in range(lens[k]):
        i = seqs[k, q]
        t = max(t, a[i]) + h[i, k]
        comp[k, q] = t
        total += t - a[i]
    return total


@nb.njit(cache=True, nogil=True)
def _cheapest_insertion(a, h, o, c, d, seqs, lens, comp, i):  # type: ignore[no-untyped-def]
    """Least added total service time of vessel ``i`` over allowed berths and positions.

    Returns ``(added, berth, position)``; berth -1 when no place meets the closing times and deadlines.
    """
    best = _INFEASIBLE
    best_k = -1
    best_p = -1
    for k in range(seqs.shape[0]):
        if h[i, k] <= 0:
            continue
        n_k = lens[k]
        for p in range(n_k + 1):
            before = o[k] if p == 0 else comp[k, p - 1]
            t = max(before, a[i]) + h[i, k]
            if t > c[k] or t > d[i]:
                break  # later positions start no earlier
            added = t - a[i]
            if added >= best:
                break  # later positions add at least as much for vessel i alone
            ok = True
            for q in range(p, n_k):
                j = seqs[k, q]
                shifted = max(t, a[j]) + h[j, k]
                if shifted == comp[k, q]:
                    break  # the delay is absorbed by an idle gap
                if shifted > c[k] or shifted > d[j]:
                    ok = False
                    break
                added += shifted - comp[k, q]
                t = shifted
                if added >= best:
                    break
            if ok and added < best:
                best = added
                best_k = k
                best_p = p
    return best, best_k, best_p


@nb.njit(cache=True, nogil=True)
def _copy_berth(seqs, lens, comp, costs, to_seqs, to_lens, to_comp, to_costs, k):  # type: ignore[no-untyped-def]
    """Copy berth ``k``'s sequence, completion times, length and cost into the ``to_`` arrays."""
    size = lens[k]
    to_seqs[k, :size] = seqs[k, :size]
    to_comp[k, :size] = comp[k, :size]
    to_lens[k] = size
    to_costs[k] = costs[k]


@nb.njit(cache=True, nogil=True)
def _save(seqs, lens, comp, costs, saved_seqs, saved_lens, saved_comp, saved_costs, touched, k):  # type: ignore[no-untyped-def]
    """Save berth ``k``'s row before a move first changes it."""
    if not touched[k]:
        _copy_berth(seqs, lens, comp, costs, saved_seqs, saved_lens, saved_comp, saved_costs, k)
        touched[k] = True


@nb.njit(cache=True, nogil=True)
def _anneal(  # type: ignore[no-untyped-def]
    a, h, o, c, d, seqs, lens, by_arrival, iterations, seed, t_from, t_to, max_remove, by_start, jitter
):
    """``iterations`` moves from the plan in ``seqs``/``lens`` (changed in place to the last accepted).

    Returns the best total service time seen and its sequences and lengths.
    """
    np.random.seed(seed)
    m = seqs.shape[0]
    n = a.shape[0]
    comp = np.zeros_like(seqs)
    costs = np.zeros(m, dtype=np.int64)
    for k in range(m):
        costs[k] = _recompute(a, h, o, seqs, lens, comp, k)
    total = costs.sum()
    best_total = total
    best_seqs = seqs.copy()
    best_lens = lens.copy()
    # Undo log: the berths a move changes, saved before their first change.
    saved_seqs = seqs.copy()
    saved_lens = lens.copy()
    saved_comp = comp.copy()
    saved_costs = costs.copy()
    touched = np.zeros(m, dtype=np.bool_)
    removed = np.empty(max_remove, dtype=np.int64)
    out = np.zeros(n, dtype=np.bool_)
    start = np.zeros(n, dtype=np.int64)
    near = np.zeros(max_remove)
    for it in range(iterations):
        temperature = t_from * (t_to / t_from) ** (it / max(iterations - 1, 1))
        count = 2 + np.random.randint(max_remove - 1)
        chosen = 0
        if np.random.random() < by_start:
            # Vessels whose current starts are nearest a random vessel's (any berth), with jitter.
            for k in range(m):
                for q in range(lens[k]):
                    j = seqs[k, q]
                    start[j] = comp[k, q] - h[j, k]
            centre = np.random.randint(n)
            for j in range(n):  # keep the ``count`` nearest, sorted, in removed/near
                gap = abs(start[j] - start[centre]) + jitter * np.random.random()
                if chosen == count and gap >= near[chosen - 1]:
                    continue
                y = chosen if chosen < count else count - 1
                while y > 0 and near[y - 1] > gap:
                    near[y] = near[y - 1]
                    removed[y] = removed[y - 1]
                    y -= 1
                near[y] = gap
                removed[y] = j
                if chosen < count:
                    chosen += 1
            for x in range(chosen):
                out[removed[x]] = True
        else:
            # Vessels that arrive close together.
            centre = np.random.randint(n)
            lo = max(0, centre - 2 * count)
            hi = min(n, centre + 2 * count)
            for _ in range(100):
                if chosen == count:
                    break
                v = by_arrival[lo + np.random.randint(hi - lo)]
                if not out[v]:
                    out[v] = True
                    removed[chosen] = v
                    chosen += 1
        for k in range(m):
            hit = False
            for q in range(lens[k]):
                if out[seqs[k, q]]:
                    hit = True
                    break
            if not hit:
                continue
            _save(seqs, lens, comp, costs, saved_seqs, saved_lens, saved_comp, saved_costs, touched, k)
            w = 0
            for q in range(lens[k]):
                j = seqs[k, q]
                if not out[j]:
                    seqs[k, w] = j
                    w += 1
            if w != lens[k]:
                lens[k] = w
                costs[k] = _recompute(a, h, o, seqs, lens, comp, k)
        for x in range(chosen):
            out[removed[x]] = False
        np.random.shuffle(removed[:chosen])
        if np.random.random() < 0.5:  # in order of arrival
            for x in range(1, chosen):
                y = x
                while y > 0 and a[removed[y]] < a[removed[y - 1]]:
                    removed[y], removed[y - 1] = removed[y - 1], removed[y]
                    y -= 1
        feasible = True
        for x in range(chosen):
            i = removed[x]
            _, k, p = _cheapest_insertion(a, h, o, c, d, seqs, lens, comp, i)
            if k < 0:
                feasible = False
                break
            _save(seqs, lens, comp, costs, saved_seqs, saved_lens, saved_comp, saved_costs, touched, k)
            for q in range(lens[k], p, -1):
                seqs[k, q] = seqs[k, q - 1]
            seqs[k, p] = i
            lens[k] += 1
            costs[k] = _recompute(a, h, o, seqs, lens, comp, k)
        if feasible:
            new_total = costs.sum()
            if new_total <= total or np.random.random() < np.exp((total - new_total) / temperature):
                total = new_total
                if total < best_total:
                    best_total = total
                    best_seqs[:] = seqs
                    best_lens[:] = lens
                touched[:] = False
                continue
        for k in range(m):
            if touched[k]:
                _copy_berth(saved_seqs, saved_lens, saved_comp, saved_costs, seqs, lens, comp, costs, k)
                touched[k] = False
    return best_total, best_seqs, best_lens


def anneal_counted(
    instance: BerthInstance,
    plan: pd.DataFrame,
    time_limit: float | None = 30.0,
    iterations: int | None = None,
    seed: int = 0,
    t_start: float = 0.5,
    t_end: float = 0.03,
    max_remove: int = 8,
    by_start: float = 0.5,
    chunk: int = 20_000,
    should_stop: Callable[[], bool] | None = None,
) -> tuple[pd.DataFrame, int]:
    """Improve a feasible berth plan by simulated annealing with ruin and recreate.

    Parameters
    ----------
    instance
        The DBAP instance.
    plan
        A feasible plan (``vessel, berth, start, end``).
    time_limit
        Seconds to run at most; None: no clock, run exactly ``iterations`` moves (reproducible for a
        seed).
    iterations
        Moves to run at most (default with no ``time_limit``: 200,000). The temperature falls with
        the larger of the shares of time and of moves used.
    seed
        Random seed.
    t_start, t_end
        First and last temperature as multiples of the mean allowed handling time.
    max_remove
        Most vessels taken out in one move (at least 2).
    by_start
        Share of moves that take out the vessels starting nearest one vessel (the others take out
        vessels that arrive close together).
    chunk
        Moves per compiled call between two looks at the clock.
    should_stop
        Asked between chunks; True stops the run (another thread has proved the plan optimal).

    Returns
    -------
    (DataFrame, int)
        The best plan found (``vessel, berth, start, end``), never worse than ``plan``, and the
        moves run (what a clocked run did, to run again without the clock).
    """
    n, m = instance.vessels, instance.berths
    seqs = np.zeros((m, n + 1), dtype=np.int64)
    lens = np.zeros(m, dtype=np.int64)
    for k, sequence in enumerate(sequences(instance, plan)):
        seqs[k, : len(sequence)] = sequence
        lens[k] = len(sequence)
    a = instance.arrival.astype(np.int64)
    h = instance.handling.astype(np.int64)
    o = instance.opening.astype(np.int64)
    c = instance.closing.astype(np.int64)
    d = instance.deadline.astype(np.int64)
    by_arrival = np.argsort(a, kind="stable").astype(np.int64)
    scale = float(h[h > 0].mean())
    t_from, t_to = t_start * scale, t_end * scale
    max_remove = max(2, min(int(max_remove), n))
    best_total: int | None = None
    best_seqs, best_lens = seqs.copy(), lens.copy()
    if time_limit is None and iterations is None:
        iterations = 200_000
    if iterations is not None and iterations <= 0:
        return to_plan(instance, [seqs[k, : lens[k]].tolist() for k in range(m)]), 0
    t0 = time.perf_counter()
    done, share = 0, 0.0
    while True:
        used = max(
            0.0 if time_limit is None else (time.perf_counter() - t0) / time_limit,
            0.0 if iterations is None else done / iterations,
        )
        if used >= 1.0 or (should_stop is not None and should_stop()):
            break
        moves = chunk if iterations is None else min(chunk, iterations - done)
        ahead = max(  # the share used after this chunk (the clock's, about)
            0.0 if time_limit is None else min(1.0, used + share),
            0.0 if iterations is None else (done + moves) / iterations,
        )
        hot, cold = t_from * (t_to / t_from) ** used, t_from * (t_to / t_from) ** ahead
        found, s, ln = _anneal(
            a,
            h,
            o,
            c,
            d,
            seqs,
            lens,
            by_arrival,
            moves,
            seed + done,
            hot,
            cold,
            max_remove,
            float(by_start),
            scale,
        )
        if best_total is None or found < best_total:
            best_total, best_seqs, best_lens = found, s, ln
        if time_limit is not None:
            share = (time.perf_counter() - t0) / time_limit - used
        done += moves
    return to_plan(instance, [best_seqs[k, : best_lens[k]].tolist() for k in range(m)]), done
