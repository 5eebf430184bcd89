"""Static plots (PNG) for the CLI's ``--plot``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def plot_cycles(cycles: pd.DataFrame, cell_id: str, out: Path) -> Path:
    """Discharge/charge capacity and coulombic efficiency against complete cycles, as a PNG.

    Incomplete cycles are left out; the title says how many.

    Parameters
    ----------
    cycles
        Per-cycle summary.
    cell_id
        Title.
    out
        PNG file to write.

    Returns
    -------
    Path
        ``out``.
    """
    from ..plotting import pyplot

    plt = pyplot()

    from .cycles import complete_cycles

    cycles, left_out = complete_cycles(cycles)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 6), sharex=True)
    top.plot(cycles["cycle_index"], cycles["discharge_capacity_ah"], ".", ms=3, label="discharge")
    top.plot(cycles["cycle_index"], cycles["charge_capacity_ah"], ".", ms=3, alpha=0.6, label="charge")
    top.set_ylabel("capacity (Ah)")
    top.legend()
    top.set_title(cell_id if not left_out else f"{cell_id} ({left_out} incomplete cycle(s) left out)")
    bottom.plot(cycles["cycle_index"], cycles["coulombic_efficiency"], ".", ms=3, color="tab:green")
    bottom.set_ylabel("coulombic efficiency")
    bottom.set_xlabel("cycle")
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


STEP_COLOURS = {
    "rest": "0.85",
    "cc_charge": "tab:red",
    "cv_charge": "tab:orange",
    "charge": "tab:pink",
    "cc_discharge": "tab:blue",
    "cv_discharge": "tab:cyan",
    "discharge": "tab:purple",
    "pulse": "tab:green",
    "ocv": "0.65",
}


def plot_steps(ts: pd.DataFrame, steps: pd.DataFrame, cell_id: str, out: Path) -> Path:
    """Voltage and current against time with each step shaded by its type, as a PNG."""
    from ..plotting import pyplot

    plt = pyplot()

    hours = ts["test_time_s"].to_numpy() / 3600.0
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 6), sharex=True)
    top.plot(hours, ts["voltage_v"], lw=0.7, color="k")
    bottom.plot(hours, ts["current_a"], lw=0.7, color="k")
    seen: set[str] = set()
    starts = steps["start_time_s"].to_numpy(dtype="float64") / 3600.0
    ends = steps["end_time_s"].to_numpy(dtype="float64") / 3600.0
    for kind, start, end in zip(steps["type"].astype(str), starts, ends, strict=True):
        colour = STEP_COLOURS.get(kind, "0.6")
        label = None if kind in seen else kind
        seen.add(kind)
        for axis in (top, bottom):
            axis.axvspan(start, end, color=colour, alpha=0.25, lw=0, label=label)
            label = None
    top.set_ylabel("voltage (V)")
    bottom.set_ylabel("current (A)")
    bottom.set_xlabel("test time (h)")
    top.set_title(f"{cell_id}: {len(steps)} steps")
    top.legend(loc="upper right", fontsize=7, ncol=4)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out
