"""A data file no reader knows names its companion in its refusal; the companion is not warned about again.

The companions are the shared Arbin and Novonix ones, copied beside data files no reader knows (a text file, a
binary file) under Korean names. Ingesting the folder (or the data file) gives one failure naming the file and its
companion, and no ``orphan_companion`` warning; a companion given without that data file is still warned about,
and a known data file with its companion still reads it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from gwangyang.api import i18n
from gwangyang.battery.grouping import companion_warnings, discover
from gwangyang.battery.ingest import ingest
from gwangyang.battery.io import read_cycler
from gwangyang.cli.main import main
from gwangyang.errors import UnknownFormatError
from gwangyang.store.store import Store

CYCLERS = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "battery" / "cyclers"
ARBIN = CYCLERS / "arbin" / "2017-05-09_test-TC-contact_CH33.csv"
ARBIN_META = CYCLERS / "arbin" / "2017-05-09_test-TC-contact_CH33_Metadata.csv"
NOVONIX_META = CYCLERS / "novonix" / "test_Nova_Form-CH01-01_short_metadata.csv"
UNKNOWN = (
    "unknown cycler format ({kind} file not recognised as Arbin, Maccor, Neware, BioLogic, Novonix or Basytec; use "
    "--column-map for another cycler)"
)


def folder_with(tmp_path: Path, data: str, content: bytes, companion: str, source: Path) -> Path:
    folder = tmp_path / "자료"
    folder.mkdir()
    (folder / data).write_bytes(content)
    shutil.copy(source, folder / companion)
    return folder


@pytest.mark.parametrize(
    ("data", "content", "kind", "companion", "source"),
    [
        ("셀.txt", "측정 메모\n전압은 나중에\n".encode(), "text", "셀_metadata.csv", NOVONIX_META),
        ("셀.bin", bytes(range(256)) * 4, "binary", "셀_Metadata.csv", ARBIN_META),
    ],
)
def test_unknown_data_file_names_its_companion_once(
    tmp_path: Path, data: str, content: bytes, kind: str, companion: str, source: Path
) -> None:
    folder = folder_with(tmp_path, data, content, companion, source)
    expected = (
        f"{folder / data}: {UNKNOWN.format(kind=kind)}; its companion (metadata) file {companion} is not read "
        "either."
    )
    for given in ([folder], [folder / data], [folder / data, folder / companion]):
        report = ingest(given, store=Store(tmp_path / "store")).to_dict()
        assert report["warnings"] == [] and report["ingested"] == [], given
        assert [(f["file"], f["error"]) for f in report["failed"]] == [(str(folder / data), expected)], given
    with pytest.raises(UnknownFormatError) as caught:
        read_cycler(folder / data)
    assert str(caught.value) == expected
    korean = i18n.phrase(expected, "ko")
    assert korean.endswith(f"; 그 부속(메타데이터) 파일 {companion}도 읽지 않았습니다.")
    assert "use --column-map" not in korean and "not read either" not in korean


def test_cli_reports_it_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = folder_with(tmp_path, "셀.txt", "메모\n".encode() * 3, "셀_metadata.csv", NOVONIX_META)
    code = main(["battery", "ingest", str(folder), "--store", str(tmp_path / "store"), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 2 and report["warnings"] == []
    assert [
        f["error"].endswith("its companion (metadata) file 셀_metadata.csv is not read either.")
        for f in report["failed"]
    ] == [True]


def test_companion_without_its_unknown_data_file_is_still_warned(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, "셀.txt", "메모\n".encode() * 3, "셀_metadata.csv", NOVONIX_META)
    given = [folder / "셀_metadata.csv"]
    (note,) = companion_warnings(given, discover(given))
    assert note["kind"] == "orphan_companion" and note["file"] == "셀_metadata.csv"
    assert "(files of its name: 셀.txt;" in note["detail"]


def test_unknown_file_without_companion_and_known_file_with_one(tmp_path: Path) -> None:
    (tmp_path / "홀로.txt").write_bytes("메모\n".encode() * 3)
    with pytest.raises(UnknownFormatError) as caught:
        read_cycler(tmp_path / "홀로.txt")
    assert str(caught.value) == f"{tmp_path / '홀로.txt'}: {UNKNOWN.format(kind='text')}."
    shutil.copy(ARBIN, tmp_path / "셀 33.csv")
    shutil.copy(ARBIN_META, tmp_path / "셀 33_Metadata.csv")
    report = ingest(
        [tmp_path / "셀 33.csv", tmp_path / "셀 33_Metadata.csv"], store=Store(tmp_path / "s")
    ).to_dict()
    assert report["failed"] == [] and [i["cell_id"] for i in report["ingested"]] == ["셀 33"]
    assert [w for w in report["warnings"] if w["kind"] == "orphan_companion"] == []
