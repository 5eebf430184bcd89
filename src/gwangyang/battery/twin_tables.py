"""The twin's PyBaMM solution as a cycler's file: the canonical time series and a per-cycle summary.

The time series is in the canonical schema (:mod:`gwangyang.battery.schema`: positive current charges, capacities
integrated from the sampled current, cumulative within a cycle); the summary has, per cycle, PyBaMM's own discharge
capacity (a check on ours), the loss of lithium inventory and the capacity lost to SEI and plating.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import schema as s
from .twin_parameters import pybamm_module


def twin_tables(solution: Any, nominal_ah: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Canonical time series and a per-cycle summary from a PyBaMM solution."""
    pybamm = pybamm_module()
    parts = []
    summary = []
    for c, cycle in enumerate(solution.cycles, start=1):
        for k, step in enumerate(cycle.steps, start=1):
            if isinstance(step, pybamm.EmptySolution):
                continue  # a step whose end condition already held (e.g. CC to 4.2 V when there)
            t = step["Time [s]"].entries
            parts.append(
                pd.DataFrame(
                    {
                        s.TIME: t,
                        s.CYCLE: c,
                        s.STEP: k,
                        s.CURRENT: -step["Current [A]"].entries,  # PyBaMM: positive discharges
                        s.VOLTAGE: step["Voltage [V]"].entries,
                        s.TEMPERATURE: step["Volume-averaged cell temperature [C]"].entries,
                    }
                )
            )
        # PyBaMM's own discharge capacity, integrated by its solver: a check on ours from sampled current.
        solver_discharge = sum(
            float(step["Discharge capacity [A.h]"].entries[-1] - step["Discharge capacity [A.h]"].entries[0])
            for step in cycle.steps
            if not isinstance(step, pybamm.EmptySolution) and float(step["Current [A]"].entries.mean()) > 0
        )
        summary.append(
            {
                "cycle_index": c,
                "solver_discharge_ah": solver_discharge,
                "lli_percent": float(cycle["Loss of lithium inventory [%]"].entries[-1]),
                "sei_loss_ah": float(cycle["Loss of capacity to negative SEI [A.h]"].entries[-1]),
                "plating_loss_ah": float(
                    cycle["Loss of capacity to negative lithium plating [A.h]"].entries[-1]
                ),
            }
        )
    ts = pd.concat(parts, ignore_index=True)
    ts = ts.loc[~ts.duplicated([s.TIME], keep="last")].reset_index(drop=True)
    charge = np.zeros(len(ts))
    discharge = np.zeros(len(ts))
    for _cycle, idx in ts.groupby(s.CYCLE).indices.items():
        t = ts[s.TIME].to_numpy()[idx]
        i = ts[s.CURRENT].to_numpy()[idx]
        dt = np.diff(t)
        mid_charge = 0.5 * (np.maximum(i[1:], 0) + np.maximum(i[:-1], 0)) * dt / 3600.0
        mid_discharge = 0.5 * (np.maximum(-i[1:], 0) + np.maximum(-i[:-1], 0)) * dt / 3600.0
        charge[idx] = np.concatenate([[0.0], np.cumsum(mid_charge)])
        discharge[idx] = np.concatenate([[0.0], np.cumsum(mid_discharge)])
    ts[s.CHARGE_CAPACITY] = charge
    ts[s.DISCHARGE_CAPACITY] = discharge
    ts = s.finalize(ts, Path("twin"))
    per_cycle = ts.groupby(s.CYCLE).agg(
        charge_capacity_ah=(s.CHARGE_CAPACITY, "max"), discharge_capacity_ah=(s.DISCHARGE_CAPACITY, "max")
    )
    table = pd.DataFrame(summary).merge(per_cycle, left_on="cycle_index", right_index=True)
    table["retention"] = table["discharge_capacity_ah"] / nominal_ah
    return ts, table
