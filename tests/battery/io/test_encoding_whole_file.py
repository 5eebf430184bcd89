"""A text export's encoding holds for the whole file, not only for the head the readers sniff.

Real exports (Maccor, Neware BTS, Arbin, BioLogic, Novonix; a column-mapped and a BDF CSV) are
rewritten so that their first :data:`~gwangyang.battery.io.base.HEAD_BYTES` bytes stay ASCII and
Korean text in cp949 (Korean Windows) appears only in late rows: dates written ``오후 1:00:02``, an
operator's remark, a step name; or a cp1252 (Western Windows) ``µ``. Each reads with the text decoded
(the values equal those of the original file, or of an all-ASCII twin) and a ``text_encoding``
warning naming the encoding the whole file was read in and the first byte that is not UTF-8; a stray
byte no encoding reads, or a file that is UTF-8 in its head and cp949 later, reads with an
``undecodable_text`` warning naming the file, the byte offset and line of the first bad byte and how
many characters were replaced, never silently.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gwangyang.battery.io import read_cycler
from gwangyang.battery.io.base import HEAD_BYTES
from gwangyang.battery.io.bdf import to_bdf
from gwangyang.battery.io.textfile import scan_text
from gwangyang.battery.io.textparse import float_precision
from gwangyang.battery.schema import CyclerData
from gwangyang.cli.main import main

from .variants import CYCLERS, TextExport, assert_same_cycles, kinds, korean_clock, restamp, warned

MACCOR = CYCLERS / "maccor" / "PredictionDiagnostics_000151_paused.052"
NEWARE = CYCLERS / "neware" / "nw_regular_export_ife_example.csv"
ARBIN = CYCLERS / "arbin" / "FastCharge_000025_CH8.csv"
ARBIN_METADATA = CYCLERS / "arbin" / "FastCharge_000025_CH8_Metadata.csv"
BIOLOGIC = CYCLERS / "biologic" / "test_loopsnewoutput_MB_CE1_short10k.csv"
NOVONIX = CYCLERS / "novonix" / "test_Nova_Form-CH01-01_short.csv"
MAPS = Path(__file__).resolve().parents[3] / "src" / "gwangyang" / "battery" / "io" / "maps"
LATE = 40
"""Rows at the end of a file that carry the Korean text (all past the sniffed head)."""
REMARK = "셀 교체 후 재시험"
"""An operator's remark in Korean ("retest after the cell was replaced")."""
STRAY = b"\xff"
"""A byte that is neither UTF-8 nor cp949 (nor starts a character in either)."""


def _late_bytes(text: str, encoding: str = "cp949", head: int = HEAD_BYTES) -> bytes:
    """``text`` encoded, asserting that its first ``head`` bytes are ASCII and the rest is not."""
    data = text.encode(encoding)
    assert data[:head].isascii() and not data.isascii()
    return data


def _stray(data: bytes, marker: bytes) -> tuple[bytes, int, int]:
    """``data`` with :data:`STRAY` in place of the first ``marker``: the bytes, its offset and line (from 1)."""
    offset = data.index(marker)
    assert offset > HEAD_BYTES
    return data[:offset] + STRAY + data[offset + len(marker) :], offset, data.count(b"\n", 0, offset) + 1


def _read_as(data: CyclerData, encoding: str, raw: bytes) -> str:
    """The ``text_encoding`` warning of a read: it names ``encoding`` and the first byte that is not UTF-8."""
    detail = warned(data, "text_encoding")
    with pytest.raises(UnicodeDecodeError) as info:
        raw.decode("utf-8")
    line = raw.count(b"\n", 0, info.value.start) + 1
    assert detail.startswith(f"read as {encoding} ("), detail
    assert f"from byte {info.value.start} on (line {line}: " in detail, detail
    raw.decode(encoding)  # and it does read all of it
    return detail


def _with_encoding_warning(kinds_of_twin: list[str]) -> list[str]:
    return sorted([*kinds_of_twin, "text_encoding"])


def _the_undecodable_warning(data: CyclerData, offset: int, line: int, replaced: int) -> str:
    detail = warned(data, "undecodable_text")
    assert f"byte {offset} " in detail and f"line {line}" in detail, detail
    assert re.search(rf"\b{replaced} character", detail), detail
    assert "\n" not in detail
    return detail


# -- Maccor raw text export (the mapped-text path: Maccor, Novonix, Basytec, column maps) ------------


def _maccor(late: Callable[[datetime], str]) -> str:
    """The paused .052 with a ``Memo`` column: ``ok`` in early rows; in the last :data:`LATE` rows the
    remark and the wall clock written by ``late``."""
    export = TextExport.parse(MACCOR.read_text(encoding="latin-1"), 1, "\t")
    export.add_column("Memo", lambda i: "ok")
    date, memo = export.index("DPt Time"), export.index("Memo")
    for row in export.rows[-LATE:]:
        row[date] = restamp("%m/%d/%Y %H:%M:%S", late)(row[date])
        row[memo] = REMARK
    return export.render()


def _iso(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S}"


@pytest.fixture(scope="module")
def maccor_twin(tmp_path_factory: pytest.TempPathFactory) -> CyclerData:
    """The same rewrite in ASCII: ISO dates late, an English remark."""
    folder = tmp_path_factory.mktemp("twin")
    path = folder / "twin.052"
    path.write_bytes(_maccor(_iso).replace(REMARK, "retest").encode("ascii"))
    return read_cycler(path)


def test_maccor_korean_dates_and_remark_after_the_head(tmp_path: Path, maccor_twin: CyclerData) -> None:
    path = tmp_path / "late.052"
    path.write_bytes(_late_bytes(_maccor(korean_clock)))
    data = read_cycler(path)
    assert_same_cycles(maccor_twin, data)
    np.testing.assert_array_equal(data.timeseries["date_time"], maccor_twin.timeseries["date_time"])
    # the Memo column, and the encoding; no unknown_format, no undecodable_text
    assert sorted(kinds(data)) == ["text_encoding", "unknown_column"]
    _read_as(data, "cp949", path.read_bytes())


def test_maccor_stray_byte_after_the_head_is_warned_about(tmp_path: Path, maccor_twin: CyclerData) -> None:
    data, offset, line = _stray(_maccor(_iso).replace(REMARK, "retest").encode(), b"retest")
    path = tmp_path / "stray.052"
    path.write_bytes(data)
    read = read_cycler(path)
    assert_same_cycles(maccor_twin, read)
    _the_undecodable_warning(read, offset, line, 1)


def test_maccor_head_in_utf8_and_late_rows_in_cp949_is_warned_about(tmp_path: Path) -> None:
    """A mixed file: the head's UTF-8 is kept, the cp949 rows are replaced and said to be."""
    text = _maccor(korean_clock).replace("Comment/Barcode:", "Comment/Barcode: 시험")
    head, _, rest = text.partition("\n")
    path = tmp_path / "mixed.052"
    path.write_bytes(head.encode() + b"\n" + rest.encode("cp949"))
    data = read_cycler(path)
    assert "시험" in data.extra["comment_barcode"]
    first = path.read_bytes().index(REMARK.encode("cp949"), len(head.encode()))
    detail = warned(data, "undecodable_text")
    assert "line" in detail and "utf-8" in detail
    assert int(re.search(r"byte (\d+)", detail).group(1)) <= first  # type: ignore[union-attr]
    assert "unknown_format" in kinds(data)  # the Korean dates lost are named too


def test_a_column_map_declaring_utf8_warns_on_late_cp949(tmp_path: Path, maccor_twin: CyclerData) -> None:
    """A declared encoding is held to: cp949 rows in a file declared UTF-8 are warned about."""
    shipped = (MAPS / "maccor_text.toml").read_text(encoding="utf-8")
    declared = shipped.replace('encoding = "auto"', 'encoding = "utf-8"')
    assert 'encoding = "utf-8"' in declared
    map_path = tmp_path / "utf8.toml"
    map_path.write_text(declared, encoding="utf-8")
    path = tmp_path / "declared.052"
    path.write_bytes(_late_bytes(_maccor(korean_clock)))
    data = read_cycler(path, column_map=map_path)
    assert_same_cycles(maccor_twin, data, ("charge_capacity_ah", "discharge_capacity_ah"))
    assert "utf-8" in warned(data, "undecodable_text")
    auto = read_cycler(path, column_map="maccor_text")  # "auto" reads it
    assert "undecodable_text" not in kinds(auto) and "unknown_format" not in kinds(auto)
    _read_as(auto, "cp949", path.read_bytes())


# -- Neware BTS three-level CSV -------------------------------------------------------------------------


def _neware(late: Callable[[datetime], str], remark: str) -> str:
    """The IFE export with the last :data:`LATE` records' dates written by ``late`` and ``remark``
    after the last step's type (as a Korean BTSDA writes its step names)."""
    lines = NEWARE.read_text(encoding="latin-1").splitlines()
    date = lines[2][2:].split(",").index("Date") + 2
    records = [i for i, line in enumerate(lines) if i > 2 and line.startswith(",,")]
    for i in records[-LATE:]:
        fields = lines[i].split(",")
        fields[date] = restamp("%Y-%m-%d %H:%M:%S", late)(fields[date])
        lines[i] = ",".join(fields)
    steps = [i for i, line in enumerate(lines) if i > 2 and line.startswith(",") and line[1:2] != ","]
    fields = lines[steps[-1]].split(",")
    kind = lines[1].split(",").index("Step Type")
    fields[kind] = f"{fields[kind]} {remark}"
    lines[steps[-1]] = ",".join(fields)
    return "\r\n".join(lines) + "\r\n"


def test_neware_korean_dates_and_step_type_after_the_head(tmp_path: Path) -> None:
    twin_path = tmp_path / "twin.csv"
    twin_path.write_bytes(_neware(_iso, "retest").encode())
    twin = read_cycler(twin_path)
    path = tmp_path / "late.csv"
    path.write_bytes(_late_bytes(_neware(korean_clock, REMARK)))
    data = read_cycler(path)
    assert_same_cycles(twin, data)
    np.testing.assert_array_equal(data.timeseries["date_time"], twin.timeseries["date_time"])
    assert sorted(kinds(data)) == _with_encoding_warning(kinds(twin))
    _read_as(data, "cp949", path.read_bytes())


def test_neware_stray_byte_after_the_head_is_warned_about(tmp_path: Path) -> None:
    data, offset, line = _stray(_neware(_iso, "retest").encode(), b"retest")
    path = tmp_path / "stray.csv"
    path.write_bytes(data)
    _the_undecodable_warning(read_cycler(path), offset, line, 1)


def late_step_name(raw: bytes, name: str, encoding: str) -> bytes:
    """The Neware export with `` name`` (in ``encoding``) after the type of its last discharge step.

    Also used by ``benchmarks/battery_text_encoding.py``.
    """
    lines = raw.split(b"\n")
    kind = lines[1].split(b",").index(b"Step Type")
    last = max(
        i
        for i, line in enumerate(lines)
        if i > 2
        and line.startswith(b",")
        and not line.startswith(b",,")
        and line.split(b",")[kind] == b"CC DChg"
    )
    fields = lines[last].split(b",")
    fields[kind] += f" {name}".encode(encoding)
    lines[last] = b",".join(fields)
    return b"\n".join(lines)


@pytest.mark.parametrize(
    ("name", "encoding", "shown"),
    [
        ("방전 시험", "cp949", "방전"),  # a Korean BTSDA's step name ("discharge test")
        ("500 µA", "cp1252", "µ"),  # a Western Windows one
    ],
)
def test_neware_late_step_name_in_a_windows_encoding(
    tmp_path: Path, name: str, encoding: str, shown: str
) -> None:
    """The real export (ASCII) with one late step named in cp949 or cp1252 reads as the original does."""
    raw = NEWARE.read_bytes()
    assert raw.isascii()
    changed = late_step_name(raw, name, encoding)
    assert changed.index(name.encode(encoding)) > HEAD_BYTES
    path = tmp_path / "late.csv"
    path.write_bytes(changed)
    original, data = read_cycler(NEWARE), read_cycler(path)
    pd.testing.assert_frame_equal(data.timeseries, original.timeseries)
    assert data.vendor_cycles is not None and original.vendor_cycles is not None
    pd.testing.assert_frame_equal(data.vendor_cycles, original.vendor_cycles)
    assert sorted(kinds(data)) == _with_encoding_warning(kinds(original))
    assert f"{shown!r} in {encoding}" in _read_as(data, encoding, changed)
    assert f"CC DChg {name}" in changed.decode(scan_text(path).encoding)


# -- Arbin CSV ------------------------------------------------------------------------------------------


def _arbin(late: Callable[[datetime], str], remark: str) -> str:
    """FastCharge with text dates (ISO; ``late`` in the last rows) and an operator's note column long
    enough to carry the rows past the head."""
    export = TextExport.parse(ARBIN.read_text(encoding="latin-1"), 0, ",")
    export.add_column("Operator_Note", lambda i: "checked - no remark " * 12)
    date, note = export.index("DateTime"), export.index("Operator_Note")
    for i, row in enumerate(export.rows):
        moment = datetime.fromtimestamp(float(row[date]), UTC).replace(tzinfo=None)
        row[date] = late(moment) if i >= len(export.rows) - LATE else _iso(moment)
        if i >= len(export.rows) - LATE:
            row[note] = remark
    return export.rename({"DateTime": "Date_Time"}).render()


def _arbin_file(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    shutil.copy(ARBIN_METADATA, folder / f"{path.stem}_Metadata.csv")
    return path


def test_arbin_korean_dates_and_note_after_the_head(tmp_path: Path) -> None:
    twin = read_cycler(_arbin_file(tmp_path, "twin.csv", _arbin(_iso, "retest").encode()))
    data = read_cycler(_arbin_file(tmp_path, "late.csv", _late_bytes(_arbin(korean_clock, REMARK))))
    assert_same_cycles(twin, data)
    np.testing.assert_array_equal(data.timeseries["date_time"], twin.timeseries["date_time"])
    assert sorted(kinds(twin)) == ["end_time_mismatch", "unknown_column"]  # the shared companion's end
    assert sorted(kinds(data)) == _with_encoding_warning(kinds(twin))
    _read_as(data, "cp949", (tmp_path / "late.csv").read_bytes())


def test_arbin_stray_byte_after_the_head_is_warned_about(tmp_path: Path) -> None:
    text = _arbin(_iso, "retest")
    data, offset, line = _stray(text.encode(), b"retest")
    read = read_cycler(_arbin_file(tmp_path, "stray.csv", data))
    _the_undecodable_warning(read, offset, line, 1)


def test_arbin_metadata_companion_with_a_stray_byte_is_warned_about(tmp_path: Path) -> None:
    path = _arbin_file(tmp_path, "meta.csv", _arbin(_iso, "retest").encode())
    companion = tmp_path / "meta_Metadata.csv"
    companion.write_bytes(companion.read_bytes().replace(b"EL150800453116", b"EL1508" + STRAY + b"3116"))
    data = read_cycler(path)
    (note,) = [w for w in data.warnings if w["kind"] == "undecodable_text"]
    assert note["file"] == companion.name and "1 character" in note["detail"]


# -- BioLogic text export ---------------------------------------------------------------------------------


def _biologic(remark: str, ascii_head: bool = True) -> str:
    export = TextExport.parse(BIOLOGIC.read_text(encoding="utf-8"), 0, ";")
    export.rows = export.rows[:5000]  # past the 1 MiB the BioLogic reader looks at for its header
    if ascii_head:  # EC-Lab on a Korean PC: no micro sign in cp949; 'degC' still reads as a temperature
        export.header = [n.replace("µ", "u").replace("°", "deg") for n in export.header]
    export.add_column("comment", lambda i: "")
    for row in export.rows[-LATE:]:
        row[-1] = remark
    return export.render()


def test_biologic_korean_comment_after_the_head(tmp_path: Path) -> None:
    twin_path = tmp_path / "twin.csv"
    twin_path.write_bytes(_biologic("retest").encode())
    twin = read_cycler(twin_path)
    path = tmp_path / "late.csv"
    path.write_bytes(_late_bytes(_biologic(REMARK), head=1 << 20))
    data = read_cycler(path)
    assert_same_cycles(twin, data)
    assert sorted(kinds(data)) == _with_encoding_warning(kinds(twin))
    _read_as(data, "cp949", path.read_bytes())


def test_biologic_utf8_head_and_cp949_comment_is_warned_about(tmp_path: Path) -> None:
    text = _biologic(REMARK, ascii_head=False)
    head, _, rest = text.partition("\n")
    assert not head.isascii()  # EC-Lab's µ and ° in UTF-8
    path = tmp_path / "mixed.csv"
    path.write_bytes(head.encode() + b"\n" + rest.encode("cp949"))
    data = read_cycler(path)
    offset = path.read_bytes().index(REMARK.encode("cp949"))
    detail = warned(data, "undecodable_text")
    assert f"byte {offset} " in detail and "utf-8" in detail


# -- Novonix (UTF-8 head: a cp949 tail cannot be read, it is said) ---------------------------------------


def test_novonix_utf8_head_and_cp949_dates_is_warned_about(tmp_path: Path) -> None:
    text = NOVONIX.read_text(encoding="utf-8")
    export = TextExport.parse(text, 57, ",", quoted=True)
    date = export.index("Date and Time")
    for row in export.rows[-LATE:]:
        row[date] = restamp("%Y-%m-%d %I:%M:%S %p", korean_clock)(row[date])
    rendered = export.render()
    cut = rendered.index(export.rows[-LATE][0])
    path = tmp_path / "mixed.csv"
    path.write_bytes(rendered[:cut].encode() + rendered[cut:].encode("cp949"))
    data = read_cycler(path)
    detail = warned(data, "undecodable_text")
    assert f"line {rendered[:cut].count(chr(10)) + 1}" in detail
    assert "unknown_format" in kinds(data)


# -- BDF CSV ------------------------------------------------------------------------------------------------


def _bdf(remark: str) -> str:
    original = read_cycler(CYCLERS / "maccor" / "PredictionDiagnostics_000109_tztest.010")
    table = to_bdf(original.timeseries)
    table["Comment"] = ""
    table.loc[table.index[-LATE:], "Comment"] = remark
    return str(table.to_csv(index=False))


def test_bdf_csv_korean_comment_after_the_head(tmp_path: Path) -> None:
    twin = tmp_path / "twin.bdf.csv"
    twin.write_bytes(_bdf("retest").encode())
    path = tmp_path / "late.bdf.csv"
    path.write_bytes(_late_bytes(_bdf(REMARK)))
    data = read_cycler(path)
    assert_same_cycles(read_cycler(twin), data)
    assert sorted(kinds(data)) == ["text_encoding", "unknown_column"]
    _read_as(data, "cp949", path.read_bytes())


def test_bdf_csv_stray_byte_is_warned_about(tmp_path: Path) -> None:
    data, offset, line = _stray(_bdf("retest").encode(), b"retest")
    path = tmp_path / "stray.bdf.csv"
    path.write_bytes(data)
    _the_undecodable_warning(read_cycler(path), offset, line, 1)


# -- Any bytes late in a file ----------------------------------------------------------------------------------


class _Base(tuple[bytes, CyclerData]):
    """The ASCII rewrite and the original's read, shown short in Hypothesis' reports."""

    def __repr__(self) -> str:
        return "<maccor base>"


@pytest.fixture(scope="module")
def maccor_base() -> tuple[bytes, CyclerData]:
    text = _maccor(_iso).replace(REMARK, "retest")
    return _Base((text.encode(), read_cycler(MACCOR)))


_HANGUL = "가나다라마바사아자차카타파하셀교체시험정상충전방전휴지재후"
"""Common Korean syllables (KS X 1001), as an operator types them."""
_NOISE = st.binary(max_size=12).filter(lambda b: not set(b) & set(b'\t\r\n"\x00'))
"""Any bytes but the separators, line ends, quotes and NUL of the Maccor text export."""


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(korean=st.text(alphabet=_HANGUL + " ", max_size=8), noise=_NOISE)
def test_any_late_bytes_read_as_text_or_are_warned_about(
    tmp_path_factory: pytest.TempPathFactory, maccor_base: tuple[bytes, CyclerData], korean: str, noise: bytes
) -> None:
    """Korean (cp949) and any bytes in a late remark: the read keeps every row and either decodes them
    (UTF-8; else cp949 or cp1252, as :mod:`codecs` reads them, named in a ``text_encoding`` warning) or
    names them in one ``undecodable_text`` warning."""
    base, original = maccor_base
    junk = korean.encode("cp949") + noise
    offset = base.rindex(b"retest")
    data = base[:offset] + junk + base[offset + len(b"retest") :]
    path = tmp_path_factory.mktemp("junk") / "junk.052"
    path.write_bytes(data)
    read = read_cycler(path)
    assert read.rows == original.rows
    undecodable = [w for w in read.warnings if w["kind"] == "undecodable_text"]
    chosen = [w for w in read.warnings if w["kind"] == "text_encoding"]
    clean = [e for e in ("utf-8", "cp949", "cp1252") if _decodes(data, e)]
    if "utf-8" in clean:
        # UTF-8 is kept; a note only where every non-ASCII character reads as a Latin letter in UTF-8 and the
        # bytes are Hangul in cp949 (some syllables' cp949 bytes are valid UTF-8 too: 체 c3bc reads 'ü')
        wide = {c for c in data.decode() if not c.isascii()}
        latin = bool(wide) and all("\u00c0" <= c <= "\u024f" and c not in "×÷" for c in wide)
        hangul = _decodes(data, "cp949") and all(
            c.isascii() or "가" <= c <= "힣" for c in data.decode("cp949")
        )
        assert undecodable == []
        notes = [w["detail"].endswith("kept as UTF-8") for w in chosen]
        if not (latin and hangul):
            assert notes == []
        else:
            # named only where a word reads as Korean (latin_korean: two or more such syllables in a row; one alone,
            # 체 read 'ü', is as Western text writes it): at least a remark of whole words of them, bytes after none
            assert notes in ([], [True])
            if not noise and any(
                len(word) >= 2 and all(_decodes(c.encode("cp949"), "utf-8") for c in word)
                for word in korean.split()
            ):
                assert notes == [True]
    elif not undecodable:  # never silent: the encoding named reads every byte
        (note,) = chosen
        assert note["detail"].split()[2] in clean
        line = data.count(b"\n", 0, offset) + 1
        assert note["file"] == path.name and f"line {line}" in note["detail"]
    if korean.strip() and not noise and "utf-8" not in clean:
        # (some syllables' cp949 bytes are valid UTF-8 too: 체 c3bc reads 'ü', 카 'ī', 타 'Ÿ'; such a
        # file is UTF-8 text, and read as UTF-8 above)
        assert [w["detail"].split()[2] for w in chosen] == ["cp949"] and undecodable == []
    if not clean:
        (note,) = undecodable
        line = data.count(b"\n", 0, offset) + 1
        assert note["file"] == path.name and f"line {line}" in note["detail"]
    if undecodable:
        replaced = int(re.search(r"(\d+) character", undecodable[0]["detail"]).group(1))  # type: ignore[union-attr]
        assert replaced >= 1 and chosen == []


def _decodes(data: bytes, encoding: str) -> bool:
    """Whether ``data`` decodes strictly (cp1252: and holds no ``\\xff``, which is damage, not text)."""
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return encoding != "cp1252" or b"\xff" not in data


# -- The scan itself, against Python's codecs --------------------------------------------------------------


@pytest.mark.parametrize(
    ("tail", "encoding", "replaced"),
    [
        ("셀 교체".encode("cp949"), "cp949", 0),
        ("셀 교체".encode(), "utf-8", 0),
        (b"bad \xff byte \xfe twice", "utf-8", 2),
        ("셀".encode("cp949") + b"\xff", "cp949", 1),  # Korean and one stray byte: cp949 keeps the Korean
        ("°C".encode("latin-1"), "cp1252", 0),  # a Western degree sign after an ASCII head
        ("5 µA – ok".encode("cp1252"), "cp1252", 0),  # and the Windows dash, which latin-1 lacks
        (b"\x81 is no cp1252", "utf-8", 1),  # a byte cp1252 does not define: no partial guess
    ],
)
def test_scan_decides_on_the_whole_file(tmp_path: Path, tail: bytes, encoding: str, replaced: int) -> None:
    data = b"a,b\n" + b"1,2\n" * (HEAD_BYTES // 4 + 10) + b"3," + tail + b"\n"
    path = tmp_path / "scan.csv"
    path.write_bytes(data)
    for source in (path, data):
        scan = scan_text(path, data=source if isinstance(source, bytes) else None)
        assert scan.encoding == encoding
        expected = data.decode(encoding, errors="replace").count("\ufffd")
        assert expected == replaced
        if replaced:
            (note,) = scan.warnings
            with pytest.raises(UnicodeDecodeError) as info:
                data.decode(encoding)
            assert note["kind"] == "undecodable_text"
            assert f"{replaced} character" in note["detail"] and f"byte {info.value.start} " in note["detail"]
        elif encoding == "utf-8":
            assert scan.warnings == []
        else:  # read in a fallback: said, with the first byte that is not UTF-8
            (note,) = scan.warnings
            with pytest.raises(UnicodeDecodeError) as info:
                data.decode("utf-8")
            assert note["kind"] == "text_encoding" and note["detail"].startswith(f"read as {encoding} (")
            assert f"from byte {info.value.start} on" in note["detail"]
            assert tail.decode(encoding) in data.decode(encoding)


def test_scan_reads_a_latin1_head_with_late_windows_punctuation_as_cp1252(tmp_path: Path) -> None:
    """A head sniffed as latin-1 (its ``°C``) and a late ``’`` (0x92, a C1 control in latin-1): cp1252, said."""
    data = (
        "T/°C,note\n".encode("latin-1")
        + b"25,ok\n" * (HEAD_BYTES // 6 + 10)
        + "26,it’s ok\n".encode("cp1252")
    )
    path = tmp_path / "western.csv"
    path.write_bytes(data)
    scan = scan_text(path)
    (note,) = scan.warnings
    assert scan.encoding == "cp1252" and note["kind"] == "text_encoding"
    quote = data.index("’".encode("cp1252"))
    assert f"not latin-1 text from byte {quote} on" in note["detail"]
    assert data.decode("cp1252").endswith("26,it’s ok\n")


def test_scan_keeps_the_declared_and_the_bom_encodings(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffa,b\n1,셀\n".encode() + b"2,\xff\n")
    scan = scan_text(path)
    assert scan.encoding == "utf-8-sig" and "line 3" in scan.warnings[0]["detail"]
    assert scan_text(path, declared="latin-1").warnings == []


def test_float_precision_of_bytes_finds_a_huge_exponent_past_the_first_block() -> None:
    block = 1 << 20
    lines = b"1.5E-001,2.5e+002\n" * (3 * block // 18)
    assert float_precision(lines) is None
    assert float_precision(lines + b"1e4003333335\n") == "round_trip"
    cut = lines[: block - 3] + b"E12345" + lines[block + 3 :]  # across a block boundary
    assert float_precision(cut) == "round_trip"


# -- End to end: ingest into a store and back ------------------------------------------------------------------


def test_ingest_keeps_late_korean_and_reports_a_stray_byte(
    tmp_path: Path, store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    korean = folder / "양극 셀.052"
    korean.write_bytes(_late_bytes(_maccor(korean_clock)))
    twin = folder / "twin.052"
    twin.write_bytes(_maccor(_iso).replace(REMARK, "retest").encode())
    stray = folder / "stray.052"
    stray.write_bytes(_stray(twin.read_bytes(), b"retest")[0])
    store = ["--store", str(store_dir)]
    code = main(["battery", "ingest", str(korean), str(twin), str(stray), *store, "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and report["failed"] == []
    found = {(w["file"], w["kind"]): w for w in report["warnings"]}
    assert (korean.name, "undecodable_text") not in found and (korean.name, "unknown_format") not in found
    assert (twin.name, "undecodable_text") not in found
    assert found[(stray.name, "undecodable_text")]["cell_id"] == "stray"
    exported = {}
    for cell in ("양극 셀", "twin"):
        out = tmp_path / f"{cell}.csv"
        assert main(["battery", "export", cell, str(out), "--format", "csv", *store]) == 0
        exported[cell] = pd.read_csv(out)
    assert len(exported["twin"]) > 0 and exported["twin"]["date_time"].notna().all()
    pd.testing.assert_series_equal(exported["양극 셀"]["date_time"], exported["twin"]["date_time"])
