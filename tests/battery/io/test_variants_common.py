"""Variants every vendor text export must survive, one test over the table of layouts (:data:`.variants.LAYOUTS`):
columns moved, a column no reader knows, optional columns left out, a byte order mark, decimal commas, a file
cut inside its last row, a second test appended, a Korean file name (Neware's three-level CSV: on its record
level). Each reads to the original's per-cycle
figures (and wall clock), or is warned about / refused in one line naming the file and the column. What only
one vendor writes is tested in its ``test_variants_<vendor>.py``."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pytest

from gwangyang.battery.io import read_cycler
from gwangyang.battery.schema import CyclerData
from gwangyang.errors import InputError

from .variant_layouts import LAYOUTS, Layout
from .variants import (
    TextExport,
    assert_appended,
    assert_cut,
    assert_same_cycles,
    assert_same_dates,
    kinds,
    warned,
)

Case = tuple[Layout, CyclerData, TextExport]


@pytest.fixture(scope="module")
def case(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Case:
    layout: Layout = request.param
    return layout, *layout.read(tmp_path_factory.mktemp(layout.name))


def over(layouts: Iterable[Layout]) -> pytest.MarkDecorator:
    """Run a test on each of ``layouts`` (its ``case``)."""
    chosen = list(layouts)
    return pytest.mark.parametrize("case", chosen, ids=[layout.name for layout in chosen], indirect=True)


def _same_extra(original: CyclerData, data: CyclerData) -> None:
    """The metadata read from the file is the same (the companion's own name aside)."""

    def kept(extra: dict[str, object]) -> dict[str, object]:
        return {k: v for k, v in extra.items() if k != "metadata_file"}

    assert kept(data.extra) == kept(original.extra)


@over(LAYOUTS)
def test_columns_in_another_order(tmp_path: Path, case: Case) -> None:
    layout, original, export = case
    variant = export.copy().reorder(layout.order(len(export.header)))
    data = read_cycler(layout.write(tmp_path, "moved", variant.render()))
    assert_same_cycles(original, data)
    if layout.dates:
        assert_same_dates(original, data)
    if layout.channel is not None:
        assert data.channel == original.channel == layout.channel
    assert kinds(data) == ([] if layout.quiet else kinds(original))
    if layout.check is not None:
        layout.check(data)


@over(LAYOUTS)
def test_an_unknown_column_is_warned_about(tmp_path: Path, case: Case) -> None:
    layout, original, export = case
    name, value, at = layout.extra_column
    variant = export.copy().add_column(name, lambda i: value, at)
    data = read_cycler(layout.write(tmp_path, "extra", variant.render()))
    assert_same_cycles(original, data)
    assert f"'{name}'" in warned(data, "unknown_column")


@over(LAYOUTS)
def test_optional_columns_left_out(tmp_path: Path, case: Case) -> None:
    layout, original, export = case
    variant = export.copy()
    for name in layout.optional:
        variant.drop(name)
    data = read_cycler(layout.write(tmp_path, "fewer", variant.render()))
    assert_same_cycles(original, data, layout.optional_counters)
    if layout.optional_gone is not None:
        assert layout.optional_gone not in data.timeseries.columns
    if layout.quiet:
        assert kinds(data) == []


@pytest.mark.parametrize(
    ("case", "encoding"),
    [(layout, encoding) for layout in LAYOUTS for encoding in layout.boms],
    ids=[f"{layout.name}-{encoding}" for layout in LAYOUTS for encoding in layout.boms],
    indirect=["case"],
)
def test_byte_order_mark(tmp_path: Path, case: Case, encoding: str) -> None:
    layout, original, export = case
    path = layout.write(tmp_path, "bom", export.render(), encoding)
    data = read_cycler(path)
    assert_same_cycles(original, data)
    if layout.dates:
        assert_same_dates(original, data)  # before: a BOM hid Basytec's preamble, and with it every date
    assert data.source == path and data.start_time == original.start_time
    _same_extra(original, data)
    if layout.check is not None:
        layout.check(data)


@over(layout for layout in LAYOUTS if layout.comma_sep is not None)
def test_decimal_commas(tmp_path: Path, case: Case) -> None:
    layout, original, export = case
    assert layout.comma_sep is not None
    path = layout.write(tmp_path, "comma", export.copy().decimal_comma(layout.comma_sep).render())
    if layout.comma_refused is not None:
        with pytest.raises(
            InputError, match=rf"{re.escape(path.name)}: {re.escape(layout.comma_refused)}"
        ) as info:
            read_cycler(path)
        assert "\n" not in str(info.value)
        return
    data = read_cycler(path)
    assert_same_cycles(original, data)
    if layout.dates:
        assert_same_dates(original, data)
    _same_extra(original, data)


@over(LAYOUTS)
def test_cut_inside_its_last_row(tmp_path: Path, case: Case) -> None:
    layout, original, export = case
    cut = export.last_row_length() // 2
    assert_cut(original, read_cycler(layout.write(tmp_path, "cut", export.render(), cut=cut)))


@over(LAYOUTS)
def test_a_second_test_appended(tmp_path: Path, case: Case) -> None:
    layout, original, export = case
    data = read_cycler(layout.write(tmp_path, "twice", export.copy().append_test().render()))
    assert_appended(original, data)


@over(LAYOUTS)
def test_korean_file_name(tmp_path: Path, case: Case) -> None:
    layout, original, export = case
    data = read_cycler(layout.write(tmp_path, layout.korean_stem, export.render()))
    assert_same_cycles(original, data)
    assert data.cell_id == layout.korean_stem + layout.cell_suffix
    if layout.companion is not None:
        assert data.extra["metadata_file"] == f"{layout.korean_stem}_Metadata.csv"
    if layout.check is not None:
        layout.check(data)
