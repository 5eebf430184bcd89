"""The bodies of the logistics endpoints: ``POST /routes`` (JSON), ``POST /routes/file`` (form), ``POST /forecast``.

Both take the options of ``gwangyang routes solve`` with the same bounds: ``time_limit``, ``seed``, ``solver``,
``workers`` and ``max_iterations`` (:func:`gwangyang.logistics.protocol.check_search_options` holds the CLI to
the same bounds as these fields).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, field_validator

from ...logistics import forecast_service
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
    "time_limit": N_("The solver's wall-clock limit, seconds (more than 0, at most 120; default 5)."),
    "seed": N_("Random seed, 0 to 2147483647 (default 0): the same seed gives the same answer."),
    "solver": N_("pyvrp (default) or ortools."),
    "workers": N_("Parallel PyVRP searches, 1 to 64 (default: every core of the server)."),
    "max_iterations": N_(
        "Iterations of each PyVRP search, 1 to 1000000000 (default: none): with it the same seed and workers "
        "give the same routes and cost at any load, unless time_limit comes first."
    ),
}
"""The text fields of ``POST /routes/file``."""


DayName = Annotated[str, Field(max_length=40)]
"""One item of a ``working_days`` list (``Mon``, ``월요일``, ``월~금``)."""


class SeriesPoint(BaseModel):
    """One period of a series: a month, quarter, half-year, year, week, fortnight, day or business day."""

    ds: str = Field(
        max_length=32,
        description="The period's date: 2024-01 or 2024-01-01 (a month, the first month of a quarter or "
        "half-year), 2024 (a year), 2024-01-15 (a week, fortnight, day or business day), 2024-W01 (an "
        "ISO week, read as its Monday; also written in Korean, year then week).",
    )
    y: float = Field(strict=True)

    @field_validator("ds")
    @classmethod
    def _a_date(cls, value: str) -> str:
        # pandas reads "", "nat" or "NaN" as a missing date (NaT), which the series checks downstream do not expect.
        import pandas as pd

        try:
            missing = pd.isna(pd.Timestamp(value))
        except (ValueError, TypeError, OverflowError):
            return value  # the series reader refuses it with its own message
        if missing:
            raise ValueError(f"not a date: {value!r} (e.g. 2024-01 or 2024-01-15)")
        return value


class ForecastRequest(BaseModel):
    """Forecast the shipped monthly TEU series (no ``series``) or the given rows, of a frequency their dates show.

    Monthly, quarterly, half-yearly, yearly, weekly, fortnightly, daily or business-day dates (ISO weeks such as
    2024-W01 as weeks) are recognised; ``horizon`` counts periods of that frequency. Holidays missing from a
    business-day series are filled and named in the result's ``notes``.
    """

    series: list[SeriesPoint] | None = Field(None, min_length=1, max_length=2400)
    name: str = Field("series", max_length=80, description="Name of the given series, for display.")
    horizon: int | None = Field(
        None,
        strict=True,
        ge=1,
        le=104,
        description="Periods ahead, of the series' frequency; default 12 months, 8 quarters, 4 half-years, "
        "3 years, 13 weeks, 6 fortnights, 14 days or 10 business days.",
    )
    level: int = Field(90, strict=True, ge=50, le=99, description="Prediction-interval level, percent.")
    windows: int = Field(3, strict=True, ge=1, le=6, description="Rolling origins in the backtest.")
    working_days: str | list[DayName] | None = Field(
        default=None,
        max_length=100,
        description="Working weekdays of a daily series, in English or Korean (one letter, or with the day "
        'suffix): Mon-Sat, Monday-Friday, or a list such as ["Mon", "Tue"] (default: read from the dates).',
    )

    def working(self) -> tuple[int, ...] | None:
        """The declared working weekdays (0 Monday .. 6 Sunday), or None to read them from the dates."""
        return None if self.working_days is None else forecast_service.working_days(self.working_days)
