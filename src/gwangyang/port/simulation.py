"""Discrete-event simulation (SimPy) of a container terminal's quay side: the run and its settings.

Vessels arrive, wait for a berth (berth policy, :mod:`gwangyang.port.berth_policies`), get quay
cranes (crane policy) and are worked in chunks of moves. Each chunk holds a gang of vehicles
(dispatch policy orders the requests) and a gang of yard cranes; it lasts as long as the slowest of
quay crane, vehicles and yard cranes. Breakdowns add repair time; weather and closed hours stop the
cranes. The resources and processes are :class:`gwangyang.port.quay.Quay`; :func:`simulate` checks
the run's settings, generates the calls, steps the event loop and computes the KPIs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..errors import InputError
from .arrivals import generate_calls, surrounding_calls
from .kpis import EXTENSION_DWELLS, compute_kpis
from .offered_load import offered_load, overload_warning
from .quay import Quay
from .result import SimulationResult
from .schedule_file import read_schedule
from .terminal import Scenario
from .vessel_call import VesselCall

Progress = Callable[[float, float], None]


def simulate(
    scenario: Scenario,
    days: float = 30.0,
    seed: int | None = 0,
    warmup_days: float = 0.0,
    calls: list[VesselCall] | None = None,
    progress: Progress | None = None,
    level: float = 0.95,
) -> SimulationResult:
    """Simulate ``days`` of vessel arrivals and work every vessel to its departure.

    Parameters
    ----------
    scenario
        The terminal.
    days
        Days of arrivals.
    seed
        Seed for arrivals, crane times, breakdowns and weather; the same seed gives the same result.
    warmup_days
        Vessels arriving before this are simulated but left out of waiting and service statistics.
    calls
        Vessel calls to use instead of generating them from the scenario.
    progress
        Called as ``progress(simulated_h, horizon_h)`` now and then.
    level
        Confidence level of the steady-state intervals.

    Returns
    -------
    SimulationResult
        Per-vessel records (the berth plan) and the KPIs.
    """
    if days <= 0:
        raise InputError(f"days: must be > 0, got {days}")
    if not 0 <= warmup_days < days:
        raise InputError(f"warmup_days: must be in [0, days), got {warmup_days}")
    horizon = days * 24.0
    independent = calls is None
    if calls is None:
        calls = generate_calls(scenario, days, seed)
    margin = EXTENSION_DWELLS * scenario.gate.dwell_h
    surrounding = surrounding_calls(scenario, calls, horizon, margin, seed, independent)
    terminal = Quay(scenario, calls, horizon, seed, surrounding)
    env = terminal.env
    env.process(terminal.source())
    if terminal.stocks:
        env.process(terminal.yard_clock())
    events = 0
    next_report = 0.0
    from simpy.core import EmptySchedule

    while True:
        try:
            env.step()
        except EmptySchedule:
            break
        events += 1
        if progress is not None and env.now >= next_report:
            progress(min(env.now, horizon), horizon)
            next_report = env.now + horizon / 100
    if progress is not None:
        progress(horizon, horizon)
    for stock in terminal.stocks.values():
        terminal.stats.export_waits_h.extend(stock.export_waits)
    result = compute_kpis(
        scenario, terminal.stats, calls, horizon, warmup_days * 24.0, seed, events, surrounding, level
    )
    result.load = offered_load(scenario, calls, horizon)
    overloaded = overload_warning(result.load)
    if overloaded is not None:
        result.warnings.insert(0, overloaded)
    later = late_calls_warning(scenario, days) if independent else None
    if later is not None:
        result.warnings.insert(0, later)
    if not any(c.arrival_h < horizon for c in calls):
        expected = sum(s.calls_per_week for s in scenario.arrivals.services) * days / 7
        result.warnings.insert(
            0,
            f"no vessel arrived in the run's {days:g} days"
            + (f" (the services bring {expected:.2g} on average)" if scenario.arrivals.services else "")
            + ": the vessel KPIs are 0 for want of vessels, not measured; run longer",
        )
    return result


def late_calls_warning(scenario: Scenario, days: float) -> str | None:
    """The warning for a call list's calls that arrive after a run of ``days`` (left out of it), or None.

    None too for a scenario without a call list (``arrivals.process`` not ``"file"``).
    """
    if scenario.arrivals.process != "file":
        return None
    horizon = days * 24.0
    listed = read_schedule(Path(scenario.base_dir) / scenario.arrivals.schedule, scenario.teu_per_move)
    later = [c for c in listed if c.arrival_h >= horizon]
    if not later:
        return None
    return (
        f"{len(later)} of the call list's {len(listed)} calls arrive after the run's {days:g} days "
        f"(the first, {later[0].name!r}, at {later[0].arrival_h:g} h) and are left out; "
        f"run more than {later[-1].arrival_h / 24:.4g} days to include them"
    )
