"""A cycler file's refusals and warnings read Korean on the battery pages: the messages the readers and the ingest give.

Each case is a real export of ``../shared/data/battery/cyclers`` (an Arbin CSV and its metadata, a Maccor text
export, the Neware record table, also as BTSDA's ``.xls``) broken one way under a Korean name and ingested as an upload ingests it: its refusal (the ingest's
``failed`` error) or warning (its ``detail``) is the English line written here, and
:func:`gwangyang.api.i18n.phrase` (the pages' ``phrase`` in ``common.js``, run under Node where it is installed)
gives the Korean written here by hand, the file, column, line and numbers kept and none of the message's English
words left. The cell page shows an uploaded file's warnings in Korean, and the upload's answer keeps its refusal
English for clients while reading Korean through the same patterns.

Every message the reader modules compose (each f-string of a sentence, ``ast``) has a pattern or a term of its own
(or is listed in :data:`NOT_PATTERNED`); each pattern, filled with sample values, reads as its own Korean (no
earlier pattern takes it).
"""

from __future__ import annotations

import ast
import html
import importlib
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gwangyang.api import (
    battery_phrases,
    column_map_phrases,
    i18n,
    reader_ingest_phrases,
    reader_neware_phrases,
    reader_phrases,
    reader_text_phrases,
    reader_vendor_phrases,
    value_phrases,
)
from gwangyang.battery import build, checks, grouping, pairing, schema, stitch
from gwangyang.battery.ingest import ingest as ingest_files
from gwangyang.store import Store

from ..conftest import CYCLERS
from .page_script import page_phrases

API = "/api/v1/battery"
ARBIN = "셀 1.csv"
METADATA = "셀 1_Metadata.csv"
MACCOR = "셀 3.052"
NEWARE_XLS = "네웨어 셀.xls"
NEWARE_CSV = "네웨어 기록.csv"
NEWARE_XLSX = "네웨어 통합.xlsx"


def arbin() -> bytes:
    """An Arbin CSV export: 248 rows of one cycle, 15 columns (``Data_Point`` ... ``Temperature``)."""
    return (CYCLERS / "arbin" / "FastCharge_000025_CH8.csv").read_bytes()


def metadata() -> str:
    """Its ``_Metadata.csv`` companion (the test's start: ``first_start_datetime`` 1494645214)."""
    return (CYCLERS / "arbin" / "FastCharge_000025_CH8_Metadata.csv").read_text(encoding="utf-8")


def maccor() -> bytes:
    """A Maccor text export (tab-separated, CRLF): 333 rows of cycle 37, ``N/A`` in its waveform columns."""
    return (CYCLERS / "maccor" / "PredictionDiagnostics_000151_test.052").read_bytes()


def utf16_with_mark() -> bytes:
    """:func:`arbin` as UTF-16-LE with its byte-order mark (2 + 2 * 26266 bytes: the text is ASCII)."""
    return b"\xff\xfe" + arbin().decode().encode("utf-16-le")


def arbin_row(k: int, change: Callable[[bytes], bytes]) -> bytes:
    """:func:`arbin` with data row ``k`` (0: the first after the header) changed."""
    header, *rows = arbin().splitlines()
    rows[k] = change(rows[k])
    return b"\n".join([header, *rows]) + b"\n"


def arbin_field(row: bytes, k: int, value: bytes) -> bytes:
    fields = row.split(b",")
    fields[k] = value
    return b",".join(fields)


def extra_columns(names: list[str]) -> bytes:
    """:func:`arbin` with columns ``names`` added after its own (each row holding 21.5 in them)."""
    header, *rows = arbin().splitlines()
    extra = "".join(f",{name}" for name in names).encode()
    return b"\n".join([header + extra, *(row + b",21.5" * len(names) for row in rows)]) + b"\n"


def started(shift_s: int) -> bytes:
    """:func:`metadata` with the test's start moved by ``shift_s`` seconds."""
    return metadata().replace("1494645214", str(1494645214 + shift_s)).encode()


def neware_chinese() -> bytes:
    """A Neware BTS CSV whose cycle header names the cycle twice in Chinese (循环号 and 循环, BTS 7's and 8's)."""
    first, rest = (CYCLERS / "neware" / "nw_regular_export_ife_example.csv").read_bytes().split(b"\n", 1)
    return (
        first.replace(b"Cycle Index", "循环号".encode()).replace(b"Chg. Time", "循环".encode()) + b"\n" + rest
    )


def maccor_late(change: Callable[[bytes], bytes]) -> bytes:
    """:func:`maccor` with its last data row (line 335, past the 64 KiB the readers sniff) changed."""
    lines = maccor().split(b"\r\n")
    last = len(lines) - 3
    return b"\r\n".join([*lines[:last], change(lines[last]), *lines[last + 1 :]])


def maccor_milliamps() -> bytes:
    """:func:`maccor` with a column ``mAmps`` beside its ``Amps`` (the current twice, in two units)."""
    first, header, *rows = maccor().split(b"\r\n")
    return b"\r\n".join(
        [first, header + b"\tmAmps", *(r + b"\t0.0" if r.count(b"\t") > 5 else r for r in rows)]
    )


def maccor_cycle_38() -> bytes:
    """:func:`maccor` with its middle third numbered cycle 38: the counter then goes back to 37."""
    lines = maccor().split(b"\r\n")
    data = [i for i, line in enumerate(lines) if i >= 2 and line.count(b"\t") > 5]
    for i in data[len(data) // 3 : 2 * len(data) // 3]:
        fields = lines[i].split(b"\t")
        fields[1] = b"38"
        lines[i] = b"\t".join(fields)
    return b"\r\n".join(lines)


def neware_xlsx(change: Callable[[list[list[object]], list[list[object]]], None]) -> bytes:
    """The shared Neware export as BTSDA 8's ``.xlsx`` lays it out (``record`` naming no cycle or step, ``step``,
    ``cycle``: :mod:`tests.battery.io.test_neware_btsda8`), ``change`` applied to its step and cycle rows."""
    from ..battery.io.test_neware_btsda8 import _cycle_rows, _step_rows, workbook

    steps, cycles = _step_rows(), _cycle_rows()
    change(steps, cycles)
    with tempfile.TemporaryDirectory() as folder:
        return workbook(Path(folder), steps=steps, cycles=cycles).read_bytes()


def neware_xlsx_named(change: Callable[[list[list[object]]], None]) -> bytes:
    """As :func:`neware_xlsx`, the record sheet naming each record's cycle and step (``Cycle Index``, ``Step
    Index``): the step sheet is checked against the records (``neware_stepcheck``); ``change`` applied to its rows."""
    from ..battery.io.test_neware_btsda8 import _record_rows, _step_rows, workbook
    from ..battery.io.test_neware_record import HEADER

    steps = _step_rows()
    change(steps)
    with tempfile.TemporaryDirectory() as folder:
        return workbook(Path(folder), records=_record_rows(list(HEADER)), steps=steps).read_bytes()


def timed_step(steps: list[list[object]]) -> None:
    """Cycle 1's discharge step 00:42:50 in the step sheet, a minute longer than Neware wrote (its last record's
    ``Time``, 00:41:50 = 2510 s; its records 30 s apart at most)."""
    steps[4][4] = "00:42:50"


def no_last_step(steps: list[list[object]], cycles: list[list[object]]) -> None:
    """The step sheet without its last step (cycle 20's closing rest, sheet 'record' rows 9145-9296)."""
    del steps[-1]


def edited_cycle(steps: list[list[object]], cycles: list[list[object]]) -> None:
    """Cycle 3's discharge capacity in the cycle sheet 0.001 Ah more than Neware wrote (0.32663)."""
    cycles[3][2] = 0.32763


def edited_step(steps: list[list[object]], cycles: list[list[object]]) -> None:
    """Step 2's capacity in the step sheet 0.01 Ah more than Neware wrote (0.02256)."""
    steps[2][7] = 0.03256


def neware_xls(change: Callable[[dict[str, list[list[object]]]], None]) -> bytes:
    """The shared Neware record table as BTSDA's ``.xls`` writes it, over sheets ``Detail_1`` and ``Detail_2``
    (records 1-5000 and 5001-9295, :mod:`tests.battery.io.test_neware_xls`), ``change`` applied to the sheets."""
    from ..battery.io.test_neware_xls import (
        _rows,
        _split,
        write_xls,
    )  # xlwt: a skip, not an error, without it

    sheets = _split(_rows(), ["Detail_1", "Detail_2"], [5000])
    change(sheets)
    with tempfile.TemporaryDirectory() as folder:
        return write_xls(Path(folder) / "book.xls", sheets).read_bytes()


def without_rows(sheet: str, first: int, stop: int) -> Callable[[dict[str, list[list[object]]]], None]:
    """A change deleting the sheet's rows ``first`` to ``stop - 1`` (0: its header)."""

    def change(sheets: dict[str, list[list[object]]]) -> None:
        del sheets[sheet][first:stop]

    return change


def not_a_number(sheets: dict[str, list[list[object]]]) -> None:
    """A change writing text into the current (column 7) of record 5030 (``Detail_2``'s row 31)."""
    sheets["Detail_2"][30][6] = "x"


def step_timed(
    change: Callable[[dict[str, list[list[object]]]], None],
) -> Callable[[dict[str, list[list[object]]]], None]:
    """A change removing ``Total Time`` from the record sheets (the test time is then built from each step's
    ``Time``), then applying ``change``."""

    def timed(sheets: dict[str, list[list[object]]]) -> None:
        drop = sheets["Detail_1"][0].index("Total Time")
        for name in ("Detail_1", "Detail_2"):
            sheets[name] = [[v for k, v in enumerate(row) if k != drop] for row in sheets[name]]
        change(sheets)

    return timed


def no_step_time(sheets: dict[str, list[list[object]]]) -> None:
    """A change writing text into the time within the step of record 5030 (``Detail_2``'s row 31)."""
    sheets["Detail_2"][30][sheets["Detail_2"][0].index("Time")] = "x"


def dates_late(sheets: dict[str, list[list[object]]]) -> None:
    """A change putting the ``Date`` of records 5030 on (``Detail_2``'s rows 31 on) 100 s later."""
    column = sheets["Detail_2"][0].index("Date")
    for row in sheets["Detail_2"][30:]:
        stamp = row[column]
        assert isinstance(stamp, datetime)
        row[column] = stamp + timedelta(seconds=100)


def neware_timeless() -> bytes:
    """The shared Neware record table with neither its total time nor its time within each step."""
    from ..battery.io.test_neware_record import HEADER, _table

    return _table([h for h in HEADER if h not in ("Total Time", "Time")]).encode()


@dataclass(frozen=True)
class Case:
    """A broken file set: what the ingest gives (``failed`` or a warning kind), in English and in Korean."""

    files: dict[str, Callable[[], bytes]]
    kind: str
    english: str
    korean: str


CASES: dict[str, Case] = {
    # gwangyang.battery.io.texttail: the last line cut short (a truncated_file warning)
    "cut_last_field": Case(
        {ARBIN: lambda: arbin().rstrip(b"\n")[:-5]},
        "truncated_file",
        "the file looks truncated: it ends inside line 249 with no line break after it (its last field may be cut "
        "short); that possibly partial row was dropped and the file read up to its last whole line",
        "파일이 잘린 것으로 보입니다: 249행 중간에서 줄바꿈 없이 끝납니다 (마지막 필드가 잘렸을 수 있습니다); "
        "잘렸을 수 있는 그 행은 빼고 마지막 온전한 줄까지 읽었습니다",
    ),
    "cut_last_line": Case(
        {
            ARBIN: lambda: (
                b"\n".join(arbin().splitlines()[:-1])
                + b"\n"
                + b",".join(arbin().splitlines()[-1].split(b",")[:5])
            )
        },
        "truncated_file",
        "the file looks truncated: it ends inside line 249 with no line break after it (that line has 5 of 15 "
        "fields); that possibly partial row was dropped and the file read up to its last whole line",
        "파일이 잘린 것으로 보입니다: 249행 중간에서 줄바꿈 없이 끝납니다 (그 줄의 필드는 15개 중 5개입니다); "
        "잘렸을 수 있는 그 행은 빼고 마지막 온전한 줄까지 읽었습니다",
    ),
    # gwangyang.battery.io.textnul: NUL bytes
    "nul_tail": Case(
        {ARBIN: lambda: arbin() + b"\0" * 4096},
        "failed",
        f"{ARBIN}: the file ends in 4096 bytes of NUL (\\x00) from line 250 on, a zero-filled tail: the copy or the "
        "export stopped while it was being written, so rows may be missing; export it again (or cut the NUL bytes "
        "off to read what is there).",
        f"{ARBIN}: 파일이 250행부터 NUL(\\x00) 4096바이트로 끝납니다. 0으로 채워진 끝부분입니다: 복사나 내보내기가 "
        "쓰는 도중에 멈췄으므로 행이 빠졌을 수 있습니다; 다시 내보내세요 (또는 NUL 바이트를 잘라 내고 남은 부분을 "
        "읽으세요).",
    ),
    "nul_inside": Case(
        {ARBIN: lambda: arbin()[:5000] + b"\0" + arbin()[5001:]},
        "failed",
        f"{ARBIN}: line 48 holds a NUL byte (\\x00, byte 5000) inside the data: the file is damaged there (a value "
        "would be cut short at it); repair or export the file again.",
        f"{ARBIN}: 48행의 데이터 안에 NUL 바이트(\\x00, 5000번 바이트)가 있습니다: 파일이 그곳에서 손상되었습니다 "
        "(값이 그 자리에서 잘립니다); 파일을 고치거나 다시 내보내세요.",
    ),
    # the file as a whole (gwangyang.battery.io.registry)
    "unknown_format": Case(
        {ARBIN: lambda: "시간,전압\n1,3.7\n".encode()},
        "failed",
        f"{ARBIN}: unknown cycler format (text file not recognised as Arbin, Maccor, Neware, BioLogic, Novonix or "
        "Basytec; use --column-map for another cycler).",
        f"{ARBIN}: 알 수 없는 충방전기 형식 (Arbin, Maccor, Neware, BioLogic, Novonix, Basytec 어느 형식으로도 "
        "인식되지 않는 텍스트 파일; 다른 충방전기는 --column-map으로 열을 지정하십시오).",
    ),
    "empty": Case(
        {ARBIN: lambda: b""},
        "failed",
        f"{ARBIN}: file is empty.",
        f"{ARBIN}: 파일이 비어 있습니다.",
    ),
    # UTF-16 (gwangyang.battery.io.textutf16): read without its byte-order mark, refused at a stray byte
    "utf16_without_mark": Case(
        {ARBIN: lambda: arbin().decode().encode("utf-16-le")},
        "text_encoding",
        "read as UTF-16-LE: the file has no byte-order mark; its encoding was inferred from its bytes (a zero byte "
        "beside each ASCII character, after it)",
        "UTF-16-LE(으)로 읽었습니다: 파일에 바이트 순서 표시(BOM)가 없습니다; 인코딩은 바이트로 추정했습니다 "
        "(ASCII 문자마다 그 뒤에 0 바이트가 있음)",
    ),
    # a zero byte before character 13187 (10 into line 127): byte 2 + 2 * 13187 of the file with its mark
    "utf16_stray_byte": Case(
        {ARBIN: lambda: utf16_with_mark()[:26376] + b"\0" + utf16_with_mark()[26376:]},
        "failed",
        f"{ARBIN}: does not decode as UTF-16-LE from byte 26376 on (line 127): a stray byte there (a lone zero byte, "
        "or one byte too many) puts every character after it one byte out of place; the file is damaged there; "
        "repair or export it again.",
        f"{ARBIN}: 26376번 바이트부터 UTF-16-LE(으)로 디코딩되지 않습니다 (127행): 그곳의 엉뚱한 바이트(외톨이 0 "
        "바이트나 남는 바이트 하나) 때문에 그 뒤의 모든 문자가 한 바이트씩 어긋납니다; 파일이 그곳에서 "
        "손상되었습니다; 파일을 고치거나 다시 내보내세요.",
    ),
    # one byte after the 2 + 2 * 26266 of the text (249 lines, each ended): byte 52534, line 250
    "utf16_odd_last_byte": Case(
        {ARBIN: lambda: utf16_with_mark() + b"7"},
        "failed",
        f"{ARBIN}: does not decode as UTF-16-LE at byte 52534 (line 250: truncated data) (an odd number of bytes: "
        "half a character at its end); the file is damaged there; repair or export it again.",
        f"{ARBIN}: 52534번 바이트에서 UTF-16-LE(으)로 디코딩되지 않습니다 (250행: 잘린 데이터) (바이트 수가 "
        "홀수입니다: 끝에 문자 반 개가 있음); 파일이 그곳에서 손상되었습니다; 파일을 고치거나 다시 내보내세요.",
    ),
    # the text's encoding (gwangyang.battery.io.textfile): Korean in cp949, or a byte no encoding reads, past the head
    "cp949_late": Case(
        {MACCOR: lambda: maccor_late(lambda line: line.replace(b"N/A", "해당없음".encode("cp949"), 1))},
        "text_encoding",
        "read as cp949 (Korean Windows): the file is not UTF-8 text from byte 90602 on (line 335: "
        "b'\\xc7\\xd8\\xb4\\xe7\\xbe\\xf8\\xc0\\xbd', '해당없음' in cp949), and cp949 decodes all of it",
        "cp949(한국어 Windows)로 읽었습니다: 파일이 90602번 바이트부터 UTF-8 텍스트가 아니고 (335행: "
        "b'\\xc7\\xd8\\xb4\\xe7\\xbe\\xf8\\xc0\\xbd', cp949로는 '해당없음'), cp949로는 전부 읽힙니다",
    ),
    "stray_byte": Case(
        {MACCOR: lambda: maccor_late(lambda line: line.replace(b"N/A", b"\xff", 1))},
        "undecodable_text",
        "1 character(s) are not utf-8 (nor cp949 nor cp1252) text and were read as U+FFFD, the first at byte 90602 "
        "(line 335: b'\\xff')",
        "문자 1개가 utf-8 텍스트가 아니어서(cp949, cp1252 텍스트도 아님) U+FFFD(으)로 읽었습니다. 첫 번째는 90602번 "
        "바이트입니다 (335행: b'\\xff')",
    ),
    # the rows (gwangyang.battery.io.textrows, textrecords; schema)
    "one_field_more": Case(
        {ARBIN: lambda: arbin_row(100, lambda row: row + b",7")},
        "failed",
        f"{ARBIN}: line 102 has 16 fields where the header (line 1) has 15; a text field holding a comma without "
        "quotes would shift the values after it, so the file is refused rather than read shifted.",
        f"{ARBIN}: 102행의 필드가 16개인데 머리글(1행)은 15개입니다; 따옴표 없이 쉼표를 담은 텍스트 필드는 뒤의 "
        "값을 밀어내므로, 밀린 채 읽지 않고 파일을 거부합니다.",
    ),
    "open_quote": Case(
        {ARBIN: lambda: arbin_row(-1, lambda row: b'"' + row)},
        "failed",
        f"{ARBIN}: line 249 opens a double-quoted field that is never closed (the file ends inside it); a quote that "
        "opens a field must be closed by another.",
        f"{ARBIN}: 249행에서 연 큰따옴표 필드가 닫히지 않습니다 (그 안에서 파일이 끝납니다); 필드를 여는 따옴표는 "
        "다른 따옴표로 닫혀야 합니다.",
    ),
    "voltage_not_a_number": Case(
        {ARBIN: lambda: arbin_row(100, lambda row: arbin_field(row, 7, b"abc"))},
        "rows_dropped",
        "1 of 248 row(s) left out: their test time, cycle, current or voltage is not a number (the first is data "
        "row 101 as the reader read the file)",
        "248행 중 1행을 뺐습니다: 시험 시간, 사이클, 전류나 전압이 숫자가 아닙니다 (첫 번째는 리더가 읽은 데이터 "
        "101행)",
    ),
    "test_restarted": Case(
        {ARBIN: lambda: arbin_row(100, lambda row: arbin_field(row, 1, b"5.0"))},
        "test_restarted",
        "test time starts again at data row 101 (1 time(s)): a test appended to another; its rows follow the "
        "previous test's, its cycles numbered on from 1",
        "시험 시간이 데이터 101행에서 다시 시작합니다 (1번): 다른 시험 뒤에 이어 붙인 시험입니다; 그 행은 앞 시험의 "
        "행 뒤에 잇고, 사이클 번호는 1부터 이어 매깁니다",
    ),
    # the columns: one not read, one missing, a unit not known
    "unknown_column": Case(
        {ARBIN: lambda: extra_columns(["온도2"])},
        "unknown_column",
        "column(s) not read: '온도2'",
        "읽지 않은 열: '온도2'",
    ),
    "many_unknown_columns": Case(
        {ARBIN: lambda: extra_columns([f"온도{k}" for k in range(1, 13)])},
        "unknown_column",
        "column(s) not read: " + ", ".join(f"'온도{k}'" for k in range(1, 11)) + " and 2 more",
        "읽지 않은 열: " + ", ".join(f"'온도{k}'" for k in range(1, 11)) + " 외 2개",
    ),
    "missing_column": Case(
        {ARBIN: lambda: arbin().replace(b",Voltage,", b",Volt,")},
        "failed",
        f"{ARBIN}: not a complete Arbin export: missing column(s) Voltage.",
        f"{ARBIN}: 완전한 Arbin 내보내기가 아닙니다: 열 Voltage이(가) 없습니다.",
    ),
    "unit": Case(
        {ARBIN: lambda: arbin().replace(b",Current,", b",Current(kA),")},
        "failed",
        f"{ARBIN}: Arbin column 'Current(kA)': unit 'ka' not known to this reader (expected one of a, ma, ua, µa, μa, "
        "na).",
        f"{ARBIN}: Arbin 열 'Current(kA)': 이 리더가 모르는 단위 'ka'입니다 (사용할 수 있는 단위: a, ma, ua, µa, μa, "
        "na).",
    ),
    "chinese_header_twice": Case(
        {"셀 6.csv": neware_chinese},
        "failed",
        "셀 6.csv: Neware header line 1: '循环号' and '循环' both stand for the column 'Cycle Index'; one of them is "
        "expected.",
        "셀 6.csv: Neware 머리글 1행: '循环号'와(과) '循环'이(가) 둘 다 열 'Cycle Index'을(를) 뜻합니다; 둘 중 하나만 "
        "있어야 합니다.",
    ),
    "both_units": Case(
        {MACCOR: maccor_milliamps},
        "failed",
        f"{MACCOR}: Maccor export has both 'Amps' and 'mAmps' for current_a; which holds the data is a guess, one of "
        "them is expected.",
        f"{MACCOR}: Maccor 내보내기에 current_a 열로 'Amps'와(과) 'mAmps'이(가) 둘 다 있습니다; 어느 쪽이 데이터인지 "
        "추측할 수밖에 없으니 하나만 있어야 합니다.",
    ),
    # the cycler's cycle counter against the signal (gwangyang.battery.pairing), and the ingest's checks
    "counter_back": Case(
        {MACCOR: maccor_cycle_38},
        "counter_overridden",
        "cycler cycle counter goes back from 38 to 37; renumbered",
        "사이클러의 사이클 번호가 38에서 37(으)로 거꾸로 갑니다; 번호를 다시 매겼습니다",
    ),
    "cycle_too_large": Case(
        {MACCOR: maccor_cycle_38},
        "cycle_too_large",
        "1 cycle(s) move over 3x the median of their neighbours: 37 (0.02064 Ah)",
        "사이클 1개가 이웃 사이클 중앙값의 3배를 넘게 움직입니다: 37 (0.02064 Ah)",
    ),
    # companions (gwangyang.battery.grouping, io.companion_time, io.arbin_meta)
    "orphan_companion": Case(
        {METADATA: lambda: metadata().encode()},
        "orphan_companion",
        f"{METADATA}: a companion (metadata) file that no data file beside it reads (files of its name: none; an "
        "Arbin CSV reads <stem>_Metadata.csv, a Novonix export <stem>_metadata.csv); not read",
        f"{METADATA}: 옆의 어느 데이터 파일도 읽지 않는 부속(메타데이터) 파일입니다 (같은 이름의 파일: 없음; Arbin "
        "CSV는 <stem>_Metadata.csv를, Novonix 내보내기는 <stem>_metadata.csv를 읽습니다); 읽지 않았습니다",
    ),
    "time_zone": Case(
        {ARBIN: arbin, METADATA: lambda: started(9 * 3600)},
        "time_zone",
        f"{METADATA} gives the test's start as 2017-05-13 12:13:34 UTC, {ARBIN}'s time stamps as 2017-05-13 03:13:53 "
        f"(its first dated row less its test time): {ARBIN} is 08:59:41 behind, a whole 9 h: its clock is in "
        "another time zone (UTC-9 if the companion's is UTC); the companion's start is kept as the cell's, the "
        "rows keep their own time stamps",
        f"{METADATA}은(는) 시험 시작을 2017-05-13 12:13:34 UTC로, {ARBIN}의 시각은 2017-05-13 03:13:53로 나타냅니다 "
        f"(첫 시각이 있는 행에서 시험 시간을 뺀 값): {ARBIN}이(가) 08:59:41 늦으며 정확히 9시간이므로 시계가 다른 "
        "시간대에 있습니다 (부속 파일이 UTC라면 UTC-9); 부속 파일의 시작 시각을 셀의 시작 시각으로 쓰고, 각 행은 "
        "자기 시각을 그대로 둡니다",
    ),
    "start_mismatch": Case(
        {ARBIN: arbin, METADATA: lambda: started(5000)},
        "start_time_mismatch",
        f"{METADATA} gives the test's start as 2017-05-13 04:36:54 UTC, {ARBIN}'s time stamps as 2017-05-13 03:13:53 "
        f"(its first dated row less its test time): {ARBIN} is 01:23:01 behind, more than 5 minutes and no whole "
        "number of hours: the companion may belong to another test, or a clock was wrong; the companion's start "
        "is kept as the cell's",
        f"{METADATA}은(는) 시험 시작을 2017-05-13 04:36:54 UTC로, {ARBIN}의 시각은 2017-05-13 03:13:53로 나타냅니다 "
        f"(첫 시각이 있는 행에서 시험 시간을 뺀 값): {ARBIN}이(가) 01:23:01 늦으며 5분이 넘고 정확한 시간 단위도 "
        "아닙니다: 부속 파일이 다른 시험의 것이거나 시계가 틀렸을 수 있습니다; 부속 파일의 시작 시각을 셀의 시작 "
        "시각으로 씁니다",
    ),
    "start_mismatch_another_day": Case(
        {ARBIN: arbin, METADATA: lambda: started(-90000)},
        "start_time_mismatch",
        f"{METADATA} gives the test's start as 2017-05-12 02:13:34 UTC, {ARBIN}'s time stamps as 2017-05-13 03:13:53 "
        f"(its first dated row less its test time): {ARBIN} is 1 d 01:00:19 ahead (another day), more than 5 "
        "minutes and no whole number of hours: the companion may belong to another test, or a clock was wrong; the "
        "companion's start is kept as the cell's",
        f"{METADATA}은(는) 시험 시작을 2017-05-12 02:13:34 UTC로, {ARBIN}의 시각은 2017-05-13 03:13:53로 나타냅니다 "
        f"(첫 시각이 있는 행에서 시험 시간을 뺀 값): {ARBIN}이(가) 1일 01:00:19 빠르며 (다른 날) 5분이 넘고 정확한 "
        "시간 단위도 아닙니다: 부속 파일이 다른 시험의 것이거나 시계가 틀렸을 수 있습니다; 부속 파일의 시작 시각을 "
        "셀의 시작 시각으로 씁니다",
    ),
    # FastCharge's companion ends (1494636676) 8538 s before it starts (1494645214) and 10357 s before the data's
    # last time stamp (its last row: 1494647033.48)
    "end_before_start": Case(
        {ARBIN: arbin, METADATA: lambda: metadata().encode()},
        "end_time_mismatch",
        f"{METADATA} gives the test's end (Last_End_DateTime) as 2017-05-13 00:51:16 UTC, 02:22:18 before its start "
        f"(First_Start_DateTime, 2017-05-13 03:13:34 UTC) and 02:52:37 before {ARBIN}'s last time stamp (2017-05-13 "
        "03:43:53): a test cannot end before it started or before its last row was recorded; the companion may "
        "belong to another test, or a clock was wrong; its end time is not used",
        f"{METADATA}은(는) 시험 종료(Last_End_DateTime)를 2017-05-13 00:51:16 UTC로 나타내며, 이는 시험 "
        f"시작(First_Start_DateTime, 2017-05-13 03:13:34 UTC)보다 02:22:18 이르고, {ARBIN}의 마지막 "
        "시각(2017-05-13 03:43:53)보다 02:52:37 이릅니다: 시험은 시작하기 전이나 마지막 행이 기록되기 전에 끝날 수 "
        "없습니다; 부속 파일이 다른 시험의 것이거나 시계가 틀렸을 수 있습니다; 이 종료 시각은 쓰지 않습니다",
    ),
    # the start 9 h later: the data's clock read in UTC-9, its last stamp 12:43:53 UTC
    "end_before_start_time_zone": Case(
        {ARBIN: arbin, METADATA: lambda: started(9 * 3600)},
        "end_time_mismatch",
        f"{METADATA} gives the test's end (Last_End_DateTime) as 2017-05-13 00:51:16 UTC, 11:22:18 before its start "
        f"(First_Start_DateTime, 2017-05-13 12:13:34 UTC) and 11:52:37 before {ARBIN}'s last time stamp (2017-05-13 "
        "03:43:53, UTC-9): a test cannot end before it started or before its last row was recorded; the companion "
        "may belong to another test, or a clock was wrong; its end time is not used",
        f"{METADATA}은(는) 시험 종료(Last_End_DateTime)를 2017-05-13 00:51:16 UTC로 나타내며, 이는 시험 "
        f"시작(First_Start_DateTime, 2017-05-13 12:13:34 UTC)보다 11:22:18 이르고, {ARBIN}의 마지막 "
        "시각(2017-05-13 03:43:53, UTC-9)보다 11:52:37 이릅니다: 시험은 시작하기 전이나 마지막 행이 기록되기 전에 "
        "끝날 수 없습니다; 부속 파일이 다른 시험의 것이거나 시계가 틀렸을 수 있습니다; 이 종료 시각은 쓰지 않습니다",
    ),
    "companion_cut": Case(
        {ARBIN: arbin, METADATA: lambda: metadata().rstrip("\r\n").encode()},
        "truncated_file",
        f"{METADATA} ends with no line break: its last field ('value2') may be cut short; not read",
        f"{METADATA}이(가) 줄바꿈 없이 끝납니다: 마지막 필드('value2')가 잘렸을 수 있습니다; 읽지 않았습니다",
    ),
    "companion_two_rows": Case(
        {
            ARBIN: arbin,
            METADATA: lambda: (metadata().rstrip() + "\n" + metadata().splitlines()[1] + "\n").encode(),
        },
        "unknown_format",
        f"{METADATA}: 2 rows; only the first is read",
        f"{METADATA}: 행이 2개입니다; 첫 행만 읽었습니다",
    ),
    # gwangyang.battery.io.neware_sheets, neware_record: a Neware BTSDA .xls's record sheets, a record table
    "xls_records_between_sheets": Case(
        {NEWARE_XLS: lambda: neware_xls(without_rows("Detail_2", 1, 4))},
        "rows_dropped",
        "records 5001 to 5003 (3) are missing between record sheets 'Detail_1' (ends at 5000) and 'Detail_2' "
        "(starts at 5004)",
        "기록 시트 'Detail_1'(5000에서 끝남)와(과) 'Detail_2'(5004에서 시작) 사이에서 기록 5001~5003(3개)이(가) "
        "빠졌습니다",
    ),
    "xls_records_inside_a_sheet": Case(
        {NEWARE_XLS: lambda: neware_xls(without_rows("Detail_2", 101, 111))},
        "rows_dropped",
        "10 record(s) missing inside record sheet 'Detail_2': its record numbers skip 1 time(s), first from 5100 "
        "to 5111 (sheet row 102)",
        "기록 시트 'Detail_2' 안에서 기록 10개가 빠졌습니다: 기록 번호가 1번 건너뛰며, 처음은 5100에서 5111(으)로 "
        "건너뜁니다 (시트 102행)",
    ),
    "xls_not_a_number": Case(
        {NEWARE_XLS: lambda: neware_xls(not_a_number)},
        "failed",
        f"{NEWARE_XLS} (sheets 'Detail_1', 'Detail_2' joined): column 'Current(A)' (current_a) is missing or not a "
        "finite number in data row 5030 (sheet 'Detail_2' row 31); set options.on_invalid = \"drop\" to skip such "
        "rows.",
        f"{NEWARE_XLS} (이어 붙인 시트 'Detail_1', 'Detail_2'): 데이터 5030행(시트 'Detail_2'의 31행)에서 열 "
        "'Current(A)' (current_a)의 값이 없거나 유한한 숫자가 아닙니다; 그런 행을 건너뛰려면 options.on_invalid = "
        '"drop"으로 설정하세요.',
    ),
    # gwangyang.battery.io.neware_stepjoin, neware_crosscheck: BTSDA 8's record sheet joined with its step sheet,
    # its cycle sheet checked against the records
    "xlsx_records_in_no_step": Case(
        {NEWARE_XLSX: lambda: neware_xlsx(no_last_step)},
        "failed",
        f"{NEWARE_XLSX}: Neware records from sheet 'record' row 9145 to sheet 'record' row 9296 (2026-03-07 "
        "16:28:03 to 2026-03-07 16:33:03) lie in no step of sheet 'step'; each record is expected between a step's "
        "'Oneset Date' and 'End Date', the steps in order.",
        f"{NEWARE_XLSX}: 시트 'record'의 9145행부터 시트 'record'의 9296행까지의 Neware 기록(2026-03-07 "
        "16:28:03~2026-03-07 16:33:03)은(는) 시트 'step'의 어느 스텝에도 들지 않습니다; 각 기록은 스텝의 "
        "'Oneset Date'와 'End Date' 사이에, 스텝 순서대로 있어야 합니다.",
    ),
    "xlsx_cycle_sheet_disagrees": Case(
        {NEWARE_XLSX: lambda: neware_xlsx(edited_cycle)},
        "unknown_format",
        "sheet 'cycle' cycle 3: 'DChg. Cap.(Ah)' is 0.32763 there but 0.32662651 from the records (1 cycle(s) "
        "differ by more than 1e-05, a unit of the sheet's last decimal)",
        "시트 'cycle'의 사이클 3: 'DChg. Cap.(Ah)'은(는) 시트에서 0.32763이지만 기록으로는 0.32662651입니다 (사이클 "
        "1개가 시트의 마지막 소수 자리 한 단위인 1e-05보다 더 차이 납니다)",
    ),
    "xlsx_step_sheet_disagrees": Case(
        {NEWARE_XLSX: lambda: neware_xlsx(edited_step)},
        "unknown_format",
        "sheet 'step' row 3 (cycle 1, step 2): 'Capacity(Ah)' is 0.03256 there but 0.02256414 from the step's last "
        "record (1 step(s) differ by more than 1e-05, a unit of the sheet's last decimal)",
        "시트 'step'의 3행 (사이클 1, 스텝 2): 'Capacity(Ah)'은(는) 시트에서 0.03256이지만 스텝의 마지막 기록으로는 "
        "0.02256414입니다 (스텝 1개가 시트의 마지막 소수 자리 한 단위인 1e-05보다 더 차이 납니다)",
    ),
    # gwangyang.battery.io.neware_stepcheck: the step sheet against records naming their own cycle and step
    "xlsx_step_time_disagrees": Case(
        {NEWARE_XLSX: lambda: neware_xlsx_named(timed_step)},
        "unknown_format",
        "sheet 'step' row 5 (cycle 1, step 4): 'Step Time' is 2570 s there but 2510 s from the step's records (1 "
        "step(s) differ by more than a second and their longest logging interval, 31 s for this one)",
        "시트 'step'의 5행 (사이클 1, 스텝 4): 'Step Time'은(는) 시트에서 2570 s이지만 스텝의 기록으로는 2510 s입니다 "
        "(스텝 1개가 1초와 스텝의 가장 긴 기록 간격을 합한 것보다 더 차이 납니다. 이 스텝은 31초)",
    ),
    # the test time built from each step's time, a line of the table told as the sheet's row (a suffix read again)
    "xls_no_step_time": Case(
        {NEWARE_XLS: lambda: neware_xls(step_timed(no_step_time))},
        "failed",
        f"{NEWARE_XLS} (sheets 'Detail_1', 'Detail_2' joined): column 'Time' (the time within each step) is missing "
        "or no time in data row 5030 (sheet 'Detail_2' row 31).",
        f"{NEWARE_XLS} (이어 붙인 시트 'Detail_1', 'Detail_2'): 데이터 5030행의 열 'Time'(각 스텝 안의 시간)이(가) "
        "비었거나 시간이 아닙니다 (시트 'Detail_2'의 31행).",
    ),
    "xls_step_time_disagrees": Case(
        {NEWARE_XLS: lambda: neware_xls(step_timed(dates_late))},
        "unknown_format",
        "the test time built from column 'Time' (the time within each step) and column 'Date' (absolute time) "
        "disagree by up to 100 s, first at data row 5030 (sheet 'Detail_2' row 31); the steps start where the "
        "absolute time says, but not before the previous record",
        "열 'Time'(각 스텝 안의 시간)(으)로 만든 시험 시간과 열 'Date'(절대 시각)이(가) 최대 100초 어긋나며, 처음 "
        "어긋나는 곳은 데이터 5030행입니다 (시트 'Detail_2'의 31행); 각 스텝은 절대 시각이 가리키는 때에 "
        "시작하되, 앞 기록보다 앞서지는 않습니다",
    ),
    "neware_no_time": Case(
        {NEWARE_CSV: neware_timeless},
        "failed",
        f"{NEWARE_CSV}: Neware record table has no 'Total Time' or 'Cumulative Time' column (the test time) and no "
        "'Time' column (the time within each step) to build it from.",
        f"{NEWARE_CSV}: Neware 기록 표에 'Total Time' 열이나 'Cumulative Time' 열(시험 시간)이 없고, 시험 시간을 "
        "만들 'Time' 열(각 스텝 안의 시간)도 없습니다.",
    ),
}
"""Broken exports: their files (the name and the bytes), what the ingest gives, the English and the Korean."""

ENGLISH = (
    "expected",
    "not ",
    "unknown",
    "missing",
    "line ",
    "file ",
    "field",
    "column",
    "truncated",
    "cut ",
    "read as",
    "gives",
    "behind",
    "ahead",
    "another",
    "companion",
    "counter",
    "cycle(s)",
    "row(s)",
    "rows",
    "byte ",
    "nor ",
    " or ",
    "renumbered",
)
"""Words of the messages that must not be left in their Korean (the file and column names and values aside)."""


def english_left(korean: str, case: Case) -> list[str]:
    """The :data:`ENGLISH` words in ``korean`` outside the names and values the English line carries through."""
    kept = korean
    for value in re.findall(r"'[^']*'|<stem>_\w+\.csv|Current\(kA\)|current_a", case.english):
        kept = kept.replace(value, "")
    for name in (ARBIN, METADATA, MACCOR, NEWARE_XLS, NEWARE_CSV, NEWARE_XLSX, "셀 6.csv", "--column-map"):
        kept = kept.replace(name, "")
    return [w for w in ENGLISH if w in kept]


def given(case: Case, folder: Path) -> dict[str, bytes]:
    folder.mkdir(parents=True, exist_ok=True)
    written = {name: make() for name, make in case.files.items()}
    for name, content in written.items():
        (folder / name).write_bytes(content)
    return written


def produced(case: Case, folder: Path) -> list[str]:
    """What ingesting the case's files gives: the failed files' errors, or the details of its kind of warning."""
    given(case, folder / "files")
    report = ingest_files([folder / "files"], store=Store(folder / "store"))
    if case.kind == "failed":
        lines = [item["error"] for item in report.failed]
    else:
        lines = [w["detail"] for w in report.warnings if w["kind"] == case.kind]
    return [line.replace(f"{folder / 'files'}/", "") for line in lines]


@pytest.mark.parametrize("key", CASES)
def test_a_broken_export_s_message_reads_korean(tmp_path: Path, key: str) -> None:
    case = CASES[key]
    assert produced(case, tmp_path) == [case.english]
    translated = i18n.phrase(case.english, "ko")
    assert translated == case.korean, translated
    assert not english_left(translated, case), english_left(translated, case)


COLLISIONS: dict[str, tuple[str, str, str]] = {
    # a file named after a stored cell (셀 1, from 셀 1.csv) that it does not continue: refused naming both
    "another_cycler": (
        "셀 1.052",
        "셀 1.052: cell '셀 1' already holds 셀 1.csv (arbin); this file does not continue it: it comes from another "
        "cycler (maccor; the cell's is arbin); ingest it as another cell or replace the stored one (CLI: --cell-id "
        "NAME, --replace).",
        "셀 1.052: 셀 '셀 1'에는 이미 셀 1.csv (arbin)이(가) 있습니다; 이 파일은 그 셀을 잇지 않습니다: 다른 충방전기의 "
        "파일입니다 (maccor; 셀은 arbin); 다른 셀로 수집하거나 저장된 셀을 바꾸세요 (CLI: --cell-id NAME, --replace).",
    ),
    "unknown_start": (
        ARBIN,
        f"{ARBIN}: cell '셀 1' already holds 셀 1.csv (arbin); this file does not continue it: its start time or the "
        "cell's end is unknown, so it cannot be shown to continue the cell; ingest it as another cell or replace the "
        "stored one (CLI: --cell-id NAME, --replace).",
        f"{ARBIN}: 셀 '셀 1'에는 이미 셀 1.csv (arbin)이(가) 있습니다; 이 파일은 그 셀을 잇지 않습니다: 파일의 시작 "
        "시각이나 셀의 끝 시각을 몰라서 셀을 잇는지 보일 수 없습니다; 다른 셀로 수집하거나 저장된 셀을 바꾸세요 (CLI: "
        "--cell-id NAME, --replace).",
    ),
}
"""A second file under a stored cell's name: its name, the refusal and the Korean (the bytes: :func:`colliding`)."""


def colliding(key: str) -> bytes:
    """The second file: a Maccor export, or the Arbin export with other time stamps (another run)."""
    return maccor() if key == "another_cycler" else arbin().replace(b"1494645", b"1494600")


@pytest.mark.parametrize("key", COLLISIONS)
def test_a_file_named_after_a_cell_it_does_not_continue_reads_korean(tmp_path: Path, key: str) -> None:
    name, english, korean = COLLISIONS[key]
    store = Store(tmp_path / "store")
    (tmp_path / "first").mkdir()
    (tmp_path / "first" / ARBIN).write_bytes(arbin())
    assert ingest_files([tmp_path / "first"], store=store).to_dict()["cells"] == ["셀 1"]
    (tmp_path / "second").mkdir()
    (tmp_path / "second" / name).write_bytes(colliding(key))
    report = ingest_files([tmp_path / "second"], store=store)
    assert [f["error"].replace(f"{tmp_path / 'second'}/", "") for f in report.failed] == [english]
    assert i18n.phrase(english, "ko") == korean


def test_an_upload_named_after_a_cell_of_another_cycler_reads_korean(fresh_client: TestClient) -> None:
    first = fresh_client.post(f"{API}/uploads", params={"wait": 120}, files={"files": (ARBIN, arbin())})
    assert first.status_code == 201, first.text
    answer = fresh_client.post(
        f"{API}/uploads", params={"wait": 120}, files={"files": ("셀 1.052", maccor())}
    )
    assert answer.status_code == 409, answer.text
    english = (
        "셀 1.052: cell '셀 1' already holds arbin data; this maccor file does not continue it; give it another cell "
        "id or replace the cell."
    )
    assert answer.json()["detail"] == english
    assert i18n.phrase(english, "ko") == (
        "셀 1.052: 셀 '셀 1'에는 이미 arbin 데이터가 있습니다; 이 maccor 파일은 그 데이터를 잇지 않습니다; 다른 셀 id를 "
        "주거나 그 셀을 바꾸세요."
    )


def test_the_page_s_script_reads_them_as_the_server() -> None:
    lines = [*(c.english for c in CASES.values()), *(c[1] for c in COLLISIONS.values())]
    phrased = page_phrases(lines)
    assert phrased == [
        *(c.korean for c in CASES.values()),
        *(c[2] for c in COLLISIONS.values()),
    ]


def test_the_cell_page_shows_an_upload_s_warnings_in_korean(fresh_client: TestClient) -> None:
    # a cut export and a companion 9 h apart, uploaded as the page's form sends them
    case, zone = CASES["cut_last_field"], CASES["time_zone"]
    files = [("files", (ARBIN, case.files[ARBIN]())), ("files", (METADATA, zone.files[METADATA]()))]
    answer = fresh_client.post(f"{API}/uploads", params={"wait": 120}, files=files)
    assert answer.status_code == 201, answer.text
    result = answer.json()["job"]["result"]
    details = {w["kind"]: w["detail"] for w in result["warnings"]}
    assert details["truncated_file"] == case.english  # the API's JSON stays English
    assert details["time_zone"] == zone.english  # the cut row is the last: the first dated row is the same
    (cell,) = result["cells"]
    english_page = html.unescape(fresh_client.get(f"/battery/cells/{cell}", params={"lang": "en"}).text)
    korean_page = html.unescape(fresh_client.get(f"/battery/cells/{cell}", params={"lang": "ko"}).text)
    assert case.english in english_page and zone.english in english_page
    assert case.korean in korean_page and zone.korean in korean_page
    assert case.english not in korean_page and "looks truncated" not in korean_page


def test_an_upload_s_refusal_reads_korean_on_the_page(fresh_client: TestClient) -> None:
    # a zero-filled tail: the ingest job fails with the reader's line (English for clients); the page's status line
    # reads the job's error through phrase, and an upload that waits answers 422 with the job named after it
    case = CASES["nul_tail"]
    answer = fresh_client.post(
        f"{API}/uploads", params={"wait": 120}, files={"files": (ARBIN, case.files[ARBIN]())}
    )
    assert answer.status_code == 422, answer.text
    detail = answer.json()["detail"]
    job = re.fullmatch(re.escape(case.english) + r" \(job ([0-9a-f]{32})\)", detail)
    assert job is not None, detail
    record = fresh_client.get(f"/api/v1/jobs/{job.group(1)}").json()
    assert record["status"] == "failed" and record["error"] == case.english
    assert i18n.phrase(record["error"], "ko") == case.korean
    assert i18n.phrase(detail, "ko") == f"{case.korean} (작업 {job.group(1)})"


# Every message the reader modules compose has a pattern or a term (or is listed below).

MODULES = (
    importlib.import_module("gwangyang.battery.ingest"),
    importlib.import_module("gwangyang.workbook"),
    grouping,
    checks,
    schema,
    pairing,
    build,
    stitch,
)
READERS = sorted((Path(schema.__file__).parent / "io").glob("*.py"))

NOT_PATTERNED: dict[tuple[str, str], str] = {}
"""Sentences of the reader modules with no pattern: ``(module, words of the sentence) -> why``."""

SAMPLES = ("7", "'7'", "text", "arbin", "UTF-16-LE", "step")
"""Values tried for each value a sentence formats in (a number, a quoted name, a kind of file, a reader, a codec,
a counter)."""


def sentences() -> dict[tuple[str, int], ast.JoinedStr]:
    """Each f-string of the reader modules that writes a sentence (four words or more): ``(file, line) -> it``."""
    found: dict[tuple[str, int], ast.JoinedStr] = {}
    for path in [*READERS, *(Path(str(m.__file__)) for m in MODULES)]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                text = "".join(str(v.value) for v in node.values if isinstance(v, ast.Constant))
                if text.count(" ") >= 3:
                    found[(path.name, node.lineno)] = node
    return found


def translated(node: ast.JoinedStr) -> bool:
    """Whether the sentence, its values filled with one of :data:`SAMPLES`, reads Korean in every ``"; "`` part."""
    for sample in SAMPLES:
        line = "".join(str(v.value) if isinstance(v, ast.Constant) else sample for v in node.values)
        parts = i18n.phrase(line, "ko").split("; ")
        if len(parts) == len(line.split("; ")) and all(re.search("[가-힣]", p) for p in parts if len(p) > 3):
            return True
    return False


def known_text() -> list[str]:
    """Every msgid and term the patterns translate (where the pieces of a sentence built from pieces must lie)."""
    ids = [msgid for _, msgid in i18n.PATTERNS]
    # and the pieces inside values (a BioLogic layout's name: "(ids as in version 2)")
    ids += [msgid for _, msgid in value_phrases.VALUE_PHRASES]
    return [
        *ids,
        *reader_phrases.READER_TERMS,
        *reader_ingest_phrases.INGEST_TERMS,
        *reader_vendor_phrases.VENDOR_TERMS,
        *reader_neware_phrases.NEWARE_TERMS,
        *reader_text_phrases.TEXT_TERMS,
        *column_map_phrases.COLUMN_MAP_TERMS,
        *battery_phrases.BATTERY_TERMS,
    ]


def in_pieces(node: ast.JoinedStr, texts: list[str]) -> bool:
    """Whether each constant piece of a sentence (cut at ``"; "``) lies in a msgid or term: a sentence whose values
    are words of their own (``it ends {where}``, ``current {how}``), each piece of which has its pattern."""
    for value in node.values:
        if not isinstance(value, ast.Constant):
            continue
        for piece in str(value.value).split("; "):
            piece = piece.strip(" ;,:.()")
            if len(piece) >= 4 and not any(piece in text for text in texts):
                return False
    return True


def listed(site: tuple[str, int], node: ast.JoinedStr) -> bool:
    text = ast.unparse(node)
    return any(site[0] == name and words in text for name, words in NOT_PATTERNED)


def test_every_sentence_of_the_readers_reads_korean_or_is_listed() -> None:
    found = sentences()
    assert len(found) >= 150, len(found)  # counted: every message, not a few
    texts = known_text()
    missed = {
        site: ast.unparse(node)
        for site, node in found.items()
        if not translated(node) and not in_pieces(node, texts)
    }
    unlisted = {site: text for site, text in missed.items() if not listed(site, found[site])}
    assert unlisted == {}, unlisted
    # and nothing listed reads Korean after all (the list stays the list of what is left)
    assert len(missed) == len(NOT_PATTERNED), sorted(missed)


def sample_of(group: str) -> str:
    """A value that the pattern's group takes whole (for :func:`test_each_pattern_reads_as_its_own_korean`)."""
    for value in (
        "셀 1.csv",
        "7",
        "'전압'",
        "2017-05-13 03:13:53",
        "08:59:41",
        "+9",
        "5%",
        "Korean Windows",
        "U+FFFD",
        "arbin",
        "nda",
        "UTF-16-LE",
        "step",
        "Arbin",
        "TOML",
        "0123456789abcdef" * 2,
        "xls",
    ):
        if re.fullmatch(group, value):
            return value
    raise AssertionError(group)


@pytest.mark.parametrize(
    ("pattern", "msgid"),
    [
        *reader_ingest_phrases.INGEST_PHRASES,
        *reader_phrases.READER_PHRASES,
        *reader_text_phrases.READER_TEXT_PHRASES,
    ],
    ids=[
        m[:60]
        for _, m in [
            *reader_ingest_phrases.INGEST_PHRASES,
            *reader_phrases.READER_PHRASES,
            *reader_text_phrases.READER_TEXT_PHRASES,
        ]
    ],
)
def test_each_pattern_reads_as_its_own_korean(pattern: re.Pattern[str], msgid: str) -> None:
    # the msgid with its placeholders filled: no earlier pattern takes the line, and the Korean keeps the values
    groups = dict(re.findall(r"\(\?P<(\w+)>((?:[^()]|\((?!\?P<)[^()]*\))*)\)", pattern.pattern))
    values = {name: sample_of(group) for name, group in groups.items()}
    line = msgid % values
    assert pattern.match(line), line
    catalogue = i18n.translations("ko")
    words = {
        k: catalogue.gettext(v) if k == "word" or k.startswith("word_") else v for k, v in values.items()
    }
    if "rest" in words:
        words["rest"] = i18n.phrase(values["rest"], "ko")
    expected = catalogue.gettext(msgid) % words
    assert i18n.phrase(line, "ko") == expected
    assert re.search("[가-힣]", expected), expected


def test_no_later_pattern_is_taken_by_a_reader_pattern() -> None:
    # the patterns tried after the readers' (a routing file's, PHRASES, the port's), filled with sample values where
    # their groups take one: none of them is read by a reader pattern first
    mine = {
        id(pattern) for pattern, _ in [*reader_ingest_phrases.INGEST_PHRASES, *reader_phrases.READER_PHRASES]
    }
    last = max(k for k, (pattern, _) in enumerate(i18n.PATTERNS) if id(pattern) in mine)
    catalogue = i18n.translations("ko")
    checked = 0
    for pattern, msgid in i18n.PATTERNS[last + 1 :]:
        groups = dict(re.findall(r"\(\?P<(\w+)>((?:[^()]|\((?!\?P<)[^()]*\))*)\)", pattern.pattern))
        try:
            line = msgid % {n: sample_of(g) for n, g in groups.items()}
        # a group no sample fits (a quoted SQL name, a KPI list, a weekday list)
        except (AssertionError, KeyError):
            continue
        if not pattern.match(line) or catalogue.gettext(line) != line:
            continue
        first = next(p for p, _ in i18n.PATTERNS if p.match(line))
        assert id(first) not in mine, line
        checked += 1
    assert checked >= 100, checked
