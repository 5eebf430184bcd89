"""Maccor raw text and CSV exports.

Expected numbers come from the files themselves (Maccor's own Amp-hr at the end of each step, line
numbers given), from TRI-AMDD/beep's tests (beep/structure/tests/test_cyclerpaths.py: row counts and
channels; beep/tests/test_structure.py ``test_determine_paused``: a 7201 s pause) and from PyProBE's
tests (tests/cyclers/test_maccor.py: the CSV's last row).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gwangyang.battery.cycles import summarize_cycles
from gwangyang.battery.io import detect, read_cycler
from gwangyang.battery.io.maccor import correct_clock, parse_metadata_line

TZ = "maccor/PredictionDiagnostics_000109_tztest.010"
TEST = "maccor/PredictionDiagnostics_000151_test.052"
PAUSED = "maccor/PredictionDiagnostics_000151_paused.052"
EIS = "maccor/maccor_test_file_4267-66-6519.041"
CSV = "maccor/sample_data_maccor.csv"
BEEP_PAUSE_S = 7201.0  # beep test_determine_paused: max pause in the paused file


def _summary(path: Path) -> pd.DataFrame:
    return summarize_cycles(read_cycler(path).timeseries).set_index("cycle_index")


@pytest.mark.parametrize("name", [TZ, TEST, PAUSED, EIS, CSV])
def test_detected_as_maccor(cyclers: Path, name: str) -> None:
    assert detect(cyclers / name).name == "maccor"


def test_timezone_file(cyclers: Path) -> None:
    data = read_cycler(cyclers / TZ)
    ts = data.timeseries
    assert data.rows == 2165  # beep: raw_data.shape == (2165, 44)
    assert data.channel == "10"  # beep: channel_id == 10
    assert sorted(ts["cycle_index"].unique()) == [86, 87, 88, 89]
    summary = _summary(cyclers / TZ)
    # Amp-hr at the end of cycle 87's charge steps 61 (line 613) and 63 (line 675), and of discharge step 65 (line 981)
    assert summary.loc[87, "charge_capacity_ah"] == pytest.approx(1.4519901141 + 1.1313078698, rel=5e-3)
    assert summary.loc[87, "discharge_capacity_ah"] == pytest.approx(1.8394546648, rel=5e-3)
    assert summary.loc[87, "discharge_energy_wh"] == pytest.approx(6.3723566451, rel=5e-3)
    # cycle 88: steps 61 (line 1226) + 63 (line 1288); discharge step 65 (line 1586)
    assert summary.loc[88, "charge_capacity_ah"] == pytest.approx(1.4519901592 + 0.9696387789, rel=5e-3)
    assert summary.loc[88, "discharge_capacity_ah"] == pytest.approx(1.7460848834, rel=5e-3)
    # discharge rows carry negative current (state D), charge rows positive (state C)
    assert (ts.loc[ts["discharge_capacity_ah"].diff() > 0, "current_a"] < 0).all()
    # the DST change of 2019-11-03 (01:59:57 then 01:00:04 on lines 352-353) is removed from date_time
    assert data.extra["clock_changes"] == [{"at": "2019-11-03T01:00:04.000000000", "shift_s": -3600.0}]
    assert np.all(np.diff(ts["test_time_s"].to_numpy()) >= 0)
    assert np.all(np.diff(ts["date_time"].to_numpy()) >= np.timedelta64(0))
    assert ts["date_time"].iloc[351] == pd.Timestamp("2019-11-03 02:00:04")
    assert data.extra["pauses"] == []


def test_midnight_stamp_without_time(cyclers: Path) -> None:
    data = read_cycler(cyclers / TEST)
    assert data.rows == 333  # beep: raw_data.shape == (333, 44)
    assert data.channel == "52"
    # line 4 of the file reads "10/22/2019" with no time (beep's correct_timestamp case): midnight
    assert (data.timeseries["date_time"] == pd.Timestamp("2019-10-22 00:00:00")).sum() > 0
    # Amp-hr at the end of discharge step 44 (line 335)
    assert _summary(cyclers / TEST).loc[37, "discharge_capacity_ah"] == pytest.approx(0.0236349063, rel=5e-3)


def test_paused_file(cyclers: Path) -> None:
    data = read_cycler(cyclers / PAUSED)
    assert data.rows == 332  # the test file less record 249835
    (pause,) = data.extra["pauses"]
    assert pause["duration_s"] == pytest.approx(BEEP_PAUSE_S, rel=5e-3)
    time = data.timeseries["test_time_s"].to_numpy()
    # Maccor's own test time spans 769267.24 .. 769270.57 s (lines 3 and 334); the pause is added
    assert time[-1] - time[0] == pytest.approx(3.33 + BEEP_PAUSE_S, abs=0.05)
    assert np.all(np.diff(time) >= 0)
    assert _summary(cyclers / PAUSED).loc[37, "discharge_capacity_ah"] == pytest.approx(
        0.0236349063, rel=5e-3
    )


def test_eis_file_with_duration_times(cyclers: Path) -> None:
    data = read_cycler(cyclers / EIS)
    ts = data.timeseries
    assert data.rows == 74  # 76 lines less the metadata and header lines
    assert ts["cycle_index"].unique().tolist() == [0]
    # "  0d 00:00:10.0000" on line 13 is ten seconds
    assert ts["test_time_s"].iloc[10] == pytest.approx(10.0)
    assert data.extra["procedure"] == "EIS 1.000FRA default"
    # Maccor's test clock stands at 10 s through the impedance sweep, whose stamps run from 15:58:03 (line 14)
    # to 16:03:24 (line 76): 321 s, added to test time (to within the stamps' 1 s resolution)
    (sweep,) = data.extra["pauses"]
    assert sweep["duration_s"] == pytest.approx(321.0, abs=6.0)
    assert ts["test_time_s"].iloc[-1] == pytest.approx(10.0 + 321.0, abs=6.0)
    assert data.start_time == pd.Timestamp("2016-11-02 15:57:53")


def _ended(cyclers: Path, tmp_path: Path) -> Path:
    """The CSV sample with the line break it lacks at its end (PyProBE reads its last row whole)."""
    ended = tmp_path / "sample_data_maccor.csv"
    ended.write_bytes((cyclers / CSV).read_bytes() + b"\n")
    return ended


def test_csv_export(cyclers: Path, tmp_path: Path) -> None:
    data = read_cycler(_ended(cyclers, tmp_path))
    ts = data.timeseries
    assert data.rows == 15
    last = ts.iloc[-1]
    # PyProBE test_read_and_process_maccor: last row
    assert last["test_time_s"] == pytest.approx(13.06)
    assert last["current_a"] == pytest.approx(28.798)
    assert last["voltage_v"] == pytest.approx(3.716)
    assert last["temperature_c"] == pytest.approx(22.2591)
    assert last["date_time"] == pd.Timestamp("2023-11-23 15:56:24")
    # the file's Capacity on record 15 is 0.024 Ah; so is 28.8 A over the 3 s of step 2
    assert last["charge_capacity_ah"] == pytest.approx(0.024, rel=5e-3)
    assert last["charge_capacity_ah"] == pytest.approx(28.798 * 3.0 / 3600, rel=5e-3)


def test_csv_export_without_final_line_break(cyclers: Path, tmp_path: Path) -> None:
    # as shipped, record 15 (line 18) has no line break after it; its last field, 22.2591, has the form of
    # every row above: read whole. Cut to 22.259 (one digit fewer), that row may be cut and is dropped
    raw = (cyclers / CSV).read_bytes()
    assert raw.endswith(b",22.2591")
    data = read_cycler(cyclers / CSV)
    assert data.rows == 15 and "truncated_file" not in [w["kind"] for w in data.warnings]
    cut = tmp_path / "맥코어.csv"
    cut.write_bytes(raw[:-1])
    data = read_cycler(cut)
    assert data.rows == 14 and data.timeseries["test_time_s"].iloc[-1] == pytest.approx(12.06)
    (warned,) = [w["detail"] for w in data.warnings if w["kind"] == "truncated_file"]
    assert "looks truncated" in warned and "line 18" in warned


def test_forced_vendor_reads_both_exports(cyclers: Path) -> None:
    assert read_cycler(cyclers / CSV, vendor="maccor").rows == 15
    assert read_cycler(cyclers / TEST, vendor="maccor").rows == 333


def test_metadata_line() -> None:
    line = "Today's Date 03/07/2018  Date of Test:\t11/02/2016\t Filename:\tC:\\x.041 Procedure: EIS\tComment/Barcode: AB"
    fields = parse_metadata_line(line)
    assert fields["date_of_test"] == "11/02/2016"
    assert fields["procedure"] == "EIS"
    assert fields["comment_barcode"] == "AB"


def test_clock_pause_and_spring_forward() -> None:
    # 2021-03-14 was the US spring-forward Sunday: 01:59:30 -> 03:00:00 is a clock change, not a pause;
    # a 600 s jump on a Tuesday is a pause
    wall = pd.to_datetime(
        [
            "2021-03-14 01:59:00",
            "2021-03-14 01:59:30",
            "2021-03-14 03:00:00",
            "2021-03-16 10:00:00",
            "2021-03-16 10:10:30",
        ]
    ).to_numpy()
    seconds = (wall - wall[0]) / np.timedelta64(1, "s")
    test = np.array([0.0, 30.0, 60.0, seconds[3] - 3600.0, seconds[3] - 3600.0 + 30.0])
    time, corrected, pauses, changes = correct_clock(test, wall)
    assert [c["shift_s"] for c in changes] == [3600.0]
    assert [round(p["duration_s"]) for p in pauses] == [600]
    assert time[-1] == pytest.approx(test[-1] + 600.0)
    assert corrected[2] == np.datetime64("2021-03-14T02:00:00")
