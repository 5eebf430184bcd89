"""NUL in a UTF-16 export and in a text export's first block, refused as a later NUL in a UTF-8 one is.

The lines are counted independently, on the text (``str.count``) before the NUL, and the byte offsets from the
characters before it (two bytes a character after the two-byte mark in UTF-16).
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gwangyang.battery.io import read_cycler, textnul
from gwangyang.battery.io.registry import detect
from gwangyang.errors import CorruptFileError, UnknownFormatError

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
BOMS = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}


def _text(name: str) -> str:
    raw = (CYCLERS / name).read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _middle_digit(text: str) -> int:
    """Index of a character just after a digit about half way into the text, itself a digit (inside a value)."""
    at = len(text) // 2
    while not (text[at - 1].isdigit() and text[at].isdigit()):
        at += 1
    return at


def _refused(path: Path) -> str:
    with pytest.raises(CorruptFileError) as info:
        read_cycler(path)
    message = str(info.value)
    assert "\n" not in message and message.startswith(str(path))
    return message


@pytest.mark.parametrize("codec", BOMS)
@pytest.mark.parametrize("name", SAMPLES)
def test_utf16_nul_inside_a_value_names_its_line_and_byte(tmp_path: Path, name: str, codec: str) -> None:
    text = _text(name)
    at = _middle_digit(text)
    path = tmp_path / f"유니코드 손상 {Path(name).name}"
    path.write_bytes(BOMS[codec] + (text[:at] + "\x00" + text[at:]).encode(codec))
    message = _refused(path)
    line = text[:at].count("\n") + 1
    assert f"line {line} holds a NUL byte (\\x00\\x00 in UTF-16, byte {2 + 2 * at})" in message


@pytest.mark.parametrize("padding", [4096, 4095, 1])
@pytest.mark.parametrize("name", SAMPLES[:2])
def test_utf16_zero_filled_tail_in_its_own_words(tmp_path: Path, name: str, padding: int) -> None:
    # an odd tail too: a copy stopped in the middle of a character's two bytes
    text = _text(name)
    ended = text if text.endswith(("\n", "\r")) else text + "\n"
    path = tmp_path / f"복사 중단 {Path(name).name}"
    raw = BOMS["utf-16-le"] + ended.encode("utf-16-le")
    path.write_bytes(raw + b"\x00" * padding)
    message = _refused(path)
    line = ended.count("\n") + 1
    assert f"ends in {padding} bytes of NUL (\\x00) from line {line} on, a zero-filled tail" in message


def test_utf16_blanks_after_the_zeros_are_padding_and_a_value_is_not(tmp_path: Path) -> None:
    text = _text(SAMPLES[0])
    path = tmp_path / "빈칸.csv"
    raw = BOMS["utf-16-le"] + text.encode("utf-16-le")
    path.write_bytes(raw + "\x00\x00\r\n \x00".encode("utf-16-le"))
    assert "ends in 12 bytes of NUL" in _refused(path)
    path.write_bytes(raw + "\x00\x00\r\n5\x00".encode("utf-16-le"))
    line = text.count("\n") + 1
    assert f"line {line} holds a NUL byte (\\x00\\x00 in UTF-16, byte {len(raw)})" in _refused(path)


def test_utf16_zero_bytes_across_two_characters_are_no_nul(tmp_path: Path) -> None:
    # 'A' then 'Ā' (U+0100) in little-endian: 41 00 00 01, a zero pair at an odd offset
    text = _text(SAMPLES[0])
    assert textnul.utf16_nul(BOMS["utf-16-le"] + "AĀ".encode("utf-16-le")) is None
    path = tmp_path / "셀 Ā.csv"
    path.write_bytes(BOMS["utf-16-le"] + text.encode("utf-16-le"))
    assert len(read_cycler(path).timeseries) == text.count("\n") - 1


@pytest.mark.parametrize("codec", BOMS)
@pytest.mark.parametrize("name", SAMPLES)
def test_utf16_file_is_detected_as_its_vendor(tmp_path: Path, name: str, codec: str) -> None:
    path = tmp_path / f"검출 {Path(name).name}"
    path.write_bytes(BOMS[codec] + _text(name).encode(codec))
    assert detect(path).name == detect(CYCLERS / name).name


@pytest.mark.parametrize("codec", BOMS)
@pytest.mark.parametrize("name", SAMPLES[:4])
def test_utf16_without_its_mark_is_no_nul_damage(tmp_path: Path, name: str, codec: str) -> None:
    # every other byte is zero: the encoding, not damage at byte 1 (read: test_utf16_bare.py)
    path = tmp_path / f"표시 없음 {Path(name).name}"
    path.write_bytes(_text(name).encode(codec))
    assert detect(path).name == detect(CYCLERS / name).name
    assert len(read_cycler(path).timeseries) == len(read_cycler(CYCLERS / name).timeseries)


@pytest.mark.parametrize("offset", [0, 1, 100, 1500, 3000])
@pytest.mark.parametrize("name", SAMPLES)
def test_nul_in_the_first_block_is_damage_not_unknown_format(tmp_path: Path, name: str, offset: int) -> None:
    raw = (CYCLERS / name).read_bytes()
    path = tmp_path / f"머리 손상 {Path(name).name}"
    path.write_bytes(raw[:offset] + b"\x00" * 64 + raw[offset:])
    line = raw[:offset].count(b"\n") + 1
    assert f"line {line} holds a NUL byte (\\x00, byte {offset})" in _refused(path)


@pytest.mark.parametrize("name", SAMPLES[1:3])
def test_nul_overwriting_the_head_is_damage_where_the_header_survives(tmp_path: Path, name: str) -> None:
    # 200 bytes of the first rows overwritten by zeros: the header before them is the vendor's
    raw = (CYCLERS / name).read_bytes()
    start = raw.index(b"\n", 1200) + 1
    path = tmp_path / f"덮어쓴 {Path(name).name}"
    path.write_bytes(raw[:start] + b"\x00" * 200 + raw[start + 200 :])
    line = raw[:start].count(b"\n") + 1
    assert f"line {line} holds a NUL byte (\\x00, byte {start})" in _refused(path)


def test_header_and_zeros_in_the_first_block_is_a_zero_filled_tail(tmp_path: Path) -> None:
    raw = (CYCLERS / SAMPLES[1]).read_bytes()
    head = raw[: raw.index(b"\n", 1000) + 1]
    path = tmp_path / "헤더만.052"
    path.write_bytes(head + b"\x00" * 8192)
    line = head.count(b"\n") + 1
    assert f"ends in 8192 bytes of NUL (\\x00) from line {line} on" in _refused(path)


def test_binary_with_nul_is_still_unknown_format(tmp_path: Path) -> None:
    path = tmp_path / "이진.bin"
    path.write_bytes(bytes(range(256)) * 64)
    with pytest.raises(UnknownFormatError, match="binary file not recognised"):
        read_cycler(path)
    # nor is printable text no reader knows, with a NUL in it
    path.write_bytes(b"name,value\n" + b"\x00" * 10 + b"a,1\n" * 100)
    with pytest.raises(UnknownFormatError):
        read_cycler(path)


ROW = b"7,123.4567,1494377253.17,1.0,2,1,6.600444793701172,3.298668384552002,0.005,0.0,0.016,0.0,0.01,0.0,25.1\n"


def _large(tmp_path: Path, rows: int, nul_line: int) -> tuple[Path, int]:
    """A generated Arbin CSV of ``rows`` rows with a NUL inside a value of line ``nul_line``: its path and offset."""
    header = _text(SAMPLES[0]).split("\n", 1)[0].encode() + b"\n"
    before = header + ROW * (nul_line - 2)
    at = len(before) + 4
    path = tmp_path / "큰 파일.csv"
    with open(path, "wb") as handle:
        handle.write(before + ROW[:4] + b"\x00" + ROW[4:])
        for _ in range(rows // 10_000):
            handle.write(ROW * 10_000)
    return path, at


def _peak(call: object, *args: object) -> tuple[str, int]:
    tracemalloc.start()
    try:
        call(*args)  # type: ignore[operator]
    except CorruptFileError as exc:
        message = str(exc)
    else:
        raise AssertionError("not refused")
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return message, peak


def test_refusal_of_a_large_file_streams_and_stops_at_the_first_data_block(tmp_path: Path) -> None:
    path, at = _large(tmp_path, 400_000, nul_line=3)  # 42 MB of rows after the NUL
    size = path.stat().st_size
    assert size > 40_000_000
    message, peak = _peak(textnul.refuse_nul, path, at)
    assert message == (
        f"{path}: line 3 holds a NUL byte (\\x00, byte {at}) inside the data: the file is damaged there (a value "
        "would be cut short at it); repair or export the file again."
    )
    assert peak < 4 * textnul.BLOCK_BYTES  # one block at a time (the whole rest was 40 MB)
    assert _refused(path) == message  # the same through the reader (its scan reads blocks too)


def test_zero_filled_tail_of_a_large_file_is_read_in_blocks(tmp_path: Path) -> None:
    path, _ = _large(tmp_path, 0, nul_line=2)
    data = path.read_bytes()
    head = data[: data.index(b"\x00")]
    path.write_bytes(head + b"\x00" * 40_000_000)
    message, peak = _peak(textnul.refuse_nul, path, len(head))
    assert "ends in 40000000 bytes of NUL (\\x00) from line 2 on" in message
    assert peak < 4 * textnul.BLOCK_BYTES


def test_stops_reading_at_the_first_block_that_is_not_padding(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path, at = _large(tmp_path, 100_000, nul_line=3)
    taken: list[int] = []
    blocks = textnul._blocks

    def counted(handle: object, size: int | None = None) -> object:
        for block in blocks(handle, size):  # type: ignore[arg-type]
            taken.append(len(block))
            yield block

    monkeypatch.setattr(textnul, "_blocks", counted)
    with pytest.raises(CorruptFileError, match="line 3 holds a NUL byte"):
        textnul.refuse_nul(path, at)
    assert sum(taken) == at + textnul.BLOCK_BYTES < path.stat().st_size // 5


CH33 = _text(SAMPLES[0])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    at=st.integers(CH33.index("\n") + 1, len(CH33) - 2),
    run=st.integers(1, 40),
    codec=st.sampled_from(list(BOMS)),
)
def test_utf16_nul_run_anywhere_in_the_rows(
    tmp_path_factory: pytest.TempPathFactory, at: int, run: int, codec: str
) -> None:
    path = tmp_path_factory.mktemp("utf16") / "셀 33.csv"
    path.write_bytes(BOMS[codec] + (CH33[:at] + "\x00" * run + CH33[at:]).encode(codec))
    line = CH33[:at].count("\n") + 1
    with pytest.raises(
        CorruptFileError, match=rf"line {line} holds a NUL byte \(\\x00\\x00 in UTF-16, byte {2 + 2 * at}\)"
    ):
        read_cycler(path)
