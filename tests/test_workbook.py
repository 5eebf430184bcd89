"""Every reader of workbooks opens them one way (:func:`gwangyang.workbook.open_workbook`) and refuses them alike.

The inputs are the shared files, broken here: the PulseBat workbook ``LMO_10Ah_W_5000.xlsx`` (read by the quality
service's workbook check, ``battery/service/quality.py``, and by the PulseBat reader, ``battery/quality/pulse.py``)
and the Arbin export ``bs542_..._Channel_11.xlsx`` (``battery/io/arbin_xlsx.py``), each cut to its first half, or
replaced by 4,096 random bytes, or by an Office-encrypted container (a compound file holding an
``EncryptedPackage`` stream), all under Korean names. The independent route says they are broken: Python's
``zipfile`` finds no zip archive in them. Each surface exits 2 with one line naming the file, the same line the
factory tables (:mod:`gwangyang.sheets`) give.
"""

from __future__ import annotations

import json
import random
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from gwangyang.api import i18n
from gwangyang.battery.quality.pulse import read_pulsebat
from gwangyang.cli.main import main
from gwangyang.errors import CorruptFileError
from gwangyang.sheets import read_sheet
from gwangyang.workbook import open_workbook
from tests.biff5 import biff5_xls, compound_file

from .conftest import CYCLERS, SHARED

PULSEBAT = SHARED / "battery" / "recycling" / "10Ah LMO" / "LMO_10Ah_W_5000.xlsx"
ARBIN = CYCLERS / "arbin" / "bs542_004_gr_li_50ua_50mv_1v_191020_Channel_11.xlsx"
ENCRYPTED = "the workbook is encrypted (password-protected): save it without a password and read it again."


def broken(source: Path, how: str, path: Path) -> Path:
    """``source`` cut to its first half, or random bytes, or an encrypted container, written to ``path``."""
    if how == "truncated":
        raw = source.read_bytes()
        path.write_bytes(raw[: len(raw) // 2])
    elif how == "garbage":
        path.write_bytes(random.Random(7).randbytes(4096))
    else:
        path.write_bytes(compound_file(bytes(5000), name="EncryptedPackage"))
    assert not zipfile.is_zipfile(path)  # the independent route: no workbook (an .xlsx is a zip) is left
    return path


def refusal(path: Path, how: str) -> str:
    if how == "encrypted":
        return f"{path}: {ENCRYPTED}"
    return f"{path}: not a readable Excel workbook (ZipError: invalid Zip archive: Could not find EOCD)."


SURFACES = {
    # the quality service's check of whether a workbook is PulseBat's (battery/service/quality.py)
    "triage": (PULSEBAT, lambda path, tmp: ["battery", "triage", str(path), "--json"]),
    # the PulseBat reader over a folder (battery/quality/pulse.py)
    "pulsebat folder": (
        PULSEBAT,
        lambda path, tmp: ["battery", "triage", str(path.parent), "--evaluate", "--json"],
    ),
    # the Arbin .xlsx reader (battery/io/arbin_xlsx.py)
    "arbin ingest": (
        ARBIN,
        lambda path, tmp: ["battery", "ingest", str(path), "--store", str(tmp / "s"), "--json"],
    ),
}


@pytest.mark.parametrize("how", ["truncated", "garbage", "encrypted"])
@pytest.mark.parametrize("surface", list(SURFACES))
def test_broken_workbook_exits_2_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], surface: str, how: str
) -> None:
    source, argv = SURFACES[surface]
    folder = tmp_path / "통합 문서"
    folder.mkdir()
    path = broken(source, how, folder / "깨진 셀.xlsx")
    assert main(argv(path, tmp_path)) == 2
    out, err = capsys.readouterr()
    if surface == "arbin ingest":
        assert [f["error"] for f in json.loads(out)["failed"]] == [refusal(path, how)]
    else:
        assert out == "" and err == f"error: {refusal(path, how)}\n"
    with pytest.raises(CorruptFileError) as caught:  # a factory table says the same
        read_sheet(path, str(path))
    assert str(caught.value) == refusal(path, how)
    korean = i18n.phrase(refusal(path, how), "ko")
    assert korean.startswith(f"{path}: ") and (
        "암호화" in korean or "읽을 수 있는 Excel 통합 문서가 아닙니다" in korean
    )


def test_korean_sheet_name_is_kept(tmp_path: Path) -> None:
    """A sheet renamed ``전체 셀`` in ``xl/workbook.xml`` opens under that name with the rows it had."""
    path = tmp_path / "펄스.xlsx"
    with zipfile.ZipFile(PULSEBAT) as inside, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in inside.infolist():
            data = inside.read(item)
            if item.filename == "xl/workbook.xml":
                data = data.replace(b'name="SOC ALL"', 'name="전체 셀"'.encode())
            out.writestr(item, data)
    with zipfile.ZipFile(path) as archive:  # the names as the zip holds them
        written = re.findall(
            r'<sheet\b[^>]*?\bname="([^"]*)"', archive.read("xl/workbook.xml").decode("utf-8")
        )
    book = open_workbook(path)
    assert book.names == written and "전체 셀" in book.names and "SOC ALL" not in book.names
    assert book.rows("전체 셀") == open_workbook(PULSEBAT).rows("SOC ALL")
    assert len(book.rows("전체 셀")) == 951  # a header and the 950 rows of test_pulse_general


def test_biff5_workbook_goes_through_xls_biff5(tmp_path: Path) -> None:
    """An Excel 5.0/95 ``.xls`` with a Korean sheet and text is decoded in its code page (949), not by calamine."""
    path = biff5_xls(
        tmp_path / "검사95.xls", {"검사 결과": [["셀", "전압"], ["가-1", 3.5]]}, {"검사 결과": [None, None]}
    )
    book = open_workbook(path)
    assert book.names == ["검사 결과"]
    assert book.rows("검사 결과") == [["셀", "전압"], ["가-1", 3.5]]


def test_pulsebat_frames_are_read_excels() -> None:
    """The PulseBat reader's rows (through the opener) make the frames ``pandas.read_excel`` makes."""
    from gwangyang.battery.quality.pulse import pulsebat_sheet

    sheets = pd.read_excel(PULSEBAT, sheet_name=None, engine="calamine")
    want = pulsebat_sheet(sheets, str(PULSEBAT))
    want["id"] = want["id"].astype(str)
    pd.testing.assert_frame_equal(read_pulsebat(PULSEBAT), want)


@pytest.mark.parametrize("how", ["truncated", "garbage", "encrypted"])
def test_api_refuses_the_broken_workbook_in_one_line(tmp_path: Path, how: str) -> None:
    """``POST /api/v1/quality/triage``: 400, the same line, naming the uploaded file as the user named it."""
    from fastapi.testclient import TestClient

    from gwangyang.api import create_app
    from tests.api.conftest import AUTH, TOKEN

    path = broken(PULSEBAT, how, tmp_path / "깨진 셀.xlsx")
    with TestClient(create_app(tmp_path / "store", token=TOKEN), headers=AUTH) as client:
        answer = client.post("/api/v1/quality/triage", files={"file": (path.name, path.read_bytes())})
    assert answer.status_code == 400
    assert answer.json() == {"detail": refusal(Path(path.name), how)}
