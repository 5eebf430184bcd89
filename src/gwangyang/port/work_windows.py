"""When a quay crane can work: the weather windows of one run and a berth's opening hours.

:func:`weather_windows` draws the run's bad-weather events (mean length ``weather.mean_event_h``,
a ``weather.downtime_fraction`` of the time); :class:`WorkWindows` answers when work at a berth may
start, when it must stop and when a stretch of work ends, pausing in bad weather and closed hours.
The quay side of the simulation (:class:`gwangyang.port.quay.Quay`) times its cranes with it.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np

from .berth_policies import BerthState
from .terminal import Scenario


def weather_windows(
    scenario: Scenario, horizon_h: float, rng: np.random.Generator
) -> tuple[list[float], list[float]]:
    """Start and end hours of the bad-weather events up to ``horizon_h`` (alternating exponential spells)."""
    weather = scenario.weather
    starts: list[float] = []
    ends: list[float] = []
    if weather.downtime_fraction <= 0:
        return starts, ends
    mean_up = weather.mean_event_h * (1 - weather.downtime_fraction) / weather.downtime_fraction
    t = float(rng.exponential(mean_up))
    while t < horizon_h:
        down = float(rng.exponential(weather.mean_event_h))
        starts.append(t)
        ends.append(t + down)
        t += down + float(rng.exponential(mean_up))
    return starts, ends


def _is_open(hour: float, berth: BerthState) -> bool:
    """Whether the berth is open at ``hour`` of the day (open hours may run across midnight: 22 to 6)."""
    if berth.open_from_h < berth.open_to_h:
        return berth.open_from_h <= hour < berth.open_to_h
    return hour >= berth.open_from_h or hour < berth.open_to_h


@dataclass(frozen=True)
class WorkWindows:
    """The hours a berth's cranes may work: outside the weather events and inside the berth's opening hours.

    Parameters
    ----------
    weather_starts, weather_ends
        Sorted start and end hours of the bad-weather events (see :func:`weather_windows`).
    """

    weather_starts: list[float]
    weather_ends: list[float]

    def blocked_until(self, t: float, berth: BerthState) -> float:
        """The first time at or after ``t`` when the berth is open and the weather allows work."""
        while True:
            moved = False
            i = bisect.bisect_right(self.weather_starts, t) - 1
            if i >= 0 and t < self.weather_ends[i]:
                t = self.weather_ends[i]
                moved = True
            if berth.open_from_h > 0 or berth.open_to_h < 24:
                hour = t % 24.0
                if not _is_open(hour, berth):
                    t += (berth.open_from_h - hour) % 24.0
                    moved = True
            if not moved:
                return t

    def next_stop(self, t: float, berth: BerthState) -> float:
        """The first time after ``t`` (an open, fair-weather time) when work must stop."""
        stop = float("inf")
        i = bisect.bisect_right(self.weather_starts, t)
        if i < len(self.weather_starts):
            stop = self.weather_starts[i]
        if berth.open_from_h > 0 or berth.open_to_h < 24:
            hour = t % 24.0
            # Open hours across midnight (from 22 to 6): after ``from`` they end tomorrow.
            late = berth.open_from_h > berth.open_to_h and hour >= berth.open_from_h
            stop = min(stop, t - hour + berth.open_to_h + (24.0 if late else 0.0))
        return stop

    def finish_time(self, t: float, work_h: float, berth: BerthState) -> float:
        """When ``work_h`` hours of work started at ``t`` end, pausing in bad weather and closed hours."""
        while True:
            t = self.blocked_until(t, berth)
            stop = self.next_stop(t, berth)
            # A tolerance: work summed in chunks that ends at closing time (29.2 + 0.8 = 30.000000000000004)
            # must not spill a nanosecond into the next opening, a day later.
            if t + work_h <= stop + 1e-9:
                return min(t + work_h, stop)
            work_h -= stop - t
            t = stop
