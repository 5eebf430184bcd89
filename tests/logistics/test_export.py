"""Exports: GeoJSON geometry, CSV rows, JSON and a PNG map, checked against the result they came from."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from gwangyang.logistics import RoutingProblem, solve
from gwangyang.logistics.export import plot_routes, to_geojson, write_csv, write_geojson, write_json

from .test_solver import SCENARIO


def test_exports(tmp_path: Path) -> None:
    instance = RoutingProblem.from_file(SCENARIO).to_instance()
    result = solve(instance, time_limit=0.5, workers=1)
    geo = to_geojson(result, instance)
    points = [f for f in geo["features"] if f["geometry"]["type"] == "Point"]
    lines = [f for f in geo["features"] if f["geometry"]["type"] == "LineString"]
    assert len(points) == len(instance.location_names) and len(lines) == len(result.routes)
    # GeoJSON order is [longitude, latitude]; GWCT is the first depot in the scenario (34.9035 N, 127.669 E).
    assert points[0]["properties"]["name"] == "GWCT" and points[0]["geometry"]["coordinates"] == [
        127.669,
        34.9035,
    ]
    for line, route in zip(lines, result.routes, strict=True):
        assert len(line["geometry"]["coordinates"]) == len(route.stops) + 2
    write_geojson(result, instance, tmp_path / "r.geojson")
    assert json.loads((tmp_path / "r.geojson").read_text()) == json.loads(json.dumps(geo))
    write_csv(result, tmp_path / "r.csv")
    rows = list(csv.DictReader((tmp_path / "r.csv").read_text().splitlines()))
    assert len(rows) == sum(len(r.stops) for r in result.routes) == 32
    write_json(result, tmp_path / "r.json")
    assert json.loads((tmp_path / "r.json").read_text())["cost"] == result.cost
    plot_routes(result, instance, tmp_path / "map.png")
    assert (tmp_path / "map.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
