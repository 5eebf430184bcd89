"""Customer tables as Excel and line software export them: encodings, separators, title lines, merged
headers, number formats, several sheets. Every table is generated here and its values written by hand."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gwangyang.errors import InputError
from gwangyang.sheets import korean_datetimes, read_sheet
from tests.battery.io.xlsx import write_xlsx

ROWS = [
    ["시간", "온도(℃)", "압력 [bar]", "상태"],
    ["1", "20.5", "1.5", "OK"],
    ["2", "21.5", "1.25", "NG"],
    ["3", "22", "2", "정상"],
]


def _csv(rows: list[list[str]], sep: str = ",") -> str:
    return "\n".join(sep.join(row) for row in rows) + "\n"


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "cp949", "utf-16"], ids=["utf8", "bom", "cp949", "utf16"]
)
@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_encodings_and_separators_give_one_table(tmp_path: Path, encoding: str, sep: str) -> None:
    path = tmp_path / "line.csv"
    path.write_bytes(_csv(ROWS, sep).encode(encoding))
    sheet = read_sheet(path)
    assert list(sheet.table.columns) == ["시간", "온도(℃)", "압력 [bar]", "상태"]
    assert sheet.table["온도(℃)"].tolist() == [20.5, 21.5, 22.0]
    assert sheet.table["상태"].tolist() == ["OK", "NG", "정상"]
    assert sheet.notes == []


def test_gzipped_cp949(tmp_path: Path) -> None:
    path = tmp_path / "line.csv.gz"
    path.write_bytes(gzip.compress(_csv(ROWS).encode("cp949")))
    assert read_sheet(path).table["압력 [bar]"].tolist() == [1.5, 1.25, 2.0]


def test_title_lines_above_the_header_are_skipped_and_said(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("생산 라인 A 센서 데이터,,,\n출력일: 2024-03-05,,,\n,,,\n" + _csv(ROWS), encoding="utf-8")
    sheet = read_sheet(path, "export.csv")
    assert sheet.table.shape == (3, 4) and sheet.table["시간"].tolist() == [1.0, 2.0, 3.0]
    assert sheet.notes == [
        "export.csv: 2 line(s) above the header (line 4) skipped, the first: '생산 라인 A 센서 데이터'."
    ]


def test_thousands_separators_and_decimal_commas(tmp_path: Path) -> None:
    comma = tmp_path / "kr.csv"
    comma.write_text('시간,유량\n1,"1,234.5"\n2,"12,000"\n3,999\n', encoding="utf-8")
    sheet = read_sheet(comma, "kr.csv")
    assert sheet.table["유량"].tolist() == [1234.5, 12000.0, 999.0]
    assert sheet.notes == [
        "kr.csv: column '유량' holds numbers written with thousands separators; read as numbers."
    ]
    semicolon = tmp_path / "eu.csv"
    semicolon.write_text("time;temp;flow\n1;12,5;1.234,5\n2;12,75;999\n3;-0,5;2.000\n", encoding="utf-8")
    sheet = read_sheet(semicolon, "eu.csv")
    assert sheet.table["temp"].tolist() == [12.5, 12.75, -0.5]
    assert sheet.table["flow"].tolist() == [1234.5, 999.0, 2000.0]
    assert [n.split(": ")[1] for n in sheet.notes] == [
        "column 'temp' holds numbers written with decimal commas; read as numbers.",
        "column 'flow' holds numbers written with decimal commas; read as numbers.",
    ]


def test_missing_markers_are_missing_values(tmp_path: Path) -> None:
    path = tmp_path / "gaps.csv"
    path.write_text("t,a\n1,1.5\n2,-\n3,#N/A\n4,\n5,2.5\n", encoding="utf-8")
    values = read_sheet(path).table["a"].to_numpy()
    assert values[0] == 1.5 and values[4] == 2.5 and np.isnan(values[1:4]).all()


def test_two_header_rows_are_joined_and_duplicates_numbered(tmp_path: Path) -> None:
    path = tmp_path / "merged.csv"
    # Excel writes a merged "온도" over its two sub-columns once, the cells it covers empty
    path.write_text("시간,온도,,압력,압력,\n,상단,하단,,,\n1,2,3,4,5,\n2,3,4,5,6,\n", encoding="utf-8")
    sheet = read_sheet(path, "merged.csv")
    assert list(sheet.table.columns) == ["시간", "온도 상단", "온도 하단", "압력", "압력.1"]
    assert sheet.table["압력.1"].tolist() == [5.0, 6.0]
    assert sheet.notes == [
        "merged.csv: the header's two rows (lines 1-2) are joined: '시간', '온도 상단', '온도 하단', '압력', '압력'.",
        "merged.csv: column name '압력' appears more than once; column 5 is '압력.1'.",
    ]


def test_workbook_title_row_and_several_sheets(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "line.xlsx",
        {
            "요약": [["보고서"], ["평균", 21.0]],
            "데이터": [
                ["라인 1 센서 기록"],
                [],
                ["시간", "온도(℃)", "상태"],
                [1, 20.5, "OK"],
                [2, 21.5, "NG"],
            ],
        },
    )
    sheet = read_sheet(path, "line.xlsx")
    assert sheet.table.to_dict("list") == {"시간": [1.0, 2.0], "온도(℃)": [20.5, 21.5], "상태": ["OK", "NG"]}
    assert sheet.notes == [
        "line.xlsx: sheet '데이터' read; the workbook's other sheets with data ('요약') were not.",
        "line.xlsx: 1 line(s) above the header (line 3) skipped, the first: '라인 1 센서 기록'.",
    ]


def test_unreadable_tables_are_one_line(tmp_path: Path) -> None:
    binary = tmp_path / "b.csv"
    binary.write_bytes(bytes(range(128, 256)) * 4)
    with pytest.raises(InputError, match=r"^b.csv: not text in UTF-8, UTF-16 or cp949"):
        read_sheet(binary, "b.csv")
    words = tmp_path / "w.csv"
    words.write_text("a,b\nx,y\n", encoding="utf-8")
    assert read_sheet(words, "w.csv").table.to_dict("list") == {"a": ["x"], "b": ["y"]}
    header = tmp_path / "h.csv"
    header.write_text("a,b\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"^h.csv: no rows below the header"):
        read_sheet(header, "h.csv")
    broken = tmp_path / "x.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a workbook")
    with pytest.raises(InputError, match=r"^x.xlsx: not a readable Excel workbook"):
        read_sheet(broken, "x.xlsx")


def test_codes_keep_their_zeros_and_counts_stay_integers(tmp_path: Path) -> None:
    path = tmp_path / "cells.csv"
    path.write_text("바코드,사이클,용량(Ah)\n00123,1,2.5\n00124,2,2.25\n10125,3,2.0\n", encoding="utf-8")
    table = read_sheet(path).table
    assert table["바코드"].tolist() == ["00123", "00124", "10125"]
    assert table["사이클"].dtype == np.int64 and table["용량(Ah)"].tolist() == [2.5, 2.25, 2.0]


def test_a_saved_index_is_left_out_and_said(tmp_path: Path) -> None:
    path = tmp_path / "i.csv"
    path.write_text(",a,b\n0,1.5,x\n1,2.5,y\n2,3.5,z\n", encoding="utf-8")
    sheet = read_sheet(path, "i.csv")
    assert list(sheet.table.columns) == ["a", "b"]
    assert sheet.notes == ["i.csv: column 1 has no name and numbers the rows (a saved index); left out."]


def test_a_row_longer_than_the_header(tmp_path: Path) -> None:
    near = tmp_path / "r.csv"
    near.write_text("a,b\n1,2\n3,4\n5,6,7\n", encoding="utf-8")
    sheet = read_sheet(near, "r.csv")
    assert sheet.table["Unnamed: 2"].tolist()[2] == 7.0
    assert sheet.notes == ["r.csv: column 3 has values but no name; called 'Unnamed: 2'."]
    far = tmp_path / "far.csv"  # past the rows the header is looked for in
    far.write_text("a,b\n" + "1,2\n" * 600 + "5,6,7\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"^far.csv: data row 601 has more fields than the header"):
        read_sheet(far, "far.csv")


def test_korean_times() -> None:
    text = pd.Series(
        [
            "2024. 3. 5. 오후 12:05:00",
            "2024-03-05 오전 12:30:00",
            "2024년 3월 5일 오후 2시 13분",
            "2024.03.05 2:13:09 PM",
        ]
    )
    parsed = korean_datetimes(text)
    assert parsed is not None
    assert [str(t) for t in parsed] == [
        "2024-03-05 12:05:00",
        "2024-03-05 00:30:00",
        "2024-03-05 14:13:00",
        "2024-03-05 14:13:09",
    ]
    assert korean_datetimes(pd.Series(["2024. 3. 5. 오후 13:00:00"])) is None  # 오후 with a 24-hour clock


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    values=st.lists(
        st.lists(st.floats(-1e6, 1e6, allow_nan=False).map(lambda v: round(v, 4)), min_size=3, max_size=3),
        min_size=2,
        max_size=30,
    ),
    dialect=st.sampled_from(
        [(",", "utf-8"), (";", "cp949"), ("\t", "utf-16"), (";", "utf-8-sig"), ("|", "utf-8")]
    ),
    decimal_comma=st.booleans(),
    title=st.booleans(),
)
def test_any_dialect_reads_back_the_numbers_written(
    tmp_path: Path,
    values: list[list[float]],
    dialect: tuple[str, str],
    decimal_comma: bool,
    title: bool,
) -> None:
    sep, encoding = dialect
    comma = decimal_comma and sep != ","
    names = ["온도(℃)", "압력 [bar]", "유량"]
    lines = (["측정 기록"] if title else []) + [sep.join(names)]
    for row in values:
        cells = [repr(v) for v in row]
        lines.append(sep.join(c.replace(".", ",") if comma else c for c in cells))
    path = tmp_path / "t.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    sheet = read_sheet(path, "t.csv")
    assert list(sheet.table.columns) == names
    np.testing.assert_array_equal(sheet.table.to_numpy(dtype=float), np.array(values))


def test_workbook_cells_left_empty_are_missing(tmp_path: Path) -> None:
    rows: list[list[object]] = [["시간", "온도"]]
    rows += [[float(i), None if i % 3 == 0 else i / 4] for i in range(12)]
    sheet = read_sheet(write_xlsx(tmp_path / "g.xlsx", {"d": rows}), "g.xlsx")
    values = sheet.table["온도"].to_numpy()
    assert np.isnan(values[::3]).all() and values[1] == 0.25 and values[11] == 2.75
