"""``gwangyang battery ingest --org``: the cells belong to that organisation; without it they are shared."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gwangyang.cli.main import main
from gwangyang.store import Store
from tests.conftest import CYCLERS


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_ingest_org(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "s"
    basytec = CYCLERS / "basytec" / "sample_data_basytec.txt"
    maccor = CYCLERS / "maccor" / "sample_data_maccor.csv"
    code, out, _ = run(
        capsys, "battery", "ingest", str(basytec), "--store", str(store), "--org", "광양소재", "--json"
    )
    assert code == 0 and json.loads(out)["ingested"][0]["cell_id"] == "sample_data_basytec"
    assert run(capsys, "battery", "ingest", str(maccor), "--store", str(store), "--json")[0] == 0
    orgs = {m["cell_id"]: m["org"] for m in Store(store).metas()}
    assert orgs == {"sample_data_basytec": "광양소재", "sample_data_maccor": None}
    code, _, err = run(capsys, "battery", "ingest", str(maccor), "--store", str(store), "--org", "../x")
    assert code == 2 and "--org" in err and "Traceback" not in err


def test_a_file_named_after_another_organisations_cell_is_a_conflict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "s"
    basytec = CYCLERS / "basytec" / "sample_data_basytec.txt"
    assert run(capsys, "battery", "ingest", str(basytec), "--store", str(store), "--org", "A")[0] == 0
    copy = tmp_path / "in" / basytec.name
    copy.parent.mkdir()
    copy.write_bytes(basytec.read_bytes() + b"\n")  # other content, same cell id
    code, out, _ = run(capsys, "battery", "ingest", str(copy), "--store", str(store), "--org", "B", "--json")
    report = json.loads(out)
    assert code == 1 and report["failed"][0]["conflict"] is True
    assert "another organisation's" in report["failed"][0]["error"]
    assert Store(store).meta("sample_data_basytec")["org"] == "A"
    # the same content ingested by another organisation is skipped without naming A's cell
    code, out, _ = run(
        capsys, "battery", "ingest", str(basytec), "--store", str(store), "--org", "B", "--json"
    )
    skipped = json.loads(out)["skipped"][0]["reason"]
    assert code == 0 and "sample_data_basytec" not in skipped and "another organisation" in skipped
