from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import plotly
import pytest
from fastapi.testclient import TestClient

from gwangyang.api import i18n
from gwangyang.api.web import plotly_js_path
from gwangyang.store import Store
from tests.helpers import beyond_training_range


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
    assert 'data-kpi="teu"><td>teu</td><td class="num">6,501</td><td class="num">6,400</td>' in page
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
    # no prediction beyond the training range: no count line, no Note column
    assert 'data-testid="life-warning' not in page and ">Note<" not in page


def life_rows(page: str) -> dict[str, str | None]:
    """The life table of a fleet page: cell → the text of its ``life-warning`` (None when it has none)."""
    rows = re.findall(r'<tr data-testid="life-row" data-cell="([^"]*)"[^>]*>(.*?)</tr>', page, re.S)
    out: dict[str, str | None] = {}
    for cell, body in rows:
        found = re.search(r'<span data-testid="life-warning">(.*?)</span>', body, re.S)
        out[html.unescape(cell)] = html.unescape(found.group(1)) if found else None
    return out


def keep_extrapolating_model(store: Store, name: str = "short") -> dict[str, Any]:
    """Fit on the 10 shortest-lived cells of the shipped Severson sample, keep the model and its record (predictions of
    the 6 longest-lived cells) in ``store``; return the record with ``expected`` (cells whose features lie more than
    EXTRAPOLATION_SD training standard deviations beyond the training range, by numpy on the transformed features),
    ``distance`` (cell → that distance per feature) and ``features`` (the feature names)."""
    from gwangyang.battery.life import make_life_model
    from gwangyang.battery.life_predict import EXTRAPOLATION_SD, predict_cells
    from gwangyang.battery.modelfile import save_model
    from gwangyang.battery.severson import load_severson
    from gwangyang.files import jsonable
    from gwangyang.samples import sample_dir
    from gwangyang.store import artifacts

    both = load_severson(sample_dir("severson"), require_life=True)
    life = np.asarray(both.cycle_life, dtype=float)
    short = np.zeros(len(life), dtype=bool)
    short[np.argsort(life)[:10]] = True
    train, beyond = both.subset(short), both.subset(~short)
    pipeline = make_life_model("variance").fit(train.cells, train.cycle_life)
    x_train = np.asarray(pipeline[:-1].transform(train.cells), dtype=float)
    x_test = np.asarray(pipeline[:-1].transform(beyond.cells), dtype=float)
    distance = beyond_training_range(x_train, x_test)
    expected = {c.cell for c, d in zip(beyond.cells, distance, strict=True) if d.max() > EXTRAPOLATION_SD}
    assert 0 < len(expected) < len(beyond.cells)  # a mixed case: some cells warned, others not

    rows = predict_cells(pipeline, beyond.cells)
    for row, observed in zip(rows, beyond.cycle_life, strict=True):
        row["cycle_life"] = float(observed)
    path = artifacts.life_model_path(store, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_model(path, pipeline, "variance", "variance", "test", {"cycles": [10, 100]})
    record: dict[str, Any] = jsonable(
        {
            "name": name,
            "model": "variance",
            "source": "shipped Severson sample (train split)",
            "coverage": 0.9,
            "training_cells": len(train.cells),
            "predictions": rows,
        }
    )
    artifacts.save(store, "life-model", name, record)
    return {
        **record,
        "expected": expected,
        "distance": {c.cell: d for c, d in zip(beyond.cells, distance, strict=True)},
        "features": [str(n) for n in pipeline[:-1].get_feature_names_out()],
    }


def test_fleet_page_marks_predictions_outside_the_training_range(tmp_path: Path) -> None:
    # The service warns exactly the cells beyond the training range (numpy), and the page shows exactly those,
    # in both languages; the JSON route agrees on the cells it predicts with the same model.
    from fastapi.testclient import TestClient as Client

    from gwangyang.api import create_app

    from .conftest import AUTH, TOKEN

    store_root = tmp_path / "store"
    with Client(create_app(store_root, token=TOKEN), headers=AUTH) as client:
        kept = keep_extrapolating_model(Store(store_root))
        english = client.get("/battery?lang=en").text
        korean = client.get("/battery?lang=ko").text
        # the JSON route predicts the sample's test1 cells with the same model: the same cells warned
        answer = client.post("/api/v1/battery/life/predict", json={"model": "short", "sample": "test1"})
    rows, expected = kept["predictions"], kept["expected"]
    warnings = {r["cell"]: r["warning"] for r in rows if "warning" in r}
    assert set(warnings) == expected
    assert answer.status_code == 200, answer.text
    predicted = {r["cell"]: r.get("warning") for r in answer.json()["predictions"]}
    assert {c for c, w in predicted.items() if w} == {c for c in predicted if c in expected}
    assert all(predicted[c] == warnings[c] for c in predicted if c in warnings)

    shown = life_rows(english)
    assert set(shown) == {r["cell"] for r in rows}
    assert {c: w for c, w in shown.items() if w is not None} == warnings
    assert f"{len(warnings)} of {len(rows)} predictions lie outside the model's training range" in english
    assert english.count('class="warn"') == len(warnings)
    page_data = re.search(r'<script type="application/json" id="page-data">(.*?)</script>', english, re.S)
    assert page_data is not None
    plotted = json.loads(page_data.group(1))["life"]["predictions"]
    assert {r["cell"]: r["warning"] for r in plotted if "warning" in r} == warnings  # what battery.js rings

    korean_shown = life_rows(korean)
    assert {c for c, w in korean_shown.items() if w is not None} == expected
    for cell, text in korean_shown.items():
        if text is None:
            continue
        d = kept["distance"][cell]
        name = kept["features"][int(np.argmax(d))]
        assert text.startswith(f"특성 {name}이(가)") and f"표준편차의 {d.max():.1f}배" in text, text
    assert f"예측 {len(rows)}개 중 {len(warnings)}개가 모델의 학습 범위를 벗어납니다" in korean
    # the English text stays in the page data only (raw data; the plot takes the table's translated text)
    assert "training standard deviations" not in re.sub(r"<script.*?</script>", "", korean, flags=re.S)


def test_fleet_page_says_which_model_auto_chose(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The page shows the kept record's selection: the chosen model and every candidate's CV RMSE, best first.
    from fastapi.testclient import TestClient as Client

    import gwangyang.battery.life_select as life_select
    from gwangyang.api import create_app
    from gwangyang.battery import service

    from .conftest import AUTH, TOKEN

    monkeypatch.setattr(life_select, "SELECTION_CANDIDATES", ("variance", "charging"))
    store_root = tmp_path / "store"
    with Client(create_app(store_root, token=TOKEN), headers=AUTH) as client:
        record = service.fit_life_model(Store(store_root), "자동", "auto")
        english = client.get("/battery?lang=en").text
        korean = client.get("/battery?lang=ko").text
    selection = record["selection"]
    assert record["model"] == selection["chosen"]
    ranked = sorted(selection["cv_rmse_cycles"].items(), key=lambda item: item[1])
    shown = re.search(r'data-testid="life-selection-ranking">(.*?)</span>\s*</p>', english, re.S)
    assert shown is not None
    text = re.sub(r"<[^>]+>", "", shown.group(1))
    assert text == " · ".join(f"{name} {rmse:.0f}" for name, rmse in ranked)
    assert (
        f"Chosen on the training cells among 2 models by cross-validated RMSE (one fold per batch): "
        f'<strong translate="no">{selection["chosen"]}</strong>.' in english
    )
    assert f'모델 2개 중 선택: <strong translate="no">{selection["chosen"]}</strong>' in korean
    assert "배치마다 한 폴드" in korean


def test_cell_page_names_the_end_of_life_method_in_korean(client: TestClient) -> None:
    """The end of life's method (gwangyang.battery.rul: ``template`` or ``extrapolation``) reads Korean; it stayed
    English after a Korean end of life (``사이클 576 [544, 591] (template)``)."""
    from gwangyang.battery import service

    saved = client.cookies.get(i18n.LANG_COOKIE)
    try:
        page = client.get("/battery/cells/CS2_35?lang=ko").text
        english = client.get("/battery/cells/CS2_35?lang=en").text
    finally:
        client.cookies.delete(i18n.LANG_COOKIE)
        if saved is not None:
            client.cookies.set(i18n.LANG_COOKIE, saved)
    # CS2_35's 10 cycles are matched against the shipped templates (one estimate, so no interval)
    assert 'data-testid="cell-eol-method">템플릿 매칭</span>' in page
    assert 'data-testid="cell-eol-method">template</span>' in english
    assert service.cell_health(client.app.state.store, "CS2_35")["rul"]["method"] == "template"  # type: ignore[attr-defined]
    # an interval the templates cannot calibrate says so, in the page's language (it was shown as if calibrated)
    note = service.cell_health(client.app.state.store, "CS2_35")["rul"].get("note")  # type: ignore[attr-defined]
    assert note is not None and note.startswith(
        "interval not calibrated: 1 template(s)"
    )  # one shipped template
    assert f'data-testid="cell-eol-note">⚠ {html.escape(i18n.phrase(note, "ko"))}</dd>' in page
    assert "구간이 보정되지 않음: 템플릿 1개" in page
    assert f'data-testid="cell-eol-note">⚠ {html.escape(note)}</dd>' in english
    assert i18n.phrase("extrapolation", "ko") == "외삽"
