"""The Port page carries the AGV time-lapse (lanes, cranes, blocks and vehicles) and its controls, and the demo run's steady states and warnings."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gwangyang.api import create_app
from gwangyang.store import Store

TOKEN = "port-page-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _page_data(page: str) -> dict[str, Any]:
    match = re.search(r'<script[^>]*id="page-data"[^>]*>(.*?)</script>', page, re.S)
    assert match, "no page data"
    data: dict[str, Any] = json.loads(html.unescape(match.group(1)))
    return data


def test_port_page_shows_the_kept_timelapse(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """One answer: the time-lapse the CLI keeps is the page's, and the same as a fresh service call."""
    from gwangyang.cli.main import main
    from gwangyang.port import service

    store = Store(tmp_path / "store")
    store.root.mkdir(parents=True)
    assert main(["port", "timelapse", "--keep", "--store", str(store.root), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    fresh = json.loads(json.dumps(service.timelapse()))
    assert printed == service.kept_timelapse(store) == fresh
    with TestClient(create_app(store.root, token=TOKEN), headers=AUTH) as client:
        page = client.get("/port").text
    for testid in ("timelapse-svg", "timelapse-slider", "timelapse-play"):
        assert f'data-testid="{testid}"' in page
    assert 'data-testid="timelapse-empty"' not in page and 'data-testid="timelapse-view" hidden' not in page
    assert "44 AGVs serving 11 quay cranes" in page
    # The frames travel in the page's data: one AGV position per vehicle in every frame.
    lapse = _page_data(page)["timelapse"]
    assert lapse == fresh
    assert len(lapse["frames"]) == 10 * 60 // 15 + 1
    assert all(len(f["x"]) == len(f["y"]) == 44 for f in lapse["frames"])


@pytest.fixture
def no_simulation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any time-lapse simulated in this process fails the test: the page must not simulate while it renders."""
    from gwangyang.port import service, timelapse

    def refuse(*args: object, **kwargs: object) -> dict[str, Any]:
        raise AssertionError("the port page simulated a time-lapse")

    monkeypatch.setattr(service, "timelapse", refuse)
    monkeypatch.setattr(timelapse, "timelapse", refuse)


@pytest.mark.usefixtures("no_simulation")
def test_port_page_without_a_kept_timelapse_does_not_simulate(tmp_path: Path) -> None:
    """Nothing kept: the page renders at once, says how to keep one, and lets an operator's script compute one."""
    from gwangyang import accounts
    from gwangyang.port.service import TIMELAPSE_COMMAND

    root = tmp_path / "store"
    viewer = accounts.add_user(root, "김뷰어", "광양제철", "viewer")[1]
    with TestClient(create_app(root, token=TOKEN)) as client:
        for lang in ("en", "ko"):
            page = client.get(f"/port?lang={lang}", headers=AUTH)
            assert page.status_code == 200
            data = _page_data(page.text)
            assert data["timelapse"] is None and data["saved"]["timelapse"] is None
            empty = re.search(r'<p class="note" data-testid="timelapse-empty">(.*?)</p>', page.text, re.S)
            assert empty and f"<code>{TIMELAPSE_COMMAND}</code>" in empty.group(1)
            assert "<code>gwangyang demo</code>" in empty.group(1)
            assert 'data-testid="timelapse-view" hidden' in page.text
            assert 'data-testid="timelapse-status" aria-live="polite" data-compute="true"' in page.text
            if lang == "ko":
                assert "No time-lapse" not in empty.group(1) and "저장소" in empty.group(1)
            else:
                assert "computes one in the background" in empty.group(1)
        # a viewer may not start jobs: the page only says how to get one
        seen = client.get("/port?lang=en", headers=bearer(viewer)).text
        assert 'data-compute="true"' not in seen
        assert "in the background" not in seen and TIMELAPSE_COMMAND in seen


def _page(store: Path, lang: str) -> str:
    with TestClient(create_app(store, token=TOKEN), headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        reply = client.get(f"/port?lang={lang}")
    assert reply.status_code == 200
    return reply.text


STEADY_CELL = re.compile(r'<tr data-testid="demo-kpi-row" data-kpi="(?P<kpi>[^"]+)">(?P<row>.*?)</tr>', re.S)
STEADY = re.compile(
    r'<td class="num steady" data-testid="port-steady" data-scenario="(?P<scenario>[^"]+)"[^>]*>'
    r"(?P<mean>[^ <]+) (?:\[(?P<low>[^ ]+), (?P<high>[^\]]+)\]|"
    r'<span class="no-ci" data-testid="port-no-interval">(?P<none>[^<]+)</span>)(?P<per_day> [^<]+)?</td>'
)


def shown_number(text: str) -> float:
    """A number as the page groups it (``71,834``)."""
    return float(text.replace(",", ""))


WARNING = re.compile(
    r'<li data-testid="port-warning" data-scenario="(?P<scenario>[^"]+)">.*?'
    r'<span data-testid="port-warning-text">(?P<text>.*?)</span></li>',
    re.S,
)


def test_port_page_shows_the_demo_runs_steady_states_and_warnings(tmp_path: Path) -> None:
    """The demo run's steady states (mean and 95 % interval, or no interval) and warnings are on the page, as the document has them."""
    from gwangyang.api import i18n
    from gwangyang.port.result import kpi_bounds
    from gwangyang.port.service import DEMO_RUN, demo_run, save_run

    store = tmp_path / "store"
    # Seed 4 draws no weather stop in 12 days: the six weather-driven steady states are not corrected.
    # 12 days give the daily KPIs 6 batches (an interval), the land side's less than two batches of its
    # 12-day correlation time (none).
    document = json.loads(json.dumps(demo_run(days=12.0, seed=4)))
    save_run(Store(store), DEMO_RUN, document)
    names = list(document["scenarios"])
    assert all(document["warnings"][n] for n in names)
    assert all(document["warnings"][n][0].startswith("the run saw 0 weather stops") for n in names)
    assert all(
        any(
            w.startswith("no steady-state interval for yard_crane_utilization, gate_utilization")
            for w in lines
        )
        for lines in document["warnings"].values()
    )
    expected_cells = {
        (kpi, n): s for n in names for kpi, s in document["steady_state"][n].items() if s is not None
    }
    without = {key for key, s in expected_cells.items() if s.get("no_interval")}
    assert len(expected_cells) > 2 * 20 and 2 * 10 < len(without) < len(expected_cells) - 2 * 10
    # a KPI without an interval is named in its scenario's warnings; one with an interval is not
    prefix = "no steady-state interval for "
    named = {
        (kpi, n)
        for n in names
        for w in document["warnings"][n]
        if w.startswith(prefix)
        for kpi in w.removeprefix(prefix).split(": ")[0].split(", ")
    }
    assert named == without

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
        assert {key for key, cell in shown.items() if cell["none"]} == without
        for key, cell in shown.items():
            steady = expected_cells[key]
            # printed with 4 significant digits and grouped (_numbers.html's sig), like the whole-run column beside it
            assert shown_number(cell["mean"]) == pytest.approx(steady["mean"], rel=5e-4, abs=1e-12), key
            if key in without:
                assert steady["ci_low"] is None and steady["ci_high"] is None
                assert cell["none"] == ("(no interval)" if lang == "en" else "(구간 없음)")
            else:
                assert shown_number(cell["low"]) == pytest.approx(steady["ci_low"], rel=5e-4, abs=1e-12), key
                assert shown_number(cell["high"]) == pytest.approx(steady["ci_high"], rel=5e-4, abs=1e-12), (
                    key
                )
                low, high = kpi_bounds(key[0])
                assert (
                    low
                    <= shown_number(cell["low"])
                    <= shown_number(cell["mean"])
                    <= shown_number(cell["high"])
                    <= high
                ), key
            assert (cell["per_day"] is not None) == bool(steady["per_day"]), key
        # every warning of the document, once, under its scenario; in Korean through the phrase patterns
        warned = [(m["scenario"], html.unescape(m["text"])) for m in WARNING.finditer(page)]
        expected = [(n, i18n.phrase(w, lang)) for n in names for w in document["warnings"][n]]
        assert warned == expected
        if lang == "ko":
            assert all(
                "the run saw" not in text and "no steady-state" not in text and re.search("[가-힣]", text)
                for _, text in warned
            )
            assert "기상 정지는 0회(12일 중 0.0 %" in warned[0][1]
            # the KPIs it names read as the table names them, not as identifiers
            assert "berth_occupancy" not in warned[0][1] and "선석 점유율" in warned[0][1]
            assert "최소 24일을 시뮬레이션하세요" in warned[1][1] and "gate_trucks" not in warned[1][1]
        else:
            assert [text for _, text in warned] == [w for n in names for w in document["warnings"][n]]


@pytest.mark.usefixtures("no_simulation")
def test_port_page_renders_a_demo_run_kept_without_steady_states(tmp_path: Path) -> None:
    """A demo run kept before steady states and warnings were kept still shows its whole-run KPIs."""
    from gwangyang.port.service import DEMO_RUN, save_run

    store = tmp_path / "store"
    scenarios = {"gwangyang-today": {"teu": 6501.05, "mean_wait_h": 1.5}}
    save_run(Store(store), DEMO_RUN, {"days": 14.0, "scenarios": scenarios})
    for lang in ("en", "ko"):
        page = _page(store, lang)
        assert 'data-testid="demo-kpi-table"' in page
        assert 'data-testid="port-steady"' not in page and 'data-testid="port-warning"' not in page
        assert re.search(r'data-kpi="teu"><td>[^<]+</td><td class="num">6,501</td></tr>', page)
        # nor a time-lapse: the page says how to keep one instead of simulating it
        assert 'data-testid="timelapse-empty"' in page and _page_data(page)["timelapse"] is None
        # the comparison's warnings (why a difference has no interval) have their place, empty until a job is drawn
        assert '<ul class="note warn" data-testid="compare-warnings" hidden></ul>' in page


def test_timelapse_job_is_the_service_document_and_the_page_shows_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The API computes the time-lapse as a job (the page's script asks for it); the next page load follows that job."""
    from gwangyang import accounts
    from gwangyang.port import service

    root = tmp_path / "store"
    viewer = accounts.add_user(root, "김뷰어", "광양제철", "viewer")[1]
    with TestClient(create_app(root, token=TOKEN), headers=AUTH) as client:
        assert client.post("/api/v1/port/timelapse", json={}, headers=bearer(viewer)).status_code == 403
        bad = client.post("/api/v1/port/timelapse", json={"scenario": "nowhere"})
        assert bad.status_code == 400 and "scenario" in bad.json()["detail"]
        assert client.post("/api/v1/port/timelapse", json={"minutes": 0}).status_code == 422
        answer = client.post("/api/v1/port/timelapse", params={"wait": 300}, json={})
        assert answer.status_code == 201, answer.text
        job = answer.json()["job"]
        assert job["kind"] == "port.timelapse" and job["progress"]["fraction"] == 1.0
        assert job["result"] == json.loads(json.dumps(service.timelapse()))
        # nothing kept: the page's script follows the newest job; the page simulates nothing
        monkeypatch.setattr(service, "timelapse", None)
        page = client.get("/port").text
        data = _page_data(page)
        assert data["saved"]["timelapse"] == job["id"] and data["timelapse"] is None
        assert 'data-testid="timelapse-empty"' not in page
        # once one is kept, the kept one is shown (in the page), not the job's
        kept = {**job["result"], "scenario": "kept"}
        service.keep_timelapse(Store(root), kept)
        data = _page_data(client.get("/port").text)
    assert data["timelapse"] == kept and data["saved"]["timelapse"] is None


def test_port_page_renders_a_kept_timelapse_without_dispatch(tmp_path: Path) -> None:
    """A kept time-lapse without the fields added later (its dispatch policy) still renders."""
    from gwangyang.port import service

    store = Store(tmp_path / "store")
    lapse = {
        "scenario": "older",
        "agvs": 1,
        "cranes": 1,
        "step_s": 30.0,
        "layout": {
            "nodes": [{"x": 0.0, "y": 0.0}, {"x": 10.0, "y": 0.0}],
            "segments": [{"from": 0, "to": 1}],
        },
        "quay": [[0.0, 0.0]],
        "blocks": [[10.0, 0.0]],
        "frames": [{"minute": 0.0, "x": [0.0], "y": [0.0], "loaded": [0], "waiting": []}],
    }
    service.keep_timelapse(store, lapse)
    for lang in ("en", "ko"):
        page = _page(store.root, lang)
        assert _page_data(page)["timelapse"] == lapse
        note = re.search(r'data-testid="timelapse-note">(.*?)</p>', page, re.S)
        assert note and note.group(1).startswith("older: ")
        assert "(—)" in note.group(1) and "Project-Id-Version" not in page


def test_two_page_builds_give_the_same_berth_plan_and_crane_schedule() -> None:
    """The demo's plans run on work budgets, not the clock: two builds are identical but for their wall time."""
    from gwangyang.port.service import demo_plans, demo_run, example_berths
    from gwangyang.port.service.page import DEMO_BERTH_BUDGET, DEMO_CRANE_BUDGET

    def timeless(document: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in document.items() if k != "wall_s"}

    (plan, schedule), (plan2, schedule2) = demo_plans(), demo_plans()
    assert timeless(plan) == timeless(plan2) and timeless(schedule) == timeless(schedule2)
    assert schedule["schedule"] == schedule2["schedule"]  # every task's crane, start and end
    assert plan["budget"] == DEMO_BERTH_BUDGET.to_dict() and schedule["budget"] == DEMO_CRANE_BUDGET
    # proved optimal within the budget (the bound meets the plan), so the budget is never the limit
    assert schedule["status"] == "OPTIMAL" and schedule["makespan"] == schedule["lower_bound"] == 172
    assert schedule["work"] < DEMO_CRANE_BUDGET
    assert plan["status"] == "OPTIMAL" and plan["objective"] == plan["lower_bound"] == 75
    assert plan["work"]["cpsat_work"] < DEMO_BERTH_BUDGET.cpsat_work and plan["problems"] == []
    # the objective is the total service time of the assignments, by hand
    arrival = example_berths()["arrival"]
    assert sum(a["end"] - arrival[a["vessel"]] for a in plan["assignments"]) == 75
    first, second = demo_run(days=0.25), demo_run(days=0.25)
    assert timeless(first["berth_plan"]) == timeless(second["berth_plan"]) == timeless(plan)
    assert (
        first["crane_schedule"]
        == second["crane_schedule"]
        == {
            "instance": schedule["instance"],
            "makespan": 172,
            "status": "OPTIMAL",
            "budget": DEMO_CRANE_BUDGET,
        }
    )


def test_port_page_says_why_fleet_points_have_no_interval(tmp_path: Path) -> None:
    """The kept fleet curve's warnings are under its plot, in the page's language."""
    from gwangyang.api import i18n
    from gwangyang.port.service import FLEET_RUN, save_run

    from .test_fleet_compare import fleet_warning_samples

    store = tmp_path / "store"
    lines = fleet_warning_samples()[:2]
    point = {"agvs": 22, "mean": 1.8, "ci_low": None, "ci_high": None, "no_interval": "no variation"}
    kept = {"scenario": "gwangyang-automated", "cranes": 6, "qc_moves_per_hour": 30.0, "hours": 0.5}
    kept |= {"replications": 2, "level": 0.95, "fleet_curve": {"lookahead": [point]}, "warnings": lines}
    save_run(Store(store), FLEET_RUN, kept)
    for lang in ("en", "ko"):
        page = _page(store, lang)
        shown = re.findall(r'<li data-testid="fleet-warning">⚠ ([^<]*)</li>', page)
        assert [html.unescape(w) for w in shown] == [i18n.phrase(w, lang) for w in lines]
        assert _page_data(page)["saved"]["fleet"]["warnings"] == lines
    assert "선행 예측, AGV 22대" in html.unescape(shown[0]) and "lookahead" not in html.unescape(shown[0])
    # a curve kept without warnings (before they were kept) shows none
    save_run(Store(store), FLEET_RUN, {k: v for k, v in kept.items() if k != "warnings"})
    assert 'data-testid="fleet-warnings"' not in _page(store, "en")
