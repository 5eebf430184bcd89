"""Life from formation data: leave-one-out rank correlation on the Weng et al. 2021 cells."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from gwangyang.battery.quality.formation import leave_one_out
from tests.conftest import SHARED


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return pd.read_csv(SHARED / "battery" / "formation" / "correlation_data_2022.csv")


@pytest.mark.parametrize(("target", "rho"), [("cycles_to_80_pct", 0.791), ("cycles_to_70_pct", 0.801)])
def test_leave_one_out_spearman(table: pd.DataFrame, target: str, rho: float) -> None:
    from sklearn.linear_model import RidgeCV
    from sklearn.model_selection import LeaveOneOut, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    result = leave_one_out(table, target, covariates=["is_room_temp_aging"])
    assert result.spearman == pytest.approx(rho, abs=5e-4)
    # an independent route: scikit-learn's own leave-one-out on the same ridge of log10 life
    X = table[["dcr_10s_5_soc_at_c3", "is_room_temp_aging"]].to_numpy()
    model = make_pipeline(StandardScaler(), RidgeCV(alphas=tuple(np.logspace(-3, 3, 13))))
    log_life = cross_val_predict(model, X, np.log10(table[target]), cv=LeaveOneOut())
    np.testing.assert_allclose(result.predictions["predicted"], 10**log_life, rtol=1e-9)
    assert spearmanr(10**log_life, table[target]).statistic == pytest.approx(result.spearman)


def test_resistance_alone_ranks_life_within_each_ageing_temperature(table: pd.DataFrame) -> None:
    # Weng et al.: a lower low-SOC resistance R_LS goes with a longer life (more lithium consumed in
    # formation shifts the anode's operating window); the sign holds within each ageing temperature
    for _, rows in table.groupby("is_room_temp_aging"):
        assert spearmanr(rows["dcr_10s_5_soc_at_c3"], rows["cycles_to_80_pct"]).statistic < -0.5
