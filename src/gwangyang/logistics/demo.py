"""The logistics step of ``gwangyang demo``: route the shipped Gwangyang day and forecast monthly TEU."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

SAMPLE_SERIES = "port_of_vancouver_monthly_2008-2023.csv"
"""Monthly container statistics shipped in ``logistics/data`` (source in its README)."""


def scenario_path() -> Path:
    """The shipped Gwangyang routing scenario (``scenarios/gwangyang.toml``)."""
    return Path(str(resources.files("gwangyang.logistics") / "scenarios" / "gwangyang.toml"))


def demo_step(store: Any, time_limit: float = 2.0) -> dict[str, Any]:
    """Solve the shipped scenario with PyVRP and forecast the sample TEU series 12 months ahead.

    Parameters
    ----------
    store
        The demo's store (unused: routing and forecasting keep no state).
    time_limit
        Seconds for the routing solver.

    Returns
    -------
    dict
        ``routing`` (the result's ``to_dict()`` plus ``geojson``) and ``forecast`` (``to_dict()``).
    """
    from .forecast import forecast, load_series
    from .model import RoutingProblem
    from .solver import solve

    instance = RoutingProblem.from_file(scenario_path()).to_instance()
    result = solve(instance, time_limit=time_limit, seed=0)
    routing = result.to_dict()
    routing["geojson"] = result.to_geojson(instance)
    series_path = Path(str(resources.files("gwangyang.logistics") / "data" / SAMPLE_SERIES))
    series = load_series(series_path, "ds", "TEU COUNT_Total_Total")
    return {"routing": routing, "forecast": forecast(series, horizon=12, level=90).to_dict()}
