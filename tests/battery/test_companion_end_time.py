"""An Arbin companion's end time (``Last_End_DateTime``) against its start and the data file's last time stamp.

BEEP's FastCharge companion ends (1494636676) 2 h 22 min 18 s before it starts (1494645214) and before the data's
last row; the CH33 companion ends 18 s after its data's last row. The CH33 pair is copied under Korean names with
its end moved, or its dates rewritten as text in Korean local time (UTC+9). Expected times and spans are computed
here with the csv and datetime modules.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pytest

from gwangyang.battery.io import read_cycler
from gwangyang.battery.schema import WARNING_KINDS
from gwangyang.cli.main import main

ARBIN = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "battery" / "cyclers" / "arbin"
CH33 = ARBIN / "2017-05-09_test-TC-contact_CH33.csv"
FAST = ARBIN / "FastCharge_000025_CH8.csv"
UTC = dt.UTC
KST = dt.timezone(dt.timedelta(hours=9))


def _companion(data: Path) -> tuple[list[str], list[str]]:
    header, row = list(
        csv.reader(io.StringIO(data.with_name(f"{data.stem}_Metadata.csv").read_text(), newline=""))
    )
    return header, row


def _field(data: Path, name: str) -> int:
    header, row = _companion(data)  # FastCharge's header is in lower case
    return int(row[[h.lower() for h in header].index(name.lower())])


def _last_stamp(data: Path) -> float:
    rows = list(csv.reader(io.StringIO(data.read_text(), newline="")))
    return float(rows[-1][rows[0].index("DateTime")])


def _shown(seconds: float, zone: dt.timezone = UTC) -> str:
    return dt.datetime.fromtimestamp(seconds, zone).strftime("%Y-%m-%d %H:%M:%S")


def _span(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def _ends(path: Path) -> list[dict[str, str]]:
    return [w for w in read_cycler(path).warnings if w["kind"] == "end_time_mismatch"]


def test_fastcharge_companion_ends_before_it_starts() -> None:
    end, start, last = (
        _field(FAST, "Last_End_DateTime"),
        _field(FAST, "First_Start_DateTime"),
        _last_stamp(FAST),
    )
    assert (start - end, last - end) == (8538, pytest.approx(10357.4795))
    (note,) = _ends(FAST)
    assert note["file"] == FAST.name and "end_time_mismatch" in WARNING_KINDS
    assert note["detail"] == (
        f"FastCharge_000025_CH8_Metadata.csv gives the test's end (Last_End_DateTime) as {_shown(end)} UTC, "
        f"02:22:18 before its start (First_Start_DateTime, {_shown(start)} UTC) and {_span(last - end)} before "
        f"FastCharge_000025_CH8.csv's last time stamp ({_shown(last)}): a test cannot end before it started or "
        "before its last row was recorded; the companion may belong to another test, or a clock was wrong; its end "
        "time is not used"
    )


def test_ch33_companion_ends_after_its_last_row() -> None:
    assert 0 < _field(CH33, "Last_End_DateTime") - _last_stamp(CH33) < 20
    assert _ends(CH33) == []


def _pair(folder: Path, end: str, stem: str = "셀 33", data: str | None = None) -> Path:
    """CH33 and its companion with ``Last_End_DateTime`` written as ``end`` (the data file's text: ``data``)."""
    path = folder / f"{stem}.csv"
    if data is None:
        shutil.copy(CH33, path)
    else:
        path.write_text(data)
    header, row = _companion(CH33)
    row[header.index("Last_End_DateTime")] = end
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([header, row])
    (folder / f"{stem}_Metadata.csv").write_text(out.getvalue())
    return path


START = _field(CH33, "First_Start_DateTime")
LAST = _last_stamp(CH33)


@pytest.mark.parametrize(
    ("end", "faults"),
    [
        (round(LAST) + 3600, []),  # after the last row: no mismatch (rows cut: test_arbin_cut_end.py)
        (round(LAST) - 299, []),  # within 5 minutes
        ("0", []),  # not recorded (a test still running)
        ("", []),
        (round(LAST) - 400, ["last"]),
        (START - 60, ["start", "last"]),
        (START - 2 * 86400, ["start", "last"]),
    ],
)
def test_an_end_that_cannot_be_is_named(tmp_path: Path, end: int | str, faults: list[str]) -> None:
    notes = _ends(_pair(tmp_path, str(end)))
    if not faults:
        assert notes == []
        return
    (note,) = notes
    assert int(end) > 0
    told = int(end)
    assert note["file"] == "셀 33.csv"
    assert note["detail"].startswith(
        f"셀 33_Metadata.csv gives the test's end (Last_End_DateTime) as {_shown(told)} UTC, "
    )
    before_start = f"before its start (First_Start_DateTime, {_shown(START)} UTC)"
    before_last = f"before 셀 33.csv's last time stamp ({_shown(LAST)})"
    assert (before_start in note["detail"]) == ("start" in faults)
    assert (before_last in note["detail"]) == ("last" in faults)
    if "start" in faults and START - told < 86400:
        assert f"{_span(START - told)} {before_start}" in note["detail"]


def _korean_time() -> str:
    rows = list(csv.reader(io.StringIO(CH33.read_text(), newline="")))
    at = rows[0].index("DateTime")
    for row in rows[1:]:
        row[at] = dt.datetime.fromtimestamp(float(row[at]), KST).strftime("%Y-%m-%d %H:%M:%S.%f")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def test_text_dates_in_korean_time_are_compared_in_the_companions_zone(tmp_path: Path) -> None:
    # the start shows the data 9 h ahead (time_zone): the data's last row is taken 9 h back
    end = _field(CH33, "Last_End_DateTime")
    path = _pair(tmp_path, str(end), "한국 시간", _korean_time())
    data = read_cycler(path)
    assert [w["kind"] for w in data.warnings] == ["time_zone"]
    (note,) = _ends(_pair(tmp_path, str(end - 1000), "한국 시간", _korean_time()))
    assert f"before 한국 시간.csv's last time stamp ({_shown(LAST, KST)}, UTC+9)" in note["detail"]
    assert f"{_span(LAST - end + 1000)} before" in note["detail"]


def test_the_cli_ingest_shows_the_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "입력"
    folder.mkdir()
    _pair(folder, str(START - 60))
    assert main(["battery", "ingest", str(folder), "--store", str(tmp_path / "store"), "--json"]) == 0
    shown = [w for w in json.loads(capsys.readouterr().out)["warnings"] if w["kind"] == "end_time_mismatch"]
    assert [(w["file"], w["cell_id"]) for w in shown] == [("셀 33.csv", "셀 33")]
    assert main(["battery", "ingest", str(FAST), "--store", str(tmp_path / "store2")]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert (
        "FastCharge_000025_CH8 (FastCharge_000025_CH8.csv) end_time_mismatch: FastCharge_000025_CH8_Metadata.csv"
        in err
    )
