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
from gwangyang.battery import checks, kinds
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
