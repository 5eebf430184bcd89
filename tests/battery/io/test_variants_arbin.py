"""Arbin CSV exports as customers' machines write them: the BEEP FastCharge file rewritten with its
columns renamed (MITS Pro 8 names with units, milli-units), its metadata and dates in cp949, with Korean
or other date forms. Each reads to the original's per-cycle figures, or is warned about naming the file
and the column. The variants every vendor's export gets (columns moved, added or left out, BOM, a
European locale, cut, appended, a Korean file name) are in ``test_variants_common.py``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from gwangyang.battery.io import read_cycler
from gwangyang.battery.schema import CyclerData
from gwangyang.errors import CorruptFileError

from .variant_layouts import ARBIN_CSV
from .variants import CYCLERS, TextExport, assert_same_cycles, kinds, korean_clock, warned

SOURCE = ARBIN_CSV.path
METADATA = CYCLERS / "arbin" / "FastCharge_000025_CH8_Metadata.csv"


@pytest.fixture(scope="module")
def original() -> CyclerData:
    return read_cycler(SOURCE)


@pytest.fixture(scope="module")
def export() -> TextExport:
    return TextExport.parse(SOURCE.read_text(encoding="latin-1"), 0, ",")


def _stamp(write_as: Callable[[datetime], str]) -> Callable[[str], str]:
    """Rewrite Arbin's unix-seconds DateTime as text."""

    def change(value: str) -> str:
        return write_as(datetime.fromtimestamp(float(value), UTC).replace(tzinfo=None))

    return change


def test_mits_pro_names_with_units_and_milli_units(
    tmp_path: Path, original: CyclerData, export: TextExport
) -> None:
    names = {
        "Test_Time": "Test_Time(s)",
        "Step_Time": "Step_Time(s)",
        "DateTime": "Date_Time",
        "Current": "Current(mA)",
        "Voltage": "Voltage(V)",
        "Charge_Capacity": "Charge_Capacity(mAh)",
        "Discharge_Capacity": "Discharge_Capacity(mAh)",
        "Charge_Energy": "Charge_Energy(Wh)",
        "Discharge_Energy": "Discharge_Energy(Wh)",
        "Internal_Resistance": "Internal_Resistance(Ohm)",
        "Temperature": "Aux_Temperature_1(C)",
        "dV/dt": "dV/dt(V/s)",
    }
    variant = export.copy()
    for column in ("Current", "Charge_Capacity", "Discharge_Capacity"):
        variant.map_column(column, lambda v: repr(float(v) * 1000.0))
    data = read_cycler(ARBIN_CSV.write(tmp_path, "mitspro", variant.rename(names).render()))
    assert_same_cycles(original, data)
    np.testing.assert_allclose(data.timeseries["current_a"], original.timeseries["current_a"], rtol=1e-12)
    assert (
        kinds(data) == kinds(original) == ["end_time_mismatch"]
    )  # the shared companion ends before it starts


def test_mits8_names_with_spaces_and_micro_units(
    tmp_path: Path, original: CyclerData, export: TextExport
) -> None:
    # MITS Pro 8's "Test Time (s)", "Current (µA)", ... (cellpy's arbin_sql_csv names), micro units brought to A
    names = {
        "Test_Time": "Test Time (h)",
        "Current": "Current (µA)",
        "Voltage": "Voltage (mV)",
        "Charge_Capacity": "Charge Capacity (uAh)",
        "Discharge_Capacity": "Discharge Capacity (μAh)",
        "Charge_Energy": "Charge Energy (mWh)",
        "Discharge_Energy": "Discharge Energy (mWh)",
    }
    scale = {"Test_Time": 1 / 3600, "Current": 1e6, "Voltage": 1e3, "Charge_Capacity": 1e6}
    scale |= {"Discharge_Capacity": 1e6, "Charge_Energy": 1e3, "Discharge_Energy": 1e3}
    variant = export.copy()

    def scaled(factor: float) -> Callable[[str], str]:
        return lambda v: repr(float(v) * factor)

    for column, factor in scale.items():
        variant.map_column(column, scaled(factor))
    data = read_cycler(ARBIN_CSV.write(tmp_path, "mits8", variant.rename(names).render()))
    assert_same_cycles(original, data)
    for column in ("current_a", "voltage_v", "test_time_s"):
        np.testing.assert_allclose(data.timeseries[column], original.timeseries[column], rtol=1e-9)


@pytest.mark.parametrize(
    ("old", "new"),
    [("Current", "Current(C)"), ("Charge_Capacity", "Charge_Capacity(mAh/g)"), ("Voltage", "Voltage(kV)")],
)
def test_a_unit_not_known_is_refused_in_one_line(
    tmp_path: Path, export: TextExport, old: str, new: str
) -> None:
    # read with a factor of 1 (as before), a C-rate or per-gram column would pass for amps or amp-hours
    path = ARBIN_CSV.write(tmp_path, "unit", export.copy().rename({old: new}).render())
    with pytest.raises(CorruptFileError) as caught:
        read_cycler(path)
    message = str(caught.value)
    assert "\n" not in message and str(path) in message and repr(new) in message and "not known" in message


def test_korean_metadata_in_cp949(tmp_path: Path, original: CyclerData, export: TextExport) -> None:
    path = ARBIN_CSV.write(tmp_path, "meta", export.render())
    companion = tmp_path / "meta_Metadata.csv"
    text = METADATA.read_text(encoding="latin-1").replace("EL150800453116", "양극-셀-7")
    companion.write_bytes(text.encode("cp949"))
    data = read_cycler(path)
    assert_same_cycles(original, data)
    assert data.extra["barcode"] == "양극-셀-7"


def test_cp949_with_korean_dates_and_column(tmp_path: Path, original: CyclerData, export: TextExport) -> None:
    variant = export.copy().map_column("DateTime", _stamp(korean_clock)).rename({"DateTime": "Date_Time"})
    variant.add_column("비고", lambda i: "정상")
    data = read_cycler(ARBIN_CSV.write(tmp_path, "korean", variant.render(), "cp949"))
    assert_same_cycles(original, data)
    stamps = data.timeseries["date_time"].to_numpy(dtype="datetime64[s]")
    expected = original.timeseries["date_time"].to_numpy(dtype="datetime64[s]")
    np.testing.assert_array_equal(stamps, expected)
    assert "'비고'" in warned(data, "unknown_column")  # decoded, not mojibake


@pytest.mark.parametrize(
    "form",
    ["%m/%d/%Y %H:%M:%S.%f", "%m/%d/%Y %I:%M:%S %p", "%Y-%m-%dT%H:%M:%S.%f"],
)
def test_text_dates_in_other_forms(
    tmp_path: Path, original: CyclerData, export: TextExport, form: str
) -> None:
    variant = export.copy().map_column("DateTime", _stamp(lambda m: m.strftime(form)))
    data = read_cycler(ARBIN_CSV.write(tmp_path, "dates", variant.rename({"DateTime": "Date_Time"}).render()))
    assert_same_cycles(original, data)
    precision = "datetime64[ms]" if "%f" in form else "datetime64[s]"
    expected = original.timeseries["date_time"].to_numpy(dtype=precision)
    if "%f" not in form:
        expected = original.timeseries["date_time"].dt.floor("s").to_numpy(dtype=precision)
    np.testing.assert_array_equal(data.timeseries["date_time"].to_numpy(dtype=precision), expected)
    assert (
        kinds(data) == kinds(original) == ["end_time_mismatch"]
    )  # the shared companion ends before it starts


def test_dates_in_no_known_form_are_warned_about(
    tmp_path: Path, original: CyclerData, export: TextExport
) -> None:
    variant = export.copy().map_column("DateTime", lambda v: "day " + v[:4]).rename({"DateTime": "Date_Time"})
    data = read_cycler(ARBIN_CSV.write(tmp_path, "odd_dates", variant.render()))
    assert_same_cycles(original, data)
    detail = warned(data, "unknown_format")
    assert "'Date_Time'" in detail and "248 of 248" in detail
