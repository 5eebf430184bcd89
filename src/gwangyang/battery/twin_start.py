"""Every cycle's charge starts at the protocol's ``FROM``: a 1 C charge from the discharged cell to the window's start.

A protocol written ``RATES@FROM-TO`` charges from ``FROM`` % SOC. The twin started the first cycle there (PyBaMM's
initial SOC) and every later one from wherever the discharge to the lower voltage left the cell (about 0 %): a
``6-5-4@40-80`` cell charged its first steps at 40 % once, and at 0 % in every other cycle, without a word. Now a
cycle of a protocol with ``FROM`` above 0 begins with ``Charge at 1C for 60 FROM minutes or until LIMIT V`` (1 C by
default, :data:`START_RATE_C`; ``start_c`` another rate, ``60 FROM / start_c`` minutes) (the SOC
the cycler counts from the end of the discharge: ``FROM`` × the nominal capacity), and the first cycle starts from
the discharged cell as the others do. A cycle whose 1 C charge ended on ``charge_limit_v`` before ``FROM`` is warned
(:func:`start_warnings`: once per cell, naming the first such cycle and the SOC its CC steps started at).

"The discharged cell" is the same cell in every cycle: the first cycle starts from PyBaMM's ``initial_soc = 0`` (the
stoichiometries at which the open-circuit voltage is the set's lower cut-off), every later one from where the
discharge left it. A 1 C constant-current discharge of the A123 SPM (Prada2013) to 2.0 V returned 1.939 of the
2.302 Ah charged: the LFP particles' solid diffusion (5.9e-18 m2/s over 50 nm) brings their surface to the end of
the plateau while their mean is at 0.593 of the 0.704 the first cycle started at, so cycles 2 and later started
0.363 Ah (15.8 % of the nominal capacity) fuller than the first (by PyBaMM's own ``Experiment``: a C/20 discharge
after it takes out 0.344 Ah more). The twin now discharges as Attia et al. 2020 did, CC-CV: ``lower_voltage_v`` is
held until ``discharge_cv_cutoff_c`` (C/20), which leaves 0.028 Ah (1.2 %). Each cycle's start is measured,
``start_drift_pct`` (:func:`start_table`: the charge the cell kept since the first cycle's start, by PyBaMM's own
coulomb count, less the lithium lost to side reactions), and a drift beyond :data:`DRIFT_TOLERANCE_PCT` is warned
(:func:`drift_warnings`).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from ..errors import InputError
from ..written import as_written
from .protocols import ChargingProtocol
from .step_protocol import MAX_C_RATE, StepProtocol

START_RATE_C = 1.0
"""Default C-rate of the charge from the discharged cell to the window's start (as the twin's CC-CV charge after the
steps); ``simulate(start_c=...)``, ``--start-c``, the API's ``start_c`` set another (:func:`check_start_rate`)."""
MIN_START_RATE_C = 0.05
"""Lowest C-rate of that charge: C/20, the rate at which the twin's CV holds end (``cv_cutoff_c`` and
``discharge_cv_cutoff_c`` of the shipped configs, Attia 2020's C/20). Only ``> 0`` was asked before, so ``1e-6``
planned a charge of 60 FROM / 1e-6 minutes (40 %: 46 years); at C/20 the longest start (to 100 %) is 20 hours."""
START_TOLERANCE = 1e-3
"""Relative shortfall of that charge that counts as not reaching ``FROM`` (solver tolerance)."""
DRIFT_TOLERANCE_PCT = 2.0
"""% of the nominal capacity by which a cycle may start away from the first cycle's start without a warning (the
shipped A123 config's CC-CV discharge leaves 1.2 %)."""
_THROUGHPUT = "Discharge capacity [A.h]"
_LOST = "Total capacity lost to side reactions [A.h]"


def check_start_rate(rate_c: Any) -> float:
    """``rate_c`` as the C-rate of the charge to the window's start, if it is one the twin runs.

    Raises
    ------
    InputError
        Not a number, or below :data:`MIN_START_RATE_C` (C/20) or above :data:`~.step_protocol.MAX_C_RATE` (the CC
        steps' own bound), in one line naming ``start_c`` and the range.
    """
    try:
        rate = float(rate_c)
    except (TypeError, ValueError):
        rate = math.nan
    if isinstance(rate_c, bool) or not math.isfinite(rate) or not MIN_START_RATE_C <= rate <= MAX_C_RATE:
        raise InputError(
            f"start_c: expected a C-rate from {MIN_START_RATE_C:g} (C/20) to {MAX_C_RATE:g} C (the charge to the "
            f"protocol's FROM), got {as_written(rate_c)}."
        )
    return rate


def start_steps(
    protocol: ChargingProtocol | StepProtocol, limit_v: float, rate_c: float = START_RATE_C
) -> list[str]:
    """The PyBaMM steps that bring the discharged cell to the protocol's start SOC at ``rate_c`` (none from 0 %)."""
    if protocol.start_soc <= 0:
        return []
    minutes = 60.0 * protocol.start_soc / rate_c
    return [f"Charge at {rate_c:.6g}C for {minutes:.6g} minutes or until {limit_v:g} V"]


def start_table(
    solution: Any, protocol: ChargingProtocol | StepProtocol, nominal_ah: float, pybamm: Any
) -> pd.DataFrame:
    """Per cycle, ``start_soc_pct``: the SOC the CC steps started at, and ``start_drift_pct``: where the cycle started.

    ``start_soc_pct`` is the charge of the start step (PyBaMM's own ``Discharge capacity [A.h]`` over it, negated)
    over the nominal capacity, counted from the end of the previous discharge (the first cycle: from the discharged
    cell); 0 for a protocol that starts at 0 %. ``start_drift_pct`` is the charge the cell holds at the cycle's start
    beyond what it held at the first cycle's (charged less discharged since, by PyBaMM's ``Discharge capacity [A.h]``,
    less its ``Total capacity lost to side reactions [A.h]`` since), over the nominal capacity; 0 in cycle 1.
    """
    rows = []
    first: tuple[float, float] | None = None
    for c, cycle in enumerate(solution.cycles, start=1):
        charged = 0.0
        if protocol.start_soc > 0 and cycle.steps and not isinstance(cycle.steps[0], pybamm.EmptySolution):
            q = cycle.steps[0][_THROUGHPUT].entries
            charged = float(q[0] - q[-1])
        state = (float(cycle[_THROUGHPUT].entries[0]), float(cycle[_LOST].entries[0]))
        first = first or state
        # Kept since the first cycle's start: charged in less discharged out, less what side reactions consumed.
        kept = (first[0] - state[0]) - (state[1] - first[1])
        rows.append((c, 100.0 * charged / nominal_ah, 100.0 * kept / nominal_ah))
    return pd.DataFrame(rows, columns=["cycle_index", "start_soc_pct", "start_drift_pct"])


def start_warnings(
    starts: pd.DataFrame,
    protocol: ChargingProtocol | StepProtocol,
    limit_v: float,
    cell: int,
    rate_c: float = START_RATE_C,
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
        f"{float(first['start_soc_pct']):.1f} % SOC, not {planned:.4g} %: the {rate_c:g} C charge to the "
        f"window's start ended at charge_limit_v = {limit_v:g} V ({len(short)} of {len(starts)} cycle(s))."
    ]


def drift_warnings(
    starts: pd.DataFrame, protocol: ChargingProtocol | StepProtocol, lower_v: float, cell: int
) -> list[str]:
    """One line for a cell whose cycles started more than :data:`DRIFT_TOLERANCE_PCT` away from the first cycle's start.

    Names the protocol, the cell, the first such cycle, its drift (% of the nominal capacity, signed: above
    is fuller) and in how many cycles; none when ``starts`` has no ``start_drift_pct`` (a result of an older twin).
    """
    if "start_drift_pct" not in starts:
        return []
    drift = starts["start_drift_pct"].astype("float64")
    beyond = starts.loc[drift.abs() > DRIFT_TOLERANCE_PCT]
    if beyond.empty:
        return []
    first = beyond.iloc[0]
    return [
        f"twin: protocol {protocol.name}, cell {cell}: cycle {int(first['cycle_index'])} started "
        f"{float(first['start_drift_pct']):+.1f} % of the nominal capacity from the first cycle's state of charge "
        f"({len(beyond)} of {len(starts)} cycle(s) beyond {DRIFT_TOLERANCE_PCT:g} %): the discharge to "
        f"lower_voltage_v = {lower_v:g} V did not bring the cell back to where the first cycle started, so the "
        "SOC of its steps counts from another state (cycling.discharge_cv_cutoff_c holds the lower voltage until "
        "that C-rate)."
    ]
