from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gwangyang.battery.twin import (
    TwinResult,
    cell_factors,
    simulate_cells,
)
from gwangyang.battery.twin_config import DEFAULT_CONFIG, TwinConfig
from gwangyang.errors import InputError
from gwangyang.store import Store
from gwangyang.store.artifacts import TWIN_CACHE as CACHE_FOLDER

pytest.importorskip("pybamm")
VOLUME = "Negative electrode active material volume fraction"


@pytest.fixture(scope="module")
def twin(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, list[TwinResult]]:
    store = Store(tmp_path_factory.mktemp("twin") / "store")
    cells = simulate_cells("4.8-5.2-5.2", cycles=3, cells=2, seed=1, store=store)
    return store, cells


def test_capacity_is_the_integral_of_current_and_near_nominal(twin: tuple[Store, list[TwinResult]]) -> None:
    _, cells = twin
    for result in cells:
        table = result.cycles
        # Our capacities integrate the sampled current (trapezoid, canonical sign); PyBaMM's solver
        # integrates its own state: they agree to 0.5 %.
        assert np.allclose(table["discharge_capacity_ah"], table["solver_discharge_ah"], rtol=5e-3)
        # The first charge starts empty (SOC 0) and ends full (CV to C/20): it passes the 2.3 Ah nominal
        # capacity of Prada2013's A123 cell to 2 %; the 1C CC-CV discharge to 2.0 V (held until C/20) gives 95-102 %
        # of it (a 1C CC discharge alone gave 84 %: test_twin_drift.py), and from cycle 2 on, each cycle starting
        # where the one before did, each discharge gives back the cycle's charge to 0.2 %.
        assert result.meta["nominal_capacity_ah"] == 2.3
        assert table["charge_capacity_ah"].iloc[0] == pytest.approx(
            2.3 * result.meta["factors"][VOLUME], rel=0.02
        )
        assert np.all((table["retention"] > 0.95) & (table["retention"] <= 1.02))
        later = table.iloc[1:]
        assert np.allclose(later["discharge_capacity_ah"], later["charge_capacity_ah"], rtol=2e-3)
        ts = result.timeseries
        # Positive current charges: 4.8C-5.2C-5.2C-4.16C on 2.3 Ah starts at 11.04 A, peaks at 5.2 C = 11.96 A;
        # the discharge is 1 C = -2.3 A.
        assert ts["current_a"].iloc[1] == pytest.approx(11.04, rel=1e-6)
        assert ts["current_a"].max() == pytest.approx(11.96, rel=1e-6)
        assert ts["current_a"].min() == pytest.approx(-2.3, rel=1e-6)
        assert np.all(np.diff(ts["test_time_s"]) >= 0)


def test_degradation_is_monotone(twin: tuple[Store, list[TwinResult]]) -> None:
    _, cells = twin
    for result in cells:
        table = result.cycles
        assert np.all(np.diff(table["sei_loss_ah"]) > 0)
        assert np.all(np.diff(table["plating_loss_ah"]) > 0)
        assert np.all(np.diff(table["lli_percent"]) > 0)
        assert np.all(np.diff(table["discharge_capacity_ah"].to_numpy()[1:]) < 0)


def test_cell_to_cell_variation_and_cache(twin: tuple[Store, list[TwinResult]]) -> None:
    store, (a, b) = twin
    assert a.cell_id != b.cell_id
    config = TwinConfig.from_file(DEFAULT_CONFIG)
    assert a.meta["factors"] == cell_factors(config, 0, 1) != cell_factors(config, 1, 1)
    assert a.cycles["sei_loss_ah"].iloc[-1] != b.cycles["sei_loss_ah"].iloc[-1]
    # The same inputs again: read from the cache, identical.
    again = simulate_cells("4.8-5.2-5.2", cycles=3, cells=1, seed=1, store=store)[0]
    assert again.cached
    assert again.timeseries.equals(a.timeseries)
    assert (store.root / CACHE_FOLDER / f"{a.meta['key']}.parquet").is_file()


def test_ingested_into_the_store(twin: tuple[Store, list[TwinResult]]) -> None:
    store, (a, _) = twin
    assert a.cell_id in set(store.cells()["cell_id"])
    cycles = store.cycles(a.cell_id)
    assert len(cycles) == 3
    column = next(c for c in cycles.columns if "discharge_capacity" in c)
    assert np.allclose(cycles[column].to_numpy(), a.cycles["discharge_capacity_ah"].to_numpy(), rtol=1e-6)


def test_bad_config(tmp_path: Path) -> None:
    path = tmp_path / "twin.toml"
    path.write_text('[model]\nname = "P2D"\n')
    with pytest.raises(InputError, match=r"model\.name: expected one of SPM, SPMe, DFN"):
        TwinConfig.from_file(path)
    path.write_text('[variation]\n"SEI solvent diffusivity [m2.s-1]" = -1\n')
    with pytest.raises(InputError, match="relative std >= 0"):
        TwinConfig.from_file(path)
    with pytest.raises(InputError, match="cycles"):
        simulate_cells("4.8-5.2-5.2", cycles=0)
