"""compare_fleets' intervals: inside each KPI's bounds, none without a variance (with warnings)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from scipy import stats

from gwangyang.port.agv import simulate_fleet
from gwangyang.port.agv_plan import FLEET_UNITS, FleetPlan, plan_from_scenario
from gwangyang.port.fleet_compare import compare_fleets, fleet_warnings
from gwangyang.port.terminal import load_scenario


@pytest.fixture(scope="module")
def automated() -> FleetPlan:
    return plan_from_scenario(load_scenario("gwangyang-automated"))


def _expit(x: float) -> float:
    return float(1 / (1 + np.exp(-x)))


def _half(x: np.ndarray) -> float:
    """Half-width of the 95 % t interval, the quantile from scipy."""
    return float(stats.t.ppf(0.975, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x)))


def test_fleet_intervals_stay_inside_the_kpis_bounds(automated: FleetPlan) -> None:
    # 44 AGVs, 1 h after a quarter-hour, 3 replications: every interval by hand from the runs redone.
    doc = compare_fleets(automated, ["nearest", "lookahead"], [44], replications=3, hours=1.0, warmup_h=0.25)
    raw = {
        p: [
            simulate_fleet(dataclasses.replace(automated, dispatch=p, agvs=44), 1.0, r, 0.25).kpis
            for r in range(3)
        ]
        for p in ("nearest", "lookahead")
    }
    nearest = doc["runs"][0]["kpis"]
    # a share near 0: the symmetric t interval leaves [0, 1]; the logit one stays inside
    x = np.array([k["charging_share"] for k in raw["nearest"]])
    m, half = x.mean(), _half(x)
    assert m - half < 0
    step = half / (m * (1 - m))
    got = nearest["charging_share"]
    assert got["mean"] == pytest.approx(m, rel=1e-12) and got["no_interval"] is None
    assert (got["ci_low"], got["ci_high"]) == pytest.approx(
        (_expit(np.log(m / (1 - m)) - step), _expit(np.log(m / (1 - m)) + step)), rel=1e-9
    )
    # a non-negative KPI near 0: the log interval, mean * exp(-+ half / mean)
    x = np.array([k["qc_idle_min_per_move"] for k in raw["nearest"]])
    m, half = x.mean(), _half(x)
    assert m - half < 0
    got = nearest["qc_idle_min_per_move"]
    assert (got["ci_low"], got["ci_high"]) == pytest.approx(
        (m * np.exp(-half / m), m * np.exp(half / m)), rel=1e-9
    )
    # the paired difference lookahead - nearest: on lookahead's logit scale, nearest held at its mean
    a = np.array([k["charging_share"] for k in raw["nearest"]])
    b = np.array([k["charging_share"] for k in raw["lookahead"]])
    half = _half(b - a)
    bm = b.mean()
    step = half * (1 / bm + 1 / (1 - bm))
    got = doc["differences"][0]["kpis"]["charging_share"]
    assert got["mean"] == pytest.approx((b - a).mean(), rel=1e-9)
    assert (got["ci_low"], got["ci_high"]) == pytest.approx(
        (_expit(np.log(bm / (1 - bm)) - step) - a.mean(), _expit(np.log(bm / (1 - bm)) + step) - a.mean()),
        rel=1e-9,
    )
    # every interval inside its KPI's bounds (runs) or what a difference can be; the curve is the runs'
    for run in doc["runs"]:
        for k, v in run["kpis"].items():
            hi = 1.0 if FLEET_UNITS[k] == "fraction" else np.inf
            assert v["no_interval"] is None and 0 <= v["ci_low"] <= v["mean"] <= v["ci_high"] <= hi
    for k, v in doc["differences"][0]["kpis"].items():
        base = doc["runs"][0]["kpis"][k]["mean"]
        hi = 1.0 if FLEET_UNITS[k] == "fraction" else np.inf
        assert -base <= v["ci_low"] <= v["mean"] <= v["ci_high"] <= hi - base
    for policy, points in doc["fleet_curve"].items():
        run = next(r for r in doc["runs"] if r["dispatch"] == policy)
        assert points == [{"agvs": 44, **run["kpis"]["moves_per_hour_per_crane"]}]
    assert doc["warnings"] == []


def test_no_fleet_interval_without_a_variance(automated: FleetPlan) -> None:
    # No batteries: the charging share is 0 in every replication, no interval, and the warning says so.
    plain = dataclasses.replace(automated, settings=dataclasses.replace(automated.settings, battery_kwh=0.0))
    doc = compare_fleets(plain, ["nearest", "lookahead"], [44], replications=2, hours=0.5, warmup_h=0.25)
    for entry in (doc["runs"][0], doc["runs"][1], doc["differences"][0]):
        charging = entry["kpis"]["charging_share"]
        assert charging["mean"] == 0 and charging["no_interval"] == "no variation"
        assert np.isnan(charging["ci_low"]) and np.isnan(charging["ci_high"])
    assert doc["warnings"] == [
        *(
            f"no interval for charging_share of {p} with 44 AGVs: the same value in every replication, no "
            "estimate of their variation (nothing of it happened, or the counts came out equal: more or longer "
            "replications may give one)"
            for p in ("nearest", "lookahead")
        ),
        "no interval for the differences of charging_share between lookahead and nearest with 44 AGVs: B - A "
        "is the same in every replication, no estimate of its variation",
    ]
    # one replication: no interval at all, one warning
    one = compare_fleets(plain, ["nearest"], [44], replications=1, hours=0.5, warmup_h=0.25)
    assert all(
        np.isnan(v["ci_low"]) and v["no_interval"] == "few replications"
        for v in one["runs"][0]["kpis"].values()
    )
    assert one["warnings"] == ["no intervals: 1 replication, fewer than 2; run at least 2 replications"]


def test_cli_prints_no_interval_and_the_warning(capsys: pytest.CaptureFixture[str]) -> None:
    from gwangyang.cli.main import main

    args = ["port", "compare", "gwangyang-automated", "--policies", "nearest", "--fleet", "44"]
    assert main([*args, "--replications", "1", "--hours", "0.5"]) == 0
    err = capsys.readouterr().err
    assert "moves_per_hour_per_crane" in err and "(no interval)" in err and "nan" not in err
    assert "warning: no intervals: 1 replication, fewer than 2; run at least 2 replications" in err


def fleet_warning_samples() -> list[str]:
    """One line of every template :func:`fleet_warnings` writes, from synthetic runs (no simulation)."""
    same = {"mean": 0.0, "ci_low": np.nan, "ci_high": np.nan, "no_interval": "no variation"}
    varies = {"mean": 0.5, "ci_low": 0.4, "ci_high": 0.6, "no_interval": None}
    run = {"dispatch": "lookahead", "agvs": 22, "kpis": {"charging_share": same, "congestion_share": same}}
    diff = {"dispatch": "lookahead", "versus": "nearest", "agvs": 22}
    diff["kpis"] = {"charging_share": same, "moves_per_hour_per_crane": varies}
    return fleet_warnings([run], [diff], 2) + fleet_warnings([], [], 1)


def test_every_fleet_warning_reads_in_korean() -> None:
    from gwangyang.api import i18n

    ko = lambda msgid: i18n.gettext_for("ko", msgid)  # noqa: E731
    assert [i18n.phrase(w, "ko") for w in fleet_warning_samples()] == [
        f"{ko('lookahead')}, AGV 22대: {ko('charging_share')}, {ko('congestion_share')}의 구간 없음: 모든 반복의 "
        "값이 같아 변동을 추정할 수 없습니다(아무것도 일어나지 않았거나 횟수가 같게 나왔습니다. 반복을 늘리거나 "
        "길게 하면 구간이 나올 수 있습니다)",
        f"{ko('lookahead')} − {ko('nearest')}, AGV 22대: {ko('charging_share')}의 차이 구간 없음: B - A가 모든 "
        "반복에서 같아 변동을 추정할 수 없습니다",
        "구간 없음: 반복이 1회로 2회보다 적습니다; 최소 2회 반복하세요",
    ]
    assert ko("lookahead") == "선행 예측" and ko("charging_share") == "충전 시간 비율"
