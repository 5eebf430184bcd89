"""The logistics routing use cases, once: route solve (one problem or many), and the latest views in the store.

Each returns the document the CLI prints with ``--json``, the API returns as a job's result and the routes page
shows: a routing view (the result with its GeoJSON and sites). Many routing instances are independent items of an
:class:`~gwangyang.compute.Executor`. The forecast use case is :mod:`gwangyang.logistics.forecast_service`; the
latest routing and forecast views of each organisation are kept here (:func:`save_view`, :func:`latest_view`).
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
from ..files import jsonable, read_json, write_json
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

    field = "problem" if problem is not None else "problem_text"  # the request's field the refusal is about
    refuse_named_files(data, f"{field}: ")
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
