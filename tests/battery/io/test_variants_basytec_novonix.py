"""Basytec and Novonix text exports as customers' machines write them: cp949 (Korean in the preamble and a
column) and other date forms (Novonix). Each reads to the original's per-cycle figures, start time and
metadata. The variants every vendor's export gets (columns moved, BOM, decimal commas, cut, appended, ...)
are in ``test_variants_common.py``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gwangyang.battery.io import read_cycler
from gwangyang.errors import CorruptFileError

from .variant_layouts import BASYTEC, NOVONIX, VendorCase, case_fixture
from .variants import (
    TextExport,
    assert_same_cycles,
    assert_same_dates,
    kinds,
    korean_clock,
    restamp,
    warned,
    write,
)

LAYOUTS = {"basytec": BASYTEC, "novonix": NOVONIX}

case = case_fixture(LAYOUTS)


def _korean(export: TextExport) -> TextExport:
    """The export as a Korean Windows machine writes it: a degree sign cp949 has, Korean metadata."""
    variant = export.copy().add_column("메모", lambda i: "정상")
    variant.header = [name.replace("\ufffd", "°") for name in variant.header]
    variant.pre = [
        line.replace("~Battery: cell", "~Battery: 셀 1").replace("Cell: Test_Form", "Cell: 셀 Test_Form")
        for line in variant.pre
    ]
    return variant


def test_cp949(tmp_path: Path, case: VendorCase) -> None:
    _, layout, original, export = case
    data = read_cycler(layout.write(tmp_path, "korean", _korean(export).render(), "cp949"))
    assert_same_cycles(original, data)
    assert_same_dates(original, data)
    assert "'메모'" in warned(data, "unknown_column")
    assert data.timeseries["temperature_c"].notna().all()
    assert data.extra.get("battery", data.extra.get("cell", "")).startswith("셀")


@pytest.mark.parametrize("form", ["%Y-%m-%d %H:%M:%S", "korean"])
def test_novonix_dates_in_other_forms(tmp_path: Path, form: str) -> None:
    original = read_cycler(NOVONIX.path)
    export = TextExport.parse(NOVONIX.path.read_text(encoding="utf-8"), 57, ",", quoted=True)
    write_as = korean_clock if form == "korean" else (lambda m: m.strftime(form))
    change = restamp("%Y-%m-%d %I:%M:%S %p", write_as)
    export.map_column("Date and Time", change)
    export.pre = [
        change(line[9:]).join(("Started: ", "")) if line.startswith("Started: ") else line
        for line in export.pre
    ]
    data = read_cycler(write(tmp_path, "dates.csv", export.render(), "cp949"))
    assert_same_cycles(original, data)
    assert_same_dates(original, data)
    assert data.start_time == original.start_time and kinds(data) == []


@pytest.mark.parametrize(("current", "voltage"), [("mA", "V"), ("µA", "mV"), ("uA", "V"), ("A", "mV")])
def test_basytec_current_and_voltage_in_other_units(tmp_path: Path, current: str, voltage: str) -> None:
    # PyProBE reads I[*] and U[*] whatever the unit: the values written in it read back to amps and volts
    original, export = BASYTEC.read(tmp_path)
    factor = {"A": 1.0, "mA": 1e3, "µA": 1e6, "uA": 1e6, "V": 1.0, "mV": 1e3}
    variant = export.copy()
    variant.map_column("I[A]", lambda v: repr(float(v) * factor[current]))
    variant.map_column("U[V]", lambda v: repr(float(v) * factor[voltage]))
    variant.rename({"I[A]": f"I[{current}]", "U[V]": f"U[{voltage}]"})
    data = read_cycler(BASYTEC.write(tmp_path, "units", variant.render()))
    assert kinds(data) == kinds(original)
    assert_same_cycles(original, data)
    for column in ("current_a", "voltage_v"):
        np.testing.assert_allclose(data.timeseries[column], original.timeseries[column], rtol=1e-12)


def test_basytec_current_in_a_unit_not_known_is_refused(tmp_path: Path) -> None:
    _, export = BASYTEC.read(tmp_path)
    path = BASYTEC.write(tmp_path, "crate", export.copy().rename({"I[A]": "I[C]"}).render())
    with pytest.raises(CorruptFileError) as caught:
        read_cycler(path)
    assert "\n" not in str(caught.value) and "'I[C]'" in str(caught.value) and str(path) in str(caught.value)
