"""``gwangyang battery screen|anomalies|triage|formation`` with --json, and their bad-input errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gwangyang.battery.quality.materials import material_value
from gwangyang.cli.main import main
from gwangyang.demo import (
    FORMATION_COLUMNS,
    FORMATION_FAULTS,
    inject_formation_faults,
)
from gwangyang.samples import formation_table
from gwangyang.store import Store
from tests.battery.quality.store_helpers import put_cycles, severson_capacity
from tests.conftest import SHARED


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, " ".join(err.split())


@pytest.fixture
def formation_csv(tmp_path: Path) -> Path:
    path = tmp_path / "formation.csv"
    inject_formation_faults(formation_table()).to_csv(path, index=False)
    return path


def test_screen_json_flags_the_injected_cells(
    capsys: pytest.CaptureFixture[str], formation_csv: Path
) -> None:
    code, out, _ = run(
        capsys, "battery", "screen", str(formation_csv), "--id-column", "cellid", "--lot-column", "lot",
        "--columns", ",".join(FORMATION_COLUMNS), "--json",
    )  # fmt: skip
    assert code == 0
    result = json.loads(out)
    assert result["n_cells"] == 39
    assert {f["id"] for f in result["flagged"]} == {str(k) for k in FORMATION_FAULTS}
    assert set(result["flagged"][0]) >= {"id", "lot", "score", "reasons"}


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--id-column", "serial"], "--id-column 'serial' is not a column"),
        (["--id-column", "cellid", "--columns", "lot"], "column 'lot' must be numeric"),
    ],
)
def test_screen_bad_input(
    capsys: pytest.CaptureFixture[str], formation_csv: Path, args: list[str], words: str
) -> None:
    code, _, err = run(capsys, "battery", "screen", str(formation_csv), *args)
    assert code == 2 and words in err and len(err.splitlines()) == 1


def test_screen_one_cell_and_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    one = tmp_path / "one.csv"
    formation_table().iloc[:1].to_csv(one, index=False)
    code, _, err = run(capsys, "battery", "screen", str(one), "--id-column", "cellid")
    assert code == 2 and "at least 3 cells" in err
    code, _, err = run(capsys, "battery", "screen", str(tmp_path / "none.csv"), "--id-column", "cellid")
    assert code == 2 and "no such file" in err


def test_anomalies_incremental_through_the_store(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    cycles = severson_capacity("test1", 1)
    put_cycles(store, "cell1", cycles[cycles["cycle_index"] <= 40])
    code, out, _ = run(capsys, "battery", "anomalies", "cell1", "--store", str(store.root), "--json")
    assert code == 0
    assert [(a["cell_id"], a["cycle_index"], a["kind"]) for a in json.loads(out)["anomalies"]] == [
        ("cell1", 12, "capacity_drop")  # the real glitch of primary-test cell 1
    ]
    put_cycles(store, "cell1", cycles)
    code, out, _ = run(capsys, "battery", "anomalies", "--store", str(store.root), "--json")
    assert [a["new"] for a in json.loads(out)["anomalies"]] == [False]
    code, _, err = run(capsys, "battery", "anomalies", "other", "--store", str(store.root))
    assert code == 2 and "'other'" in err


def test_triage_measured_soh_with_rules(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    cells = pd.DataFrame(
        {"id": ["a", "b", "c"], "chemistry": "NMC", "nominal_capacity_ah": 2.1, "soh": [0.9, 0.7, 0.5]}
    )
    cells.to_csv(tmp_path / "cells.csv", index=False)
    (tmp_path / "rules.toml").write_text("[prices_per_kg]\nCo = 40\nNi = 20\nLi = 80\n")
    code, out, _ = run(
        capsys,
        "battery",
        "triage",
        str(tmp_path / "cells.csv"),
        "--rules",
        str(tmp_path / "rules.toml"),
        "--json",
    )
    assert code == 0
    result = json.loads(out)
    assert [(c["id"], c["grade"]) for c in result["cells"]] == [
        ("a", "second_life"),
        ("b", "reuse"),
        ("c", "recycle"),
    ]
    value = material_value("NMC111", 2.1, {"Co": 40, "Ni": 20, "Li": 80, "Mn": 2, "Fe": 0.1, "Al": 2},
                           {"Li": 0.8, "Co": 0.95, "Ni": 0.95})  # fmt: skip
    assert result["totals"]["value"] == pytest.approx(3 * value, abs=0.01)


def test_triage_pulse_table_and_unknown_chemistry(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from gwangyang.samples import sample_dir

    pulse = pd.read_csv(sample_dir("recycling") / "pulsebat_soc_all.csv.gz")
    lfp = pulse[pulse["chemistry"] == "LFP"]
    train, test = lfp[lfp["id"] != lfp["id"].iloc[0]], lfp[lfp["id"] == lfp["id"].iloc[0]]
    train.to_csv(tmp_path / "train.csv", index=False)
    test.drop(columns=["soh"]).to_csv(tmp_path / "cell.csv", index=False)
    code, out, _ = run(
        capsys, "battery", "triage", str(tmp_path / "cell.csv"), "--train", str(tmp_path / "train.csv"),
        "--model", "ridge", "--json",
    )  # fmt: skip
    assert code == 0
    cell = json.loads(out)["cells"][0]
    assert cell["soh"] == pytest.approx(test["soh"].iloc[0], rel=0.1)
    assert cell["soh_low"] < cell["soh"] < cell["soh_high"]
    test.assign(chemistry="NaIon").to_csv(tmp_path / "bad.csv", index=False)
    code, _, err = run(
        capsys, "battery", "triage", str(tmp_path / "bad.csv"), "--train", str(tmp_path / "train.csv")
    )
    assert code == 2 and "got 'NaIon'" in err


def test_formation_json(capsys: pytest.CaptureFixture[str]) -> None:
    table = SHARED / "battery" / "formation" / "correlation_data_2022.csv"
    code, out, _ = run(
        capsys, "battery", "formation", str(table), "--covariates", "is_room_temp_aging", "--json"
    )
    assert code == 0
    result = json.loads(out)
    assert result["spearman"] == pytest.approx(0.791, abs=5e-4)
    assert len(result["predictions"]) == 39 and np.isfinite(result["predictions"][0]["predicted"])
    assert result["warnings"] == [
        "correlation_data_2022.csv: column 1 has no name and numbers the rows (a saved index); left out."
    ]
    assert result["skill"] > 0.5


def test_formation_without_skill_warns(capsys: pytest.CaptureFixture[str]) -> None:
    table = SHARED / "battery" / "formation" / "correlation_data_2022.csv"
    code, _, err = run(capsys, "battery", "formation", str(table), "--covariates", "none")
    assert code == 0 and "rho -0.971" in err
    assert "warning" in err and "no better than the mean" in err.replace("\n", " ")


def test_triage_evaluate_beside_tao(capsys: pytest.CaptureFixture[str]) -> None:
    from gwangyang.battery.quality.pulse import TAO_2024_UNSEEN_MAPE
    from gwangyang.samples import sample_dir

    sample = sample_dir("recycling") / "pulsebat_soc_all.csv.gz"
    code, out, _ = run(capsys, "battery", "triage", str(sample), "--evaluate", "--model", "ridge", "--json")
    assert code == 0
    result = json.loads(out)
    assert result["tao_2024_unseen_mape_bound"] == TAO_2024_UNSEEN_MAPE
    assert max(result["within_type_mape"].values()) < TAO_2024_UNSEEN_MAPE
    # ridge with the chemistry held out: LFP 5.5 %, the others well above Tao et al.'s bound
    assert result["held_out_type_mape"]["LFP 35Ah"] == pytest.approx(0.0552, abs=5e-4)
    assert result["held_out_type_mape"]["LMO 10Ah"] > 0.2


def test_screen_without_lots_names_the_alarm_all_cells(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """No --lot-column: the cells are one lot, which the text calls "all cells" (it printed "lot None")."""
    values = [1.02] * 8 + [0.99, 1.0, 1.01, 0.98] * 3  # cells 1-8 above the median of all 20 (1.005)
    path = tmp_path / "eol.csv"
    pd.DataFrame({"cell": [f"c{k + 1}" for k in range(20)], "ocv_v": values}).to_csv(path, index=False)
    code, out, _ = run(capsys, "battery", "screen", str(path), "--id-column", "cell", "--json")
    alarms = [a for a in json.loads(out)["lot_alarms"] if a["rule"] == "8 in a row on one side"]
    assert code == 0 and [(a["lot"], a["direction"], a["cells"]) for a in alarms] == [
        (None, "high", [f"c{k + 1}" for k in range(8)])
    ]
    code, _, err = run(capsys, "battery", "screen", str(path), "--id-column", "cell")
    assert code == 0 and "lot None" not in err
    assert "all cells: ocv_v high, 8 in a row on one side" in err
