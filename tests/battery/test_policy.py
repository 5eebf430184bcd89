"""Charging-policy names: every notation read gives the average rate worked out by hand; others are refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gwangyang.battery.policy import ChargingPolicy, average_charge_rate, parse_policy, policy_notes
from gwangyang.errors import InputError
from gwangyang.samples import sample_dir


def test_two_step_by_hand() -> None:
    # 5.4C to 40 %, 3.6C to 80 %: 0.4/5.4 + 0.4/3.6 hours to 80 % → 0.8 / 0.18519 = 4.32C.
    assert average_charge_rate("5.4C(40%)-3.6C") == pytest.approx(4.32)
    assert average_charge_rate("1C(4%)-6C") == pytest.approx(0.8 / (0.04 + 0.76 / 6))
    assert average_charge_rate("3.6C(80%)-3.6C") == pytest.approx(3.6)  # the second step takes no time
    assert average_charge_rate(" 4C (31 %) - 5C ") == pytest.approx(0.8 / (0.31 / 4 + 0.49 / 5))


def test_other_notations_by_hand() -> None:
    assert average_charge_rate("4.8C") == pytest.approx(4.8)
    assert average_charge_rate("4.8C(80%)") == pytest.approx(4.8)  # the one step's end written out
    # three steps: 6C to 20 %, 5C to 50 %, 4C to 80 %
    assert average_charge_rate("6C(20%)-5C(50%)-4C") == pytest.approx(0.8 / (0.2 / 6 + 0.3 / 5 + 0.3 / 4))
    # the Severson file-name form of 3.6C(80%)-3.6C and of 5.4C(40%)-3.6C
    assert average_charge_rate("3_6C-80PER_3_6C") == pytest.approx(3.6)
    assert average_charge_rate("5_4C-40PER_3_6C") == pytest.approx(4.32)
    # Attia et al. 2020: four 20 % windows; the first CLO protocol of policies_all.csv (3.6, 6.0, 5.6, 4.755)
    attia = parse_policy("3.6C-6C-5.6C-4.755C")
    assert attia.steps == ((3.6, 0.2), (6.0, 0.4), (5.6, 0.6000000000000001), (4.755, 0.8))
    assert attia.average_rate == pytest.approx(0.8 / sum(0.2 / c for c in (3.6, 6.0, 5.6, 4.755)))


def test_attia_protocols_charge_to_80_percent_in_ten_minutes() -> None:
    """Attia et al. 2020 chose C4 so that every protocol charges 0–80 % in 10 minutes: an independent check."""
    table = pd.read_csv(
        Path(__file__).parents[3] / "shared/data/battery/clo/policies_all.csv", header=None
    ).to_numpy()
    rates = [parse_policy("-".join(f"{c}C" for c in row)).average_rate for row in table]
    minutes = 60 * 0.8 / np.asarray(rates)
    assert len(rates) == 224
    assert np.allclose(minutes, 10.0, atol=0.01)


def test_text_after_the_steps_is_kept_and_reported() -> None:
    policy = parse_policy("5.3C(54%)-4C newstructure", "c9")
    assert policy.average_rate == pytest.approx(average_charge_rate("5.3C(54%)-4C"))
    assert policy.ignored == "newstructure"

    class Cell:
        def __init__(self, cell: str, policy: str | None) -> None:
            self.cell, self.policy = cell, policy

    notes = policy_notes([Cell("a", "4C(80%)-4C"), Cell("셀b", "4C(80%)-4C 재시험"), Cell("c", None)])
    assert list(notes) == [1]
    assert "셀b" in notes[1] and "'재시험'" in notes[1] and "not read" in notes[1]


@pytest.mark.parametrize(
    ("policy", "why"),
    [
        ("fast", "sequence of steps"),
        ("", "sequence of steps"),
        ("5C-3C", "only 4"),
        ("0C(40%)-3C", "zero rate"),
        ("0_0C-40PER_3_6C", "'0_0C-40PER_3_6C' has a zero rate"),
        ("5C(40%)-3C(90%)", "last step"),
        ("4C(70%)", "last step"),
        ("5C(60%)-4C(40%)-3C", "not increasing"),
        ("5C(140%)-3C", "not increasing"),
        ("5C-4C(40%)-3C", "leaves out the end"),
        ("5,4C(40%)-3,6C", "sequence of steps"),
    ],
)
def test_refused_with_the_cell_named(policy: str, why: str) -> None:
    with pytest.raises(InputError, match=why) as caught:
        parse_policy(policy, "셀7")
    assert str(caught.value).startswith("셀7: charging policy") and "\n" not in str(caught.value)


@settings(max_examples=200, deadline=None)
@given(
    st.floats(0.1, 10, allow_nan=False).map(lambda x: round(x, 2)),
    st.integers(0, 80),
    st.floats(0.1, 10, allow_nan=False).map(lambda x: round(x, 2)),
)
def test_two_step_formula(first: float, switch: int, second: float) -> None:
    expected = 0.8 / (switch / 100 / first + (80 - switch) / 100 / second)
    assert average_charge_rate(f"{first}C({switch}%)-{second}C") == pytest.approx(expected)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_any_text_is_read_or_refused(text: str) -> None:
    try:
        policy = parse_policy(text)
    except InputError:
        return
    assert isinstance(policy, ChargingPolicy) and 0 < policy.average_rate < float("inf")


def test_predictions_and_fit_report_the_ignored_text(tmp_path: Path) -> None:
    """A folder whose policies carry a note: the charging model still predicts, and each row says what it skipped."""
    from gwangyang.battery.life_fit import fit_life
    from gwangyang.battery.life_predict import predict_cells
    from gwangyang.battery.severson import load_severson

    folder = tmp_path / "새배치"
    shutil.copytree(sample_dir("severson"), folder)
    table = pd.read_csv(folder / "cells.csv")
    table["policy"] = table["policy"] + np.where(table["split"] == "test1", " newstructure", "")
    table.to_csv(folder / "cells.csv", index=False)
    train = load_severson(folder, split="train", require_life=True)
    fitted = fit_life(train, "charging", source="새배치")
    assert not any("not read" in w for w in fitted["warnings"])
    held = load_severson(folder, split="test1")
    rows = predict_cells(fitted["pipeline"], held.cells)
    plain = predict_cells(fitted["pipeline"], load_severson(sample_dir("severson"), split="test1").cells)
    assert [r["predicted_cycle_life"] for r in rows] == [r["predicted_cycle_life"] for r in plain]
    assert all("'newstructure' after the steps is not read" in r["warning"] for r in rows)
    assert [r.get("beyond_training_range") for r in rows] == [r.get("beyond_training_range") for r in plain]
    whole = fit_life(load_severson(folder, require_life=True), "charging")
    assert sum("not read" in w for w in whole["warnings"]) == len(held.cells) == 4


@pytest.mark.parametrize(
    ("policy", "note"),
    [
        ("5.4C(40%)-3.6C-newstructure", "newstructure"),
        ("5.4C(40%)-3.6C_newstructure", "newstructure"),
        ("5_4C-40PER_3_6C_newstructure", "newstructure"),
        ("5.4C-40PER_3.6C", ""),
        ("5.4C(40%)-3.6C-재시험 2", "재시험 2"),
    ],
)
def test_a_note_joined_by_a_hyphen_or_underscore(policy: str, note: str) -> None:
    """File names join the note with '-' or '_': the rates are those of the steps (0.8 / (0.4/5.4 + 0.4/3.6))."""
    read = parse_policy(policy, "셀1")
    assert read.average_rate == pytest.approx(0.8 / (0.4 / 5.4 + 0.4 / 3.6)) and read.ignored == note
