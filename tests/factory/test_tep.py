"""Tennessee Eastman (Braatz data): false alarms on d00_te and detection of faults 1-15 against Chiang et al. (2000).

Every monitor is fitted on ``d00.dat`` only. The book's setting (PCA, analytic limits at alpha = 0.01, one
sample = one decision) is compared with its Table 8.4 (detection rates) and Table 8.5 (delays); the
shipped defaults (holdout-checked limits, alarm after k = 3 violations) are checked for false alarms
within twice the nominal rate and for beating the book's PCA where it detects least.
"""

from __future__ import annotations

from typing import Any

import pytest

from gwangyang.factory.evaluate import TEPReport, detection_delay, evaluate_tep
from gwangyang.factory.tep_book import (
    CHIANG_2000_DPCA_Q_DELAY_MIN,
    CHIANG_2000_DPCA_Q_MISSED,
    CHIANG_2000_DPCA_T2_DELAY_MIN,
    CHIANG_2000_DPCA_T2_MISSED,
    CHIANG_2000_PCA_Q_DELAY_MIN,
    CHIANG_2000_PCA_Q_MISSED,
    CHIANG_2000_PCA_T2_DELAY_MIN,
    CHIANG_2000_PCA_T2_MISSED,
)
from tests.conftest import SHARED

TEP = SHARED / "factory" / "tep"
ALPHA = 0.01
UNDETECTABLE = (3, 9, 15)
"""Faults that no method of the book detects (rates near the false-alarm rate)."""
WEAKEST = (4, 10, 11)
"""Detectable faults where the book's PCA detects least by its weaker statistic or overall (after 3, 9, 15)."""


@pytest.fixture(scope="module")
def book_pca() -> TEPReport:
    # The book's setting: analytic limits, every sample its own decision.
    return evaluate_tep(TEP, "pca", alpha=ALPHA, k=1, holdout=0.0)


_DEFAULT_CACHE: dict[str, TEPReport] = {}


def default_report(method: str) -> TEPReport:
    """The CLI's defaults (holdout 0.3, k = 3), all 15 faults; computed once per method."""
    if method not in _DEFAULT_CACHE:
        _DEFAULT_CACHE[method] = evaluate_tep(TEP, method, alpha=ALPHA, k=3, holdout=0.3)
    return _DEFAULT_CACHE[method]


def by_fault(report: TEPReport) -> dict[int, Any]:
    return {f.fault: f for f in report.faults}


def test_detection_delay_convention() -> None:
    # A violation at the first faulty sample (index 160) is 3 min after the fault's introduction; a run of 6
    # confirms the detection at the first of the six.
    flags = [False] * 160 + [True, False] + [True] * 6 + [False] * 10
    assert detection_delay(flags, 160) == 3.0
    assert detection_delay(flags, 160, run=6) == 9.0
    assert detection_delay([False] * 200, 160) is None


def test_book_pca_detection_rates_match_table_8_4(book_pca: TEPReport) -> None:
    for fault in book_pca.faults:
        for ours, missed in (
            (fault.t2_rate, CHIANG_2000_PCA_T2_MISSED),
            (fault.q_rate, CHIANG_2000_PCA_Q_MISSED),
        ):
            published = 1.0 - missed[fault.fault]
            if published >= 0.8:
                assert ours == pytest.approx(published, abs=0.1), fault.fault
            elif fault.fault in UNDETECTABLE:
                assert ours <= 0.15, fault.fault
            elif missed is CHIANG_2000_PCA_T2_MISSED:  # faults 4, 5, 10, 11: partly detected by T²
                assert ours == pytest.approx(published, abs=0.1), fault.fault
            else:  # by Q: at least the book's; our analytic Q limit is tighter (false alarms 0.08)
                assert ours >= published - 0.05, fault.fault


def test_book_pca_detection_delays_match_table_8_5(book_pca: TEPReport) -> None:
    for fault in book_pca.faults:
        for ours, table in (
            (fault.t2_delay_min, CHIANG_2000_PCA_T2_DELAY_MIN),
            (fault.q_delay_min, CHIANG_2000_PCA_Q_DELAY_MIN),
        ):
            published = table[fault.fault]
            if published is None:  # not detected in the book: nor by ours within the first day
                assert ours is None or ours > 24 * 60, fault.fault
            elif published <= 150:  # prompt detections: within 5 samples (15 min) of the book
                assert ours is not None and abs(ours - published) <= 15.0, (fault.fault, ours, published)
            else:  # slow ones (faults 10, 11 by T²): ours is no later than the book's
                assert ours is not None and ours <= published, (fault.fault, ours, published)


def test_book_pca_t2_false_alarm_rate(book_pca: TEPReport) -> None:
    # The book reports 0.014 for PCA T² (Table 8.3); the analytic Q limit is too tight on these data (our
    # Q rate is about 0.08), which is why the shipped default checks the limits on held-out rows.
    assert book_pca.false_alarm_t2 <= 2 * ALPHA
    # the analytic Q limit's false alarms (0.093 on d00_te) set the nominal rate of the pre-start check: no warning
    assert book_pca.warnings == []


@pytest.mark.parametrize("method", ["pca", "dpca", "kpca"])
def test_default_false_alarm_rate_within_twice_nominal(method: str) -> None:
    report = default_report(method)
    assert report.false_alarm_t2 <= 2 * ALPHA
    assert report.false_alarm_q <= 2 * ALPHA
    assert report.false_alarm_alarm <= 2 * ALPHA
    # the shipped files agree with their fault start (sample 160): no run is in alarm before it more than by
    # chance (at most 2 of the 160 samples, PCA; tep_start.PRE_START_P gives the tails)
    assert report.warnings == []
    assert max(f.pre_start_alarm_rate for f in report.faults) <= 2 / 160


@pytest.mark.parametrize("method", ["pca", "dpca", "kpca"])
def test_default_detects_what_the_book_detects(method: str) -> None:
    # Every fault the book's PCA detects at >= 90 % (best statistic) is in alarm >= 90 % of the faulty samples,
    # within 30 min of its book delay, and the undetectable ones stay near the false-alarm rate.
    faults = by_fault(default_report(method))
    for number, fault in faults.items():
        best = 1.0 - min(CHIANG_2000_PCA_T2_MISSED[number], CHIANG_2000_PCA_Q_MISSED[number])
        if best >= 0.9:
            assert fault.alarm_rate >= 0.9, (method, number)
            delays = [
                d for d in (CHIANG_2000_PCA_T2_DELAY_MIN[number], CHIANG_2000_PCA_Q_DELAY_MIN[number]) if d
            ]
            assert fault.alarm_delay_min is not None and fault.alarm_delay_min <= min(delays) + 30.0
        if number in UNDETECTABLE:
            assert fault.alarm_rate <= 0.1, (method, number)


def test_dynamic_pca_beats_the_book_where_it_is_weakest() -> None:
    # Dynamic PCA with holdout-checked limits and alarms after 3 violations beats the better of the book's PCA
    # T² and Q on faults 4, 10 and 11, while its own false-alarm rate stays within twice nominal.
    report = default_report("dpca")
    assert report.false_alarm_alarm <= 2 * ALPHA
    faults = by_fault(report)
    for number in WEAKEST:
        best_published = 1.0 - min(CHIANG_2000_PCA_T2_MISSED[number], CHIANG_2000_PCA_Q_MISSED[number])
        assert faults[number].alarm_rate > best_published, number


def test_dynamic_pca_matches_the_books_dynamic_pca() -> None:
    # Same data, same method (2 lags, parallel analysis): T² rates within 0.02 and T² delays within one
    # sample of Tables 8.4 and 8.5; Q rates within 0.1 and Q delays within 2 samples.
    for fault in default_report("dpca").faults:
        n = fault.fault
        assert fault.t2_rate == pytest.approx(1.0 - CHIANG_2000_DPCA_T2_MISSED[n], abs=0.02), n
        assert fault.q_rate == pytest.approx(1.0 - CHIANG_2000_DPCA_Q_MISSED[n], abs=0.1), n
        for ours, published, tolerance in (
            (fault.t2_delay_min, CHIANG_2000_DPCA_T2_DELAY_MIN[n], 3.0),
            (fault.q_delay_min, CHIANG_2000_DPCA_Q_DELAY_MIN[n], 6.0),
        ):
            if published is None:
                assert ours is None or ours > 24 * 60, n
            else:
                assert ours is not None and abs(ours - published) <= tolerance, (n, ours, published)
