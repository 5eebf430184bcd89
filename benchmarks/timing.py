"""Timing helper shared by the benchmark scripts (imported as a sibling: ``from timing import best``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def best(run: Callable[[], Any], repeat: int) -> float:
    """Best wall time (s) of ``repeat`` calls of ``run``: the least disturbed by other work on a shared machine."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)
