"""Tennessee Eastman evaluation: false-alarm rate, detection rate and detection delay per fault.

Beside each fault, the book's figures (:mod:`gwangyang.factory.tep_book`). Conventions, as in the book: a statistic's *detection rate* is the share of the 800 faulty samples
(index 160 onwards of ``dNN_te.dat``; in general, from the ``fault_start`` given to :func:`evaluate_tep`) beyond its limit; its *detection delay* is the time from the
fault's introduction (8 h, the end of sample 160) to the first violation that starts a run of
:data:`~gwangyang.factory.tep_book.BOOK_DELAY_RUN` consecutive violations, so a violation at the first faulty sample counts as
3 minutes. The alarm delay is the time to the first row in alarm (the ``k``-th consecutive violation).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from ..written import as_written
from .fitting import fit_table
from .io import (
    TEP_FAULT_START,
    TEP_SAMPLE_MINUTES,
    TEP_TIME_COLUMN,
    read_tep,
    read_tep_case,
    scan_tep_folder,
    tep_case_path,
)
from .tep_book import (
    BOOK_DELAY_RUN,
    CHIANG_2000_PCA_Q_DELAY_MIN,
    CHIANG_2000_PCA_Q_MISSED,
    CHIANG_2000_PCA_T2_DELAY_MIN,
    CHIANG_2000_PCA_T2_MISSED,
    book_note,
)
from .tep_start import after_start_alarms, pre_start_alarms, pre_start_warning, unseen_note


@dataclass
class FaultReport:
    """Detection on one TEP test file: per statistic and for the ``k``-consecutive alarm.

    Rates are shares of the faulty samples; delays are minutes after the fault's introduction (None:
    never detected), per statistic by the book's rule (:data:`BOOK_DELAY_RUN` consecutive
    violations), for the alarm to its first row. ``pre_start_alarm_rate`` is the share of the rows before the
    fault start that are in alarm (false alarms if the start is right; :mod:`.tep_start`). ``first_alarm_after``:
    samples from the fault start to the first row in alarm (0: the start's own row; None: none), which grows by
    as many samples as the fault enters later than assumed. ``seen``: whether the alarm rate after the start is
    above the false-alarm level (:data:`.tep_start.UNSEEN_FACTOR` times the nominal rate).
    """

    fault: int
    t2_rate: float
    q_rate: float
    alarm_rate: float
    t2_delay_min: float | None
    q_delay_min: float | None
    alarm_delay_min: float | None
    pre_start_alarm_rate: float = 0.0
    first_alarm_after: int | None = None
    seen: bool = True

    @property
    def published(self) -> bool:
        """Whether this project holds the book's figures for the fault (faults 1-15)."""
        return self.fault in CHIANG_2000_PCA_T2_MISSED

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict, with the published PCA figures beside ours (None, and ``book_note``, where none)."""
        if self.published:
            published: dict[str, Any] = {
                "chiang2000_pca_t2_rate": round(1.0 - CHIANG_2000_PCA_T2_MISSED[self.fault], 3),
                "chiang2000_pca_q_rate": round(1.0 - CHIANG_2000_PCA_Q_MISSED[self.fault], 3),
                "chiang2000_pca_t2_delay_min": CHIANG_2000_PCA_T2_DELAY_MIN[self.fault],
                "chiang2000_pca_q_delay_min": CHIANG_2000_PCA_Q_DELAY_MIN[self.fault],
            }
        else:
            published = dict.fromkeys(
                (
                    "chiang2000_pca_t2_rate",
                    "chiang2000_pca_q_rate",
                    "chiang2000_pca_t2_delay_min",
                    "chiang2000_pca_q_delay_min",
                )
            )
            published["book_note"] = book_note(self.fault)
        return {**vars(self), **published}


@dataclass
class TEPReport:
    """One method evaluated on the Braatz TEP files."""

    method: str
    params: dict[str, Any]
    k: int
    n_components: int
    false_alarm_t2: float
    false_alarm_q: float
    false_alarm_alarm: float
    faults: list[FaultReport] = field(default_factory=list)
    fault_start: int = TEP_FAULT_START
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "method": self.method,
            "params": self.params,
            "k": self.k,
            "n_components": self.n_components,
            "false_alarm": {
                "t2": self.false_alarm_t2,
                "q": self.false_alarm_q,
                "alarm": self.false_alarm_alarm,
            },
            "fault_start": self.fault_start,
            "faults": [f.to_dict() for f in self.faults],
            "notes": list(self.notes),
            "warnings": list(self.warnings),
        }


def detection_delay(flags: Sequence[bool] | np.ndarray, start: int, run: int = 1) -> float | None:
    """Minutes from the fault's introduction to the first of ``run`` consecutive flags (None if never).

    Parameters
    ----------
    flags
        One boolean per sample (violation or alarm).
    start
        Index of the first faulty sample; it is taken one sampling interval after the fault's introduction.
    run
        Consecutive flags that confirm a detection; the delay is to the first of them.

    Returns
    -------
    float or None
        ``(i - start + 1) × 3`` minutes for the first confirmed flag at index ``i``.
    """
    after = np.asarray(flags[start:], dtype=bool)
    count = 0
    for i, flag in enumerate(after):
        count = count + 1 if flag else 0
        if count >= run:
            return float((i - run + 2) * TEP_SAMPLE_MINUTES)
    return None


def evaluate_tep(
    folder: str | Path,
    method: str = "pca",
    alpha: float = 0.01,
    k: int = 3,
    faults: list[int] | None = None,
    fault_start: int = TEP_FAULT_START,
    **params: Any,
) -> TEPReport:
    """Fit on ``d00.dat``; score ``d00_te.dat`` (false alarms) and each ``dNN_te.dat`` (detection from ``fault_start``).

    Rates per statistic count single samples beyond the limit, as Chiang et al. do; the alarm rate
    counts samples in alarm (``k`` consecutive violations). Delays follow the book (see the module
    docstring).

    Parameters
    ----------
    folder
        Folder of the Braatz files (``d00.dat[.gz]``, ``d00_te.dat[.gz]``, ``dNN_te.dat[.gz]``).
    method
        ``pca``, ``dpca`` or ``kpca``.
    alpha
        False-alarm rate of each control limit.
    k
        Consecutive violations that raise an alarm.
    faults
        Faults to score (default: every ``dNN_te.dat[.gz]`` in the folder, ``NN >= 1``; ``[]``: false alarms
        only). Files the folder holds but that are not scored (a training file without its test file, a
        name that is not ``dNN[_te].dat``) are listed in the report's ``notes``, as are faults with no
        published figure.
    fault_start
        Index of the first faulty sample of each test file (the Braatz files: 160, the fault enters after
        8 h); each test file must hold more samples than that. A test file whose samples before it are in
        alarm far more often than the nominal false-alarm rate (:mod:`.tep_start`) gets a warning in the
        report's ``warnings``: the data say the fault started earlier.
    **params
        Passed to :func:`~.fitting.fit_table` (``holdout``, ``n_components``, ``lags``, ``width``...).

    Returns
    -------
    TEPReport
        False-alarm rates on ``d00_te`` and one :class:`FaultReport` per fault.
    """
    scan = scan_tep_folder(folder)
    if isinstance(fault_start, bool) or not isinstance(fault_start, int) or fault_start < 1:
        raise InputError(
            f"fault_start: expected a whole number of samples >= 1, got {as_written(fault_start)}."
        )
    chosen = list(scan.faults) if faults is None else [int(f) for f in faults]
    if any(f < 1 for f in chosen):
        raise InputError(f"faults: expected fault numbers >= 1, got {chosen}.")
    fitted = fit_table(read_tep_case(folder, 0, test=False), TEP_TIME_COLUMN, method, alpha, k=k, **params)
    monitor = fitted.monitor
    est = monitor.estimator

    def score(fault: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        table = read_tep(files[fault])
        if fault and len(table) <= fault_start:
            raise InputError(
                f"{folder}: {files[fault].name} has {len(table)} samples; the fault starts at sample "
                f"{fault_start} (set the fault start to fit the files)."
            )
        result = monitor.score_table(table)
        with np.errstate(invalid="ignore"):
            return result.t2 > est.t2_limit_, result.q > est.q_limit_, np.asarray(result.alarm, dtype=bool)

    files = {fault: tep_case_path(folder, fault, test=True) for fault in [0, *chosen]}
    t2, q, alarm = score(0)
    report = TEPReport(
        method,
        est.get_params(),
        k,
        int(est.n_components_),
        float(t2.mean()),
        float(q.mean()),
        float(alarm.mean()),
        fault_start=fault_start,
        notes=list(scan.notes),
    )
    s = fault_start
    for fault in chosen:
        t2, q, alarm = score(fault)
        before = pre_start_alarms(alarm, s, alpha, report.false_alarm_alarm)
        warning = pre_start_warning(files[fault].name, s, before)
        if warning is not None:
            report.warnings.append(warning)
        after = after_start_alarms(alarm, s, alpha, report.false_alarm_alarm)
        report.faults.append(
            FaultReport(
                fault,
                float(t2[s:].mean()),
                float(q[s:].mean()),
                float(alarm[s:].mean()),
                detection_delay(t2, s, BOOK_DELAY_RUN),
                detection_delay(q, s, BOOK_DELAY_RUN),
                detection_delay(alarm, s),
                before.rate,
                after.first,
                not after.unseen,
            )
        )
        unseen = unseen_note(files[fault].name, s, after)
        if unseen is not None:
            report.notes.append(unseen)
        note = book_note(fault)
        if note is not None:
            report.notes.append(note)
    return report
