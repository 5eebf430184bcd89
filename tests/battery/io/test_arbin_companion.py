"""Arbin's ``_Metadata.csv`` companion cut, with garbage bytes, unknown columns or values that do not parse.

The shared companion of ``FastCharge_000025_CH8.csv`` is cut at byte offsets (inside its header, mid-row,
inside the quoted database list, right after a separator, inside its last field, between ``\\r`` and
``\\n``), damaged and given a Korean name. The independent route is Python's csv module on the cut bytes:
a cut copy with no row, a row without the header's 22 fields or an unclosed quote must be refused in one
line naming the companion; a whole-shaped row must be read as the csv module reads it, less its last field
when no line break ends it (``truncated_file`` warning naming the companion and ``'value2'``).
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gwangyang.battery.io import read_cycler
from gwangyang.battery.schema import CyclerData
from gwangyang.errors import CorruptFileError

ARBIN = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "battery" / "cyclers" / "arbin"
DATA = ARBIN / "FastCharge_000025_CH8.csv"
META = ARBIN / "FastCharge_000025_CH8_Metadata.csv"
WHOLE = META.read_bytes()
# the shared file's row, read with the csv module: iv_ch_id 7, first_start_datetime 1494645214
ROW = dict(zip(*list(csv.reader(io.StringIO(WHOLE.decode("latin-1"), newline=""))), strict=True))


def pair(folder: Path, meta: bytes, stem: str = "셀_7") -> Path:
    """A copy of the data file with ``meta`` as its companion (Korean names: the copies must work too)."""
    path = folder / f"{stem}.csv"
    shutil.copy(DATA, path)
    (folder / f"{stem}_Metadata.csv").write_bytes(meta)
    return path


def kinds(data: CyclerData) -> list[tuple[str, str]]:
    return [(w["file"], w["kind"]) for w in data.warnings]


END = ("셀_7.csv", "end_time_mismatch")
"""The shared companion's Last_End_DateTime is 2 h 22 min before its start (test_companion_checks.py)."""


def expected(meta: bytes) -> tuple[str, dict[str, str]]:
    """What the csv module says of a (cut) companion: ``("refused", {})`` or ``("read", row read)``."""
    text = meta.decode("latin-1")
    if not meta or text.count('"') % 2:  # empty, or the cut falls inside the quoted database list
        return "refused", {}
    records = [r for r in csv.reader(io.StringIO(text, newline="")) if r]
    if len(records) < 2 or len(records[1]) != len(records[0]):
        return "refused", {}
    row = dict(zip(records[0], records[1], strict=True))
    if not meta.endswith((b"\n", b"\r")):
        row[records[0][-1]] = ""  # the last field may be cut short: not read
    return "read", row


def check_cut(folder: Path, offset: int) -> None:
    cut = WHOLE[:offset]
    path = pair(folder, cut)
    outcome, row = expected(cut)
    if outcome == "refused":
        with pytest.raises(CorruptFileError) as caught:
            read_cycler(path)
        message = str(caught.value)
        assert "\n" not in message and str(folder / "셀_7_Metadata.csv") in message
        return
    data = read_cycler(path)
    assert data.channel == str(int(row["iv_ch_id"]) + 1) == "8"
    assert data.start_time == pd.Timestamp(int(row["first_start_datetime"]), unit="s", tz="UTC")
    assert data.extra["barcode"] == row["item_id"] == "EL150800453116"
    assert data.extra["databases"] == row["databases"] == "ArbinResult_6,ArbinResult_7,"
    if cut.endswith((b"\n", b"\r")):
        assert kinds(data) == [END]
    else:
        assert kinds(data) == [("셀_7_Metadata.csv", "truncated_file"), END]
        assert "'value2'" in data.warnings[0]["detail"] and "셀_7_Metadata.csv" in data.warnings[0]["detail"]


LAST_SEP = WHOLE.rindex(b",") + 1
OFFSETS = {
    "inside the header": 100,
    "right after the header": WHOLE.index(b"\n") + 1,
    "mid-row": 300,
    "inside the quoted database list": WHOLE.index(b"ArbinResult_7"),
    "right after the last separator": LAST_SEP,
    "inside the last field": LAST_SEP + 2,
    "after the last field": len(WHOLE) - 2,
    "between \\r and \\n": len(WHOLE) - 1,
    "whole": len(WHOLE),
    "empty": 0,
}


@pytest.mark.parametrize("offset", OFFSETS.values(), ids=OFFSETS.keys())
def test_companion_cut_at(tmp_path: Path, offset: int) -> None:
    check_cut(tmp_path, offset)


def test_cut_outcomes_as_the_csv_module_says() -> None:
    # the route itself: what each named cut must give
    outcomes = {name: expected(WHOLE[:offset])[0] for name, offset in OFFSETS.items()}
    read = {"right after the last separator", "inside the last field", "after the last field"}
    assert {n for n, o in outcomes.items() if o == "read"} == read | {"between \\r and \\n", "whole"}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(offset=st.integers(min_value=0, max_value=len(WHOLE)))
def test_companion_cut_anywhere(tmp_path: Path, offset: int) -> None:
    folder = tmp_path / f"cut{offset}"
    folder.mkdir(exist_ok=True)
    check_cut(folder, offset)


def test_refusal_names_the_companion_and_its_cut(tmp_path: Path) -> None:
    path = pair(tmp_path, WHOLE[:300])
    with pytest.raises(CorruptFileError) as caught:
        read_cycler(path)
    # the csv module: the cut row has 5 fields where the header has 22
    assert len(next(csv.reader([WHOLE[:300].decode().splitlines()[1]]))) == 5
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / '셀_7_Metadata.csv'}: line 2 has 5 fields where the header")
    assert "metadata file looks truncated" in message and "\n" not in message
    with pytest.raises(CorruptFileError, match="no row: it ends inside its header line"):
        read_cycler(pair(tmp_path, WHOLE[:100]))


def test_cut_data_file_with_cut_companion_names_both(tmp_path: Path) -> None:
    # the data file is read through a scratch copy: the refusal must name the companion where it is
    path = pair(tmp_path, WHOLE[:300])
    path.write_bytes(DATA.read_bytes()[:-7])
    with pytest.raises(CorruptFileError) as caught:
        read_cycler(path)
    message = str(caught.value)
    assert str(tmp_path / "셀_7_Metadata.csv") in message and "gwangyang-cut-" not in message
    assert "셀_7.csv looks truncated too" in message


@pytest.mark.parametrize(
    ("column", "value", "lost"),
    [
        ("item_id", b"EL15\x00\x01\x0453116", "barcode"),  # NUL: pandas' C parser would stop the field
        ("item_id", b"EL15\x80\x810453116", "barcode"),  # not text in any encoding tried
        ("iv_ch_id", b"CH7", "channel"),
        ("iv_ch_id", b"-1", "channel"),
        ("iv_ch_id", b"7.5", "channel"),
        ("first_start_datetime", b"2017-05-13 03:13:34", "start_time"),
        ("first_start_datetime", b"99999999999", "start_time"),  # past 2099
        ("test_id", b"abc", "test_id"),
        ("value", b"nan", None),
    ],
)
def test_value_not_of_its_form(tmp_path: Path, column: str, value: bytes, lost: str | None) -> None:
    original = ROW[column].encode()
    assert WHOLE.count(b"," + original + b",") == 1
    path = pair(tmp_path, WHOLE.replace(b"," + original + b",", b"," + value + b","))
    data = read_cycler(path)
    notes = [w for w in data.warnings if w["kind"] == "unknown_format"]
    assert len(notes) == 1 and notes[0]["file"] == "셀_7_Metadata.csv"
    assert f"column {column!r} holds" in notes[0]["detail"] and "not read" in notes[0]["detail"]
    seen = {
        "channel": data.channel,
        "start_time": data.start_time,
        "barcode": data.extra.get("barcode"),
        "test_id": data.extra.get("test_id"),
    }
    # what is not read stays unknown (as with no companion); the rest is the shared file's row
    assert seen == {
        "channel": None if lost == "channel" else "8",
        "start_time": None if lost == "start_time" else pd.Timestamp(1494645214, unit="s", tz="UTC"),
        "barcode": None if lost == "barcode" else "EL150800453116",
        "test_id": None if lost == "test_id" else "153",
    }


def test_empty_values_are_not_recorded_not_wrong(tmp_path: Path) -> None:
    data = read_cycler(pair(tmp_path, WHOLE.replace(b",EL150800453116,", b",,")))
    assert kinds(data) == [END] and "barcode" not in data.extra and data.channel == "8"


def test_unknown_column_and_extra_rows(tmp_path: Path) -> None:
    head, row = WHOLE.decode().splitlines()
    text = f"{head},Nominal_Capacity,비고\r\n{row},1.1,정상\r\n{row},1.1,정상\r\n"
    data = read_cycler(pair(tmp_path, text.encode("utf-8")))
    assert kinds(data) == [
        ("셀_7_Metadata.csv", "unknown_column"),
        ("셀_7_Metadata.csv", "unknown_format"),
        END,
    ]
    assert "'Nominal_Capacity', '비고'" in data.warnings[0]["detail"]
    assert "2 rows; only the first is read" in data.warnings[1]["detail"]
    assert data.channel == "8" and data.extra["barcode"] == "EL150800453116"


def test_extra_field_refused(tmp_path: Path) -> None:
    head, row = WHOLE.decode().splitlines()
    with pytest.raises(CorruptFileError) as caught:
        read_cycler(pair(tmp_path, f"{head}\r\n{row},0.0\r\n".encode()))
    # the csv module: 23 fields where the header has 22
    assert len(next(csv.reader([row + ",0.0"]))) == 23
    assert str(caught.value).startswith(f"{tmp_path / '셀_7_Metadata.csv'}: line 2 has 23 fields")
