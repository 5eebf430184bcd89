"""Bad input for the Maccor, Novonix, Basytec and column-map readers: one-line errors naming the file.

"Missing cycle": a cycle index that skips a cycle (1 then 3 in custom_missing_cycle.csv, whose rows
20-39 are gone) is reported as a corrupt file unless the column map sets ``allow_cycle_gaps``.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings

from gwangyang.battery.io import read_cycler
from gwangyang.battery.io.basytec import BasytecReader
from gwangyang.battery.io.generic import ColumnMapReader
from gwangyang.battery.io.maccor import MaccorReader
from gwangyang.battery.io.novonix import NovonixReader
from gwangyang.battery.schema import CyclerData
from gwangyang.cli.main import main
from gwangyang.errors import CorruptFileError, InputError, UnknownFormatError
from tests.conftest import CYCLERS
from tests.strategies.text_files import mutated, shorten

MAPS = Path(__file__).resolve().parents[3] / "src" / "gwangyang" / "battery" / "io" / "maps"
PRIME = MAPS / "cellpy_custom.toml"
BAD = ["custom_missing_column.csv", "custom_missing_cycle.csv", "custom_nan_inf.csv", "custom_truncated.csv"]
FIXTURES = [
    "maccor/PredictionDiagnostics_000109_tztest.010",
    "maccor/PredictionDiagnostics_000151_paused.052",
    "maccor/PredictionDiagnostics_000151_test.052",
    "maccor/maccor_test_file_4267-66-6519.041",
    "maccor/sample_data_maccor.csv",
    "novonix/test_Nova_Form-CH01-01_short.csv",
    "basytec/sample_data_basytec.txt",
]


def _one_line_naming(error: BaseException, path: Path) -> str:
    message = str(error)
    assert "\n" not in message
    assert path.name in message
    return message


@pytest.mark.parametrize(
    ("name", "what"),
    [
        ("custom_missing_column.csv", "no column 'voltage' (for voltage_v) in the header on line 20"),
        ("custom_missing_cycle.csv", "cycle index skips cycle(s) from 1 to 3 at data row 21"),
        (
            "custom_nan_inf.csv",
            "'voltage' (voltage_v) is missing or not a finite number in data row 4 (line 24)",
        ),
    ],
)
def test_bad_files_with_map(cyclers: Path, name: str, what: str) -> None:
    path = cyclers / "bad" / name
    with pytest.raises(CorruptFileError) as info:
        read_cycler(path, column_map=PRIME)
    assert what in _one_line_naming(info.value, path)


def test_truncated_file_is_read_less_its_partial_row_with_a_warning(cyclers: Path) -> None:
    path = cyclers / "bad" / "custom_truncated.csv"
    data = read_cycler(path, column_map=PRIME)
    (warned,) = [w for w in data.warnings if w["kind"] == "truncated_file"]
    assert warned["file"] == path.name and "5 of 10 fields" in warned["detail"]
    # the file's 60th data row is cut after 5 fields: the 59 whole ones are read
    assert data.rows == 59
    assert data.source == path


def test_nan_inf_rows_can_be_dropped(cyclers: Path, tmp_path: Path) -> None:
    relaxed = tmp_path / "relaxed.toml"
    relaxed.write_text(
        PRIME.read_text(encoding="utf-8") + '\n[options]\non_invalid = "drop"\n', encoding="utf-8"
    )
    data = read_cycler(cyclers / "bad" / "custom_nan_inf.csv", column_map=relaxed)
    assert data.rows == 57  # 60 rows less voltage "" (line 24), "inf" (line 28) and "-inf" (line 32)


@pytest.mark.parametrize("name", [*BAD, "custom_good_small.csv"])
def test_bad_files_without_map_are_unknown(cyclers: Path, name: str) -> None:
    path = cyclers / "bad" / name
    with pytest.raises(UnknownFormatError) as info:
        read_cycler(path)
    assert "unknown cycler format" in _one_line_naming(info.value, path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(InputError) as info:
        read_cycler(path)
    assert "empty" in _one_line_naming(info.value, path)
    with pytest.raises(InputError) as info:
        read_cycler(path, column_map=PRIME)
    assert "no header line" in _one_line_naming(info.value, path)


def test_random_bytes(tmp_path: Path) -> None:
    path = tmp_path / "noise.010"
    path.write_bytes(np.random.default_rng(7).integers(0, 256, 20000, dtype=np.uint8).tobytes())
    with pytest.raises(UnknownFormatError) as info:
        read_cycler(path)
    _one_line_naming(info.value, path)


def test_unknown_vendor(tmp_path: Path) -> None:
    path = tmp_path / "other_cycler.csv"
    path.write_text("Zeit;Spannung;Strom\n0;3.1;0.5\n1;3.2;0.5\n", encoding="utf-8")
    with pytest.raises(UnknownFormatError) as info:
        read_cycler(path)
    _one_line_naming(info.value, path)


def _cut_mid_line(data: bytes, delimiter: bytes) -> bytes:
    """Cut a file in the middle of a data line, two fields into it."""
    middle = len(data) * 2 // 3
    start = data.rfind(b"\n", 0, middle) + 1
    first = data.index(delimiter, start)
    return data[: data.index(delimiter, first + 1) + 1]


@pytest.mark.parametrize("name", [*FIXTURES, "bad/custom_good_small.csv"])
def test_truncated_fixture(cyclers: Path, tmp_path: Path, name: str) -> None:
    source = cyclers / name
    delimiter = b";" if "custom" in name else b"," if source.suffix == ".csv" else b"\t"
    data_bytes = _cut_mid_line(source.read_bytes(), delimiter)
    path = tmp_path / "cut" / source.name
    path.parent.mkdir()
    path.write_bytes(data_bytes)
    # the independent route: the same file cut at the end of its last whole line
    whole = tmp_path / "whole" / source.name
    whole.parent.mkdir()
    whole.write_bytes(data_bytes[: data_bytes.rfind(b"\n") + 1])
    mapping = PRIME if "custom" in name else None
    data = read_cycler(path, column_map=mapping)
    reference = read_cycler(whole, column_map=mapping)
    assert [w["kind"] for w in data.warnings].count("truncated_file") == 1
    assert data.rows == reference.rows
    pd.testing.assert_frame_equal(data.timeseries, reference.timeseries)


@pytest.mark.parametrize("name", FIXTURES)
def test_fixture_cut_in_its_preamble(cyclers: Path, tmp_path: Path, name: str) -> None:
    source = cyclers / name
    path = tmp_path / source.name
    path.write_bytes(source.read_bytes()[:60])
    with pytest.raises(InputError) as info:
        read_cycler(path)
    _one_line_naming(info.value, path)


READERS = [
    (MaccorReader(), "maccor/PredictionDiagnostics_000151_paused.052"),
    (MaccorReader(), "maccor/maccor_test_file_4267-66-6519.041"),
    (MaccorReader(), "maccor/sample_data_maccor.csv"),
    (NovonixReader(), "novonix/test_Nova_Form-CH01-01_short.csv"),
    (BasytecReader(), "basytec/sample_data_basytec.txt"),
    (ColumnMapReader.from_file(PRIME), "bad/custom_good_small.csv"),
]


@pytest.mark.parametrize(("reader", "name"), READERS, ids=[name for _, name in READERS])
def test_fuzzed_slices_read_or_fail_cleanly(reader: object, name: str) -> None:
    original = shorten((CYCLERS / name).read_bytes(), 400)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(mutated(original))
    def check(data: bytes) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / Path(name).name
            path.write_bytes(data)
            try:
                result = reader.read(path)  # type: ignore[attr-defined]
            except InputError as error:
                assert "\n" not in str(error)
                return
            assert isinstance(result, CyclerData)
            ts = result.timeseries
            assert len(ts) > 0
            assert np.all(np.diff(ts["test_time_s"].to_numpy()) >= 0)
            for column in ("test_time_s", "current_a", "voltage_v"):
                assert np.isfinite(ts[column].to_numpy()).all()

    check()


def test_ingest_lands_the_good_file_and_reports_the_bad(
    cyclers: Path, store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "battery",
            "ingest",
            str(cyclers / "bad"),
            "--column-map",
            "cellpy_custom",
            "--store",
            str(store_dir),
            "--json",
        ]
    )
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    ingested = {Path(item["file"]).name: item["rows"] for item in report["ingested"]}
    # the truncated file lands less its partial last row, with a warning
    assert ingested == {"custom_good_small.csv": 60, "custom_truncated.csv": 59}
    assert [w["file"] for w in report["warnings"] if w["kind"] == "truncated_file"] == [
        "custom_truncated.csv"
    ]
    failed = {Path(item["file"]).name: item["error"] for item in report["failed"]}
    assert sorted(failed) == [b for b in BAD if b != "custom_truncated.csv"]
    for name, error in failed.items():
        assert name in error and "\n" not in error
