"""Shipments restricted per vehicle type, sent to the API as a JSON problem (Korean ids and names): the job's
routes reach the brute-force optimum of ``tests/logistics/test_shipment_vehicles.py``, and a list naming an
unknown vehicle type is refused before any job, naming the shipment and the field."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.logistics.test_shipment_vehicles import MAY_CARRY, brute_force, table

LOG = "/api/v1/logistics"


def test_json_problem_with_shipment_lists(fresh_client: TestClient) -> None:
    body = {"problem": table(), "seed": 0, "workers": 1, "max_iterations": 2000, "time_limit": 60}
    response = fresh_client.post(f"{LOG}/routes", params={"wait": 120}, json=body)
    assert response.status_code == 201, response.text
    result = response.json()["job"]["result"]
    assert result["feasible"] and result["unserved"] == [] and result["warnings"] == []
    assert result["cost"] == pytest.approx(brute_force(True), rel=1e-9)
    for route in result["route_details"]:
        assert {o.split("/")[0] for o in route["orders"]} <= MAY_CARRY[route["vehicle_type"]]


def test_unknown_vehicle_type_in_a_shipment_list_is_refused(fresh_client: TestClient) -> None:
    problem = table()
    problem["shipments"][1]["forbidden_vehicles"] = ["냉동탑차"]
    response = fresh_client.post(f"{LOG}/routes", json={"problem": problem})
    assert response.status_code == 400, response.text
    assert response.json()["detail"] == (
        "problem: shipment 화물2: forbidden_vehicles: '냉동탑차' is not a vehicle type (expected one of "
        "근거리트럭, 원거리트럭)"
    )
