"""The API's twin job result carries the CC steps that ended on ``charge_limit_v`` in its ``warnings``."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

pytest.importorskip("pybamm")


def result(client: TestClient, protocol: str) -> dict:
    response = client.post(
        "/api/v1/battery/twin/simulate", params={"wait": 300}, json={"protocol": protocol, "cycles": 1}
    )
    assert response.status_code == 201, response.text
    document: dict = response.json()["job"]["result"]
    return document


def test_a_step_that_reaches_the_limit_is_warned_in_the_json(fresh_client: TestClient) -> None:
    """The shipped A123 config (3.6 V): 10 C over 0-100 % stops at 3.6 V; its charge is below the planned 2.3 Ah."""
    document = result(fresh_client, "10@0-100")
    (cell,) = document["cells"]
    (step,) = cell["meta"]["cc_steps"]
    assert step["at_limit"] and step["charged_ah"] < step["planned_ah"] == pytest.approx(2.3)
    (cycle,) = cell["cycles"]
    assert cycle["cc_steps_at_limit"] == 1
    assert cycle["cc_soc_reached_pct"] == pytest.approx(100 * step["charged_ah"] / 2.3, abs=0.01)
    assert document["warnings"] == [
        "twin: protocol 10@0-100, cell 0: CC step(s) 1 (10 C, 1 of 1 cycle(s)) ended at charge_limit_v = 3.6 V "
        f"before their planned SOC; the CC steps charged to {cycle['cc_soc_reached_pct']:.1f} % SOC of the planned "
        "100 % (cycle 1): the cell took less charge at those rates than the protocol says."
    ]
