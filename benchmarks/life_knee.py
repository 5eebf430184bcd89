"""Knee and knee onset: ours vs the code of Attia et al. 2022 (J. Electrochem. Soc. 169:060517).

Peer: the knee functions of valentinsulzer/kneepoint-review (``code/figure_knee_identification_methods.py``),
re-typed below in a few lines: Bacon–Watts as a Nelder–Mead fit of
``q = p0 + p1 r + p2 r tanh(r / 1e-5)``, ``r = n − p3``, started from ``p = (100, −0.01, −0.01, 400)``
on capacity in %; Kneedle as the largest ``(t_n + q_n)/√2`` of the normalised curve rotated by 45°.
Data: full-life capacity curves of NASA PCoE B0005–B0007 and CALCE CS2_35/CS2_37
(../shared/data/battery/capacity). Prints, per cell and method, both knees, their difference, the
least-squares residual of both Bacon–Watts fits, and both timings with their ratio.

The issue's acceptance check (agreement with ../shared/data/battery/knee/, the review's knees of
116 Severson cells) needs those cells' full-life capacity curves, which the shared data do not
hold (its severson/ folder stops at cycle 100). Give them with ``--capacity FILE`` (CSV: ``cell``
named as in the knee table, e.g. ``b1c0``, ``cycle``, ``capacity_ah``) to print the median absolute
difference in cycles per algorithm.

    .venv/bin/python benchmarks/life_knee.py [--capacity severson_capacity.csv]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from gwangyang.battery.knee import find_knee

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "battery"
KNEE_TABLE = DATA / "knee" / "severson2019_EOL-2-knee-All-algorithms.csv"
REFERENCE_COLUMNS = {"bacon-watts": ("BW_point", "BW_onset"), "kneedle": ("kneedle_point", None)}
"""Columns of the review's knee table for each of our methods: (knee, onset)."""


def review_bacon_watts(t: np.ndarray, q: np.ndarray) -> tuple[float, float]:
    """The review's Bacon–Watts knee and its residual sum of squares."""

    def loss(p: np.ndarray) -> float:
        r = t - p[3]
        return float(np.sum((q - (p[0] + p[1] * r + p[2] * r * np.tanh(r / 1e-5))) ** 2))

    result = minimize(loss, np.array([100, -0.01, -0.01, 400.0]), method="Nelder-Mead")
    return float(result.x[3]), float(result.fun)


def review_kneedle(t: np.ndarray, q: np.ndarray) -> float:
    """The review's Kneedle knee."""
    t_n, q_n = (t - t.min()) / np.ptp(t), (q - q.min()) / np.ptp(q)
    s = 0.5**0.5
    x, y = s * t_n - s * q_n, s * t_n + s * q_n
    i = int(np.argmax(y))
    return float(s * (x[i] + y[i]) * np.ptp(t) + t.min())


def hinge_sse(t: np.ndarray, q: np.ndarray, knee: float) -> float:
    r = t - knee
    design = np.column_stack([np.ones_like(t), r, np.abs(r)])
    coef, *_ = np.linalg.lstsq(design, q, rcond=None)
    return float(np.sum((q - design @ coef) ** 2))


def curves() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    out = {}
    for name in ("nasa_pcoe_capacity.csv", "calce_cs2_capacity.csv"):
        table = pd.read_csv(DATA / "capacity" / name).dropna(subset=["cycle", "capacity_ah"])
        for cell, group in table.sort_values(["cell", "cycle"]).groupby(
            "cell"
        ):  # initial capacity: first cycles
            capacity = group["capacity_ah"].to_numpy(dtype=float)
            out[str(cell)] = (
                group["cycle"].to_numpy(dtype=float),
                100.0 * capacity / np.median(capacity[:5]),
            )
    return out


def compare_with_review() -> None:
    print(
        "Ours (unsmoothed, as the review) vs the review's code, knee cycle; BW residual sum of squares (%²)"
    )
    print(
        f"{'cell':<7} {'BW ours':>8} {'BW review':>10} {'|diff|':>7} {'SSE ours':>9} {'SSE review':>11} "
        f"{'KN ours':>8} {'KN review':>10} {'ours s':>7} {'review s':>9} {'ratio':>6}"
    )
    for cell, (t, q) in curves().items():
        start = time.perf_counter()
        bw = find_knee(t, q, "bacon-watts", smooth=False)
        kn = find_knee(t, q, "kneedle", smooth=False)
        ours_s = time.perf_counter() - start
        start = time.perf_counter()
        their_bw, their_sse = review_bacon_watts(t, q)
        their_kn = review_kneedle(t, q)
        review_s = time.perf_counter() - start
        assert bw.knee_cycle is not None and kn.knee_cycle is not None
        print(
            f"{cell:<7} {bw.knee_cycle:>8.1f} {their_bw:>10.1f} {abs(bw.knee_cycle - their_bw):>7.1f} "
            f"{hinge_sse(t, q, bw.knee_cycle):>9.1f} {their_sse:>11.1f} {kn.knee_cycle:>8.1f} {their_kn:>10.1f} "
            f"{ours_s:>7.3f} {review_s:>9.3f} {ours_s / review_s:>6.2f}"
        )
    print(
        "ours s includes the knee onset (double Bacon–Watts), which the review's figure code does not compute."
    )


def compare_with_table(capacity_file: Path, knee_table: Path = KNEE_TABLE) -> dict[str, float]:
    """Median |ours − theirs| per method and point over the cells both files name; printed, and returned.

    The knee table may hold other algorithms' columns, or lack some of ours (those are said and skipped);
    cells are matched by name as text, and each cell's capacity rows are put in cycle order.
    """
    reference = pd.read_csv(knee_table)
    reference = reference.set_index(reference["Cell"].astype(str).str.strip())
    table = pd.read_csv(capacity_file)
    columns = {
        method: (knee, onset if onset in reference.columns else None)
        for method, (knee, onset) in REFERENCE_COLUMNS.items()
        if knee in reference.columns
    }
    absent = [knee for knee, _ in REFERENCE_COLUMNS.values() if knee not in reference.columns]
    if absent:
        print(f"{knee_table.name}: no column {', '.join(absent)}; those methods are not compared")
    differences: dict[str, list[float]] = {}
    for cell, group in table.groupby(table["cell"].astype(str).str.strip()):
        if cell not in reference.index:
            continue
        group = group.sort_values("cycle")
        t, q = group["cycle"].to_numpy(dtype=float), group["capacity_ah"].to_numpy(dtype=float)
        for method, (knee_column, onset_column) in columns.items():
            theirs = float(reference.loc[cell, knee_column])
            if not np.isfinite(theirs):
                continue  # the algorithm found no knee in this cell
            found = find_knee(t, q, method, smooth=False)
            assert found.knee_cycle is not None
            differences.setdefault(f"{method} knee", []).append(abs(found.knee_cycle - theirs))
            if onset_column is not None and found.onset_cycle is not None:
                onset = float(reference.loc[cell, onset_column])
                if np.isfinite(onset):
                    differences.setdefault(f"{method} onset", []).append(abs(found.onset_cycle - onset))
    print(f"Agreement with {knee_table.name} (Attia et al. 2022): median |ours − theirs| in cycles")
    for name, values in differences.items():
        print(f"{name:<18} {np.median(values):>8.1f}  ({len(values)} cells)")
    return {name: float(np.median(values)) for name, values in differences.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--capacity", type=Path, help="full-life capacity curves of the knee table's cells")
    parser.add_argument(
        "--knee-table", type=Path, default=KNEE_TABLE, help="knee table (default: the shared one)"
    )
    args = parser.parse_args()
    compare_with_review()
    if args.capacity is not None:
        compare_with_table(args.capacity, args.knee_table)
    else:
        print(
            f"Severson knee table: not compared: the shared data hold no full-life capacity curves of its "
            f"{len(pd.read_csv(KNEE_TABLE))} cells (pass --capacity FILE)."
        )


if __name__ == "__main__":
    main()
