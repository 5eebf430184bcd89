from __future__ import annotations

from pathlib import Path

import plotly
from fastapi.testclient import TestClient

from gwangyang.api.web import plotly_js_path


def test_plotly_served_from_the_package(client: TestClient) -> None:
    response = client.get("/static/plotly.min.js")
    assert response.status_code == 200
    shipped = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert len(response.content) == shipped.stat().st_size == plotly_js_path().stat().st_size
    assert response.headers["content-type"].startswith("text/javascript")


def test_static_files_listed_only(client: TestClient) -> None:
    assert client.get("/static/style.css").status_code == 200
    for name in ["..%2F..%2Fapi%2Fapp.py", "app.py", ".hidden", "%2e%2e"]:
        assert client.get(f"/static/{name}").status_code == 404


def test_pages_have_stable_test_ids_and_local_scripts(client: TestClient) -> None:
    fleet = client.get("/battery").text
    for testid in ["plot-capacity-fade", "cells-table", "upload-form", "upload-input", "nav-battery"]:
        assert f'data-testid="{testid}"' in fleet
    assert 'data-cell-id="CS2_35"' in fleet and 'href="/battery/cells/CS2_35"' in fleet
    assert "https://" not in fleet  # no CDN
    cell = client.get("/battery/cells/CS2_35").text
    for testid in ["plot-cycles", "plot-qv", "plot-dqdv", "cycles-table", "cell-meta"]:
        assert f'data-testid="{testid}"' in cell
    assert cell.count('data-testid="cycle-row"') == 10  # CS2_35_11_01_10.xlsx has 10 cycles
    # its last cycle is cut by the end of the file: the ingest warned, and both pages show a badge
    assert 'data-testid="warning-badge"' in fleet and 'data-testid="cell-warnings"' in cell
    assert "incomplete_cycles" in cell
    assert 'name="viewport" content="width=device-width' in cell
    assert client.get("/battery/cells/NOPE").status_code == 404


def test_empty_store_pages_say_what_to_do(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient as Client

    from gwangyang.api import create_app

    from .conftest import AUTH, TOKEN

    with Client(create_app(tmp_path / "store", token=TOKEN), headers=AUTH) as empty:
        fleet = empty.get("/battery").text
        assert 'data-testid="no-cells"' in fleet and 'data-testid="life-empty"' in fleet
        assert 'data-testid="fleet-cell-count">0<' in fleet
        assert 'data-testid="port-empty"' in empty.get("/port").text


def test_port_page_shows_demo_step_from_store(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient as Client

    from gwangyang.api import create_app

    from .conftest import AUTH, TOKEN

    scenarios = {
        "gwangyang-today": {"teu": 6501.05, "mean_wait_h": 0.0},
        "gwangyang-automated": {"teu": 6400.0},
    }
    from gwangyang.port.service import DEMO_RUN, save_run
    from gwangyang.store import Store

    with Client(create_app(tmp_path / "store", token=TOKEN), headers=AUTH) as client:
        save_run(Store(tmp_path / "store"), DEMO_RUN, {"days": 14.0, "scenarios": scenarios})
        page = client.get("/port").text
    assert 'data-testid="port-empty"' not in page
    assert '<th class="num">gwangyang-today</th><th class="num">gwangyang-automated</th>' in page
    assert 'data-kpi="teu"><td>teu</td><td class="num">6501</td><td class="num">6400</td>' in page
    assert 'data-kpi="mean_wait_h"><td>mean_wait_h</td><td class="num">0</td><td class="num">—</td>' in page


def test_fleet_page_shows_demo_life_step_from_store(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient as Client

    from gwangyang.api import create_app
    from gwangyang.store import Store, artifacts

    from .conftest import AUTH, TOKEN

    rows = [
        {
            "cell": "test1_cell3",
            "predicted_cycle_life": 1573.99,
            "lower": 1147.1,
            "upper": 2159.7,
            "cycle_life": 1709.0,
        },
        {
            "cell": "test1_cell13",
            "predicted_cycle_life": 758.7,
            "lower": 552.9,
            "upper": 1041.0,
            "cycle_life": 917.0,
        },
    ]
    summary = {
        "model": "variance",
        "training_cells": 12,
        "predictions": rows,
        "test": {"rmse_cycles": 111.3, "coverage": 1.0},
    }
    with Client(create_app(tmp_path / "store", token=TOKEN), headers=AUTH) as client:
        assert 'data-testid="life-empty"' in client.get("/battery").text
        # what the demo's life step keeps: a model file and its record
        store = Store(tmp_path / "store")
        artifacts.life_model_path(store, "demo").parent.mkdir(parents=True, exist_ok=True)
        artifacts.life_model_path(store, "demo").write_bytes(b"")
        record = {
            "name": "demo",
            "source": "shipped Severson sample (train split)",
            "coverage": 0.9,
            **summary,
        }
        artifacts.save(store, "life-model", "demo", record)
        page = client.get("/battery").text
    assert page.count('data-testid="life-row"') == 2 and 'data-testid="life-empty"' not in page
    assert '<td class="num">1574</td>' in page and '<td class="num">[1147, 2160]</td>' in page
    assert 'data-testid="life-rmse">111<' in page
