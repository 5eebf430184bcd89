"""The bodies of the routing endpoints: the JSON body of ``POST /routes`` and the form of ``POST /routes/file``.

Both take the options of ``gwangyang routes solve`` with the same bounds: ``time_limit``, ``seed``, ``solver``,
``workers`` and ``max_iterations`` (:func:`gwangyang.logistics.protocol.check_search_options` holds the CLI to
the same bounds as these fields).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from ...logistics.service import MAX_ITERATIONS, MAX_WORKERS
from ..fields import Seed, TimeLimit
from ..phrases import N_

MAX_PROBLEM_CHARS = 2_000_000
"""Largest problem text accepted (characters)."""

Workers = Annotated[
    int | None,
    Field(
        strict=True,
        ge=1,
        le=MAX_WORKERS,
        description="Parallel PyVRP searches (seeds seed, seed + 1, ...), 1 to 64; default every core of the "
        "server. As --workers of gwangyang routes solve.",
    ),
]
"""``workers`` of a routing request: 1 .. :data:`~gwangyang.logistics.service.MAX_WORKERS`, or None (every core)."""

MaxIterations = Annotated[
    int | None,
    Field(
        strict=True,
        ge=1,
        le=MAX_ITERATIONS,
        description="Iterations of each PyVRP search, 1 to 1000000000 (default: none, the time limit alone). "
        "With it the searches share their best by iterations, not seconds: the same seed, workers and "
        "max_iterations give the same routes and cost at any load, unless time_limit comes first. As "
        "--max-iterations of gwangyang routes solve.",
    ),
]
"""``max_iterations`` of a routing request: 1 .. :data:`~gwangyang.logistics.service.MAX_ITERATIONS`, or None."""


class RouteFileForm(BaseModel):
    """The text fields of ``POST /routes/file``, of the same types as :class:`RouteRequest`'s."""

    time_limit: TimeLimit = 5.0
    seed: Seed = 0
    solver: Literal["pyvrp", "ortools"] = "pyvrp"
    workers: Workers = None
    max_iterations: MaxIterations = None


class RouteRequest(BaseModel):
    """Solve a shipped scenario (``scenario``) or a given problem (``problem`` or ``problem_text``)."""

    scenario: str | None = Field(
        "gwangyang", description="A shipped scenario; ignored when a problem is given."
    )
    problem: dict[str, Any] | None = Field(None, description="A problem as a JSON object (the file format).")
    problem_text: str | None = Field(
        None, max_length=MAX_PROBLEM_CHARS, description="The text of a TOML or JSON problem file."
    )
    time_limit: TimeLimit = 5.0
    seed: Seed = 0
    solver: Literal["pyvrp", "ortools"] = "pyvrp"
    workers: Workers = None
    max_iterations: MaxIterations = None


ROUTE_FILE_FIELDS = {
    "time_limit": "The solver's wall-clock limit, seconds (more than 0, at most 120; default 5).",
    "seed": "Random seed, 0 to 2147483647 (default 0): the same seed gives the same answer.",
    "solver": "pyvrp (default) or ortools.",
    "workers": N_("Parallel PyVRP searches, 1 to 64 (default: every core of the server)."),
    "max_iterations": N_(
        "Iterations of each PyVRP search, 1 to 1000000000 (default: none): with it the same seed and workers "
        "give the same routes and cost at any load, unless time_limit comes first."
    ),
}
"""The text fields of ``POST /routes/file``."""
