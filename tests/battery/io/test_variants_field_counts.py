"""Rows whose field count is not their header's: a text field holding the separator (a step name or remark
such as ``CC_Chg, 0.5C`` or ``충전, 휴지``). Quoted, it is one field and the file reads to the original's
per-cycle figures; without quotes every value after it would shift one column, so the file is refused in one
line naming the file, the line and both field counts. Variants of the real fixtures; the line is found in
the written text by its marker (an independent route to the number the message gives).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from gwangyang.battery.io import read_cycler
from gwangyang.battery.io.textrows import field_counts
from gwangyang.battery.schema import CyclerData
from gwangyang.errors import CorruptFileError

from .test_variants_neware import _btsda7
from .variant_layouts import LAYOUTS, NEWARE_CSV, Layout
from .variants import RecordExport, TextExport, assert_same_cycles, neware_totals_match, write

MARK = "충전{sep} 휴지"
"""A Korean remark ("charge, rest") holding the separator."""
ROW = 7
"""The record row that carries it."""


def _line_of(text: str, marker: str) -> int:
    """1-based line of the first line holding ``marker``."""
    (line,) = [i + 1 for i, x in enumerate(text.splitlines()) if marker in x][:1]
    return line


def _refused(path: Path, line: int, found: int, expected: int | str, named: Path | None = None) -> None:
    """Reading ``path`` is refused in one line naming ``named`` (the file itself, or its companion)."""
    with pytest.raises(CorruptFileError) as caught:
        read_cycler(path)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"{named or path}: ")
    assert f"line {line} has {found} fields where" in message and f"has {expected};" in message


# --- Neware BTS three-level CSV ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def original() -> CyclerData:
    data = read_cycler(NEWARE_CSV.path)
    neware_totals_match(data)
    return data


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return NEWARE_CSV.path.read_text(encoding="latin-1").splitlines()


def _step_names(lines: list[str], name: str, quote: bool) -> str:
    """The export with every step's type written ``<type><name>`` (quoted or not), on step and cycle lines."""
    out = lines[:3]
    for line in lines[3:]:
        fields = line.split(",")
        step, cycle = line.startswith(",") and not line.startswith(",,"), not line.startswith(",")
        at = 3 if step else 10 if cycle and len(fields) > 8 else None
        if at is not None:
            value = fields[at] + name
            fields[at] = f'"{value}"' if quote else value
        out.append(",".join(fields))
    return "\r\n".join(out) + "\r\n"


@pytest.mark.parametrize("name", [", 0.5C", ", 충전, 휴지", ' "fast", 1C'])
def test_neware_quoted_step_names_read_as_the_original(
    tmp_path: Path, original: CyclerData, lines: list[str], name: str
) -> None:
    # a quoted step name with commas (and doubled quotes) is one field: the same cycles as the original
    text = _step_names(lines, name.replace('"', '""'), quote=True)
    data = read_cycler(write(tmp_path, "quoted.csv", text))
    assert_same_cycles(original, data)
    neware_totals_match(data)
    np.testing.assert_array_equal(data.timeseries["voltage_v"], original.timeseries["voltage_v"])
    assert data.vendor_cycles is not None and original.vendor_cycles is not None
    assert data.vendor_cycles.equals(original.vendor_cycles)


def test_neware_unquoted_step_name_with_a_comma_is_refused(tmp_path: Path, lines: list[str]) -> None:
    # the cycle line carrying the first step is the first line with the name: 22 fields + 1
    text = _step_names(lines, ", 0.5C", quote=False)
    path = write(tmp_path, "unquoted.csv", text)
    _refused(path, _line_of(text, ", 0.5C"), 23, "8 or 22")  # a cycle line alone, or with its step
    with pytest.raises(CorruptFileError, match="the cycle header"):
        read_cycler(path)


def test_neware_unquoted_comma_on_a_step_line_is_refused(tmp_path: Path, lines: list[str]) -> None:
    text = _step_names(lines, ", 0.5C", quote=False)
    first = _line_of(text, ", 0.5C")
    # leave the cycle line's step as it was: the first step line with the name is refused
    fixed = text.splitlines()
    fixed[first - 1] = lines[first - 1]
    text = "\r\n".join(fixed) + "\r\n"
    path = write(tmp_path, "step.csv", text)
    line = _line_of(text, ", 0.5C")
    assert text.splitlines()[line - 1].startswith(",") and not text.splitlines()[line - 1].startswith(",,")
    _refused(path, line, 16, 15)


def test_neware_rows_ending_with_a_comma(tmp_path: Path, original: CyclerData, lines: list[str]) -> None:
    # an empty field after the last of every row (a writer that ends rows with the separator) shifts nothing
    text = "\r\n".join([*lines[:3], *(line + "," for line in lines[3:])]) + "\r\n"
    data = read_cycler(write(tmp_path, "trailing.csv", text))
    assert_same_cycles(original, data)
    np.testing.assert_array_equal(data.timeseries["voltage_v"], original.timeseries["voltage_v"])
    neware_totals_match(data)
    # but a comma inside a step name, with the trailing one, is still one field too many
    named = (
        "\r\n".join(
            _step_names(lines, ", 0.5C", quote=False).splitlines()[:3]
            + [line + "," for line in _step_names(lines, ", 0.5C", quote=False).splitlines()[3:]]
        )
        + "\r\n"
    )
    _refused(write(tmp_path, "both.csv", named), 4, 24, "8 or 22")


@pytest.mark.parametrize("quote", [True, False])
def test_neware_korean_remark_on_a_record(tmp_path: Path, original: CyclerData, quote: bool) -> None:
    export = RecordExport.parse_levels(NEWARE_CSV.path.read_text(encoding="latin-1"))
    remark = MARK.format(sep=",")
    export.add_column("비고", lambda i: (f'"{remark}"' if quote else remark) if i == ROW else "정상", at=1)
    text = export.render()
    path = write(tmp_path, "remark.csv", text, "cp949")
    if quote:
        data = read_cycler(path)
        assert_same_cycles(original, data)
        np.testing.assert_array_equal(data.timeseries["current_a"], original.timeseries["current_a"])
    else:
        # record header: 2 leading empty fields + 21 names (20 and the remark); the row has one more
        assert text.splitlines()[2].count(",") + 1 == 23
        _refused(path, _line_of(text, remark), 24, 23)


def test_neware_btsda7_quoted_step_name_with_a_comma(
    tmp_path: Path, original: CyclerData, lines: list[str]
) -> None:
    # BTSDA 7 quotes every field: its commas inside quotes were read as separators once the quotes went
    text, named = re.subn(r'"(CC D?Chg|Rest)"', r'"\1, 0.5C"', _btsda7(lines))
    assert named == 20 + 20 + 41  # every step: 80 step lines and the step on the first cycle line
    data = read_cycler(write(tmp_path, "btsda7.csv", text))
    assert_same_cycles(original, data)
    neware_totals_match(data)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(alphabet=st.sampled_from(list(',"; 가나다충전휴지abcXYZ0123.')), min_size=1, max_size=12))
def test_neware_any_quoted_step_name(
    tmp_path: Path, original: CyclerData, lines: list[str], name: str
) -> None:
    # any step name, written by the csv module as Excel would quote it, reads to the original's cycles
    cell = io.StringIO()
    csv.writer(cell, lineterminator="").writerow(["Rest" + name])
    written = cell.getvalue()
    if written.startswith('"'):
        text = _step_names(lines, written[5:-1], quote=True)
    else:
        text = _step_names(lines, name, quote=False)
    data = read_cycler(write(tmp_path, "any.csv", text))
    assert_same_cycles(original, data)


# --- the other text readers ---------------------------------------------------------------------------------

PLAIN = [layout for layout in LAYOUTS if not layout.quoted]
"""Layouts whose fields may be quoted (Novonix wraps each whole line in quotes: a quote there is no field's)."""


@pytest.fixture(scope="module")
def case(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Layout, CyclerData, TextExport]:
    layout: Layout = request.param
    return layout, *layout.read(tmp_path_factory.mktemp(layout.name))


@pytest.mark.parametrize("case", PLAIN, ids=[layout.name for layout in PLAIN], indirect=True)
@pytest.mark.parametrize("quote", [True, False])
def test_remark_holding_the_separator(
    tmp_path: Path, case: tuple[Layout, CyclerData, TextExport], quote: bool
) -> None:
    layout, original, export = case
    remark = MARK.format(sep=layout.sep)
    variant = export.copy().add_column(
        "Remark", lambda i: (f'"{remark}"' if quote else remark) if i == ROW else "정상", at=1
    )
    text = variant.render()
    path = layout.write(tmp_path, "remark", text)
    if quote:
        assert_same_cycles(original, read_cycler(path))
        return
    line = _line_of(text, remark)
    found, expected = (text.splitlines()[i].count(layout.sep) + 1 for i in (line - 1, line - 2))
    assert found == expected + 1  # the row before it has the count every row has
    _refused(path, line, found, expected)


@pytest.mark.parametrize("case", PLAIN, ids=[layout.name for layout in PLAIN], indirect=True)
def test_a_row_short_of_a_field_is_refused(
    tmp_path: Path, case: tuple[Layout, CyclerData, TextExport]
) -> None:
    # a field lost in the middle of the file (not a cut last line): the values after it would shift back
    layout, _, export = case
    variant = export.copy()
    del variant.rows[ROW][1]
    text = variant.render()
    path = layout.write(tmp_path, "short", text)
    line = len(variant.pre) + 1 + ROW + 1
    if isinstance(variant, RecordExport):
        line = 3 + variant.lines.index(ROW) + 1
    found, expected = (text.splitlines()[i].count(layout.sep) + 1 for i in (line - 1, line - 2))
    assert found == expected - 1
    with pytest.raises(CorruptFileError, match=re.escape(f"line {line} has ")):
        read_cycler(path)


# --- the count itself -------------------------------------------------------------------------------------

_FIELD = st.text(alphabet=st.sampled_from(list(',;\t" 가나충전aZ09.-')), max_size=8)


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(st.lists(_FIELD, min_size=1, max_size=8), min_size=1, max_size=6),
    sep=st.sampled_from([",", ";", "\t"]),
)
def test_field_counts_match_the_csv_module(rows: list[list[str]], sep: str) -> None:
    # rows written by the csv module (quotes where a field holds the separator or a quote) count as written
    lines = []
    for row in rows:
        out = io.StringIO()
        csv.writer(out, delimiter=sep, lineterminator="").writerow(row)
        lines.append(out.getvalue().encode("utf-8"))
    counts = field_counts(lines, sep.encode())
    assert counts.tolist() == [len(row) for row in rows]
    assert counts.tolist() == [len(next(csv.reader([x.decode()], delimiter=sep))) for x in lines]


# --- companions and BDF --------------------------------------------------------------------------------------

ARBIN = NEWARE_CSV.path.parents[1] / "arbin" / "FastCharge_000025_CH8.csv"


@pytest.mark.parametrize("form", ["quoted", "bare", "quote inside the field"])
def test_arbin_metadata_with_a_comma_in_its_schedule_name(tmp_path: Path, form: str) -> None:
    # the companion's one row already quotes its database list ("ArbinResult_6,ArbinResult_7,")
    companion = ARBIN.with_name(ARBIN.stem + "_Metadata.csv")
    head, row = companion.read_text(encoding="latin-1").splitlines()[:2]
    name, renamed = "4_4C-80PER_4_4C.SDU", "4_4C, 80PER_4_4C.SDU"
    assert row.count(name) == 1
    if form == "quoted":  # the schedule's whole field in quotes, as the csv module writes it
        fields = [field.replace(name, renamed) for field in next(csv.reader([row]))]
        out = io.StringIO()
        csv.writer(out, lineterminator="").writerow(fields)
        text = out.getvalue()
    else:  # a quote that does not open the field quotes nothing (pandas, the csv module): the comma splits
        text = row.replace(name, renamed if form == "bare" else f'"{renamed}"')
        assert len(next(csv.reader([text]))) == 23
    (tmp_path / "cell_Metadata.csv").write_text(f"{head}\r\n{text}\r\n", encoding="latin-1")
    path = tmp_path / "cell.csv"
    path.write_bytes(ARBIN.read_bytes())
    original = read_cycler(ARBIN)
    if form == "quoted":
        data = read_cycler(path)
        assert data.extra["iv_ch_id"] == original.extra["iv_ch_id"] == "7"
        assert data.start_time == original.start_time
        assert_same_cycles(original, data)
        return
    # 22 names; the row has 22 fields with its quoted database list, and one more with the comma
    assert len(next(csv.reader([row]))) == len(head.split(",")) == 22
    _refused(path, 2, 23, 22, named=tmp_path / "cell_Metadata.csv")


@pytest.mark.parametrize("quote", [True, False])
def test_bdf_csv_with_a_remark_holding_a_comma(tmp_path: Path, quote: bool) -> None:
    remark = "충전, 휴지"
    rows = ["Test Time / s,Voltage / V,Current / A,Remark"]
    rows += [
        f"{10.0 * i},{3.5 + 0.01 * i},1.0,{'정상' if i != 2 else repr_quoted(remark, quote)}"
        for i in range(5)
    ]
    path = write(tmp_path, "cell.bdf.csv", "\r\n".join(rows) + "\r\n")
    if quote:
        data = read_cycler(path)
        np.testing.assert_allclose(data.timeseries["voltage_v"], [3.5, 3.51, 3.52, 3.53, 3.54])
        np.testing.assert_allclose(data.timeseries["current_a"], 1.0)
    else:
        _refused(path, 4, 5, 4)  # header on line 1, the third row on line 4


def repr_quoted(text: str, quote: bool) -> str:
    """``text`` in double quotes, or as it is."""
    return f'"{text}"' if quote else text


@settings(max_examples=300, deadline=None)
@given(
    fields=st.lists(st.tuples(_FIELD, st.booleans()), min_size=1, max_size=8),
    sep=st.sampled_from([",", ";", "\t"]),
)
def test_field_counts_with_quotes_inside_fields(fields: list[tuple[str, bool]], sep: str) -> None:
    # a field written bare may hold a quote after its first character (it quotes nothing there); others are
    # quoted whole: the count is the csv module's, and the number of fields written
    written = []
    for text, bare in fields:
        if bare and sep not in text and not text.startswith('"'):
            written.append(text)
        else:
            written.append('"' + text.replace('"', '""') + '"')
    line = sep.join(written)
    assume(line != "")  # an empty line is a blank line, which the readers pass over
    (count,) = field_counts([line.encode("utf-8")], sep.encode()).tolist()
    assert count == len(fields) == len(next(csv.reader([line], delimiter=sep)))


@pytest.mark.parametrize("quote", [True, False])
def test_column_map_header_with_a_quoted_name(tmp_path: Path, quote: bool) -> None:
    # a generic CSV whose header quotes a name holding a comma: the names line up with the rows' fields
    name = '"Voltage, V"' if quote else "Voltage, V"
    rows = [f"t,c,i,{name},비고"] + [f"{10 * k},1,0.5,{3.5 + 0.1 * k:.1f},정상" for k in range(4)]
    table = write(tmp_path, "run.csv", "\n".join(rows) + "\n")
    source = "Voltage, V" if quote else "Voltage"
    cmap = tmp_path / "map.toml"
    cmap.write_text(
        "[columns.test_time_s]\nsource = 't'\n[columns.cycle_index]\nsource = 'c'\n"
        f"[columns.current_a]\nsource = 'i'\n[columns.voltage_v]\nsource = '{source}'\n",
        encoding="utf-8",
    )
    if quote:
        data = read_cycler(table, column_map=cmap)
        np.testing.assert_allclose(data.timeseries["voltage_v"], [3.5, 3.6, 3.7, 3.8])
    else:  # the bare comma makes six names over five fields: every row is refused, the first named
        _refused_map(table, cmap, 2, 5, 6)


def _refused_map(path: Path, cmap: Path, line: int, found: int, expected: int) -> None:
    with pytest.raises(CorruptFileError) as caught:
        read_cycler(path, column_map=cmap)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"{path}: line {line} has {found} fields where")
    assert f"has {expected};" in message


def test_column_map_rows_ending_with_the_separator(tmp_path: Path) -> None:
    # an empty field after the last of every row: pandas drops it under the map's named columns, nothing shifts
    header, rows = "t,c,i,v", [f"{10 * k},1,0.5,{3.5 + 0.1 * k:.1f}," for k in range(4)]
    table = write(tmp_path, "run.csv", "\n".join([header, *rows]) + "\n")
    cmap = tmp_path / "map.toml"
    cmap.write_text(
        "[columns.test_time_s]\nsource = 't'\n[columns.cycle_index]\nsource = 'c'\n"
        "[columns.current_a]\nsource = 'i'\n[columns.voltage_v]\nsource = 'v'\n",
        encoding="utf-8",
    )
    data = read_cycler(table, column_map=cmap)
    np.testing.assert_allclose(data.timeseries["voltage_v"], [3.5, 3.6, 3.7, 3.8])
    np.testing.assert_allclose(data.timeseries["test_time_s"], [0, 10, 20, 30])
    # a comma inside a value on top of that is still a field too many
    shifted = [*rows[:2], rows[2].replace(",0.5,", ",0,5,"), *rows[3:]]
    bad = write(tmp_path, "bad.csv", "\n".join([header, *shifted]) + "\n")
    with pytest.raises(CorruptFileError, match=re.escape(f"{bad}: line 4 has 6 fields where")):
        read_cycler(bad, column_map=cmap)
