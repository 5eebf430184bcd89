"""RUL leave-one-cell-out on NASA PCoE B0005–B0007 and CALCE CS2_35/CS2_37 vs linear extrapolation.

Data: ../shared/data/battery/capacity (NASA PCoE battery data set; CALCE CS2 cells via
XiuzeZhou/RUL). For each cell, the other cells of the same data set are the templates; the cell's
history is cut at 25 %, 50 % and 75 % of its measured end of life (80 % of initial capacity) and
its end of life predicted. Peer: a straight line through the SOH history (the baseline the issue
names). Prints absolute RUL errors in cycles, their ratio, and interval coverage.

    .venv/bin/python benchmarks/health_rul.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from gwangyang.battery.health import TemplateRUL, eol_cycle, linear_eol, state_of_health

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "battery" / "capacity"
FRACTIONS = (0.25, 0.5, 0.75)


def run(name: str) -> pd.DataFrame:
    table = pd.read_csv(DATA / name)
    curves = {c: (g["cycle"].to_numpy(), g["capacity_ah"].to_numpy()) for c, g in table.groupby("cell")}
    rows = []
    for cell, (cycles, capacity) in curves.items():
        soh = state_of_health(capacity)
        true_eol = eol_cycle(cycles, soh)
        if true_eol is None:
            continue
        model = TemplateRUL().fit({k: v for k, v in curves.items() if k != cell})
        for fraction in FRACTIONS:
            cut = cycles <= fraction * true_eol
            now = float(cycles[cut][-1])
            estimate = model.predict(cycles[cut], capacity[cut])
            line = linear_eol(cycles[cut], soh[cut])
            low = estimate.eol_lower if estimate.eol_lower is not None else -np.inf
            high = estimate.eol_upper if estimate.eol_upper is not None else np.inf
            rows.append(
                {
                    "cell": cell,
                    "fraction": fraction,
                    "true_rul": true_eol - now,
                    "ours_rul": (estimate.eol_cycle or np.inf) - now,
                    "linear_rul": line - now,
                    "covered": low <= true_eol <= high,
                    "method": estimate.method,
                }
            )
    return pd.DataFrame(rows)


def main() -> None:
    print(f"{'data set':<28} {'life':>5} {'ours |err|':>11} {'linear |err|':>13} {'ratio':>6} {'covered':>8}")
    for name in ("nasa_pcoe_capacity.csv", "calce_cs2_capacity.csv"):
        result = run(name)
        for fraction, group in result.groupby("fraction"):
            ours = np.mean(np.abs(group["ours_rul"] - group["true_rul"]))
            line = np.mean(np.abs(group["linear_rul"] - group["true_rul"]))
            print(
                f"{name:<28} {fraction:>5.0%} {ours:>11.1f} {line:>13.1f} {ours / line:>6.2f} "
                f"{group['covered'].mean():>8.2f}"
            )
    print("CS2_35 ingested from its raw Arbin files: not run here (needs the CALCE reader).")


if __name__ == "__main__":
    main()
