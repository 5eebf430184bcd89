"""Basytec and Novonix text exports as customers' machines write them: cp949 (Korean in the preamble and a
column) and other date forms (Novonix). Each reads to the original's per-cycle figures, start time and
metadata. The variants every vendor's export gets (columns moved, BOM, decimal commas, cut, appended, ...)
are in ``test_variants_common.py``."""

from __future__ import annotations

from pathlib import Path

import pytest

from gwangyang.battery.io import read_cycler

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
