"""The twin's constant-current steps as they ran: which ended on ``charge_limit_v`` and the SOC they reached.

Each CC step of a protocol is ``Charge at cC for 60 w / c minutes or until LIMIT V``. A step that reaches the voltage
limit ends early, and the cell then takes less charge than the step's planned SOC width ``w`` (the CC-CV step after
the protocol charges the rest at 1 C). A Chen2020 cell (5 Ah) under ``3@0-80`` took 2.57 Ah in its 3 C step, not the
4 Ah of 80 % SOC. That was silent; :func:`cc_step_table` records it per cycle and step, :func:`cc_limit_warnings`
says it in one line per cell naming the protocol and the steps.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from .protocols import ChargingProtocol
from .step_protocol import MAX_C_RATE, StepProtocol

SHORT_TOLERANCE = 1e-3
"""Relative shortfall of a step's charge below its planned charge that counts as short (solver tolerance)."""
STEP_COLUMNS = ("cycle_index", "step", "c_rate", "planned_ah", "charged_ah", "at_limit")
"""Columns of :func:`cc_step_table`."""


def check_rates(protocol: ChargingProtocol | StepProtocol) -> None:
    """Refuse a step faster than :data:`~.step_protocol.MAX_C_RATE` (PyBaMM cannot even read ``1.35108e+06C``).

    Attia's ``3.6-3.6-3.6`` leaves 10 minutes less a rounding error for CC4: a CC4 above 10^6 C reached PyBaMM,
    which failed with a ValueError instead of a message.

    Raises
    ------
    InputError
        A step above :data:`~.step_protocol.MAX_C_RATE`, named with its number and rate.
    """
    for k, (rate, _) in enumerate(protocol.steps(), start=1):
        if rate > MAX_C_RATE:
            raise InputError(
                f"twin: protocol {protocol.name}: step {k} at {rate:.6g} C; the twin simulates steps up to "
                f"{MAX_C_RATE:g} C."
            )


def _at_limit(step: Any, pybamm: Any, charged: float, planned: float) -> bool:
    """True when the step ended on its voltage event (or never ran: the voltage already held the limit)."""
    if isinstance(step, pybamm.EmptySolution):
        return True
    termination = str(getattr(step, "termination", ""))
    return termination.startswith("event") or charged < planned * (1.0 - SHORT_TOLERANCE)


def cc_step_table(
    solution: Any, protocol: ChargingProtocol | StepProtocol, nominal_ah: float, pybamm: Any
) -> pd.DataFrame:
    """One row per cycle and CC step of the protocol: its C-rate, planned and charged Ah, and whether it ended on the limit.

    Parameters
    ----------
    solution
        The PyBaMM solution of the experiment (each cycle's first steps are the protocol's CC steps).
    protocol
        The protocol simulated.
    nominal_ah
        The capacity the C-rates were taken from (a step's planned charge is its SOC width times it).
    pybamm
        The PyBaMM module.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`STEP_COLUMNS`; ``charged_ah`` is PyBaMM's own ``Discharge capacity [A.h]`` over the step
        (integrated by its solver), negated.
    """
    rows = []
    first = 1 if protocol.start_soc > 0 else 0  # the charge to the window's start (twin_start.start_steps)
    for c, cycle in enumerate(solution.cycles, start=1):
        for k, ((rate, width), step) in enumerate(
            zip(protocol.steps(), cycle.steps[first:], strict=False), start=1
        ):
            planned = width * nominal_ah
            if isinstance(step, pybamm.EmptySolution):
                charged = 0.0
            else:
                q = step["Discharge capacity [A.h]"].entries
                charged = float(q[0] - q[-1])
            at_limit = _at_limit(step, pybamm, charged, planned)
            rows.append((c, k, float(rate), planned, charged, at_limit))
    return pd.DataFrame(rows, columns=list(STEP_COLUMNS))


def cycle_columns(
    steps: pd.DataFrame,
    protocol: ChargingProtocol | StepProtocol,
    nominal_ah: float,
    starts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per cycle: ``cc_steps_at_limit`` and the SOC the CC steps reached against the planned one (both in %).

    ``cc_soc_reached_pct`` is the SOC the cycle's CC steps started at (``starts``' ``start_soc_pct``, from
    :func:`~.twin_start.start_table`; without it the window's start) plus the CC steps' charge over the nominal
    capacity; ``cc_soc_planned_pct`` the window's end.
    """
    per_cycle = steps.groupby("cycle_index").agg(
        cc_steps_at_limit=("at_limit", "sum"), cc_charged_ah=("charged_ah", "sum")
    )
    per_cycle["cc_steps_at_limit"] = per_cycle["cc_steps_at_limit"].astype("int64")
    planned_start = 100.0 * protocol.start_soc
    start: Any = planned_start
    if starts is not None:
        start = (
            starts.set_index("cycle_index")["start_soc_pct"].reindex(per_cycle.index).fillna(planned_start)
        )
    per_cycle["cc_soc_reached_pct"] = start + 100.0 * per_cycle["cc_charged_ah"] / nominal_ah
    per_cycle["cc_soc_planned_pct"] = 100.0 * (protocol.start_soc + sum(w for _, w in protocol.steps()))
    return per_cycle.drop(columns="cc_charged_ah").reset_index()


def cc_limit_warnings(
    steps: pd.DataFrame,
    cycles: pd.DataFrame,
    protocol: ChargingProtocol | StepProtocol,
    limit_v: float,
    cell: int,
) -> list[str]:
    """One line for a cell whose CC steps ended on ``charge_limit_v`` (none when every step ran its planned time).

    Names the protocol, the cell, each step that ended early (number and C-rate) with the cycles it did so in, and
    the lowest SOC the CC steps reached against the planned one.
    """
    short = steps.loc[steps["at_limit"]]
    if short.empty:
        return []
    total = int(steps["cycle_index"].nunique())
    parts = []
    for k, group in short.groupby("step", sort=True):
        parts.append(f"{k} ({float(group['c_rate'].iloc[0]):g} C, {len(group)} of {total} cycle(s))")
    worst = cycles.iloc[int(np.argmin(cycles["cc_soc_reached_pct"].to_numpy()))]
    return [
        f"twin: protocol {protocol.name}, cell {cell}: CC step(s) {', '.join(parts)} ended at charge_limit_v = "
        f"{limit_v:g} V before their planned SOC; the CC steps charged to {float(worst['cc_soc_reached_pct']):.1f} % "
        f"SOC of the planned {float(worst['cc_soc_planned_pct']):.4g} % (cycle {int(worst['cycle_index'])}): the "
        "cell took less charge at those rates than the protocol says."
    ]
