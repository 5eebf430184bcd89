"""Truck appointment system: the gate sells ``appointments_per_hour`` slots in every clock hour.

A truck asks for the hour in which it would come (its desired time); it gets the earliest hour at or
after it with a slot left, in the order the trucks ask (first come, first booked), and arrives at a
uniform time inside that hour. In ``port simulate`` (``gate.appointments_per_hour > 0``) the gate's
trucks are so booked before they queue, and ``gate_appointment_delay_h`` is the mean hours a truck is put back (its slot hour minus the
hour it asked for; 0 without the system).

:func:`book_haulier` books a haulier's requests on one day of a simulated run, after the terminal's
own trucks of that day have taken their slots; the granted hours become the haulage problem's
time windows at the terminal (``[appointments] file`` of a :mod:`gwangyang.logistics` problem, see
:func:`write_appointments`).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputError


def book(desired_h: np.ndarray, per_hour: int, taken: dict[int, int] | None = None) -> np.ndarray:
    """Slot hour (an integer: the slot is ``[h, h + 1)``) of each request, in the order given.

    Parameters
    ----------
    desired_h
        Desired times in hours (any order: they are booked as given, first come first booked).
    per_hour
        Slots sold in each clock hour.
    taken
        Slots already sold per hour; updated in place.
    """
    if per_hour < 1:
        raise InputError(f"appointments_per_hour: must be >= 1, got {per_hour}")
    used = taken if taken is not None else {}
    out = np.empty(len(desired_h), dtype=np.int64)
    # Next hour worth trying from each full hour (path compression keeps booking near linear).
    jump: dict[int, int] = {}

    def free_from(h: int) -> int:
        path = []
        while used.get(h, 0) >= per_hour:
            path.append(h)
            h = jump.get(h, h + 1)
        for p in path:
            jump[p] = h
        return h

    for i, t in enumerate(np.asarray(desired_h, dtype=float).tolist()):
        h = free_from(math.floor(t))
        used[h] = used.get(h, 0) + 1
        out[i] = h
    return out


def appointment_arrivals(
    desired_h: np.ndarray, per_hour: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Arrival times of trucks booked in order of their desired times, and each one's delay (h).

    Returns
    -------
    tuple
        Sorted arrivals (slot hour plus a uniform time in it) and each truck's delay in whole hours
        (slot hour minus desired hour, 0 when it got its own hour), in the same sorted order.
    """
    order = np.argsort(desired_h, kind="stable")
    wanted = np.asarray(desired_h, dtype=float)[order]
    slots = book(wanted, per_hour).astype(float)
    arrivals = slots + rng.random(len(slots))
    resort = np.argsort(arrivals, kind="stable")
    return arrivals[resort], (slots - np.floor(wanted))[resort]


@dataclass(frozen=True)
class Appointment:
    """A granted slot: the request's id, the desired time and the slot ``[start_h, end_h)`` of the day."""

    id: str
    desired_h: float
    start_h: float
    end_h: float


def _clock(hours: float) -> str:
    minutes = round(hours * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def book_haulier(
    requests: Iterable[tuple[str, float]],
    per_hour: int,
    terminal_trucks_h: np.ndarray,
    day: int,
) -> list[Appointment]:
    """Book a haulier's ``(id, desired hour of the day)`` requests on ``day`` of a run.

    The terminal's own trucks arriving (as desired) on that day take their slots first, then the
    requests in the order given. A request whose slot would fall after the day is refused.

    Raises
    ------
    InputError
        Duplicate ids, a desired hour outside ``[0, 24)``, or no slot left on the day.
    """
    start = 24.0 * day
    own = np.asarray(terminal_trucks_h, dtype=float)
    own = np.sort(own[(own >= start) & (own < start + 24.0)])
    taken: dict[int, int] = {}
    book(own - start, per_hour, taken)
    out: list[Appointment] = []
    seen: set[str] = set()
    for ident, hour in requests:
        if ident in seen:
            raise InputError(f"appointments: id {ident!r} is requested twice")
        seen.add(ident)
        if not 0 <= hour < 24:
            raise InputError(f"appointments: {ident}: desired hour must be in [0, 24), got {hour}")
        slot = int(book(np.array([hour]), per_hour, taken)[0])
        if slot >= 24:
            raise InputError(f"appointments: {ident}: no slot left on day {day} from {_clock(hour)}")
        out.append(Appointment(ident, hour, float(slot), float(slot + 1)))
    return out


def write_appointments(appointments: list[Appointment], path: str | Path) -> None:
    """CSV ``id, desired, start, end`` (clock times ``HH:MM``), as a haulage problem's ``[appointments] file``."""
    with Path(path).open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "desired", "start", "end"])
        for a in appointments:
            writer.writerow([a.id, _clock(a.desired_h), _clock(a.start_h), _clock(a.end_h)])
