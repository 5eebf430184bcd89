"""A third batch for the life intervals: capacity-only models across Severson's 2017 and Attia's 2019 cells.

The shared Severson files hold two batches (2017-05-12, 2017-06-30), so the default interval
(``group-cv+``, one fold per training batch) cannot be checked on a batch that neither fit nor
calibration saw. Attia et al. 2020 (Nature 578:397; ../shared/data/battery/clo/validation) cycled a
third batch of the same A123 APR18650M1A cells in 2019 to end of life: 45 cells, with the discharge
capacity of every cycle (``Qn.csv``, one row per cell, in the order of ``final_results.csv``) but no
Q(V) curves. So the check runs on features both sources give, the capacity series of cycles 2–100
(Severson: Q at 2.0 V of each ``Qdlin`` column; Attia: ``Qn``): max Q − Q2, the fade slope over
cycles 2–100 and over 91–100, and median Q of cycles 96–100 minus of cycles 10–14. Absolute
capacities are left out: the two sources measure them differently (the median Q2 is 1.059 Ah in
Severson's files, 1.051 Ah in Attia's).

Each batch is left out in turn; the same ``CycleLifeRegressor`` (elastic net on log10 life) is fitted
on the other two with ``group-cv+`` (folds by batch, the project's default for cells naming two
batches) and with shuffled ``cv+``; the left-out batch is scored (RMSE, mean % error, coverage and mean
width of nominal 90 % intervals). The capacity-only model is weak (Severson et al.: the first 100
cycles barely fade), so read the coverage columns, not the RMSE::

    python benchmarks/life_third_batch.py
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from gwangyang.battery.life import CycleLifeRegressor
from gwangyang.battery.life_predict import life_metrics
from gwangyang.battery.severson import load_severson

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "battery"
GLITCH_AH = 0.1
"""A cycle whose capacity is this far from the cell's median is a logging glitch (batch 1 reads ~31 Ah)."""


def capacity_features(capacity: np.ndarray) -> list[float]:
    """max Q − Q2, fade slope over cycles 2–100 and 91–100, median Q(96–100) − median Q(10–14)."""
    q = np.asarray(capacity, dtype="float64").copy()
    q[np.abs(q - np.nanmedian(q)) > GLITCH_AH] = np.nan
    cycles = np.arange(2, 2 + len(q))
    ok = np.isfinite(q)
    slope = np.polyfit(cycles[ok], q[ok], 1)[0]
    late = ok & (cycles >= 91)
    slope_late = np.polyfit(cycles[late], q[late], 1)[0]
    first = q[0] if np.isfinite(q[0]) else np.nanmedian(q[:3])
    return [
        float(np.nanmax(q) - first),
        float(slope),
        float(slope_late),
        float(np.nanmedian(q[-5:]) - np.nanmedian(q[8:13])),
    ]


def severson_cells() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, cycle life and batch of the 84 shared Severson cells."""
    data = load_severson(SHARED / "severson", require_life=True).sorted()
    features = np.array(
        [capacity_features(np.asarray(c.qdlin)[-1, :99]) for c in data.cells]
    )  # cycles 2..100
    return features, data.cycle_life, data.table["batch"].astype(str).to_numpy()


def attia_cells() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, cycle life and batch of Attia's 45 validation cells (Qn.csv rows in final_results order)."""
    folder = SHARED / "clo" / "validation"
    qn = pd.read_csv(folder / "Qn.csv", header=None).to_numpy(dtype="float64")
    final = pd.read_csv(folder / "final_results.csv", encoding="utf-8-sig")
    life = final.iloc[:, 3:].to_numpy(dtype="float64").ravel()  # protocol by protocol, cells R1..R5
    life = life[np.isfinite(life)]
    if len(life) != len(qn):
        raise SystemExit(f"{folder}: {len(qn)} rows of Qn.csv but {len(life)} lives in final_results.csv")
    # Qn's first column is cycle 1: cycles 2..100 are columns 1..99.
    features = np.array([capacity_features(row[1:100]) for row in qn])
    return features, life, np.full(len(life), "2019 (Attia)")


def main() -> None:
    warnings.filterwarnings("ignore", category=RuntimeWarning)
    parts = [severson_cells(), attia_cells()]
    x = np.vstack([p[0] for p in parts])
    life = np.concatenate([p[1] for p in parts])
    batch = np.concatenate([p[2] for p in parts])
    print("capacity-only elastic net, fitted on two batches, scored on the third (nominal 90 % intervals)")
    print(
        f"{'held out':<14} {'cells':>5} {'RMSE':>6} {'% err':>6} | {'group-cv+ cover':>15} {'width':>6} | {'cv+ cover':>9} {'width':>6}"
    )
    for held_batch in dict.fromkeys(batch):
        held = batch == held_batch
        cells: list[str] = []
        for mode in ("group-cv+", "cv+"):
            model = CycleLifeRegressor(conformal=mode)
            model.fit(x[~held], life[~held], groups=batch[~held] if mode == "group-cv+" else None)
            metrics = life_metrics(life[held], *model.predict_interval(x[held]))
            cells.append(
                f"{metrics['coverage']:>{15 if mode == 'group-cv+' else 9}.2f} {metrics['mean_width_cycles']:>6.0f}"
            )
        print(
            f"{held_batch:<14} {int(held.sum()):>5} {metrics['rmse_cycles']:>6.0f} {metrics['mean_percent_error']:>6.1f} | "
            + " | ".join(cells)
        )


if __name__ == "__main__":
    main()
