"""UTF-16 exports without a byte-order mark, and a stray byte inside UTF-16 text.

The shared text samples are written in UTF-16-LE and -BE with no mark (as some Windows tools write them) and must
read to the very frame the original (UTF-8) file reads to, with a ``text_encoding`` warning that the encoding was
inferred. Binary files (the shared ``.res``, ``.mpr``, ``.nda``, ``.ndax``, ``.xlsx``, at every 512-byte offset,
and Hypothesis bytes and integer arrays) are never taken for UTF-16 text. A stray byte is named at the byte and
line counted here from the text before it (two bytes a character after the mark, if any).
"""

from __future__ import annotations

import struct
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gwangyang.battery.io import read_cycler
from gwangyang.battery.io.registry import detect
from gwangyang.battery.io.textutf16 import bare_utf16
from gwangyang.errors import CorruptFileError

CYCLERS = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "battery" / "cyclers"
SAMPLES = (
    "arbin/2017-05-09_test-TC-contact_CH33.csv",
    "maccor/PredictionDiagnostics_000151_test.052",
    "maccor/maccor_test_file_4267-66-6519.041",
    "neware/nw_regular_export_ife_example.csv",
    "basytec/sample_data_basytec.txt",
    "novonix/test_Nova_Form-CH01-01_short.csv",
    "biologic/test_loopsnewoutput_MB_CE1_short10k.csv",
    "biologic/Sample_data_biologic_no_header.mpt",
)
BINARIES = (
    "arbin/arbin_example.res",
    "arbin/bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx",
    "biologic/00_test_01_OCV_C01.mpr",
    "biologic/00_test_04_MB_C01.mpr",
    "neware/test.nda",
    "neware/test.ndax",
)
CODECS = ("utf-16-le", "utf-16-be")
BOMS = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}


def _text(name: str) -> str:
    raw = (CYCLERS / name).read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _same(path: Path, reference: Path) -> list[dict[str, str]]:
    """Read ``path`` and ``reference``; assert the same frame; the warnings of ``path`` not in ``reference``'s."""
    got, want = read_cycler(path), read_cycler(reference)
    pd.testing.assert_frame_equal(got.timeseries, want.timeseries)
    assert got.source == path
    return [w for w in got.warnings if w["kind"] not in {x["kind"] for x in want.warnings}]


@pytest.mark.parametrize("codec", CODECS)
@pytest.mark.parametrize("name", SAMPLES)
def test_utf16_without_its_mark_reads_as_the_original(tmp_path: Path, name: str, codec: str) -> None:
    text = _text(name)
    reference = tmp_path / "원본" / Path(name).name
    reference.parent.mkdir()
    reference.write_bytes(text.encode("utf-8"))
    path = tmp_path / f"표시 없음 {Path(name).name}"
    path.write_bytes(text.encode(codec))
    assert detect(path).name == detect(CYCLERS / name).name
    added = _same(path, reference)
    assert added == [
        {
            "file": path.name,
            "cell_id": "",
            "kind": "text_encoding",
            "detail": f"read as {codec.upper()}: the file has no byte-order mark; its encoding was inferred from its "
            f"bytes (a zero byte beside each ASCII character, {'after' if codec == 'utf-16-le' else 'before'} it)",
        }
    ]


@pytest.mark.parametrize("codec", CODECS)
def test_korean_text_without_its_mark(tmp_path: Path, codec: str) -> None:
    # a Basytec header in Korean (test name, cell, operator): the rows are ASCII, the head is not all ASCII
    text = _text(SAMPLES[4])
    for english, korean in (
        ("~Name of Test: test", "~Name of Test: 양극재 수명 시험 제일 차 (한글 메모: 온도 섭씨 이십오 도)"),
        ("~Battery: cell", "~Battery: 광양 공장 전지 셀 번호 일번 " + "가나다라마바사아자차카타파하" * 8),
        ("~Operator (Test): basytec", "~Operator (Test): 홍길동 김철수 이영희"),
    ):
        assert english in text
        text = text.replace(english, korean)
    reference = tmp_path / "원본.txt"
    reference.write_text(text, encoding="utf-8")
    path = tmp_path / "한글 머리말.txt"
    path.write_bytes(text.encode(codec))
    head = path.read_bytes()[:4096]
    assert sum(not c.isascii() for c in head.decode(codec, errors="ignore")) > 100
    assert [w["kind"] for w in _same(path, reference)] == ["text_encoding"]
    assert read_cycler(path).extra == read_cycler(reference).extra


@pytest.mark.parametrize("name", BINARIES)
def test_binary_files_are_never_utf16_text(name: str) -> None:
    raw = (CYCLERS / name).read_bytes()
    assert not [at for at in range(0, len(raw), 512) if bare_utf16(raw[at : at + 65536])]
    assert bare_utf16(raw[1:]) is None


_HANGUL = st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3)
_CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
_WORD = st.text(st.one_of(_HANGUL, _CJK), min_size=1, max_size=6)
_NUMBER = st.floats(-1e6, 1e6, allow_nan=False).map(repr)


@settings(max_examples=200, deadline=None)
@given(
    header=st.lists(_WORD, min_size=1, max_size=40),
    rows=st.lists(st.lists(_NUMBER, min_size=2, max_size=8), min_size=1, max_size=60),
    newline=st.sampled_from(["\n", "\r\n"]),
    codec=st.sampled_from(CODECS),
)
def test_rule_takes_korean_or_chinese_headed_exports(
    header: list[str], rows: list[list[str]], newline: str, codec: str
) -> None:
    text = ",".join(header) + newline + "".join(",".join(row) + newline for row in rows)
    raw = text.encode(codec)
    assert bare_utf16(raw) == codec
    assert bare_utf16(text.encode("utf-8")) is None
    assert bare_utf16(BOMS[codec] + raw) is None  # the mark reads it, not the rule (an odd start)


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=0, max_size=4096))
def test_rule_refuses_random_bytes(raw: bytes) -> None:
    assert bare_utf16(raw) is None


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(st.integers(0, 2**15 - 1), min_size=8, max_size=1000),
    form=st.sampled_from(["<h", ">h", "<i", ">i", "<f", "<d", ">d"]),
)
def test_rule_refuses_number_arrays(values: list[int], form: str) -> None:
    # binary records of small numbers: zero bytes at every other place, but no text between them
    raw = b"".join(struct.pack(form, v if form[-1] in "hi" else v / 7) for v in values)
    assert bare_utf16(raw) is None


CH33 = _text(SAMPLES[0])


def _stray(tmp_path: Path, codec: str, bom: bool, at: int, byte: bytes = b"\x00") -> tuple[Path, int, int]:
    """CH33 in UTF-16 with ``byte`` inserted before character ``at``: the file, the byte offset and its line."""
    mark = BOMS[codec] if bom else b""
    offset = len(mark) + 2 * at
    raw = mark + CH33.encode(codec)
    path = tmp_path / "어긋난 셀 33.csv"
    path.write_bytes(raw[:offset] + byte + raw[offset:])
    return path, offset, CH33[:at].count("\n") + 1


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    at=st.integers(CH33.index("\n") + 1, len(CH33) - 10),
    codec=st.sampled_from(CODECS),
    bom=st.booleans(),
)
def test_a_stray_zero_byte_is_named_at_its_byte_and_line(
    tmp_path_factory: pytest.TempPathFactory, at: int, codec: str, bom: bool
) -> None:
    path, offset, line = _stray(tmp_path_factory.mktemp("stray"), codec, bom, at)
    with pytest.raises(CorruptFileError) as info:
        read_cycler(path)
    assert str(info.value) == (
        f"{path}: does not decode as {codec.upper()} from byte {offset} on (line {line}): a stray byte there (a lone "
        "zero byte, or one byte too many) puts every character after it one byte out of place; the file is damaged "
        "there; repair or export it again."
    )


@pytest.mark.parametrize("codec", CODECS)
@pytest.mark.parametrize("bom", [True, False])
def test_a_stray_letter_and_an_odd_last_byte(tmp_path: Path, bom: bool, codec: str) -> None:
    at = len(CH33) // 3
    path, offset, line = _stray(tmp_path, codec, bom, at, b"7")
    with pytest.raises(CorruptFileError, match=rf"from byte {offset} on \(line {line}\): a stray byte"):
        read_cycler(path)
    mark = BOMS[codec] if bom else b""
    raw = mark + CH33.encode(codec)
    path.write_bytes(raw + b"7")
    with pytest.raises(CorruptFileError) as info:
        read_cycler(path)
    assert str(info.value) == (
        f"{path}: does not decode as {codec.upper()} at byte {len(raw)} (line {CH33.count(chr(10)) + 1}: truncated data) "
        "(an odd number of bytes: half a character at its end); the file is damaged there; repair or export it again."
    )
