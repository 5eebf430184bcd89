"""The container yard as a constraint: block capacity, stacking, rehandles, waiting for space.

A yard with ``ground_slots > 0`` holds at most ``blocks x ground_slots x tiers`` TEU
(``/ teu_per_move`` boxes). Its blocks are filled evenly (boxes go to the least-filled block), so a
block is full when the yard is. Boxes come in three ways: discharged by a quay crane (import and
transhipment; each stays an exponential dwell of mean ``gate.dwell_h`` and then leaves), delivered
for a later vessel (export; each arrives an exponential dwell before its vessel's arrival) and leave
when a quay crane loads them. When the yard is full a quay crane waits for space before it
discharges (its loads go first, which frees space) and export deliveries queue until boxes leave.
Export boxes are kept per vessel call: a crane loads its own vessel's boxes, from whichever
capacity-limited yard they were delivered to (a terminal with several yards sends some boxes across);
boxes not delivered when their vessel has finished are shut out (never arrive).

Stacking: at fill ``f`` a stack holds on average ``h = f x tiers`` boxes; a box taken from a random
height has on average ``(h - 1) / 2`` boxes above it, each a rehandle (one extra yard-crane move).
Loads are taken from stacks, so a quay batch of ``n_l`` loads costs ``n_l (h - 1) / 2`` rehandles
and the yard cranes need ``(n + rehandles) / moves_per_hour`` hours.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from typing import Any

import numpy as np

TICK_H = 0.5
"""The yard's clock: departures and deliveries are booked every half hour."""


def rehandles_per_retrieval(fill: float, tiers: int) -> float:
    """Expected boxes above a box taken from a random height of a stack at fill ``fill``."""
    return max(0.0, (fill * tiers - 1.0) / 2.0)


class YardStock:
    """The stock of one capacity-limited yard inside the simulation.

    Parameters
    ----------
    env
        The SimPy environment.
    capacity
        Boxes the yard holds.
    tiers
        Stack height when full.
    dwell_h
        Mean stay of a discharged box.
    exports_due
        Sorted times at which export boxes arrive for later vessels (times < 0: already in the yard).
    export_calls
        The vessel call of each export box.
    held
        ``held[call][yard]`` boxes of ``call`` delivered to ``yard``, shared by all yards' stocks.
    name
        This yard's name.
    initial_imports
        Discharged boxes in the yard at time 0 (each leaves after an exponential dwell).
    rng
        The yard's own random stream.
    log
        Called as ``log(time, delta)`` at every change of the stock.
    """

    def __init__(
        self,
        env: Any,
        capacity: int,
        tiers: int,
        dwell_h: float,
        exports_due: np.ndarray,
        export_calls: np.ndarray,
        held: dict[int, dict[str, int]],
        name: str,
        initial_imports: int,
        rng: np.random.Generator,
        log: Callable[[float, int], None],
    ) -> None:
        self.env = env
        self.capacity = capacity
        self.tiers = tiers
        self.dwell_h = dwell_h
        self.rng = rng
        self.log = log
        self.departures: dict[int, int] = {}  # boxes leaving at each tick (by tick number)
        self.tick_number = 0
        self.cranes: deque[tuple[Any, int]] = deque()
        self.name = name
        self.held = held
        self.done: set[int] = set()
        start = min(int(np.searchsorted(exports_due, 0.0, side="right")), capacity)
        self.exports = exports_due[start:]
        self.export_times: list[float] = self.exports.tolist()
        self.export_calls: list[int] = export_calls[start:].tolist()
        self.next_export = 0
        self.export_waits: list[tuple[float, float]] = []
        self.level = 0
        self._add(start, 0.0)
        for call in export_calls[:start].tolist():
            self._hold(call, 1)
        room = max(0, capacity - self.level)
        initial = min(initial_imports, room)
        self._add(initial, 0.0)
        self._leave(rng.exponential(dwell_h, initial))

    def _leave(self, times: np.ndarray) -> None:
        """Book boxes to leave at ``times``: at the first tick at or after each (never the current one)."""
        first = self.tick_number + 1
        departures = self.departures
        for t in times.tolist():
            k = max(math.ceil(t / TICK_H - 1e-9), first)
            departures[k] = departures.get(k, 0) + 1

    def _hold(self, call: int, n: int) -> None:
        mine = self.held.setdefault(call, {})
        mine[self.name] = mine.get(self.name, 0) + n

    def _add(self, n: int, t: float) -> None:
        if n:
            self.level += n
            self.log(t, n)

    @property
    def fill(self) -> float:
        """Share of the capacity in use."""
        return self.level / self.capacity

    def load(self, call: int, n: int, stocks: dict[str, YardStock]) -> int:
        """A quay crane takes ``n`` of ``call``'s export boxes (here first, then other yards); returns rehandles."""
        rehandles = round(n * rehandles_per_retrieval(self.fill, self.tiers))
        mine = self.held.get(call, {})
        for name in sorted(mine, key=lambda y: y != self.name):
            take = min(n, mine[name])
            if take:
                mine[name] -= take
                stocks[name]._add(-take, self.env.now)
                n -= take
        return rehandles

    def finish(self, call: int) -> None:
        """``call`` has left: its undelivered boxes are shut out and its leftovers leave with it."""
        self.done.add(call)
        for name, n in self.held.pop(call, {}).items():
            if n and name == self.name:
                self._add(-n, self.env.now)

    def discharge(self, n: int) -> Any:
        """Room for ``n`` discharged boxes: None if there is room now (booked), else an event to wait for."""
        if not self.cranes and self.level + n <= self.capacity:
            self._book(n)
            return None
        event = self.env.event()
        self.cranes.append((event, n))
        return event

    def _book(self, n: int) -> None:
        self._add(n, self.env.now)
        self._leave(self.env.now + self.rng.exponential(self.dwell_h, n))

    def tick(self) -> None:
        """Book departures due by now, then give room to waiting cranes first, then to deliveries."""
        now = self.env.now
        self.tick_number = math.floor(now / TICK_H + 0.5)
        gone = self.departures.pop(self.tick_number, 0)
        self._add(-min(gone, self.level), now)
        while self.cranes and self.level + self.cranes[0][1] <= self.capacity:
            event, n = self.cranes.popleft()
            self._book(n)
            event.succeed()
        room = self.capacity - self.level
        if self.cranes or room <= 0:
            return
        # Boxes of vessels that have left are skipped; the others come in, in order, while there is room.
        times, calls, i, admitted = self.export_times, self.export_calls, self.next_export, 0
        while i < len(times) and times[i] <= now and admitted < room:
            call = calls[i]
            if call not in self.done:
                # Waiting beyond the tick in which the box arrived.
                self.export_waits.append((times[i], max(0.0, now - TICK_H - times[i])))
                self._hold(call, 1)
                admitted += 1
            i += 1
        self.next_export = i
        self._add(admitted, now)
