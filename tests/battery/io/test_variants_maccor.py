"""Maccor exports as customers' machines write them: the raw text export (``.052``) and the CSV
export rewritten with columns moved, added or left out, with a BOM or in cp949, with decimal
commas, the wall clock in other forms (milliseconds, ISO, Korean 오전/오후), cut, appended to
itself, under a Korean name. Each reads to the original's per-cycle figures and wall clock, or is
warned about / refused naming the file and the column."""

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

TEXT = CYCLERS / "maccor" / "PredictionDiagnostics_000151_paused.052"
CSV = CYCLERS / "maccor" / "sample_data_maccor.csv"
# (file, header line, separator, date column, its form, an optional column)
LAYOUTS = {
    "text": (TEXT, 1, "\t", "DPt Time", "%m/%d/%Y %H:%M:%S", "Watt-hr"),
    "csv": (CSV, 2, ",", "DPT Time", "%d-%b-%y %I:%M:%S %p", "Temp 1"),
}


@pytest.fixture(scope="module", params=sorted(LAYOUTS))
def case(request: pytest.FixtureRequest) -> tuple[str, CyclerData, TextExport]:
    path, header, sep, *_ = LAYOUTS[request.param]
    return request.param, read_cycler(path), TextExport.parse(path.read_text(encoding="latin-1"), header, sep)


def _name(kind: str, stem: str) -> str:
    return stem + LAYOUTS[kind][0].suffix


def test_columns_in_another_order(tmp_path: Path, case: tuple[str, CyclerData, TextExport]) -> None:
    kind, original, export = case
    n = len(export.header)
    variant = export.copy().reorder(
        [0, *range(n - 1, 0, -1)]
    )  # the Rec column stays first: it marks the header
    data = read_cycler(write(tmp_path, _name(kind, "moved"), variant.render()))
    assert_same_cycles(original, data)
    assert_same_dates(original, data)
    assert kinds(data) == []


def test_an_unknown_column_is_warned_about(tmp_path: Path, case: tuple[str, CyclerData, TextExport]) -> None:
    kind, original, export = case
    data = read_cycler(
        write(tmp_path, _name(kind, "extra"), export.copy().add_column("Aux1", lambda i: "0.5").render())
    )
    assert_same_cycles(original, data)
    assert "'Aux1'" in warned(data, "unknown_column")


def test_an_optional_column_left_out(tmp_path: Path, case: tuple[str, CyclerData, TextExport]) -> None:
    kind, original, export = case
    optional = LAYOUTS[kind][5]
    data = read_cycler(write(tmp_path, _name(kind, "fewer"), export.copy().drop(optional).render()))
    assert_same_cycles(original, data, ("charge_capacity_ah", "discharge_capacity_ah"))
    assert kinds(data) == []


def test_a_required_column_left_out_is_refused(
    tmp_path: Path, case: tuple[str, CyclerData, TextExport]
) -> None:
    kind, _, export = case
    current = "Amps" if kind == "text" else "Current"
    path = write(tmp_path, _name(kind, "no_current"), export.copy().drop(current).render())
    with pytest.raises(InputError, match=rf"{path.name}: no column '{current}' \(for current_a\)") as info:
        read_cycler(path)
    assert "\n" not in str(info.value)


def test_bom_and_cp949(tmp_path: Path, case: tuple[str, CyclerData, TextExport]) -> None:
    kind, original, export = case
    for encoding in ("utf-8-sig", "utf-16"):
        data = read_cycler(write(tmp_path, _name(kind, "bom"), export.render(), encoding))
        assert_same_cycles(original, data)
        assert_same_dates(original, data)
    variant = export.copy().add_column("메모", lambda i: "정상")
    variant.pre[0] += " 시험"  # Korean in the metadata line's last field
    data = read_cycler(write(tmp_path, _name(kind, "korean"), variant.render(), "cp949"))
    assert_same_cycles(original, data)
    assert "'메모'" in warned(data, "unknown_column")
    assert any("시험" in str(value) for value in data.extra.values())


@pytest.mark.parametrize(
    "form",
    ["%m/%d/%Y %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%m/%d/%Y %I:%M:%S %p", "korean"],
)
def test_wall_clock_in_other_forms(
    tmp_path: Path, case: tuple[str, CyclerData, TextExport], form: str
) -> None:
    kind, original, export = case
    _, _, _, column, source_form, _ = LAYOUTS[kind]
    write_as = korean_clock if form == "korean" else (lambda m: m.strftime(form))
    variant = export.copy().map_column(column, restamp(source_form, write_as))
    data = read_cycler(write(tmp_path, _name(kind, "clock"), variant.render(), "cp949"))
    assert_same_cycles(original, data)
    assert_same_dates(original, data)
    assert data.start_time == original.start_time
    assert kinds(data) == []


def test_decimal_commas(tmp_path: Path, case: tuple[str, CyclerData, TextExport]) -> None:
    kind, original, export = case
    if kind == "text":  # tab-separated: decimal commas read as such
        data = read_cycler(write(tmp_path, "comma.052", export.copy().decimal_comma("\t").render()))
        assert_same_cycles(original, data)
        assert_same_dates(original, data)
    else:  # a ';' CSV is not Maccor's layout: refused in one line naming the file
        path = write(tmp_path, "comma.csv", export.copy().decimal_comma(";").render())
        with pytest.raises(InputError, match=r"comma\.csv: unknown cycler format"):
            read_cycler(path)


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
    assert data.cell_id.startswith("셀 1번")


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
