"""Variants of real cycler files through ``gwangyang battery ingest``: a Korean Windows export
(cp949, Korean file name and dates) lands with the original's per-cycle figures; an unknown column
and an unknown date form are warnings in the report; a file no reader can take is refused in one
line naming it, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from gwangyang.cli.main import main

from .variants import CYCLERS, TextExport, korean_clock, restamp, write

MACCOR = CYCLERS / "maccor" / "PredictionDiagnostics_000151_paused.052"
NEWARE = CYCLERS / "neware" / "nw_regular_export_ife_example.csv"
COUNTERS = ("charge_capacity_ah", "discharge_capacity_ah", "charge_energy_wh", "discharge_energy_wh")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if captured.out.strip() else {}, captured.err


def _cycles(capsys: pytest.CaptureFixture[str], store: Path, cell: str) -> np.ndarray:
    code, document, _ = _run(capsys, "battery", "cycles", cell, "--store", str(store), "--json")
    assert code == 0
    return np.array([[row[c] for c in COUNTERS] for row in document["cycles"]], dtype="float64")


def test_korean_windows_export_lands_with_the_same_cycles(
    tmp_path: Path, store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = TextExport.parse(MACCOR.read_text(encoding="latin-1"), 1, "\t")
    export.map_column("DPt Time", restamp("%m/%d/%Y %H:%M:%S", korean_clock)).add_column(
        "메모", lambda i: "정상"
    )
    folder = tmp_path / "files"
    folder.mkdir()
    variant = write(folder, "양극 셀.052", export.render(), "cp949")
    code, report, _ = _run(
        capsys, "battery", "ingest", str(MACCOR), str(variant), "--store", str(store_dir), "--json"
    )
    assert code == 0 and report["failed"] == []
    assert sorted(report["cells"]) == sorted(["PredictionDiagnostics_000151_paused", "양극 셀"])
    notes = {w["kind"]: w for w in report["warnings"] if w["file"] == variant.name}
    assert "'메모'" in notes["unknown_column"]["detail"] and notes["unknown_column"]["cell_id"] == "양극 셀"
    assert "unknown_format" not in notes  # the Korean dates were read
    original = _cycles(capsys, store_dir, "PredictionDiagnostics_000151_paused")
    np.testing.assert_allclose(_cycles(capsys, store_dir, "양극 셀"), original, rtol=1e-9, equal_nan=True)


def test_unknown_column_and_date_form_are_reported(
    tmp_path: Path, store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = NEWARE.read_text(encoding="latin-1").splitlines()
    date = lines[2][2:].split(",").index("Date")
    out = []
    for index, line in enumerate(lines):
        if index == 2:
            line += ",Probe"
        elif index > 2 and line.startswith(",,"):
            fields = line.split(",")
            fields[date + 2] = "sometime " + fields[date + 2][:4]
            line = ",".join(fields) + ",1"
        out.append(line)
    path = write(tmp_path, "neware_odd.csv", "\r\n".join(out) + "\r\n")
    code, report, _ = _run(capsys, "battery", "ingest", str(path), "--store", str(store_dir), "--json")
    assert code == 0 and len(report["ingested"]) == 1
    found = {w["kind"]: w for w in report["warnings"] if w["file"] == path.name}
    assert "'Probe'" in found["unknown_column"]["detail"]
    assert "'Date'" in found["unknown_format"]["detail"]


def test_a_file_no_reader_takes_is_refused_in_one_line_exit_2(
    tmp_path: Path, store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = TextExport.parse(
        (CYCLERS / "maccor" / "sample_data_maccor.csv").read_text(encoding="latin-1"), 2, ","
    )
    path = write(tmp_path, "maccor_semicolons.csv", export.decimal_comma(";").render())
    code, _, err = _run(capsys, "battery", "ingest", str(path), "--store", str(store_dir))
    failed = [line for line in err.splitlines() if line.startswith("failed")]
    assert code == 2 and len(failed) == 1 and "maccor_semicolons.csv: unknown cycler format" in failed[0]
    code, report, _ = _run(capsys, "battery", "ingest", str(path), "--store", str(store_dir), "--json")
    assert code == 2 and report["failed"][0]["bad_input"] is True


def test_a_required_column_missing_is_refused_naming_it(
    tmp_path: Path, store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = TextExport.parse(MACCOR.read_text(encoding="latin-1"), 1, "\t").drop("Volts")
    path = write(tmp_path, "no_volts.052", export.render())
    code, report, _ = _run(capsys, "battery", "ingest", str(path), "--store", str(store_dir), "--json")
    (item,) = report["failed"]
    assert code == 2 and "no_volts.052: no column 'Volts' or 'Voltage [V]' (for voltage_v)" in item["error"]
