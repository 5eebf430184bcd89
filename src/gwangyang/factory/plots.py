"""PNG plots of monitoring results and SPC charts (matplotlib, Agg backend, imported only when plotting)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from .control_chart import Chart
from .streaming import ScoreResult


def _pyplot() -> Any:
    from ..plotting import pyplot

    return pyplot()


def plot_scores(result: ScoreResult, path: str | Path, title: str = "") -> Path:
    """T² and Q against row, with their limits and alarm periods shaded; written to ``path``.

    When there are alarms, a third panel is the contribution plot of the longest one: each named
    variable's share of ``T²/T²lim + Q/Qlim`` summed over the alarm's rows.
    """
    plt = _pyplot()
    longest = max(result.alarms, key=lambda a: a.rows) if result.alarms else None
    if longest is None:
        fig, axes = plt.subplots(2, 1, figsize=(10, 6), sharex=True)
    else:
        fig = plt.figure(figsize=(10, 8.5))
        grid = fig.add_gridspec(3, 1, height_ratios=[1, 1, 0.8])
        first = fig.add_subplot(grid[0])
        axes = [first, fig.add_subplot(grid[1], sharex=first)]
        bars = fig.add_subplot(grid[2])
        names = [v["variable"] for v in longest.top_variables][::-1]
        shares = [100.0 * v["share"] for v in longest.top_variables][::-1]
        bars.barh(names, shares, color="tab:orange")
        bars.set_xlabel("share of the alarm's T²/T²lim + Q/Qlim (%)")
        bars.set_title(
            f"variables behind the longest alarm (rows {longest.start_index}-{longest.end_index})", fontsize=9
        )
    x = np.arange(len(result.t2))
    for ax, values, limit, label in (
        (axes[0], result.t2, result.t2_limit, "T²"),
        (axes[1], result.q, result.q_limit, "Q"),
    ):
        ax.semilogy(x, np.where(values > 0, values, np.nan), lw=0.8, color="tab:blue", label=label)
        ax.axhline(limit, color="tab:red", ls="--", lw=1, label=f"limit {limit:.3g}")
        for alarm in result.alarms:
            ax.axvspan(alarm.start_index, alarm.end_index + 1, color="tab:orange", alpha=0.2, lw=0)
        ax.set_ylabel(label)
        ax.legend(loc="upper left", fontsize=8)
    axes[1].set_xlabel("row")
    fig.suptitle(title or f"{result.method}: {len(result.alarms)} alarm(s), k = {result.k}")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return Path(path)


def plot_charts(charts: list[Chart], path: str | Path, title: str = "") -> Path:
    """One panel per control chart, with centre line, limits and out-of-control points."""
    plt = _pyplot()
    fig, axes = plt.subplots(len(charts), 1, figsize=(10, 2.6 * len(charts)), squeeze=False)
    for ax, chart in zip(axes[:, 0], charts, strict=True):
        x = np.arange(len(chart.values))
        ax.plot(x, chart.values, lw=0.8, marker=".", ms=3, color="tab:blue")
        ax.axhline(chart.center, color="gray", lw=0.8)
        for bound in (chart.lower, chart.upper):
            if np.isfinite(bound).any():
                ax.plot(x, bound, color="tab:red", ls="--", lw=0.8)
        bad = np.nonzero(chart.out_of_control)[0]
        ax.plot(bad, chart.values[bad], "o", color="tab:red", ms=4, ls="none")
        ax.set_ylabel(chart.name)
    axes[-1, 0].set_xlabel("sample")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return Path(path)
