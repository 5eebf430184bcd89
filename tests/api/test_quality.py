"""Quality API and page: screening upload, incremental anomalies, triage, the demo's summary on /quality."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from gwangyang.api import create_app
from gwangyang.battery.quality.materials import material_value
from gwangyang.battery.quality.triage import ILLUSTRATIVE_PRICES_USD_PER_KG
from gwangyang.demo import (
    FORMATION_COLUMNS,
    FORMATION_FAULTS,
    inject_formation_faults,
)
from gwangyang.demo import quality_step as quality_demo_step
from gwangyang.samples import formation_table
from gwangyang.store import Store
from tests.api.conftest import AUTH, TOKEN
from tests.battery.quality.store_helpers import put_cycles, severson_capacity

QUALITY = "/api/v1/quality"


def _csv(table: pd.DataFrame, name: str) -> dict[str, tuple[str, bytes]]:
    buffer = io.StringIO()
    table.to_csv(buffer, index=False)
    return {"files": (name, buffer.getvalue().encode())}


@pytest.fixture(scope="module")
def demo_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A store with three Severson cells (cell 1 has its real cycle-12 glitch) and the demo's quality step run."""
    store = Store(tmp_path_factory.mktemp("quality") / "store")
    for n in (1, 2, 3):
        put_cycles(store, f"cell{n}", severson_capacity("test1", n))
    quality_demo_step(store)
    with TestClient(create_app(store.root, token=TOKEN), headers=AUTH) as client:
        yield client


def test_summary_and_page_show_flagged_anomalies_and_grades(demo_client: TestClient) -> None:
    summary = demo_client.get(f"{QUALITY}/summary").json()
    assert {f["id"] for f in summary["screening"]["flagged"]} == {str(k) for k in FORMATION_FAULTS}
    assert summary["screening"]["flagged_clean"] == 0
    assert ("cell1", 12, "capacity_drop") in {
        (a["cell_id"], a["cycle_index"], a["kind"]) for a in summary["anomalies"]
    }
    assert summary["triage"]["totals"]["cells"] == 54 and summary["triage"]["mape"] < 0.06
    page = demo_client.get("/quality")
    assert page.status_code == 200
    html = page.text
    assert html.count('data-testid="flagged-row"') == 3
    assert summary["screening"]["filled_values"] == 0  # the formation sample has no missing value
    assert "Missing values filled with their lot's median: 0." in html
    assert 'data-testid="anomaly-row" data-cell="cell1" data-kind="capacity_drop"' in html
    assert html.count('data-testid="triage-row"') == 54 and 'data-testid="plot-soh"' in html


def test_anomalies_endpoint_is_incremental(demo_client: TestClient) -> None:
    result = demo_client.get(f"{QUALITY}/anomalies", params={"cell_id": "cell1"}).json()
    assert result["new_cycles"] == {"cell1": 0}  # checked by the demo already: nothing new to read
    assert [(a["cycle_index"], a["kind"], a["new"]) for a in result["anomalies"]] == [
        (12, "capacity_drop", False)
    ]
    missing = demo_client.get(f"{QUALITY}/anomalies", params={"cell_id": "nope"})
    assert missing.status_code == 404 and "'nope'" in missing.json()["detail"]


def test_screen_upload(fresh_client: TestClient) -> None:
    files = _csv(inject_formation_faults(formation_table()), "formation.csv")
    data = {"id_column": "cellid", "lot_column": "lot", "columns": ",".join(FORMATION_COLUMNS)}
    result = fresh_client.post(f"{QUALITY}/screen", data=data, files=files).json()
    assert result["n_cells"] == 39 and {f["id"] for f in result["flagged"]} == {"5", "25", "37"}
    bad = fresh_client.post(f"{QUALITY}/screen", data={"id_column": "serial"}, files=files)
    assert bad.status_code == 400 and "'serial'" in bad.json()["detail"]
    wrong = fresh_client.post(f"{QUALITY}/screen", data=data, files={"files": ("x.exe", b"1")})
    assert wrong.status_code == 415
    assert not any((Path(fresh_client.app.state.store.root) / "uploads").rglob("*.csv"))  # type: ignore[attr-defined]


def test_triage_upload_with_rules(fresh_client: TestClient) -> None:
    cells = pd.DataFrame(
        {"id": ["a", "b"], "chemistry": "LFP", "nominal_capacity_ah": 35.0, "soh": [0.82, 0.4]}
    )
    files = [
        ("files", ("cells.csv", _csv(cells, "cells.csv")["files"][1])),
        ("files", ("r.toml", b'currency = "EUR"\n')),
    ]
    result = fresh_client.post(f"{QUALITY}/triage", files=files).json()
    assert [c["grade"] for c in result["cells"]] == ["second_life", "recycle"]
    one = material_value("LFP", 35.0, ILLUSTRATIVE_PRICES_USD_PER_KG, {"Li": 0.8, "Co": 0.95, "Ni": 0.95})
    assert result["totals"]["value"] == pytest.approx(2 * one, abs=0.01) and result["currency"] == "EUR"
    unknown = fresh_client.post(f"{QUALITY}/triage", files=_csv(cells.assign(chemistry="NaIon"), "c.csv"))
    assert unknown.status_code == 400 and "NaIon" in unknown.json()["detail"]


def test_empty_store_and_token(fresh_client: TestClient, anonymous: TestClient) -> None:
    assert fresh_client.get(f"{QUALITY}/summary").status_code == 404
    assert 'data-testid="quality-empty"' in fresh_client.get("/quality").text
    assert anonymous.get(f"{QUALITY}/summary").status_code == 401
    assert anonymous.get("/quality").status_code == 303
