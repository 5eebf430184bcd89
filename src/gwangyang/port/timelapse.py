"""A time-lapse of the move-level AGV model: where every vehicle is, frame by frame, for the port page."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import InputError
from .agv import MoveModel
from .agv_plan import FleetPlan
from .lanes import build_layout


def timelapse(
    plan: FleetPlan, minutes: float = 20.0, seed: int = 0, step_s: float = 15.0, warmup_h: float = 0.25
) -> dict[str, Any]:
    """A time-lapse of the yard and vehicles: AGV positions every ``step_s`` over ``minutes``.

    Runs the move-level model (after ``warmup_h``) recording every AGV's drive along each lane
    segment; positions between the segment's ends are linear in time. Returns the layout
    (:meth:`~gwangyang.port.lanes.Layout.to_dict`), the quay cranes' and blocks' coordinates, and ``frames``: per frame
    the minute, each AGV's ``x``/``y`` (metres, rounded), whether it drives loaded and which cranes
    wait for a vehicle at that moment.
    """
    if minutes <= 0 or step_s <= 0:
        raise InputError(f"timelapse: minutes and step_s must be > 0, got {minutes} and {step_s}")
    layout = build_layout(plan.cranes, plan.blocks, plan.quay_length_m, plan.settings)
    model = MoveModel(plan, layout, seed, warmup_h, warmup_h + minutes / 60.0)
    model.trace = []
    for i in range(plan.cranes):
        model.env.process(model.crane(i))
    model.env.run(until=model.end)
    xy = layout.xy
    start = {a.index: a for a in model.agvs}
    drives: dict[int, list[tuple[float, float, int, int, bool]]] = {a: [] for a in start}
    for t0, t1, agv, u, v, loaded in model.trace:
        drives[agv].append((t0, t1, u, v, loaded))
    first_node = {a: (drives[a][0][2] if drives[a] else start[a].node) for a in start}
    times = np.arange(model.warmup, model.end + 1e-9, step_s / 60.0)
    frames = []
    pointer = dict.fromkeys(start, -1)
    for t in times.tolist():
        xs, ys, loaded_now = [], [], []
        for a in sorted(start):
            rows = drives[a]
            k = pointer[a]
            while k + 1 < len(rows) and rows[k + 1][0] <= t:
                k += 1
            pointer[a] = k
            if k < 0:
                x, y = float(xy[first_node[a]][0]), float(xy[first_node[a]][1])
                carrying = False
            else:
                t0, t1, u, v, carrying = rows[k]
                share = 1.0 if t >= t1 or t1 <= t0 else (t - t0) / (t1 - t0)
                x, y = xy[u] + share * (xy[v] - xy[u])
            xs.append(round(float(x), 1))
            ys.append(round(float(y), 1))
            loaded_now.append(int(carrying))
        waiting = sorted({c for w0, w1, c in model.crane_waits if w0 <= t < w1})
        frames.append(
            {"minute": round(t - model.warmup, 3), "x": xs, "y": ys, "loaded": loaded_now, "waiting": waiting}
        )
    return {
        "scenario": plan.name,
        "dispatch": plan.dispatch,
        "agvs": plan.agvs,
        "cranes": plan.cranes,
        "step_s": step_s,
        "layout": layout.to_dict(),
        "quay": [[float(xy[n][0]), float(xy[n][1])] for n in layout.quay],
        "blocks": [[float(xy[n][0]), float(xy[n][1])] for n in layout.blocks],
        "frames": frames,
    }
