"""Cycling anomalies on real Severson cells, with faults injected at known cycles."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gwangyang.battery.quality.anomalies import CellState, CycleAnomalyDetector, batch_outliers
from gwangyang.errors import InputError

SEVERSON = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "battery" / "severson"


def severson_capacity(split: str, n: int) -> pd.DataFrame:
    """Discharge capacity per cycle (cycles 2..100) of a Severson cell: the Q at 2.0 V of each Qdlin column."""
    matrix = pd.read_csv(SEVERSON / split / f"cell{n}.csv.gz", header=None).to_numpy()
    q = matrix.max(axis=0)
    return pd.DataFrame({"cycle_index": np.arange(2, 2 + len(q)), "discharge_capacity_ah": q})


def detect(cycles: pd.DataFrame, name: str = "c") -> list:
    return CycleAnomalyDetector().update(CellState(name), cycles, final=True)


def test_real_glitch_of_primary_test_cell_1_is_reported() -> None:
    # Cell 1 of the primary test set logs 0.995 Ah at cycle 12 between 1.059 and 1.058 Ah (a known glitch).
    found = detect(severson_capacity("test1", 1))
    assert [(a.cycle_index, a.kind) for a in found] == [(12, "capacity_drop")]
    assert found[0].value == pytest.approx(0.9947, abs=1e-3)


def inject(cycles: pd.DataFrame, kind: str, at: int, rng: np.random.Generator) -> pd.DataFrame:
    """Realistic faults: a 2 % capacity step (lost contact / lithium plating event), a 1.5 % one-cycle
    drop (a missed data point or temperature excursion), and noise of 0.5 % (a loose sense lead)."""
    out = cycles.copy()
    q = out["discharge_capacity_ah"].to_numpy().copy()
    k = int(np.flatnonzero(out["cycle_index"].to_numpy() == at)[0])
    if kind == "step":
        q[k:] *= 0.98
    elif kind == "drop":
        q[k] *= 0.985
    else:
        q[k : k + 15] *= 1 + 0.005 * rng.standard_normal(len(q[k : k + 15]))
    out["discharge_capacity_ah"] = q
    return out


def test_injected_faults_found_with_precision_and_recall_above_0_9() -> None:
    rng = np.random.default_rng(7)
    expected_kind = {"step": "capacity_step", "drop": "capacity_drop", "noise": "noise"}
    true_positive = false_positive = missed = 0
    for n in range(1, 44):
        clean = severson_capacity("test1", n)
        real = {(a.cycle_index, a.kind) for a in detect(clean)}
        kind = ("step", "drop", "noise")[n % 3]
        at = int(rng.integers(30, 85))
        found = detect(inject(clean, kind, at, rng))
        new = [a for a in found if (a.cycle_index, a.kind) not in real]
        # a step or drop is found at its cycle (±2); noise over cycles at..at+14 is reported inside that span
        span = (at - 2, at + 2) if kind != "noise" else (at, at + 16)
        hits = [a for a in new if span[0] <= a.cycle_index <= span[1] and a.kind == expected_kind[kind]]
        true_positive += bool(hits)
        missed += not hits
        # single-cycle events inside injected noise are its symptoms; anything else new is a false alarm
        symptoms = [a for a in new if kind == "noise" and at <= a.cycle_index <= at + 16]
        false_positive += len([a for a in new if a not in hits and a not in symptoms])
    precision = true_positive / (true_positive + false_positive)
    recall = true_positive / (true_positive + missed)
    assert recall >= 0.9, (recall, missed)
    assert precision >= 0.9, (precision, false_positive)


def test_incremental_checks_equal_one_full_check() -> None:
    cycles = inject(severson_capacity("test1", 5), "step", 50, np.random.default_rng(0))
    full = detect(cycles)
    state = CellState("c")
    detector = CycleAnomalyDetector()
    pieces = []
    for end in (20, 41, 63, 64, 80):
        pieces += detector.update(state, cycles[cycles["cycle_index"] <= end])
        assert (
            len(state.metrics["discharge_capacity_ah"].values) <= 2 * detector.window + detector.persist + 1
        )
    pieces += detector.update(state, cycles, final=True)
    assert [a.to_dict() for a in pieces] == [a.to_dict() for a in full]
    assert CellState.from_dict(state.to_dict()) == state


def test_batch_outlier_is_the_cell_that_leaves_the_band() -> None:
    frames = []
    for n in range(1, 21):
        cycles = severson_capacity("test1", n)
        if n == 9:  # fade 0.1 % per cycle faster than its batch from cycle 40 on
            extra = np.clip(cycles["cycle_index"].to_numpy() - 40, 0, None) * 0.001
            cycles["discharge_capacity_ah"] *= 1 - extra
        frames.append(cycles.assign(cell_id=f"cell{n}"))
    found = batch_outliers(pd.concat(frames))
    assert [a.cell_id for a in found] == ["cell9"]
    assert 40 < found[0].cycle_index < 80


def test_bad_parameters_and_input() -> None:
    with pytest.raises(InputError, match="window"):
        CycleAnomalyDetector(window=2).update(CellState("c"), severson_capacity("test1", 1))
    with pytest.raises(InputError, match="cycle_index"):
        CycleAnomalyDetector().update(CellState("c"), pd.DataFrame({"x": [1]}))
