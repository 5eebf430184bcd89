import json
import os
import struct
import zlib
from pathlib import Path

import pandas as pd
import pytest

from gwangyang.cli.main import main
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
