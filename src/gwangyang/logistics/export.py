"""Write a routing result as JSON, CSV (one row per stop), GeoJSON (sites and route lines) or a PNG map."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from .instance import Instance
from .result import RoutingResult
from .route_check import reload_depot


def stop_location(instance: Instance, client: int) -> int:
    """Location index of a stop's client, or of the depot of a reload (a negative client, see ``check.reload_visit``)."""
    return reload_depot(client) if client < 0 else int(instance.client_location[client])


def to_geojson(result: RoutingResult, instance: Instance) -> dict[str, Any]:
    """A GeoJSON ``FeatureCollection``: one Point per location, one LineString per route.

    Coordinates are ``[longitude, latitude]`` for geographic instances; planar benchmark instances keep their
    ``[x, y]`` and say so in the collection's ``coordinates`` property.
    """

    def position(loc: int) -> list[float]:
        a, b = (float(v) for v in instance.coordinates[loc])
        return [b, a] if instance.geographic else [a, b]

    features: list[dict[str, Any]] = []
    clients_at: dict[int, list[str | int]] = {}
    for c in range(instance.num_clients):
        clients_at.setdefault(int(instance.client_location[c]), []).append(instance.client_label[c])
    for loc, name in enumerate(instance.location_names):
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": position(loc)},
                "properties": {
                    "name": name,
                    "kind": "depot" if loc < instance.num_depots else "site",
                    "orders": clients_at.get(loc, []),
                },
            }
        )
    for k, route in enumerate(result.routes, start=1):
        vehicle = next(v for v in instance.vehicles if v.name == route.vehicle_type)
        path = [
            vehicle.start_depot,
            *(stop_location(instance, s.client) for s in route.stops),
            vehicle.end_depot,
        ]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [position(p) for p in path]},
                "properties": {
                    "route": k,
                    "vehicle_type": route.vehicle_type,
                    "orders": route.labels,
                    "distance": route.distance,
                    "cost": route.cost,
                    "load": list(route.load),
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "features": features,
        "properties": {
            "instance": result.instance_name,
            "cost": result.cost,
            "feasible": result.is_feasible(),
            "coordinates": "lon/lat (approximate)" if instance.geographic else "planar x/y",
        },
    }


def write_json(result: RoutingResult, path: str | Path) -> None:
    """The result's ``to_dict()`` as a JSON file."""
    Path(path).write_text(json.dumps(result.to_dict(), indent=1, default=str), encoding="utf-8")


def write_geojson(result: RoutingResult, instance: Instance, path: str | Path) -> None:
    """GeoJSON of the routes; see :func:`to_geojson`."""
    Path(path).write_text(json.dumps(to_geojson(result, instance)), encoding="utf-8")


def write_csv(result: RoutingResult, path: str | Path) -> None:
    """One row per stop: route, vehicle type, sequence, order, location, arrival, start, departure, lateness."""
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "route",
                "vehicle_type",
                "sequence",
                "order",
                "location",
                "arrival",
                "start",
                "departure",
                "lateness",
            ]
        )
        for k, route in enumerate(result.routes, start=1):
            for n, stop in enumerate(route.stops, start=1):
                writer.writerow(
                    [
                        k,
                        route.vehicle_type,
                        n,
                        stop.label,
                        stop.location,
                        f"{stop.arrival:.3f}",
                        f"{stop.start:.3f}",
                        f"{stop.departure:.3f}",
                        f"{stop.lateness:.3f}",
                    ]
                )


def plot_routes(result: RoutingResult, instance: Instance, path: str | Path) -> None:
    """A PNG map: depots as squares, clients as dots, one coloured line per route, unserved clients as crosses."""
    from ..plotting import pyplot

    plt = pyplot()

    xy = instance.coordinates[:, ::-1] if instance.geographic else instance.coordinates
    fig, ax = plt.subplots(figsize=(8, 7))
    cmap = plt.get_cmap("tab20")
    for k, route in enumerate(result.routes):
        vehicle = next(v for v in instance.vehicles if v.name == route.vehicle_type)
        nodes = [
            vehicle.start_depot,
            *(stop_location(instance, s.client) for s in route.stops),
            vehicle.end_depot,
        ]
        ax.plot(xy[nodes, 0], xy[nodes, 1], "-", color=cmap(k % 20), lw=1.2, alpha=0.9)
    client_locs = sorted({int(v) for v in instance.client_location})
    ax.scatter(xy[client_locs, 0], xy[client_locs, 1], s=14, color="black", zorder=3, label="clients")
    ax.scatter(
        xy[: instance.num_depots, 0],
        xy[: instance.num_depots, 1],
        s=80,
        marker="s",
        color="red",
        zorder=4,
        label="depots",
    )
    unserved = {item["order"] for item in result.unserved}
    lost = [
        int(instance.client_location[c])
        for c in range(instance.num_clients)
        if instance.client_label[c] in unserved
    ]
    if lost:
        ax.scatter(xy[lost, 0], xy[lost, 1], s=60, marker="x", color="magenta", zorder=5, label="unserved")
    if instance.geographic and instance.num_clients < 100:
        for loc in range(len(instance.location_names)):
            ax.annotate(
                instance.location_names[loc], xy[loc], fontsize=7, xytext=(3, 3), textcoords="offset points"
            )
    ax.set_xlabel("longitude (approximate)" if instance.geographic else "x")
    ax.set_ylabel("latitude (approximate)" if instance.geographic else "y")
    ax.set_title(
        f"{result.instance_name}: {result.solver}, cost {result.cost:,.1f}, {len(result.routes)} routes"
    )
    ax.legend(loc="best", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
