"""A companion beside a file read with ``--column-map`` is read as its cycler reads it, or said unread, once.

Inputs from the shared files: the Arbin CSV ``FastCharge_000025_CH8.csv`` with Korean headers (a layout the Arbin
reader does not claim), under a Korean name, with its ``_Metadata.csv`` copied beside it; the Novonix export
``test_Nova_Form-CH01-01_short.csv`` and its ``_metadata.csv``. The independent route is Python's csv module on the
companions: the channel (``IV_Ch_ID`` + 1), the start (``First_Start_DateTime``, Unix seconds) and the summary's
cycles and charge capacities (``Qc``). The CLI's ingest (``battery ingest --column-map``) and the store's
(:func:`gwangyang.battery.ingest.ingest`) report the same warnings.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gwangyang.api import i18n
from gwangyang.battery.ingest import ingest
from gwangyang.battery.io import read_cycler
from gwangyang.cli.main import main
from gwangyang.store import Store

from ...conftest import CYCLERS

ARBIN = CYCLERS / "arbin" / "FastCharge_000025_CH8.csv"
NOVONIX = CYCLERS / "novonix" / "test_Nova_Form-CH01-01_short.csv"
KOREAN = {"Test_Time": "시간(s)", "Cycle_Index": "사이클", "Current": "전류(A)", "Voltage": "전압(V)"}


def companion_row(path: Path) -> dict[str, str]:
    """The companion's one row, its headers lower-cased, by the csv module."""
    header, row = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))[:2]
    return {name.strip().lower(): value for name, value in zip(header, row, strict=True)}


def arbin_copy(folder: Path, name: str) -> tuple[Path, Path]:
    """The shared Arbin CSV with Korean headers as ``<folder>/자료/셀 8.csv``, its companion, a map named ``name``."""
    text = ARBIN.read_text(encoding="utf-8")
    head, rest = text.split("\n", 1)
    header = [KOREAN.get(column, column) for column in head.split(",")]
    path = folder / "자료" / "셀 8.csv"
    path.parent.mkdir()
    path.write_text(",".join(header) + "\n" + rest, encoding="utf-8")
    shutil.copy(ARBIN.with_name("FastCharge_000025_CH8_Metadata.csv"), path.with_name("셀 8_Metadata.csv"))
    mapped = folder / "셀 맵.toml"
    columns = dict(
        zip(("test_time_s", "cycle_index", "current_a", "voltage_v"), KOREAN.values(), strict=True)
    )
    body = "".join(f'[columns.{key}]\nsource = "{source}"\n' for key, source in columns.items())
    mapped.write_text(
        f'name = "{name}"\n[file]\nknown_columns = {json.dumps([c for c in header if c not in columns.values()])}\n'
        f"[options]\nallow_cycle_gaps = true\n{body}",
        encoding="utf-8",
    )
    return path, mapped


def test_arbin_map_reads_the_metadata_companion(tmp_path: Path) -> None:
    path, mapped = arbin_copy(tmp_path, "arbin")
    data = read_cycler(path, column_map=mapped)
    row = companion_row(path.with_name("셀 8_Metadata.csv"))
    assert data.channel == str(int(row["iv_ch_id"]) + 1) == "8"
    assert data.start_time == pd.Timestamp(int(row["first_start_datetime"]), unit="s", tz="UTC")
    assert data.extra["metadata_file"] == "셀 8_Metadata.csv"
    assert "orphan_companion" not in [w["kind"] for w in data.warnings]
    plain = read_cycler(ARBIN)  # the Arbin reader on the original: the companion says the same
    assert (plain.channel, plain.start_time) == (data.channel, data.start_time)
    ends = [w["detail"] for w in data.warnings if w["kind"] == "end_time_mismatch"]
    assert (
        len(ends) == 1 and "셀 8_Metadata.csv" in ends[0]
    )  # its end lies before its start, as without a map


def test_other_map_says_once_that_the_companion_was_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, mapped = arbin_copy(tmp_path, "우리 장비")
    detail = (
        f"셀 8_Metadata.csv: a companion (metadata) file beside 셀 8.csv, not read: the column map {mapped} is named "
        "'우리 장비', and only maps named arbin or novonix read their cycler's companion"
    )
    data = read_cycler(path, column_map=mapped)
    assert [w["detail"] for w in data.warnings if w["kind"] == "orphan_companion"] == [detail]
    assert data.channel is None and data.start_time is None
    argv = [
        "battery",
        "ingest",
        str(path.parent),
        "--column-map",
        str(mapped),
        "--store",
        str(tmp_path / "s"),
    ]
    assert main([*argv, "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    store = ingest([path.parent], store=Store(tmp_path / "t"), column_map=mapped).to_dict()
    for report in (cli, store):
        assert [w["detail"] for w in report["warnings"] if w["kind"] == "orphan_companion"] == [detail]
        assert report["failed"] == [] and report["cells"] == ["셀 8"]
    korean = i18n.phrase(detail, "ko")
    assert (
        korean.startswith("셀 8_Metadata.csv: 셀 8.csv 옆의 부속(메타데이터) 파일을 읽지 않았습니다")
        and "'우리 장비'" in korean
    )


def test_novonix_map_reads_the_summary(tmp_path: Path) -> None:
    for source in (NOVONIX, NOVONIX.with_name(f"{NOVONIX.stem}_metadata.csv")):
        shutil.copy(source, tmp_path / source.name)
    data = read_cycler(tmp_path / NOVONIX.name, column_map="novonix")
    row = companion_row(tmp_path / f"{NOVONIX.stem}_metadata.csv")
    assert data.vendor_cycles is not None
    assert data.vendor_cycles["cycle_index"].tolist() == [float(row["cycle"])] == [1.0]
    np.testing.assert_allclose(
        data.vendor_cycles["charge_capacity_ah"], [float(row["qc"])], rtol=0, atol=1e-12
    )
    plain = read_cycler(NOVONIX)
    assert plain.vendor_cycles is not None
    pd.testing.assert_frame_equal(data.vendor_cycles, plain.vendor_cycles)
    assert "orphan_companion" not in [w["kind"] for w in data.warnings]
