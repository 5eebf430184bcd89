from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from gwangyang.api import i18n
from gwangyang.errors import InputError
from gwangyang.port.compare import (
    FEW_REPLICATIONS,
    Comparison,
    compare,
    difference_interval,
    replicate,
    summarize,
)
from gwangyang.port.result import KPI_UNITS, kpi_bounds
from gwangyang.port.simulation import simulate
from gwangyang.port.steady import confidence_interval
from gwangyang.port.steady_report import NO_VARIATION
from gwangyang.port.terminal import Scenario, load_scenario

from .conftest import mmc_dict


def test_confidence_interval_by_hand() -> None:
    # 1..5: mean 3, s = 1.5811, t(0.975, 4) = 2.7764 (tables) -> half width 2.7764 x 1.5811 / sqrt(5) = 1.9632.
    mean, low, high = confidence_interval(np.array([1.0, 2, 3, 4, 5]))
    assert mean == 3.0
    assert high - mean == pytest.approx(1.9632, abs=1e-4)
    assert mean - low == pytest.approx(1.9632, abs=1e-4)


def test_replications_meet_erlang_c_within_three_standard_errors() -> None:
    # M/M/1 with rho = 0.5 and 10 h service: Wq = rho / (mu - lam) = 0.5 / 0.05 = 10 h. Before, the test
    # asked the 95 % interval of 6 replications to cover 10 h, which fails for 1 seed in 20 when the
    # interval is right. Now: the replications are simulate's runs (replicate gives the same table), the
    # interval is summarize's construction by hand, and the mean is held to 3 standard errors measured
    # from each run's own 20 batch means of consecutive vessels (about 48 vessels, 8 relaxation times
    # 1 / (mu (1 - sqrt(rho))^2) = 117 h, apart): 0.64 h over 6 x 800 days on seeds 10-15 (6.4 % of
    # 10 h; the 6 run means alone give 0.78 h with 5 degrees of freedom).
    scenario = Scenario.from_dict(mmc_dict(c=1, lam_per_h=0.05))
    days, warmup, seeds = 800, 20, range(10, 16)
    runs = [simulate(scenario, days=days, seed=seed, warmup_days=warmup) for seed in seeds]
    table = pd.DataFrame([{"seed": seed, **run.kpis} for seed, run in zip(seeds, runs, strict=True)])
    short = replicate(scenario, days=30, replications=2, seed=10, warmup_days=2)
    for row, seed in zip(short.to_dict("records"), (10, 11), strict=True):
        assert row == {"seed": seed, **simulate(scenario, days=30, seed=seed, warmup_days=2).kpis}
    errors = []
    for run in runs:
        vessels = run.vessels.sort_values("arrival_h", kind="stable")
        waits = vessels.loc[vessels["arrival_h"] >= warmup * 24, "wait_h"].to_numpy(float)
        assert run.kpis["mean_wait_h"] == pytest.approx(waits.mean(), rel=1e-12)
        batches = np.array([batch.mean() for batch in np.array_split(waits, 20)])
        errors.append(batches.std(ddof=1) / np.sqrt(len(batches)))
    error = float(np.sqrt(np.sum(np.square(errors))) / len(runs))  # s.e. of the mean of the run means
    ci = summarize(table)["mean_wait_h"]
    waits = table["mean_wait_h"].to_numpy(float)
    mean = waits.mean()
    assert ci["mean"] == pytest.approx(mean, rel=1e-12) and ci["no_interval"] is None
    half = stats.t.ppf(0.975, len(waits) - 1) * waits.std(ddof=1) / np.sqrt(len(waits))
    assert (ci["ci_low"], ci["ci_high"]) == pytest.approx(
        (mean * np.exp(-half / mean), mean * np.exp(half / mean)), rel=1e-12
    )  # the t interval carried to the log scale (a wait is >= 0)
    assert error <= 0.12 * 10.0  # the check bites (0.57-0.98 h on seeds 10-33 in fours of six)
    assert abs(mean - 10.0) <= 3 * error


def test_summarize_gives_no_interval_without_variation() -> None:
    # Replications of one scenario: a KPI the same in every replication gets none (not a zero-width [x, x]),
    # one that varies gets the t interval carried inside its bounds (log scale for a KPI >= 0, by hand).
    table = pd.DataFrame(
        {"mean_wait_h": [0.0, 0.0, 0.0], "teu": [100.0, 120.0, 110.0], "berth_occupancy": [0.5, 0.6, 0.55]}
    )
    summary = summarize(table)
    wait = summary["mean_wait_h"]
    assert wait["mean"] == 0 and np.isnan(wait["ci_low"]) and np.isnan(wait["ci_high"])
    assert wait["no_interval"] == NO_VARIATION
    half = stats.t.ppf(0.975, 2) * 10.0 / np.sqrt(3)  # s = 10
    teu = summary["teu"]
    assert teu["no_interval"] is None
    assert teu["ci_low"] == pytest.approx(110 * np.exp(-half / 110))
    assert teu["ci_high"] == pytest.approx(110 * np.exp(half / 110))
    share = summary["berth_occupancy"]
    step = stats.t.ppf(0.975, 2) * 0.05 / np.sqrt(3) * (1 / 0.55 + 1 / 0.45)
    centre = np.log(0.55 / 0.45)
    assert share["ci_low"] == pytest.approx(1 / (1 + np.exp(-(centre - step))))
    assert share["ci_high"] == pytest.approx(1 / (1 + np.exp(-(centre + step))))
    one = summarize(table.iloc[:1])["teu"]
    assert one["no_interval"] == FEW_REPLICATIONS and np.isnan(one["ci_low"])


def test_a_scenario_against_itself_differs_by_zero() -> None:
    today = load_scenario("gwangyang-today")
    result = compare(today, today, days=5, replications=2)
    diff = result.differences().set_index("kpi")
    assert (diff["diff_mean"] == 0).all()
    document = result.to_dict()
    assert set(document["kpis"]) >= {"mean_wait_h", "teu", "co2_t"}


def test_automated_adds_berths_and_cuts_fuel() -> None:
    # Same traffic, 4 more berths: occupancy falls; part of the traffic moves to electric AGVs and ARMGs,
    # so diesel CO2 falls.
    result = compare(
        load_scenario("gwangyang-today"), load_scenario("gwangyang-automated"), days=14, replications=2
    )
    diff = result.differences().set_index("kpi")
    assert diff["diff_mean"].loc["teu"] == 0  # common random numbers: the same calls
    assert diff["diff_ci_high"].loc["berth_occupancy"] < 0
    assert diff["diff_ci_high"].loc["co2_t"] < 0


def test_bad_replications() -> None:
    with pytest.raises(InputError, match="replications"):
        replicate(Scenario.from_dict(mmc_dict()), days=1, replications=0)


def test_difference_interval_keeps_b_inside_its_bounds() -> None:
    # Reproduced: 2 days x 2 replications, seed 2, printed yard_rehandles_per_move's B - A as
    # 0.171 [-0.116, 0.457] while A's mean is 0.0087, so B's mean would be below 0 at the low end.
    result = compare(
        load_scenario("gwangyang-today"), load_scenario("gwangyang-automated"), days=2, replications=2, seed=2
    )
    diff = result.differences().set_index("kpi")
    row = diff.loc["yard_rehandles_per_move"]
    a = result.table_a["yard_rehandles_per_move"].to_numpy(float)
    b = result.table_b["yard_rehandles_per_move"].to_numpy(float)
    _, low, high = confidence_interval(b - a)
    assert low < -a.mean()  # the paired-t interval leaves what a difference can be
    # delta method on B's log scale, A held at its mean: B in b_mean * exp(-+ half / b_mean)
    half = (high - low) / 2
    assert row["diff_ci_low"] == pytest.approx(b.mean() * np.exp(-half / b.mean()) - a.mean(), rel=1e-12)
    assert row["diff_ci_high"] == pytest.approx(b.mean() * np.exp(half / b.mean()) - a.mean(), rel=1e-12)
    assert row["diff_ci_low"] > -a.mean() and row["no_interval"] is None
    for kpi, r in diff.iterrows():
        lo, hi = kpi_bounds(str(kpi))
        if r["no_interval"] is None:
            assert (
                lo - r["a_mean"]
                <= r["diff_ci_low"]
                <= r["diff_mean"]
                <= r["diff_ci_high"]
                <= hi - r["a_mean"]
            )
        else:
            assert np.isnan(r["diff_ci_low"]) and np.isnan(r["diff_ci_high"])


def _paired_t(d: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """Mean and half-width of the paired-t interval, from scipy's t quantile."""
    return float(d.mean()), float(stats.t.ppf((1 + level) / 2, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d)))


def _expit(x: float) -> float:
    return float(1 / (1 + np.exp(-x)))


def test_no_difference_interval_without_varying_differences() -> None:
    # Only differences that never vary give no interval: no vessel waited in either scenario
    # (mean_wait_h 0 in both), and common random numbers give both the same calls and TEU (B - A = 0
    # in each replication). A side that is the same in every replication is no reason: gwangyang-today
    # has no AGVs (charging_share 0 throughout), while the differences vary with the automated side.
    result = compare(
        load_scenario("gwangyang-today"), load_scenario("gwangyang-automated"), days=2, replications=2, seed=2
    )
    diff = result.differences().set_index("kpi")
    missing = diff["diff_ci_low"].isna() & diff["diff_ci_high"].isna()
    for name in ("mean_wait_h", "teu", "teu_per_year", "vessel_calls"):
        assert diff.loc[name, "no_interval"] == NO_VARIATION and missing[name]
    assert result.table_a["charging_share"].eq(0).all()
    b = result.table_b["charging_share"].to_numpy(float)  # 0.010848, 0.009924
    mean, half = _paired_t(b - 0.0)  # t(0.975, 1) = 12.706: half-width 0.0058748
    assert half == pytest.approx(0.0058748, abs=1e-7)
    # A = 0: B's logit interval, expit(logit(b) -+ half / (b (1 - b)))
    bm = b.mean()
    step = half / (bm * (1 - bm))
    row = diff.loc["charging_share"]
    assert row["no_interval"] is None and row["diff_mean"] == pytest.approx(mean, rel=1e-12)
    assert row["diff_ci_low"] == pytest.approx(_expit(np.log(bm / (1 - bm)) - step), rel=1e-9)
    assert row["diff_ci_high"] == pytest.approx(_expit(np.log(bm / (1 - bm)) + step), rel=1e-9)
    assert (row["diff_ci_low"], row["diff_ci_high"]) == pytest.approx((0.005891, 0.018248), abs=1e-6)
    assert 0 < row["diff_ci_low"] < row["diff_ci_high"] < 1  # inside [0 - A, 1 - A] = [0, 1]
    warnings = result.to_dict()["warnings"]
    assert warnings == [
        "no interval for the differences of vessel_calls, mean_wait_h, p95_wait_h, gate_mean_wait_min, "
        "gate_p95_wait_min, gate_wait_share, gate_appointment_delay_h, yard_blocked_qc_h, yard_export_wait_h: "
        "the same value in every replication of both scenarios, no estimate of their variation (what they "
        "count did not happen in the runs, or cannot happen in these terminals)",
        "no interval for the differences of teu, teu_per_year: B - A is the same in every replication (the "
        "common random numbers move both scenarios alike), no estimate of its variation",
    ]
    # one replication: no variance at all
    single = compare(
        load_scenario("gwangyang-today"), load_scenario("gwangyang-automated"), days=2, replications=1
    )
    one = single.differences()
    assert (one["no_interval"] == FEW_REPLICATIONS).all() and one["diff_ci_low"].isna().all()
    assert single.warnings()[0].startswith("no interval for the differences of vessel_calls, teu,")
    assert "run at least 2 replications" in single.warnings()[0]


def test_difference_interval_of_kpis_zero_by_design() -> None:
    # The automated terminal's AGV shares against today's manual terminal, where they are 0 by design,
    # and the other way round. 1 day x 3 replications; intervals by hand from the replication tables.
    today, automated = load_scenario("gwangyang-today"), load_scenario("gwangyang-automated")
    forward = compare(today, automated, days=1, replications=3)
    backward = compare(automated, today, days=1, replications=3)
    ahead = forward.differences().set_index("kpi")
    back = backward.differences().set_index("kpi")
    t2 = stats.t.ppf(0.975, 2)  # 4.3027
    for name in ("charging_share", "empty_travel_share", "qc_vehicle_wait_share"):
        zero = forward.table_a[name].to_numpy(float)
        b = forward.table_b[name].to_numpy(float)
        assert (zero == 0).all() and np.ptp(b) > 0
        half = t2 * b.std(ddof=1) / np.sqrt(3)
        bm = b.mean()
        centre, step = np.log(bm / (1 - bm)), half * (1 / bm + 1 / (1 - bm))
        low, high = _expit(centre - step), _expit(centre + step)
        row = ahead.loc[name]
        assert row["no_interval"] is None
        assert (row["diff_ci_low"], row["diff_ci_high"]) == pytest.approx((low, high), rel=1e-9)
        assert 0 < row["diff_ci_low"] < row["diff_mean"] < row["diff_ci_high"] < 1
        # the same replications the other way round: B = 0, all the variation is A's; minus A's interval
        rev = back.loc[name]
        assert backward.table_b[name].eq(0).all()
        assert rev["diff_mean"] == pytest.approx(-bm, rel=1e-12)
        assert (rev["diff_ci_low"], rev["diff_ci_high"]) == pytest.approx((-high, -low), rel=1e-9)
        assert -1 < rev["diff_ci_low"] < rev["diff_mean"] < rev["diff_ci_high"] < 0
    # 1 day, seed 0: charging_share 0.012659, 0.009573, 0.012266 -> B - A 0.01150 [0.00799, 0.01652]
    assert (ahead.loc["charging_share", "diff_ci_low"], ahead.loc["charging_share", "diff_ci_high"]) == (
        pytest.approx((0.007994, 0.016516), abs=1e-6)
    )
    assert not any("charging_share" in w for w in forward.warnings() + backward.warnings())


def test_difference_interval_by_hand() -> None:
    # shares: B = A + D must stay in [0, 1]; logit of B around b_mean with the paired half-width
    a = np.array([0.10, 0.12, 0.11])
    b = np.array([0.02, 0.05, 0.01])
    mean, low, high, reason = difference_interval(a, b, 0.95, (0.0, 1.0))
    d = b - a
    half = 4.302653 * d.std(ddof=1) / np.sqrt(3)  # t(0.975, 2)
    bm = b.mean()
    centre, step = np.log(bm / (1 - bm)), half * (1 / bm + 1 / (1 - bm))
    expit = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
    assert reason is None and mean == pytest.approx(d.mean())
    assert low == pytest.approx(expit(centre - step) - a.mean(), abs=1e-7)
    assert high == pytest.approx(expit(centre + step) - a.mean(), abs=1e-7)
    assert low > -a.mean()  # B's mean stays >= 0, where the paired-t low end (-0.121) put it below
    assert mean - half < -a.mean()
    # non-negative KPI, A = 0 in every replication: B's log interval, b_mean * exp(-+ half / b_mean)
    zero = np.zeros(3)
    b = np.array([0.5, 1.2, 0.8])
    mean, low, high, reason = difference_interval(zero, b, 0.95, (0.0, np.inf))
    half = 4.302653 * b.std(ddof=1) / np.sqrt(3)
    assert reason is None and mean == pytest.approx(b.mean())
    assert low == pytest.approx(b.mean() * np.exp(-half / b.mean()), rel=1e-6)
    assert high == pytest.approx(b.mean() * np.exp(half / b.mean()), rel=1e-6)
    assert b.mean() - half < 0 < low  # the paired-t low end (-0.087) would put B below 0
    # B the same in every replication, A varies: on A's scale with B held, minus A's log interval
    mean, low, high, reason = difference_interval(b, zero, 0.95, (0.0, np.inf))
    assert reason is None and mean == pytest.approx(-b.mean())
    assert (low, high) == pytest.approx(
        (-b.mean() * np.exp(half / b.mean()), -b.mean() * np.exp(-half / b.mean()))
    )
    # differences that never vary, whatever the sides do: no interval
    assert difference_interval(b, b + 2, 0.95, (0.0, np.inf))[1:] == pytest.approx(
        (np.nan, np.nan, NO_VARIATION), nan_ok=True
    )


def _tables(replications: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Replication tables where every KPI varies but mean_wait_h and yard_blocked_qc_h (0 in both) and
    teu and gate_trucks (varying, the same in both)."""
    rng = np.random.default_rng(0)
    a = pd.DataFrame({k: rng.uniform(0.1, 0.5, replications) for k in KPI_UNITS})
    b = pd.DataFrame({k: rng.uniform(0.1, 0.5, replications) for k in KPI_UNITS})
    for k in ("mean_wait_h", "yard_blocked_qc_h"):
        a[k] = b[k] = 0.0
    for k in ("teu", "gate_trucks"):
        b[k] = a[k]
    return a, b


def warning_samples() -> list[str]:
    """One line of every template :meth:`Comparison.warnings` writes, from synthetic tables (no simulation)."""
    lines = Comparison("오늘", "automated", 1.0, 2, 0.95, *_tables(2)).warnings()
    lines += Comparison("오늘", "automated", 1.0, 1, 0.95, *_tables(1)).warnings()
    return lines


def test_every_compare_warning_reads_in_korean() -> None:
    # The page's catalogue (PHRASES and the .mo) has every template: each line comes out in Korean, the
    # KPI names as the page names them elsewhere.
    ko = lambda msgid: i18n.gettext_for("ko", msgid)  # noqa: E731
    samples = warning_samples()
    names = ", ".join(ko(k) for k in KPI_UNITS)
    assert [i18n.phrase(w, "ko") for w in samples] == [
        f"{ko('mean_wait_h')}, {ko('yard_blocked_qc_h')}의 차이 구간 없음: 두 시나리오 모두 모든 반복의 값이 같아 "
        "변동을 추정할 수 없습니다(세는 사건이 실행에서 일어나지 않았거나 이 터미널들에서는 일어날 수 없습니다)",
        f"{ko('teu')}, {ko('gate_trucks')}의 차이 구간 없음: B - A가 모든 반복에서 같아(공통 난수가 두 시나리오를 "
        "똑같이 움직입니다) 변동을 추정할 수 없습니다",
        f"{names}의 차이 구간 없음: 반복이 1회로 2회보다 적습니다; 최소 2회 반복하세요",
    ]
    assert ko("teu") != "teu" and ko("mean_wait_h") != "mean_wait_h"  # the KPI names have Korean ones
    # English pages show the lines as written
    assert [i18n.phrase(w, "en") for w in samples] == samples
