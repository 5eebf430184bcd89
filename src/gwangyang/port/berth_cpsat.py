"""The CP-SAT model of dynamic berth allocation, its hint and the plan read back from a solution.

Per vessel: a start, an end and one literal per allowed berth, each presence literal of an optional
fixed-size interval on that berth's no-overlap. A redundant cumulative over every vessel's whole
interval (size = the chosen berth's handling time) says that at most ``m`` vessels are served at
once. It changes no solution, but with linearization level 2 CP-SAT derives completion-time cuts
from it (Queyranne-type inequalities for parallel machines), which lift CP-SAT's own bound far above
the sum of handling times that the optional intervals alone give.

Given berth-time prices ``mu >= 0`` (the multipliers of a Lagrangian relaxation of the time-indexed
formulation, :mod:`.lagrange`), the model also carries a Lagrangian cut: for every feasible plan,
total service time >= ``sum_i rc_i(s_i) - sum(mu) - sum(a)``, where ``rc_i(s)`` is the least priced
cost ``s + h_ik + sum(mu[k, s:s + h_ik])`` of starting vessel ``i`` at ``s`` on any allowed berth
(weak duality: the priced capacity terms are <= 0 when no berth serves two vessels at once). Each
``rc_i`` enters as its lower convex envelope over the integer starts, a handful of linear
inequalities, so CP-SAT's LP and propagation use it at no great cost; at the root it gives the
Lagrangian bound, and CP-SAT's search and other cuts may raise it (cost-based filtering with a
Lagrangian relaxation, Sellmann & Fahle 2003, Ann. Oper. Res. 118:17).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .berth_model import BerthInstance


@dataclass
class BerthCpModel:
    """A CP-SAT model with its start and end variables and, per vessel, the berth literals by berth."""

    model: Any
    starts: list[Any]
    ends: list[Any]
    chosen: list[dict[int, Any]]


_CUT_SCALE = 1000  # priced costs in thousandths of a time unit in the Lagrangian cut


def _lower_hull(x: np.ndarray, y: np.ndarray) -> list[tuple[int, int]]:
    """Vertices of the lower convex envelope of the points (x, y), x increasing (monotone chain)."""
    hull: list[tuple[int, int]] = []
    for p in zip(x.tolist(), y.tolist(), strict=True):
        while len(hull) >= 2:
            (x1, y1), (x2, y2) = hull[-2], hull[-1]
            if (x2 - x1) * (p[1] - y1) - (y2 - y1) * (p[0] - x1) <= 0:
                hull.pop()
            else:
                break
        hull.append(p)
    return hull


def _add_lagrangian_cut(
    model: Any, instance: BerthInstance, starts: list[Any], ends: list[Any], prices: np.ndarray
) -> None:
    """Add ``S * total >= sum_i r_i - ceil(S * (sum(mu) + sum(a)))``, ``r_i`` above ``S * rc_i``'s envelope."""
    from .lagrange import price_prefix, start_windows

    prefix = price_prefix(prices)
    priced = []
    for i, rows in enumerate(start_windows(instance)):
        first = min(lo for _, _, lo, _ in rows)
        last = max(hi for _, _, _, hi in rows)
        best = np.full(last - first + 1, np.inf)
        for k, h, lo, hi in rows:
            t = np.arange(lo, hi + 1)
            cost = t + h + prefix[k, t + h] - prefix[k, t]
            best[lo - first : hi - first + 1] = np.minimum(best[lo - first : hi - first + 1], cost)
        ok = np.isfinite(best)
        x = np.arange(first, last + 1)[ok]
        y = np.floor(_CUT_SCALE * best[ok] + 1e-9).astype(np.int64)
        hull = _lower_hull(x, y)
        r = model.new_int_var(int(y.min()), int(y.max()), f"rc{i}")
        for (x1, y1), (x2, y2) in itertools.pairwise(hull):
            # (x2 - x1) * r >= (x2 - x1) * y1 + (y2 - y1) * (s - x1): exact in integers.
            model.add((x2 - x1) * r >= (x2 - x1) * y1 + (y2 - y1) * (starts[i] - x1))
        if len(hull) == 1:
            model.add(r >= hull[0][1])
        priced.append(r)
    constant = int(np.ceil(_CUT_SCALE * (float(prices.sum()) + float(instance.arrival.sum())) - 1e-9))
    model.add(_CUT_SCALE * sum(ends) >= sum(priced) - constant + _CUT_SCALE * int(instance.arrival.sum()))


def build_model(instance: BerthInstance, prices: np.ndarray | None = None) -> BerthCpModel:
    """The CP-SAT model minimising total service time ``sum_i (end_i - a_i)``.

    Parameters
    ----------
    instance
        The DBAP instance.
    prices
        Berth-time prices (berths x horizon, >= 0) for the Lagrangian cut; None: no cut.

    Returns
    -------
    BerthCpModel
        The model and its variables.
    """
    from ortools.sat.python import cp_model

    n, m = instance.vessels, instance.berths
    model = cp_model.CpModel()
    horizon = int(max(instance.closing.max(), instance.deadline.max()))
    starts: list[Any] = []
    ends: list[Any] = []
    chosen: list[dict[int, Any]] = []
    whole: list[Any] = []
    per_berth: list[list[Any]] = [[] for _ in range(m)]
    for i in range(n):
        allowed = [k for k in range(m) if instance.allowed(i, k)]
        lo = int(min(max(instance.arrival[i], instance.opening[k]) for k in allowed))
        shortest = int(min(instance.handling[i, k] for k in allowed))
        longest = int(max(instance.handling[i, k] for k in allowed))
        hi = int(min(horizon, instance.deadline[i]))
        start = model.new_int_var(lo, hi, f"s{i}")
        end = model.new_int_var(min(lo + shortest, hi), hi, f"e{i}")
        size = model.new_int_var(shortest, longest, f"d{i}")
        whole.append(model.new_interval_var(start, size, end, f"v{i}"))
        lits = {}
        for k in allowed:
            h = int(instance.handling[i, k])
            lit = model.new_bool_var(f"x{i}_{k}")
            interval = model.new_optional_fixed_size_interval_var(start, h, lit, f"i{i}_{k}")
            model.add(start >= int(instance.opening[k])).only_enforce_if(lit)
            model.add(end <= int(min(instance.closing[k], instance.deadline[i]))).only_enforce_if(lit)
            per_berth[k].append(interval)
            lits[k] = lit
        model.add_exactly_one(lits.values())
        model.add(size == sum(int(instance.handling[i, k]) * lit for k, lit in lits.items()))
        model.add(start >= int(instance.arrival[i]))
        starts.append(start)
        ends.append(end)
        chosen.append(lits)
    for intervals in per_berth:
        model.add_no_overlap(intervals)
    model.add_cumulative(whole, [1] * n, m)
    if prices is not None:
        _add_lagrangian_cut(model, instance, starts, ends, prices)
    model.minimize(sum(ends) - int(instance.arrival.sum()))
    return BerthCpModel(model, starts, ends, chosen)


def add_hint(built: BerthCpModel, plan: pd.DataFrame) -> None:
    """Hint a plan (``vessel, berth, start, end``) to the model."""
    for i, k, s, e in plan[["vessel", "berth", "start", "end"]].to_numpy(dtype=np.int64).tolist():
        built.model.add_hint(built.starts[i], s)
        built.model.add_hint(built.ends[i], e)
        for kk, lit in built.chosen[i].items():
            built.model.add_hint(lit, kk == k)


def read_plan(built: BerthCpModel, solver: Any) -> pd.DataFrame:
    """The plan (``vessel, berth, start, end``) of the solver's best solution."""
    rows = []
    for i, lits in enumerate(built.chosen):
        k = next(kk for kk, lit in lits.items() if solver.boolean_value(lit))
        rows.append((i, k, solver.value(built.starts[i]), solver.value(built.ends[i])))
    return pd.DataFrame(rows, columns=["vessel", "berth", "start", "end"])
