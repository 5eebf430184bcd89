"""Whether a TEP test run agrees with the fault start the evaluation assumes: its alarms before that start.

Before the assumed start a test run is taken to be normal, so its rows in alarm are false alarms. Under normal
operation a row is beyond the T² or the Q limit with a chance of at most ``2 alpha`` (each limit's false-alarm
rate; the union bound), and a row in alarm (``k`` consecutive violations) is one of those; the normal test run
``d00_te`` measures the detector's own rate. A run whose rows before the start are in alarm far more often than
the larger of the two (a binomial tail below :data:`PRE_START_P`) contradicts the start: the fault most likely
entered earlier (a file cut at its head, or another start than the Braatz files' sample 160).

After the start (:func:`after_start_alarms`): the first row in alarm, counted in samples from the start. A fault
that enters later than assumed (rows added at the file's head) shows only as a longer wait for that first alarm,
which a slow detector gives as well (the book's PCA needs 87 samples for fault 17), so it is reported, not judged.
A run whose rows after the start are in alarm less than :data:`UNSEEN_FACTOR` times the nominal rate is one the
detector does not see (the Braatz faults 3, 9 and 15 for PCA, DPCA and KPCA): a note says so, since its alarm
rate and delay measure false alarms, not the fault.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

PRE_START_P = 1e-4
"""The chance, under the nominal rate, of as many alarms before the start below which the run is flagged.

Small because alarms come in runs (consecutive rows are correlated, so the binomial tail is too thin) and a
folder holds up to 21 runs. On the Braatz files (faults 1-15, start 160, alpha 0.01) the smallest tail is 0.83
(PCA, k = 3: 2 of 160 rows), 0.96 (DPCA, k = 3), 1 (KPCA, k = 3: none), 0.031 (PCA, k = 1, holdout limits:
fault 9, 9 of 160 against 0.027 on ``d00_te``) and 0.16 (the book's setting, PCA, k = 1, analytic limits:
fault 4, 19 of 160 against 0.093)."""


@dataclass(frozen=True)
class PreStartAlarms:
    """The rows in alarm before the assumed fault start of one test run, against the nominal rate."""

    count: int
    samples: int
    nominal: float
    p_value: float
    onset: int | None

    @property
    def rate(self) -> float:
        """Share of the rows before the start that are in alarm (0 when there are none)."""
        return self.count / self.samples if self.samples else 0.0

    @property
    def contradicts(self) -> bool:
        """Whether so many alarms before the start are too unlikely under the nominal rate (:data:`PRE_START_P`)."""
        return self.p_value < PRE_START_P


def nominal_alarm_rate(alpha: float, normal_rate: float) -> float:
    """The false-alarm rate a run's alarms are held to: ``min(1, max(2 alpha, normal_rate))``.

    Two control limits (T², Q) at ``alpha`` each alarm at up to ``2 alpha`` on normal rows; the normal test run
    (``d00_te``) may alarm more often, and then its measured rate is the one to expect.
    """
    return float(min(1.0, max(2.0 * alpha, normal_rate)))


def pre_start_alarms(alarm: np.ndarray, start: int, alpha: float, normal_rate: float) -> PreStartAlarms:
    """Count the rows in alarm before ``start`` and how likely as many are under normal operation.

    Parameters
    ----------
    alarm
        One boolean per row of the test run (the detector's alarm).
    start
        Index of the first faulty row the evaluation assumes.
    alpha
        False-alarm rate of each of the two control limits (T², Q).
    normal_rate
        The alarm rate measured on the normal test run (``d00_te``).

    Returns
    -------
    PreStartAlarms
        ``nominal`` is :func:`nominal_alarm_rate`; ``p_value`` the binomial chance of at least
        ``count`` alarms in ``samples`` rows at that rate; ``onset`` the first row of the run of alarms that
        reaches the start (None when the row before the start is not in alarm).
    """
    before = np.asarray(alarm[:start], dtype=bool)
    count = int(before.sum())
    nominal = nominal_alarm_rate(alpha, normal_rate)
    p_value = float(stats.binom.sf(count - 1, before.size, nominal)) if count else 1.0
    onset: int | None = None
    if before.size and before[-1]:
        quiet = np.nonzero(~before)[0]
        onset = int(quiet[-1]) + 1 if quiet.size else 0
    return PreStartAlarms(count, int(before.size), nominal, p_value, onset)


def pre_start_warning(file: str, start: int, check: PreStartAlarms) -> str | None:
    """The report's warning when ``check`` contradicts the start (None when it does not).

    Two ``"; "``-separated parts: the counts, then the conclusion, which names the first row of the run of
    alarms that reaches the start when there is one.
    """
    if not check.contradicts:
        return None
    counts = (
        f"{file}: {check.count} of the {check.samples} samples before the fault start (sample {start}) are in "
        f"alarm (rate {check.rate:.3f}, nominal false-alarm rate {check.nominal:.3f}, P = {check.p_value:.1e})"
    )
    if check.onset is None:
        return f"{counts}; the fault probably started earlier."
    return (
        f"{counts}; the fault probably started earlier: the alarms run without a break from sample "
        f"{check.onset} to the start."
    )


UNSEEN_FACTOR = 2.5
"""Alarm rate after the start, in multiples of the nominal rate, below which the detector does not see the fault.

Measured on the Braatz files (faults 1-15, alpha 0.01, ``gwangyang factory tep``): PCA k = 3 (holdout 0.3,
nominal 0.020) gives faults 3, 9 and 15 0.0037, 0.0063 and 0.0163 (0.19, 0.31, 0.81 times nominal), the least
detected other fault 5 at 0.249 (12 times); DPCA k = 3: 0.0025, 0.0013, 0.0213 (at most 1.07 times) against
fault 5's 0.250; KPCA k = 3: 0, 0.0025, 0.0125 against fault 5's 0.235; PCA k = 1 with analytic limits (nominal 0.093, the rate on ``d00_te``): 0.116, 0.106 and 0.168
(1.25, 1.15, 1.81 times) against fault 5's 0.373 (4.0 times). A binomial tail, as before the start, calls fault
15's 0.168 of 800 rows significant (P = 2e-11): alarms come in runs, so the tail is too thin to judge a rate."""


@dataclass(frozen=True)
class AfterStartAlarms:
    """The rows in alarm from the assumed fault start on, of one test run, against the nominal rate."""

    count: int
    samples: int
    nominal: float
    first: int | None
    """Samples from the start to the first row in alarm (0: the start's own row); None when none is."""

    @property
    def rate(self) -> float:
        """Share of the rows from the start on that are in alarm (0 when there are none)."""
        return self.count / self.samples if self.samples else 0.0

    @property
    def unseen(self) -> bool:
        """Whether the rate stays below :data:`UNSEEN_FACTOR` times the nominal false-alarm rate."""
        return self.rate < UNSEEN_FACTOR * self.nominal


def after_start_alarms(alarm: np.ndarray, start: int, alpha: float, normal_rate: float) -> AfterStartAlarms:
    """Count the rows in alarm from ``start`` on and find the first, in samples after the start.

    Parameters
    ----------
    alarm
        One boolean per row of the test run (the detector's alarm).
    start
        Index of the first faulty row the evaluation assumes.
    alpha
        False-alarm rate of each of the two control limits (T², Q).
    normal_rate
        The alarm rate measured on the normal test run (``d00_te``).

    Returns
    -------
    AfterStartAlarms
        ``nominal`` is :func:`nominal_alarm_rate`; ``first`` the samples from the start to the first alarm.
    """
    after = np.asarray(alarm[start:], dtype=bool)
    rows = np.flatnonzero(after)
    nominal = nominal_alarm_rate(alpha, normal_rate)
    return AfterStartAlarms(int(after.sum()), int(after.size), nominal, int(rows[0]) if rows.size else None)


def unseen_note(file: str, start: int, check: AfterStartAlarms) -> str | None:
    """The report's note when the detector does not see the run's fault (None when it does)."""
    if not check.unseen:
        return None
    return (
        f"{file}: {check.count} of the {check.samples} samples from the fault start (sample {start}) on are in "
        f"alarm (rate {check.rate:.3f}, under {UNSEEN_FACTOR:g} times the nominal false-alarm rate "
        f"{check.nominal:.3f}): the detector does not see this fault (its alarm rate and delay are those of false "
        "alarms)."
    )
