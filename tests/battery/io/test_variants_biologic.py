"""BioLogic EC-Lab text exports as customers' machines write them: the ``.mpt`` without header and
the ``;`` CSV with columns moved, added or left out, a BOM, cp949, decimal commas, absolute times in
other forms, cut, appended to itself, under a Korean name. Each reads to the original's per-cycle
figures, or is warned about naming the file and the column."""

from __future__ import annotations

from pathlib import Path

import pytest

from gwangyang.battery.io import read_cycler
from gwangyang.battery.schema import CyclerData

from .variants import (
    CYCLERS,
    TextExport,
    assert_appended,
    assert_cut,
    assert_same_cycles,
    kinds,
    korean_clock,
    restamp,
    warned,
    write,
)

MPT = CYCLERS / "biologic" / "Sample_data_biologic_no_header.mpt"
CSV = CYCLERS / "biologic" / "test_loopsnewoutput_MB_CE1_short10k.csv"
LAYOUTS = {"mpt": (MPT, "\t"), "csv": (CSV, ";")}
SHORT = 2000
"""Rows of the CSV kept in the variants (its 10,000 rows make slow tests without telling more)."""


@pytest.fixture(scope="module", params=sorted(LAYOUTS))
def case(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, CyclerData, TextExport]:
    path, sep = LAYOUTS[request.param]
    export = TextExport.parse(path.read_text(encoding="utf-8"), 0, sep)
    export.header = [n.replace("\ufffd", "°") for n in export.header]  # the .mpt's degree sign is lost in it
    export.rows = export.rows[:SHORT]
    base = write(tmp_path_factory.mktemp("biologic"), "base" + path.suffix, export.render())
    return request.param, read_cycler(base), export


def _name(kind: str, stem: str) -> str:
    return stem + LAYOUTS[kind][0].suffix


def test_columns_in_another_order(tmp_path: Path, case: tuple[str, CyclerData, TextExport]) -> None:
    kind, original, export = case
    variant = export.copy().reorder(list(range(len(export.header)))[::-1])
    data = read_cycler(write(tmp_path, _name(kind, "moved"), variant.render()))
    assert_same_cycles(original, data)
    assert kinds(data) == kinds(original)


def test_an_unknown_column_is_warned_about(tmp_path: Path, case: tuple[str, CyclerData, TextExport]) -> None:
    kind, original, export = case
    data = read_cycler(
        write(tmp_path, _name(kind, "extra"), export.copy().add_column("Operator", lambda i: "1").render())
    )
    assert_same_cycles(original, data)
    assert "'Operator'" in warned(data, "unknown_column")


def test_temperature_left_out(tmp_path: Path, case: tuple[str, CyclerData, TextExport]) -> None:
    kind, original, export = case
    name = next(n for n in export.header if n.startswith(("Temperature/", "T/")))
    data = read_cycler(write(tmp_path, _name(kind, "fewer"), export.copy().drop(name).render()))
    assert_same_cycles(original, data)
    assert "temperature_c" not in data.timeseries.columns


def test_bom_and_cp949(tmp_path: Path, case: tuple[str, CyclerData, TextExport]) -> None:
    kind, original, export = case
    data = read_cycler(write(tmp_path, _name(kind, "bom"), export.render(), "utf-8-sig"))
    assert_same_cycles(original, data)
    variant = export.copy().add_column("메모", lambda i: "정상")
    variant.header = [n.replace("µ", "u") for n in variant.header]  # cp949 has no micro sign
    data = read_cycler(write(tmp_path, _name(kind, "korean"), variant.render(), "cp949"))
    assert_same_cycles(original, data)
    assert "'메모'" in warned(data, "unknown_column")
    assert ("temperature_c" in data.timeseries.columns) == ("temperature_c" in original.timeseries.columns)


def test_decimal_commas(tmp_path: Path, case: tuple[str, CyclerData, TextExport]) -> None:
    kind, original, export = case
    data = read_cycler(
        write(tmp_path, _name(kind, "comma"), export.copy().decimal_comma(export.sep).render())
    )
    assert_same_cycles(original, data)


@pytest.mark.parametrize("form", ["%d/%m/%Y %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S.%f", "korean"])
def test_absolute_times_in_other_forms(tmp_path: Path, form: str) -> None:
    export = TextExport.parse(CSV.read_text(encoding="utf-8"), 0, ";")
    export.rows = export.rows[:SHORT]
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
