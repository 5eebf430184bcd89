"""A Braatz-layout TEP folder that is not the shipped one: other sizes, another fault start, faults past 15.

The folders are generated: normal rows from a latent-factor model; the normal test run and each fault run
hold rows equal to the training mean (T² = Q = 0, never beyond a limit) except one block of rows shifted
by 50 standard deviations (beyond every limit). So every rate and delay is known by hand: a block of
``width`` rows starting ``offset`` rows after the fault start gives a rate of ``width / (n_test - start)``,
a book delay (first of 6 consecutive violations) of ``(offset + 1) × 3`` min and, with ``k = 3``, an
alarm rate of ``(width - 2) / (n_test - start)`` and an alarm delay of ``(offset + 3) × 3`` min.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gwangyang.cli.main import main
from gwangyang.errors import InputError
from gwangyang.factory.evaluate import evaluate_tep
from gwangyang.factory.io import scan_tep_folder
from gwangyang.factory.tep_book import CHIANG_2000_PCA_T2_MISSED

VARIABLES = 52


def write(path: Path, values: np.ndarray) -> None:
    text = "\n".join("  ".join(f"{v:.10e}" for v in row) for row in values) + "\n"
    if path.name.endswith(".gz"):
        with gzip.open(path, "wt") as handle:
            handle.write(text)
    else:
        path.write_text(text)


def make_folder(
    folder: Path,
    n_train: int,
    n_test: int,
    start: int,
    offset: int,
    width: int,
    faults: dict[str, int],
    seed: int = 0,
) -> None:
    """Write d00.dat (transposed, as Braatz stores it), d00_te.dat.gz and the fault files named in ``faults``.

    ``faults`` maps a file name to the fault number's shift sign (+1 or -1); a ``dNN.dat`` name is a training
    file (random normal rows).
    """
    rng = np.random.default_rng(seed)
    loadings = rng.normal(size=(5, VARIABLES))
    train = rng.normal(size=(n_train, 5)) @ loadings + 0.3 * rng.normal(size=(n_train, VARIABLES))
    train += np.linspace(1.0, 100.0, VARIABLES)
    folder.mkdir(parents=True, exist_ok=True)
    write(folder / "d00.dat", train.T)
    mean, sd = train.mean(axis=0), train.std(axis=0)
    write(folder / "d00_te.dat.gz", np.tile(mean, (n_test, 1)))
    for name, sign in faults.items():
        if "_te" not in name:
            write(folder / name, train[: max(2, n_train // 2)])
            continue
        run = np.tile(mean, (n_test, 1))
        run[start + offset : start + offset + width] += sign * 50 * sd
        write(folder / name, run)


def test_every_fault_in_the_folder_is_scored_and_strays_are_named(tmp_path: Path) -> None:
    folder = tmp_path / "테네시_이스트만"
    n_test, start, offset, width = 400, 100, 10, 50
    make_folder(
        folder,
        300,
        n_test,
        start,
        offset,
        width,
        {
            "d01_te.dat.gz": 1,
            "d16_te.dat": -1,
            "d21_te.dat.gz": 1,
            "d22_te.dat": 1,
            "d23.dat": 1,
            "d1_te.dat": 1,
        },
    )
    scan = scan_tep_folder(folder)
    assert scan.faults == [1, 16, 21, 22]
    assert any("d23.dat" in n and "without its test file" in n for n in scan.notes)
    assert any("d1_te.dat" in n and "not a Braatz file name" in n for n in scan.notes)

    report = evaluate_tep(folder, "pca", alpha=0.01, k=3, fault_start=start, holdout=0.3)
    assert [f.fault for f in report.faults] == [1, 16, 21, 22]
    assert report.false_alarm_t2 == 0.0 and report.false_alarm_q == 0.0
    faulty = n_test - start
    for fault in report.faults:
        assert fault.t2_rate == pytest.approx(width / faulty)
        assert fault.q_rate == pytest.approx(width / faulty)
        assert fault.alarm_rate == pytest.approx((width - 2) / faulty)
        assert fault.t2_delay_min == fault.q_delay_min == (offset + 1) * 3.0
        assert fault.alarm_delay_min == (offset + 3) * 3.0
    document = report.to_dict()
    by_number = {f["fault"]: f for f in document["faults"]}
    assert by_number[1]["chiang2000_pca_t2_rate"] == round(1 - CHIANG_2000_PCA_T2_MISSED[1], 3)
    for number in (16, 21, 22):
        assert by_number[number]["chiang2000_pca_t2_rate"] is None
        assert by_number[number]["chiang2000_pca_q_delay_min"] is None
    assert "1-15 only" in by_number[16]["book_note"] and "1-21" in by_number[22]["book_note"]
    assert document["fault_start"] == start
    assert any("fault 22" in n for n in document["notes"])


def test_cli_shows_a_dash_where_the_book_has_no_figure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "tep"
    make_folder(folder, 200, 300, 60, 0, 30, {"d02_te.dat": 1, "d17_te.dat.gz": 1, "d30.dat": 1})
    assert main(["factory", "tep", str(folder), "--fault-start", "60", "--holdout", "0"]) == 0
    err = capsys.readouterr().err
    rows = {line.split()[0]: line for line in err.splitlines() if line.strip()[:2].strip().isdigit()}
    assert "—" in rows["17"] and "—" not in rows["2"]
    assert "d30.dat: training file without its test file" in " ".join(err.split())
    # --faults takes any number the folder holds, and names the file it lacks
    assert main(["factory", "tep", str(folder), "--faults", "17", "--fault-start", "60"]) == 0
    capsys.readouterr()
    assert main(["factory", "tep", str(folder), "--faults", "18", "--fault-start", "60"]) == 2
    assert "d18_te.dat" in capsys.readouterr().err


def test_fault_start_beyond_the_test_run_is_refused(tmp_path: Path) -> None:
    make_folder(tmp_path, 200, 150, 100, 0, 10, {"d03_te.dat": 1})
    with pytest.raises(InputError, match=r"d03_te\.dat has 150 samples; the fault starts at sample 160"):
        evaluate_tep(tmp_path, "pca")


@settings(max_examples=6, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(
    n_train=st.integers(120, 520),
    n_test=st.integers(80, 1000),
    start_share=st.floats(0.05, 0.8),
    offset=st.integers(0, 20),
    width=st.integers(6, 40),
    fault=st.integers(1, 40),
)
def test_rates_and_delays_by_hand_for_any_size(
    tmp_path_factory: pytest.TempPathFactory,
    n_train: int,
    n_test: int,
    start_share: float,
    offset: int,
    width: int,
    fault: int,
) -> None:
    start = max(1, int(start_share * n_test))
    width = min(width, n_test - start - offset)
    if width < 6:
        return
    folder = tmp_path_factory.mktemp("tep")
    make_folder(folder, n_train, n_test, start, offset, width, {f"d{fault:02d}_te.dat": -1})
    (report_fault,) = evaluate_tep(folder, "pca", k=3, fault_start=start, holdout=0.0).faults
    faulty = n_test - start
    assert report_fault.fault == fault
    assert report_fault.t2_rate == pytest.approx(width / faulty)
    assert report_fault.alarm_rate == pytest.approx((width - 2) / faulty)
    assert report_fault.t2_delay_min == (offset + 1) * 3.0
    assert report_fault.alarm_delay_min == (offset + 3) * 3.0
