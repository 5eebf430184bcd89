"""Maccor exports as customers' machines write them: the raw text export (``.052``) and the CSV export
with a required column left out, in cp949 with Korean in a column and the metadata, the wall clock in other
forms (milliseconds, ISO, Korean 오전/오후), durations with decimal commas. Each reads to the original's
per-cycle figures and wall clock, or is refused naming the file and the column. The variants every vendor's
export gets (columns moved, BOM, decimal commas, cut, appended, ...) are in ``test_variants_common.py``."""

from __future__ import annotations

from pathlib import Path

import pytest

from gwangyang.battery.io import read_cycler
from gwangyang.errors import InputError

from .variant_layouts import MACCOR_CSV, MACCOR_TEXT, VendorCase, case_fixture
from .variants import (
    CYCLERS,
    TextExport,
    assert_same_cycles,
    assert_same_dates,
    kinds,
    korean_clock,
    restamp,
    warned,
    write,
)

LAYOUTS = {"text": MACCOR_TEXT, "csv": MACCOR_CSV}
CLOCKS = {"text": ("DPt Time", "%m/%d/%Y %H:%M:%S"), "csv": ("DPT Time", "%d-%b-%y %I:%M:%S %p")}
"""Each layout's date column and the form it is written in."""
CURRENT = {"text": "Amps", "csv": "Current"}

case = case_fixture(LAYOUTS)


def test_a_required_column_left_out_is_refused(tmp_path: Path, case: VendorCase) -> None:
    kind, layout, _, export = case
    current = CURRENT[kind]
    path = layout.write(tmp_path, "no_current", export.copy().drop(current).render())
    with pytest.raises(
        InputError, match=rf"{path.name}: no column '{current}'( or '[^']+')* \(for current_a\)"
    ) as info:
        read_cycler(path)
    assert "\n" not in str(info.value)


def test_cp949(tmp_path: Path, case: VendorCase) -> None:
    _, layout, original, export = case
    variant = export.copy().add_column("메모", lambda i: "정상")
    variant.pre[0] += " 시험"  # Korean in the metadata line's last field
    data = read_cycler(layout.write(tmp_path, "korean", variant.render(), "cp949"))
    assert_same_cycles(original, data)
    assert "'메모'" in warned(data, "unknown_column")
    assert any("시험" in str(value) for value in data.extra.values())


@pytest.mark.parametrize(
    "form",
    ["%m/%d/%Y %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%m/%d/%Y %I:%M:%S %p", "korean"],
)
def test_wall_clock_in_other_forms(tmp_path: Path, case: VendorCase, form: str) -> None:
    kind, layout, original, export = case
    column, source_form = CLOCKS[kind]
    write_as = korean_clock if form == "korean" else (lambda m: m.strftime(form))
    variant = export.copy().map_column(column, restamp(source_form, write_as))
    data = read_cycler(layout.write(tmp_path, "clock", variant.render(), "cp949"))
    assert_same_cycles(original, data)
    assert_same_dates(original, data)
    assert data.start_time == original.start_time
    assert kinds(data) == []


def test_durations_with_decimal_commas(tmp_path: Path) -> None:
    source = (
        CYCLERS / "maccor" / "maccor_test_file_4267-66-6519.041"
    )  # TestTime written as "0d 00:00:01.0000"
    original = read_cycler(source)
    export = TextExport.parse(source.read_text(encoding="latin-1"), 1, "\t").decimal_comma("\t")
    assert export.rows[1][3].strip() == "0d 00:00:01,0000"
    data = read_cycler(write(tmp_path, "comma.041", export.render()))
    assert_same_cycles(original, data)
    assert (data.timeseries["test_time_s"] == original.timeseries["test_time_s"]).all()


def _grouped(value: str) -> str:
    """A number of 1,000 or more with its thousands grouped by commas, as Windows' digit grouping writes it."""
    try:
        number = float(value)
    except ValueError:
        return value
    decimals = len(value.split(".")[1]) if "." in value else 0
    return f"{number:,.{decimals}f}" if abs(number) >= 1000 else value


def test_thousands_grouped_by_commas(tmp_path: Path) -> None:
    # cellpy's maccor_txt reads a Maccor export "thousands = ','": 769,268.2500 is 769268.25 s
    original, export = MACCOR_TEXT.read(tmp_path)
    variant = export.copy()
    for column in ("Rec#", "Test (Sec)", "Step (Sec)"):
        variant.map_column(column, _grouped)
    assert "769,268.2500" in {row[3] for row in variant.rows}
    data = read_cycler(MACCOR_TEXT.write(tmp_path, "grouped", variant.render()))
    assert_same_cycles(original, data)
    assert (data.timeseries["test_time_s"] == original.timeseries["test_time_s"]).all()
    assert kinds(data) == kinds(original)
