"""Matrix CSVs, forecast tables and problem files read through ``gwangyang.files``: the same one-line messages.

Each way a read can fail (missing, a folder, unreadable, a symlink loop, not UTF-8, truncated, garbage) is tried on
every reader; the expected messages are those of :mod:`gwangyang.files`, with byte offsets and lines counted here
from the bytes written. Korean names (UTF-8, with or without Excel's byte-order mark) read as they are.
"""

from __future__ import annotations

import io
import json
import os
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from gwangyang.cli.main import main
from gwangyang.errors import CorruptFileError, InputError
from gwangyang.logistics.distances import read_matrix_csv
from gwangyang.logistics.forecast import load_series
from gwangyang.logistics.problem import RoutingProblem

from .test_forecast import SERIES, TARGET
from .test_model import GOOD as GOOD_PROBLEM

READERS: dict[str, tuple[str, str, Callable[[Path], Any]]] = {
    "matrix": (".csv", "distance or duration matrix CSV", lambda p: read_matrix_csv(p, ["A", "B"])),
    "series": (".csv", "CSV table", lambda p: load_series(p, "ds", TARGET)),
    "parquet": (".parquet", "Parquet table", lambda p: load_series(p, "ds", TARGET)),
    "problem": (".toml", "problem file", RoutingProblem.from_file),
}
"""Reader name -> (file suffix, what the messages say was expected, the reader)."""

TEXT_READERS = [name for name in READERS if name != "parquet"]


def not_utf8(path: Path, data: bytes, reason: str, what: str) -> str:
    """The message of :func:`gwangyang.files.read_text` for ``data``, the first bad byte found here."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return f"{path}: not UTF-8 text (byte {exc.start}, line {line}: {reason}), expected a {what} in UTF-8"
    raise AssertionError("the data is UTF-8")


@pytest.mark.parametrize("reader", READERS)
def test_missing_file(tmp_path: Path, reader: str) -> None:
    suffix, _, read = READERS[reader]
    path = tmp_path / f"없음{suffix}"
    with pytest.raises(InputError) as caught:
        read(path)
    assert str(caught.value) == f"{path}: file not found"


@pytest.mark.parametrize("reader", READERS)
def test_folder_given_as_a_file(tmp_path: Path, reader: str) -> None:
    suffix, what, read = READERS[reader]
    folder = tmp_path / f"folder{suffix}"
    folder.mkdir()
    with pytest.raises(InputError) as caught:
        read(folder)
    assert str(caught.value) == f"{folder}: is a folder, expected a {what}"


@pytest.mark.parametrize("reader", READERS)
def test_unreadable_file(tmp_path: Path, reader: str) -> None:
    """``/proc/self/mem`` exists and cannot be read by anyone (EIO), root included; reached by a link named as the reader expects."""
    if not Path("/proc/self/mem").exists():
        pytest.skip("no /proc on this system")
    suffix, _, read = READERS[reader]
    link = tmp_path / f"mem{suffix}"
    link.symlink_to("/proc/self/mem")
    with pytest.raises(InputError) as caught:
        read(link)
    assert str(caught.value) == f"{link}: cannot be read (Input/output error)"
    loop = tmp_path / f"loop{suffix}"
    loop.symlink_to(loop)
    with pytest.raises(InputError) as caught:
        read(loop)
    assert str(caught.value).startswith(f"{loop}: cannot be read (")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files without read permission")
@pytest.mark.parametrize("reader", READERS)
def test_file_without_read_permission(tmp_path: Path, reader: str) -> None:
    suffix, _, read = READERS[reader]
    path = tmp_path / f"locked{suffix}"
    path.write_bytes(b"x")
    path.chmod(0)
    with pytest.raises(InputError) as caught:
        read(path)
    assert str(caught.value) == f"{path}: cannot be read (Permission denied)"


def korean_month_series(encoding: str) -> bytes:
    """The Vancouver series with January 2009 written ``1월`` in ``encoding`` (as a Korean spreadsheet would)."""
    data = SERIES.read_bytes()
    at = data.index(b"\nJanuary,", data.index(b"\nJanuary,") + 1) + 1  # the second January: 2009
    return data[:at] + "1월".encode(encoding) + data[at + len(b"January") :]


def test_cp949_series_is_refused_at_its_byte(tmp_path: Path) -> None:
    data = korean_month_series("cp949")
    path = tmp_path / "vancouver.csv"
    path.write_bytes(data)
    message = not_utf8(path, data, "invalid start byte", "CSV table")
    assert "line 14:" in message  # header, 12 months of 2008, then January 2009
    with pytest.raises(CorruptFileError) as caught:
        load_series(path, "ds", TARGET)
    assert str(caught.value) == message


def test_utf8_korean_series_with_bom_reads_as_the_original(tmp_path: Path) -> None:
    path = tmp_path / "밴쿠버 물동량.csv"
    data = korean_month_series("utf-8").replace(TARGET.encode(), "물동량(TEU)".encode(), 1)
    path.write_bytes(b"\xef\xbb\xbf" + data)  # Excel's "CSV UTF-8" starts with a byte-order mark
    korean, original = load_series(path, "ds", "물동량(TEU)"), load_series(SERIES, "ds", TARGET)
    pd.testing.assert_frame_equal(korean, original)
    assert len(korean) == 192 and korean["y"].iloc[12] == pd.read_csv(SERIES)[TARGET].iloc[12]


def test_cp949_matrix_is_refused_and_utf8_korean_ids_read(tmp_path: Path) -> None:
    path = tmp_path / "거리.csv"
    text = "id,광양제철소,B\n광양제철소,0,5.5\nB,6,0\n"
    path.write_bytes(text.encode("cp949"))
    with pytest.raises(CorruptFileError) as caught:
        read_matrix_csv(path, ["B", "광양제철소"])
    assert str(caught.value) == not_utf8(
        path, text.encode("cp949"), "invalid start byte", "distance or duration matrix CSV"
    )
    assert str(caught.value).startswith(f"{path}: not UTF-8 text (byte 3, line 1: ")
    path.write_text(text, encoding="utf-8")
    assert read_matrix_csv(path, ["B", "광양제철소"]).tolist() == [[0.0, 6.0], [5.5, 0.0]]


def test_cp949_problem_file_is_refused(tmp_path: Path) -> None:
    text = GOOD_PROBLEM.replace('name = "t"', 'name = "광양 배송"', 1)
    path = tmp_path / "문제.toml"
    path.write_bytes(text.encode("cp949"))
    with pytest.raises(CorruptFileError) as caught:
        RoutingProblem.from_file(path)
    assert str(caught.value) == not_utf8(path, text.encode("cp949"), "invalid start byte", "problem file")
    path.write_text(text, encoding="utf-8")
    assert RoutingProblem.from_file(path).name == "광양 배송"
    as_json = tmp_path / "문제.json"
    as_json.write_bytes(json.dumps({"name": "광양"}, ensure_ascii=False).encode("cp949"))
    with pytest.raises(CorruptFileError, match=r"not UTF-8 text \(byte 10, line 1: "):
        RoutingProblem.from_file(as_json)


@pytest.mark.parametrize("reader", TEXT_READERS)
def test_garbage_bytes_are_refused_at_the_first_bad_byte(tmp_path: Path, reader: str) -> None:
    suffix, what, read = READERS[reader]
    data = random.Random(11).randbytes(2048)
    path = tmp_path / f"garbage{suffix}"
    path.write_bytes(data)
    with pytest.raises(CorruptFileError) as caught:
        read(path)
    exc = _decode_error(data)
    assert str(caught.value) == not_utf8(path, data, exc.reason, what)


def _decode_error(data: bytes) -> UnicodeDecodeError:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc
    raise AssertionError("the data is UTF-8")


def parquet_series() -> bytes:
    """The Vancouver series as Parquet bytes."""
    out = io.BytesIO()
    pd.read_csv(SERIES).to_parquet(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: random.Random(3).randbytes(len(data)), id="garbage"),
        pytest.param(lambda data: b"", id="empty"),
    ],
)
def test_broken_parquet_is_refused_in_one_line(tmp_path: Path, damage: Callable[[bytes], bytes]) -> None:
    good = tmp_path / "good.parquet"
    good.write_bytes(parquet_series())
    pd.testing.assert_frame_equal(load_series(good, "ds", TARGET), load_series(SERIES, "ds", TARGET))
    path = tmp_path / "broken.parquet"
    path.write_bytes(damage(good.read_bytes()))
    with pytest.raises(CorruptFileError) as caught:
        load_series(path, "ds", TARGET)
    message = str(caught.value)
    assert message.startswith(f"{path}: not a readable Parquet table (") and "\n" not in message


def test_series_cut_inside_a_row_is_refused(tmp_path: Path) -> None:
    lines = SERIES.read_bytes().splitlines(keepends=True)
    path = tmp_path / "cut.csv"
    path.write_bytes(b"".join(lines[:100]) + lines[100][:30])  # header, 99 whole months, part of the 100th
    assert lines[100][:30].startswith(b"April,236649,")  # the month, its total TEU and a few more counts
    with pytest.raises(InputError) as caught:
        load_series(path, "ds", TARGET)
    assert str(caught.value) == f"{path}: column 'ds' has 1 missing date(s), the first in data row 100"
    path.write_bytes(b"".join(lines[:100]))  # cut between two rows: the first 99 months, as CSV cannot tell
    assert len(load_series(path, "ds", TARGET)) == 99


def test_empty_files_are_refused_in_one_line(tmp_path: Path) -> None:
    matrix = tmp_path / "empty.csv"
    matrix.write_bytes(b"")
    with pytest.raises(CorruptFileError) as caught:
        read_matrix_csv(matrix, ["A"])
    assert str(caught.value) == f"{matrix}: not a readable CSV matrix (No columns to parse from file)"
    with pytest.raises(CorruptFileError) as caught:
        load_series(matrix, "ds", TARGET)
    assert str(caught.value) == f"{matrix}: not a readable CSV table (No columns to parse from file)"


def test_forecast_cli_exits_2_with_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "vancouver.csv"
    path.write_bytes(korean_month_series("cp949"))
    args = ["--date-column", "ds", "--target", TARGET, "--json"]
    expected = {
        path: not_utf8(path, path.read_bytes(), "invalid start byte", "CSV table"),
        tmp_path: f"{tmp_path}: is a folder, expected a CSV table",
    }
    for given, message in expected.items():
        assert main(["forecast", str(given), *args]) == 2
        captured = capsys.readouterr()
        assert captured.out == "" and len(captured.err.strip().splitlines()) == 1
        assert message in captured.err


APPOINTMENTS_PROBLEM = """
name = "게이트 예약"
[appointments]
file = "slots.csv"
[[sites]]
id = "T"
kind = "depot"
latitude = 34.9
longitude = 127.67
[[sites]]
id = "A"
latitude = 34.93
longitude = 127.74
[[vehicles]]
name = "truck"
count = 1
capacity = [2]
start_depot = "T"
[[shipments]]
id = "s1"
pickup = "T"
delivery = "A"
quantity = [1]
cargo = "import"
appointment = "예약1"
"""
"""A shipment whose pickup window at the terminal is the gate appointment ``예약1`` of ``slots.csv``."""


def test_appointments_file_is_read_through_files(tmp_path: Path) -> None:
    problem = tmp_path / "problem.toml"
    problem.write_text(APPOINTMENTS_PROBLEM, encoding="utf-8")
    slots = tmp_path / "slots.csv"
    with pytest.raises(InputError) as caught:
        RoutingProblem.from_file(problem)
    assert str(caught.value) == f"{problem}: appointments.file: {slots}: file not found"
    slots.mkdir()
    with pytest.raises(InputError) as caught:
        RoutingProblem.from_file(problem)
    assert (
        str(caught.value)
        == f"{problem}: appointments.file: {slots}: is a folder, expected a gate appointments CSV"
    )
    slots.rmdir()
    text = "id,start,end\n예약1,07:00,08:00\n"
    slots.write_bytes(text.encode("cp949"))
    with pytest.raises(CorruptFileError) as caught:
        RoutingProblem.from_file(problem)
    expected = not_utf8(slots, text.encode("cp949"), "invalid start byte", "gate appointments CSV")
    assert str(caught.value) == f"{problem}: appointments.file: {expected}"
    slots.write_bytes(b"\xef\xbb\xbf" + text.encode())  # UTF-8 with Excel's byte-order mark
    (shipment,) = RoutingProblem.from_file(problem).shipments
    assert shipment.pickup_window == (7 * 60.0, 8 * 60.0)
