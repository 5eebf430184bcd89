"""Loader of the Severson ``Qdlin`` layout, on the real files in ../shared/data/battery/severson."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gwangyang.battery.severson import load_severson, read_qdlin
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
    with pytest.raises(InputError, match="1000 × cycles"):
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
