import json
import os
import struct
import zlib
from pathlib import Path

import pandas as pd
import pytest

from gwangyang.battery import service
from gwangyang.cli.main import main
from gwangyang.errors import InputError
from gwangyang.store import Store
from tests.helpers import ARBIN

FASTCHARGE = ARBIN / "FastCharge_000025_CH8.csv"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert zlib.crc32(data[12:29]) == struct.unpack(">I", data[29:33])[0]
    return width, height


def test_ingest_cells_cycles_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = str(tmp_path / "store")
    garbage = tmp_path / "noise.res"
    garbage.write_bytes(os.urandom(2048))
    code, out, _ = run(capsys, "battery", "ingest", str(FASTCHARGE), str(garbage), "--store", store, "--json")
    assert code == 1  # one file failed
    report = json.loads(out)
    assert [i["cell_id"] for i in report["ingested"]] == ["FastCharge_000025_CH8"]
    assert report["failed"][0]["file"].endswith("noise.res")

    code, out, _ = run(capsys, "battery", "cells", "--store", store, "--json")
    assert code == 0
    (cell,) = json.loads(out)
    assert {
        "cell_id",
        "vendor",
        "rows",
        "cycles",
        "first_time",
        "last_time",
        "max_discharge_capacity_ah",
    } <= set(cell)
    assert cell["rows"] == report["ingested"][0]["rows"]

    plot = tmp_path / "cycles.png"
    code, out, _ = run(
        capsys, "battery", "cycles", "FastCharge_000025_CH8", "--store", store, "--json", "--plot", str(plot)
    )
    assert code == 0
    document = json.loads(out)
    cycles = document["cycles"]
    assert document["cell_id"] == "FastCharge_000025_CH8" and len(cycles) == cell["cycles"]
    assert {"cycle_index", "discharge_capacity_ah", "charge_capacity_ah", "coulombic_efficiency"} <= set(
        cycles[0]
    )
    assert png_size(plot)[0] > 300

    for fmt in ("parquet", "csv"):
        target = tmp_path / f"out.{fmt}"
        code, _, _ = run(
            capsys,
            "battery",
            "export",
            "FastCharge_000025_CH8",
            str(target),
            "--format",
            fmt,
            "--store",
            store,
        )
        assert code == 0
        table = pd.read_parquet(target) if fmt == "parquet" else pd.read_csv(target)
        assert len(table) == cell["rows"]

    # without --format the name decides: OUT.csv is CSV text (it used to be Parquet bytes under a .csv name),
    # anything else Parquet; a Korean file name works
    for name, magic in (("내보내기.csv", b"cell_id,"), ("내보내기.parquet", b"PAR1")):
        target = tmp_path / name
        code, _, _ = run(capsys, "battery", "export", "FastCharge_000025_CH8", str(target), "--store", store)
        assert code == 0 and target.read_bytes()[: len(magic)] == magic
        table = pd.read_csv(target) if name.endswith(".csv") else pd.read_parquet(target)
        assert len(table) == cell["rows"]
    # an unknown format: the CLI names its option, the service (Python callers) its parameter
    code, _, err = run(
        capsys,
        "battery",
        "export",
        "FastCharge_000025_CH8",
        str(tmp_path / "x.h5"),
        "--format",
        "h5",
        "--store",
        store,
    )
    assert code == 2 and "--format: expected parquet, csv or bdf, got 'h5'" in err
    with pytest.raises(InputError, match=r"^format: expected parquet"):
        service.export_cell(Store(store), "FastCharge_000025_CH8", "h5", tmp_path / "x.h5")


def test_bad_usage_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = str(tmp_path / "store")
    (tmp_path / "store").mkdir()
    code, out, err = run(capsys, "battery", "cycles", "no-such-cell", "--store", store, "--json")
    assert code == 2 and out == ""
    assert err.strip().count("\n") == 0 and "no-such-cell" in err
    code, _, err = run(capsys, "battery", "ingest", str(tmp_path / "missing"), "--store", store)
    assert code == 2 and "missing" in err
    code, _, err = run(capsys, "battery", "ingest", str(FASTCHARGE), "--executor", "gpu", "--store", store)
    assert code == 2 and "--executor" in err
    code, _, err = run(
        capsys, "battery", "export", "x", str(tmp_path / "o"), "--format", "xml", "--store", store
    )
    assert code == 2 and "--format" in err


MACCOR_DIAG = ARBIN.parent / "maccor" / "xTESLADIAG_000038.078"
NEWARE = ARBIN.parent / "neware" / "nw_regular_export_ife_example.csv"


def test_steps_cycles_warnings_and_conflicts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = str(tmp_path / "store")
    code, out, _ = run(capsys, "battery", "ingest", str(MACCOR_DIAG), "--store", store, "--json")
    assert code == 0
    report = json.loads(out)
    (cell,) = {i["cell_id"] for i in report["ingested"]}
    # the file ends 2.23 Ah into the discharge of its 24th cycle: reported, never silent
    kinds = {w["kind"] for w in report["warnings"]}
    assert "incomplete_cycles" in kinds
    assert all(set(w) == {"file", "cell_id", "kind", "detail"} for w in report["warnings"])

    code, out, err = run(capsys, "battery", "cycles", cell, "--store", store)
    assert code == 0 and "complete" in err and "kind" in err and "warning" in err

    plot = tmp_path / "steps.png"
    code, out, _ = run(capsys, "battery", "steps", cell, "--store", store, "--json", "--plot", str(plot))
    assert code == 0
    steps = json.loads(out)["steps"]
    # one step per run of the vendor's (Cyc#, Step) columns: a rest, then 24 cycles of CC charge, CC
    # discharge and rest (the last cut in its discharge)
    raw = pd.read_csv(MACCOR_DIAG, sep="\t", skiprows=1, usecols=["Cyc#", "Step"], index_col=False)
    runs = ((raw["Step"] != raw["Step"].shift()) | (raw["Cyc#"] != raw["Cyc#"].shift())).sum()
    assert len(steps) == runs == 72
    assert {s["type"] for s in steps} == {"cc_charge", "cc_discharge", "rest"}
    assert {s["vendor_step_index"] for s in steps} == set(raw["Step"])
    assert png_size(plot)[0] > 300

    # a Neware file named like the stored Maccor cell: refused with one line naming both, exit 1
    clash = tmp_path / "clash" / f"{cell}.csv"
    clash.parent.mkdir()
    clash.write_bytes(NEWARE.read_bytes())
    code, out, err = run(capsys, "battery", "ingest", str(clash), "--store", store, "--cell-id", cell)
    assert code == 1
    (line,) = [line for line in err.splitlines() if line.startswith("failed")]
    assert "maccor" in line and "neware" in line and cell in line
    code, _, _ = run(
        capsys, "battery", "ingest", str(clash), "--store", store, "--cell-id", cell, "--replace"
    )
    assert code == 0


def test_fleet_names_the_cells_it_leaves_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A cell without a health figure (FastCharge: one incomplete cycle) is named on stderr, not dropped silently."""
    store = str(tmp_path / "store")
    assert run(capsys, "battery", "ingest", str(FASTCHARGE), "--store", store)[0] == 0
    code, out, err = run(capsys, "battery", "fleet", "--store", store, "--json")
    assert code == 0 and json.loads(out) == {}
    assert "1 cell(s) left out" in err and "FastCharge_000025_CH8" in err
    # and `battery health` says which cell and why, in one line (exit 2)
    code, out, err = run(capsys, "battery", "health", "FastCharge_000025_CH8", "--store", store, "--json")
    assert code == 2 and out == "" and err.strip().count("\n") == 0
    assert "cell 'FastCharge_000025_CH8': capacity: needs at least 3 cycles" in err


def test_health_names_a_korean_cell_as_the_service_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The bad-input line is the service's (``cell 'ID': ...``), with the Korean id intact, exit 2."""
    from gwangyang.battery import service
    from gwangyang.errors import InputError
    from gwangyang.store import Store

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "셀-01.csv").write_bytes(FASTCHARGE.read_bytes())
    store = str(tmp_path / "store")
    assert run(capsys, "battery", "ingest", str(folder / "셀-01.csv"), "--store", store)[0] == 0
    code, out, err = run(capsys, "battery", "health", "셀-01", "--store", store)
    with pytest.raises(InputError) as caught:
        service.cell_health(Store(store), "셀-01")
    assert (
        code == 2 and out == "" and str(caught.value).startswith("cell '셀-01': capacity: needs at least 3")
    )
    assert " ".join(err.split()).endswith(str(caught.value))
