"""RUL interval coverage: leave-one-template-out errors and the uncalibrated widening, recomputed by hand.

The template matcher is written again here (vectorised over the stretch grid, not the loop of
:mod:`gwangyang.battery.rul`), so the half-widths and intervals below are an independent route.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from gwangyang.battery.rul import TemplateRUL, templates_to_calibrate
from gwangyang.battery.rul_extrapolation import extrapolated_eol
from gwangyang.battery.soh import capacity_curve, eol_cycle, smooth_soh, state_of_health
from tests.conftest import SHARED

GRID = np.geomspace(0.2, 5.0, 600)
Template = tuple[np.ndarray, np.ndarray, float]


def _curves(name: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    table = pd.read_csv(SHARED / "battery" / "capacity" / name).dropna(subset=["cycle", "capacity_ah"])
    table = table.sort_values(["cell", "cycle"])
    return {str(c): (g["cycle"].to_numpy(), g["capacity_ah"].to_numpy()) for c, g in table.groupby("cell")}


def _template(cycles: np.ndarray, capacity: np.ndarray) -> Template:
    x, y = capacity_curve(cycles, capacity)
    soh = smooth_soh(state_of_health(y))
    eol = eol_cycle(x, soh)
    assert eol is not None
    return x, soh, eol


def _stretch(hx: np.ndarray, hy: np.ndarray, tx: np.ndarray, ty: np.ndarray) -> float:
    """Least-squares stretch on the grid, all stretches at once (first minimum wins, as in the loop)."""
    scaled = GRID[:, None] * hx[None, :]
    inside = scaled <= tx[-1]
    counts = inside.sum(axis=1)
    sq = np.where(inside, (hy[None, :] - np.interp(scaled, tx, ty)) ** 2, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mse = np.where(counts >= max(3, 0.8 * len(hx)), sq.sum(axis=1) / counts, np.inf)
    return float(GRID[int(np.argmin(mse))]) if np.isfinite(mse).any() else math.nan


def _point(hx: np.ndarray, hy: np.ndarray, templates: list[Template]) -> float:
    return float(np.median([max(teol / _stretch(hx, hy, tx, ty), hx[-1]) for tx, ty, teol in templates]))


def _pairwise_log_errors(templates: list[Template]) -> np.ndarray:
    errors = []
    for i, (x, soh, eol) in enumerate(templates):
        for j, other in enumerate(templates):
            if i == j:
                continue
            for fraction in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
                cut = x <= fraction * eol
                errors.append(abs(math.log10(_point(x[cut], soh[cut], [other]) / eol)))
    return np.asarray(errors)


def test_templates_needed_to_calibrate() -> None:
    # (k + 1)·coverage ≤ k: k ≥ 0.9 / 0.1 = 9; 0.8 / 0.2 = 4; 0.95 / 0.05 = 19; 0.5 / 0.5 = 1.
    assert [templates_to_calibrate(c) for c in (0.9, 0.8, 0.95, 0.5)] == [9, 4, 19, 1]


def test_nasa_two_templates_leave_one_out_by_hand() -> None:
    # B0006 predicted from B0005 and B0007: 2 pairs × 7 fractions = 14 log errors; the 90 % rank is
    # ceil(15 × 0.9) = 14, the largest. Two templates are fewer than 9, so the interval is marked
    # uncalibrated and spans the conformal interval and the extrapolation's bootstrap interval.
    curves = _curves("nasa_pcoe_capacity.csv")
    templates = {k: curves[k] for k in ("B0005", "B0007")}
    model = TemplateRUL().fit(templates)
    errors = _pairwise_log_errors([_template(*templates[k]) for k in ("B0005", "B0007")])
    assert len(errors) == 14 == len(model.calibration_errors_)
    assert model.log_halfwidth_ == pytest.approx(errors.max(), abs=1e-12)
    cycles, capacity = curves["B0006"]
    true_eol = eol_cycle(cycles, state_of_health(capacity))
    assert true_eol == 61.0
    covered = []
    for fraction in (0.25, 0.5, 0.75):
        cut = cycles <= fraction * true_eol
        estimate = model.predict(cycles[cut], capacity[cut])
        x, y = capacity_curve(cycles[cut], capacity[cut])
        soh = smooth_soh(state_of_health(y))
        point = _point(x, soh, [_template(*templates[k]) for k in ("B0005", "B0007")])
        factor = 10.0 ** errors.max()
        _, ext_low, ext_high = extrapolated_eol(x, soh)
        low, high = max(min(point / factor, ext_low), x[-1]), max(point * factor, ext_high)
        assert estimate.eol_cycle == pytest.approx(point, rel=1e-12)
        assert (estimate.eol_lower, estimate.eol_upper) == pytest.approx((low, high), rel=1e-12)
        assert not estimate.calibrated and estimate.note is not None
        assert "2 template(s), 9 needed" in estimate.note
        covered.append(low <= true_eol <= high)
    # B0006 lives longer than both templates predict at a quarter of its life (33 vs 61 cycles).
    assert covered == [False, True, True]


@pytest.mark.parametrize(
    ("cell", "template", "true_eol", "covered"),
    [
        ("CS2_35", "CS2_37", 517.0, [True, True, True]),
        ("CS2_37", "CS2_35", 556.0, [False, False, True]),
    ],
)
def test_calce_one_template_interval_by_hand(
    cell: str, template: str, true_eol: float, covered: list[bool]
) -> None:
    # One template: its estimate scaled by the bootstrap's relative interval (the old interval,
    # 6–44 cycles wide, covered none of these six cuts), joined with the extrapolation's own
    # bootstrap interval. The quadratic fade fit (c ≥ 0) only ever ends life earlier, so it widens
    # the lower side: CS2_35 (shorter-lived than its template) is covered, CS2_37 (longer-lived)
    # only at 75 %.
    curves = _curves("calce_cs2_capacity.csv")
    model = TemplateRUL().fit({template: curves[template]})
    assert math.isinf(model.log_halfwidth_) and len(model.calibration_errors_) == 0
    cycles, capacity = curves[cell]
    assert eol_cycle(cycles, state_of_health(capacity)) == true_eol
    got, old = [], []
    for fraction in (0.25, 0.5, 0.75):
        cut = cycles <= fraction * true_eol
        estimate = model.predict(cycles[cut], capacity[cut])
        x, y = capacity_curve(cycles[cut], capacity[cut])
        soh = smooth_soh(state_of_health(y))
        point = _point(x, soh, [_template(*curves[template])])
        ext, ext_low, ext_high = extrapolated_eol(x, soh)
        old_low, old_high = max(point * ext_low / ext, x[-1]), point * ext_high / ext
        low, high = max(min(point * ext_low / ext, ext_low), x[-1]), max(old_high, ext_high)
        assert estimate.eol_cycle == pytest.approx(point, rel=1e-12)
        assert (estimate.eol_lower, estimate.eol_upper) == pytest.approx((low, high), rel=1e-12)
        assert "1 template(s), 9 needed for nominal 90% coverage" in (estimate.note or "")
        got.append(low <= true_eol <= high)
        old.append(old_low <= true_eol <= old_high)
        assert high - low > 100 > old_high - old_low
    assert got == covered
    assert old == [False, False, False]


def _synthetic_cell(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    # Fade 1 − SOH = b·n + c·n² with cell-to-cell spread in both terms and measurement noise.
    cycles = np.arange(1.0, 1201.0)
    b, c = 1e-4 * rng.lognormal(0, 0.3), 4e-7 * rng.lognormal(0, 0.3)
    fade = b * cycles + c * cycles**2
    return cycles, 2.0 * (1.0 - fade) + rng.normal(0.0, 0.002, len(cycles))


def test_calibrated_with_enough_templates() -> None:
    # 10 exchangeable synthetic templates (≥ 9): the interval is the conformal one alone, point ·/ 10^q,
    # with q the ceil(631 × 0.9) = 568th smallest of the 10 × 9 × 7 = 630 pairwise log errors.
    rng = np.random.default_rng(7)
    cells = {f"t{i}": _synthetic_cell(rng) for i in range(10)}
    model = TemplateRUL().fit(cells)
    assert len(model.calibration_errors_) == 630
    errors = np.sort(_pairwise_log_errors([_template(*cells[f"t{i}"]) for i in range(10)]))
    assert model.log_halfwidth_ == pytest.approx(errors[567], abs=1e-12)
    cycles, capacity = _synthetic_cell(rng)
    estimate = model.predict(cycles[:300], capacity[:300])
    assert estimate.calibrated and estimate.note is None
    factor = 10.0**model.log_halfwidth_
    assert estimate.eol_cycle is not None
    assert estimate.eol_lower == pytest.approx(max(estimate.eol_cycle / factor, 300.0), rel=1e-12)
    assert estimate.eol_upper == pytest.approx(estimate.eol_cycle * factor, rel=1e-12)
    # Coverage on 20 fresh cells of the same family, cut at 25/50/75 % of their life: the
    # pairwise errors come from single templates (wider than the median's), so at least nominal
    # (measured: 60 of 60, over-covering).
    hits = []
    for _ in range(20):
        cycles, capacity = _synthetic_cell(rng)
        true_eol = eol_cycle(cycles, state_of_health(capacity))
        assert true_eol is not None
        for fraction in (0.25, 0.5, 0.75):
            cut = cycles <= fraction * true_eol
            fresh = model.predict(cycles[cut], capacity[cut])
            assert fresh.eol_lower is not None and fresh.eol_upper is not None
            hits.append(fresh.eol_lower <= true_eol <= fresh.eol_upper)
    assert np.mean(hits) >= 0.85


def test_health_text_says_when_the_interval_is_not_calibrated() -> None:
    from gwangyang.battery.health import health_report
    from gwangyang.cli.life import health_text

    curves = _curves("calce_cs2_capacity.csv")
    cycles, capacity = curves["CS2_35"]
    report = health_report(cycles[:300], capacity[:300], templates={"CS2_37": curves["CS2_37"]})
    assert report["rul"]["calibrated"] is False
    note = "interval not calibrated: 1 template(s), 9 needed for nominal 90% coverage"
    assert report["rul"]["note"].startswith(note)
    assert f"by template\n  {note}" in health_text("CS2_35", report)
    from gwangyang.api import i18n  # and in Korean, as the cell page shows it

    assert i18n.phrase(report["rul"]["note"], "ko") == (
        "구간이 보정되지 않음: 템플릿 1개, 명목 포함률 90%에는 9개 필요; 템플릿 구간과 외삽 구간을 모두 포함합니다"
    )
