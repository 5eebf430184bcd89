"""Korean (cp949) text that is valid UTF-8 too: read as UTF-8, with a ``text_encoding`` warning.

cp949 writes a Hangul syllable as a lead byte 0xB0-0xC8 and a trail byte 0xA1-0xFE; where the lead is
0xC2-0xC8 and the trail 0xA1-0xBF the two bytes are also one UTF-8 character, an accented Latin letter:
``체`` is c3 bc, UTF-8 ``ü`` (U+00FC); ``크`` c5 a9, ``ũ`` (U+0169); ``카`` c4 ab, ``ī``; ``타`` c5 b8, ``Ÿ``; or a
symbol: ``째`` c2 b0, ``°`` (worked out from the code charts, and checked below with Python's own codecs).
Korean words put two or more such characters in a row with few ASCII letters (``체크`` ``üũ``, ``첫째`` ``ù°``);
Western text puts them among ASCII letters (``Müller``, ``réglé``, ``°C``): the first is warned about, the
second not, though any one file's bytes could be either.
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


WESTERN = [
    "T1(°C)",
    "I(µA)",
    "R(Ω)",
    "±0.1 °C",
    "배터리 셀",
    "Müller ×2",
    "Operator: B. Müller",
    "réglé à 25 °C",
    "créé, vérifié",
    "ação de manutenção",
    "señor Muñoz, São Paulo",
    "naïve crème brûlée",
    "Ørsted, Ærø",
    "area 3 m², 10 µm",
]


@pytest.mark.parametrize("extra", WESTERN)
def test_western_utf8_gets_no_warning(tmp_path: Path, extra: str) -> None:
    # accented letters among ASCII letters, symbols by numbers and units, UTF-8 Hangul, or a character that no
    # cp949 syllable's bytes are (Ω ×  à Ø Æ): this is UTF-8 text
    path = write(tmp_path, "utf8.csv", f"Rec,Volts,Remark\r\n1,3.70,{extra}\r\n2,3.71,{extra}\r\n")
    scan = scan_text(path)
    assert scan.encoding == "utf-8" and scan.warnings == []


@pytest.mark.parametrize(
    ("korean", "utf8"),
    [("첫째", "ù°"), ("짧짧", "ªª"), ("징짖", "¡¢"), ("OCV체크", "OCVüũ"), ("체크 째C", "üũ °C")],
)
def test_korean_read_as_symbols_is_warned_about(tmp_path: Path, korean: str, utf8: str) -> None:
    # the 32 syllables whose bytes are a UTF-8 symbol (째 °) count as the 185 letters do
    raw = "Rec,Volts,Remark\r\n1,3.70,정상\r\n".replace("정상", korean).encode("cp949")
    assert raw.decode("utf-8").splitlines()[1] == f"1,3.70,{utf8}"
    path = tmp_path / "k.csv"
    path.write_bytes(raw)
    (note,) = scan_text(path).warnings
    assert note["kind"] == "text_encoding" and "line 2" in note["detail"]
    assert repr(f"1,3.70,{korean}") in note["detail"] and repr(f"1,3.70,{utf8}") in note["detail"]


@pytest.mark.parametrize("before", [0, 1, 2, 3, 4])
def test_a_pair_cut_by_the_scan_blocks(tmp_path: Path, before: int) -> None:
    # the scan reads 4 MiB blocks: 체크 (c3 bc c5 a9) with 1, 2 or 3 of its bytes in the first block, the
    # rest in the next (3: the next block starts a9 then ASCII), or all in one: one text, one warning
    pad = b"1,3.70\n" * (BLOCK_BYTES // 7 - 2)
    pad += b" " * (BLOCK_BYTES - len(b"Rec,Volts\n") - len(pad) - before)
    path = tmp_path / "long.csv"
    path.write_bytes(b"Rec,Volts\n" + pad + "체크\n".encode("cp949") + b"1,3.70\n")
    (note,) = scan_text(path).warnings
    assert note["kind"] == "text_encoding" and f"line {BLOCK_BYTES // 7}" in note["detail"]
    # and a UTF-8 Ω (the bytes of no syllable) after the cut says UTF-8
    path.write_bytes(b"Rec,Volts\n" + pad + "체크".encode("cp949") + "Ω\n".encode() + b"1,3.70\n")
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


_WORD = st.lists(st.sampled_from(sorted(READINGS)), min_size=2, max_size=4).map("".join)
"""A Korean word of two to four syllables whose cp949 bytes are UTF-8 (letters or symbols)."""


@settings(max_examples=60, deadline=None)
@given(
    st.lists(_WORD, min_size=1, max_size=6),
    st.lists(st.sampled_from([" ", ",", "1", "A", "\t", "(", ") "]), min_size=1, max_size=6),
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
def test_utf8_text_with_a_character_no_syllable_is_gets_no_warning(text: str) -> None:
    path = Path(_TMP) / "hyp_utf8.csv"
    path.write_bytes(f"Rec,Volts\n1,{text}Ω\n".encode())  # Ω (ce a9): the bytes of no cp949 syllable
    assert scan_text(path).warnings == []


_ACCENTED = [c for c in map(chr, range(0xE1, 0x100)) if c != "÷"]
"""Latin-1 lower-case letters whose UTF-8 bytes are a cp949 syllable's (á..ÿ)."""
_LATIN = st.lists(
    st.tuples(
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=5), st.sampled_from(_ACCENTED)
    ),
    min_size=1,
    max_size=3,
).map(lambda parts: "".join(a + b for a, b in parts))
"""A Western word: each accented letter after one or more ASCII letters (``réglé``, ``Müller``)."""


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.one_of(_LATIN, st.sampled_from(["25 °C", "5 µA", "±0.1", "m²", "§3", "½"])), min_size=1, max_size=8
    )
)
def test_any_western_text_is_not_warned_about(words: list[str]) -> None:
    path = Path(_TMP) / "hyp_western.csv"
    path.write_bytes(f"Rec,Volts,Remark\n1,3.7,{' '.join(words)}\n".encode())
    scan = scan_text(path)
    assert scan.encoding == "utf-8" and scan.warnings == []


_TMP = ""


@pytest.fixture(autouse=True)
def _tmp(tmp_path: Path) -> None:
    global _TMP
    _TMP = str(tmp_path)
