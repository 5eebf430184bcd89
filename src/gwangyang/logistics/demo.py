"""The logistics step of ``gwangyang demo``: route the shipped Gwangyang day and forecast monthly TEU.

Both results are kept in the store (see :mod:`gwangyang.logistics.views`), where the dashboard's routes and
forecast pages find them.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

SAMPLE_SERIES = "port_of_vancouver_monthly_2008-2023.csv"
"""Monthly container statistics shipped in ``logistics/data`` (source in its README)."""

SAMPLE_TARGET = "TEU COUNT_Total_Total"
"""The sample series' column of total monthly TEU."""

SAMPLE_SOURCE = "Port of Vancouver monthly container statistics (xiyang-zhang/Container_Forecast, MIT)"
"""Where the sample series comes from, as shown on the forecast page."""


def scenario_dir() -> Path:
    """Folder of the shipped routing scenarios."""
    return Path(str(resources.files("gwangyang.logistics") / "scenarios"))


def shipped_scenarios() -> list[str]:
    """Names of the shipped routing scenarios (``gwangyang``)."""
    return sorted(p.stem for p in scenario_dir().glob("*.toml"))


def scenario_path(name: str = "gwangyang") -> Path:
    """The shipped routing scenario ``name`` (default: the Gwangyang day, ``scenarios/gwangyang.toml``)."""
    return scenario_dir() / f"{name}.toml"


def sample_series_path() -> Path:
    """The shipped monthly series (``data/port_of_vancouver_monthly_2008-2023.csv``)."""
    return Path(str(resources.files("gwangyang.logistics") / "data" / SAMPLE_SERIES))


def logistics_demo_step(store: Any, time_limit: float = 2.0, horizon: int = 12) -> dict[str, Any]:
    """Solve the shipped scenario with PyVRP, forecast the sample TEU series, keep both in the store.

    Parameters
    ----------
    store
        The demo's :class:`~gwangyang.store.Store` (anything with a ``root`` folder); ``None`` keeps nothing.
    time_limit
        Seconds for the routing solver.
    horizon
        Months to forecast.

    Returns
    -------
    dict
        A short summary: ``routing`` (cost, distance, routes, feasible, unserved) and ``forecast`` (model,
        backtest MASE and coverage, first and last forecast month).
    """
    from .forecast import forecast, load_series
    from .model import RoutingProblem
    from .solver import solve
    from .views import forecast_view, routing_view, save_view

    problem = RoutingProblem.from_file(scenario_path())
    instance = problem.to_instance()
    result = solve(instance, time_limit=time_limit, seed=0)
    routes = routing_view(result, instance, problem)
    series = load_series(sample_series_path(), "ds", SAMPLE_TARGET)
    predicted = forecast(series, horizon=horizon, level=90)
    outlook = forecast_view(predicted, SAMPLE_TARGET, SAMPLE_SOURCE)
    if store is not None:
        save_view(store.root, "routes", routes)
        save_view(store.root, "forecast", outlook)
    return {
        "routing": {
            key: routes[key] for key in ("cost", "distance", "routes", "feasible", "unserved", "workers")
        },
        "forecast": {
            "model": outlook["model"],
            "mase": outlook["backtest"]["mase"],
            "coverage": outlook["backtest"]["coverage"],
            "level": outlook["level"],
            "months": [outlook["forecast"][0]["ds"], outlook["forecast"][-1]["ds"]],
        },
    }


demo_step = logistics_demo_step
"""The name the demo's step loader also looks for."""
