"""Basytec and Novonix text exports as customers' machines write them: columns moved, added or left
out, a BOM, cp949 (Korean in the preamble and a column), decimal commas (Basytec, a German
cycler), other date forms (Novonix), cut, appended to itself, under a Korean name. Each reads to the
original's per-cycle figures, start time and metadata, or is warned about / refused naming the
file and the column."""

from __future__ import annotations

from pathlib import Path

import pytest

from gwangyang.battery.io import read_cycler
from gwangyang.battery.schema import CyclerData
from gwangyang.errors import InputError

from .variants import (
    CYCLERS,
    TextExport,
    assert_appended,
    assert_cut,
    assert_same_cycles,
    assert_same_dates,
    kinds,
    korean_clock,
    restamp,
    warned,
    write,
)

BASYTEC = CYCLERS / "basytec" / "sample_data_basytec.txt"
NOVONIX = CYCLERS / "novonix" / "test_Nova_Form-CH01-01_short.csv"
# (file, header line, separator, quoted lines, optional column); the files are UTF-8 (Basytec's
# degree sign is already U+FFFD in it)
LAYOUTS = {
    "basytec": (BASYTEC, 12, "\t", False, "Wh-Cyc-Charge"),
    "novonix": (NOVONIX, 57, ",", True, "Energy (Wh)"),
}


@pytest.fixture(scope="module", params=sorted(LAYOUTS))
def case(request: pytest.FixtureRequest) -> tuple[str, CyclerData, TextExport]:
    path, header, sep, quoted, _ = LAYOUTS[request.param]
    text = path.read_text(encoding="utf-8")
    return request.param, read_cycler(path), TextExport.parse(text, header, sep, quoted)


def _name(kind: str, stem: str) -> str:
    return stem + LAYOUTS[kind][0].suffix


def _korean(export: TextExport) -> TextExport:
    """The export as a Korean Windows machine writes it: a degree sign cp949 has, Korean metadata."""
    variant = export.copy().add_column("메모", lambda i: "정상")
    variant.header = [name.replace("\ufffd", "°") for name in variant.header]
    variant.pre = [
        line.replace("~Battery: cell", "~Battery: 셀 1").replace("Cell: Test_Form", "Cell: 셀 Test_Form")
        for line in variant.pre
    ]
    return variant


def test_columns_in_another_order(tmp_path: Path, case: tuple[str, CyclerData, TextExport]) -> None:
    kind, original, export = case
    n = len(export.header)
    variant = export.copy().reorder([0, *range(n - 1, 0, -1)])  # the first column marks the header
    data = read_cycler(write(tmp_path, _name(kind, "moved"), variant.render()))
    assert_same_cycles(original, data)
    assert_same_dates(original, data)
    assert kinds(data) == []


def test_an_unknown_column_is_warned_about(tmp_path: Path, case: tuple[str, CyclerData, TextExport]) -> None:
    kind, original, export = case
    data = read_cycler(
        write(tmp_path, _name(kind, "extra"), export.copy().add_column("Aux", lambda i: "1").render())
    )
    assert_same_cycles(original, data)
    assert "'Aux'" in warned(data, "unknown_column")


def test_an_optional_column_left_out(tmp_path: Path, case: tuple[str, CyclerData, TextExport]) -> None:
    kind, original, export = case
    data = read_cycler(write(tmp_path, _name(kind, "fewer"), export.copy().drop(LAYOUTS[kind][4]).render()))
    assert_same_cycles(original, data, ("charge_capacity_ah", "discharge_capacity_ah"))
    assert kinds(data) == []


def test_bom(tmp_path: Path, case: tuple[str, CyclerData, TextExport]) -> None:
    kind, original, export = case
    data = read_cycler(write(tmp_path, _name(kind, "bom"), export.render(), "utf-8-sig"))
    assert_same_cycles(original, data)
    assert_same_dates(original, data)  # before: a BOM hid Basytec's preamble, and with it every date
    assert data.start_time == original.start_time and data.extra == original.extra


def test_cp949(tmp_path: Path, case: tuple[str, CyclerData, TextExport]) -> None:
    kind, original, export = case
    data = read_cycler(write(tmp_path, _name(kind, "korean"), _korean(export).render(), "cp949"))
    assert_same_cycles(original, data)
    assert_same_dates(original, data)
    assert "'메모'" in warned(data, "unknown_column")
    assert data.timeseries["temperature_c"].notna().all()
    assert data.extra.get("battery", data.extra.get("cell", "")).startswith("셀")


def test_decimal_commas(tmp_path: Path, case: tuple[str, CyclerData, TextExport]) -> None:
    kind, original, export = case
    if kind == "basytec":
        data = read_cycler(write(tmp_path, "comma.txt", export.copy().decimal_comma("\t").render()))
        assert_same_cycles(original, data)
        assert_same_dates(original, data)
    else:  # Novonix writes no European layout: a ';' file is refused in one line naming the file
        path = write(tmp_path, "comma.csv", export.copy().decimal_comma(";").render())
        with pytest.raises(InputError, match=r"comma\.csv: no header line starting with 'Date and Time,'"):
            read_cycler(path)


@pytest.mark.parametrize("form", ["%Y-%m-%d %H:%M:%S", "korean"])
def test_novonix_dates_in_other_forms(tmp_path: Path, form: str) -> None:
    original = read_cycler(NOVONIX)
    export = TextExport.parse(NOVONIX.read_text(encoding="utf-8"), 57, ",", quoted=True)
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


def test_cut_inside_its_last_row(tmp_path: Path, case: tuple[str, CyclerData, TextExport]) -> None:
    kind, original, export = case
    cut = len(export.sep.join(export.rows[-1])) // 2
    assert_cut(original, read_cycler(write(tmp_path, _name(kind, "cut"), export.render(), cut=cut)))


def test_a_second_test_appended(tmp_path: Path, case: tuple[str, CyclerData, TextExport]) -> None:
    kind, original, export = case
    assert_appended(
        original, read_cycler(write(tmp_path, _name(kind, "twice"), export.copy().append_test().render()))
    )


def test_korean_file_name(tmp_path: Path, case: tuple[str, CyclerData, TextExport]) -> None:
    kind, original, export = case
    data = read_cycler(write(tmp_path, _name(kind, "셀 1번"), export.render()))
    assert_same_cycles(original, data)
    assert data.cell_id == "셀 1번"
