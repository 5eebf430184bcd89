"""Loader of the Severson ``Qdlin`` layout, on the real files in ../shared/data/battery/severson."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gwangyang.battery.qdlin import read_qdlin
from gwangyang.battery.severson import load_severson
from gwangyang.errors import CorruptFileError, InputError


@pytest.fixture
def severson(shared: Path) -> Path:
    return shared / "battery" / "severson"


def test_splits_match_the_paper(severson: Path) -> None:
    # Severson et al. 2019: 41 training cells and 43 primary-test cells (the data README says the same).
    train = load_severson(severson, split="train", require_life=True)
    test = load_severson(severson, split="test1", require_life=True)
    assert len(train.cells) == 41 and len(test.cells) == 43
    assert all(
        c.qdlin.shape == (1000, 99) and c.first_cycle == 2 and c.last_cycle == 100 for c in train.cells
    )
    # cycle lives come straight from cells.csv; the primary test holds the 148-cycle outlier.
    table = pd.read_csv(severson / "cells.csv")
    assert train.cycle_life.tolist() == table[table.split == "train"].cycle_life.tolist()
    assert 148 in test.cycle_life


def test_capacity_defaults_to_q_at_lowest_voltage(severson: Path) -> None:
    cell = read_qdlin(severson / "train" / "cell1.csv.gz")
    raw = np.loadtxt(severson / "train" / "cell1.csv.gz", delimiter=",")
    assert cell.cell == "cell1"
    np.testing.assert_array_equal(cell.capacity, raw[-1])


def test_folder_without_cells_csv_takes_every_file(severson: Path, tmp_path: Path) -> None:
    for name in ("cell2.csv.gz", "cell10.csv.gz"):
        (tmp_path / name).write_bytes((severson / "test1" / name).read_bytes())
    data = load_severson(tmp_path)
    assert [c.cell for c in data.cells] == ["cell2", "cell10"]
    assert np.isnan(data.cycle_life).all()
    with pytest.raises(InputError, match="cycle_life is unknown"):
        load_severson(tmp_path, require_life=True)


def test_data_hash_is_stable_and_content_sensitive(severson: Path) -> None:
    one = load_severson(severson, split="train")
    two = load_severson(severson, split="train")
    assert one.data_hash() == two.data_hash()
    two.cells[0].qdlin[0, 0] += 1e-6
    assert one.data_hash() != two.data_hash()


def _write(path: Path, matrix: np.ndarray) -> Path:
    with gzip.open(path, "wt") as handle:
        np.savetxt(handle, matrix, delimiter=",")
    return path


def test_bad_files(tmp_path: Path, severson: Path) -> None:
    good = np.loadtxt(severson / "train" / "cell1.csv.gz", delimiter=",")
    with pytest.raises(InputError, match="transposed"):
        read_qdlin(_write(tmp_path / "transposed.csv.gz", good.T))
    nan = good.copy()
    nan[5, 7] = np.nan
    with pytest.raises(InputError, match="NaN"):
        read_qdlin(_write(tmp_path / "nan.csv.gz", nan))
    with pytest.raises(InputError, match="needs 100 cycles"):
        read_qdlin(_write(tmp_path / "short.csv.gz", good[:, :50]))
    (tmp_path / "garbage.csv.gz").write_bytes(b"\x1f\x8bnot gzip at all")
    with pytest.raises(CorruptFileError):
        read_qdlin(tmp_path / "garbage.csv.gz")
    with pytest.raises(InputError, match="no such"):
        load_severson(tmp_path / "missing")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match=r"no cells\.csv"):
        load_severson(empty)
    (empty / "cells.csv").write_text("cell,split\nx_cell1,x\n")
    with pytest.raises(InputError, match="no matrix file"):
        load_severson(empty)
    with pytest.raises(InputError, match="no cell has split"):
        load_severson(severson, split="nope")


def test_full_set_from_store_summaries(tmp_path: Path) -> None:
    # A store cell whose per-cycle charge time, temperature and resistance are known by construction:
    # each cycle charges at +1 A for 600 s then discharges at −1 A for 300 s, logged every 100 s,
    # at 25 °C + 0.01·cycle; resistance 0.02 + 1e-5·cycle. Charge time = 600 s (the first row of a
    # cycle starts its clock); temperature integral = Σ over rows of T·Δt within the cycle.
    import json

    from gwangyang.battery.early_life_store import load_store_cell
    from gwangyang.battery.features import cell_features
    from gwangyang.store import Store
    from gwangyang.store.store import write_parquet

    n_cycles, volts = 100, np.linspace(3.6, 2.0, 20)
    cyc = np.arange(1, n_cycles + 1)
    per_cycle = 10  # rows: t = 0, 100, ..., 900 s within the cycle
    within = np.arange(per_cycle) * 100.0
    ts = pd.DataFrame(
        {
            "test_time_s": (np.repeat((cyc - 1) * 1000.0, per_cycle) + np.tile(within, n_cycles)),
            "cycle_index": np.repeat(cyc, per_cycle),
            "current_a": np.tile(np.where(within < 700, 1.0, -1.0), n_cycles),
            "voltage_v": 3.3,
            "temperature_c": np.repeat(25.0 + 0.01 * cyc, per_cycle),
        }
    )
    capacity = 1.1 - 1e-4 * cyc
    cycles = pd.DataFrame(
        {"cycle_index": cyc, "discharge_capacity_ah": capacity, "internal_resistance_ohm": 0.02 + 1e-5 * cyc}
    )
    shape = np.linspace(0.0, 1.0, len(volts)) ** (1 + 0.001 * cyc[:, None])  # (cycles, volts)
    curves = pd.DataFrame(
        {
            "cycle_index": np.repeat(cyc, len(volts)),
            "voltage_v": np.tile(volts, n_cycles),
            "discharge_capacity_ah": (shape * capacity[:, None]).ravel(),
        }
    )
    store = Store(tmp_path / "store")
    store.root.mkdir(parents=True)
    staged = store.staging_dir()
    for name, table in (("timeseries", ts), ("cycles", cycles), ("curves", curves)):
        write_parquet(table.assign(cell_id="synthetic"), staged / f"{name}.parquet")
    meta = {"cell_id": "synthetic", "vendor": "test", "rows": len(ts), "cycles": n_cycles, "sources": []}
    (staged / "meta.json").write_text(json.dumps(meta))
    with store.write_lock():
        store.commit(staged, "synthetic")
    features = cell_features(load_store_cell(store, "synthetic"), "full")
    # Charging rows at t = 100..600 s within each cycle (the first row has Δt = 0): 6 × 100 s.
    assert features["mean_charge_time_2_6"] == pytest.approx(600.0)
    # Rows at t = 100..900 s carry Δt = 100 s: 900 s per cycle at 25 + 0.01 n °C, cycles 2..100.
    expected = sum(900.0 * (25.0 + 0.01 * n) for n in range(2, 101))
    assert features["temperature_integral"] == pytest.approx(expected)
    assert features["min_internal_resistance"] == pytest.approx(0.02 + 2e-5)
    assert features["internal_resistance_last_minus_2"] == pytest.approx(98e-5)
    assert features["capacity_fade_slope"] == pytest.approx(-1e-4)
    assert features["discharge_capacity_2"] == pytest.approx(1.1 - 2e-4)
