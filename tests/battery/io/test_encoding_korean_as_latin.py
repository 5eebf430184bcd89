"""Korean (cp949) text that is valid UTF-8 too: read as UTF-8, with a ``text_encoding`` warning.

cp949 writes a Hangul syllable as a lead byte 0xB0-0xC8 and a trail byte 0xA1-0xFE; where the lead is
0xC2-0xC8 and the trail 0xA1-0xBF the two bytes are also one UTF-8 character, an accented Latin letter:
``체`` is c3 bc, UTF-8 ``ü`` (U+00FC); ``크`` c5 a9, ``ũ`` (U+0169); ``카`` c4 ab, ``ī``; ``타`` c5 b8, ``Ÿ``
(worked out from the code charts, and checked below with Python's own codecs).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gwangyang.battery.io import read_cycler
from gwangyang.battery.io.textfile import BLOCK_BYTES, scan_text

from .variant_layouts import NEWARE_CSV
from .variants import RecordExport, write


def _utf8_reading(syllable: str) -> str | None:
    raw = syllable.encode("cp949", errors="ignore")
    return (
        raw.decode("utf-8") if len(raw) == 2 and 0xC2 <= raw[0] <= 0xC8 and 0xA1 <= raw[1] <= 0xBF else None
    )


READINGS = {chr(c): r for c in range(0xAC00, 0xD7A4) if (r := _utf8_reading(chr(c))) is not None}
"""The Hangul syllables whose cp949 bytes are one UTF-8 character (217 of the 2,350 KS X 1001 ones)."""
AMBIGUOUS = [k for k, r in READINGS.items() if "\u00c0" <= r <= "\u024f" and r not in "×÷"]
"""Those that read as a Latin letter (185); the other 32 read as a symbol (``째`` c2 b0 as ``°``, ``쨉`` as ``µ``,
``첨`` as ``÷``), which UTF-8 text writes too: a file holding one is taken for UTF-8 without a note."""


def test_the_byte_arithmetic() -> None:
    assert (
        "체크".encode("cp949") == b"\xc3\xbc\xc5\xa9"
        and b"\xc3\xbc\xc5\xa9".decode("utf-8") == "\u00fc\u0169"
    )
    assert "카타".encode("cp949").decode("utf-8") == "\u012b\u0178"
    assert len(READINGS) == 217 and len(AMBIGUOUS) == 185 and "체" in AMBIGUOUS and "충" not in READINGS
    assert READINGS["째"] == "°" and READINGS["쨉"] == "µ" and READINGS["첨"] == "÷"


def test_cp949_korean_that_is_valid_utf8_is_warned_about(tmp_path: Path) -> None:
    text = "Rec,Volts\r\n1,3.70\r\n2,3.71 체크 카타\r\n3,3.72\r\n"
    path = tmp_path / "체크.csv"
    path.write_bytes(text.encode("cp949"))
    scan = scan_text(path)
    assert scan.encoding == "utf-8"  # kept: no language is guessed
    (note,) = scan.warnings
    assert note["kind"] == "text_encoding" and note["file"] == "체크.csv"
    assert "line 3" in note["detail"]
    assert repr("2,3.71 \u00fc\u0169 \u012b\u0178") in note["detail"]  # the UTF-8 reading
    assert repr("2,3.71 체크 카타") in note["detail"]  # the cp949 reading
    assert "\n" not in note["detail"]


@pytest.mark.parametrize(
    "extra",
    ["T1(°C)", "I(µA)", "R(Ω)", "±0.1 °C", "체크 °C", "배터리 셀", "Müller ×2"],
    ids=["degree", "micro", "ohm", "plus-minus", "with-a-symbol", "utf8-korean", "times-sign"],
)
def test_utf8_with_symbols_or_real_korean_gets_no_warning(tmp_path: Path, extra: str) -> None:
    # a symbol (° µ ± Ω ×) or a Hangul syllable in the UTF-8 reading: this is UTF-8 text
    path = write(tmp_path, "utf8.csv", f"Rec,Volts,{extra}\r\n1,3.70,x\r\n")
    if extra == "체크 °C":  # cp949 bytes and a UTF-8 degree sign in one file: not all Latin letters
        path.write_bytes(b"Rec,Volts,\xc3\xbc\xc5\xa9 " + "°C".encode() + b"\r\n1,3.70,x\r\n")
    scan = scan_text(path)
    assert scan.encoding == "utf-8" and scan.warnings == []


@pytest.mark.parametrize("before", [0, 1, 2, 3, 4])
def test_a_pair_cut_by_the_scan_blocks(tmp_path: Path, before: int) -> None:
    # the scan reads 4 MiB blocks: 체크 (c3 bc c5 a9) with 1, 2 or 3 of its bytes in the first block, the
    # rest in the next (3: the next block starts a9 then ASCII), or all in one: one text, one warning
    pad = b"1,3.70\n" * (BLOCK_BYTES // 7 - 2)
    pad += b"x" * (BLOCK_BYTES - len(b"Rec,Volts\n") - len(pad) - before)
    path = tmp_path / "long.csv"
    path.write_bytes(b"Rec,Volts\n" + pad + "체크\n".encode("cp949") + b"1,3.70\n")
    (note,) = scan_text(path).warnings
    assert note["kind"] == "text_encoding" and f"line {BLOCK_BYTES // 7}" in note["detail"]
    # and a UTF-8 degree sign after the cut says UTF-8
    path.write_bytes(b"Rec,Volts\n" + pad + "체크".encode("cp949") + "°\n".encode() + b"1,3.70\n")
    assert scan_text(path).warnings == []


def test_ascii_and_bom_files_get_no_warning(tmp_path: Path) -> None:
    assert scan_text(write(tmp_path, "a.csv", "Rec,Volts\r\n1,3.7\r\n")).warnings == []
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + "Rec,üũ\r\n1,3.7\r\n".encode())  # a BOM says UTF-8
    assert scan_text(bom).warnings == []


def test_end_to_end_neware_column_in_cp949(tmp_path: Path) -> None:
    export = RecordExport.parse_levels(NEWARE_CSV.path.read_text(encoding="latin-1"))
    original = read_cycler(NEWARE_CSV.path)
    text = export.copy().add_column("체크", lambda i: "체크").render()
    data = read_cycler(write(tmp_path, "체크.csv", text, "cp949"))
    notes = [w for w in data.warnings if w["kind"] == "text_encoding"]
    assert len(notes) == 1 and "체크" in notes[0]["detail"] and "line 3" in notes[0]["detail"]
    assert data.timeseries["voltage_v"].equals(original.timeseries["voltage_v"])
    # the unknown column is still reported, under its UTF-8 reading
    assert any("\u00fc\u0169" in w["detail"] for w in data.warnings if w["kind"] == "unknown_column")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(AMBIGUOUS), min_size=1, max_size=12),
    st.lists(st.sampled_from(["", " ", ",", "1", "A"]), min_size=1, max_size=12),
)
def test_any_ambiguous_korean_text_is_warned_about(words: list[str], gaps: list[str]) -> None:
    korean = "".join(w + g for w, g in zip(words, gaps, strict=False))
    raw = f"Rec,Volts\n1,{korean}\n".encode("cp949")
    path = Path(_TMP) / "hyp.csv"
    path.write_bytes(raw)
    scan = scan_text(path)
    assert scan.encoding == "utf-8" and [w["kind"] for w in scan.warnings] == ["text_encoding"]
    shown = f"1,{korean}"
    assert repr(shown if len(shown) <= 60 else shown[:60] + "…") in scan.warnings[0]["detail"]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x2FFF), min_size=1, max_size=30))
def test_utf8_text_with_any_symbol_is_not_warned_about(text: str) -> None:
    path = Path(_TMP) / "hyp_utf8.csv"
    path.write_bytes(f"Rec,Volts\n1,{text}°\n".encode())  # a degree sign: not a Latin letter
    assert scan_text(path).warnings == []


_TMP = ""


@pytest.fixture(autouse=True)
def _tmp(tmp_path: Path) -> None:
    global _TMP
    _TMP = str(tmp_path)
