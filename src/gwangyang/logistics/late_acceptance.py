"""Late acceptance with a history that grows with the iterations done: the acceptance rule of :class:`~gwangyang.logistics.search.Search`.

Late acceptance (Burke & Bykov 2017) takes a candidate better than the solution ``h`` iterations back;
:func:`history_length` says how long ``h`` is after so many iterations, and :class:`History` is the ring buffer
that holds the solutions and can grow without losing them.
"""

from __future__ import annotations

from typing import Any

HISTORY_MIN = 50
"""Late-acceptance history of a search's first iterations (PyVRP's default is 300 throughout)."""
HISTORY_ITERATIONS_PER_SLOT = 25
"""Iterations done per slot of late-acceptance history (once above :data:`HISTORY_MIN`)."""


def history_length(iterations: int, longest: int) -> int:
    """Late-acceptance history after ``iterations``: ``iterations / 25``, at least 50, at most ``longest``.

    Late acceptance (Burke & Bykov 2017) takes a candidate better than the solution ``h`` iterations back. PyVRP's
    ``h = 300`` suits its long runs; in a 10-30 s budget a search of a few hundred clients does only thousands of
    iterations (about 300 a second on 500-1,000 clients), and comparing with a solution 300 iterations back while
    the cost is still falling accepts nearly every candidate. Measured at equal CPU time (one search, seeds 0 and 1,
    ``benchmarks/logistics_routing_tune.py``), 15 CPU-s: ``h = 50`` against 300 took PR11A from 5.40 % to 2.93 %
    above its best known, PR12A from 9.21 % to 4.49 %, X-n1001-50-k22 from 6.66 % to 5.24 %; 5 CPU-s: X-n303-k21
    from 2.42 % to 1.40 %. A fixed 50 stalls later (PR11A at 25 CPU-s: 2.72 % against 2.23 % with 300), so the
    history grows with the iterations done; one slot per 25 iterations was the best of 10, 25, 50 and 100 at 25
    CPU-s (PR11A 1.82, 1.66, 2.16, 2.72 %; PR12A 3.74, 2.88, 3.59, 3.58 %), though X-n1001-50-k22, further from
    converged, did better with 100 (4.35 % against 5.03 %). It reaches PyVRP's 300 after 7,500 iterations, so a
    long run ends with PyVRP's own setting; it counts iterations, not time, so a run capped by iterations is
    reproducible.
    """
    return max(HISTORY_MIN, min(longest, iterations // HISTORY_ITERATIONS_PER_SLOT))


class History:
    """Late-acceptance ring buffer (as PyVRP's ``RingBuffer``) that can grow without losing its contents."""

    def __init__(self, maxlen: int) -> None:
        self.buffer: list[Any] = [None] * maxlen
        self.idx = 0

    def clear(self) -> None:
        """Empty it, keeping its length."""
        self.buffer = [None] * len(self.buffer)
        self.idx = 0

    def append(self, value: Any) -> None:
        """Overwrite the oldest entry."""
        self.buffer[self.idx % len(self.buffer)] = value
        self.idx += 1

    def peek(self) -> Any:
        """The entry that the next append overwrites (``None`` while it is not full)."""
        return self.buffer[self.idx % len(self.buffer)]

    def skip(self) -> None:
        """Keep the oldest entry; move on."""
        self.idx += 1

    def grow(self, maxlen: int) -> None:
        """Lengthen to ``maxlen`` (never shorten): the oldest entry is repeated, so it stays the reference longer."""
        extra = maxlen - len(self.buffer)
        if extra > 0:
            pos = self.idx % len(self.buffer)
            self.buffer[pos:pos] = [self.buffer[pos]] * extra
            self.idx = pos
