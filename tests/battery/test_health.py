"""SOH and RUL: closed-form fade curves, and leave-one-cell-out on NASA and CALCE capacity data."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from gwangyang.battery.health import health_report
from gwangyang.battery.rul import TemplateRUL
from gwangyang.battery.rul_extrapolation import bootstrap_ratios, extrapolated_eol, linear_eol
from gwangyang.battery.soh import eol_cycle, state_of_health
from gwangyang.errors import InputError
from tests.conftest import SHARED

FRACTIONS = (0.25, 0.5, 0.75)


def test_state_of_health_and_end_of_life() -> None:
    capacity = np.array([2.0, 2.0, 2.0, 2.0, 2.0, 1.8, 1.7, 1.59, 1.58, 1.57, 1.56])
    soh = state_of_health(capacity)
    np.testing.assert_allclose(soh[:6], [1, 1, 1, 1, 1, 0.9])
    # Running median of 5 first drops below 0.8 at the 8th point (1.59 / 2 = 0.795).
    assert eol_cycle(np.arange(1, 12), soh, 0.8) == 8.0
    assert eol_cycle(np.arange(1, 12), soh, 0.5) is None


def test_linear_baseline_on_a_line() -> None:
    # SOH = 1 − 0.001 n crosses 0.8 at n = 200.
    cycles = np.arange(1.0, 101.0)
    assert linear_eol(cycles, 1 - 1e-3 * cycles) == pytest.approx(200.0)


def test_quadratic_extrapolation_on_a_quadratic() -> None:
    # 1 − SOH = 1e-4 n + 1e-6 n² reaches 0.2 at n = (−1e-4 + sqrt(1e-8 + 8e-7)) / 2e-6 = 400.
    cycles = np.arange(1.0, 151.0)
    eol, low, high = extrapolated_eol(cycles, 1 - (1e-4 * cycles + 1e-6 * cycles**2))
    assert eol == pytest.approx(400.0, rel=1e-6)
    assert low <= eol <= high


def test_template_matches_a_stretched_cell() -> None:
    # Template: capacity 2(1 − 1e-3 n); the cell fades twice as fast. With SOH normalised by the
    # median of the first five cycles (0.994 × 2 Ah for the cell), the cell's own SOH crosses 0.8 at
    # n = 103 (1 − 0.002 n < 0.7952); the stretched template must land within 5 % of that.
    template = np.arange(1.0, 301.0)
    model = TemplateRUL().fit({"slow": (template, 2.0 * (1 - 1e-3 * template))})
    cycles = np.arange(1.0, 51.0)
    estimate = model.predict(cycles, 2.0 * (1 - 2e-3 * cycles))
    assert estimate.method == "template"
    assert estimate.eol_cycle == pytest.approx(103, rel=0.05)
    assert estimate.eol_cycle is not None and estimate.rul == pytest.approx(estimate.eol_cycle - 50)


def _curves(name: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    table = pd.read_csv(SHARED / "battery" / "capacity" / name)
    return {str(c): (g["cycle"].to_numpy(), g["capacity_ah"].to_numpy()) for c, g in table.groupby("cell")}


@pytest.mark.parametrize("name", ["nasa_pcoe_capacity.csv", "calce_cs2_capacity.csv"])
def test_leave_one_cell_out_beats_linear_extrapolation(name: str) -> None:
    curves = _curves(name)
    ours, baseline = [], []
    for cell, (cycles, capacity) in curves.items():
        soh = state_of_health(capacity)
        true_eol = eol_cycle(cycles, soh)
        assert true_eol is not None
        model = TemplateRUL().fit({k: v for k, v in curves.items() if k != cell})
        for fraction in FRACTIONS:
            cut = cycles <= fraction * true_eol
            estimate = model.predict(cycles[cut], capacity[cut])
            assert estimate.eol_cycle is not None
            ours.append(abs(estimate.eol_cycle - true_eol))
            baseline.append(abs(linear_eol(cycles[cut], soh[cut]) - true_eol))
    # Truth is each cell's own measured end of life (80 % of initial capacity). Measured mean
    # absolute RUL error, ours vs linear: NASA 31 vs 111 cycles, CALCE 32 vs 108 cycles.
    assert np.mean(ours) < 0.5 * np.mean(baseline)


def test_health_report_is_json_ready() -> None:
    cycles, capacity = _curves("calce_cs2_capacity.csv")["CS2_35"]
    report = health_report(
        cycles, capacity, templates={"CS2_37": _curves("calce_cs2_capacity.csv")["CS2_37"]}
    )
    assert len(report["soh"]) == len(cycles)
    assert (
        report["knee"]["knee_cycle"] is not None
        and report["knee"]["onset_cycle"] < report["knee"]["knee_cycle"]
    )
    assert report["rul"]["method"] == "template"
    assert report["eol_reached_cycle"] == eol_cycle(cycles, state_of_health(capacity))


def test_bad_input() -> None:
    with pytest.raises(InputError, match="at least 3"):
        TemplateRUL().predict([1, 2], [1.0, 0.9])
    with pytest.raises(InputError, match="threshold"):
        TemplateRUL(threshold=1.2)
    with pytest.raises(InputError, match="initial capacity"):
        state_of_health([0.0, 0.0, 0.0])


def test_short_templates_are_left_out() -> None:
    cycles = np.arange(1.0, 301.0)
    model = TemplateRUL().fit({"one_cycle": ([1.0], [2.0]), "full": (cycles, 2.0 * (1 - 1e-3 * cycles))})
    assert list(model.templates_) == ["full"]


@pytest.mark.slow
def test_cs2_35_ingested_from_raw_files(tmp_path_factory: pytest.TempPathFactory) -> None:
    # Issue 3 acceptance: RUL on CS2_35 as ingested from its 25 raw Arbin files (not the curated
    # capacity table), with its sister cell CS2_37 (capacity table) as the template.
    from gwangyang.battery.health import cell_health
    from gwangyang.battery.ingest import ingest
    from gwangyang.store import Store

    store = Store(tmp_path_factory.mktemp("cs2_35") / "store")
    assert ingest([SHARED / "battery" / "calce" / "CS2_35"], store=store).failed == []
    stored = store.cycles("CS2_35")
    cycles = stored["cycle_index"].to_numpy(dtype=float)
    capacity = stored["discharge_capacity_ah"].to_numpy(dtype=float)
    ok = capacity > 0
    cycles, capacity = cycles[ok], capacity[ok]
    soh = state_of_health(capacity)
    true_eol = eol_cycle(cycles, soh)
    # The raw route's end of life lies within 10 % of the curated table's (its cycle numbering
    # leaves out some cycles, so the two cannot agree exactly): measured 546 vs 517.
    table_cycles, table_capacity = _curves("calce_cs2_capacity.csv")["CS2_35"]
    reference = eol_cycle(table_cycles, state_of_health(table_capacity))
    assert true_eol is not None and reference is not None
    assert true_eol == pytest.approx(reference, rel=0.10)
    templates = {"CS2_37": _curves("calce_cs2_capacity.csv")["CS2_37"]}
    model = TemplateRUL().fit(templates)
    ours, baseline = [], []
    for fraction in FRACTIONS:
        cut = cycles <= fraction * true_eol
        estimate = model.predict(cycles[cut], capacity[cut])
        assert estimate.eol_cycle is not None
        ours.append(abs(estimate.eol_cycle - true_eol))
        baseline.append(abs(linear_eol(cycles[cut], soh[cut]) - true_eol))
    # Measured |EOL error| at 25/50/75 % of life: ours 33, 24, 27 cycles; linear 276, 53, 33.
    assert np.mean(ours) < 0.5 * np.mean(baseline)
    report = cell_health(store, "CS2_35", templates=templates)
    assert report["eol_reached_cycle"] == true_eol and report["rul"]["method"] == "template"


def test_bootstrap_ratios_keep_a_real_upper_end() -> None:
    # 10 % of the draws at 80, the rest at 100: the 5 % quantile / median is 0.8 and the 95 % one is
    # the median itself; the upper end mirrors the lower: 1 / 0.8 = 1.25, never the estimate.
    draws = np.array([80.0] * 10 + [100.0] * 90)
    assert bootstrap_ratios(draws, 0.9) == pytest.approx((0.8, 1.25))
    spread = np.linspace(50.0, 150.0, 101)  # quantiles 55 and 145 around a median of 100
    assert bootstrap_ratios(spread, 0.9) == pytest.approx((0.55, 1.45))
    assert bootstrap_ratios(np.array([np.inf] * 5), 0.9) == (1.0, float("inf"))


def test_rul_interval_brackets_the_estimate() -> None:
    # One template (no calibration) and no template at all: the interval must have a real upper
    # end above the estimate, and a lower end at or below it.
    cycles = np.arange(1.0, 301.0)
    model = TemplateRUL().fit({"slow": (cycles, 2.0 * (1 - 1e-3 * cycles))})
    history = np.arange(1.0, 61.0)
    capacity = 2.0 * (1 - 2e-3 * history) + np.random.default_rng(0).normal(0, 2e-3, len(history))
    for fitted in (model, TemplateRUL()):
        estimate = fitted.predict(history, capacity)
        assert estimate.rul_lower is not None and estimate.rul is not None and estimate.rul_upper is not None
        assert estimate.rul_lower <= estimate.rul < estimate.rul_upper


def test_knee_in_the_last_cycles_is_not_reported() -> None:
    # A two-line fade whose break sits at cycle 104 of 105: Bacon–Watts finds it, but with one
    # cycle after it no knee can be told from the end of the data.
    cycles = np.arange(1.0, 106.0)
    capacity = 1.1 - 1e-4 * cycles - 5e-3 * np.maximum(cycles - 104, 0)
    report = health_report(cycles, capacity)
    assert report["knee"]["knee_cycle"] is None and report["knee"]["onset_cycle"] is None
    assert "not reported" in report["knee"]["notes"][0]
    # The same break at cycle 60 of 105 is reported, within a cycle.
    capacity = 1.1 - 1e-4 * cycles - 2e-3 * np.maximum(cycles - 60, 0)
    report = health_report(cycles, capacity)
    assert report["knee"]["knee_cycle"] == pytest.approx(60, abs=1.5)


def test_a_break_after_which_the_fade_slows_is_no_knee() -> None:
    """CALCE CS2_35's and CS2_37's first 104 cycles: Bacon–Watts breaks at 30.7 and 8.0, but SOH falls more slowly
    after the break (an early drop levelling off), so no knee is reported; their whole lives keep their knees."""
    from gwangyang.battery.knee import find_knee

    table = pd.read_csv(SHARED / "battery" / "capacity" / "calce_cs2_capacity.csv")
    for name in ("CS2_35", "CS2_37"):
        cell = table[table["cell"] == name]
        cycles, capacity = cell["cycle"].to_numpy(float), cell["capacity_ah"].to_numpy(float)
        report = health_report(cycles[:104], capacity[:104])
        soh = np.asarray(report["soh"])
        brk = find_knee(cycles[:104], soh).knee_cycle
        assert brk is not None
        before = np.polyfit(cycles[:104][cycles[:104] <= brk], soh[cycles[:104] <= brk], 1)[0]
        after = np.polyfit(cycles[:104][cycles[:104] >= brk], soh[cycles[:104] >= brk], 1)[0]
        assert after > before  # the fade slows: by plain numpy
        assert report["knee"]["knee_cycle"] is None and report["knee"]["onset_cycle"] is None
        assert report["knee"]["notes"] == [
            f"no knee: the fade does not speed up after the break at cycle {brk:.0f} (SOH slope {before:.2e} per "
            f"cycle before, {after:.2e} after; a knee is where it steepens)"
        ]
        whole = health_report(cycles, capacity)["knee"]
        assert whole["knee_cycle"] is not None and whole["notes"] == []
        assert whole["onset_cycle"] is not None and whole["onset_cycle"] < whole["knee_cycle"]


def test_an_onset_after_its_knee_is_not_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    """The double Bacon–Watts fit can put its first break (the onset) after the single fit's knee (CALCE CS2_35's
    first 80 cycles: 31.0 and 36.4); such an onset is dropped with a note. Here on a curve that steepens at 60,
    with the knee finder made to answer an onset of 70."""
    from gwangyang.battery import knee as knee_module

    cycles = np.arange(1.0, 201.0)
    capacity = 1.1 - 1e-4 * cycles - 2e-3 * np.maximum(cycles - 60, 0)
    real = knee_module.find_knee

    def late_onset(*args: Any, **kwargs: Any) -> knee_module.Knee:
        found = real(*args, **kwargs)
        return knee_module.Knee(found.method, found.knee_cycle, 70.0, found.knee_capacity)

    monkeypatch.setattr(knee_module, "find_knee", late_onset)
    report = health_report(cycles, capacity)["knee"]
    assert report["knee_cycle"] == pytest.approx(60, abs=1.5) and report["onset_cycle"] is None
    assert report["notes"] == [
        "knee onset at cycle 70 is not reported: it falls after the knee at cycle 60 (the double Bacon–Watts fit "
        "and the single one disagree: the curve has no clear knee onset yet)"
    ]


def test_health_text_rounds() -> None:
    from gwangyang.cli.life import health_text

    report: dict[str, Any] = {
        "soh": [1.0, 0.912345678],
        "initial_capacity_ah": 1.0812345,
        "knee": {"knee_cycle": 667.2934175166062, "onset_cycle": 600.4, "notes": []},
        "rul": {"cycle": 700.0, "rul": 78.18, "rul_lower": 61.14, "rul_upper": 95.7, "method": "template"},
    }
    text = health_text("c1", report)
    assert text == (
        "c1: SOH 0.9123 at cycle 700 (initial capacity 1.081 Ah); knee at cycle 667, onset 600; "
        "RUL 78 cycles (61–96) by template"
    )
    report["knee"] = {"knee_cycle": None, "onset_cycle": None, "notes": ["knee at cycle 104 is not reported"]}
    report["rul"]["rul_upper"] = None
    assert health_text("c1", report).endswith(
        "RUL 78 cycles (61–∞) by template\n  knee at cycle 104 is not reported"
    )
