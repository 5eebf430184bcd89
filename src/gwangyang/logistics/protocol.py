"""What every routing solver offers, and the progress reports it sends: the seam between solvers and their callers.

The PyVRP solver (:mod:`gwangyang.logistics.solver`) and the OR-Tools baseline (:mod:`gwangyang.logistics.baseline`)
both implement :class:`Solver`; the CLI and the API only need this module to follow a solve.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from ..errors import InputError
from ..written import as_written
from .instance import Instance
from .result import RoutingResult


@dataclass(frozen=True)
class Progress:
    """A progress report: elapsed time, the best objective so far (instance cost units) and its feasibility."""

    elapsed_s: float
    time_limit_s: float
    best_cost: float
    feasible: bool
    worker: int = 0


ProgressCallback = Callable[[Progress], None]


class Solver(Protocol):
    """What every routing solver offers."""

    name: str

    def solve(
        self, instance: Instance, time_limit: float, seed: int = 0, callbacks: Sequence[ProgressCallback] = ()
    ) -> RoutingResult:
        """Solve ``instance`` within ``time_limit`` seconds of wall time."""
        ...


MAX_WORKERS = 64
"""Most parallel PyVRP searches one solve may run (``--workers``, the API's ``workers``)."""

MAX_ITERATIONS = 1_000_000_000
"""Most iterations per search (``--max-iterations``, the API's ``max_iterations``); the time limit stops it first."""


def check_search_options(workers: int | None, max_iterations: int | None) -> None:
    """Refuse ``workers`` outside 1 .. :data:`MAX_WORKERS` or ``max_iterations`` outside 1 .. :data:`MAX_ITERATIONS`.

    None is the default (every core; no iteration limit). The CLI's options and the API's fields are held to these
    bounds; each message names the field.
    """
    for name, value, most in (
        ("workers", workers, MAX_WORKERS),
        ("max_iterations", max_iterations, MAX_ITERATIONS),
    ):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= most:
            raise InputError(f"{name}: expected a whole number from 1 to {most:,}, got {as_written(value)}")


def check_limits(time_limit: float, seed: int) -> None:
    """Reject a non-positive time limit or a negative seed."""
    if not time_limit > 0:
        raise InputError(f"time_limit: expected a positive number of seconds, got {as_written(time_limit)}")
    if seed < 0:
        raise InputError(f"seed: expected a non-negative integer, got {as_written(seed)}")
