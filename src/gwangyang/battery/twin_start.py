"""Every cycle's charge starts at the protocol's ``FROM``: a 1 C charge from the discharged cell to the window's start.

A protocol written ``RATES@FROM-TO`` charges from ``FROM`` % SOC. The twin started the first cycle there (PyBaMM's
initial SOC) and every later one from wherever the discharge to the lower voltage left the cell (about 0 %): a
``6-5-4@40-80`` cell charged its first steps at 40 % once, and at 0 % in every other cycle, without a word. Now a
cycle of a protocol with ``FROM`` above 0 begins with ``Charge at 1C for 60 FROM minutes or until LIMIT V`` (the SOC
the cycler counts from the end of the discharge: ``FROM`` × the nominal capacity), and the first cycle starts from
the discharged cell as the others do. A cycle whose 1 C charge ended on ``charge_limit_v`` before ``FROM`` is warned
(:func:`start_warnings`: once per cell, naming the first such cycle and the SOC its CC steps started at).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .protocols import ChargingProtocol
from .step_protocol import StepProtocol

START_RATE_C = 1.0
"""C-rate of the charge from the discharged cell to the window's start (as the twin's CC-CV charge after the steps)."""
START_TOLERANCE = 1e-3
"""Relative shortfall of that charge that counts as not reaching ``FROM`` (solver tolerance)."""


def start_steps(protocol: ChargingProtocol | StepProtocol, limit_v: float) -> list[str]:
    """The PyBaMM steps that bring the discharged cell to the protocol's start SOC (none when it starts at 0)."""
    if protocol.start_soc <= 0:
        return []
    minutes = 60.0 * protocol.start_soc / START_RATE_C
    return [f"Charge at {START_RATE_C:g}C for {minutes:.6g} minutes or until {limit_v:g} V"]


def start_table(
    solution: Any, protocol: ChargingProtocol | StepProtocol, nominal_ah: float, pybamm: Any
) -> pd.DataFrame:
    """Per cycle, ``start_soc_pct``: the SOC the CC steps started at (% of the nominal capacity).

    The charge of the start step (PyBaMM's own ``Discharge capacity [A.h]`` over it, negated) over the nominal
    capacity, counted from the end of the previous discharge (the first cycle: from the discharged cell); 0 for a
    protocol that starts at 0 %.
    """
    rows = []
    for c, cycle in enumerate(solution.cycles, start=1):
        charged = 0.0
        if protocol.start_soc > 0 and cycle.steps and not isinstance(cycle.steps[0], pybamm.EmptySolution):
            q = cycle.steps[0]["Discharge capacity [A.h]"].entries
            charged = float(q[0] - q[-1])
        rows.append((c, 100.0 * charged / nominal_ah))
    return pd.DataFrame(rows, columns=["cycle_index", "start_soc_pct"])


def start_warnings(
    starts: pd.DataFrame, protocol: ChargingProtocol | StepProtocol, limit_v: float, cell: int
) -> list[str]:
    """One line for a cell whose charge to ``FROM`` ended on ``charge_limit_v`` short of it (none when all reached it).

    Names the protocol, the cell, the first cycle that started short and its start SOC, and in how many cycles.
    """
    planned = 100.0 * protocol.start_soc
    if planned <= 0:
        return []
    short = starts.loc[starts["start_soc_pct"] < planned * (1.0 - START_TOLERANCE)]
    if short.empty:
        return []
    first = short.iloc[0]
    return [
        f"twin: protocol {protocol.name}, cell {cell}: cycle {int(first['cycle_index'])} started its CC steps at "
        f"{float(first['start_soc_pct']):.1f} % SOC, not {planned:.4g} %: the {START_RATE_C:g} C charge to the "
        f"window's start ended at charge_limit_v = {limit_v:g} V ({len(short)} of {len(starts)} cycle(s))."
    ]
