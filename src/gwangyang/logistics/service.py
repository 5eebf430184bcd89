"""The logistics use cases, once: route solve (one problem or many), forecast, the latest of each in the store.

Each returns the document the CLI prints with ``--json``, the API returns as a job's result and the routes and
forecast pages show: a routing view (the result with its GeoJSON and sites) and a forecast view (the forecast
with its history). Many routing instances are independent items of an :class:`~gwangyang.compute.Executor`.
"""

from __future__ import annotations

import json
import math
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..compute import Executor, SerialExecutor
from ..errors import InputError, NotFoundError
from ..files import atomic_write, jsonable, read_json, write_json
from ..store import Store, artifacts
from .protocol import MAX_ITERATIONS as MAX_ITERATIONS  # the bounds of workers and max_iterations (CLI, API)
from .protocol import MAX_WORKERS as MAX_WORKERS

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)``."""


def scenarios() -> list[str]:
    """Names of the shipped routing scenarios."""
    from ..samples import routing_scenarios

    return routing_scenarios()


def scenario_document(name: str) -> dict[str, Any]:
    """A shipped scenario's problem file as a JSON-ready table: a starting point for one's own problem."""
    from ..samples import routing_scenario

    if name not in scenarios():
        raise InputError(f"scenario: expected one of {', '.join(scenarios())}, got {name[:60]!r}.")
    return tomllib.loads(routing_scenario(name).read_text(encoding="utf-8"))


def scenario_file(name: str) -> str:
    """The file name of a shipped scenario (``gwangyang.toml``): what ``gwangyang routes solve`` names it."""
    from ..samples import routing_scenario

    return routing_scenario(name).name


def parse_problem(
    scenario: str | None = None, problem: dict[str, Any] | None = None, text: str | None = None
) -> Any:
    """The :class:`~gwangyang.logistics.problem.RoutingProblem` of a request: a problem table, the text of a TOML or JSON problem file, or else a shipped scenario.

    Raises
    ------
    InputError
        An unknown scenario, unparsable text, a problem that names matrix files, or any invalid field: the
        message starts with the request's field (``problem: orders[0].id: ...``, ``problem_text: unknown field
        'trucks' (...)``), once.
    """
    from ..samples import routing_scenario
    from .problem import RoutingProblem

    data: Any = problem
    if data is None and text is not None:
        stripped = text.strip()
        try:
            data = json.loads(stripped) if stripped.startswith("{") else tomllib.loads(stripped)
        except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
            raise InputError(f"problem_text: not valid TOML or JSON ({exc})") from exc
    if data is None:
        names = scenarios()
        if scenario not in names:
            raise InputError(f"scenario: expected one of {', '.join(names)}, got {str(scenario)[:60]!r}.")
        return RoutingProblem.from_file(routing_scenario(scenario))
    if not isinstance(data, dict):
        raise InputError("problem: expected a table (JSON object) at the top level")
    from .route_file import refuse_named_files

    refuse_named_files(data, "")
    field = "problem" if problem is not None else "problem_text"  # the request's field the refusal is about
    try:
        return RoutingProblem.from_dict(data)
    except InputError as exc:
        raise InputError(f"{field}: {exc}") from exc


def solve_routes(
    instance: Any,
    problem: Any = None,
    time_limit: float = 10.0,
    seed: int = 0,
    solver: str = "pyvrp",
    workers: int | None = None,
    progress: Progress | None = None,
    max_iterations: int | None = None,
) -> tuple[dict[str, Any], Any]:
    """Route the trucks of one instance (PyVRP: each search also stops after ``max_iterations``, if given).

    Returns
    -------
    (dict, RoutingResult)
        The routing view (routes, loads, distances, schedules, cost, unserved orders with reasons, GeoJSON, sites)
        and the result (for plots and exports).
    """
    from .solver import make_solver
    from .views import routing_view

    total = max(1, math.ceil(time_limit * 4))
    shown = [-1]

    def on_progress(event: Any) -> None:
        done = min(total, int(event.elapsed_s * 4))
        if progress is not None and done > shown[0]:  # a few updates a second at most
            shown[0] = done
            progress(done, total)

    result = make_solver(solver, workers, max_iterations).solve(instance, time_limit, seed, [on_progress])
    view: dict[str, Any] = jsonable(routing_view(result, instance, problem))
    return view, result


ROUTE_SUFFIXES = (".vrp", ".txt", ".toml", ".json")
"""Routing problem files: VRPLIB ``.vrp``, Solomon ``.txt``, our problem file ``.toml`` / ``.json``."""


def read_route_file(
    path: Path, name: str | None = None, solution: Path | None = None, named_files: bool = True
) -> Any:
    """A routing problem file read and checked (:class:`~gwangyang.logistics.route_file.RouteFile`), with a ``.sol``.

    See :func:`gwangyang.logistics.route_file.read_route_file`; every error names the file.
    """
    from .route_file import read_route_file as read

    return read(path, name, solution, named_files)


def route_request(
    scenario: str | None = None, problem: dict[str, Any] | None = None, text: str | None = None
) -> Any:
    """The :class:`~gwangyang.logistics.route_file.RouteFile` of a request (:func:`parse_problem`).

    A shipped scenario is named by its file (``gwangyang.toml``), as ``gwangyang routes solve`` names it; a problem
    sent as a table or text has no file (None).
    """
    from .route_file import RouteFile

    parsed = parse_problem(scenario, problem, text)
    given = problem is not None or text is not None
    return RouteFile(None if given else scenario_file(str(scenario)), parsed.to_instance(), parsed)


def solve_route_file(
    loaded: Any,
    time_limit: float = 10.0,
    seed: int = 0,
    solver: str = "pyvrp",
    workers: int | None = None,
    progress: Progress | None = None,
    max_iterations: int | None = None,
) -> tuple[dict[str, Any], Any]:
    """:func:`solve_routes` of a file: the view names the ``file``, and with a ``.sol`` its ``best_known`` and gap.

    ``gap_percent`` is ``100 (cost / best known - 1)``, as ``benchmarks/logistics_routing.py`` reports it; None
    for an infeasible result (its cost is no solution's).
    """
    view, result = solve_routes(
        loaded.instance, loaded.problem, time_limit, seed, solver, workers, progress, max_iterations
    )
    view = {"file": loaded.name, **view}
    if loaded.best_known is not None:
        best = float(loaded.best_known["cost"])
        view["best_known"] = dict(loaded.best_known)
        view["gap_percent"] = 100 * (view["cost"] / best - 1) if view["feasible"] and best > 0 else None
    return view, result


def gap_line(view: dict[str, Any]) -> str:
    """One line for a terminal: the result's gap to the best known of the ``.sol`` given with it."""
    best = view["best_known"]
    gap = view["gap_percent"]
    return (
        f"best known {best['cost']:,.2f} ({best['file']}; its routes re-checked: {best['checked_cost']:,.2f}, "
        f"{'feasible' if best['feasible'] else 'INFEASIBLE'}); gap "
        + ("n/a (result infeasible)" if gap is None else f"{gap:.2f} %")
    )


def _solve_file(item: tuple[str, float, int, str]) -> dict[str, Any]:
    """One file's routing view (runs on any worker, one solver thread)."""
    path, time_limit, seed, solver = item
    view, _ = solve_route_file(read_route_file(Path(path)), time_limit, seed, solver, workers=1)
    return view


def solve_many(
    paths: Sequence[Path],
    time_limit: float = 10.0,
    seed: int = 0,
    solver: str = "pyvrp",
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> list[dict[str, Any]]:
    """Routing views of many problem files, each an independent item of ``executor`` (one search each)."""
    items = [(str(p), time_limit, seed, solver) for p in paths]
    return (executor or SerialExecutor()).map(_solve_file, items, progress=progress)


def view_summary(view: dict[str, Any]) -> str:
    """One line for a terminal from a routing view: its file (if any), cost, distance, routes, feasibility."""
    head = f"{view['file']}: " if "file" in view else ""
    return (
        f"{head}{view['instance']}: {view['solver']}, cost {view['cost']:,.2f}, distance {view['distance']:,.2f} "
        f"{view['distance_unit']}, {view['num_routes']} routes, {'feasible' if view['feasible'] else 'INFEASIBLE'}, "
        f"{len(view['unserved'])} unserved"
        + (
            f" (cost = routing {view['routing_cost']:,.2f} + prizes forgone {view['prize_forgone']:,.2f})"
            if view.get("prize_forgone")
            else ""
        )
    )


def sample_series() -> tuple[Any, str, str]:
    """The shipped monthly TEU series, its name and its source."""
    from ..samples import LOGISTICS_SOURCE, LOGISTICS_TARGET, logistics_series
    from .forecast import load_series

    return load_series(logistics_series(), "ds", LOGISTICS_TARGET), LOGISTICS_TARGET, LOGISTICS_SOURCE


FORECAST_SUFFIXES = (".csv", ".txt", ".parquet")
"""Table files a forecast reads (a CSV in UTF-8, or Parquet)."""


def series_from_file(
    path: Path, date_column: str | None, target: str | None, working_days: tuple[int, ...] | None = None
) -> tuple[Any, str]:
    """A series from a CSV or Parquet table and its name (the target column).

    ``date_column`` and ``target`` None (or empty) are the table's two columns, first the dates; a table of more
    columns must name them. ``working_days`` (0 Monday .. 6 Sunday; :func:`.weekdays.parse_working_days` reads
    them from ``Mon-Sat`` or ``월~토``) declares a daily series' working weekdays; None reads them from the dates.
    """
    from .forecast import load_series
    from .forecast_input import two_columns

    if not date_column or not target:
        first, second = two_columns(path)
        date_column, target = date_column or first, target or second
    return load_series(path, date_column, target, working_days), target


def working_days(value: str | Sequence[str], where: str = "working_days") -> tuple[int, ...]:
    """The working weekdays (0 Monday .. 6 Sunday) named in English or Korean: ``Mon-Sat``, ``월~토``, ``["월", "Tue"]``.

    See :func:`gwangyang.logistics.weekdays.parse_working_days`; a word that is no weekday is refused naming it.
    """
    from .weekdays import parse_working_days

    return parse_working_days(value, where)


def series_from_rows(
    rows: Sequence[tuple[str, float]], name: str, working_days: tuple[int, ...] | None = None
) -> Any:
    """A series from ``(date, value)`` rows of a request, of any frequency :mod:`.frequency` recognises."""
    from .forecast_input import rows_to_series

    return rows_to_series(rows, "series", working_days)


def series_frequency(series: Any) -> Any:
    """The :class:`~gwangyang.logistics.frequency.Frequency` of a checked series (recognised from its dates)."""
    from .forecast import frequency_for

    return frequency_for(series)


def check_series_length(series: Any, horizon: int | None, windows: int) -> None:
    """Refuse a series too short for ``windows`` backtest windows of ``horizon`` periods plus two seasons.

    ``horizon`` None is the frequency's default (12 months, 8 quarters, 13 weeks, 14 days...).
    """
    from .forecast import check_length, frequency_for

    frequency = frequency_for(series)
    check_length(len(series), frequency, frequency.horizon if horizon is None else horizon, windows)


def forecast_series(
    series: Any, name: str, source: str, horizon: int | None = None, level: int = 90, windows: int = 3
) -> tuple[dict[str, Any], Any]:
    """Forecast a series: model chosen by rolling-origin backtest (MASE), intervals checked for coverage.

    The series may be of any frequency :mod:`gwangyang.logistics.frequency` recognises; ``horizon`` counts its
    periods (None: the frequency's default).

    Returns
    -------
    (dict, ForecastResult)
        The forecast view (``model``, ``level``, ``forecast``, ``backtest``, ``frequency``, ``history``,
        ``series``, ``source``) and the result (for plots).
    """
    from .forecast import forecast
    from .views import forecast_view

    result = forecast(series, horizon=horizon, level=level, n_windows=windows)
    view: dict[str, Any] = jsonable(forecast_view(result, name, source))
    return view, result


def forecast_file(
    path: Path,
    date_column: str,
    target: str,
    horizon: int | None = None,
    level: int = 90,
    windows: int = 3,
    working_days: tuple[int, ...] | None = None,
) -> tuple[dict[str, Any], Any]:
    """:func:`forecast_series` of a column of a CSV or Parquet table with one row per period.

    ``working_days`` as for :func:`series_from_file`.
    """
    series, _ = series_from_file(path, date_column, target, working_days)
    return forecast_series(series, target, path.name, horizon, level, windows)


def save_view(store: Store, kind: str, view: dict[str, Any], org: str | None = None) -> Path:
    """Keep ``view`` as the latest ``kind`` (``routes`` or ``forecast``) of organisation ``org`` in the store.

    ``org`` None is the shared one (the CLI's, ``gwangyang demo``'s, the store admin's token), kept as
    ``<store>/logistics/<kind>.json``; an organisation's is ``<store>/logistics/orgs/<org>/<kind>.json``, so one
    organisation's run never replaces another's.
    """
    if kind not in artifacts.ROUTING_VIEWS:
        raise InputError(f"view: expected one of {', '.join(artifacts.ROUTING_VIEWS)}, got {kind!r}.")
    if org is None:
        return artifacts.save(store, "routing-view", kind, view)
    return write_json(_org_views(store) / artifacts.check_name(org, "organisation") / f"{kind}.json", view)


def _org_views(store: Store) -> Path:
    """The folder of the organisations' latest views."""
    return artifacts.folder(store, "routing-view") / "orgs"


def latest_view(
    store: Store, kind: str, visible: Callable[[str | None], bool] | None = None
) -> dict[str, Any]:
    """The newest ``kind`` view kept in the store among those ``visible`` accepts (by organisation; None: shared).

    ``visible`` None accepts every one (an admin, the CLI); a user sees its organisation's and the shared one, so
    another organisation's routes are never shown to it.

    Raises
    ------
    NotFoundError
        None kept yet (that ``visible`` accepts).
    """
    if kind not in artifacts.ROUTING_VIEWS:
        raise InputError(f"view: expected one of {', '.join(artifacts.ROUTING_VIEWS)}, got {kind!r}.")
    found: list[tuple[float, Path]] = []
    shared = artifacts.path(store, "routing-view", kind)
    candidates: list[tuple[str | None, Path]] = [(None, shared)]
    folder = _org_views(store)
    if folder.is_dir():
        candidates += [(p.name, p / f"{kind}.json") for p in sorted(folder.iterdir()) if p.is_dir()]
    for org, path in candidates:
        if visible is not None and not visible(org):
            continue
        try:
            found.append((path.stat().st_mtime, path))
        except OSError:
            continue
    for _, path in sorted(found, key=lambda item: item[0], reverse=True):
        try:
            result: dict[str, Any] = read_json(path)
        except (OSError, ValueError):
            continue
        return result
    raise NotFoundError(f"no {kind} in the store yet: run a job or `gwangyang demo`.")


def latest_view_or_none(
    store: Store, kind: str, visible: Callable[[str | None], bool] | None = None
) -> dict[str, Any] | None:
    """:func:`latest_view`, or None when none is kept."""
    try:
        return latest_view(store, kind, visible)
    except NotFoundError:
        return None


def export_routes(
    result: Any, instance: Any, plot: Path | None = None, geojson: Path | None = None, csv: Path | None = None
) -> None:
    """Write a routing result as a PNG map, GeoJSON and one CSV row per stop (each when its path is given)."""
    from .export import plot_routes, write_csv, write_geojson

    if plot is not None:
        plot_routes(result, instance, plot)
    if geojson is not None:
        write_geojson(result, instance, geojson)
    if csv is not None:
        write_csv(result, csv)


def forecast_csv(view: dict[str, Any]) -> bytes:
    """A forecast view's periods ahead as a CSV file's bytes: ``period,ds,mean,lo,hi``, UTF-8 without BOM, LF.

    The one CSV of a forecast: ``gwangyang forecast --csv`` writes it, ``GET /logistics/forecast/{job}/csv`` answers it.
    """
    from .views import forecast_csv as text

    return text(view).encode("utf-8")


def write_forecast_csv(view: dict[str, Any], path: Path) -> None:
    """:func:`forecast_csv` written to ``path`` whole or not at all."""
    atomic_write(path, forecast_csv(view))


def plot_forecast(result: Any, path: Path, title: str = "") -> None:
    """History, forecast and interval, as a PNG."""
    from .forecast import plot_forecast as draw

    draw(result, path, title=title)
