"""Whether a scenario's traffic can be served at all: the offered load of the berths (arrival work / capacity).

A terminal whose vessels bring more berth-hours of work than its berths have (offered load
ρ ≥ 1) has no steady state: the queue grows for as long as vessels come, and the mean wait of a run
is set by its length, not by the terminal. :func:`offered_load` computes ρ from the cranes' own
limits (each call at the fastest berth it fits, with its ``max_cranes`` fastest cranes, their rate
cut by breakdowns, and the berths' open hours and weather downtime), which the vehicles and yard cranes
can only lower further; so ρ is a lower bound of the load, and ρ ≥ 1 proves the overload.
"""

from __future__ import annotations

from .arrivals import generate_calls
from .conditions import Service
from .equipment import Berth, CraneGroup
from .terminal import Scenario
from .vessel_call import VesselCall

HOURS_PER_WEEK = 168.0


def _crane_rate(group: CraneGroup) -> float:
    """Moves per hour of one crane of the group over time, breakdowns included (rate / (1 + repair/MTBF))."""
    down = group.repair_h / group.mtbf_h if group.mtbf_h > 0 else 0.0
    return group.moves_per_hour / (1.0 + down)


def _rate(scenario: Scenario, berth: Berth, max_cranes: int) -> float:
    """Moves per hour of a berth's fastest ``max_cranes`` cranes (all of them with ``cranes = "all"``)."""
    rates = sorted(
        (_crane_rate(g) for g in scenario.cranes_at(berth.name) for _ in range(g.count)), reverse=True
    )
    return sum(rates if scenario.policies.cranes == "all" else rates[:max_cranes])


def _handling_h(
    scenario: Scenario, moves: float, length_m: float, max_cranes: int, allowed: tuple[str, ...]
) -> float:
    """Hours of berth time a call needs at the fastest berth it may use."""
    rates = [
        _rate(scenario, b, max_cranes)
        for b in scenario.berths
        if b.length_m >= length_m and (not allowed or b.name in allowed)
    ]
    return moves / max(rates) if rates else 0.0


def _berth_hours_per_hour(scenario: Scenario) -> float:
    """Berth-hours of work the terminal offers per hour: open share of each berth, less weather."""
    open_share = sum(((b.open_to_h - b.open_from_h) % 24.0 or 24.0) / 24.0 for b in scenario.berths)
    return open_share * (1.0 - scenario.weather.downtime_fraction)


def _service_work(scenario: Scenario, service: Service) -> float:
    """Berth-hours per hour a service brings: its calls per hour times a mean call's handling hours."""
    moves = max(1.0, service.teu_per_call / scenario.teu_per_move)
    return (
        service.calls_per_week
        / HOURS_PER_WEEK
        * _handling_h(scenario, moves, service.length_m, service.max_cranes, service.berths)
    )


def offered_load(scenario: Scenario, calls: list[VesselCall], horizon_h: float) -> dict[str, float]:
    """The offered load of the berths, and what it is made of.

    Parameters
    ----------
    scenario
        The terminal.
    calls
        The run's calls (used for a call list, ``process = "file"``: their own work in the horizon).
    horizon_h
        The run's hours of arrivals.

    Returns
    -------
    dict
        ``offered_load`` (ρ = ``work_h_per_h`` / ``capacity_h_per_h``), ``work_h_per_h`` (berth-hours
        of work arriving per hour: the services' expected traffic, or the listed calls' own over the
        horizon) and ``capacity_h_per_h`` (berth-hours the berths offer per hour).
    """
    if scenario.arrivals.process == "file":
        inside = [c for c in calls if c.arrival_h < horizon_h]
        work = (
            sum(_handling_h(scenario, c.moves, c.length_m, c.max_cranes, c.berths) for c in inside)
            / horizon_h
        )
    else:
        work = sum(_service_work(scenario, s) for s in scenario.arrivals.services)
    capacity = _berth_hours_per_hour(scenario)
    return {"offered_load": work / capacity, "work_h_per_h": work, "capacity_h_per_h": capacity}


def overload_warning(load: dict[str, float]) -> str | None:
    """A warning for an offered load of 1 or more (no steady state); None below."""
    rho = load["offered_load"]
    if rho < 1.0:
        return None
    return (
        f"not in steady state: the offered load of the berths is {rho:.2f} (arrival work "
        f"{load['work_h_per_h']:.3g} berth-hours per hour against {load['capacity_h_per_h']:.3g} available), "
        "so the queue grows for as long as vessels arrive and the wait and stay averages grow with the run's "
        "length: they do not describe the terminal (add berths or cranes, or lower the arrivals)"
    )


def scenario_load(scenario: Scenario, days: float, seed: int | None = 0) -> dict[str, float]:
    """:func:`offered_load` of a scenario over ``days`` (a call list's own calls; services' expected traffic)."""
    calls = generate_calls(scenario, days, seed) if scenario.arrivals.process == "file" else []
    return offered_load(scenario, calls, days * 24.0)
