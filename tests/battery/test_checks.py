"""Plausibility checks on per-cycle summaries (analytic cases: each rule's threshold from both sides)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from gwangyang.battery.checks import check_cycles, neighbour_median


def _cycles(
    capacity: list[float], efficiency: list[float] | None = None, complete: list[bool] | None = None
) -> pd.DataFrame:
    q = np.asarray(capacity, dtype="float64")
    ce = np.ones(len(q)) if efficiency is None else np.asarray(efficiency)
    return pd.DataFrame(
        {
            "cycle_index": np.arange(1, len(q) + 1),
            "charge_capacity_ah": q,
            "discharge_capacity_ah": q * ce,
            "coulombic_efficiency": ce,
            "complete": np.ones(len(q), dtype=bool) if complete is None else complete,
        }
    )


def test_cycle_over_twice_nominal_or_three_times_its_neighbours() -> None:
    # the case: one "cycle" of 88.6 Ah among ~3 Ah loops of a 3 Ah cell
    capacity = [3.0] * 10 + [88.6] + [3.0] * 10
    found = check_cycles(_cycles(capacity), nominal_ah=3.0, cell_id="c")
    kinds = [w["kind"] for w in found]
    assert kinds == ["cycle_too_large", "cycle_too_large"]
    assert "11 (88.6 Ah)" in found[0]["detail"] and "nominal 3 Ah" in found[0]["detail"]
    assert "11 (88.6 Ah)" in found[1]["detail"] and found[1]["cell_id"] == "c"
    # just under both limits: nothing
    assert check_cycles(_cycles([3.0] * 10 + [5.99] + [3.0] * 10), nominal_ah=3.0) == []


def test_efficiency_only_on_complete_cycles_and_incomplete_counted() -> None:
    cycles = _cycles([1.0] * 6, efficiency=[1.0, 0.79, 1.21, 1.19, 0.81, 9.4], complete=[True] * 5 + [False])
    found = {w["kind"]: w["detail"] for w in check_cycles(cycles, nominal_ah=None)}
    assert found["coulombic_efficiency"].startswith("2 cycle(s)")
    assert "2 (0.79)" in found["coulombic_efficiency"] and "3 (1.21)" in found["coulombic_efficiency"]
    assert "6 (" not in found["coulombic_efficiency"]
    assert found["incomplete_cycles"].startswith("1 cycle(s)")


def test_neighbour_median_window() -> None:
    values = np.array([1.0, 1.0, 1.0, 100.0, 1.0, 1.0, 1.0])
    assert neighbour_median(values, width=2).tolist() == [1.0] * 7
