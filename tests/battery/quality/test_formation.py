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


def test_default_takes_the_ageing_temperature_as_the_docs_say(table: pd.DataFrame) -> None:
    default = leave_one_out(table)
    explicit = leave_one_out(table, covariates=["is_room_temp_aging"])
    assert default.features == ["dcr_10s_5_soc_at_c3", "is_room_temp_aging"]
    assert default.spearman == explicit.spearman == pytest.approx(0.791, abs=5e-4)
    assert default.skill > 0.5 and default.warnings == []


def test_no_skill_is_said_not_shown_as_a_ranking(table: pd.DataFrame) -> None:
    """R_LS alone across both ageing temperatures: the ridge shrinks to the mean, whose LOO ranking is −1."""
    from gwangyang.battery.quality.formation import loo_skill

    y = table["cycles_to_80_pct"].to_numpy(dtype=float)
    # analytic: the mean of the other cells falls as a cell's own life rises, so it ranks life exactly backwards
    mean_of_others = (y.sum() - y) / (len(y) - 1)
    assert spearmanr(mean_of_others, y).statistic == pytest.approx(-1.0)
    alone = leave_one_out(table, covariates=[])
    assert alone.features == ["dcr_10s_5_soc_at_c3"]
    assert alone.spearman == pytest.approx(-0.971, abs=5e-4)
    # skill by hand: squared log errors of the model's LOO predictions against those of the LOO mean
    log_y, log_p = np.log10(y), np.log10(alone.predictions["predicted"].to_numpy())
    baseline = np.sum(((np.sum(log_y) - log_y) / (len(y) - 1) - log_y) ** 2)
    assert alone.skill == pytest.approx(1 - np.sum((log_p - log_y) ** 2) / baseline)
    assert loo_skill(log_y, log_p) == alone.skill and alone.skill <= 0
    assert len(alone.warnings) == 1 and "no better than the mean" in alone.warnings[0]
    assert "(-0.97)" in alone.warnings[0] and "covariates" in alone.warnings[0]


def test_a_smaller_table_of_another_plan(table: pd.DataFrame, tmp_path: object) -> None:
    """Fewer features, R_LS measured at another check-up, ids under another name, cells without a life.

    Independent route: scikit-learn's leave-one-out on the cells that have a life.
    """
    from pathlib import Path

    from sklearn.linear_model import RidgeCV
    from sklearn.model_selection import LeaveOneOut, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from gwangyang.battery import service

    small = table[
        ["cellid", "is_room_temp_aging", "dcr_10s_5_soc_at_c3", "dcr_10s_5_soc_at_c50", "cycles_to_80_pct"]
    ]
    small = small.rename(columns={"cellid": "cell_id", "dcr_10s_5_soc_at_c3": "dcr_10s_5_soc_at_c4"}).astype(
        {"cycles_to_80_pct": "float64"}
    )
    small.loc[[3, 17, 30], "cycles_to_80_pct"] = np.nan  # still ageing
    path = Path(str(tmp_path)) / "형성.csv"
    small.to_csv(path, index=False)
    result = service.rank_formation(path)
    assert result["features"] == ["dcr_10s_5_soc_at_c4", "is_room_temp_aging"]
    assert any("R_LS taken from dcr_10s_5_soc_at_c4" in w for w in result["warnings"])
    left = [w for w in result["warnings"] if "left out" in w]
    ids = table["cellid"].astype(str)
    assert len(left) == 1 and left[0].startswith("3 cell(s)") and all(ids[k] in left[0] for k in (3, 17, 30))
    kept = small.dropna()
    model = make_pipeline(StandardScaler(), RidgeCV(alphas=tuple(np.logspace(-3, 3, 13))))
    X = kept[["dcr_10s_5_soc_at_c4", "is_room_temp_aging"]].to_numpy(dtype=float)
    log_life = cross_val_predict(model, X, np.log10(kept["cycles_to_80_pct"]), cv=LeaveOneOut())
    predicted = [row["predicted"] for row in result["predictions"]]
    np.testing.assert_allclose(predicted, 10**log_life, rtol=1e-9)
    assert [row["id"] for row in result["predictions"]] == kept["cell_id"].astype(str).tolist()
    assert result["spearman"] == pytest.approx(spearmanr(10**log_life, kept["cycles_to_80_pct"]).statistic)


def test_no_resistance_column_names_the_parameter(table: pd.DataFrame) -> None:
    """Called from Python, the error names the parameter (``features``); the CLI maps it to ``--features``."""
    from gwangyang.errors import InputError

    with pytest.raises(InputError, match="name the feature columns in features"):
        leave_one_out(table[["cellid", "cycles_to_80_pct", "form_first_cycle_efficiency"]])


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp949"])
def test_formation_table_saved_by_excel(table: pd.DataFrame, tmp_path: object, encoding: str) -> None:
    """A BOM (or cp949 with a Korean column) leaves the first column's name as it is: the same ranking."""
    from pathlib import Path

    from gwangyang.battery import service

    path = Path(str(tmp_path)) / "formation.csv"
    small = table[["cellid", "dcr_10s_5_soc_at_c3", "is_room_temp_aging", "cycles_to_80_pct"]].assign(
        비고="정상"
    )
    path.write_bytes(small.to_csv(index=False).encode(encoding))
    result = service.rank_formation(path)
    assert result["spearman"] == pytest.approx(0.791, abs=5e-4)
    assert [row["id"] for row in result["predictions"]] == table["cellid"].astype(str).tolist()
