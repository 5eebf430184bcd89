"""Reader and column-map messages show a file's values as written (:func:`gwangyang.written.as_written`).

Korean stays Korean (no ``\\uXXXX``), a TOML ``true`` or list reads as the TOML wrote it (not Python's ``True``),
and a long cell value is cut to :data:`gwangyang.written.LIMIT` characters. The expected lines are written out
by hand from the bytes put in the files.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gwangyang.battery.io import read_cycler
from gwangyang.battery.io.column_map import ColumnMap
from gwangyang.errors import InputError

CYCLERS = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "battery" / "cyclers"
ARBIN = CYCLERS / "arbin" / "FastCharge_000025_CH8.csv"
ARBIN_META = CYCLERS / "arbin" / "FastCharge_000025_CH8_Metadata.csv"
NOVONIX = CYCLERS / "novonix" / "test_Nova_Form-CH01-01_short.csv"
NOVONIX_SUMMARY = CYCLERS / "novonix" / "test_Nova_Form-CH01-01_short_metadata.csv"
COLUMNS = {
    "test_time_s": {"source": "t"},
    "cycle_index": {"source": "c"},
    "current_a": {"source": "i"},
    "voltage_v": {"source": "v"},
}


@pytest.mark.parametrize(
    ("file", "written"),
    [
        ({"delimiter": True}, "file.delimiter: expected str, got true."),
        ({"delimiter": ["；", ";"]}, "file.delimiter: expected str, got ['；', ';']."),
        ({"delimiter": "；；"}, "file.delimiter: expected one character, got '；；'."),
        ({"decimal": "쉼표"}, "file.decimal: expected '.', ',' or 'auto', got '쉼표'."),
        ({"encoding": "한글"}, "file.encoding: unknown encoding '한글'."),
        (
            {"known_columns": [1.5]},
            "file.known_columns: expected a column name or a list of names, got [1.5].",
        ),
    ],
)
def test_column_map_file_fields(file: dict[str, object], written: str) -> None:
    with pytest.raises(InputError) as caught:
        ColumnMap.from_dict({"file": file, "columns": COLUMNS}, origin="맵.toml")
    assert str(caught.value) == f"맵.toml: {written}"


def test_column_map_choice_and_option() -> None:
    columns = {**COLUMNS, "current_a": {"source": "i", "sign": "충전"}}
    with pytest.raises(InputError) as caught:
        ColumnMap.from_dict({"columns": columns}, origin="맵.toml")
    assert str(caught.value) == (
        "맵.toml: columns.current_a.sign: expected one of positive_charge, negative_charge, unsigned, got '충전'."
    )
    with pytest.raises(InputError) as caught:
        ColumnMap.from_dict({"options": {"on_invalid": False}, "columns": COLUMNS}, origin="맵.toml")
    assert str(caught.value) == "맵.toml: options.on_invalid: expected str, got false."


def test_arbin_metadata_value_in_korean(tmp_path: Path) -> None:
    whole = ARBIN_META.read_bytes()
    assert whole.count(b",CH7,") == 0 and whole.count(b",7,") == 1  # iv_ch_id is 7 (test_arbin_companion.py)
    shutil.copy(ARBIN, tmp_path / "셀.csv")
    (tmp_path / "셀_Metadata.csv").write_bytes(whole.replace(b",7,", ",채널칠,".encode()))
    data = read_cycler(tmp_path / "셀.csv")
    notes = [w["detail"] for w in data.warnings if w["kind"] == "unknown_format"]
    assert notes == ["셀_Metadata.csv: column 'iv_ch_id' holds '채널칠', not an integer; not read"]


def test_novonix_summary_value_in_korean_and_cut(tmp_path: Path) -> None:
    head, row, *rest = NOVONIX_SUMMARY.read_bytes().split(b"\n")
    cells = row.split(b",")
    at = head.split(b",").index(b"Qd")
    shutil.copy(NOVONIX, tmp_path / "노바.csv")
    for value, shown in (("없음", "'없음'"), ("가" * 70, "'" + "가" * 58 + "…")):
        cells[at] = value.encode()
        (tmp_path / "노바_metadata.csv").write_bytes(b"\n".join([head, b",".join(cells), *rest]))
        data = read_cycler(tmp_path / "노바.csv")
        notes = [w["detail"] for w in data.warnings if w["kind"] == "unknown_format"]
        assert notes == [
            f"노바_metadata.csv: column 'Qd': 1 of {1 + sum(1 for r in rest if r.strip())} values are no "
            f"finite number, e.g. {shown} (row 1); left empty"
        ]
