"""A column map uploaded with cycler files (``POST /api/v1/battery/uploads``) reads them as ``--column-map`` does.

Input from the shared files: BioLogic's EC-Lab CSV export ``test_loopsnewoutput_MB_CE1_short10k.csv``, its first
4,000 data rows (cycles 0, 1 and the start of 2), its headers rewritten in Korean and saved under a Korean name,
with a map for it (``비오로직 맵.toml``). The independent route is pandas on the same rows: the rows per cycle and
each cycle's largest ``Q discharge/mA.h``; and the CLI's ``battery ingest --column-map`` of the same file and map,
whose cells, cycles, per-cycle capacities and warnings the API's ingest must equal.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from gwangyang.api import i18n
from gwangyang.cli.main import main
from gwangyang.store import Store

from ..conftest import CYCLERS
from .conftest import nothing_left

API = "/api/v1/battery"
BIOLOGIC = CYCLERS / "biologic" / "test_loopsnewoutput_MB_CE1_short10k.csv"
ROWS = 4000
KOREAN = {
    "time/s": "시각",
    "Ecell/V": "전압/V",
    "I/mA": "전류/mA",
    "cycle number": "사이클 번호",
    "Q charge/mA.h": "충전 용량/mA.h",
    "Q discharge/mA.h": "방전 용량/mA.h",
}
MAP = """name = "우리 장비"
[file]
delimiter = ";"
[options]
allow_cycle_gaps = true
[columns.test_time_s]
source = "시각"
format = "datetime"
datetime_format = "%m/%d/%Y %H:%M:%S.%f"
[columns.cycle_index]
source = "사이클 번호"
[columns.current_a]
source = "전류/mA"
scale = 0.001
[columns.voltage_v]
source = "전압/V"
[columns.charge_capacity_ah]
source = "충전 용량/mA.h"
scale = 0.001
[columns.discharge_capacity_ah]
source = "방전 용량/mA.h"
scale = 0.001
"""
DATA = "충방전 시험 1.csv"
MAP_NAME = "비오로직 맵.toml"


def korean_copy(folder: Path) -> tuple[Path, Path]:
    """The shared BioLogic CSV's first :data:`ROWS` rows with Korean headers, and a map for it, in ``folder``."""
    lines = BIOLOGIC.read_text(encoding="utf-8").splitlines(keepends=True)
    header = [KOREAN.get(name, name) for name in lines[0].rstrip("\n").split(";")]
    path = folder / DATA
    path.write_text(";".join(header) + "\n" + "".join(lines[1 : ROWS + 1]), encoding="utf-8")
    mapped = folder / MAP_NAME
    mapped.write_text(MAP, encoding="utf-8")
    return path, mapped


def upload(client: TestClient, *files: tuple[str, bytes], wait: float = 60) -> Any:
    return client.post(
        f"{API}/uploads", params={"wait": wait}, files=[("files", (name, body)) for name, body in files]
    )


@pytest.fixture
def big_client(tmp_path: Path) -> Iterator[TestClient]:
    """A client of an empty store of its own with the default upload limit."""
    from gwangyang.api import create_app

    from .conftest import AUTH, TOKEN

    with TestClient(create_app(tmp_path / "store", token=TOKEN), headers=AUTH) as c:
        yield c


def test_the_api_reads_an_upload_with_its_map_as_the_cli_does(
    big_client: TestClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, mapped = korean_copy(tmp_path)
    answer = upload(big_client, (DATA, path.read_bytes()), (MAP_NAME, mapped.read_bytes()))
    assert answer.status_code == 201, answer.text
    result = answer.json()["job"]["result"]
    assert answer.json()["files"] == [DATA]
    assert answer.json()["job"]["params"]["column_map"] == MAP_NAME
    assert result["cells"] == ["충방전 시험 1"] and result["failed"] == []

    argv = ["battery", "ingest", str(path), "--column-map", str(mapped), "--store", str(tmp_path / "cli")]
    assert main([*argv, "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert cli["cells"] == result["cells"]
    assert [(i["rows"], i["cycles"]) for i in cli["ingested"]] == [
        (i["rows"], i["cycles"]) for i in result["ingested"]
    ]
    # the same warnings, the CLI's naming the map by its path, the API's by its name
    assert [(w["kind"], w["detail"].replace(str(tmp_path) + "/", "")) for w in cli["warnings"]] == [
        (w["kind"], w["detail"]) for w in result["warnings"]
    ]
    unread = [w["detail"] for w in result["warnings"] if w["kind"] == "unknown_column"]
    assert len(unread) == 1 and "mode" in unread[0]  # the 66 columns the map leaves: named, not dropped

    # pandas on the same rows: rows, cycles, each cycle's largest discharge capacity
    raw = pd.read_csv(BIOLOGIC, sep=";", nrows=ROWS)
    assert result["ingested"][0]["rows"] == ROWS
    by_cycle = raw.groupby("cycle number")["Q discharge/mA.h"].max() / 1000
    api_cycles = pd.DataFrame(big_client.get(f"{API}/cells/충방전 시험 1/cycles").json()["cycles"])
    cli_cycles = Store(tmp_path / "cli").cycles("충방전 시험 1")
    assert list(api_cycles["cycle_index"]) == list(cli_cycles["cycle_index"]) == list(by_cycle.index)
    for column in ("discharge_capacity_ah", "charge_capacity_ah"):
        np.testing.assert_allclose(api_cycles[column], cli_cycles[column], rtol=1e-12)
    np.testing.assert_allclose(api_cycles["discharge_capacity_ah"], by_cycle.to_numpy(), rtol=1e-9)


def stored(client: TestClient) -> list[str]:
    return [cell["cell_id"] for cell in client.get(f"{API}/cells").json()]


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (
            'name = "우리 장비"\n[columns\n',
            f"{MAP_NAME}: not a valid TOML column map (",
        ),
        (
            MAP.replace("[columns.voltage_v]", '[columns."전압"]'),
            f"{MAP_NAME}: columns.전압: unknown column; expected one of ",
        ),
        (
            MAP.replace("scale = 0.001\n[columns.voltage_v]", "scael = 0.001\n[columns.voltage_v]"),
            f"{MAP_NAME}: columns.current_a.scael: unknown field; expected one of convention, datetime_format, ",
        ),
    ],
    ids=["not-toml", "unknown-column", "unknown-key"],
)
def test_a_bad_map_is_400_naming_the_map_and_the_field(
    fresh_client: TestClient, tmp_path: Path, body: str, detail: str
) -> None:
    path, _ = korean_copy(tmp_path)
    small = path.read_bytes()[:200_000].rsplit(b"\n", 1)[0] + b"\n"
    answer = upload(fresh_client, (DATA, small), (MAP_NAME, body.encode()))
    assert answer.status_code == 400, answer.text
    line = answer.json()["detail"]
    assert line.startswith(detail) and "\n" not in line and str(tmp_path) not in line, line
    assert "uploads/" not in line
    assert stored(fresh_client) == [] and nothing_left(fresh_client)


def test_a_map_that_does_not_fit_the_file_is_422_naming_both_and_nothing_is_stored(
    fresh_client: TestClient, tmp_path: Path
) -> None:
    path, _ = korean_copy(tmp_path)
    small = path.read_bytes()[:200_000].rsplit(b"\n", 1)[0] + b"\n"
    body = MAP.replace('source = "전압/V"', 'source = "전압(V)"')
    answer = upload(fresh_client, (DATA, small), (MAP_NAME, body.encode()))
    assert answer.status_code == 422, answer.text
    line = answer.json()["detail"]
    assert line.startswith(
        f"{DATA}: no column '전압(V)' (for voltage_v) in the header on line 1; the column map {MAP_NAME} names it "
        "in columns.voltage_v.source; found: "
    ), line
    assert stored(fresh_client) == [] and nothing_left(fresh_client)
    korean = i18n.phrase(line.split(" (job ")[0], "ko")
    assert f"열 매핑 {MAP_NAME}의 columns.voltage_v.source에 적힌 열입니다" in korean, korean


@pytest.mark.parametrize(
    ("names", "detail"),
    [
        (
            (MAP_NAME,),
            f"upload: column map {MAP_NAME} without a cycler file; send the files it reads with it.",
        ),
        (
            (MAP_NAME, "셀_metadata.csv"),
            f"upload: column map {MAP_NAME} without a cycler file; send the files it reads with it.",
        ),
        (
            (DATA, MAP_NAME, "둘째 맵.TOML"),
            f"upload: expected at most one column map (.toml), got 2: {MAP_NAME}, 둘째 맵.TOML.",
        ),
    ],
    ids=["map-alone", "map-and-companion", "two-maps"],
)
def test_a_map_alone_or_two_maps_are_refused_in_one_line(
    fresh_client: TestClient, names: tuple[str, ...], detail: str
) -> None:
    answer = upload(fresh_client, *((name, MAP.encode()) for name in names))
    assert answer.status_code == 400 and answer.json()["detail"] == detail, answer.text
    assert stored(fresh_client) == [] and nothing_left(fresh_client)


def test_an_unknown_file_tells_the_api_user_to_upload_a_map_and_the_cli_user_to_use_the_option(
    fresh_client: TestClient, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = korean_copy(tmp_path)
    small = path.read_bytes()[:200_000].rsplit(b"\n", 1)[0] + b"\n"
    answer = upload(fresh_client, (DATA, small))
    assert answer.status_code == 415
    line = answer.json()["detail"]
    assert line == (
        f"{DATA}: unknown cycler format (text file not recognised as Arbin, Maccor, Neware, BioLogic, Novonix or "
        "Basytec; upload a column map (.toml) with the file for another cycler)."
    )
    assert i18n.phrase(line, "ko").endswith("다른 충방전기는 열 매핑(.toml)을 파일과 함께 업로드하십시오).")
    path.write_bytes(small)
    assert main(["battery", "ingest", str(path), "--store", str(tmp_path / "cli"), "--json"]) == 2
    (failed,) = json.loads(capsys.readouterr().out)["failed"]
    assert failed["error"].endswith("use --column-map for another cycler).")


@pytest.mark.parametrize("name", ["arbin", "우리 장비"])
def test_a_companion_uploaded_with_a_map_is_read_or_named_as_the_cli_does(
    fresh_client: TestClient, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    from ..battery.io.test_map_companions import arbin_copy, companion_row

    path, mapped = arbin_copy(tmp_path, name)
    companion = path.with_name("셀 8_Metadata.csv")
    files = [(p.name, p.read_bytes()) for p in (path, companion, mapped)]
    answer = upload(fresh_client, *files)
    assert answer.status_code == 201, answer.text
    result = answer.json()["job"]["result"]
    argv = [
        "battery",
        "ingest",
        str(path.parent),
        "--column-map",
        str(mapped),
        "--store",
        str(tmp_path / "c"),
    ]
    assert main([*argv, "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    orphans = [w["detail"] for w in result["warnings"] if w["kind"] == "orphan_companion"]
    assert orphans == [
        w["detail"].replace(str(tmp_path) + "/", "")
        for w in cli["warnings"]
        if w["kind"] == "orphan_companion"
    ]
    meta = fresh_client.get(f"{API}/cells/셀 8").json()
    cell = Store(tmp_path / "c").meta("셀 8")
    assert meta["channel"] == cell["channel"]
    if name == "arbin":  # the companion's channel (IV_Ch_ID + 1, by the csv module), no warning
        assert meta["channel"] == str(int(companion_row(companion)["iv_ch_id"]) + 1) == "8" and orphans == []
    else:  # named once, the map by the name it was uploaded under, not the server's folder
        assert meta["channel"] is None and orphans == [
            "셀 8_Metadata.csv: a companion (metadata) file beside 셀 8.csv, not read: the column map 셀 맵.toml is "
            "named '우리 장비', and only maps named arbin or novonix read their cycler's companion"
        ]
