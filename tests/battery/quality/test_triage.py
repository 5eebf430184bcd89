"""Retired-cell SOH from pulse tests (Tao et al. 2024 PulseBat data) and triage by configurable rules."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gwangyang.battery.quality.materials import material_value
from gwangyang.battery.quality.pulse import TAO_2024_UNSEEN_MAPE, PulseSOHEstimator, evaluate, read_pulsebat
from gwangyang.battery.quality.triage import ILLUSTRATIVE_PRICES_USD_PER_KG, TriageRules, triage
from gwangyang.demo import split_cells
from gwangyang.errors import InputError
from gwangyang.samples import pulse_table
from tests.conftest import SHARED

RIDGE_WITHIN_MAPE = {"LFP 35Ah": 0.0348, "LMO 10Ah": 0.0322, "NMC 2.1Ah": 0.0452, "NMC 21Ah": 0.0151}
"""Our ridge within-type MAPE (5 folds grouped by cell), measured 2026-12-02."""


@pytest.fixture(scope="module")
def pulse() -> pd.DataFrame:
    return pulse_table()


def test_shipped_sample_equals_the_pulsebat_workbooks(pulse: pd.DataFrame) -> None:
    full = read_pulsebat(SHARED / "battery" / "recycling").sort_values(["id", "soc_percent"])
    mine = pulse.sort_values(["id", "soc_percent"])
    assert len(full) == len(mine) == 2700 and full["id"].nunique() == 270
    np.testing.assert_array_equal(full[["u1_v", "u21_v"]].to_numpy(), mine[["u1_v", "u21_v"]].to_numpy())
    np.testing.assert_allclose(full["soh"], full["capacity_ah"] / full["nominal_capacity_ah"], rtol=1e-4)


def test_within_chemistry_mape_below_tao_bound(pulse: pd.DataFrame) -> None:
    result = evaluate(pulse, model="ridge", held_out=False)
    assert result.within == pytest.approx(RIDGE_WITHIN_MAPE, abs=5e-4)
    assert max(result.within.values()) < TAO_2024_UNSEEN_MAPE


@pytest.mark.slow
def test_gradient_boosting_within_and_held_out(pulse: pd.DataFrame) -> None:
    result = evaluate(pulse, model="gbr")
    assert max(result.within.values()) < TAO_2024_UNSEEN_MAPE
    # an unseen chemistry is harder than Tao et al.'s unseen SOC: our simple model does not reach 6 %
    assert max(result.held_out.values()) > TAO_2024_UNSEEN_MAPE


def test_held_out_cells_graded_with_calibrated_intervals(pulse: pd.DataFrame) -> None:
    train, test = split_cells(pulse)
    estimator = PulseSOHEstimator(model="ridge").fit(train)
    result = triage(test.drop(columns=["soh"]), estimator)
    truth = test.groupby("id")["soh"].first()
    cells = {c["id"]: c for c in result["cells"]}
    assert set(cells) == set(truth.index)
    errors = [abs(cells[i]["soh"] - truth[i]) / truth[i] for i in truth.index]
    assert np.mean(errors) < TAO_2024_UNSEEN_MAPE
    covered = np.mean([cells[i]["soh_low"] <= truth[i] <= cells[i]["soh_high"] for i in truth.index])
    assert covered >= 0.8  # 90 % split-conformal intervals, 54 held-out cells
    # grades agree with the grades of the measured SOH for most cells
    graded_true = triage(test.drop(columns=[f"u{k}_v" for k in range(1, 22)]))
    same = np.mean([g["grade"] == cells[g["id"]]["grade"] for g in graded_true["cells"]])
    assert same >= 0.85


def table(soh: list[float], **extra: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [f"c{i}" for i in range(len(soh))],
            "chemistry": "LFP",
            "nominal_capacity_ah": 35.0,
            "soh": soh,
        }
        | extra
    )


def test_default_rules_and_batch_totals() -> None:
    result = triage(table([0.85, 0.8, 0.79, 0.6, 0.59]))
    assert [c["grade"] for c in result["cells"]] == [
        "second_life",
        "second_life",
        "reuse",
        "reuse",
        "recycle",
    ]
    one = material_value("LFP", 35.0, ILLUSTRATIVE_PRICES_USD_PER_KG, {"Li": 0.8, "Co": 0.95, "Ni": 0.95})
    assert result["totals"]["value"] == pytest.approx(5 * one, abs=0.01)
    assert result["totals"]["by_grade"]["reuse"]["cells"] == 2
    assert result["prices_illustrative"] is True


def test_rules_from_toml_with_resistance_and_self_discharge(tmp_path: Path) -> None:
    rules_file = tmp_path / "rules.toml"
    rules_file.write_text(
        'currency = "EUR"\n[second_life]\nmin_soh = 0.85\nmax_resistance_mohm = 1.0\n'
        "[reuse]\nmin_soh = 0.7\nmax_self_discharge_mv_per_day = 5\n[prices_per_kg]\nLi = 100\n"
    )
    rules = TriageRules.from_toml(rules_file)
    result = triage(
        table(
            [0.9, 0.9, 0.9, 0.8], resistance_mohm=[0.8, 1.2, 1.2, 0.5], self_discharge_mv_per_day=[1, 1, 9, 1]
        ),
        rules=rules,
    )
    assert [c["grade"] for c in result["cells"]] == ["second_life", "reuse", "recycle", "reuse"]
    assert "resistance 1.2 mΩ > 1 for second_life" in result["cells"][1]["reasons"]
    assert result["currency"] == "EUR" and result["prices_illustrative"] is False
    assert result["cells"][0]["value"] == pytest.approx(
        material_value("LFP", 35.0, {"Li": 100.0}, {"Li": 0.8}), abs=1e-4
    )


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[reuse]\nmin_soh = 0.9\n", "must not exceed"),
        ("[second_life]\nmin_sooh = 0.9\n", "unknown key 'min_sooh'"),
        ("[recovery]\nLi = 1.5\n", "recovery rate of Li"),
        ("price = [", "not valid TOML"),
    ],
)
def test_bad_rules(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "r.toml"
    path.write_text(text)
    with pytest.raises(InputError, match=words):
        TriageRules.from_toml(path)


def test_unknown_chemistry_and_untrained_chemistry(pulse: pd.DataFrame) -> None:
    with pytest.raises(InputError, match="got 'NaIon'"):
        triage(table([0.9]).assign(chemistry="NaIon"))
    lfp = pulse[pulse["chemistry"] == "LFP"]
    estimator = PulseSOHEstimator(model="ridge").fit(lfp)
    nmc = pulse[pulse["chemistry"] == "NMC"].drop(columns=["soh"])
    with pytest.raises(InputError, match=r"unknown chemistry 'NMC'.*LFP"):
        triage(nmc, estimator)


def test_one_id_in_two_chemistries_is_two_cells() -> None:
    """Workbooks of two chemistries may both number their cells 1, 2, ...: by hand, two cells, two values."""
    lfp = table([0.85, 0.85])  # two rows (two SOC) of one LFP cell
    lfp["id"] = ["7", "7"]
    nmc = lfp.assign(chemistry="NMC", nominal_capacity_ah=2.1, soh=[0.5, 0.5])
    result = triage(pd.concat([lfp, nmc], ignore_index=True))
    assert [(c["id"], c["chemistry"], c["grade"]) for c in result["cells"]] == [
        ("7", "LFP", "second_life"),
        ("7", "NMC", "recycle"),
    ]
    rules = TriageRules()
    expected = material_value("LFP", 35.0, rules.prices_per_kg, rules.recovery) + material_value(
        "NMC", 2.1, rules.prices_per_kg, rules.recovery
    )
    assert result["totals"]["value"] == pytest.approx(expected, abs=0.01)
