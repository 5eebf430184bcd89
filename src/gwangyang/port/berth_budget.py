"""A work budget for :func:`gwangyang.port.berths.solve_cpsat`: counts of work, not seconds.

A solve stopped by the clock does as much work as the machine gives it, so its plan and bound vary
with the load of the machine (a 60 s solve of f200x15-03 ended 1.27 % above its bound at a load of
6, 1.04 % at 5 and 0.5 % at 2). Under a budget every phase stops after a count of its own work:
subgradient steps, CP-SAT's deterministic time (its own count of work done: the same on every run
with one worker; several are interleaved, ``interleave_search``), annealing moves and CP-SAT window
rounds of fixed deterministic time.
The same budget and seed give the same plan and bound on every run, loaded machine or not; only the
wall time varies.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any

from ..errors import InputError
from ..written import as_written

RATES = {
    "lagrangian_steps": 520.0,
    "cpsat_work": 1 / 15,
    "anneal_moves": 70_000.0,
    "lns_rounds": 0.5,
}
"""Work per CPU second on f200x15-03 (2026-12-06, the shared 2-core box, from CPU time, not wall
time, as it was loaded): 2,558 subgradient steps in 4.9 s; CP-SAT 0.05, 0.2 and 0.5 deterministic
seconds on the whole model in 2.4, 4.6 and 9.1 s (so :data:`CPSAT_START_S` plus 15 s a unit);
200,000 annealing moves in 2.9 s; 3 window rounds of 0.5 deterministic seconds in 6.0 s."""

CPSAT_START_S = 2.4
"""CPU seconds CP-SAT takes on a 200-vessel model before its deterministic time counts much
(presolve); a share of the time shorter than this gives CP-SAT no work (it would end with nothing)."""


@dataclass(frozen=True)
class SearchBudget:
    """How much work each phase of :func:`~gwangyang.port.berths.solve_cpsat` does (no clock).

    Attributes
    ----------
    lagrangian_steps
        Subgradient steps for the Lagrangian bound (it may stop earlier when its step vanishes).
    cpsat_work
        CP-SAT's deterministic seconds (``max_deterministic_time``) on the whole model.
    anneal_moves
        Moves of the simulated annealing run after CP-SAT (capped at 20,000 per vessel).
    side_moves
        Moves of the second annealing run (another seed) beside the bound and CP-SAT; 0: none.
        It runs on a thread of its own whatever the cores, so the plan does not depend on them.
    lns_rounds
        CP-SAT window rounds (20 vessels each) after the annealing, unless CP-SAT proved optimality.
    lns_round_work
        CP-SAT's deterministic seconds per window round.
    """

    lagrangian_steps: int
    cpsat_work: float
    anneal_moves: int
    side_moves: int
    lns_rounds: int
    lns_round_work: float

    def __post_init__(self) -> None:
        for spec in fields(self):
            value = getattr(self, spec.name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise InputError(f"budget {spec.name}: expected a finite number, got {as_written(value)}")
            if value < 0:
                raise InputError(f"budget {spec.name}: must be >= 0, got {value}")
            if spec.type == "int":
                if value != int(value):
                    raise InputError(f"budget {spec.name}: expected a whole number, got {value}")
                object.__setattr__(self, spec.name, int(value))  # 5e3 from a file counts as 5000

    @classmethod
    def like_seconds(cls, seconds: float) -> SearchBudget:
        """About the work ``solve_cpsat(time_limit=seconds)`` does on two quiet cores.

        Each phase gets its share of the time as in the clocked solve (25 % for the bound, 15 % for
        CP-SAT, 50 % for the annealing after it, 90 % for the second run beside, 10 % for window
        rounds of 0.5 deterministic seconds) times its work per CPU second in :data:`RATES`
        (CP-SAT's share less :data:`CPSAT_START_S`).
        """
        if not math.isfinite(seconds) or seconds <= 0:
            raise InputError(f"budget: expected seconds > 0, got {seconds}")
        return cls(
            lagrangian_steps=max(1, min(100_000, round(0.25 * seconds * RATES["lagrangian_steps"]))),
            cpsat_work=round(max(0.0, 0.15 * seconds - CPSAT_START_S) * RATES["cpsat_work"], 6),
            anneal_moves=round(0.5 * seconds * RATES["anneal_moves"]),
            side_moves=round(0.9 * seconds * RATES["anneal_moves"]),
            lns_rounds=round(0.1 * seconds * RATES["lns_rounds"]),
            lns_round_work=0.5,
        )

    def to_dict(self) -> dict[str, Any]:
        """The counts by name (JSON-ready)."""
        return asdict(self)
