"""Neware readers: binary .nda/.ndax (through NewareNDA) and the BTSDA three-level CSV export."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gwangyang.battery.io import detect, read_cycler
from gwangyang.battery.io.neware import NewareNdaReader
from gwangyang.battery.io.neware_bts import NewareBtsCsvReader
from gwangyang.battery.schema import CyclerData
from gwangyang.errors import CorruptFileError, InputError, UnknownFormatError

NEWARE = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "battery" / "cyclers" / "neware"
BTS_CSV = NEWARE / "nw_regular_export_ife_example.csv"

# be-smith/navani tests/test_echem.py::test_ndax asserts for this same file: 1464 rows, current max
# 0.12 mA, mean current -0.00276 mA, voltage max 4.3998 V.
NAVANI_NDAX_ROWS = 1464
NAVANI_NDAX_CURRENT_MAX_MA = 0.12
NAVANI_NDAX_CURRENT_MEAN_MA = -0.00276
NAVANI_NDAX_VOLTAGE_MAX_V = 4.3998
# test.ndax's own TestInfo.xml: StartTime 2024-02-01 20:24:23, EndTime 2024-02-02 08:34:23.
NDAX_START = pd.Timestamp("2024-02-01 20:24:23")
NDAX_DURATION_S = (pd.Timestamp("2024-02-02 08:34:23") - NDAX_START).total_seconds()


def _integrated(ts: pd.DataFrame) -> pd.DataFrame:
    """Charge and discharge per cycle from the current alone (right rectangles), in Ah."""
    rows = []
    for cycle, group in ts.groupby("cycle_index"):
        dt = np.diff(group["test_time_s"].to_numpy())
        current = group["current_a"].to_numpy()[1:]
        rows.append(
            (cycle, np.sum(np.maximum(current, 0) * dt) / 3600, np.sum(np.maximum(-current, 0) * dt) / 3600)
        )
    return pd.DataFrame(rows, columns=["cycle_index", "charge", "discharge"]).set_index("cycle_index")


def test_ndax_matches_navani_and_its_own_test_info() -> None:
    data = read_cycler(NEWARE / "test.ndax")
    ts = data.timeseries
    assert data.vendor == "neware"
    assert data.rows == NAVANI_NDAX_ROWS
    assert data.cycles == 1
    assert ts["current_a"].max() * 1000 == pytest.approx(NAVANI_NDAX_CURRENT_MAX_MA, rel=1e-3)
    assert ts["current_a"].mean() * 1000 == pytest.approx(NAVANI_NDAX_CURRENT_MEAN_MA, rel=5e-3)
    assert ts["voltage_v"].max() == pytest.approx(NAVANI_NDAX_VOLTAGE_MAX_V, abs=1e-4)
    assert data.start_time == NDAX_START
    assert ts["test_time_s"].iloc[-1] == pytest.approx(NDAX_DURATION_S)
    assert data.channel == "16-1-7"  # TestInfo.xml DevID 16, UnitID 1, ChlID 7


def test_ndax_capacity_equals_integrated_current() -> None:
    ts = read_cycler(NEWARE / "test.ndax").timeseries
    by_cycle = ts.groupby("cycle_index")[["charge_capacity_ah", "discharge_capacity_ah"]].max()
    integrated = _integrated(ts)
    # 0.593 mAh in, 0.625 mAh out (CCCV charge, CCCV discharge); the cycler's counters vs ∫I dt
    assert by_cycle.loc[1, "charge_capacity_ah"] == pytest.approx(0.5930e-3, rel=1e-3)
    assert by_cycle.loc[1, "charge_capacity_ah"] == pytest.approx(integrated.loc[1, "charge"], rel=5e-3)
    assert by_cycle.loc[1, "discharge_capacity_ah"] == pytest.approx(integrated.loc[1, "discharge"], rel=5e-3)


def test_nda_units_sign_time_and_capacity() -> None:
    data = read_cycler(NEWARE / "test.nda")
    ts = data.timeseries
    assert data.rows == 439
    assert data.cycles == 2
    # step times are stitched into a test time that matches the wall clock (11:16:50 to 11:28:52 = 722 s)
    assert np.all(np.diff(ts["test_time_s"]) >= 0)
    wall = (ts["date_time"].iloc[-1] - ts["date_time"].iloc[0]).total_seconds()
    assert ts["test_time_s"].iloc[-1] == pytest.approx(wall, abs=1.5)
    # NewareNDA gives mA and negative discharge current: discharge rows must be negative amps
    assert ts["current_a"].abs().max() < 1e-3
    integrated = _integrated(ts)
    by_cycle = ts.groupby("cycle_index")[["charge_capacity_ah", "discharge_capacity_ah"]].max()
    assert by_cycle.loc[2, "charge_capacity_ah"] == pytest.approx(integrated.loc[2, "charge"], rel=5e-3)
    assert by_cycle.loc[2, "discharge_capacity_ah"] == pytest.approx(integrated.loc[2, "discharge"], rel=5e-3)
    assert by_cycle.loc[1, "discharge_capacity_ah"] == pytest.approx(integrated.loc[1, "discharge"], rel=5e-3)


def test_bts_csv_records_and_cycle_level() -> None:
    data = read_cycler(BTS_CSV)
    ts = data.timeseries
    # the file's records are DataPoint 1..9295 over 20 cycle rows
    assert data.rows == 9295
    assert data.cycles == 20
    assert ts["test_time_s"].iloc[-1] == pytest.approx(27 * 3600 + 55 * 60 + 43)  # last Total Time 27:55:43
    assert data.start_time == pd.Timestamp("2026-03-06 12:37:25")
    vendor = data.vendor_cycles
    assert vendor is not None and len(vendor) == 20
    ours = ts.groupby("cycle_index")[
        ["charge_capacity_ah", "discharge_capacity_ah", "charge_energy_wh", "discharge_energy_wh"]
    ].max()
    theirs = vendor.set_index("cycle_index")
    # every cycle's capacities and energies equal the file's own cycle level (BTSDA rounds to 5 decimals)
    for column in ours.columns:
        np.testing.assert_allclose(ours[column], theirs[column], rtol=5e-3)
    # cycle 2 of the cycle level: Chg. Cap. 0.32780 Ah, DChg. Cap. 0.33172 Ah
    assert ours.loc[2, "charge_capacity_ah"] == pytest.approx(0.32780, rel=5e-3)
    assert ours.loc[2, "discharge_capacity_ah"] == pytest.approx(0.33172, rel=5e-3)
    assert ts["temperature_c"].between(20, 35).all()
    assert (
        ts.loc[ts["discharge_capacity_ah"].diff() > 0, "current_a"].le(0).all()
    )  # signed current: discharge < 0


@pytest.mark.parametrize(
    ("name", "kind"),
    [("test.nda", NewareNdaReader), ("test.ndax", NewareNdaReader), (BTS_CSV.name, NewareBtsCsvReader)],
)
def test_detection_by_content(name: str, kind: type, tmp_path: Path) -> None:
    assert isinstance(detect(NEWARE / name), kind)
    renamed = tmp_path / "renamed.dat"  # content, not the extension, decides
    shutil.copy(NEWARE / name, renamed)
    assert isinstance(detect(renamed), kind)
    assert read_cycler(renamed).rows == read_cycler(NEWARE / name).rows


@pytest.mark.parametrize(
    ("name", "sizes"), [("test.nda", (50, 2000, 60000, 100000)), ("test.ndax", (50, 20000, 39000))]
)
def test_truncated_binary_is_corrupt(name: str, sizes: tuple[int, ...], tmp_path: Path) -> None:
    raw = (NEWARE / name).read_bytes()
    for size in sizes:
        cut = tmp_path / f"cut{size}{Path(name).suffix}"
        cut.write_bytes(raw[:size])
        with pytest.raises(CorruptFileError) as info:
            read_cycler(cut, vendor="neware")
        message = str(info.value)
        assert str(cut) in message and "\n" not in message


@pytest.mark.parametrize("suffix", [".nda", ".ndax", ".csv"])
def test_random_bytes_and_empty(suffix: str, tmp_path: Path) -> None:
    junk = tmp_path / f"junk{suffix}"
    junk.write_bytes(np.random.default_rng(0).integers(0, 256, 5000, dtype=np.uint8).tobytes())
    with pytest.raises(UnknownFormatError, match="junk"):
        read_cycler(junk)
    with pytest.raises(CorruptFileError, match="junk"):
        NewareNdaReader().read(junk)
    with pytest.raises(CorruptFileError, match="junk"):
        NewareBtsCsvReader().read(junk)
    empty = tmp_path / f"empty{suffix}"
    empty.write_bytes(b"")
    with pytest.raises(CorruptFileError, match="empty"):
        read_cycler(empty)
    with pytest.raises(CorruptFileError, match="empty"):
        NewareNdaReader().read(empty)


def test_bts_csv_missing_column(tmp_path: Path) -> None:
    lines = BTS_CSV.read_text().splitlines()
    lines[2] = lines[2].replace("Current(A)", "Amps")
    broken = tmp_path / "no_current.csv"
    broken.write_text("\n".join(lines))
    with pytest.raises(CorruptFileError, match="no 'Current' column"):
        NewareBtsCsvReader().read(broken)


_BTS_LINES = BTS_CSV.read_bytes().splitlines(keepends=True)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    start=st.integers(0, 600),
    length=st.integers(0, 400),
    keep_header=st.booleans(),
    edits=st.lists(st.tuples(st.integers(0, 40000), st.binary(min_size=0, max_size=4)), max_size=6),
)
def test_fuzz_bts_csv(start: int, length: int, keep_header: bool, edits: list[tuple[int, bytes]]) -> None:
    body = b"".join(_BTS_LINES[3 + start : 3 + start + length])
    raw = bytearray((b"".join(_BTS_LINES[:3]) if keep_header else b"") + body)
    for position, patch in edits:
        at = min(position, len(raw))
        raw[at : at + len(patch)] = patch
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        path.write_bytes(bytes(raw))
        try:
            result = NewareBtsCsvReader().read(path)
        except InputError as exc:
            assert "\n" not in str(exc)
        else:
            assert isinstance(result, CyclerData) and result.rows > 0
