"""What the dashboard shows of a routing result or a forecast, and where the latest of each is kept in the store.

The views are JSON-ready dicts: a routing view is the result's ``to_dict()`` with the GeoJSON of the routes and a
table of the sites; a forecast view is the forecast's ``to_dict()`` with the history it was fitted on. The latest
of each lives in ``<store>/logistics/{routes,forecast}.json`` (the shared one) and
``<store>/logistics/orgs/<org>/{routes,forecast}.json`` (an organisation's), written to a temporary file, then
renamed (:func:`gwangyang.logistics.service.save_view`).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from .export import to_geojson
from .forecast import ForecastResult
from .instance import Instance
from .problem import RoutingProblem
from .result import RoutingResult


def routing_view(
    result: RoutingResult, instance: Instance, problem: RoutingProblem | None = None
) -> dict[str, Any]:
    """The result's ``to_dict()`` plus ``geojson`` and ``sites`` (id, name, kind, coordinates) for a map.

    Also ``notes`` (what the reading of the instance assumed, e.g. a rounding convention) and ``warnings`` (why
    the result is infeasible beyond its routes' own ``violations``: groups broken, required clients not served
    once, more routes than vehicles of a type).
    """
    names = {s.id: s.name for s in problem.sites} if problem is not None else {}
    sites = []
    for loc, site_id in enumerate(instance.location_names):
        a, b = (float(v) for v in instance.coordinates[loc])
        sites.append(
            {
                "id": site_id,
                "name": names.get(site_id, site_id),
                "kind": "depot" if loc < instance.num_depots else "site",
                "x": b if instance.geographic else a,
                "y": a if instance.geographic else b,
            }
        )
    view = result.to_dict()
    view["geojson"] = to_geojson(result, instance)
    view["sites"] = sites
    view["geographic"] = instance.geographic
    view["approximate_coordinates"] = bool(problem is not None and problem.settings.approximate_coordinates)
    view["currency"] = problem.settings.currency if problem is not None else ""
    view["notes"] = list(instance.notes)
    view["warnings"] = result_warnings(result)
    return view


def result_warnings(result: RoutingResult) -> list[str]:
    """Why a result is infeasible besides its routes' ``violations``, one line each (empty when nothing is)."""
    lines = list(result.group_violations)
    if result.missing_required:
        lines.append(
            "required client(s) not served exactly once: "
            + " ".join(str(x) for x in result.missing_required[:20])
            + (f" and {len(result.missing_required) - 20} more" if len(result.missing_required) > 20 else "")
        )
    if result.fleet_exceeded:
        lines.append(f"more routes than vehicles of type: {', '.join(result.fleet_exceeded)}")
    return lines


def forecast_view(result: ForecastResult, series_name: str, source: str) -> dict[str, Any]:
    """The forecast's ``to_dict()`` plus ``history`` (``[{"period", "ds", "y"}]``), the series' name and its source."""
    view = result.to_dict()
    name_of = result.frequency.name_of
    view["history"] = [
        {"period": name_of(ds), "ds": f"{ds:%Y-%m-%d}", "y": float(y)}
        for ds, y in zip(result.history["ds"], result.history["y"], strict=True)
    ]
    view["series"] = series_name
    view["source"] = source
    return view


def forecast_csv(view: dict[str, Any]) -> str:
    """A forecast view's periods as CSV text: ``period``, ``ds``, ``mean``, ``lo``, ``hi``.

    ``period`` is the label of the frequency (``2026-W14`` for ISO weeks, ``2024-01`` for months), ``ds`` the first day.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["period", "ds", "mean", "lo", "hi"])
    for row in view["forecast"]:
        writer.writerow([row["period"], row["ds"], repr(row["mean"]), repr(row["lo"]), repr(row["hi"])])
    return out.getvalue()
