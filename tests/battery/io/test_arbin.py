"""Arbin readers: CSV (+ _Metadata.csv), DataPro .xlsx (navani, CALCE) and .res (MS Access) on the real fixtures.

Every expected number names where it comes from: the file's own columns or vendor tables (read
here with pandas / mdb-export / calamine, not with our reader), BEEP's or navani's tests.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gwangyang.battery.cycles import summarize_cycles
from gwangyang.battery.io import detect, read_cycler
from gwangyang.battery.io.arbin import canonical_table, within_cycle
from gwangyang.battery.io.arbin_csv import ArbinCsvReader
from gwangyang.battery.io.arbin_res import ArbinResReader
from gwangyang.battery.io.arbin_xlsx import ArbinXlsxReader
from gwangyang.battery.schema import CyclerData
from gwangyang.errors import CorruptFileError, InputError

ARBIN = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "battery" / "cyclers" / "arbin"
CALCE = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "battery" / "calce" / "CS2_35"
CH33 = ARBIN / "2017-05-09_test-TC-contact_CH33.csv"
CH8 = ARBIN / "FastCharge_000025_CH8.csv"
RES = ARBIN / "arbin_example.res"
NAVANI = ARBIN / "bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx"
needs_mdbtools = pytest.mark.skipif(shutil.which("mdb-export") is None, reason="mdbtools not installed")


def close(value: float, expected: float, rel: float = 0.005) -> bool:
    return bool(abs(value - expected) <= rel * abs(expected))


def summary(data: CyclerData) -> pd.DataFrame:
    return summarize_cycles(data.timeseries).set_index("cycle_index")


# --- CSV -------------------------------------------------------------------------------------------


def test_csv_tc_contact_with_metadata() -> None:
    data = read_cycler(CH33)
    assert data.vendor == "arbin"
    # 288 lines in the file (wc -l) less the header row
    assert data.rows == 287
    # the file's Cycle_Index column is empty on every row: one cycle
    assert data.cycles == 1
    cycle = summary(data).iloc[0]
    # the file's own Charge_Capacity column ends at 0.6082700490951538 Ah (cumulative over the test,
    # which is this single cycle); Charge_Energy ends at 2.115586519241333 Wh
    assert close(cycle["charge_capacity_ah"], 0.6082700490951538)
    assert close(cycle["charge_energy_wh"], 2.115586519241333)
    # Temperature column max 27.60917854309082 C; Internal_Resistance is 0 throughout = not measured
    assert close(cycle["max_temperature_c"], 27.60917854309082)
    assert data.timeseries["internal_resistance_ohm"].isna().all()
    # _Metadata.csv: IV_Ch_ID 32 (channel 33, as the file name says), First_Start_DateTime 1494377253,
    # Item_ID EL150800460659, Schedule_File_Name 20170509-6C_1C_36CV.sdu
    assert data.channel == "33"
    assert data.start_time == pd.Timestamp(1494377253, unit="s", tz="UTC")
    assert data.extra["barcode"] == "EL150800460659"
    assert data.extra["schedule"] == "20170509-6C_1C_36CV.sdu"
    # DateTime is unix time: the first row is 1494377253.17 s
    assert data.timeseries["date_time"].iloc[0] == pd.Timestamp("2017-05-10 00:47:33.170")


def test_csv_fast_charge_rest_only() -> None:
    data = read_cycler(CH8)
    # 249 lines less the header
    assert data.rows == 248
    # BEEP's SimpleValidator test on this file: "cycle_index needs to reach at least 1 ..., instead
    # found:value=0.0": a single cycle 0 (a rest; the file's Current column is 0 everywhere)
    assert data.cycles == 1
    assert data.timeseries["cycle_index"].iloc[0] == 0
    assert summary(data)["charge_capacity_ah"].iloc[0] == 0.0
    # lower-case _Metadata.csv: iv_ch_id 7 (CH8), item_id EL150800453116, first_start_datetime 1494645214
    assert data.channel == "8"
    assert data.extra["barcode"] == "EL150800453116"
    assert data.start_time == pd.Timestamp(1494645214, unit="s", tz="UTC")


def test_csv_missing_required_column(tmp_path: Path) -> None:
    frame = pd.read_csv(CH8).drop(columns=["Voltage"])
    bad = tmp_path / "no_voltage.csv"
    frame.to_csv(bad, index=False)
    assert detect(bad).name == "arbin"
    with pytest.raises(CorruptFileError) as info:
        read_cycler(bad)
    message = str(info.value)
    assert str(bad) in message and "Voltage" in message and "\n" not in message


# --- DataPro .xlsx ------------------------------------------------------------------------------


def test_xlsx_navani_example() -> None:
    data = read_cycler(NAVANI)
    # navani's test_xlsx_reader_and_dqdv: df.shape == (4526, ...)
    assert data.rows == 4526
    # the Channel_11_1 sheet's Cycle_Index is 1 on every row
    assert data.cycles == 1
    ours = summary(data)
    # the sheet's own columns end at Charge_Capacity 0.005702702794224024 Ah and Discharge_Capacity
    # 0.0110548976808786 Ah; navani's test asserts cycle-summary means of 2.85135 mAh and 5.52742 mAh,
    # exactly half of these (navani splits this test into two summary rows)
    assert close(ours["charge_capacity_ah"].loc[1], 0.005702702794224024)
    assert close(ours["discharge_capacity_ah"].loc[1], 0.0110548976808786)
    assert close(ours["charge_capacity_ah"].loc[1] * 1000 / 2, 2.85135)
    # Global_Info sheet: channel 11, start 2020-10-19 11:33:31, schedule Ben\bs542_graphite_slow_rate.sdu
    assert data.channel == "11"
    assert data.start_time == pd.Timestamp("2020-10-19 11:33:31")
    assert data.extra["schedule"] == "Ben\\bs542_graphite_slow_rate.sdu"


def test_xlsx_calce_statistics_sheet() -> None:
    data = read_cycler(CALCE / "CS2_35_10_29_10.xlsx")
    # Channel_1-008 has 16335 rows (header + 16334), Cycle_Index 1..50; Statistics_1-008 has 50 rows
    assert data.rows == 16334
    assert data.cycles == 50
    ours = summary(data)
    # Statistics_1-008 (the vendor's per-cycle sheet) gives test-cumulative counters at each cycle's end:
    # cycle 1 Charge 0.971345763613173 / Discharge 0.976536613839718 Ah, cycle 2 Discharge
    # 1.951855740556913, cycle 49 Discharge 47.82544462156678, cycle 50 Discharge 48.78913178108062 Ah
    assert close(ours["charge_capacity_ah"].loc[1], 0.971345763613173)
    assert close(ours["discharge_capacity_ah"].loc[1], 0.976536613839718)
    assert close(ours["discharge_capacity_ah"].loc[2], 1.951855740556913 - 0.976536613839718)
    assert close(ours["discharge_capacity_ah"].loc[50], 48.78913178108062 - 47.82544462156678)
    assert close(ours["discharge_capacity_ah"].sum(), 48.78913178108062)
    # the same vendor sheet, kept as vendor_cycles, agrees on every cycle and every counter
    vendor = data.vendor_cycles
    assert vendor is not None and len(vendor) == 50
    vendor = vendor.set_index("cycle_index")
    for column in ("charge_capacity_ah", "discharge_capacity_ah", "charge_energy_wh", "discharge_energy_wh"):
        ratio = ours.loc[vendor.index, column] / vendor[column]
        assert np.all(np.abs(ratio - 1) < 0.005), column
    # Info sheet: channel 1-008, Start_DateTime 2010-10-22 13:23:25, schedule CS2_1C.sdu
    assert data.channel == "1-008"
    assert data.start_time == pd.Timestamp("2010-10-22 13:23:25")
    assert data.extra["schedule"] == "CS2_1C.sdu"


def test_xlsx_calce_without_statistics() -> None:
    data = read_cycler(CALCE / "CS2_35_10_15_10.xlsx")
    assert data.vendor_cycles is None
    # Channel_1-008: 17139 data rows, Cycle_Index 1..50; its test-cumulative Discharge_Capacity ends at
    # 50.935903077542285 Ah and Charge_Capacity at 50.996669410567264 Ah, the sums of all cycles
    assert data.rows == 17139
    assert data.cycles == 50
    ours = summary(data)
    assert close(ours["discharge_capacity_ah"].sum(), 50.935903077542285)
    assert close(ours["charge_capacity_ah"].sum(), 50.996669410567264)
    # Internal_Resistance is recorded here (about 0.09 Ohm, the CALCE CS2 cells' DC resistance)
    assert ours["internal_resistance_ohm"].between(0.05, 0.15).all()


# --- .res ---------------------------------------------------------------------------------------------


@needs_mdbtools
def test_res_example() -> None:
    data = read_cycler(RES)
    # Channel_Normal_Table: 2150 rows (mdb-export), Data_Point 1..2150, Cycle_Index 1..5
    assert data.rows == 2150
    assert data.cycles == 5
    ours = summary(data)
    # per-cycle max of the table's own Charge_Capacity / Discharge_Capacity (this .res restarts them
    # every cycle): cycle 1 0.0004835149408 / 0.0004751558594 Ah, cycle 4 0.0004760282476 / 0.0004737043862
    assert close(ours["charge_capacity_ah"].loc[1], 0.0004835149408)
    assert close(ours["discharge_capacity_ah"].loc[1], 0.0004751558594)
    assert close(ours["charge_capacity_ah"].loc[4], 0.0004760282476)
    assert close(ours["discharge_capacity_ah"].loc[4], 0.0004737043862)
    # Resume_Table's test counters: TC_CCapacity1 0.001912478267995099 Ah, TC_DCapacity1
    # 0.001897215078687445 Ah, the totals over the test
    assert close(ours["charge_capacity_ah"].sum(), 0.001912478267995099)
    assert close(ours["discharge_capacity_ah"].sum(), 0.001897215078687445)
    # Channel_Statistic_Table: four cycle ends (Data_Point 972, 1364, 1756, 2148) with the vendor's
    # Charge_Time 20125.58, 19844.26, 19820.66, 19814.42 s; the time our rows spend charging agrees
    # within 1 % (the first cycle differs by about one 120 s logging interval)
    vendor = data.vendor_cycles
    assert vendor is not None
    assert vendor["cycle_index"].tolist() == [1, 2, 3, 4]
    ts = data.timeseries
    step = np.diff(ts["test_time_s"].to_numpy(), append=np.nan)
    charging = pd.Series(np.where(ts["current_a"] > 0, step, 0.0)).groupby(ts["cycle_index"]).sum()
    for cycle, expected in zip(
        [1, 2, 3, 4],
        [20125.57562829911, 19844.26417733752, 19820.66179208101, 19814.42170592445],
        strict=True,
    ):
        assert close(vendor.set_index("cycle_index")["charge_time_s"].loc[cycle], expected, 1e-9)
        assert close(charging.loc[cycle], expected, 0.01)
    # Global_Table: Channel_Number 40, Start_DateTime 45131.78472222222 (OLE days) = 2023-07-24 18:50,
    # Test_Name ajm314_LCO_ajm5-SSB1-F_Wait48hr-Repeat-01-012
    assert data.channel == "40"
    assert data.start_time is not None
    assert abs(data.start_time - pd.Timestamp("2023-07-24 18:50:00")) < pd.Timedelta(seconds=1)
    assert data.extra["test_name"] == "ajm314_LCO_ajm5-SSB1-F_Wait48hr-Repeat-01-012"


def test_res_without_mdbtools(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    with pytest.raises(InputError) as info:
        ArbinResReader().read(RES)
    message = str(info.value)
    assert str(RES) in message and "mdbtools" in message and "\n" not in message


# --- detection --------------------------------------------------------------------------------------

FIXTURES = [CH33, CH8, NAVANI, RES]


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_detect_fixture(path: Path) -> None:
    assert detect(path).name == "arbin"


@pytest.mark.parametrize("path", [CH33, NAVANI, RES], ids=lambda p: p.name)
def test_detect_by_content_not_name(path: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "renamed.dat"
    shutil.copy(path, renamed)
    assert detect(renamed).name == "arbin"


def test_detect_calce_files() -> None:
    files = sorted(CALCE.glob("*.xlsx"))
    assert len(files) == 25
    assert all(isinstance(detect(f), ArbinXlsxReader) for f in files)


def test_metadata_companion_is_not_a_test() -> None:
    # the companion's header has no Test_Time / Current columns
    companion = ARBIN / "FastCharge_000025_CH8_Metadata.csv"
    assert not ArbinCsvReader().can_load(companion, companion.read_bytes())


# --- bad input --------------------------------------------------------------------------------------


def _one_line_error(path: Path, kind: type[Exception] = CorruptFileError) -> str:
    with pytest.raises(kind) as info:
        read_cycler(path)
    message = str(info.value)
    assert str(path) in message and "\n" not in message
    return message


@pytest.mark.parametrize("source", [RES, NAVANI], ids=lambda p: p.suffix)
@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9])
def test_truncated_binary(source: Path, fraction: float, tmp_path: Path) -> None:
    if source.suffix == ".res" and shutil.which("mdb-export") is None:
        pytest.skip("mdbtools not installed")
    blob = source.read_bytes()
    bad = tmp_path / f"truncated{source.suffix}"
    bad.write_bytes(blob[: int(len(blob) * fraction)])
    _one_line_error(bad)


@pytest.mark.parametrize("suffix", [".res", ".xlsx"])
def test_random_bytes_with_arbin_names(suffix: str, tmp_path: Path) -> None:
    bad = tmp_path / f"random{suffix}"
    bad.write_bytes(np.random.default_rng(7).integers(0, 256, 20000, dtype=np.uint8).tobytes())
    _one_line_error(bad)


def test_random_bytes_named_csv(tmp_path: Path) -> None:
    # .csv is no Arbin-only name: binary garbage there is an unknown format (an InputError), one line
    bad = tmp_path / "random.csv"
    bad.write_bytes(np.random.default_rng(7).integers(0, 256, 20000, dtype=np.uint8).tobytes())
    _one_line_error(bad, InputError)


def test_empty_arbin_csv_body(tmp_path: Path) -> None:
    bad = tmp_path / "header_only.csv"
    bad.write_text(CH33.read_text().splitlines()[0] + "\n")
    _one_line_error(bad)


# --- counters ----------------------------------------------------------------------------------------


def test_within_cycle_test_cumulative_and_restarting_counters() -> None:
    cycles = np.array([1, 1, 1, 2, 2, 2, 3, 3])
    # a counter over the whole test: each cycle counts from the previous cycle's last value, so the
    # 0.5 Ah gathered before cycle 2's first logged row stays in cycle 2
    test_wide = np.array([0.0, 1.0, 2.0, 2.5, 3.0, 4.0, 4.0, 5.0])
    assert within_cycle(test_wide, cycles).tolist() == [0.0, 1.0, 2.0, 0.5, 1.0, 2.0, 0.0, 1.0]
    # the same cycles from a counter that restarts every cycle (.res of newer Arbin software)
    restarting = np.array([0.0, 1.0, 2.0, 0.5, 1.0, 2.0, 0.0, 1.0])
    assert within_cycle(restarting, cycles).tolist() == [0.0, 1.0, 2.0, 0.5, 1.0, 2.0, 0.0, 1.0]


# --- fuzz ---------------------------------------------------------------------------------------------

_SLICE = b"".join(CH33.read_bytes().splitlines(keepends=True)[:25])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=st.lists(
        st.tuples(
            st.integers(0, len(_SLICE) - 1), st.integers(0, 255), st.sampled_from(["set", "insert", "delete"])
        ),
        min_size=1,
        max_size=12,
    )
)
def test_fuzz_csv_reader(edits: list[tuple[int, int, str]]) -> None:
    blob = bytearray(_SLICE)
    for position, value, how in edits:
        position = min(position, len(blob) - 1) if blob else 0
        if how == "set" and blob:
            blob[position] = value
        elif how == "insert":
            blob.insert(position, value)
        elif blob:
            del blob[position]
    handle, name = tempfile.mkstemp(suffix=".csv")
    os.close(handle)
    path = Path(name)
    try:
        path.write_bytes(bytes(blob))
        try:
            data = ArbinCsvReader().read(path)
        except InputError as exc:
            assert "\n" not in str(exc)
        else:
            assert isinstance(data, CyclerData) and data.rows > 0
    finally:
        path.unlink()


def test_cycle_count_restart_carries_on(tmp_path: Path) -> None:
    # a channel whose Cycle_Index starts again at 1 (a second test in one export) keeps counting up
    columns = {
        "Test_Time(s)": [0.0, 1.0, 2.0, 3.0, 4.0],
        "Cycle_Index": [1, 1, 2, 1, 1],
        "Current(A)": [0.1, 0.1, -0.1, 0.1, 0.1],
        "Voltage(V)": [3.5, 3.6, 3.4, 3.5, 3.6],
    }
    table = canonical_table(columns, tmp_path / "x.xlsx")
    assert table["cycle_index"].tolist() == [1, 1, 2, 3, 3]
