from __future__ import annotations

import numpy as np
import pytest
from fastapi.testclient import TestClient

from gwangyang.port.service import example_berths

EXAMPLE_BERTHS = example_berths()

PORT = "/api/v1/port"


def test_scenarios_are_the_shipped_ones(client: TestClient) -> None:
    assert client.get(f"{PORT}/scenarios").json() == ["gwangyang-automated", "gwangyang-today"]


def test_compare_job_kpis(fresh_client: TestClient) -> None:
    response = fresh_client.post(f"{PORT}/compare", params={"wait": 120}, json={"days": 3, "replications": 2})
    assert response.status_code == 201
    record = response.json()["job"]
    result = record["result"]
    assert (result["a"], result["b"], result["replications"]) == ("gwangyang-today", "gwangyang-automated", 2)
    for kpi in result["kpis"].values():
        # B - A and its interval are consistent with the two means
        if kpi["a_mean"] is not None and kpi["b_mean"] is not None:
            assert kpi["diff_mean"] == pytest.approx(
                kpi["b_mean"] - kpi["a_mean"], abs=1e-6 * (1 + abs(kpi["a_mean"]))
            )
            if kpi["no_interval"] is None:
                # inside what B - A can be: B's mean, A held at its own, within the KPI's bounds
                high = 1.0 if kpi["unit"] == "fraction" else float("inf")
                assert (
                    -kpi["a_mean"]
                    <= kpi["diff_ci_low"]
                    <= kpi["diff_mean"] + 1e-9
                    <= kpi["diff_ci_high"] + 2e-9
                )
                assert kpi["diff_ci_high"] <= high - kpi["a_mean"]
            else:
                assert kpi["diff_ci_low"] is None and kpi["diff_ci_high"] is None
    # every KPI without an interval is named in a warning that says why
    missing = [name for name, kpi in result["kpis"].items() if kpi["no_interval"]]
    assert missing and all(any(name in w for w in result["warnings"]) for name in missing)
    # the job record has no NaN (JSON has none): relative change of a zero baseline comes back as null
    assert record["progress"]["fraction"] == 1.0


def test_berth_plan_objective_recomputed(fresh_client: TestClient) -> None:
    response = fresh_client.post(f"{PORT}/berths/plan", params={"wait": 60}, json=EXAMPLE_BERTHS)
    assert response.status_code == 201
    plan = response.json()["job"]["result"]
    rows = sorted(plan["assignments"], key=lambda a: a["vessel"])
    ends = np.array([a["end"] for a in rows])
    # objective = total service time sum(end - arrival) (berths module docstring), recomputed from the plan
    assert plan["objective"] == ends.sum() - sum(EXAMPLE_BERTHS["arrival"])
    assert plan["objective"] <= plan["fcfs_objective"] and plan["problems"] == []
    for a in rows:
        handling = EXAMPLE_BERTHS["handling"][a["vessel"]][a["berth"]]
        assert (
            handling > 0
            and a["end"] - a["start"] == handling
            and a["start"] >= EXAMPLE_BERTHS["arrival"][a["vessel"]]
        )


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        ({"a": "../../etc/passwd"}, 400, "expected one of"),
        ({"b": "/etc/hosts.toml"}, 400, "expected one of"),
        ({"days": -1}, 422, "days"),
        ({"replications": 1000}, 422, "replications"),
    ],
)
def test_compare_bad_requests(client: TestClient, body: dict[str, object], code: int, words: str) -> None:
    response = client.post(f"{PORT}/compare", json=body)
    assert response.status_code == code and words in str(response.json()["detail"])


def test_berth_bad_instance(client: TestClient) -> None:
    bad = {**EXAMPLE_BERTHS, "handling": EXAMPLE_BERTHS["handling"][:3]}
    response = client.post(f"{PORT}/berths/plan", json=bad)
    assert response.status_code == 422 and "handling: expected 12 rows" in str(response.json()["detail"])


def test_berth_plan_with_a_budget_is_the_services(fresh_client: TestClient) -> None:
    from gwangyang.port.berth_budget import SearchBudget
    from gwangyang.port.service import berth_instance, plan_berths

    body = {**EXAMPLE_BERTHS, "budget_s": 5}
    response = fresh_client.post(f"{PORT}/berths/plan", params={"wait": 120}, json=body)
    assert response.status_code == 201
    plan = response.json()["job"]["result"]
    # the same counted work in this process (the API runs the job in a worker): the same plan and bound
    local, _ = plan_berths(
        berth_instance(EXAMPLE_BERTHS), "cpsat", workers=1, budget=SearchBudget.like_seconds(5)
    )
    assert plan["budget"] == SearchBudget.like_seconds(5).to_dict() == local["budget"]
    keys = ("assignments", "objective", "lower_bound", "status", "work")
    assert {k: plan[k] for k in keys} == {k: local[k] for k in keys}
    assert plan["problems"] == [] and plan["objective"] <= plan["fcfs_objective"]


def test_crane_schedule_with_a_budget_is_the_services(fresh_client: TestClient) -> None:
    from gwangyang.port.service import crane_instance, schedule_cranes

    # 0.01 deterministic seconds stop CP-SAT before it proves qcsp-10 optimal: the search's own schedule
    response = fresh_client.post(f"{PORT}/cranes", params={"wait": 60}, json={"budget": 0.01})
    assert response.status_code == 201
    result = response.json()["job"]["result"]
    local, _ = schedule_cranes(crane_instance(), workers=1, budget=0.01)
    keys = ("schedule", "makespan", "lower_bound", "status", "budget", "work")
    assert {k: result[k] for k in keys} == {k: local[k] for k in keys}
    assert result["status"] == "FEASIBLE" and result["lower_bound"] < result["makespan"]


@pytest.mark.parametrize(
    ("path", "body", "words"),
    [
        ("berths/plan", {**EXAMPLE_BERTHS, "budget_s": 0}, "budget_s"),
        ("berths/plan", {**EXAMPLE_BERTHS, "budget_s": "lots"}, "budget_s"),
        ("berths/plan", {**EXAMPLE_BERTHS, "budget_s": 1000}, "budget_s"),
        (
            "berths/plan",
            {**EXAMPLE_BERTHS, "method": "fcfs", "budget_s": 5},
            "budget_s: only for method cpsat",
        ),
        ("cranes", {"budget": -1}, "budget"),
    ],
)
def test_bad_budgets(client: TestClient, path: str, body: dict[str, object], words: str) -> None:
    response = client.post(f"{PORT}/{path}", json=body)
    assert response.status_code == 422 and words in str(response.json()["detail"])


def test_crane_instance_with_cranes_out_of_quay_order_is_a_400(client: TestClient) -> None:
    # Scheduled before as if crane 0 (bay 6) and crane 1 (bay 1) passed through each other.
    instance = {
        "name": "부두",
        "bays": 6,
        "cranes": [{"initial_bay": 6}, {"initial_bay": 1}],
        "tasks": [{"bay": 1, "time": 10}, {"bay": 6, "time": 20}],
    }
    response = client.post(f"{PORT}/cranes", json={"instance": instance})
    assert response.status_code == 400
    assert "instance: cranes[1].initial_bay: must be >= 8" in str(response.json()["detail"])
