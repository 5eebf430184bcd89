"""A double-quoted field that holds a line break (RFC 4180), as a comments or remarks column in a real export
carries one: the lines are one record, whose field count is the header's, and the file reads as pandas and the
csv module read it. The count stays strict: a record with a field more or less is refused in one line naming
the line it starts on, and a quote the file ends inside is refused too. Files are written by Python's csv
module (an independent writer) and read back; the check reads the file in blocks, so records that cross a
block's end are tried with tiny blocks.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gwangyang.battery.io import read_cycler, textrows
from gwangyang.battery.io.textrows import check_rows
from gwangyang.battery.schema import CyclerData
from gwangyang.errors import CorruptFileError

from .variant_layouts import LAYOUTS, Layout
from .variants import TextExport, assert_same_cycles

MAP = """name = "lab"
[file]
delimiter = "{sep}"
encoding = "{encoding}"
[columns.test_time_s]
source = "t"
[columns.cycle_index]
source = "c"
[columns.current_a]
source = "i"
[columns.voltage_v]
source = "v"
"""
_TEXT = st.lists(st.sampled_from([*',;\t"\n 가나충전휴지aZ09.-', "\r\n"]), max_size=12).map("".join)


def _csv(rows: list[list[str]], sep: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def _table(remarks: list[str]) -> list[list[str]]:
    rows = [["t", "c", "i", "v", "remark"]]
    rows += [[f"{10 * k}", "1", "0.5", f"{3.5 + 0.001 * k:.3f}", text] for k, text in enumerate(remarks)]
    return rows


def _read(folder: Path, text: str, sep: str, encoding: str = "utf-8") -> CyclerData:
    path = folder / "run.csv"
    path.write_bytes(text.encode(encoding))
    cmap = folder / "lab.toml"
    cmap.write_text(MAP.format(sep="\\t" if sep == "\t" else sep, encoding=encoding), encoding="utf-8")
    return read_cycler(path, column_map=cmap)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    remarks=st.lists(_TEXT, min_size=1, max_size=8),
    sep=st.sampled_from([",", ";", "\t"]),
    block=st.sampled_from([3, 17, 64, 1 << 22]),
)
def test_quoted_fields_with_line_breaks_round_trip(
    tmp_path: Path, remarks: list[str], sep: str, block: int
) -> None:
    rows = _table(remarks)
    text = _csv(rows, sep)
    assert [len(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=sep)] == [5] * len(rows)
    with mock.patch.object(textrows, "BLOCK_BYTES", block):
        assert check_rows(_write(tmp_path, text), 0, sep, None) == 5
        data = _read(tmp_path, text, sep)
    np.testing.assert_allclose(data.timeseries["voltage_v"], [float(r[3]) for r in rows[1:]])
    np.testing.assert_allclose(data.timeseries["test_time_s"], [float(r[0]) for r in rows[1:]])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    remarks=st.lists(_TEXT, min_size=2, max_size=8),
    bad=st.integers(min_value=0, max_value=7),
    extra=st.booleans(),
    sep=st.sampled_from([",", ";", "\t"]),
    block=st.sampled_from([5, 64, 1 << 22]),
)
def test_a_record_with_a_field_more_or_less_is_refused_by_its_first_line(
    tmp_path: Path, remarks: list[str], bad: int, extra: bool, sep: str, block: int
) -> None:
    rows = _table(remarks)
    bad = 1 + bad % len(remarks)
    if extra:
        rows[bad].insert(1, "x")
    else:
        del rows[bad][1]
    text = _csv(rows, sep)
    # the record's first line, counted on the written text (line breaks of the records above it included)
    above = _csv(rows[:bad], sep)
    line = above.count("\n") + 1
    path = _write(tmp_path, text)
    with mock.patch.object(textrows, "BLOCK_BYTES", block), pytest.raises(CorruptFileError) as caught:
        check_rows(path, 0, sep, None)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(
        f"{path}: line {line} has {len(rows[bad])} fields where"
    )


def test_a_quote_never_closed_is_refused(tmp_path: Path) -> None:
    text = 't,c,i,v,remark\r\n0,1,0.5,3.5,"ok"\r\n10,1,0.5,3.6,"charge\r\nrest, then\r\n'
    path = _write(tmp_path, text)
    with pytest.raises(CorruptFileError) as caught:
        _read(tmp_path, text, ",")
    message = str(caught.value)
    assert "\n" not in message and "line 3 opens a double-quoted field that is never closed" in message
    with pytest.raises(CorruptFileError, match="line 3 opens"):
        check_rows(path, 0, ",", None)


def test_cp949_remarks_with_line_breaks(tmp_path: Path) -> None:
    rows = _table(["정상", "충전 후\r\n휴지, 메모", '전압 "낮음"\n확인'])
    data = _read(tmp_path, _csv(rows, ","), ",", encoding="cp949")
    np.testing.assert_allclose(data.timeseries["voltage_v"], [3.5, 3.501, 3.502])


PLAIN = [layout for layout in LAYOUTS if not layout.quoted and layout.name != "neware-csv"]
"""Layouts whose fields may be quoted (Novonix wraps each line in quotes), but Neware's three-level BTS CSV (its own
test below: its levels are sorted by each line's leading commas once its records are joined)."""
COMMENT = '"Operator: 김민수\r\nNote: cell swollen, 2 mm\r\nchecked ""OK"""'


@pytest.mark.parametrize("layout", PLAIN, ids=[layout.name for layout in PLAIN])
def test_vendor_exports_with_a_multi_line_comment(tmp_path: Path, layout: Layout) -> None:
    original, export = layout.read(tmp_path)
    variant: TextExport = export.copy().add_column(
        "Comment", lambda i: COMMENT if i % 5 == 2 else "정상", at=1
    )
    data = read_cycler(layout.write(tmp_path, "comment", variant.render()))
    assert data.rows == original.rows
    assert_same_cycles(original, data)


def test_neware_bts_with_a_multi_line_comment(tmp_path: Path) -> None:
    # each physical line's leading commas say its level: the comment's lines are joined into its record first
    (layout,) = [layout for layout in LAYOUTS if layout.name == "neware-csv"]
    original, export = layout.read(tmp_path)
    variant = export.copy().add_column("Comment", lambda i: COMMENT if i % 5 == 2 else "정상", at=1)
    text = variant.render()
    assert text.count("\r\nNote: cell swollen") > 100  # the second lines start with no comma
    data = read_cycler(layout.write(tmp_path, "comment", text))
    assert data.rows == original.rows
    assert_same_cycles(original, data)
    pd.testing.assert_frame_equal(data.timeseries, original.timeseries)


def test_neware_bts_refusal_below_a_multi_line_comment_names_the_line(tmp_path: Path) -> None:
    # a record with a field too many below the joined records: named by its line in the file
    (layout,) = [layout for layout in LAYOUTS if layout.name == "neware-csv"]
    _, export = layout.read(tmp_path)
    variant = export.copy().add_column("Comment", lambda i: COMMENT if i == 2 else "", at=1)
    lines = variant.render().split("\n")
    at = next(i for i in range(20, len(lines)) if lines[i].startswith(",,"))
    lines[at] = lines[at].replace(",,", ",,x,", 1)
    path = layout.write(tmp_path, "comment", "\n".join(lines))
    with pytest.raises(CorruptFileError) as caught:
        read_cycler(path)
    assert "\n" not in str(caught.value) and str(caught.value).startswith(f"{path}: line {at + 1} has ")


def test_neware_bts_with_a_quote_never_closed_is_refused(tmp_path: Path) -> None:
    (layout,) = [layout for layout in LAYOUTS if layout.name == "neware-csv"]
    _, export = layout.read(tmp_path)
    variant = export.copy().add_column("Comment", lambda i: '"open' if i == 2 else "", at=1)
    text = variant.render()
    line = text[: text.index('"open')].count("\n") + 1
    path = layout.write(tmp_path, "comment", text)
    with pytest.raises(CorruptFileError) as caught:
        read_cycler(path)
    assert str(caught.value).startswith(
        f"{path}: line {line} opens a double-quoted field that is never closed"
    )


def _write(folder: Path, text: str) -> Path:
    path = folder / "rows.csv"
    path.write_bytes(text.encode("utf-8"))
    return path


@pytest.mark.parametrize("encoding", ["utf-16-le", "cp949"])
def test_check_rows_in_other_encodings_across_blocks(tmp_path: Path, encoding: str) -> None:
    # an encoding whose separators are not ASCII bytes (UTF-16) is decoded block by block, a character cut
    # by a block's end included; the count and the refused line are those of the text
    rows = _table(["충전\r\n휴지, 메모", "정상", '"확인"'])
    path = tmp_path / "rows.csv"
    path.write_bytes(_csv(rows, ",").encode(encoding))
    with mock.patch.object(textrows, "BLOCK_BYTES", 7):
        assert check_rows(path, 0, ",", None, encoding) == 5
    rows[3].insert(1, "x")
    path.write_bytes(_csv(rows, ",").encode(encoding))
    with (
        mock.patch.object(textrows, "BLOCK_BYTES", 7),
        pytest.raises(CorruptFileError, match="line 5 has 6 fields"),
    ):
        check_rows(path, 0, ",", None, encoding)
