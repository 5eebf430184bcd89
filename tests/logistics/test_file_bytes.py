"""Routing files whose bytes are wrong: refused in one line naming the file and the byte, never read silently.

The shared instances (CVRP, Solomon VRPTW and PyVRP's variants) are copied with a Korean word put into their
NAME or COMMENT line, once in cp949 (EUC-KR, what a Korean Windows editor may save) and once in UTF-8. The
cp949 copy is refused at the offset where the word was put, which the test computes from the bytes it wrote;
the UTF-8 copy reads as the original with the Korean name. Truncated files and garbage bytes are refused too.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import numpy as np
import pytest

from gwangyang.cli.main import main
from gwangyang.errors import CorruptFileError
from gwangyang.logistics.vrplib_io import read_instance, read_vrplib_solution

from .independent import check_cvrp
from .test_solver import CVRP, VRPTW
from .test_variants import VARIANTS
from .test_vrplib_io import GOOD_VRP

INSTANCES = [
    CVRP / "X-n101-k25.vrp",
    VRPTW / "C101.txt",
    VARIANTS / "HFVRP" / "X101-FSMFD.vrp",
    VARIANTS / "MDVRPTW" / "PR11A.vrp",
    VARIANTS / "MTVRPTWR" / "C201R0.25.vrp",
    VARIANTS / "VRPB" / "X-n1001-50-k22.vrp",
]
"""One instance of each family in ../shared/data/logistics."""

KOREAN = "광양제철소 "
"""Put before the instance's name (or at the start of its comment)."""

SNIFF = "VRPLIB .vrp or Solomon .txt file"
"""What :func:`read_instance` says it expected."""


def insertion_point(data: bytes, path: Path, line: str) -> int:
    """Byte offset in ``data`` where the Korean word goes: before the name (``NAME``) or after ``COMMENT``'s colon."""
    if line == "NAME":
        return data.index(path.stem.encode())
    start = data.index(b"COMMENT")
    return data.index(b":", start) + 1


def with_korean(path: Path, out: Path, line: str, encoding: str) -> tuple[Path, int]:
    """A copy of ``path`` in ``out`` with :data:`KOREAN` in ``encoding`` put into ``line``; and where it starts."""
    data = path.read_bytes()
    at = insertion_point(data, path, line)
    copy = out / path.name
    copy.write_bytes(data[:at] + KOREAN.encode(encoding) + data[at:])
    return copy, at


def not_utf8(path: Path, at: int, data: bytes, reason: str, what: str = SNIFF) -> str:
    """The message for a first non-UTF-8 byte at offset ``at`` of ``data``, its line counted here."""
    line = data[:at].count(b"\n") + 1
    return f"{path}: not UTF-8 text (byte {at}, line {line}: {reason}), expected a {what} in UTF-8"


CASES = [(p, "NAME") for p in INSTANCES] + [(p, "COMMENT") for p in INSTANCES if p.suffix == ".vrp"]


@pytest.mark.parametrize(("path", "line"), CASES, ids=lambda v: v if isinstance(v, str) else v.name)
def test_cp949_byte_in_a_real_instance_is_refused_at_its_offset(
    tmp_path: Path, path: Path, line: str
) -> None:
    copy, at = with_korean(path, tmp_path, line, "cp949")
    data = copy.read_bytes()
    assert data[at] == 0xB1  # "광" in cp949 starts with 0xB1, which UTF-8 only allows inside a character
    with pytest.raises(CorruptFileError) as caught:
        read_instance(copy)
    assert str(caught.value) == not_utf8(copy, at, data, "invalid start byte")
    assert line != "NAME" or at < 30  # the first line: the name of every family comes first


@pytest.mark.parametrize(("path", "line"), CASES, ids=lambda v: v if isinstance(v, str) else v.name)
def test_korean_utf8_in_a_real_instance_reads_as_the_original(tmp_path: Path, path: Path, line: str) -> None:
    copy, _ = with_korean(path, tmp_path, line, "utf-8")
    original, korean = read_instance(path), read_instance(copy)
    assert korean.name == (KOREAN + original.name if line == "NAME" else original.name)
    assert np.array_equal(korean.distance, original.distance)
    assert np.array_equal(korean.demand, original.demand)
    assert np.array_equal(korean.tw_late, original.tw_late)
    assert korean.vehicles == original.vehicles


@pytest.mark.parametrize("path", [p for p in INSTANCES if p.suffix == ".vrp"], ids=lambda p: p.name)
def test_solution_file_with_a_cp949_line_is_refused(tmp_path: Path, path: Path) -> None:
    sol = path.with_suffix(".sol")
    data = sol.read_bytes()
    copy = tmp_path / sol.name
    comment = b"Comment: " + KOREAN.encode("cp949") + b"\n"
    copy.write_bytes(comment + data)
    with pytest.raises(CorruptFileError) as caught:
        read_vrplib_solution(copy)
    assert str(caught.value) == not_utf8(
        copy, 9, comment + data, "invalid start byte", "VRPLIB solution file"
    )
    copy.write_bytes(b"Comment: " + KOREAN.encode() + b"\n" + data)  # the same in UTF-8: read as the original
    assert read_vrplib_solution(copy) == read_vrplib_solution(sol)


def test_truncated_instance_names_the_section_it_was_cut_in(tmp_path: Path) -> None:
    path = CVRP / "X-n101-k25.vrp"
    lines = path.read_bytes().splitlines(keepends=True)
    coords = next(k for k, line in enumerate(lines) if line.startswith(b"NODE_COORD_SECTION"))
    cut = tmp_path / path.name
    cut.write_bytes(b"".join(lines[: coords + 1 + 50]))  # the first 50 of 101 coordinate rows
    with pytest.raises(CorruptFileError) as caught:
        read_instance(cut)
    assert str(caught.value) == f"{cut}: NODE_COORD_SECTION has 50 rows, expected DIMENSION = 101"
    cut.write_bytes(b"".join(lines[: coords + 1 + 50]) + lines[coords + 51][:3])  # inside row 51
    with pytest.raises(CorruptFileError, match="NODE_COORD_SECTION has 51 rows, expected DIMENSION = 101"):
        read_instance(cut)


@pytest.mark.parametrize("path", INSTANCES, ids=lambda p: p.name)
def test_instance_cut_in_half_is_refused_in_one_line(tmp_path: Path, path: Path) -> None:
    data = path.read_bytes()
    cut = tmp_path / path.name
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptFileError) as caught:
        read_instance(cut)
    message = str(caught.value)
    assert message.startswith(f"{cut}: ") and "\n" not in message


@pytest.mark.parametrize("path", [p for p in INSTANCES if p.suffix == ".vrp"], ids=lambda p: p.name)
def test_solution_cut_in_half_is_refused(tmp_path: Path, path: Path) -> None:
    data = path.with_suffix(".sol").read_bytes()
    cut = tmp_path / "cut.sol"
    cut.write_bytes(data[: len(data) // 2])  # the Cost line, last in every file, is gone
    with pytest.raises(CorruptFileError) as caught:
        read_vrplib_solution(cut)
    message = str(caught.value)
    assert (
        message
        in (  # cut between lines, or inside a route line's "Route #k:"
            f"{cut}: expected 'Route #k: ...' lines and a 'Cost N' line",
            f"{cut}: route line {data[: len(data) // 2].splitlines()[-1].decode()!r}: "
            "expected 'Route #k:' and location numbers",
        )
    )
    cut.write_bytes(data[: data.rindex(b"Cost")] + b"Cost")  # the cost's number is gone
    with pytest.raises(CorruptFileError, match=f"^{re.escape(str(cut))}: Cost: expected a number, got ''$"):
        read_vrplib_solution(cut)


def test_utf8_cut_inside_a_korean_character_is_refused(tmp_path: Path) -> None:
    data = GOOD_VRP.replace("NAME : tiny", "NAME : 광양").encode()
    end = data.index("양".encode()) + 1  # the first of the three bytes of 양
    cut = tmp_path / "cut.vrp"
    cut.write_bytes(data[:end])
    with pytest.raises(CorruptFileError) as caught:
        read_instance(cut)
    assert str(caught.value) == not_utf8(cut, end - 1, data, "unexpected end of data")


@pytest.mark.parametrize("suffix", [".vrp", ".txt", ".sol"])
def test_garbage_bytes_are_refused_at_the_first_bad_byte(tmp_path: Path, suffix: str) -> None:
    data = random.Random(7).randbytes(4096)
    first = next(k for k in range(len(data)) if not _utf8_prefix(data[: k + 1]))
    path = tmp_path / f"garbage{suffix}"
    path.write_bytes(data)
    read = read_vrplib_solution if suffix == ".sol" else read_instance
    with pytest.raises(CorruptFileError) as caught:
        read(path)
    what = "VRPLIB solution file" if suffix == ".sol" else SNIFF
    line = data[:first].count(b"\n") + 1
    assert re.fullmatch(
        re.escape(f"{path}: not UTF-8 text (byte {first}, line {line}: ") + r"[a-z ]+\), expected a "
        f"{re.escape(what)} in UTF-8",
        str(caught.value),
    )


def _utf8_prefix(data: bytes) -> bool:
    """Whether ``data`` is UTF-8 text or its start (a character may be unfinished at the end)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.reason == "unexpected end of data"
    return True


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x00" * 64, "line 1: expected 'KEY : value' or a section"),
        (b"NAME : x\nDIMENSION : 3\x00\n", "DIMENSION: expected a number"),
        (b"", "missing specification DIMENSION"),
    ],
)
def test_utf8_garbage_is_refused_by_the_field_it_spoils(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "garbage.vrp"
    path.write_bytes(data)
    with pytest.raises(CorruptFileError) as caught:
        read_instance(path)
    assert str(caught.value).startswith(f"{path}: {message}") and "\n" not in str(caught.value)


def test_korean_name_end_to_end_through_the_cli(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "광양 배송.vrp"
    path.write_text(GOOD_VRP.replace("NAME : tiny", "NAME : 광양제철소 → 광양항 # 시험"), encoding="utf-8")
    assert main(["routes", "solve", str(path), "--time-limit", "1", "--seed", "1", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["instance"] == "광양제철소 → 광양항 # 시험"
    assert doc["cost"] == check_cvrp(path, doc["routes"]) == 20  # 0-(3,4)-(6,8)-0: 5 + 5 + 10
    assert main(["routes", "solve", str(path), "--time-limit", "1", "--seed", "1"]) == 0
    assert "광양제철소 → 광양항 # 시험: pyvrp, cost 20.00" in capsys.readouterr().err


def test_cp949_file_exits_2_with_one_line_through_the_cli(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    copy, at = with_korean(CVRP / "X-n101-k25.vrp", tmp_path, "COMMENT", "cp949")
    assert main(["routes", "solve", str(copy), "--time-limit", "1", "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1
    assert not_utf8(copy, at, copy.read_bytes(), "invalid start byte") in captured.err


def test_shared_instances_are_utf8() -> None:
    """The refusal costs no real file: every shared routing file is UTF-8 (all are ASCII today)."""
    root = CVRP.parent
    checked = 0
    for path in root.rglob("*"):
        if path.is_file() and path.suffix in (".vrp", ".sol", ".txt", ".csv"):
            path.read_bytes().decode("utf-8")
            checked += 1
    assert checked >= 60
