"""What the dashboard shows of a routing result or a forecast, and where the latest of each is kept in the store.

The views are JSON-ready dicts: a routing view is the result's ``to_dict()`` with the GeoJSON of the routes and a
table of the sites; a forecast view is the forecast's ``to_dict()`` with the history it was fitted on. The latest
of each lives in ``<store>/logistics/{routes,forecast}.json`` (written to a temporary file, then renamed).
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

from ..errors import NotFoundError
from .export import to_geojson
from .forecast import ForecastResult
from .instance import Instance
from .model import RoutingProblem
from .result import RoutingResult

KINDS = ("routes", "forecast")
"""The views kept in the store."""


def routing_view(
    result: RoutingResult, instance: Instance, problem: RoutingProblem | None = None
) -> dict[str, Any]:
    """The result's ``to_dict()`` plus ``geojson`` and ``sites`` (id, name, kind, coordinates) for a map."""
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
    return view


def forecast_view(result: ForecastResult, series_name: str, source: str) -> dict[str, Any]:
    """The forecast's ``to_dict()`` plus ``history`` (``[{"ds", "y"}]``), the series' name and its source."""
    view = result.to_dict()
    view["history"] = [
        {"ds": f"{ds:%Y-%m-%d}", "y": float(y)}
        for ds, y in zip(result.history["ds"], result.history["y"], strict=True)
    ]
    view["series"] = series_name
    view["source"] = source
    return view


def _path(store_root: str | Path, kind: str) -> Path:
    if kind not in KINDS:
        raise ValueError(f"kind: expected one of {KINDS}, got {kind!r}")
    return Path(store_root) / "logistics" / f"{kind}.json"


def save_view(store_root: str | Path, kind: str, view: dict[str, Any]) -> Path:
    """Keep ``view`` as the latest ``kind`` (``"routes"`` or ``"forecast"``) in the store."""
    path = _path(store_root, kind)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(json.dumps(view, allow_nan=False, default=str), encoding="utf-8")
    os.replace(tmp, path)
    return path


def load_view(store_root: str | Path, kind: str) -> dict[str, Any]:
    """The latest ``kind`` kept in the store.

    Raises
    ------
    NotFoundError
        None kept yet.
    """
    path = _path(store_root, kind)
    if not path.exists():
        raise NotFoundError(f"logistics: no {kind} result in the store yet (run one, or `gwangyang demo`).")
    view: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return view
