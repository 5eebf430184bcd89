"""English inside the values a Korean line shows is translated (``value_phrases``); the warnings' JSON keeps it.

Before, a Korean line kept a Neware workbook's ``(sheets 'Detail_1', 'Detail_2' joined)`` after the file's name, a
span's ``1 d 01:00:19``, a cycle's ``(2 rows)`` and a BioLogic layout's ``(ids as in version 2)``: each value was
kept whole as the English gave it. Each line here is made by the project's own code (the workbook reader, the
cycle checks' list, the BioLogic layout), read by :func:`gwangyang.api.i18n.phrase` and by the page's script.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pytest

from gwangyang.api import i18n
from gwangyang.battery import checks, kinds, policy
from gwangyang.battery.io.biologic_mpr import Module
from gwangyang.battery.io.biologic_mpr_data import layout
from gwangyang.errors import GwangyangError

from .page_script import page_phrases

WORKBOOK = "셀 엑셀.xls"


def joined_workbook_refusal() -> str:
    """The refusal of a BTSDA workbook over two record sheets whose header names no ``Voltage(V)``."""
    neware = pytest.importorskip("tests.battery.io.test_neware_xls")  # xlwt: a skip without it
    from gwangyang.battery.io.neware_sheets import read_record_workbook

    rows = neware._rows()
    rows[0] = ["전압(V)" if name == "Voltage(V)" else name for name in rows[0]]
    with tempfile.TemporaryDirectory() as folder:
        path = neware.write_xls(
            Path(folder) / WORKBOOK, neware._split(rows, ["Detail_1", "Detail_2"], [5000])
        )
        with pytest.raises(GwangyangError) as caught:
            read_record_workbook(path, "xls")
        return str(caught.value).replace(f"{folder}/", "")


def undersampled_line() -> str:
    """The cycle checks' warning of cycles 3 and 7 logged with 2 and 1 rows a step (their list as checks writes it)."""
    listed = checks._cycles_text(np.array([3, 7]), np.array([2.0, 1.0]), " rows")
    return (
        f"2 cycle(s) logged too thinly to integrate their capacity (a charge or discharge step of under "
        f"{kinds.MIN_STEP_ROWS} rows; not complete, left out of health, life and fleet figures): {listed}"
    )


def biologic_line() -> str:
    """The warning of a data module of version 4, read with version 0's layout."""
    shape, known = layout(Module("VMP data", "", 4, "", b"\0" * 8))
    assert not known
    return (
        f".mpr data module version 4 not known to this reader: read as version {shape.name}, the records taken "
        "from the end of the module"
    )


def test_a_joined_workbook_s_name_reads_korean() -> None:
    english = joined_workbook_refusal()
    assert english == (
        f"{WORKBOOK} (sheets 'Detail_1', 'Detail_2' joined): no Neware record header (DataPoint, Cycle Index, Step "
        "Index, ...)."
    )
    expected = (
        f"{WORKBOOK} (이어 붙인 시트 'Detail_1', 'Detail_2'): Neware 기록 머리글(DataPoint, Cycle Index, Step Index, ...)이 "
        "없습니다."
    )
    assert i18n.phrase(english, "ko") == expected
    assert page_phrases([english]) == [expected]


def test_a_cycle_s_row_count_reads_korean() -> None:
    english = undersampled_line()
    assert english.endswith(": 3 (2 rows), 7 (1 rows)")
    korean = i18n.phrase(english, "ko")
    assert korean.endswith(": 3 (2행), 7 (1행)") and "rows" not in korean, korean
    assert page_phrases([english]) == [korean]


def test_a_biologic_layout_s_name_reads_korean() -> None:
    english = biologic_line()
    assert "read as version 4 (ids as in version 0)," in english
    korean = i18n.phrase(english, "ko")
    assert korean == (
        "이 리더가 모르는 .mpr 데이터 모듈 버전 4: 버전 4 (id는 버전 0과(와) 같음)(으)로 읽고, 레코드는 모듈 "
        "끝에서부터 잡았습니다"
    )
    assert page_phrases([english]) == [korean]


def test_a_span_of_days_reads_korean_and_a_clock_alone_is_kept() -> None:
    # the pieces alone: "N d HH:MM:SS" inside a value, not a time of day or a number followed by "d"
    assert i18n._values("1 d 01:00:19", i18n.translations("ko")) == "1일 01:00:19"
    assert i18n._values("01:00:19", i18n.translations("ko")) == "01:00:19"
    assert i18n._values("Cycle 1 d", i18n.translations("ko")) == "Cycle 1 d"
    assert i18n._values("셀.xls (sheet 'record')", i18n.translations("ko")) == "셀.xls (시트 'record')"


def test_english_pages_and_json_keep_the_english() -> None:
    english = undersampled_line()
    assert i18n.phrase(english, "en") == english


def named_workbook_refusal(name: str) -> str:
    """The joined-workbook refusal of :func:`joined_workbook_refusal` for a workbook named ``name``."""
    return joined_workbook_refusal().replace(WORKBOOK, name)


@pytest.mark.parametrize(
    ("name", "cell"),
    [("(2 rows).xls", "(2 rows)"), ("광양 (1 rows) 셀.xls", "셀 (2 rows)"), ("셀 엑셀.xls", "Fleet")],
)
def test_names_are_kept_though_written_like_a_value_piece_or_a_term(name: str, cell: str) -> None:
    # a file named like a cycle's "(2 rows)": its name kept, the joined sheets after it still read Korean
    english = named_workbook_refusal(name)
    korean = f"{name} (이어 붙인 시트 'Detail_1', 'Detail_2'): Neware 기록 머리글(DataPoint, Cycle Index, Step Index, ...)이 없습니다."
    assert i18n.phrase(english, "ko") == korean
    # a cell named like a value piece or a catalogue term ("Fleet" is 셀 목록 on the pages): kept as it is
    with pytest.raises(GwangyangError) as caught:
        policy.parse_policy("1C-2C-3C", cell=cell)
    refusal = str(caught.value)
    cell_korean = (
        f"{cell}: 충전 정책 '1C-2C-3C'에 끝 SOC 없는 C-rate가 3개 있습니다; 그렇게 읽는 것은 4개(각 20 %)뿐입니다 "
        "(예: '5.4C(40%)-3.6C')."
    )
    assert i18n.phrase(refusal, "ko") == cell_korean
    assert page_phrases([english, refusal]) == [korean, cell_korean]


def test_the_term_standing_for_a_cell_and_pieces_outside_names_are_still_read() -> None:
    with pytest.raises(GwangyangError) as caught:
        policy.parse_policy("1C-2C-3C", cell="protocol")
    assert i18n.phrase(str(caught.value), "ko").startswith("프로토콜: 충전 정책 '1C-2C-3C'")
    catalogue = i18n.translations("ko")
    assert i18n._values("3 (2 rows), 7 (1 rows)", catalogue) == "3 (2행), 7 (1행)"
    assert i18n._values("'3 (2 rows)'", catalogue) == "'3 (2 rows)'"  # inside quotes: a name
    assert i18n._values("(2 rows).csv", catalogue) == "(2 rows).csv"
