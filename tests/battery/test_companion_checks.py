"""A companion's start time against its data file's time stamps, and companions no data file reads.

The shared Arbin CH33 export and its ``_Metadata.csv`` (``First_Start_DateTime`` 1494377253; the first row at
test time 0 is dated 1494377253.17) are copied under Korean names with the companion's start moved, or the data
file's dates rewritten as text in Korean local time (UTC+9). The expected times are computed independently with
the csv and datetime modules.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pytest

from gwangyang.battery.grouping import companion_warnings, discover
from gwangyang.battery.ingest import ingest
from gwangyang.battery.io import read_cycler
from gwangyang.battery.service import ingest_upload
from gwangyang.cli.main import main
from gwangyang.store.store import Store

CYCLERS = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "battery" / "cyclers"
DATA = CYCLERS / "arbin" / "2017-05-09_test-TC-contact_CH33.csv"
META = CYCLERS / "arbin" / "2017-05-09_test-TC-contact_CH33_Metadata.csv"
NOVONIX = CYCLERS / "novonix" / "test_Nova_Form-CH01-01_short.csv"
HEADER, ROW = list(csv.reader(io.StringIO(META.read_text(), newline="")))
FIRST = dict(zip(*list(csv.reader(io.StringIO(DATA.read_text(), newline="")))[:2], strict=True))
STARTED = int(ROW[HEADER.index("First_Start_DateTime")])
OWN = float(FIRST["DateTime"]) - float(FIRST["Test_Time"])  # the data file's start by its own clock
UTC = dt.UTC


def _shown(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%S")


def _pair(folder: Path, shift: int = 0, stem: str = "셀 33") -> Path:
    """The data file and its companion with ``First_Start_DateTime`` moved by ``shift`` seconds."""
    path = folder / f"{stem}.csv"
    shutil.copy(DATA, path)
    row = list(ROW)
    row[HEADER.index("First_Start_DateTime")] = str(STARTED + shift)
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([HEADER, row])
    (folder / f"{stem}_Metadata.csv").write_text(out.getvalue())
    return path


def _timing(path: Path) -> list[dict[str, str]]:
    return [w for w in read_cycler(path).warnings if w["kind"] in ("time_zone", "start_time_mismatch")]


def test_the_shared_pairs_agree() -> None:
    assert abs(OWN - STARTED) < 1  # 0.17 s
    assert _timing(DATA) == []
    assert _timing(CYCLERS / "arbin" / "FastCharge_000025_CH8.csv") == []  # 19.5 s apart


@pytest.mark.parametrize("shift", [0, 120, -290, 299])
def test_within_five_minutes_is_no_warning(tmp_path: Path, shift: int) -> None:
    assert _timing(_pair(tmp_path, shift)) == []


@pytest.mark.parametrize(
    ("shift", "zone"), [(9 * 3600, -9), (-9 * 3600 + 100, 9), (3600 - 250, -1), (-14 * 3600, 14)]
)
def test_whole_hours_apart_is_a_time_zone_warning(tmp_path: Path, shift: int, zone: int) -> None:
    path = _pair(tmp_path, shift)
    (note,) = _timing(path)
    assert note["kind"] == "time_zone" and note["file"] == "셀 33.csv"
    detail = note["detail"]
    assert detail.startswith(f"셀 33_Metadata.csv gives the test's start as {_shown(STARTED + shift)} UTC, ")
    assert f"셀 33.csv's time stamps as {_shown(OWN)}" in detail
    assert f"a whole {abs(zone)} h" in detail and f"(UTC{zone:+d} if the companion's is UTC)" in detail
    assert read_cycler(path).start_time == dt.datetime.fromtimestamp(STARTED + shift, UTC)  # the companion's


@pytest.mark.parametrize(
    ("shift", "apart", "day"),
    [
        (37 * 60, "00:37:00 behind", ""),
        (3 * 3600 + 400, "03:06:40 behind", ""),
        (-(3 * 3600 + 400), "03:06:40 ahead", " (another day)"),  # the companion's start on the 9th, UTC
        (15 * 3600, "15:00:00 behind", ""),
        (-15 * 3600, "15:00:00 ahead", " (another day)"),
        (86400, "1 d 00:00:00 behind", " (another day)"),
        (-3 * 86400 - 5, "3 d 00:00:05 ahead", " (another day)"),
    ],
)
def test_other_disagreements_are_a_mismatch(tmp_path: Path, shift: int, apart: str, day: str) -> None:
    (note,) = _timing(_pair(tmp_path, shift))
    assert note["kind"] == "start_time_mismatch" and note["file"] == "셀 33.csv"
    assert f"{_shown(STARTED + shift)} UTC" in note["detail"] and _shown(OWN) in note["detail"]
    assert f"셀 33.csv is {apart}{day}, more than 5 minutes" in note["detail"]


def test_text_dates_in_korean_local_time_are_a_time_zone_warning(tmp_path: Path) -> None:
    rows = list(csv.reader(io.StringIO(DATA.read_text(), newline="")))
    at = rows[0].index("DateTime")
    kst = dt.timezone(dt.timedelta(hours=9))
    for row in rows[1:]:
        row[at] = dt.datetime.fromtimestamp(float(row[at]), kst).strftime("%Y-%m-%d %H:%M:%S.%f")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path = tmp_path / "한국 시간.csv"
    path.write_text(out.getvalue())
    shutil.copy(META, tmp_path / "한국 시간_Metadata.csv")
    (note,) = _timing(path)
    assert note["kind"] == "time_zone" and "UTC+9" in note["detail"]
    assert f"as {dt.datetime.fromtimestamp(OWN, kst):%Y-%m-%d %H:%M:%S}" in note["detail"]


def test_a_mismatch_reaches_the_ingest_report(tmp_path: Path) -> None:
    folder = tmp_path / "입력"
    folder.mkdir()
    _pair(folder, 2 * 86400)
    report = ingest([folder], store=Store(tmp_path / "store"))
    timing = [w for w in report.warnings if w["kind"] in ("time_zone", "start_time_mismatch")]
    assert [(w["file"], w["kind"], w["cell_id"]) for w in timing] == [
        ("셀 33.csv", "start_time_mismatch", "셀 33")
    ]
    assert len(report.ingested) == 1


def _orphans(report: dict[str, list[dict[str, str]]]) -> list[dict[str, str]]:
    return [w for w in report["warnings"] if w["kind"] == "orphan_companion"]


def test_companion_with_no_data_file_is_named_in_the_ingest_warnings(tmp_path: Path) -> None:
    folder = tmp_path / "폴더"
    folder.mkdir()
    shutil.copy(DATA, folder / "셀.csv")
    shutil.copy(META, folder / "고아_Metadata.csv")
    report = ingest([folder], store=Store(tmp_path / "store")).to_dict()
    assert [i["cell_id"] for i in report["ingested"]] == ["셀"]
    (note,) = _orphans(report)
    assert note["file"] == "고아_Metadata.csv" and note["cell_id"] == ""
    assert note["detail"].startswith(
        "고아_Metadata.csv: a companion (metadata) file that no data file beside it"
    )
    assert "files of its name: none" in note["detail"] and note["detail"].endswith("not read")


def test_a_paired_companion_gives_no_warning(tmp_path: Path) -> None:
    _pair(tmp_path)
    assert companion_warnings([tmp_path], discover([tmp_path])) == []
    given = [tmp_path / "셀 33.csv", tmp_path / "셀 33_Metadata.csv"]
    assert companion_warnings(given, discover(given)) == []


def test_a_companion_named_without_its_data_file(tmp_path: Path) -> None:
    _pair(tmp_path)
    given = [tmp_path / "셀 33_Metadata.csv"]
    (note,) = companion_warnings(given, discover(given))
    assert note["detail"] == (
        "셀 33_Metadata.csv: a companion (metadata) file, read with its data file (셀 33.csv), which was not "
        "given; not read on its own"
    )


def test_a_companion_its_data_files_reader_does_not_look_for(tmp_path: Path) -> None:
    # Novonix reads <stem>_metadata.csv only; Arbin reads _Metadata.csv first, so a second _metadata.csv is unread
    shutil.copy(NOVONIX, tmp_path / "노보닉스.csv")
    (tmp_path / "노보닉스_Metadata.csv").write_bytes(
        NOVONIX.with_name(f"{NOVONIX.stem}_metadata.csv").read_bytes()
    )
    assert read_cycler(tmp_path / "노보닉스.csv").vendor_cycles is None  # not read indeed
    _pair(tmp_path)
    shutil.copy(META, tmp_path / "셀 33_metadata.csv")
    notes = companion_warnings([tmp_path], discover([tmp_path]))
    assert [(n["file"], n["detail"].split(" (files of its name: ")[1].split(";")[0]) for n in notes] == [
        ("노보닉스_Metadata.csv", "노보닉스.csv"),
        ("셀 33_metadata.csv", "셀 33.csv"),
    ]


def test_orphan_warning_through_the_upload_path_and_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "upload"
    folder.mkdir()
    shutil.copy(META, folder / "메타만_Metadata.csv")
    report = ingest_upload(Store(tmp_path / "store"), folder, None)
    assert report["ingested"] == [] and report["failed"] == []
    assert [w["file"] for w in _orphans(report)] == ["메타만_Metadata.csv"]
    other = tmp_path / "cli"
    other.mkdir()
    shutil.copy(META, other / "메타만_Metadata.csv")
    code = main(["battery", "ingest", str(other), "--store", str(tmp_path / "store2"), "--json"])
    assert code == 0
    assert [w["file"] for w in _orphans(json.loads(capsys.readouterr().out))] == ["메타만_Metadata.csv"]
