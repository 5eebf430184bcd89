"""BioLogic EC-Lab text exports as customers' machines write them: the ``.mpt`` without header and the ``;``
CSV in cp949 (no micro sign), absolute times in other forms. Each reads to the original's per-cycle figures,
or is warned about naming the file and the column. The variants every vendor's export gets (columns moved,
BOM, decimal commas, cut, appended, ...) are in ``test_variants_common.py``."""

from __future__ import annotations

from pathlib import Path

import pytest

from gwangyang.battery.io import read_cycler

from .variant_layouts import BIOLOGIC_CSV, BIOLOGIC_MPT, BIOLOGIC_SHORT, VendorCase, case_fixture
from .variants import TextExport, assert_same_cycles, korean_clock, restamp, warned, write

LAYOUTS = {"mpt": BIOLOGIC_MPT, "csv": BIOLOGIC_CSV}

case = case_fixture(LAYOUTS)


def test_cp949(tmp_path: Path, case: VendorCase) -> None:
    _, layout, original, export = case
    # before EC-Lab's empty last name (its header ends with a tab, its rows do not): rows one field short
    # of the header would put the remark under the empty name, and are refused as shifted
    at = len(export.header) - 1 if export.header[-1] == "" else None
    variant = export.copy().add_column("메모", lambda i: "정상", at)
    variant.header = [n.replace("µ", "u") for n in variant.header]  # cp949 has no micro sign
    data = read_cycler(layout.write(tmp_path, "korean", variant.render(), "cp949"))
    assert_same_cycles(original, data)
    assert "'메모'" in warned(data, "unknown_column")
    assert ("temperature_c" in data.timeseries.columns) == ("temperature_c" in original.timeseries.columns)


@pytest.mark.parametrize("form", ["%d/%m/%Y %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S.%f", "korean"])
def test_absolute_times_in_other_forms(tmp_path: Path, form: str) -> None:
    export = TextExport.parse(BIOLOGIC_CSV.path.read_text(encoding="utf-8"), 0, ";")
    export.rows = export.rows[:BIOLOGIC_SHORT]
    export.header = [n.replace("µ", "u") for n in export.header]
    original = read_cycler(write(tmp_path, "base.csv", export.render()))
    write_as = (
        (lambda m: korean_clock(m) + f".{m.microsecond // 1000:03d}")
        if form == "korean"
        else (lambda m: m.strftime(form))
    )
    variant = export.copy().map_column("time/s", restamp("%m/%d/%Y %H:%M:%S.%f", write_as))
    data = read_cycler(write(tmp_path, "dates.csv", variant.render(), "cp949"))
    assert_same_cycles(original, data)
    assert (data.timeseries["date_time"] == original.timeseries["date_time"]).all()
