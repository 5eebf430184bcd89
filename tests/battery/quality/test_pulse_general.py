"""PulseBat tables that differ from the shared workbooks but are still valid.

A workbook without its ``SOC ALL`` sheet (only the per-SOC sheets) or with the sheet spelt otherwise, a
chemistry spelt ``NCM``, a chemistry of three cells. Independent routes: the shared ``SOC ALL`` sheet itself
(the union of the per-SOC sheets), the predictions for the same rows spelt ``NMC``, and the split-conformal
quantile computed here with scikit-learn.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gwangyang.battery.quality.pulse import PULSE_COLUMNS, PulseSOHEstimator, pulse_features, pulsebat_sheet
from gwangyang.errors import InputError
from gwangyang.samples import pulse_table
from tests.conftest import SHARED

WORKBOOK = SHARED / "battery" / "recycling" / "10Ah LMO" / "LMO_10Ah_W_5000.xlsx"


@pytest.fixture(scope="module")
def sheets() -> dict[str, pd.DataFrame]:
    return pd.read_excel(WORKBOOK, sheet_name=None, engine="calamine")


def _sorted(table: pd.DataFrame) -> pd.DataFrame:
    return table.sort_values(["id", "soc_percent"]).reset_index(drop=True)


def test_a_workbook_of_per_soc_sheets_only(sheets: dict[str, pd.DataFrame]) -> None:
    whole = pulsebat_sheet(sheets, "shared")
    assert len(whole) == len(sheets["SOC ALL"]) == 950
    per_soc = {name: frame for name, frame in sheets.items() if name != "SOC ALL"}
    pd.testing.assert_frame_equal(_sorted(pulsebat_sheet(per_soc)), _sorted(whole))
    # the whole sheet spelt otherwise, and headers with stray spaces
    spelt = {
        " soc_all ": sheets["SOC ALL"].rename(columns=lambda c: f" {c} "),
        "notes": pd.DataFrame({"x": [1]}),
    }
    pd.testing.assert_frame_equal(pulsebat_sheet(spelt), whole)


def test_optional_and_required_columns(sheets: dict[str, pd.DataFrame]) -> None:
    bare = sheets["SOC ALL"].drop(columns=["Q", "SOH", "SOC"])  # cells to grade: no measured SOH
    table = pulsebat_sheet({"SOC ALL": bare})
    assert "soh" not in table.columns and all(c in table.columns for c in PULSE_COLUMNS)
    with pytest.raises(InputError, match="'U7' missing"):
        pulsebat_sheet({"SOC ALL": sheets["SOC ALL"].drop(columns=["U7"])}, "w.xlsx")


def test_ncm_cells_meet_the_nmc_model() -> None:
    pulse = pulse_table()
    estimator = PulseSOHEstimator(model="ridge").fit(pulse)
    nmc = pulse[pulse["chemistry"] == "NMC"].drop(columns=["soh"])
    ncm = nmc.assign(chemistry=" ncm ")
    pd.testing.assert_frame_equal(estimator.predict(ncm), estimator.predict(nmc))


def test_a_chemistry_of_three_cells_is_calibrated_on_three_folds() -> None:
    from sklearn.linear_model import RidgeCV
    from sklearn.model_selection import GroupKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    pulse = pulse_table()
    lfp = pulse[pulse["chemistry"] == "LFP"]
    three = lfp[lfp["id"].isin(lfp["id"].unique()[:3])].assign(chemistry="LCO")
    estimator = PulseSOHEstimator(model="ridge").fit(three)
    X, y, ids = pulse_features(three), three["soh"].to_numpy(), three["id"].astype(str).to_numpy()
    residual = np.empty(len(y))
    for train, test in GroupKFold(3).split(X, groups=ids):
        model = make_pipeline(StandardScaler(), RidgeCV(alphas=tuple(np.logspace(-4, 3, 15))))
        residual[test] = np.abs(model.fit(X[train], y[train]).predict(X[test]) - y[test])
    level = min(1.0, np.ceil((len(y) + 1) * 0.9) / len(y))
    assert estimator.halfwidth_["LCO"] == pytest.approx(np.quantile(residual, level))
    with pytest.raises(InputError, match="has 1 cell"):
        PulseSOHEstimator(model="ridge").fit(three[three["id"] == three["id"].iloc[0]])


def test_one_workbook_is_read_as_its_folder_would_read_it(sheets: dict[str, pd.DataFrame]) -> None:
    from gwangyang.battery.quality.pulse import read_pulsebat
    from gwangyang.battery.service.quality import read_quality_table

    one = read_quality_table(WORKBOOK)
    pd.testing.assert_frame_equal(one, read_pulsebat(WORKBOOK.parent))
    assert len(one) == 950 and set(one["chemistry"]) == {"LMO"}
