"""A TEP test run whose data contradict the assumed fault start: rows in alarm before it, far above nominal.

The counts and tails are checked by hand (the binomial tail summed from ``math.comb``); the shared Braatz files
cut at their head (the fault then enters ``N`` samples before sample 160) get a warning whose numbers follow
from the unmodified file's own alarm delay, and the unmodified files get none (``test_tep.py``).
"""

from __future__ import annotations

import gzip
import math
import shutil
from pathlib import Path

import numpy as np
import pytest

from gwangyang.api import i18n
from gwangyang.cli.main import main
from gwangyang.factory.evaluate import evaluate_tep
from gwangyang.factory.tep_start import PRE_START_P, pre_start_alarms, pre_start_warning
from tests.conftest import SHARED
from tests.factory.test_tep_folder import make_folder

TEP = SHARED / "factory" / "tep"


def binomial_tail(count: int, n: int, p: float) -> float:
    return sum(math.comb(n, j) * p**j * (1 - p) ** (n - j) for j in range(count, n + 1))


def test_counts_tail_and_onset_by_hand() -> None:
    alarm = np.zeros(200, dtype=bool)
    alarm[[10, 11, 50]] = True
    alarm[92:100] = True  # a run of 8 reaching the start (index 100)
    alarm[100:] = True  # after the start: not counted
    check = pre_start_alarms(alarm, 100, alpha=0.01, normal_rate=0.005)
    assert (check.count, check.samples, check.onset) == (11, 100, 92)
    assert check.nominal == 0.02  # 2 alpha is above the measured normal rate
    assert check.rate == 0.11
    assert check.p_value == pytest.approx(binomial_tail(11, 100, 0.02), rel=1e-9)
    assert check.contradicts  # about 2e-7
    # the measured normal rate wins when it is higher; then 11 of 100 is no surprise
    loud = pre_start_alarms(alarm, 100, alpha=0.01, normal_rate=0.09)
    assert loud.nominal == 0.09 and not loud.contradicts
    assert loud.p_value == pytest.approx(binomial_tail(11, 100, 0.09), rel=1e-9)
    assert pre_start_warning("d01_te.dat", 100, loud) is None
    # the row before the start quiet: no onset; none in alarm: tail 1
    alarm[99] = False
    assert pre_start_alarms(alarm, 100, 0.01, 0.0).onset is None
    quiet = pre_start_alarms(np.zeros(50, dtype=bool), 30, 0.01, 0.0)
    assert (quiet.count, quiet.p_value, quiet.rate) == (0, 1.0, 0.0)


def test_the_threshold_sits_between_the_tails() -> None:
    # at alpha 0.01 (nominal 0.02) 12 of 160 has a tail of 1.03e-04 (allowed), 13 of 160 2.3e-05 (warned)
    alarm = np.zeros(160, dtype=bool)
    alarm[:12] = True
    assert not pre_start_alarms(alarm, 160, 0.01, 0.0).contradicts
    alarm[:13] = True
    check = pre_start_alarms(alarm, 160, 0.01, 0.0)
    assert (
        check.p_value == pytest.approx(binomial_tail(13, 160, 0.02), rel=1e-9) and check.p_value < PRE_START_P
    )


def test_a_generated_run_with_its_fault_before_the_start(tmp_path: Path) -> None:
    # A block of 14 rows 50 sd off, ending 6 rows before the assumed start (100): with k = 3, 12 rows in alarm
    # (the block's first two are violations not yet in alarm); d00_te is all mean, so the nominal rate is 2 alpha.
    n_test, start = 300, 100
    make_folder(tmp_path, 250, n_test, start, -20, 14, {"d04_te.dat.gz": 1})
    report = evaluate_tep(tmp_path, "pca", alpha=0.01, k=3, fault_start=start, holdout=0.0)
    (fault,) = report.faults
    assert fault.pre_start_alarm_rate == 12 / start
    (warning,) = report.warnings
    tail = binomial_tail(12, 100, 0.02)
    assert warning == (
        f"d04_te.dat.gz: 12 of the 100 samples before the fault start (sample 100) are in alarm (rate 0.120, "
        f"nominal false-alarm rate 0.020, P = {tail:.1e}); the fault probably started earlier."
    )
    assert report.to_dict()["warnings"] == [warning]
    # the right start (80) gives none
    assert evaluate_tep(tmp_path, "pca", alpha=0.01, k=3, fault_start=80, holdout=0.0).warnings == []


def shifted_folder(folder: Path, fault: int, drop: int) -> Path:
    """The shared d00 files and ``dNN_te.dat`` without its first ``drop`` rows (the fault now enters at 160 - drop)."""
    folder.mkdir()
    for name in ("d00.dat.gz", "d00_te.dat.gz"):
        shutil.copy(TEP / name, folder / name)
    with gzip.open(TEP / f"d{fault:02d}_te.dat.gz", "rt") as handle:
        lines = handle.read().splitlines(keepends=True)
    (folder / f"d{fault:02d}_te.dat").write_text("".join(lines[drop:]))
    return folder


def test_shared_fault_1_cut_at_its_head_is_flagged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    drop = 40
    (original,) = evaluate_tep(TEP, "pca", alpha=0.01, k=3, faults=[1], holdout=0.3).faults
    assert original.pre_start_alarm_rate == 0.0
    # the unmodified run's first alarm, from its delay (the first faulty sample, 160, counts as 3 min): 164
    assert original.alarm_delay_min is not None
    first = 160 + int(original.alarm_delay_min / 3) - 1
    assert first == 164
    folder = shifted_folder(tmp_path / "cut", 1, drop)
    report = evaluate_tep(folder, "pca", alpha=0.01, k=3, faults=[1], holdout=0.3)
    # the cut run's rows 0..159 are the original's 40..199: in alarm from 164 - 40 = 124 on, 36 rows
    count, onset = 200 - first, first - drop
    assert (count, onset) == (36, 124)
    (warning,) = report.warnings
    nominal = max(0.02, report.false_alarm_alarm)
    assert nominal == 0.02
    assert warning == (
        f"d01_te.dat: {count} of the 160 samples before the fault start (sample 160) are in alarm (rate 0.225, "
        f"nominal false-alarm rate 0.020, P = {binomial_tail(count, 160, nominal):.1e}); the fault probably "
        f"started earlier: the alarms run without a break from sample {onset} to the start."
    )
    # Korean, the file and numbers kept
    assert i18n.phrase(warning, "ko") == (
        f"d01_te.dat: 고장 시작(샘플 160) 전 샘플 160개 중 36개가 경보 상태입니다(비율 0.225, 명목 오경보율 0.020, "
        f"P = {binomial_tail(count, 160, nominal):.1e}); 고장은 더 일찍 시작된 것으로 보입니다: 샘플 124부터 고장 "
        f"시작까지 경보가 끊김 없이 이어집니다."
    )
    # the CLI says it and still reports (exit 0); with the true start (120) it says nothing
    assert main(["factory", "tep", str(folder), "--faults", "1"]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert "warning: d01_te.dat: 36 of the 160 samples before the fault start (sample 160)" in err
    assert main(["factory", "tep", str(folder), "--faults", "1", "--fault-start", "120"]) == 0
    assert "warning" not in capsys.readouterr().err


def test_korean_lines_of_the_fault_start() -> None:
    assert i18n.phrase(
        "d07_te.dat: 3 of the 160 samples before the fault start (sample 160) are in alarm (rate "
        "0.019, nominal false-alarm rate 0.020, P = 3.8e-01); the fault probably started earlier.",
        "ko",
    ) == (
        "d07_te.dat: 고장 시작(샘플 160) 전 샘플 160개 중 3개가 경보 상태입니다(비율 0.019, 명목 오경보율 0.020, "
        "P = 3.8e-01); 고장은 더 일찍 시작된 것으로 보입니다."
    )
    assert (
        i18n.phrase(
            "테네시: d03_te.dat has 150 samples; the fault starts at sample 160 (set the fault start to fit the files).",
            "ko",
        )
        == "테네시: d03_te.dat의 샘플은 150개입니다; 고장은 샘플 160에서 시작합니다(파일에 맞게 고장 시작을 지정하세요)."
    )
