"""Vessel calls: from liner services (scheduled with ETA noise, or Poisson) or from a schedule file."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from ..errors import InputError
from .schedule_file import read_schedule
from .terminal import Scenario
from .vessel_call import VesselCall

HOURS_PER_WEEK = 168.0


def _gamma(rng: np.random.Generator, mean: float, cv: float, size: int) -> np.ndarray:
    if cv <= 0:
        return np.full(size, mean)
    shape = 1.0 / cv**2
    return rng.gamma(shape, mean / shape, size)


def generate_calls(scenario: Scenario, days: float, seed: int | list[int] | None = 0) -> list[VesselCall]:
    """The vessel calls arriving in ``[0, days)``, sorted by arrival time.

    Parameters
    ----------
    scenario
        The terminal; its ``arrivals`` say how vessels come.
    days
        Length of the horizon in days.
    seed
        Seed of the random generator (same seed, same calls); a list keys an independent stream.
    """
    if days <= 0:
        raise InputError(f"days: must be > 0, got {days}")
    horizon = days * 24.0
    arrivals = scenario.arrivals
    if arrivals.process == "file":
        path = Path(scenario.base_dir) / arrivals.schedule
        calls = read_schedule(path, scenario.teu_per_move, horizon)
        longest = max(b.length_m for b in scenario.berths)
        for call in calls:
            if call.length_m > longest:
                # It would wait for ever and be left out of every KPI.
                raise InputError(
                    f"{path}: row {call.row}: length_m: vessel {call.name!r} is {call.length_m:g} m, "
                    f"longer than every berth (longest {longest:g} m)"
                )
        return calls
    rng = np.random.default_rng(seed)
    rows: list[tuple[str, float, float, float, int]] = []
    for service in arrivals.services:
        rate = service.calls_per_week / HOURS_PER_WEEK
        if arrivals.process == "poisson":
            count = rng.poisson(rate * horizon)
            etas = np.sort(rng.uniform(0, horizon, count))
            noisy = etas
        else:
            headway = 1.0 / rate
            etas = np.arange(rng.uniform(0, headway), horizon, headway)
            noisy = (
                etas + rng.normal(0.0, service.eta_noise_h, len(etas)) if service.eta_noise_h > 0 else etas
            )
            noisy = np.clip(noisy, 0.0, None)
        teus = _gamma(rng, service.teu_per_call, service.teu_cv, len(etas))
        for eta, arrival, teu in zip(etas, noisy, teus, strict=True):
            rows.append((service.name, float(eta), float(arrival), float(teu), service.max_cranes))
    rows.sort(key=lambda r: (r[2], r[0]))
    lengths = {s.name: s.length_m for s in arrivals.services}
    allowed = {s.name: s.berths for s in arrivals.services}
    calls = []
    for i, (name, eta, arrival, teu, max_cranes) in enumerate(rows):
        moves = max(1, round(teu / scenario.teu_per_move))
        calls.append(
            VesselCall(
                i,
                name,
                eta,
                arrival,
                teu,
                moves,
                lengths[name],
                max_cranes,
                eta + 24.0 + moves / 60.0,
                allowed[name],
            )
        )
    return calls


PAST_STREAM = 3
"""Second key of the random stream of the vessel calls before a run (``[seed, PAST_STREAM]``)."""

FUTURE_STREAM = 4
"""Second key of the random stream of the vessel calls after a run."""


def surrounding_calls(
    scenario: Scenario,
    calls: list[VesselCall],
    horizon_h: float,
    margin_h: float,
    seed: int | None,
    independent: bool = True,
) -> tuple[list[VesselCall], list[VesselCall]]:
    """Vessel calls in ``[-margin_h, 0)`` and ``[horizon_h, horizon_h + margin_h)``: the run's past and future.

    The land side (boxes in the yard, trucks at the gate) of a run depends on the quay's moves a few
    dwells before and after it: imports discharged earlier are still in the yard, exports are
    delivered for vessels that come later. With ``independent`` (calls generated from the scenario's
    services) the past and future are drawn from the same arrival process on random streams of their
    own, so that the land side starts and ends in its steady state *and* its fluctuations are
    independent of the run's own traffic (a copy of the run would repeat its traffic, and the
    run's mean yard stock would then be exactly its own traffic times the dwell, hiding that
    traffic's variance from batch means). Otherwise (a schedule file or given calls) the run's calls
    are repeated before and after it (a periodic extension). Vessel numbers are negative.
    """
    if margin_h <= 0 or horizon_h <= 0:
        return [], []
    if independent and scenario.arrivals.process != "file":
        keys = [] if seed is None else [int(seed)]
        drawn_past = generate_calls(scenario, margin_h / 24.0, None if seed is None else [*keys, PAST_STREAM])
        drawn_future = generate_calls(
            scenario, margin_h / 24.0, None if seed is None else [*keys, FUTURE_STREAM]
        )
        before = [_shifted(c, -margin_h, -(i + 1)) for i, c in enumerate(drawn_past)]
        after = [_shifted(c, horizon_h, -(len(drawn_past) + i + 1)) for i, c in enumerate(drawn_future)]
        return before, after
    inside = [c for c in calls if c.arrival_h < horizon_h]
    copies = int(np.ceil(margin_h / horizon_h))
    past: list[tuple[VesselCall, float]] = []
    future: list[tuple[VesselCall, float]] = []
    for k in range(1, copies + 1):
        shift = k * horizon_h
        past += [(c, -shift) for c in inside if c.arrival_h - shift >= -margin_h]
        future += [(c, shift) for c in inside if c.arrival_h + shift < horizon_h + margin_h]
    past.sort(key=lambda item: item[0].arrival_h + item[1])
    future.sort(key=lambda item: item[0].arrival_h + item[1])
    before = [_shifted(c, d, -(i + 1)) for i, (c, d) in enumerate(past)]
    after = [_shifted(c, d, -(len(past) + i + 1)) for i, (c, d) in enumerate(future)]
    return before, after


def _shifted(call: VesselCall, shift_h: float, vessel: int) -> VesselCall:
    """``call`` moved by ``shift_h`` hours and renumbered."""
    return replace(
        call,
        vessel=vessel,
        eta_h=call.eta_h + shift_h,
        arrival_h=call.arrival_h + shift_h,
        due_h=call.due_h + shift_h,
    )
