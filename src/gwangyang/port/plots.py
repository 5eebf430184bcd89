"""Matplotlib figures (Agg): berth Gantt charts with a KPI panel, berth plans, crane schedules."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from .berth_model import BerthPlan
    from .crane_model import CraneSchedule
    from .result import SimulationResult


def _gantt(
    ax: Axes,
    table: pd.DataFrame,
    row: str,
    start: str,
    end: str,
    label: str,
    arrival: str | None,
    rows: list[object] | None = None,
) -> None:
    """Bars of ``table`` on one line per ``row`` value: ``rows`` where given (lines kept empty), else the table's."""
    import matplotlib

    rows = rows if rows is not None else list(dict.fromkeys(table.sort_values(row)[row].tolist()))
    position = {name: i for i, name in enumerate(rows)}
    colors = matplotlib.colormaps["tab20"]
    for item in table.to_dict(orient="records"):
        y = position[item[row]]
        s, e = float(item[start]), float(item[end])
        ax.barh(
            y,
            e - s,
            left=s,
            height=0.8,
            color=colors(int(item[label]) % 20),
            edgecolor="black",
            lw=0.3,
        )
        if arrival is not None:
            ax.plot([float(item[arrival])] * 2, [y - 0.4, y + 0.4], color="red", lw=0.5)
    ax.set_yticks(range(len(rows)), [str(r) for r in rows])
    ax.invert_yaxis()


def simulation_title(result: SimulationResult, max_days: float) -> str:
    """The Gantt chart's title: how much of the run it draws (``first 14 of 365 days``, or the whole ``5 days``)."""
    span = (
        f"first {max_days:g} of {result.days:g} days" if result.days > max_days else f"{result.days:g} days"
    )
    return f"{result.scenario}: berth plan, {span} (seed {result.seed})"


def plot_simulation(result: SimulationResult, path: str | Path, max_days: float = 14.0) -> Path:
    """Berth Gantt chart of the first ``max_days`` days (red ticks: arrivals) beside a KPI table."""
    from ..plotting import pyplot

    plt = pyplot()

    from .result import KPI_UNITS

    path = Path(path)
    whole = result.gantt()
    berths = sorted(whole["berth"].unique().tolist())  # a berth idle in the drawn days keeps its (empty) line
    table = whole[whole["arrival_h"] < max_days * 24].copy()
    fig, (ax, panel) = plt.subplots(1, 2, figsize=(14, 6), gridspec_kw={"width_ratios": [3, 1]})
    if len(table):
        _gantt(ax, table, "berth", "start_h", "end_h", "vessel", "arrival_h", rows=berths)
    ax.set_xlabel("hours")
    ax.set_title(simulation_title(result, max_days))
    panel.axis("off")
    lines = [f"{k}: {v:,.3g} {KPI_UNITS.get(k, '')}" for k, v in result.kpis.items()]
    panel.text(0, 1, "\n".join(lines), va="top", family="monospace", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_berth_plan(plan: BerthPlan, path: str | Path) -> Path:
    """Gantt chart of a berth plan (berths down, time across)."""
    from ..plotting import pyplot

    plt = pyplot()

    path = Path(path)
    fig, ax = plt.subplots(figsize=(14, 6))
    _gantt(ax, plan.assignments, "berth", "start", "end", "vessel", None)
    ax.set_xlabel("time")
    ax.set_ylabel("berth")
    ax.set_title(plan.summary())
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_crane_schedule(schedule: CraneSchedule, path: str | Path) -> Path:
    """Crane schedule: bay against time, one colour per crane."""
    import matplotlib

    from ..plotting import pyplot

    plt = pyplot()

    path = Path(path)
    fig, ax = plt.subplots(figsize=(10, 5))
    colors = matplotlib.colormaps["tab10"]
    for task, crane, bay, start, end in (
        schedule.table[["task", "crane", "bay", "start", "end"]].to_numpy().tolist()
    ):
        ax.add_patch(
            matplotlib.patches.Rectangle(
                (start, bay - 0.4), end - start, 0.8, color=colors(int(crane) % 10), alpha=0.8
            )
        )
        ax.text((start + end) / 2, bay, str(task), ha="center", va="center", fontsize=7)
    ax.set_xlim(0, max(1.0, float(schedule.table["end"].max())))
    ax.set_ylim(0, float(schedule.table["bay"].max()) + 1)
    ax.set_xlabel("time")
    ax.set_ylabel("bay")
    ax.set_title(schedule.summary())
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
