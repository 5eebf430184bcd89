"""The port page in headless Chromium: scenario comparison table and chart, berth Gantt chart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from gwangyang.port.service import example_berths
from gwangyang.store import Store

from .conftest import phone_fits
from .test_battery_pages import plotted

EXAMPLE_BERTHS = example_berths()

pytestmark = pytest.mark.e2e


def test_demo_results_shown_side_by_side(page: Any, server: tuple[str, Store], shots: Path) -> None:
    """What ``gwangyang demo`` keeps in the store (its port run, ``port/runs/demo``) is on the page."""
    from gwangyang.port.service import DEMO_RUN, demo_run, save_run

    base, store = server
    page.goto(f"{base}/port")
    assert page.get_by_test_id("port-empty").is_visible()
    result = demo_run(days=1.0)
    save_run(store, DEMO_RUN, result)
    page.reload()
    assert page.get_by_test_id("port-empty").count() == 0
    headers = page.locator('[data-testid="demo-kpi-table"] thead tr:first-child th').all_inner_texts()
    assert headers[1:] == list(result["scenarios"])
    for kpi in ("teu", "mean_service_h", "energy_kwh"):
        row = page.locator(
            f'[data-testid="demo-kpi-row"][data-kpi="{kpi}"] td.num:not(.steady)'
        ).all_inner_texts()
        shown = [float(v.replace(",", "")) for v in row]
        expected = [result["scenarios"][name][kpi] for name in result["scenarios"]]
        np.testing.assert_allclose(shown, expected, rtol=1e-3)  # 4 significant digits, grouped
        # beside each, the steady state's mean; a day holds too few batches for an interval, so
        # "(no interval)" follows it instead of one in brackets
        steady = page.locator(
            f'[data-testid="demo-kpi-row"][data-kpi="{kpi}"] [data-testid="port-steady"]'
        ).all_inner_texts()
        assert all("(no interval)" in v and "[" not in v for v in steady)
        np.testing.assert_allclose(
            [float(v.split()[0].replace(",", "")) for v in steady],
            [result["steady_state"][name][kpi]["mean"] for name in result["scenarios"]],
            rtol=1e-3,
        )
    assert page.get_by_test_id("port-warning").count() == sum(map(len, result["warnings"].values()))
    gantt = plotted(page, "plot-gantt")
    drawn = sorted(
        v
        for trace in gantt
        for v in page.evaluate(
            f"() => document.querySelector('[data-testid=\"plot-gantt\"]').data.find(t => t.name === '{trace['name']}').customdata"
        )
    )
    assert drawn == list(range(len(EXAMPLE_BERTHS["arrival"])))  # every vessel of the demo plan drawn once
    page.screenshot(path=str(shots / "port-demo.png"), full_page=True)


def test_fleet_curve_is_the_kept_one(page: Any, server: tuple[str, Store], shots: Path) -> None:
    """The fleet-size curve the demo keeps (``port/runs/fleet-curve``) is plotted with its numbers."""
    from gwangyang import demo
    from gwangyang.port import service

    base, store = server
    page.goto(f"{base}/port")
    assert service.FLEET_COMMAND in page.get_by_test_id("fleet-empty").inner_text()
    demo.fleet_step(store, fleet=(2, 4, 8), replications=2, hours=0.5)
    kept = service.load_run(store, service.FLEET_RUN)
    assert kept is not None
    page.reload()
    assert page.get_by_test_id("fleet-empty").count() == 0
    traces = {t["name"]: t for t in plotted(page, "plot-fleet-curve")}
    assert list(traces) == list(kept["fleet_curve"])
    bars = page.evaluate(
        "() => document.querySelector('[data-testid=\"plot-fleet-curve\"]').data.map(t => [t.error_y.array, t.error_y.arrayminus])"
    )
    runs = {(r["dispatch"], r["agvs"]): r["kpis"]["moves_per_hour_per_crane"] for r in kept["runs"]}
    for (policy, points), (above, below) in zip(kept["fleet_curve"].items(), bars, strict=True):
        assert traces[policy]["x"] == [2, 4, 8]
        # the plotted means are the kept runs' means (the document's `runs`, not only its curve)
        np.testing.assert_allclose(
            traces[policy]["y"], [runs[(policy, n)]["mean"] for n in (2, 4, 8)], rtol=1e-12
        )
        # a point without an interval (the same moves in both replications of half an hour) has no bar
        nan = float("nan")
        np.testing.assert_allclose(
            np.add(traces[policy]["y"], [nan if v is None else v for v in above]),
            [nan if p["ci_high"] is None else p["ci_high"] for p in points],
            rtol=1e-9,
        )
        np.testing.assert_allclose(
            np.subtract(traces[policy]["y"], [nan if v is None else v for v in below]),
            [nan if p["ci_low"] is None else p["ci_low"] for p in points],
            rtol=1e-9,
        )
        assert [v is None for v in above] == [p["no_interval"] is not None for p in points]
    page.screenshot(path=str(shots / "port-fleet.png"), full_page=True)


def test_compare_and_plan_through_page(page: Any, server: tuple[str, Store], shots: Path) -> None:
    page.get_by_test_id("nav-port").click()
    page.wait_for_url("**/port")
    page.get_by_test_id("compare-days").fill("3")
    page.get_by_test_id("compare-replications").fill("2")
    page.get_by_test_id("compare-submit").click()
    bars = plotted(page, "plot-kpi-change")[0]
    job_id = page.url.split("compare=")[1].split("&")[0]
    record = page.evaluate(f"() => fetch('/api/v1/jobs/{job_id}').then(r => r.json())")
    kpis = record["result"]["kpis"]
    shown = [k for k, v in kpis.items() if v["rel_change"] is not None]
    assert bars["y"] == shown
    np.testing.assert_allclose(bars["x"], [100 * kpis[k]["rel_change"] for k in shown], rtol=1e-12)
    assert page.get_by_test_id("kpi-row").count() == len(kpis)
    # a difference without an interval shows none, and the warnings say why (common random numbers: the
    # same TEU in both); gwangyang-today's charging share, 0 by design, leaves B - A an interval
    assert kpis["teu"]["no_interval"] == "no variation"
    cell = page.locator('[data-testid="kpi-row"][data-kpi="teu"] [data-testid="kpi-interval"]')
    assert cell.text_content() == "—"
    charging = kpis["charging_share"]
    assert charging["no_interval"] is None and 0 < charging["diff_ci_low"] < charging["diff_ci_high"] < 1
    cell = page.locator('[data-testid="kpi-row"][data-kpi="charging_share"] [data-testid="kpi-interval"]')
    shown_interval = [float(v.replace(",", "")) for v in (cell.text_content() or "").strip("[]").split(", ")]
    np.testing.assert_allclose(shown_interval, [charging["diff_ci_low"], charging["diff_ci_high"]], rtol=1e-3)
    shown_warnings = page.get_by_test_id("compare-warning").all_text_contents()
    assert shown_warnings == [f"⚠ {w}" for w in record["result"]["warnings"]] and shown_warnings

    page.get_by_test_id("berth-submit").click()
    page.wait_for_url("**plan=*", timeout=60_000)  # the page keeps the finished job's id in its URL
    gantt = plotted(page, "plot-gantt")
    plan = page.evaluate(
        "(body) => fetch('/api/v1/port/berths/plan?wait=60', {method: 'POST', headers: {'Content-Type': 'application/json'},"
        " body: JSON.stringify(body)}).then(r => r.json())",
        EXAMPLE_BERTHS,
    )["job"]["result"]
    # every vessel drawn once, as a bar from its start to its end on its berth
    drawn = {}
    for trace in gantt:
        berth = int(trace["name"].split()[1])
        starts = page.evaluate(
            f"() => document.querySelector('[data-testid=\"plot-gantt\"]').data.find(t => t.name === '{trace['name']}').base"
        )
        for (
            start,
            width,
        ) in zip(starts, trace["x"], strict=True):
            drawn[(berth, start)] = start + width
    assert len(drawn) == len(EXAMPLE_BERTHS["arrival"])
    total = sum(drawn.values()) - sum(EXAMPLE_BERTHS["arrival"])
    assert (
        total == plan["objective"]
    )  # total service time of the drawn plan = the solver's (optimal) objective
    assert "objective" in page.get_by_test_id("berth-status").inner_text()
    page.screenshot(path=str(shots / "port.png"), full_page=True)


def test_compare_warnings_in_korean(page: Any, server: tuple[str, Store]) -> None:
    """The Korean page shows a comparison's warnings in Korean, as the server's phrase() translates them."""
    from gwangyang.api import i18n
    from tests.port.test_compare import warning_samples
    from tests.port.test_fleet_compare import fleet_warning_samples

    base, _store = server
    page.goto(f"{base}/port?lang=ko")
    page.get_by_test_id("compare-days").fill("1")
    page.get_by_test_id("compare-replications").fill("1")  # one replication: no interval at all
    # the page first draws the newest comparison in the store (another test's): wait for this one's
    with page.expect_response(
        lambda r: r.url.endswith("/api/v1/port/compare") and r.request.method == "POST"
    ) as sent:
        page.get_by_test_id("compare-submit").click()
    job_id = sent.value.json()["job"]["id"]
    page.wait_for_url(f"**compare={job_id}*", timeout=60_000)
    page.wait_for_selector('[data-testid="compare-warning"]', timeout=60_000)
    record = page.evaluate(f"() => fetch('/api/v1/jobs/{job_id}').then(r => r.json())")
    warnings = record["result"]["warnings"]
    assert record["result"]["replications"] == 1 and warnings
    shown = page.get_by_test_id("compare-warning").all_text_contents()
    assert shown == [f"⚠ {i18n.phrase(w, 'ko')}" for w in warnings]
    assert (
        "차이 구간 없음" in shown[0] and "최소 2회 반복하세요" in shown[0] and "replication" not in shown[0]
    )
    # every template of the comparison's and the fleet comparison's warnings, in the script as on the server
    samples = warning_samples() + fleet_warning_samples()
    in_script = page.evaluate("(lines) => lines.map((w) => window.gwangyang.phrase(w))", samples)
    assert in_script == [i18n.phrase(w, "ko") for w in samples]
    assert all(a != b for a, b in zip(in_script, samples, strict=True))
    # a berth instance that is not JSON: where it stops, in Korean (was the browser's English, "Expected property
    # name or '}' in JSON at position 9 (line 2 column 3)")
    page.get_by_test_id("berth-json").fill('{"a": 1,\n  x}')
    page.get_by_test_id("berth-submit").click()
    assert page.get_by_test_id("berth-status").inner_text() == "입력이 올바른 JSON이 아닙니다 (2행 3열)."


def test_port_page_fits_phone_width(phone: Any, server: tuple[str, Store], shots: Path) -> None:
    base, _store = server
    phone.goto(f"{base}/port")
    phone.wait_for_selector('[data-testid="plot-kpi-change"][data-plotted="true"]', timeout=30_000)
    phone.wait_for_selector('[data-testid="plot-gantt"][data-plotted="true"]', timeout=30_000)
    assert phone_fits(phone)
    phone.screenshot(path=str(shots / "port-phone.png"), full_page=True)


def test_timelapse_draws_every_agv_and_plays(page: Any, server: tuple[str, Store]) -> None:
    """Nothing kept: the page computes the time-lapse as a job; one dot per AGV of the service's frames, placed at frame 0, and Play moves the clock."""
    from gwangyang.port.service import timelapse

    lapse = timelapse()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    base, _store = server
    page.goto(f"{base}/port")
    page.wait_for_selector('[data-testid="timelapse-svg"][data-drawn="true"]', timeout=60_000)
    assert page.get_by_test_id("timelapse-empty").is_hidden()
    assert (
        f"{lapse['agvs']} AGVs serving {lapse['cranes']} quay cranes"
        in page.get_by_test_id("timelapse-note").inner_text()
    )
    dots = page.locator('[data-testid="timelapse-svg"] circle')
    assert dots.count() == len(lapse["frames"][0]["x"]) == lapse["agvs"]
    first = lapse["frames"][0]
    for k in (0, len(first["x"]) - 1):
        assert float(dots.nth(k).get_attribute("cx") or "nan") == pytest.approx(first["x"][k])
        assert float(dots.nth(k).get_attribute("cy") or "nan") == pytest.approx(first["y"][k])
    clock = page.get_by_test_id("timelapse-clock")
    before = clock.inner_text()
    page.get_by_test_id("timelapse-play").click()
    page.wait_for_function(
        "t => document.querySelector('[data-testid=\"timelapse-clock\"]').textContent !== t", arg=before
    )
    assert not errors, errors


def test_kept_timelapse_is_drawn_without_a_job(page: Any, server: tuple[str, Store]) -> None:
    """A kept time-lapse (as the demo keeps it) is drawn from the page at once; the page asks for no job."""
    from gwangyang.port import service

    base, store = server
    lapse = service.timelapse(step_s=30.0)
    where = service.keep_timelapse(store, lapse)
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/api/v1/port/timelapse" in r.url else None)
    try:
        page.goto(f"{base}/port?lang=ko")
        page.wait_for_selector('[data-testid="timelapse-svg"][data-drawn="true"]', timeout=10_000)
        assert page.get_by_test_id("timelapse-slider").get_attribute("max") == str(len(lapse["frames"]) - 1)
        assert page.get_by_test_id("timelapse-empty").count() == 0
        assert "30초마다" in page.get_by_test_id("timelapse-note").inner_text()
        assert not asked
    finally:
        where.unlink()  # the other tests of this module see a store that keeps none
