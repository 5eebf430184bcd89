"""The Port page carries the AGV time-lapse (lanes, cranes, blocks and vehicles) and its controls, and the demo run's steady states and warnings."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gwangyang.api import create_app

TOKEN = "port-page-token-0123456789"


def test_port_page_has_the_timelapse(tmp_path: Path) -> None:
    with TestClient(
        create_app(tmp_path / "store", token=TOKEN), headers={"Authorization": f"Bearer {TOKEN}"}
    ) as client:
        page = client.get("/port").text
    for testid in ("timelapse-svg", "timelapse-slider", "timelapse-play"):
        assert f'data-testid="{testid}"' in page
    assert "44 AGVs serving 11 quay cranes" in page
    # The frames travel in the page's data: one AGV position per vehicle in every frame.
    match = re.search(r'<script[^>]*id="page-data"[^>]*>(.*?)</script>', page, re.S)
    assert match, "no page data"
    lapse = json.loads(match.group(1))["timelapse"]
    assert len(lapse["frames"]) == 10 * 60 // 15 + 1
    assert all(len(f["x"]) == len(f["y"]) == 44 for f in lapse["frames"])


def _page(store: Path, lang: str) -> str:
    with TestClient(create_app(store, token=TOKEN), headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        reply = client.get(f"/port?lang={lang}")
    assert reply.status_code == 200
    return reply.text


STEADY_CELL = re.compile(r'<tr data-testid="demo-kpi-row" data-kpi="(?P<kpi>[^"]+)">(?P<row>.*?)</tr>', re.S)
STEADY = re.compile(
    r'<td class="num steady" data-testid="port-steady" data-scenario="(?P<scenario>[^"]+)"[^>]*>'
    r"(?P<mean>[^ <]+) \[(?P<low>[^,]+), (?P<high>[^\]]+)\](?P<per_day> [^<]+)?</td>"
)
WARNING = re.compile(
    r'<li data-testid="port-warning" data-scenario="(?P<scenario>[^"]+)">.*?'
    r'<span data-testid="port-warning-text">(?P<text>.*?)</span></li>',
    re.S,
)


def test_port_page_shows_the_demo_runs_steady_states_and_warnings(tmp_path: Path) -> None:
    """The demo run's steady states (mean and 95 % interval) and warnings are on the page, as the document has them."""
    from gwangyang.api import i18n
    from gwangyang.port.service import DEMO_RUN, demo_run, save_run
    from gwangyang.store import Store

    store = tmp_path / "store"
    # Seed 4 draws no weather stop in 3 days: the six weather-driven steady states are not corrected.
    document = json.loads(json.dumps(demo_run(days=3.0, seed=4)))
    save_run(Store(store), DEMO_RUN, document)
    names = list(document["scenarios"])
    assert all(document["warnings"][n] for n in names)
    assert all(w.startswith("the run saw 0 weather stops") for n in names for w in document["warnings"][n])
    expected_cells = {
        (kpi, n): s for n in names for kpi, s in document["steady_state"][n].items() if s is not None
    }
    assert len(expected_cells) > 2 * 20

    for lang in ("en", "ko"):
        page = _page(store, lang)
        # every steady state of the document, once, in its KPI's row and its scenario's column
        shown = {
            (row["kpi"], cell["scenario"]): cell
            for row in STEADY_CELL.finditer(page)
            for cell in STEADY.finditer(row["row"])
        }
        assert page.count('data-testid="port-steady"') == len(shown) == len(expected_cells)
        assert set(shown) == set(expected_cells)
        for key, cell in shown.items():
            steady = expected_cells[key]
            for field in ("mean", "ci_low", "ci_high"):
                text = cell[{"mean": "mean", "ci_low": "low", "ci_high": "high"}[field]]
                # printed with 4 significant digits ("%.4g"), like the whole-run column beside it
                assert float(text) == pytest.approx(steady[field], rel=5e-4, abs=1e-12), (key, field)
            assert float(cell["low"]) <= float(cell["mean"]) <= float(cell["high"])
            assert (cell["per_day"] is not None) == bool(steady["per_day"]), key
        # every warning of the document, once, under its scenario; in Korean through the phrase patterns
        warned = [(m["scenario"], html.unescape(m["text"])) for m in WARNING.finditer(page)]
        expected = [(n, i18n.phrase(w, lang)) for n in names for w in document["warnings"][n]]
        assert warned == expected
        if lang == "ko":
            assert all("the run saw" not in text and re.search("[가-힣]", text) for _, text in warned)
            assert "기상 정지는 0회(3일 중 0.0 %" in warned[0][1]
            # the KPIs it names read as the table names them, not as identifiers
            assert "berth_occupancy" not in warned[0][1] and "선석 점유율" in warned[0][1]
        else:
            assert [text for _, text in warned] == [w for n in names for w in document["warnings"][n]]


def test_port_page_renders_a_demo_run_kept_without_steady_states(tmp_path: Path) -> None:
    """A demo run kept before steady states and warnings were kept still shows its whole-run KPIs."""
    from gwangyang.port.service import DEMO_RUN, save_run
    from gwangyang.store import Store

    store = tmp_path / "store"
    scenarios = {"gwangyang-today": {"teu": 6501.05, "mean_wait_h": 1.5}}
    save_run(Store(store), DEMO_RUN, {"days": 14.0, "scenarios": scenarios})
    for lang in ("en", "ko"):
        page = _page(store, lang)
        assert 'data-testid="demo-kpi-table"' in page
        assert 'data-testid="port-steady"' not in page and 'data-testid="port-warning"' not in page
        assert re.search(r'data-kpi="teu"><td>[^<]+</td><td class="num">6501</td></tr>', page)
