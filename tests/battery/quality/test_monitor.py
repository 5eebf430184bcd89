"""Incremental anomaly checks of cells in a store: state persisted, history not recomputed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gwangyang.battery.quality.anomalies import CellState, CycleAnomalyDetector
from gwangyang.battery.quality.monitor import check_cells, state_path
from gwangyang.errors import NotFoundError
from gwangyang.store import Store

from .store_helpers import put_cycles, severson_capacity


def test_recheck_after_new_cycles_reads_only_them_and_equals_one_full_check(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    cycles = severson_capacity("test1", 1)  # real glitch at cycle 12
    cycles.loc[cycles["cycle_index"] >= 70, "discharge_capacity_ah"] *= 0.98  # injected 2 % step at 70
    put_cycles(store, "a", cycles[cycles["cycle_index"] <= 50])
    first = check_cells(store)
    assert first.new_cycles == {"a": 49}
    assert [(x["cycle_index"], x["kind"]) for x in first.anomalies] == [(12, "capacity_drop")]
    put_cycles(store, "a", cycles)  # 50 more cycles arrive
    second = check_cells(store, ["a"])
    assert second.new_cycles == {"a": 50}
    found = [(x["cycle_index"], x["kind"], x["new"]) for x in second.anomalies]
    assert found == [(12, "capacity_drop", False), (70, "capacity_step", True)]
    # the same as one detector run over all cycles at once (undecided last `persist` cycles alike)
    direct = CycleAnomalyDetector().update(CellState("a"), cycles)
    assert [(a.cycle_index, a.kind) for a in direct] == [(12, "capacity_drop"), (70, "capacity_step")]
    # the saved state keeps only the tail the detector needs
    saved = state_path(store, "a").read_text()
    assert len(saved) < 4000
    again = check_cells(store, ["a"])
    assert again.new_cycles == {"a": 0} and not any(x["new"] for x in again.anomalies)
    assert len(check_cells(store, ["a"], recompute=True).anomalies) == 2


def test_batch_outlier_across_store_cells(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    for n in range(1, 9):
        cycles = severson_capacity("test1", n)
        if n == 3:  # fades 0.1 %/cycle faster than its batch from cycle 40
            extra = np.clip(cycles["cycle_index"].to_numpy() - 40, 0, None) * 0.001
            cycles["discharge_capacity_ah"] *= 1 - extra
        put_cycles(store, f"cell{n}", cycles)
    outliers = [x for x in check_cells(store).anomalies if x["kind"] == "batch_outlier"]
    assert [x["cell_id"] for x in outliers] == ["cell3"]


def test_unknown_cell(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    put_cycles(store, "a", severson_capacity("test1", 2))
    with pytest.raises(NotFoundError, match="'nope'"):
        check_cells(store, ["nope"])
