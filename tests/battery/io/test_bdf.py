"""Battery Data Format (BDF): export a stored cell, read it back.

The column labels are the Battery Data Alliance's (battery-data-format README: required ``Test Time /
s``, ``Voltage / V``, ``Current / A``; recommended ``Unix Time / s``, ``Cycle Count / 1``; cycle-level
capacities and energies of the BDF ontology 1.3.0). The independent route for the values is the
vendor's own file: a round trip must give back the cycles and capacities ingest found in it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gwangyang.battery.cycles import cycle_summary
from gwangyang.battery.export import export_cell
from gwangyang.battery.ingest import ingest
from gwangyang.battery.io import detect, read_cycler
from gwangyang.battery.pairing import apply_signal_cycles
from gwangyang.errors import CorruptFileError, UnknownFormatError
from gwangyang.store import Store

MACCOR = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "battery" / "cyclers" / "maccor"
BDF_REQUIRED = ("Test Time / s", "Voltage / V", "Current / A")
BDF_RECOMMENDED = ("Unix Time / s", "Cycle Count / 1")


@pytest.mark.parametrize("name", ["cell.bdf.csv", "cell.bdf.parquet"])
def test_round_trip_keeps_cycles_and_capacities(tmp_path: Path, name: str) -> None:
    store = Store(tmp_path / "store")
    assert ingest([MACCOR / "xTESLADIAG_000038.078"], store=store).ok
    cell = store.cells()["cell_id"].iloc[0]
    out = export_cell(store, cell, "bdf", tmp_path / name)
    table = pd.read_parquet(out) if name.endswith("parquet") else pd.read_csv(out)
    assert set(BDF_REQUIRED + BDF_RECOMMENDED) <= set(table.columns)
    assert len(table) == store.meta(cell)["rows"]
    assert table["Step Count / 1"].max() + 1 == len(store.steps(cell))
    assert detect(out).name == "bdf"
    back = read_cycler(out)
    assert back.warnings == []
    ts, steps, _ = apply_signal_cycles(back.timeseries)
    theirs = store.cycles(cell)
    ours = cycle_summary(ts, steps)
    assert len(ours) == len(theirs) == 24
    for column in ("charge_capacity_ah", "discharge_capacity_ah"):
        np.testing.assert_allclose(ours[column], theirs[column], rtol=1e-9)
    for column in ("complete", "kind"):
        assert ours[column].tolist() == theirs[column].tolist()
    np.testing.assert_allclose(
        back.timeseries["current_a"], store.timeseries(cell)["current_a"], rtol=0, atol=1e-12
    )


def test_machine_names_and_missing_columns(tmp_path: Path) -> None:
    path = tmp_path / "machine.bdf.csv"
    pd.DataFrame(
        {
            "test_time_second": [0.0, 10.0, 20.0, 30.0],
            "voltage_volt": [3.5, 3.6, 3.7, 3.8],
            "current_ampere": [1.0, 1.0, 1.0, 1.0],
            "Thickness / mm": [1.0, 1.0, 1.0, 1.0],
        }
    ).to_csv(path, index=False)
    data = read_cycler(path)
    assert data.rows == 4 and data.timeseries["cycle_index"].eq(0).all()
    (warned,) = data.warnings
    assert warned["kind"] == "unknown_column" and "Thickness / mm" in warned["detail"]
    broken = tmp_path / "broken.bdf.parquet"
    pd.DataFrame({"Test Time / s": [0.0], "Voltage / V": [3.5], "Current / A": [0.0]}).drop(
        columns=["Current / A"]
    ).to_parquet(broken)
    # without a required column it is no BDF file: not recognised, in one line naming it
    with pytest.raises(UnknownFormatError) as info:
        read_cycler(broken)
    assert broken.name in str(info.value) and "\n" not in str(info.value)
    # a reader forced onto it names the missing column
    with pytest.raises(CorruptFileError, match="Current / A"):
        read_cycler(broken, vendor="bdf")
