"""After the assumed TEP fault start: the first alarm, in samples, and the faults the detector does not see.

The shared Braatz files (PCA, k = 3, alpha 0.01, holdout 0.3): faults 3, 9 and 15 are the ones the literature
calls undetectable by PCA (Chiang et al. 2000, Table 8.3: T² missed 0.998, 0.994 and 0.988), and they alone get the
note; fault 1 with 100 normal rows inserted at its head (the fault now enters at sample 260, not 160) has its first
alarm exactly 100 samples later than the unmodified file's, which its alarm delay gives independently.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from gwangyang.api import i18n
from gwangyang.factory.evaluate import TEPReport, evaluate_tep
from gwangyang.factory.tep_start import UNSEEN_FACTOR, after_start_alarms, unseen_note
from tests.factory.test_tep_start import TEP, shifted_folder


def test_first_alarm_and_rate_by_hand() -> None:
    alarm = np.zeros(300, dtype=bool)
    alarm[50:53] = True  # before the start (100): not counted
    alarm[[107, 108, 200]] = True
    check = after_start_alarms(alarm, 100, alpha=0.01, normal_rate=0.004)
    assert (check.count, check.samples, check.first, check.nominal) == (3, 200, 7, 0.02)
    assert check.rate == 0.015 and check.unseen  # 0.015 < 2.5 x 0.02
    assert unseen_note("d03_te.dat", 100, check) == (
        "d03_te.dat: 3 of the 200 samples from the fault start (sample 100) on are in alarm (rate 0.015, under 2.5 "
        "times the nominal false-alarm rate 0.020): the detector does not see this fault (its alarm rate and delay "
        "are those of false alarms)."
    )
    alarm[100:110] = True  # 10 + 1 of 200: 0.055, above 0.05
    seen = after_start_alarms(alarm, 100, 0.01, 0.004)
    assert (seen.count, seen.first, seen.unseen) == (11, 0, False)
    assert unseen_note("d03_te.dat", 100, seen) is None
    # the normal run's rate, where higher, is the level; no alarm at all: no first
    assert after_start_alarms(alarm, 100, 0.01, 0.03).unseen  # 0.055 < 0.075
    none = after_start_alarms(np.zeros(10, dtype=bool), 4, 0.01, 0.0)
    assert (none.first, none.rate, none.unseen) == (None, 0.0, True)
    assert UNSEEN_FACTOR == 2.5


@pytest.fixture(scope="module")
def shared() -> TEPReport:
    return evaluate_tep(TEP, "pca", alpha=0.01, k=3, faults=[1, 3, 9, 15], holdout=0.3)


def test_the_shared_faults_3_9_15_are_not_seen(shared: TEPReport) -> None:
    by_fault = {f.fault: f for f in shared.faults}
    assert [by_fault[f].seen for f in (1, 3, 9, 15)] == [True, False, False, False]
    nominal = max(0.02, shared.false_alarm_alarm)
    notes = [n for n in shared.notes if "does not see" in n]
    assert len(notes) == 3
    for fault, note in zip((3, 9, 15), notes, strict=True):
        report = by_fault[fault]
        count = round(report.alarm_rate * 800)  # 800 samples from 160 to the end of the 960
        assert report.alarm_rate < UNSEEN_FACTOR * nominal
        assert note.startswith(
            f"d{fault:02d}_te.dat.gz: {count} of the 800 samples from the fault start (sample 160) on are in "
            f"alarm (rate {count / 800:.3f}, under 2.5 times the nominal false-alarm rate {nominal:.3f})"
        )
        # the first alarm after the start is where the alarm delay (minutes, the start's row counted as 3) says
        if report.alarm_delay_min is None:
            assert report.first_alarm_after is None
        else:
            assert report.first_alarm_after == report.alarm_delay_min / 3 - 1
    assert by_fault[1].first_alarm_after == 4 and by_fault[1].alarm_delay_min == 15.0
    document = shared.to_dict()
    assert [(f["fault"], f["first_alarm_after"], f["seen"]) for f in document["faults"]] == [
        (1, 4, True),
        (3, by_fault[3].first_alarm_after, False),
        (9, by_fault[9].first_alarm_after, False),
        (15, by_fault[15].first_alarm_after, False),
    ]
    assert i18n.phrase(notes[0], "ko").endswith(
        "(비율 0.004, 명목 오경보율 0.020의 2.5배 미만): 검출기가 이 고장을 보지 못합니다(경보 비율과 지연은 오경보의 "
        "것입니다)."
    )


def late_folder(folder: Path, fault: int, extra: int) -> Path:
    """The shared d00 files and ``dNN_te.dat`` with its own first ``extra`` (normal) rows inserted at its head."""
    folder.mkdir()
    for name in ("d00.dat.gz", "d00_te.dat.gz"):
        (folder / name).write_bytes((TEP / name).read_bytes())
    with gzip.open(TEP / f"d{fault:02d}_te.dat.gz", "rt") as handle:
        lines = handle.read().splitlines(keepends=True)
    (folder / f"d{fault:02d}_te.dat").write_text("".join(lines[:extra] + lines))
    return folder


def test_a_fault_that_starts_later_shows_as_a_later_first_alarm(shared: TEPReport, tmp_path: Path) -> None:
    original = next(f for f in shared.faults if f.fault == 1)
    assert original.first_alarm_after is not None
    (late,) = evaluate_tep(late_folder(tmp_path / "late", 1, 100), "pca", alpha=0.01, k=3, holdout=0.3).faults
    # the fault enters at 260: its first alarm 100 samples later than the unmodified file's, no alarm before
    assert late.first_alarm_after == original.first_alarm_after + 100 == 104
    assert late.pre_start_alarm_rate == 0.0 and late.seen
    assert original.alarm_delay_min is not None and late.alarm_delay_min == original.alarm_delay_min + 300
    # the start told right (260) gives the unmodified file's figures back
    (told,) = evaluate_tep(tmp_path / "late", "pca", alpha=0.01, k=3, holdout=0.3, fault_start=260).faults
    assert (told.first_alarm_after, told.alarm_rate) == (original.first_alarm_after, original.alarm_rate)
    # and a file cut at its head (the fault enters earlier) alarms from the start's own row
    (cut,) = evaluate_tep(shifted_folder(tmp_path / "cut", 1, 40), "pca", alpha=0.01, k=3, holdout=0.3).faults
    assert cut.first_alarm_after == 0
