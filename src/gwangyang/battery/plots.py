"""Static plots (PNG) for the CLI's ``--plot``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def plot_cycles(cycles: pd.DataFrame, cell_id: str, out: Path) -> Path:
    """Discharge/charge capacity and coulombic efficiency against cycle, as a PNG.

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

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 6), sharex=True)
    top.plot(cycles["cycle_index"], cycles["discharge_capacity_ah"], ".", ms=3, label="discharge")
    top.plot(cycles["cycle_index"], cycles["charge_capacity_ah"], ".", ms=3, alpha=0.6, label="charge")
    top.set_ylabel("capacity (Ah)")
    top.legend()
    top.set_title(cell_id)
    bottom.plot(cycles["cycle_index"], cycles["coulombic_efficiency"], ".", ms=3, color="tab:green")
    bottom.set_ylabel("coulombic efficiency")
    bottom.set_xlabel("cycle")
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out
