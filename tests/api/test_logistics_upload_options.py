"""``workers`` and ``max_iterations`` of ``POST /logistics/routes/file`` and ``POST /logistics/routes``: the CLI's
``--workers`` and ``--max-iterations``, with the same bounds. A run capped by iterations gives, through the upload,
the very routes and cost the CLI gives for the same file and seed; a bad value is refused (4xx) naming the field."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from gwangyang.cli.main import main

LOG = "/api/v1/logistics"


def problem_text(orders: int = 18) -> tuple[str, dict[str, tuple[float, float]]]:
    """A Korean-named problem of ``orders`` orders around one depot (coordinates drawn with seed 5) and the sites."""
    rng = np.random.default_rng(5)
    sites = {"광양창고": (34.91, 127.68)}
    lines = ['name = "광양 배송 시험"', "", "[[sites]]", 'id = "광양창고"', 'kind = "depot"']
    lines += ["latitude = 34.91", "longitude = 127.68", ""]
    for k in range(orders):
        lat, lon = 34.85 + 0.12 * rng.random(), 127.55 + 0.25 * rng.random()
        sites[f"현장{k}"] = (lat, lon)
        lines += ["[[sites]]", f'id = "현장{k}"', f"latitude = {lat:.5f}", f"longitude = {lon:.5f}", ""]
        sites[f"현장{k}"] = (round(lat, 5), round(lon, 5))
    lines += ["[[vehicles]]", 'name = "카고트럭"', "count = 6", "capacity = [10]", 'start_depot = "광양창고"']
    lines += ["fixed_cost = 50", "cost_per_km = 2", ""]
    for k in range(orders):
        lines += ["[[orders]]", f'id = "주문{k}"', f'site = "현장{k}"', f"quantity = [{1 + k % 4}]", ""]
    return "\n".join(lines), sites


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (km) by the haversine formula, radius 6371.0088 km (IUGG mean)."""
    la, lo, lb, mb = (math.radians(v) for v in (*a, *b))
    h = math.sin((lb - la) / 2) ** 2 + math.cos(la) * math.cos(lb) * math.sin((mb - lo) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def test_upload_with_max_iterations_equals_the_cli(
    fresh_client: TestClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, sites = problem_text()
    path = tmp_path / "광양 배송.toml"
    path.write_text(text, encoding="utf-8")
    options = {"seed": "11", "workers": "2", "max_iterations": "300", "time_limit": "120"}
    response = fresh_client.post(
        f"{LOG}/routes/file",
        params={"wait": 300},
        files=[("files", (path.name, path.read_bytes()))],
        data=options,
    )
    assert response.status_code == 201, response.text
    job = response.json()["job"]
    assert job["params"]["workers"] == 2 and job["params"]["max_iterations"] == 300
    by_api = job["result"]
    argv = ["routes", "solve", str(path), "--seed", "11", "--workers", "2", "--max-iterations", "300"]
    code = main([*argv, "--time-limit", "120", "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    by_cli = json.loads(captured.out)
    # Two searches of 300 iterations each: stopped by iterations, not by the clock.
    assert by_api["iterations"] == by_cli["iterations"] == 600 and by_api["workers"] == 2
    assert by_api["routes"] == by_cli["routes"] and by_api["cost"] == by_cli["cost"]
    assert {k: v for k, v in by_cli.items() if k != "runtime_s"} == {
        k: v for k, v in by_api.items() if k != "runtime_s"
    }
    # The cost re-computed here: 50 per route plus 2 per km of great-circle distance x 1.3 (the default circuity).
    assert sorted(o for r in by_api["routes"] for o in r) == sorted(f"주문{k}" for k in range(18))
    km = 0.0
    for route in by_api["routes"]:
        stops = ["광양창고", *(f"현장{o[2:]}" for o in route), "광양창고"]
        km += sum(1.3 * haversine_km(sites[a], sites[b]) for a, b in itertools.pairwise(stops))
    assert by_api["distance"] == pytest.approx(km, rel=1e-6)
    assert by_api["cost"] == pytest.approx(50 * len(by_api["routes"]) + 2 * km, rel=1e-6)


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("workers", "0", "workers: expected an integer in [1, 64], got 0"),
        ("workers", "65", "workers: expected an integer in [1, 64], got 65"),
        ("workers", "two", "workers: expected a number, got 'two'"),
        ("max_iterations", "0", "max_iterations: expected an integer in [1, 1000000000], got 0"),
        ("max_iterations", "1.5", "max_iterations: expected a number, got '1.5'"),
        (
            "max_iterations",
            "1000000001",
            "max_iterations: expected an integer in [1, 1000000000], got 1000000001",
        ),
    ],
)
def test_upload_refuses_bad_options(fresh_client: TestClient, field: str, value: str, said: str) -> None:
    text, _ = problem_text(4)
    response = fresh_client.post(
        f"{LOG}/routes/file", files=[("files", ("p.toml", text.encode()))], data={field: value}
    )
    assert response.status_code == 400, response.text
    detail = response.json()["detail"]
    assert detail.startswith(said) and "\n" not in detail


@pytest.mark.parametrize(("field", "value"), [("workers", 0), ("workers", 65), ("max_iterations", 0)])
def test_json_route_refuses_bad_options(fresh_client: TestClient, field: str, value: int) -> None:
    response = fresh_client.post(f"{LOG}/routes", json={"scenario": "gwangyang", field: value})
    assert response.status_code == 422, response.text
    assert field in json.dumps(response.json()["detail"])


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        ("--workers", "0", "workers: expected a whole number from 1 to 64, got 0"),
        ("--max-iterations", "0", "max_iterations: expected a whole number from 1 to 1,000,000,000, got 0"),
    ],
)
def test_cli_refuses_the_same_bounds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, value: str, said: str
) -> None:
    path = tmp_path / "p.toml"
    path.write_text(problem_text(4)[0], encoding="utf-8")
    code = main(["routes", "solve", str(path), option, value, "--time-limit", "1"])
    assert code == 2
    assert said in capsys.readouterr().err
